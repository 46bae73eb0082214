"""The object store: SQLite B-trees that answer point lookups of albums and artists in microseconds.

DuckDB reads a whole compressed vector of every column it returns, so even a one-row lookup costs
about a millisecond per statement. SQLite's B-tree reads a few pages instead. The builder therefore
writes the rows album and artist objects are made of (albums, artists, markets, the artists'
albums and top tracks, and where each search term's postings start) into a SQLite file beside the
DuckDB file, and SQLite indexes them by their keys (Spotify id, UPC) itself: its sort, in C, costs
a third of what copying sorted keys out of DuckDB through Python did. The tracks, four in five of
the catalog's rows, are in a file of their own (:mod:`catalog.trackfile`).

Row numbers are the positions DuckDB gave the rows, so search results, album track runs
(``track_start``/``track_count``) and artist links point straight at SQLite rowids and track
positions.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import duckdb

# SQLite allows 32,766 parameters per statement; far fewer keeps each statement's plan cheap,
# except where visiting many rows in order pays for it.
_CHUNK = 500
_BIG_CHUNK = 5_000
_EXPORT_BATCH = 50_000
# The writer's page cache (in KiB, negative as SQLite takes it) while it copies, and while it sorts.
_COPY_CACHE = -16384
_SORT_CACHE = -2048
# Term hashes are unsigned 64-bit, SQLite's integers signed: they are stored shifted.
_TERM_SHIFT = 2**63

Tracer = Callable[[str, Sequence[Any], float], None]


def store_path(catalog_path: Path) -> Path:
    """Where the object store of the catalog at ``catalog_path`` lives."""
    return catalog_path.with_name(catalog_path.name + ".objects.sqlite")


def artist_positions(packed: str | None) -> list[int]:
    """A track's or album's credited artists, as the builder packs them ("12,345"): their positions
    in the artists table in credit order, each once (the dump repeats a few track–artist pairs)."""
    return list(dict.fromkeys(map(int, packed.split(",")))) if packed else []


# What the store is made of, in the order the build makes it: (name, CREATE statement, DuckDB query
# giving a table's rows in key order, or None for an index SQLite makes from a table copied before).
# Rows are inserted in key order so SQLite appends to its B-trees instead of splitting pages all
# over them. Tables the build wrote in key order are read without ORDER BY: with
# preserve_insertion_order a plain scan returns them in that order, where an ORDER BY sorts the
# whole table again (30 s of the tracks' copy at 10M). Positions are explicit columns, so the order
# only ever affects speed.
_CONTENTS: list[tuple[str, str, str | None]] = [
    (
        "markets",
        "CREATE TABLE markets (markets_rowid INTEGER PRIMARY KEY, codes TEXT NOT NULL)",
        "SELECT markets_rowid, codes FROM markets",
    ),
    (
        "artists",
        """CREATE TABLE artists (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT,
           followers_total INTEGER, popularity INTEGER, genres TEXT NOT NULL, images TEXT NOT NULL)""",
        """SELECT rowid, id, name, followers_total, popularity, array_to_string(genres, chr(31)), images
           FROM artists""",
    ),
    ("artist_ids", "CREATE INDEX artist_ids ON artists (id)", None),
    (
        "albums",
        """CREATE TABLE albums (pos INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT, album_type TEXT,
           markets_rowid INTEGER, upc TEXT, copyright_c TEXT, copyright_p TEXT, label TEXT,
           popularity INTEGER, release_date TEXT, release_date_precision TEXT, total_tracks INTEGER,
           images TEXT NOT NULL, artists TEXT NOT NULL, track_start INTEGER NOT NULL, track_count INTEGER NOT NULL)""",
        """SELECT rowid, id, name, album_type, markets_rowid, upc, copyright_c, copyright_p, label,
                  popularity, release_date, release_date_precision, total_tracks, images, artists,
                  track_start, track_count
           FROM albums""",
    ),
    ("album_ids", "CREATE INDEX album_ids ON albums (id)", None),
    # Only the rows with a key: the lookups' own ``<> ''`` lets SQLite use these partial indexes.
    ("upcs", "CREATE INDEX upcs ON albums (upc) WHERE upc <> ''", None),
    (
        "artist_albums",
        """CREATE TABLE artist_albums (artist_pos INTEGER NOT NULL, seq INTEGER NOT NULL,
           album_group TEXT NOT NULL, album_pos INTEGER NOT NULL, PRIMARY KEY (artist_pos, seq)) WITHOUT ROWID""",
        # The table is already in display order (see catalog.build); seq keeps that order.
        "SELECT artist_pos, rowid, album_group, album_pos FROM artist_albums",
    ),
    (
        "term_runs",
        """CREATE TABLE term_runs (kind INTEGER NOT NULL, term INTEGER NOT NULL, field INTEGER NOT NULL,
           start INTEGER NOT NULL, n INTEGER NOT NULL, top INTEGER, PRIMARY KEY (kind, term, field)) WITHOUT ROWID""",
        f"""SELECT kind, (term::HUGEINT - {_TERM_SHIFT})::BIGINT AS term, field, start, n, top FROM term_ranges
            ORDER BY kind, term, field""",
    ),
    (
        "artist_top_tracks",
        "CREATE TABLE artist_top_tracks (artist_pos INTEGER PRIMARY KEY, positions TEXT NOT NULL)",
        "SELECT artist_pos, array_to_string(positions, ',') FROM artist_top_tracks",
    ),
]

def contents() -> list[str]:
    """The names of the store's tables and indexes, in the order the build makes them."""
    return [name for name, _, _ in _CONTENTS]


