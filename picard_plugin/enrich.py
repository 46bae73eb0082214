"""Enriching tracks MusicBrainz matched: the track metadata processor and the album action.

Picard runs track metadata processors one after the other, synchronously, while a release loads,
and finalizes the album (copies the metadata, runs scripts, matches files) as soon as the last
one returns. So the processor only collects each track's ``Metadata``; the first track of a
release registers a *blocking* album task (``api.add_album_task(..., blocking=True)``) which keeps
Picard from finalizing, and a zero-delay timer starts one lookup for the whole release once every
track has been collected. The lookup runs through the transport without blocking the GUI thread;
when it answers (or fails: a missing server must not stall Picard), the tags are set, the task is
completed and, if no other plugin still holds the album, ``album._finalize_loading`` is called:
Picard 3.0.2's ``complete_album_task`` only removes the task, and finalizing is what the album's
own requests do when they finish (``album.py``), so a plugin that blocks must do it too.

Standalone recordings (non-album tracks) have no such hold: they are looked up the same way and
their tags (and their files') updated when the answer comes.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QTimer

from .clues import album_clue, apply_tags, current_tags
from .errors import LocalSpotifyError, LookupCrashed
from .lookups import Enrichment, enrich_release, run_lookup
from .tags import enrichment_tags

if TYPE_CHECKING:
    from .plugin import LocalSpotify

TASK_DESCRIPTION = "Spotify data from the local catalog"


class EnrichJob:
    """One lookup for a list of track ``Metadata`` objects (a release, or one recording)."""

    def __init__(self, plugin: LocalSpotify, title: str, on_finished: Callable[[EnrichJob], None]) -> None:
        self.plugin = plugin
        self.title = title
        self.metadatas: list[Any] = []
        self.on_finished = on_finished
        self.started = False
        self.cancelled = False
        self.enriched = 0
        self.error: LocalSpotifyError | None = None

    def add(self, metadata: Any) -> None:
        self.metadatas.append(metadata)

    def start(self) -> None:
        if self.started or self.cancelled:
            return
        self.started = True
        settings = self.plugin.settings()
        try:
            fetch = self.plugin.transport().fetch
        except LocalSpotifyError as exc:
            self._finished(None, exc)
            return
        run_lookup(enrich_release(album_clue(self.metadatas), settings), fetch, self._finished)

    def _finished(self, result: Enrichment | None, error: LocalSpotifyError | None) -> None:
        message = None
        try:
            if self.cancelled:
                return
            if error is not None:
                self.error = error
            elif result is not None:
                try:
                    message = self._apply(result)
                except Exception as exc:  # a bug must not leave the album waiting
                    self.error = LookupCrashed(exc)
        finally:
            # Report after the album is finalized: Picard's own "Album … loaded" would hide it.
            self.on_finished(self)
        if self.error is not None:
            self.plugin.report(self.error)
        elif message:
            self.plugin.status(message)

    def _apply(self, result: Enrichment) -> str:
        settings = self.plugin.settings()
        for key, match in result.matches.items():
            metadata = self.metadatas[key]
            tags = enrichment_tags(
                match.track,
                match.album,
                artists=result.artists,
                features=result.features.get(match.track["id"]),
                settings=settings,
                current=current_tags(metadata),
            )
            apply_tags(metadata, tags)
            self.enriched += 1
        if self.enriched:
            return f"Local Spotify catalog: {self.enriched} of {len(self.metadatas)} tracks of “{self.title}” enriched"
        return f"Local Spotify catalog: no Spotify match for “{self.title}”"


class Enricher:
    """The track metadata processor, and the jobs it keeps per album being loaded."""

    def __init__(self, plugin: LocalSpotify) -> None:
        self.plugin = plugin
        self.jobs: dict[int, EnrichJob] = {}
        """Jobs of albums being loaded, by ``id(album)``."""
        self.standalone: set[EnrichJob] = set()
        """Jobs of standalone recordings, kept until they finish (Qt holds the timer's slot weakly)."""
        self._task_numbers = count(1)

    def process_track(self, api: Any, track: Any, metadata: Any, track_node: Any, release_node: Any = None) -> None:
        """Registered with ``api.register_track_metadata_processor``."""
        if not self.plugin.settings().enrich_tracks:
            return
        album = getattr(track, "album", None)
        if release_node is None or album is None:
            self._enrich_standalone(track, metadata)
            return
        job = self.jobs.get(id(album))
        if job is None or job.started:
            if job is not None:
                job.cancelled = True  # the album is loading again: the old answer is stale
            task_id = f"enrich_{next(self._task_numbers)}"
            job = EnrichJob(
                self.plugin, metadata["album"] or album.id, lambda done: self._album_job_finished(album, task_id, done)
            )
            self.jobs[id(album)] = job
            api.add_album_task(album, task_id, TASK_DESCRIPTION, blocking=True)
            QTimer.singleShot(0, job.start)
        job.add(metadata)

    def _album_job_finished(self, album: Any, task_id: str, job: EnrichJob) -> None:
        if self.jobs.get(id(album)) is job:
            del self.jobs[id(album)]
        if job.cancelled:
            return
        self.plugin.api.complete_album_task(album, task_id)
        if not album.loaded and not album.has_critical_tasks():
            album._finalize_loading(False)

    def album_removed(self, api: Any, album: Any) -> None:
        """Registered with ``api.register_album_post_removal_processor``: drop its pending job."""
        job = self.jobs.pop(id(album), None)
        if job is not None:
            job.cancelled = True

    def _enrich_standalone(self, track: Any, metadata: Any) -> None:
        def finished(job: EnrichJob) -> None:
            self.standalone.discard(job)
            if job.enriched:
                _refresh_files(track)

        job = EnrichJob(self.plugin, metadata["title"] or track.id, finished)
        job.add(metadata)
        self.standalone.add(job)
        QTimer.singleShot(0, job.start)

    def enrich_loaded_album(self, album: Any) -> EnrichJob:
        """The album action: enrich every track of an album already loaded, and its files."""

        def finished(job: EnrichJob) -> None:
            if job.enriched:
                for track in album.tracks:
                    _refresh_files(track)
                album.update()

        job = EnrichJob(self.plugin, album.metadata["album"] or album.id, finished)
        for track in album.tracks:
            job.add(track.metadata)
        job.start()
        return job


def _refresh_files(track: Any) -> None:
    """Carry a track's changed metadata over to its files, as editing the track in Picard does."""
    for file in list(track.files):
        track.update_file_metadata(file)
    track.update()
