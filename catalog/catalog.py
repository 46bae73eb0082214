"""The read side: open a built catalog and answer lookups with Spotify-shaped objects.

Albums and artists are found by id and UPC through B-tree searches in the object store
(:mod:`catalog.objectstore`); tracks by id and ISRC through binary searches of sorted key arrays,
then read by position from the tracks file (:mod:`catalog.trackfile`). Neither cost
grows with the catalog. Search ranks positions from the memory-mapped postings
(:mod:`catalog.postings`) and fetches the objects at those positions. The DuckDB catalog file only
says what was built; it is read once, when the catalog is opened. Everything is read-only and
shared: each thread gets its own SQLite connection.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TypeVar

import duckdb

from . import facts, objects
from .errors import CatalogIncompatible, CatalogNotFound, QueryRejected
from .ids import parse_id, require_id
from .objectstore import ObjectStore, store_path, unpack_genres
from .postings import Postings, PostingsError, postings_path
from .schema import AUDIO_FEATURE_NAMES
from .trackfile import TrackFile, TrackFileError, tracks_path, unpack_features
from .objects import SPOTIFY_API, Markets
from .query import Query, parse_query
from .search import FIELD_ALBUM, FIELD_NAME, SEARCH_TYPES, Run, SearchType, conditions_for, kind_of, search_positions
from .text import term_hash, tokens
from .types import Album, Artist, AudioFeatures, Paging, SearchResults, SimplifiedAlbum, SimplifiedTrack, Track
from .version import FORMAT_VERSION

Tracer = Callable[[str, str, Sequence[Any], float], None]
"""Called after every read with ``(source, statement, params, seconds)``: ``source`` is ``"sqlite"``
(an object-store statement and its parameters), ``"postings"`` (``"<type> postings"`` and the
row count of each run read) or ``"tracks"`` (``"tracks"`` and how many rows were read by position):
``Catalog.open(p, tracer=print)``."""

Companion = TypeVar("Companion", ObjectStore, Postings, TrackFile)

ALBUM_GROUPS = ("album", "single", "compilation", "appears_on")
_MARKET_CACHE_SIZE = 4096
_ARTIST_CACHE_SIZE = 200_000  # credited artists (id, name, genres) remembered for track_facts


class Catalog:
    """A built localspotify catalog, opened read-only.

    >>> cat = Catalog.open("~/.local/share/localspotify/catalog.duckdb")  # doctest: +SKIP
    >>> cat.album("6iHuSGy6pq4tNGFV3ZVPtl")["name"]  # doctest: +SKIP
    'Substance'
    """

    def __init__(self, store: ObjectStore, postings: Postings, tracks: TrackFile, path: Path, meta: dict[str, str]):
        self._store = store
        self._postings = postings
        self._tracks = tracks
        self.path = path
        self.meta = meta
        self._markets: dict[int, tuple[str, ...]] = {}
        self._credited_artists: dict[int, facts.CreditedArtist] = {}  # by position, for track_facts

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, tracer: Tracer | None = None) -> Catalog:
        """Open the catalog at ``path`` read-only.

        :raises CatalogNotFound: when there is no file at ``path``.
        :raises CatalogIncompatible: when the file is not a complete catalog of this format version.
        """
        path = Path(path).expanduser()
        if not path.is_file():
            raise CatalogNotFound(path)
        meta = _read_meta(path)
        found = meta.get("format_version")
        if found != str(FORMAT_VERSION):
            raise CatalogIncompatible(
                path,
                f"was built by localspotify {meta.get('localspotify_version', '?')} with catalog format "
                f"{found}; this version reads format {FORMAT_VERSION}",
            )
        store = _open_store(path, meta, tracer)
        try:
            postings = _open_postings(path, meta, tracer)
        except CatalogIncompatible:
            store.close()
            raise
        try:
            tracks = _open_tracks(path, meta, postings, tracer)
        except CatalogIncompatible:
            store.close()
            postings.close()
            raise
        return cls(store, postings, tracks, path, meta)

    def close(self) -> None:
        self._store.close()
        self._tracks.close()
        self._postings.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def has_audio_features(self) -> bool:
        return self.meta.get("has_audio_features") == "1"

    @property
    def dump_row_counts(self) -> dict[str, int]:
        return json.loads(self.meta.get("dump_row_counts", "{}"))

    def _prepare_objects(self, rows: Iterable[dict[str, Any]], market: str | None) -> Markets:
        """What rows need before they become objects: their credited artists filled in (one read
        for all of them, tracks and albums alike), and the view of their markets."""
        rows = list(rows)
        self._store.credit(rows)
        # Each id tested against the cache: subtracting the cache's keys from a set would walk all of them.
        wanted = {r["markets_rowid"] for r in rows if r["markets_rowid"] is not None and r["markets_rowid"] not in self._markets}
        if wanted:
            if len(self._markets) + len(wanted) > _MARKET_CACHE_SIZE:
                self._markets = {}
            self._markets.update(self._store.markets(wanted))
        return Markets(self._markets, market.upper() if market else None)

    # -- rows by key -----------------------------------------------------------------------

    def _rows_by_id(self, table: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Rows of albums or artists by Spotify id."""
        rows = self._store.rows_at(table, self._store.id_positions(table, ids).values())
        return {row["id"]: row for row in rows.values()}

    def _tracks_at(self, positions: list[int]) -> list[dict[str, Any]]:
        by_pos = self._tracks.rows_at(positions)
        return [by_pos[p] for p in positions if p in by_pos]

    def _albums_at(self, positions: Iterable[int]) -> dict[int, dict[str, Any]]:
        return self._store.rows_at("albums", positions)

    def _artists_at(self, positions: Iterable[int]) -> dict[int, dict[str, Any]]:
        return {pos: _artist_row(row) for pos, row in self._store.rows_at("artists", positions).items()}

    def _artist_rows(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        return {i: _artist_row(row) for i, row in self._rows_by_id("artists", ids).items()}

    def _album_track_rows(self, album_rows: Sequence[dict[str, Any]], limit: int | None, offset: int) -> dict[int, list[dict[str, Any]]]:
        """Each album's tracks in disc and track order: one contiguous run of the tracks table."""
        result: dict[int, list[dict[str, Any]]] = {}
        for row in album_rows:
            count = row["track_count"] - offset if limit is None else min(limit, row["track_count"] - offset)
            result[row["pos"]] = self._tracks.run(row["track_start"] + offset, count) if count > 0 else []
        return result

    # -- tracks ----------------------------------------------------------------------------

    def track(self, track_id: str, *, market: str | None = None, base: str = SPOTIFY_API) -> Track | None:
        """The full track object for a Spotify id, URI or link; None when it is not in the catalog.

        :raises InvalidId: when ``track_id`` cannot be a Spotify track id.
        """
        return self.tracks([require_id(track_id, "track")], market=market, base=base)[0]

    def tracks(self, track_ids: Sequence[str], *, market: str | None = None, base: str = SPOTIFY_API) -> list[Track | None]:
        """Full track objects in the order asked, None in place of ids the catalog lacks.

        Invalid ids give None too, so one bad value never spoils a batch.
        """
        ids = [parse_id(t, "track") for t in track_ids]
        rows = self._tracks.rows_by_id(i for i in ids if i)
        return self._track_objects([rows.get(i) if i else None for i in ids], market, base)

    def _track_objects(self, rows: Sequence[dict[str, Any] | None], market: str | None, base: str) -> list[Track | None]:
        present = [r for r in rows if r is not None]
        albums = self._albums_at(r["album_pos"] for r in present)
        markets = self._prepare_objects([*present, *albums.values()], market)
        return [objects.track(r, albums[r["album_pos"]], markets, base) if r else None for r in rows]

    def tracks_by_isrc(self, isrc: str, *, market: str | None = None, base: str = SPOTIFY_API) -> list[Track]:
        """Every track carrying this ISRC (singles, albums, compilations…), most popular first."""
        isrc = isrc.strip().upper()
        rows = sorted(self._tracks.rows_by_isrc(isrc), key=lambda r: (-r["popularity"], r["pos"]))
        return [t for t in self._track_objects(rows, market, base) if t is not None]

    def audio_features(self, track_ids: Sequence[str], *, base: str = SPOTIFY_API) -> list[AudioFeatures | None]:
        """Audio-features objects (numbers typed) in the order asked; None where there are none."""
        ids = [parse_id(t, "track") for t in track_ids]
        if not self.has_audio_features:
            return [None] * len(ids)
        rows = self._tracks.rows_by_id(i for i in ids if i)
        found = {
            i: {**dict(zip(AUDIO_FEATURE_NAMES, unpack_features(row["features"]))), "track_id": i}
            for i, row in rows.items()
            if row["features"] is not None
        }
        return [objects.audio_features(found[i], base) if i in found else None for i in ids]

    def track_facts(self, track_ids: Sequence[str]) -> list[facts.TrackFacts | None]:
        """The plain facts of each track (names, artists and their genres, album, ISRC, popularity,
        audio features…) in the order asked, None in place of unknown or invalid ids.

        Each fact equals the full objects' value, at a fraction of their cost: for callers that
        need a few values of thousands of tracks (see :mod:`catalog.facts`).

        >>> cat.track_facts(["5CRPGdCSOfstyTVK9Ja5EQ"])[0].album.label  # doctest: +SKIP
        'Rhino'
        """
        if len(self._credited_artists) > _ARTIST_CACHE_SIZE:
            self._credited_artists = {}
        return facts.track_facts(self._store, self._tracks, track_ids, artists=self._credited_artists)

    # -- albums ----------------------------------------------------------------------------

    def album(
        self, album_id: str, *, market: str | None = None, base: str = SPOTIFY_API, track_limit: int | None = None
    ) -> Album | None:
        """The full album object with its tracks in disc/track order (all of them by default).

        :raises InvalidId: when ``album_id`` cannot be a Spotify album id.
        """
        return self.albums([require_id(album_id, "album")], market=market, base=base, track_limit=track_limit)[0]

    def albums(
        self,
        album_ids: Sequence[str],
        *,
        market: str | None = None,
        base: str = SPOTIFY_API,
        track_limit: int | None = None,
    ) -> list[Album | None]:
        """Full album objects in the order asked, None in place of unknown or invalid ids.

        ``track_limit`` pages the embedded tracks as Spotify does (50); None embeds them all, and
        0 none (for callers that need only the album's own fields, thousands at a time).
        """
        ids = [parse_id(a, "album") for a in album_ids]
        rows = self._rows_by_id("albums", (i for i in ids if i))
        return self._album_objects([rows.get(i) if i else None for i in ids], market, base, track_limit)

    def _album_objects(
        self, rows: Sequence[dict[str, Any] | None], market: str | None, base: str, track_limit: int | None
    ) -> list[Album | None]:
        present = [r for r in rows if r is not None]
        track_rows = self._album_track_rows(present, track_limit, 0)
        markets = self._prepare_objects([*present, *(t for ts in track_rows.values() for t in ts)], market)
        result: list[Album | None] = []
        for row in rows:
            if row is None:
                result.append(None)
                continue
            items = [objects.simplified_track(t, markets, base) for t in track_rows[row["pos"]]]
            page = objects.paging(
                items,
                href=f"{base}/albums/{row['id']}/tracks",
                limit=track_limit if track_limit is not None else max(row["track_count"], 1),
                offset=0,
                total=row["track_count"],
            )
            result.append(objects.album(row, page, markets, base))
        return result

    def album_tracks(
        self, album_id: str, *, limit: int = 50, offset: int = 0, market: str | None = None, base: str = SPOTIFY_API
    ) -> Paging[SimplifiedTrack] | None:
        """One page of an album's tracks; None when the album is not in the catalog."""
        _check_page(limit, offset, max_limit=50)
        rows = self._rows_by_id("albums", [require_id(album_id, "album")])
        if not rows:
            return None
        row = next(iter(rows.values()))
        track_rows = self._album_track_rows([row], limit, offset)[row["pos"]]
        markets = self._prepare_objects(track_rows, market)
        items = [objects.simplified_track(t, markets, base) for t in track_rows]
        return objects.paging(
            items, href=f"{base}/albums/{row['id']}/tracks", limit=limit, offset=offset, total=row["track_count"]
        )

    def albums_by_upc(self, upc: str, *, market: str | None = None, base: str = SPOTIFY_API) -> list[Album]:
        """Every album with this UPC (editions can share one), most popular first."""
        upc = upc.strip()
        found = self._albums_at(self._store.key_positions("albums", "upc", upc))
        rows = sorted(found.values(), key=lambda r: (-r["popularity"], r["pos"]))
        return [a for a in self._album_objects(rows, market, base, None) if a is not None]

    # -- artists ---------------------------------------------------------------------------

    def artist(self, artist_id: str, *, base: str = SPOTIFY_API) -> Artist | None:
        """The full artist object; None when the artist is not in the catalog.

        :raises InvalidId: when ``artist_id`` cannot be a Spotify artist id.
        """
        return self.artists([require_id(artist_id, "artist")], base=base)[0]

    def artists(self, artist_ids: Sequence[str], *, base: str = SPOTIFY_API) -> list[Artist | None]:
        """Full artist objects in the order asked, None in place of unknown or invalid ids."""
        ids = [parse_id(a, "artist") for a in artist_ids]
        rows = self._artist_rows(sorted({i for i in ids if i}))
        return [objects.artist(rows[i], base) if i in rows else None for i in ids]

    def artist_albums(
        self,
        artist_id: str,
        *,
        include_groups: Sequence[str] | None = None,
        limit: int = 20,
        offset: int = 0,
        market: str | None = None,
        base: str = SPOTIFY_API,
    ) -> Paging[SimplifiedAlbum] | None:
        """One page of an artist's albums (albums, singles, compilations, then appears-on; newest
        first within each), as simplified albums with ``album_group``; None for unknown artists.

        :raises ValueError: for an unknown group in ``include_groups`` or a bad limit/offset.
        """
        _check_page(limit, offset, max_limit=50)
        groups = list(include_groups or ALBUM_GROUPS)
        unknown = set(groups) - set(ALBUM_GROUPS)
        if unknown:
            raise ValueError(f"unknown include_groups {sorted(unknown)}; use {', '.join(ALBUM_GROUPS)}")
        rows = self._artist_rows([require_id(artist_id, "artist")])
        if not rows:
            return None
        artist_row = next(iter(rows.values()))
        links, total = self._store.artist_albums(artist_row["pos"], groups, limit, offset)
        albums = self._albums_at(p for p, _ in links)
        markets = self._prepare_objects(albums.values(), market)
        items = []
        for album_pos, group in links:
            item: dict[str, Any] = dict(objects.simplified_album(albums[album_pos], markets, base))
            item["album_group"] = group
            items.append(item)
        return objects.paging(
            items,
            href=f"{base}/artists/{artist_row['id']}/albums",
            limit=limit,
            offset=offset,
            total=total,
            include_groups=",".join(groups),
        )

    def artist_top_tracks(self, artist_id: str, *, market: str | None = None, base: str = SPOTIFY_API) -> list[Track] | None:
        """The artist's ten most popular tracks; None for unknown artists."""
        rows = self._artist_rows([require_id(artist_id, "artist")])
        if not rows:
            return None
        positions = self._store.top_track_positions(next(iter(rows.values()))["pos"])
        return [t for t in self._track_objects(self._tracks_at(positions), market, base) if t is not None]

    # -- search ----------------------------------------------------------------------------

    def _tokenize(self, values: list[str]) -> list[list[str]]:
        """Search tokens of each value: the build's ``ls_tokens`` macro, in Python."""
        return [tokens(v) for v in values]

    def search(
        self,
        q: str,
        types: Sequence[str] = ("track",),
        *,
        limit: int = 20,
        offset: int = 0,
        market: str | None = None,
        base: str = SPOTIFY_API,
    ) -> SearchResults:
        """Search with Spotify's query syntax; one paging object per requested type.

        :raises QueryRejected: for a malformed query or one that could only be answered by a scan.
        :raises ValueError: for an unknown type or a bad limit/offset.
        """
        _check_page(limit, offset, max_limit=50, max_offset=1000)
        wanted = [t.strip() for t in types]
        unknown = set(wanted) - set(SEARCH_TYPES)
        if unknown or not wanted:
            raise ValueError(f"unknown search type {sorted(unknown) or ''}; use {', '.join(SEARCH_TYPES)}")
        query = parse_query(q)
        results: dict[str, Any] = {}
        for search_type in SEARCH_TYPES:
            if search_type not in wanted:
                continue
            positions, total = self._search_one(query, search_type, limit, offset)
            if search_type == "track":
                items: list[Any] = [
                    t for t in self._track_objects(self._tracks_at(positions), market, base) if t is not None
                ]
            elif search_type == "album":
                albums = self._albums_at(positions)
                markets = self._prepare_objects(albums.values(), market)
                items = [objects.simplified_album(albums[p], markets, base) for p in positions if p in albums]
            else:
                artists = self._artists_at(positions)
                items = [objects.artist(artists[p], base) for p in positions if p in artists]
            results[f"{search_type}s"] = objects.paging(
                items, href=f"{base}/search", limit=limit, offset=offset, total=total, query=q, type=search_type
            )
        return results  # type: ignore[return-value]

    def _search_one(self, query: Query, search_type: SearchType, limit: int, offset: int) -> tuple[list[int], int]:
        restrict: list[int] | None = None
        if query.isrc or query.upc:
            restrict = self._exact_positions(query, search_type)
            if restrict is not None and not restrict:
                return [], 0
        conditions = conditions_for(query, search_type, self._tokenize)
        if conditions is None:
            return [], 0
        if not conditions:
            if restrict is None:
                if query.year is not None or query.genre:
                    raise QueryRejected(query.text, "no word to search by; add words or a track:, album: or artist: filter")
                return [], 0
            return self._rank_exact(restrict, search_type, limit, offset)
        terms = {term_hash(t): t for t in {c.token for c in conditions}}
        runs = {key: Run(*run, search_type) for key, run in self._store.term_runs(kind_of(search_type), terms).items()}
        if any(FIELD_ALBUM in c.fields for c in conditions):
            # A track's album name is searched in the albums' postings (see catalog.search).
            album_names = self._store.term_runs(kind_of("album"), terms)
            runs |= {(token, FIELD_ALBUM): Run(*run, "album") for (token, field), run in album_names.items() if field == FIELD_NAME}
        page = search_positions(
            self._postings,
            search_type,
            conditions,
            runs,
            year=query.year,
            restrict_to=restrict,
            limit=limit,
            offset=offset,
        )
        return page.positions, page.total

    def _exact_positions(self, query: Query, search_type: SearchType) -> list[int] | None:
        """Positions matching every isrc:/upc: filter, or None when the type has no such filter."""
        if search_type == "artist":
            return None
        sets: list[set[int]] = []
        for isrc in query.isrc:
            tracks = self._tracks.rows_by_isrc(isrc)
            sets.append({t["pos"] if search_type == "track" else t["album_pos"] for t in tracks})
        for upc in query.upc:
            albums = self._albums_at(self._store.key_positions("albums", "upc", upc)).values()
            if search_type == "album":
                sets.append({a["pos"] for a in albums})
            else:
                sets.append({p for a in albums for p in range(a["track_start"], a["track_start"] + a["track_count"])})
        return sorted(set.intersection(*sets)) if sets else None

    def _rank_exact(self, positions: list[int], search_type: SearchType, limit: int, offset: int) -> tuple[list[int], int]:
        rows = self._tracks.rows_at(positions) if search_type == "track" else self._store.rows_at("albums", positions)
        ranked = sorted(rows, key=lambda pos: (-rows[pos]["popularity"], pos))
        return ranked[offset : offset + limit], len(ranked)


def _check_page(limit: int, offset: int, *, max_limit: int, max_offset: int | None = None) -> None:
    if not 1 <= limit <= max_limit:
        raise ValueError(f"limit must be between 1 and {max_limit}, got {limit}")
    if offset < 0 or (max_offset is not None and offset > max_offset):
        raise ValueError(f"offset must be between 0 and {max_offset or 'the total'}, got {offset}")


def _artist_row(row: dict[str, Any]) -> dict[str, Any]:
    """The store keeps an artist's genres as one string; objects want a list."""
    return {**row, "genres": unpack_genres(row["genres"])}


def catalog_files(path: Path) -> list[Path]:
    """Every file of the catalog at ``path``: they are built together and belong together."""
    return [path, store_path(path), postings_path(path), tracks_path(path)]


def _read_meta(path: Path) -> dict[str, str]:
    """What the catalog file says was built: format, versions, build id, the dump's row counts."""
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise CatalogIncompatible(path, f"cannot be opened as a catalog ({str(exc).splitlines()[0]})") from exc
    try:
        return dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.CatalogException as exc:
        raise CatalogIncompatible(path, "is not a localspotify catalog (it has no meta table)") from exc
    finally:
        connection.close()


def _open_postings(path: Path, meta: dict[str, str], tracer: Tracer | None) -> Postings:
    """The search postings built together with the catalog file at ``path``."""
    postings_tracer = (lambda what, counts, seconds: tracer("postings", what, counts, seconds)) if tracer else None
    return _open_companion(path, meta, "search postings", postings_path(path), lambda f: Postings(f, postings_tracer), PostingsError)


def _open_tracks(path: Path, meta: dict[str, str], postings: Postings, tracer: Tracer | None) -> TrackFile:
    """The tracks file built together with the catalog file at ``path``; its key arrays are in the postings."""
    tracks_tracer = (lambda what, counts, seconds: tracer("tracks", what, counts, seconds)) if tracer else None
    return _open_companion(
        path, meta, "tracks file", tracks_path(path), lambda f: TrackFile(f, postings, tracks_tracer), TrackFileError
    )


def _open_store(path: Path, meta: dict[str, str], tracer: Tracer | None) -> ObjectStore:
    """The object store built together with the catalog file at ``path``."""
    sqlite_tracer = (lambda sql, params, seconds: tracer("sqlite", sql, params, seconds)) if tracer else None
    return _open_companion(path, meta, "object store", store_path(path), lambda f: ObjectStore(f, sqlite_tracer), sqlite3.Error)


def _open_companion(
    path: Path, meta: dict[str, str], what: str, file: Path, open_file: Callable[[Path], Companion], unreadable: type[Exception]
) -> Companion:
    """One of the files built together with the catalog file at ``path``, refused when it is
    missing, unreadable or from another build."""
    if not file.is_file():
        raise CatalogIncompatible(path, f"has no {what} beside it (expected {file})")
    try:
        opened = open_file(file)
    except unreadable as exc:
        raise CatalogIncompatible(path, f"has an unreadable {what} {file} ({exc})") from exc
    if opened.build_id != meta.get("build_id"):
        opened.close()
        raise CatalogIncompatible(path, f"does not belong with the {what} {file} (another build)")
    return opened