# Tables made by the build's search steps; the object tables are ready before those steps run.
SEARCH_TABLES = ("term_runs",)


class StoreWriter:
    """A new object store, filled with tables copied from the build's DuckDB database.

    The build copies the object tables on a second thread while its own thread runs DuckDB's
    search steps, then the rest: calls may come from any thread, one at a time. Nothing is
    committed before :meth:`finish`.
    """

    def __init__(self, path: Path, *, sort_dir: Path):
        """``sort_dir``: where SQLite's sorts spill while it indexes the copied rows (several GB at
        256M tracks, which must not land in a ``/tmp`` kept in memory)."""
        path.unlink(missing_ok=True)
        self._sort_dir = sort_dir
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        # Written once, then only read: no journal, no fsync until the end, big pages for B-trees.
        self._db.execute("PRAGMA page_size = 8192")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
        # Rows arrive in key order, so each B-tree grows only at its right edge: a small cache holds
        # that, and leaves the memory to DuckDB, which builds the search postings meanwhile.
        self._db.execute(f"PRAGMA cache_size = {_COPY_CACHE}")
        self._db.execute("BEGIN")
        self._contents = {name: (create, query) for name, create, query in _CONTENTS}

    def copy(
        self,
        con: duckdb.DuckDBPyConnection,
        names: Sequence[str],
        *,
        progress: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """Copy the tables ``names`` from ``con`` and make the indexes among them, in that order;
        ``progress(name)`` is called as each starts. When ``stop`` is set, the copy ends at its next
        batch of rows, unfinished (see :meth:`interrupt` for an index being made)."""
        for name in names:
            if stop is not None and stop.is_set():
                return
            if progress:
                progress(name)
            create, query = self._contents[name]
            if query is None:
                self._make_index(create)
                continue
            self._db.execute(create)
            cursor = con.execute(query)
            insert = f"INSERT INTO {name} VALUES ({', '.join('?' * len(cursor.description))})"
            while batch := cursor.fetchmany(_EXPORT_BATCH):
                if stop is not None and stop.is_set():
                    return
                self._db.executemany(insert, batch)

    def _make_index(self, create: str) -> None:
        # The directory for temporary files is one setting for the whole process, not the
        # connection: it is set only while SQLite sorts, and given back.
        (before,) = self._db.execute("PRAGMA temp_store_directory").fetchone() or ("",)
        self._sort_dir.mkdir(exist_ok=True)
        self._db.execute(f"PRAGMA temp_store_directory = '{_sql_text(str(self._sort_dir))}'")
        # SQLite sorts runs as large as its page cache, down to 2 MB. Those small runs sort within
        # the CPU's caches: an index of 50M track ids took 25.5 s so, 30.7 s with 16 MB (format 11).
        self._db.execute(f"PRAGMA cache_size = {_SORT_CACHE}")
        try:
            self._db.execute(create)
        finally:
            self._db.execute(f"PRAGMA cache_size = {_COPY_CACHE}")
            self._db.execute(f"PRAGMA temp_store_directory = '{_sql_text(before)}'")

    def interrupt(self) -> None:
        """Abort the statement running on another thread (an index being made can take minutes)."""
        self._db.interrupt()

    def finish(self, meta: dict[str, str]) -> None:
        """Write ``meta`` and commit everything copied."""
        self._db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


def _sql_text(value: str) -> str:
    """``value`` inside a SQL string literal; PRAGMA takes no parameters."""
    return value.replace("'", "''")


def unpack_genres(packed: str) -> list[str]:
    """An artist's genres, which the store keeps as one string."""
    return packed.split("\x1f") if packed else []


class ObjectStore:
    """Read-only access to the object store; one SQLite connection per thread."""

    def __init__(self, path: Path, tracer: Tracer | None = None):
        self.path = path
        self._tracer = tracer
        self._uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        self._connections: list[sqlite3.Connection] = []
        self._local = threading.local()
        self.meta = dict(self._fetch("SELECT key, value FROM meta"))

    @property
    def build_id(self) -> str | None:
        return self.meta.get("build_id")

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            db.execute("PRAGMA cache_size = -65536")
            self._local.db = db
            self._connections.append(db)
        return db

    def close(self) -> None:
        for db in self._connections:
            db.close()
        self._connections.clear()

    def _query(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of one statement, traced."""
        started = time.perf_counter()
        cursor = self._connection().execute(sql, params)
        rows = cursor.fetchall()
        if self._tracer is not None:
            self._tracer(sql, params, time.perf_counter() - started)
        return [d[0] for d in cursor.description], rows

    def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._query(sql, params)[1]

    def _fetch_dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        names, rows = self._query(sql, params)
        return [dict(zip(names, row)) for row in rows]

    def _fetch_in(
        self, sql: str, values: Iterable[Any], *, before: Sequence[Any] = (), dicts: bool = False, chunk: int = _CHUNK
    ) -> list[Any]:
        """Rows of ``sql``, whose ``IN ({marks})`` takes ``values``, run once per ``chunk`` values.

        ``before`` are the parameters that come ahead of the values.
        """
        fetch = self._fetch_dicts if dicts else self._fetch
        rows: list[Any] = []
        wanted = sorted(set(values))
        for start in range(0, len(wanted), chunk):
            some = wanted[start : start + chunk]
            rows += fetch(sql.format(marks=", ".join("?" * len(some))), [*before, *some])
        return rows

    # -- keys ------------------------------------------------------------------------------

    def id_positions(self, table: str, ids: Iterable[str]) -> dict[str, int]:
        """The position of each of ``ids`` found in an object table (albums, artists); the
        first where the dump has an id twice. ``table`` is this package's constant, never user input."""
        return dict(self._fetch_in(f"SELECT id, min(pos) FROM {table} WHERE id IN ({{marks}}) GROUP BY id", ids))

    def key_positions(self, table: str, column: str, value: str) -> list[int]:
        """The positions of the rows whose ``column`` (the albums' upc) is ``value``,
        in order; ``table`` and ``column`` are this package's constants, never user input."""
        return [pos for (pos,) in self._fetch(f"SELECT pos FROM {table} WHERE {column} = ? AND {column} <> ''", [value])]

    def rows_at(self, table: str, positions: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Rows of an object table (albums, artists) by position. An album's
        ``artists`` are still packed: :meth:`credit` the rows that become objects."""
        rows = self._fetch_in(f"SELECT * FROM {table} WHERE pos IN ({{marks}})", positions, dicts=True)
        return {row["pos"]: row for row in rows}

    def credit(self, rows: Iterable[dict[str, Any]]) -> None:
        """Replace each row's packed ``artists`` by ``[{"id", "name"}]`` in credit order.

        One statement reads the artists of all the rows, tracks and albums alike: a track object
        needs its own credits and its album's, an album its own and its tracks'.
        """
        unique = list({id(row): row for row in rows}.values())  # a row asked for twice is credited once
        credits = [artist_positions(row["artists"]) for row in unique]
        artists = self.credited_artists({pos for positions in credits for pos in positions})
        for row, positions in zip(unique, credits):
            row["artists"] = [{"id": artists[p][0], "name": artists[p][1]} for p in positions if p in artists]

    def markets(self, rowids: Iterable[int]) -> dict[int, tuple[str, ...]]:
        rows = self._fetch_in("SELECT markets_rowid, codes FROM markets WHERE markets_rowid IN ({marks})", rowids)
        return {rowid: tuple(codes.split(",")) if codes else () for rowid, codes in rows}

    def album_fact_rows(self, positions: Iterable[int]) -> dict[int, tuple[Any, ...]]:
        """What :mod:`catalog.facts` reads of the albums at these positions: ``(id, name, album_type,
        label, popularity, release_date, total_tracks)``."""
        rows = self._fetch_in(
            """SELECT pos, id, name, album_type, label, popularity, release_date, total_tracks
               FROM albums WHERE pos IN ({marks})""",
            positions,
            chunk=_BIG_CHUNK,
        )
        return {row[0]: row[1:] for row in rows}

    def credited_artists(self, positions: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """``(id, name, packed genres)`` of the artists at these positions (see :func:`unpack_genres`)."""
        rows = self._fetch_in("SELECT pos, id, name, genres FROM artists WHERE pos IN ({marks})", positions)
        return {pos: (artist_id, name, genres) for pos, artist_id, name, genres in rows}

    def artist_albums(self, artist_pos: int, groups: Sequence[str], limit: int, offset: int) -> tuple[list[tuple[int, str]], int]:
        """One page of (album_pos, album_group) links of an artist, and how many there are."""
        marks = ", ".join("?" * len(groups))
        where = f"artist_pos = ? AND album_group IN ({marks})"
        page = self._fetch(
            f"SELECT album_pos, album_group FROM artist_albums WHERE {where} ORDER BY seq LIMIT ? OFFSET ?",
            [artist_pos, *groups, limit, offset],
        )
        total = self._fetch(f"SELECT count(*) FROM artist_albums WHERE {where}", [artist_pos, *groups])[0][0]
        return page, total

    def term_runs(self, kind: int, terms: dict[int, str]) -> dict[tuple[str, int], tuple[int, int, int | None]]:
        """Postings runs ``(start, count, top)`` by (token, field) for tokens given by their term hash
        (see catalog.postings)."""
        rows = self._fetch_in(
            "SELECT term, field, start, n, top FROM term_runs WHERE kind = ? AND term IN ({marks})",
            (h - _TERM_SHIFT for h in terms),
            before=[kind],
        )
        return {(terms[term + _TERM_SHIFT], field): (start, count, top) for term, field, start, count, top in rows}

    def top_track_positions(self, artist_pos: int) -> list[int]:
        rows = self._fetch("SELECT positions FROM artist_top_tracks WHERE artist_pos = ?", [artist_pos])
        return [int(p) for p in rows[0][0].split(",")] if rows and rows[0][0] else []

