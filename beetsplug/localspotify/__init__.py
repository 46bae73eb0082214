"""beets metadata source answering from a local localspotify catalog: ``plugins: localspotify``.

A drop-in for the tagging side of beets' built-in ``spotify`` plugin, offline and without rate
limits: the same ``data_source`` ("Spotify") and flexible fields, so libraries tagged by either
keep working with the other and ``beet mbsync`` refreshes Spotify-tagged albums from the catalog.
This module is the plugin (configuration, hooks, subcommands); ``candidates`` finds releases,
``mapping`` turns Spotify objects into beets' ``AlbumInfo``/``TrackInfo``.

See docs/beets.md for the configuration and commands.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from beets import ui
from beets.autotag import AlbumInfo, TrackInfo
from beets.dbcore import types
from beets.exceptions import UserError
from beets.library import Item
from beets.metadata_plugins import MetadataSourcePlugin

from catalog import Catalog, CatalogError, CatalogNotFound, parse_id
from catalog.cli import default_catalog_path, describe
from catalog.types import Album, Track

from . import mapping
from .audiofiles import spotify_id_media_fields
from .candidates import album_candidates, indistinguishable, track_candidates
from .history_command import PLAY_COUNT_TYPES, spotifyhistory_command

if TYPE_CHECKING:
    from beets.autotag.match import AlbumMatch
    from beets.importer import ImportSession
    from beets.library import Library

# beets copies AlbumInfo.album_id/TrackInfo.track_id (and artist ids) into these (issue 6519).
MB_ID_FIELDS = (
    "mb_albumid",
    "mb_trackid",
    "mb_releasetrackid",
    "mb_artistid",
    "mb_artistids",
    "mb_albumartistid",
    "mb_albumartistids",
)
# Candidate lists remembered for the twin-edition penalty (one per album being matched).
TWIN_MEMORY = 64
# What `beet localspotify sync` refreshes (the offline spotifysync), besides `barcode`.
SYNC_FIELDS = (
    "spotify_track_popularity",
    "isrc",
    "genres",
    "bpm",
    "initial_key",
    *mapping.AUDIO_FEATURE_FIELDS.values(),
)
SUBCOMMAND_USAGE = """%prog status | lookup QUERY | sync [QUERY]

  status         the catalog in use: path, build date, row counts
  lookup QUERY   search the catalog (Spotify syntax: words, album:, artist:, isrc:, upc:...)
  sync [QUERY]   refresh popularity, ISRC, UPC, genres and audio features of library
                 items with Spotify track ids (the offline `beet spotifysync`)"""


class LocalSpotifyOpts(Protocol):
    force: bool
    limit: int


def _holds_spotify_ids(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(isinstance(v, str) and parse_id(v) for v in values)


class LocalSpotifyPlugin(MetadataSourcePlugin):
    data_source = mapping.DATA_SOURCE
    # A perfect local match must still be applied by `beet import -q` when MusicBrainz is also
    # enabled; beets' default (0.5) puts it above the "strong" threshold (see docs/beets.md).
    DEFAULT_DATA_SOURCE_MISMATCH_PENALTY = 0.0

    # Same names and types as beets' spotify plugin (types must agree if both are loaded).
    item_types: ClassVar[dict[str, types.Type]] = {
        "spotify_track_id": types.STRING,
        "spotify_album_id": types.STRING,
        "spotify_artist_id": types.STRING,
        "spotify_track_popularity": types.INTEGER,
        "spotify_acousticness": types.FLOAT,
        "spotify_danceability": types.FLOAT,
        "spotify_energy": types.FLOAT,
        "spotify_instrumentalness": types.FLOAT,
        "spotify_key": types.FLOAT,
        "spotify_liveness": types.FLOAT,
        "spotify_loudness": types.FLOAT,
        "spotify_mode": types.INTEGER,
        "spotify_speechiness": types.FLOAT,
        "spotify_tempo": types.FLOAT,
        "spotify_time_signature": types.INTEGER,
        "spotify_valence": types.FLOAT,
        "spotify_updated": types.DATE,
        **PLAY_COUNT_TYPES,
    }
    album_types: ClassVar[dict[str, types.Type]] = {
        "spotify_album_id": types.STRING,
        "spotify_artist_id": types.STRING,
        "spotify_album_popularity": types.INTEGER,
    }

    def __init__(self) -> None:
        super().__init__()
        self.config.add({"catalog": None, "mb_ids": False, "genres": True, "audio_features": True})
        self._catalog: Catalog | None = None
        self._catalog_error: str | None = None
        self._catalog_lock = threading.Lock()
        # MediaFile is process-wide: only fields a previous instance did not add yet.
        for field, descriptor in spotify_id_media_fields().items():
            self.add_media_field(field, descriptor)
        self.register_listener("import_begin", self._check_catalog)
        self.register_listener("write", self._keep_spotify_ids_out_of_mb_tags)
        self.register_listener("album_matched", self._penalise_twin_editions)
        # Album ids beets cannot tell apart for a group of files (keyed by the items' ids).
        self._twins: collections.OrderedDict[frozenset[int], set[str]] = collections.OrderedDict()
        self._twins_lock = threading.Lock()

    # -- the catalog ------------------------------------------------------------------------

    @property
    def catalog_path(self) -> Path:
        """``localspotify.catalog``, else ``$LOCALSPOTIFY_CATALOG``, else the default path."""
        if self.config["catalog"].get() is None:
            return default_catalog_path()
        return Path(self.config["catalog"].as_filename())

    @property
    def catalog(self) -> Catalog:
        """The catalog, opened on first use and shared by all threads.

        :raises UserError: with a one-line next step when it is missing or unusable.
        """
        with self._catalog_lock:
            if self._catalog is None and self._catalog_error is None:
                try:
                    self._catalog = Catalog.open(self.catalog_path)
                except CatalogNotFound as exc:
                    self._catalog_error = (
                        f"no catalog at {exc.path}. Build one with "
                        f'"localspotify build --dump DUMP_DIR --catalog {exc.path}", '
                        "or point localspotify.catalog in your beets config at one."
                    )
                except CatalogError as exc:
                    self._catalog_error = str(exc)
            if self._catalog is None:
                raise UserError(f"localspotify: {self._catalog_error}")
            return self._catalog

    def _catalog_or_none(self) -> Catalog | None:
        """The catalog for lookups during an import: a broken one was reported once already."""
        try:
            return self.catalog
        except UserError:
            return None

    def _check_catalog(self, session: ImportSession) -> None:
        # Say it once, up front; the import goes on with the other sources.
        if self._catalog_or_none() is None:
            self._log.error("{}", self._catalog_error)  # beets prefixes "localspotify: "

    # -- hooks ------------------------------------------------------------------------------

    def _keep_spotify_ids_out_of_mb_tags(self, item: Item, path: bytes, tags: dict[str, Any]) -> None:
        """Drop Spotify ids from the MusicBrainz tags written to files (beets issue 6519).

        The library keeps them (``beet mbsync`` reads ``mb_albumid``); files get the ids in
        SPOTIFY_*_ID tags instead. MusicBrainz UUIDs are left alone. ``mb_ids: yes`` turns
        this off.
        """
        if self.config["mb_ids"].get(bool):
            return
        for field in MB_ID_FIELDS:
            if _holds_spotify_ids(tags.get(field)):
                tags[field] = None

    # -- lookups by id ----------------------------------------------------------------------

    def album_for_id(self, album_id: str) -> AlbumInfo | None:
        return next(iter(self.albums_for_ids([album_id])))

    def track_for_id(self, track_id: str) -> TrackInfo | None:
        return next(iter(self.tracks_for_ids([track_id])))

    def albums_for_ids(self, ids: Iterable[str]) -> Iterable[AlbumInfo | None]:
        # beets asks every source about every id: non-Spotify ids never reach the catalog.
        parsed = [parse_id(i, "album") for i in ids]
        cat = self._catalog_or_none() if any(parsed) else None
        if cat is None:
            return [None] * len(parsed)
        return self._album_infos(cat, cat.albums([p or "" for p in parsed]))

    def tracks_for_ids(self, ids: Iterable[str]) -> Iterable[TrackInfo | None]:
        parsed = [parse_id(i, "track") for i in ids]
        cat = self._catalog_or_none() if any(parsed) else None
        if cat is None:
            return [None] * len(parsed)
        return self._track_infos(cat, cat.tracks([p or "" for p in parsed]))

    # -- searches ---------------------------------------------------------------------------

    def candidates(self, items: Sequence[Item], artist: str, album: str, va_likely: bool) -> Iterable[AlbumInfo]:
        # va_likely is not needed: "Various Artists" credits are recognised by name, and
        # albums by one artist with guests must still be searched by that artist.
        if (cat := self._catalog_or_none()) is None:
            return []
        found = album_candidates(cat, items, artist, album, limit=self.config["search_limit"].get(int))
        self._log.debug("{} candidate(s) for {} - {}", len(found), artist, album)
        infos = [info for info in self._album_infos(cat, found) if info is not None]
        twins = indistinguishable(infos, items)
        with self._twins_lock:
            self._twins[frozenset(map(id, items))] = twins
            while len(self._twins) > TWIN_MEMORY:
                self._twins.popitem(last=False)
        return infos

    def _penalise_twin_editions(self, match: AlbumMatch) -> None:
        """An album-id penalty for a candidate with a twin the files cannot tell it from.

        beets would rate both editions equally (often distance 0) and ``-q`` would apply
        whichever came first; which one the files are is unknown, so neither is a strong match
        and the user is asked (the candidates list shows both). Like beets' ``mbpseudo`` plugin
        this adjusts the match on ``album_matched``; beets 2.14 has no distance hook.
        """
        if match.info.data_source != self.data_source:
            return
        key = frozenset(map(id, [*match.mapping, *match.extra_items]))
        with self._twins_lock:
            twins = self._twins.get(key, set())
        if match.info.album_id in twins:
            match.distance.add("album_id", 1.0)

    def item_candidates(self, item: Item, artist: str, title: str) -> Iterable[TrackInfo]:
        if (cat := self._catalog_or_none()) is None:
            return []
        found = track_candidates(cat, item, artist, title, limit=self.config["search_limit"].get(int))
        return [info for info in self._track_infos(cat, found) if info is not None]

    # -- catalog objects → beets objects ----------------------------------------------------

    def _extras(self, cat: Catalog, tracks: Sequence[Any], artist_ids: Iterable[str]) -> tuple[dict, dict | None]:
        """Audio features by track id and (when genres are on) artists by id, one batch each."""
        track_ids = [t["id"] for t in tracks]
        features = {}
        if self.config["audio_features"].get(bool) and cat.has_audio_features:
            features = dict(zip(track_ids, cat.audio_features(track_ids)))
        artists = None
        if self.config["genres"].get(bool):
            wanted = list(dict.fromkeys(artist_ids))
            artists = dict(zip(wanted, cat.artists(wanted)))
        return features, artists

    def _album_infos(self, cat: Catalog, albums: Sequence[Album | None]) -> list[AlbumInfo | None]:
        present = [a for a in albums if a and a["name"]]  # an empty name is a taken-down album
        items = [t for a in present for t in a["tracks"]["items"]]
        full = cat.tracks([t["id"] for t in items])
        artist_ids = [a["id"] for album in present for a in album["artists"]]
        artist_ids += [a["id"] for t in items for a in t["artists"]]
        features, artists = self._extras(cat, items, artist_ids)
        return [
            mapping.album_info(a, full_tracks=full, artists=artists, features=features)
            if a and a["name"]
            else None
            for a in albums
        ]

    def _track_infos(self, cat: Catalog, tracks: Sequence[Track | None]) -> list[TrackInfo | None]:
        present = [t for t in tracks if t and t["name"]]
        features, artists = self._extras(cat, present, (a["id"] for t in present for a in t["artists"]))
        return [
            mapping.track_info(t, artists=artists, features=features.get(t["id"])) if t and t["name"] else None
            for t in tracks
        ]

    # -- the offline spotifysync ------------------------------------------------------------

    def sync_items(self, items: Sequence[Item], *, write: bool, force: bool) -> int:
        """Refresh popularity, ISRC, UPC, genres and audio features of items with Spotify ids.

        Items already holding a popularity are skipped unless ``force``. Returns how many were
        updated.
        """
        wanted = {
            item: track_id
            for item in items
            if (track_id := parse_id(item.get("spotify_track_id") or "", "track"))
            and (force or item.get("spotify_track_popularity") is None)
        }
        if not wanted:
            return 0
        cat = self.catalog
        infos = dict(zip(wanted.values(), self._track_infos(cat, cat.tracks(list(wanted.values())))))
        album_ids = {info.spotify_album_id for info in infos.values() if info and info.get("spotify_album_id")}
        barcodes = {a["id"]: a["external_ids"].get("upc") for a in cat.albums(sorted(album_ids)) if a}
        updated = 0
        for item, track_id in wanted.items():
            info = infos.get(track_id)
            if info is None:
                self._log.info("not in the catalog: {} ({})", item, track_id)
                continue
            item.update({f: info[f] for f in SYNC_FIELDS if info.get(f) is not None})
            if barcode := barcodes.get(info.get("spotify_album_id")):
                item.barcode = barcode
            item.spotify_updated = time.time()
            item.store()
            if write:
                item.try_write()
            updated += 1
        return updated

    # -- commands ---------------------------------------------------------------------------

    def commands(self) -> list[ui.Subcommand]:
        command = ui.Subcommand("localspotify", help="local Spotify catalog: status, lookup, sync")
        command.parser.set_usage(SUBCOMMAND_USAGE)
        command.parser.add_option(
            "-f", "--force", action="store_true", default=False,
            help="sync: refresh items that already have Spotify data (default: skip them)",
        )
        command.parser.add_option(
            "-n", "--limit", type="int", default=10, help="lookup: results per type (default: 10)"
        )
        command.func = self._run_command
        return [command, spotifyhistory_command(self)]

    def _run_command(self, lib: Library, opts: LocalSpotifyOpts, args: list[str]) -> None:
        action, rest = (args[0], args[1:]) if args else ("status", [])
        if action == "status":
            self._print_status()
        elif action == "lookup":
            if not rest:
                raise UserError("localspotify lookup needs a query, e.g. beet localspotify lookup 'album:Substance'")
            self._print_lookup(" ".join(rest), opts.limit)
        elif action == "sync":
            items = lib.items(rest)
            updated = self.sync_items(items, write=ui.should_write(), force=opts.force)
            ui.print_(f"Synced {updated} of {len(items)} item(s) from {self.catalog_path}")
        else:
            raise UserError(f"unknown localspotify command {action!r}: use status, lookup or sync")

    def _print_status(self) -> None:
        cat = self.catalog
        ui.print_(f"catalog:        {cat.path}")
        ui.print_(f"built at:       {cat.meta.get('built_at', '?')}")
        ui.print_(f"built by:       localspotify {cat.meta.get('localspotify_version', '?')} (format {cat.meta.get('format_version', '?')})")
        ui.print_(f"audio features: {'yes' if cat.has_audio_features else 'no'}")
        for table, count in cat.dump_row_counts.items():
            ui.print_(f"  {table:<22}{count:>14,}")

    def _print_lookup(self, query: str, limit: int) -> None:
        try:
            results = self.catalog.search(query, ["album", "track"], limit=min(max(limit, 1), 50))
        except CatalogError as exc:
            raise UserError(str(exc)) from exc
        for kind in ("albums", "tracks"):
            ui.print_(f"{kind} ({results[kind]['total']:,}):")
            for item in results[kind]["items"]:
                ui.print_(f"  {describe(item)}")
