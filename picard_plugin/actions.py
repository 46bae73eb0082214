""" "Look up in local Spotify catalog": tagging what MusicBrainz does not know.

On a cluster (or on loose files, grouped by album), the lookup gathers candidate albums from the
files' Spotify ids, barcodes, ISRCs and names, fits each to the files (names, track count,
numbers, lengths, ISRCs), then either writes the clear winner into the files' metadata or asks
the user to choose between close candidates. Nothing is saved: the files show as modified and the
user reviews and saves as usual. On an album MusicBrainz already loaded, the action enriches its
tracks now (for albums loaded before the plugin was enabled, or with automatic enrichment off).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from picard.album import Album
from picard.cluster import Cluster
from picard.file import File
from picard.plugin3.api import BaseAction, t_

from .clues import album_clue, apply_tags, current_tags, group_key
from .dialog import CandidateDialog
from .errors import LocalSpotifyError, LookupCrashed
from .lookups import AlbumDetails, Candidates, album_details, find_candidates, run_lookup
from .matching import Decision, Fit, album_artist_credit, decide
from .tags import album_track_tags

if TYPE_CHECKING:
    from .plugin import LocalSpotify

TITLE = t_("action.lookup", "Look up in local Spotify catalog")


class FileLookup:
    """One lookup for one group of files; ``outcome`` says how it ended.

    Outcomes: ``running``, ``asking`` (the candidate dialog is open: ``dialog``), ``applied``,
    ``no match``, ``cancelled``, ``failed``.
    """

    def __init__(self, plugin: LocalSpotify, files: list[Any], name: str, cluster: Any = None) -> None:
        self.plugin = plugin
        self.files = files
        self.name = name
        self.cluster = cluster
        self.outcome = "running"
        self.dialog: CandidateDialog | None = None
        self.candidates: list[Fit] = []
        self.applied: Fit | None = None
        self.error: LocalSpotifyError | None = None

    @property
    def finished(self) -> bool:
        return self.outcome not in ("running", "asking")

    def start(self) -> FileLookup:
        try:
            fetch = self.plugin.transport().fetch
        except LocalSpotifyError as exc:
            self._failed(exc)
            return self
        self.plugin.status(f"Local Spotify catalog: looking up {len(self.files)} files of “{self.name}” …")
        run_lookup(find_candidates(album_clue([f.metadata for f in self.files])), fetch, self._found)
        return self

    def _failed(self, error: LocalSpotifyError) -> None:
        self.error = error
        self.outcome = "failed"
        self.plugin.report(error)

    def _found(self, candidates: Candidates | None, error: LocalSpotifyError | None) -> None:
        if error is not None or candidates is None:
            self._failed(error or LocalSpotifyError("no answer"))
            return
        self.candidates = candidates.fits
        decision = decide(candidates.fits)
        if decision.action == Decision.NONE:
            self.outcome = "no match"
            self.plugin.status(
                f"Local Spotify catalog: no album matches “{self.name}” ({len(self.files)} files); nothing was written"
            )
        elif decision.action == Decision.APPLY:
            self.choose(decision.fits[0])
        else:
            self.outcome = "asking"
            self.dialog = CandidateDialog(self.name, decision.fits, len(self.files), self.plugin.main_window())
            self.dialog.chosen.connect(lambda index: self.choose(self.dialog.fits[index]))  # type: ignore[union-attr]
            self.dialog.rejected.connect(self._cancelled)
            self.plugin.status(
                f"Local Spotify catalog: {len(decision.fits)} albums fit “{self.name}”; choose one in the dialog"
            )
            self.dialog.open()

    def _cancelled(self) -> None:
        self.outcome = "cancelled"
        self.plugin.status(f"Local Spotify catalog: nothing written to “{self.name}”")

    def choose(self, fit: Fit) -> None:
        """Write ``fit``'s album into the files (fetching its full tracks, artists and features first)."""
        self.outcome = "running"
        try:
            fetch = self.plugin.transport().fetch
        except LocalSpotifyError as exc:
            self._failed(exc)
            return
        run_lookup(album_details(fit.album, self.plugin.settings()), fetch, partial(self._apply, fit))

    def _apply(self, fit: Fit, details: AlbumDetails | None, error: LocalSpotifyError | None) -> None:
        if error is not None or details is None:
            self._failed(error or LocalSpotifyError("no answer"))
            return
        try:
            self._write(fit, details)
        except Exception as exc:  # a bug: report it rather than raise into Qt's event loop
            self._failed(LookupCrashed(exc))

    def _write(self, fit: Fit, details: AlbumDetails) -> None:
        settings = self.plugin.settings()
        written = 0
        for key, pair in fit.pairs.items():
            file = self.files[key]
            if file.state == File.State.REMOVED:  # removed from Picard while we looked
                continue
            tags = album_track_tags(
                pair.track,
                fit.album,
                full_track=details.tracks.get(pair.track["id"]),
                artists=details.artists,
                features=details.features.get(pair.track["id"]),
                settings=settings,
                current=current_tags(file.metadata),
            )
            apply_tags(file.metadata, tags)
            file.update()
            written += 1
        if self.cluster is not None:
            # The cluster now stands for the Spotify album: show it under that name.
            self.cluster.metadata["album"] = fit.album.get("name") or self.cluster.metadata["album"]
            self.cluster.metadata["albumartist"] = album_artist_credit(fit.album)
            self.cluster.update()
        self.applied = fit
        self.outcome = "applied"
        album = fit.album
        self.plugin.status(
            f"Local Spotify catalog: {written} of {len(self.files)} files tagged as “{album.get('name')}” "
            f"({album.get('id')}); review and save them"
        )


def _lookup_groups(plugin: LocalSpotify, files: list[Any], cluster: Any = None) -> list[FileLookup]:
    if cluster is not None:
        return [FileLookup(plugin, files, cluster.metadata["album"] or "cluster", cluster).start()]
    groups: dict[tuple[str, str], list[Any]] = {}
    for file in files:
        groups.setdefault(group_key(file.metadata), []).append(file)
    return [
        FileLookup(plugin, group, group[0].metadata["album"] or group[0].base_filename).start()
        for group in groups.values()
    ]


class ClusterLookupAction(BaseAction):
    """On clusters: one lookup per cluster (the unclustered-files list is grouped by album)."""

    TITLE = TITLE
    plugin: LocalSpotify

    def callback(self, objs: list[Any]) -> list[FileLookup]:
        lookups: list[FileLookup] = []
        for obj in objs:
            if isinstance(obj, Cluster) and obj.files:
                special = getattr(obj, "special", False)
                lookups += _lookup_groups(self.plugin, list(obj.files), None if special else obj)
        return lookups


class FileLookupAction(BaseAction):
    """On files: the selected files, grouped by album artist and album name."""

    TITLE = TITLE
    plugin: LocalSpotify

    def callback(self, objs: list[Any]) -> list[FileLookup]:
        files = [obj for obj in objs if isinstance(obj, File)]
        return _lookup_groups(self.plugin, files) if files else []


class AlbumLookupAction(BaseAction):
    """On albums MusicBrainz loaded: enrich their tracks and files now."""

    TITLE = TITLE
    plugin: LocalSpotify

    def callback(self, objs: list[Any]) -> list[Any]:
        return [self.plugin.enricher.enrich_loaded_album(obj) for obj in objs if isinstance(obj, Album) and obj.loaded]
