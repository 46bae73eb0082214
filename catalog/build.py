"""Turn the raw parquet dump into the catalog: tracks in a file of records, albums and artists in
SQLite, search postings in flat arrays.

The dump is sorted by internal rowid, so nothing in it can be found without a full scan. The
build re-sorts every table by what it is looked up by and pre-joins what objects need:

    tracks  (position = row number; sorted by album, disc, track number)
      └── album_pos ──> albums (position = row number; sorted by id hash)
                          └─ track_start, track_count: the album's tracks are one contiguous run

DuckDB does the heavy lifting (joins, sorts and aggregations over hundreds of millions of rows,
spilling to disk within ``memory_limit``) in a scratch database. The tracks are then written as
packed records into the tracks file (:mod:`catalog.trackfile`); the album, artist and market rows
are copied into the object store (:mod:`catalog.objectstore`), which indexes them by id and UPC;
the search postings (``track_terms``, ``album_terms``, ``artist_terms``: term hash → positions)
and the tracks' sorted id and ISRC keys go into the postings file (:mod:`catalog.postings`), which
adds the long runs' popularity-ordered copies; and only ``meta`` goes into the DuckDB catalog
file. Track and album rows carry their artists as positions in the artists table, in credit
order: a name is stored once, with its artist, instead of once per track (about 40 bytes a track).

The object rows are copied and the tracks file written on a second thread while DuckDB makes the
artists' albums (which the copy reaches last), the search postings and the track keys: the copy
runs row by row in Python, one core's work, and would otherwise leave the other core idle.

Everything is written under temporary names that are renamed into place only when complete: an
interrupted build never leaves something that opens as a catalog.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import duckdb

from . import objectstore, postings, schema, trackfile
from .errors import CatalogError
from .objects import COMPACT_IMAGES, IMAGE_HASH_DIGITS, IMAGE_RENDITIONS, IMAGE_URL, PREVIEW_URL_PREFIX, PREVIEW_URL_SUFFIX
from .postings import TOP_ROWS
from .search import FIELD_ARTIST, FIELD_GENRE, FIELD_NAME, SEARCH_TYPES, kind_of
from .text import MACROS, TERM_HASH
from .version import FORMAT_VERSION, __version__


ProgressCallback = Callable[[str, int, int, float], None]
"""``progress(step_title, step_number, step_count, fraction_of_work_done)``."""


@dataclass(frozen=True)
class BuildOptions:
    memory_limit: str = "5GB"
    threads: int = 2
    # Runs of postings longer than this keep their this-many most popular rows in a second copy
    # (see catalog.postings); tests lower it so that a small catalog has long runs too.
    top_rows: int = TOP_ROWS


# The arrays of the postings file (catalog.postings): (name, type, the one-column query giving
# them in order). Term tables are read in the order they were written, which is the order
# term_runs' starts count in.
_POSTINGS_ARRAYS: list[tuple[str, str, str]] = [
    ("track.pos", "uint32", "SELECT pos FROM track_terms"),
    ("track.len", "uint8", "SELECT field_len FROM track_terms"),
    ("track.popularity", "uint8", "SELECT coalesce(popularity, 0) FROM tracks"),
    ("track.year", "int16", f"SELECT coalesce(year, {postings.NO_YEAR}) FROM tracks"),
    ("album.pos", "uint32", "SELECT pos FROM album_terms"),
    ("album.len", "uint8", "SELECT field_len FROM album_terms"),
    ("album.popularity", "uint8", "SELECT coalesce(popularity, 0) FROM albums"),
    ("album.year", "int16", f"SELECT coalesce(year, {postings.NO_YEAR}) FROM album_order ORDER BY pos"),
    # Where each album's run of tracks ends: a track's album name is searched in the albums' postings.
    ("album.track_end", "uint32", "SELECT sum(track_count) OVER (ORDER BY rowid) FROM albums ORDER BY rowid"),
    ("artist.pos", "uint32", "SELECT pos FROM artist_terms"),
    ("artist.len", "uint8", "SELECT field_len FROM artist_terms"),
    ("artist.popularity", "uint8", "SELECT coalesce(popularity, 0) FROM artists"),
    *(
        (f"track.{key}_{column}", dtype, f"SELECT {column} FROM track_{key}_keys")
        for key in ("id", "isrc")
        for column, dtype in (("key", "uint64"), ("pos", "uint32"))
    ),
]


# DuckDB's string compressions, left out of the scratch database (see build_catalog).
_SCRATCH_UNCOMPRESSED = "fsst,dictionary,dict_fsst"


def _quote(value: str) -> str:
    """A SQL string literal; only ever used for file paths the user gave us, never for queries."""
    return "'" + value.replace("'", "''") + "'"


# Lists of artists and images are stored packed in one string ("12,345", "width height url␞…") and
# unpacked by the reader: DuckDB builds nested lists of structs, and above all ordered ones, an
# order of magnitude slower, and the build must handle 256M tracks.
def packed_image_lists(table: str, images: str, owner: str) -> str:
    """``CREATE TEMP TABLE {table} (owner, images)``: each owner's image rows (width, height, url)
    of the dump table ``images`` in catalog.objects' packed form. Compact when every image is a
    standard rendition of one hash, else every distinct image whole.

    Nearly every owner's images are compact: they are found with plain aggregates (a bit per
    rendition, the hash's min and max), and only the others with the DISTINCT aggregates that
    took four times the CPU for all (7.0 s against 1.8 s for 10M tracks' albums).
    """
    bits = {letter: 1 << i for i, letter in enumerate(sorted(IMAGE_RENDITIONS))}
    renditions = " ".join(
        f"WHEN '{width} {height} {code}' THEN {bits[letter]}" for letter, (code, width, height) in IMAGE_RENDITIONS.items()
    )
    standard = f"starts_with(url, '{IMAGE_URL}') AND length(url) = {len(IMAGE_URL) + 16 + IMAGE_HASH_DIGITS}"
    rendition = f"CASE WHEN {standard} THEN CASE width::VARCHAR || ' ' || height::VARCHAR || ' ' || substr(url, {len(IMAGE_URL) + 1}, 16) {renditions} END END"
    letters = " || ".join(f"CASE WHEN renditions & {bit} <> 0 THEN '{letter}' ELSE '' END" for letter, bit in bits.items())
    return f"""CREATE TEMP TABLE {table} AS
        WITH compact AS (
            SELECT {owner}, min(digest) AS digest,
                   CASE WHEN count(*) = count(rendition) AND min(digest) = max(digest) THEN bit_or(rendition) END AS renditions
            FROM (SELECT {owner}, {rendition} AS rendition, right(url, {IMAGE_HASH_DIGITS}) AS digest FROM {images})
            GROUP BY {owner})
        SELECT {owner}, '{COMPACT_IMAGES}' || {letters} || digest AS images FROM compact WHERE renditions IS NOT NULL
        UNION ALL
        SELECT {owner}, string_agg(DISTINCT width::VARCHAR || ' ' || height::VARCHAR || ' ' || url, chr(30))
        FROM {images}
        WHERE {owner} IN (SELECT {owner} FROM compact WHERE renditions IS NULL)
        GROUP BY {owner}"""


def pack_artist_positions(order_key: str, key_width: int) -> str:
    """Aggregate ``r.pos`` (the credited artists' positions) into one comma-separated string,
    ordered by a fixed-width text key; :func:`catalog.objectstore.artist_positions` unpacks it."""
    return f"array_to_string(list_transform(list_sort(list({order_key} || r.pos::VARCHAR)), lambda s: s[{key_width + 1}:]), ',')"


def _steps(has_features: bool, top_rows: int) -> list[tuple[str, str, list[str]]]:
    """(title, table whose row count weighs the step, SQL statements) for every build step."""
    hash_pattern = PREVIEW_URL_PREFIX.replace(".", "\\.") + "[0-9a-f]{40}" + PREVIEW_URL_SUFFIX.replace("?", "\\?")
    standard_preview = f"coalesce(regexp_full_match(t.preview_url, '{hash_pattern}'), false)"
    steps: list[tuple[str, str, list[str]]] = [
        (
            "markets",
            "available_markets",
            [
                """CREATE TABLE markets AS
                   SELECT rowid AS markets_rowid,
                          CASE WHEN available_markets = 'unavailable' THEN '' ELSE available_markets END AS codes
                   FROM d_available_markets ORDER BY rowid""",
            ],
        ),
        (
            "artists",
            "artists",
            [
                """CREATE TEMP TABLE artist_genre_lists AS
                   SELECT artist_rowid, list(DISTINCT genre ORDER BY genre) AS genres
                   FROM d_artist_genres GROUP BY artist_rowid""",
                packed_image_lists("artist_image_lists", "d_artist_images", "artist_rowid"),
                """CREATE TABLE artists AS
                   SELECT hash(a.id) AS key, a.id, a.rowid AS dump_rowid, a.name,
                          a.followers_total, a.popularity,
                          coalesce(g.genres, []::VARCHAR[]) AS genres,
                          coalesce(i.images, '') AS images
                   FROM d_artists a
                   LEFT JOIN artist_genre_lists g ON g.artist_rowid = a.rowid
                   LEFT JOIN artist_image_lists i ON i.artist_rowid = a.rowid
                   ORDER BY key, a.id""",
                # Each artist's name is tokenised once here; tracks and albums reuse the terms.
                f"""CREATE TEMP TABLE artist_ref AS
                    SELECT dump_rowid, rowid AS pos, id, name, popularity,
                           list_transform(ls_tokens(name), lambda w: {TERM_HASH.format("w")}) AS terms,
                           list_transform(genres, lambda g: {TERM_HASH.format("ls_name_key(g)")}) AS genre_terms
                    FROM artists""",
            ],
        ),
        (
            "album artists",
            "artist_albums",
            [
                # The album's own artists only: appears-on links would turn a one-artist
                # compilation into a hundred "album artists".
                f"""CREATE TEMP TABLE album_artist_lists AS
                    SELECT album_rowid, {pack_artist_positions("lpad(idx::VARCHAR, 6, '0')", 6)} AS artists,
                           flatten(list(r.terms)) AS artist_terms
                    FROM (SELECT album_rowid, artist_rowid, min(coalesce(index_in_album, 0)) AS idx
                         FROM d_artist_albums
                         WHERE is_appears_on = 0 AND is_implicit_appears_on = 0
                         GROUP BY album_rowid, artist_rowid) aa
                   JOIN artist_ref r ON r.dump_rowid = aa.artist_rowid
                   GROUP BY album_rowid""",
            ],
        ),
        (
            "album order",
            "albums",
            [
                """CREATE TEMP TABLE album_order AS
                   SELECT rowid AS dump_rowid, hash(id) AS key,
                          try_cast(left(release_date, 4) AS SMALLINT) AS year,
                          row_number() OVER (ORDER BY hash(id), id) - 1 AS pos
                   FROM d_albums""",
            ],
        ),
        (
            "track artists",
            "track_artists",
            [
                # track_artists has no order column: file order is the only hint of credit order.
                # Its rare duplicated pairs are dropped when objects are made.
                f"""CREATE TEMP TABLE track_artist_lists AS
                    SELECT ta.track_rowid, {pack_artist_positions("lpad(to_hex(ta.file_row_number), 12, '0')", 12)} AS artists
                    FROM d_track_artists ta JOIN artist_ref r ON r.dump_rowid = ta.artist_rowid
                   GROUP BY ta.track_rowid""",
            ],
        ),
        *_audio_features_steps(has_features),
        (
            "tracks",
            "tracks",
            [
                f"""CREATE TABLE tracks AS
                    SELECT t.id, t.name, o.pos AS album_pos, t.disc_number, t.track_number,
                           t.duration_ms, t.explicit <> 0 AS explicit, t.popularity,
                           t.external_id_isrc AS isrc,
                           CASE WHEN NOT {standard_preview} THEN t.preview_url END AS preview_url,
                           CASE WHEN {standard_preview} THEN unhex(substr(t.preview_url, {len(PREVIEW_URL_PREFIX) + 1}, 40)) END
                               AS preview_hash,
                           t.available_markets_rowid AS markets_rowid,
                           coalesce(l.artists, '') AS artists, o.year
                    FROM d_tracks t
                    JOIN album_order o ON o.dump_rowid = t.album_rowid
                    LEFT JOIN track_artist_lists l ON l.track_rowid = t.rowid
                    ORDER BY o.pos, t.disc_number, t.track_number, t.id""",
                "DROP TABLE track_artist_lists",
            ],
        ),
        _track_features_step(has_features),
        (
            "albums",
            "albums",
            [
                packed_image_lists("album_image_lists", "d_album_images", "album_rowid"),
                """CREATE TEMP TABLE album_track_ranges AS
                   SELECT album_pos, min(rowid) AS track_start, count(*) AS track_count
                   FROM tracks GROUP BY album_pos""",
                """CREATE TABLE albums AS
                   SELECT o.key, a.id, a.rowid AS dump_rowid, a.name, a.album_type,
                          a.available_markets_rowid AS markets_rowid,
                          a.external_id_upc AS upc, a.copyright_c, a.copyright_p, a.label,
                          a.popularity, a.release_date, a.release_date_precision, a.total_tracks,
                          coalesce(i.images, '') AS images,
                          coalesce(l.artists, '') AS artists,
                          coalesce(r.track_start, 0) AS track_start,
                          coalesce(r.track_count, 0) AS track_count
                   FROM d_albums a
                   JOIN album_order o ON o.dump_rowid = a.rowid
                   LEFT JOIN album_image_lists i ON i.album_rowid = a.rowid
                   LEFT JOIN album_artist_lists l ON l.album_rowid = a.rowid
                   LEFT JOIN album_track_ranges r ON r.album_pos = o.pos
                   ORDER BY o.pos""",
                "DROP TABLE album_image_lists",
            ],
        ),
        (
            "artist albums",
            "artist_albums",
            [
                """CREATE TABLE artist_albums AS
                   SELECT r.pos AS artist_pos, o.pos AS album_pos, min(
                              CASE WHEN aa.is_appears_on = 1 OR aa.is_implicit_appears_on = 1
                                   THEN 'appears_on' ELSE al.album_type END) AS album_group,
                          any_value(al.release_date) AS release_date
                   FROM d_artist_albums aa
                   JOIN artist_ref r ON r.dump_rowid = aa.artist_rowid
                   JOIN album_order o ON o.dump_rowid = aa.album_rowid
                   JOIN d_albums al ON al.rowid = aa.album_rowid
                   GROUP BY r.pos, o.pos
                   ORDER BY artist_pos,
                            CASE album_group WHEN 'album' THEN 0 WHEN 'single' THEN 1
                                             WHEN 'compilation' THEN 2 ELSE 3 END,
                            release_date DESC, album_pos""",
                # Each track once per credited artist, with that artist's search terms and genres.
                """CREATE TEMP TABLE track_artist_refs AS
                   SELECT x.pos, x.popularity, r.pos AS artist_pos, r.terms, r.genre_terms
                   FROM (SELECT rowid AS pos, popularity,
                                unnest(string_split(nullif(artists, ''), ','))::BIGINT AS artist_pos
                         FROM tracks) x
                   JOIN artist_ref r ON r.pos = x.artist_pos""",
                # Ties in popularity go to the earlier track, so the list is stable across builds.
                """CREATE TABLE artist_top_tracks AS
                   SELECT artist_pos, max_by(pos, popularity * 1000000000000 - pos, 10) AS positions
                   FROM track_artist_refs GROUP BY artist_pos ORDER BY artist_pos""",
            ],
        ),
        (
            "track search terms",
            "tracks",
            [
                *_name_token_statements("track", "SELECT rowid AS pos, name FROM tracks"),
                *_postings_statements(
                    "track",
                    f"""{_name_term_rows("track")}
                    UNION ALL
                    SELECT pos, {FIELD_ARTIST}, unnest(terms), len(terms) FROM track_artist_refs
                    UNION ALL
                    SELECT pos, {FIELD_GENRE}, unnest(genre_terms), 1 FROM track_artist_refs""",
                    drop=["track_artist_refs", "track_name_tokens", "track_name_terms"],
                ),
            ],
        ),
        (
            "album and artist search terms",
            "albums",
            [
                *_name_token_statements("album", "SELECT rowid AS pos, name FROM albums"),
                *_postings_statements(
                    "album",
                    f"""{_name_term_rows("album")}
                    UNION ALL
                    SELECT o.pos, {FIELD_ARTIST}, unnest(l.artist_terms), len(l.artist_terms)
                    FROM album_artist_lists l JOIN album_order o ON o.dump_rowid = l.album_rowid""",
                    drop=["album_name_tokens", "album_name_terms"],
                ),
                *_postings_statements(
                    "artist",
                    f"""SELECT pos, {FIELD_NAME} AS field, unnest(terms) AS term, len(terms) AS field_len FROM artist_ref
                    UNION ALL
                    SELECT pos, {FIELD_GENRE}, unnest(genre_terms), 1 FROM artist_ref""",
                ),
                # Where each term's runs start: copied into the object store's term_runs, and read
                # by the postings file for the long runs' popularity-ordered copies.
                f"""CREATE TABLE term_ranges AS
                    {" UNION ALL ".join(_runs_of(kind, top_rows) for kind in SEARCH_TYPES)}
                    ORDER BY term, kind, field""",
            ],
        ),
        (
            "track keys",
            "tracks",
            [
                # The tracks' ids and ISRCs as sorted keys beside their positions: see catalog.trackfile.
                f"""CREATE TABLE track_id_keys AS
                    SELECT {trackfile.ID_KEY.format("id")} AS key, rowid::UINTEGER AS pos FROM tracks ORDER BY key, pos""",
                f"""CREATE TABLE track_isrc_keys AS
                    SELECT {trackfile.ISRC_KEY.format("isrc")} AS key, rowid::UINTEGER AS pos FROM tracks
                    WHERE isrc <> '' ORDER BY key, pos""",
            ],
        ),
    ]
    return steps


def _track_features_step(has_features: bool) -> tuple[str, str, list[str]]:
    """The step making ``track_rows``, the tracks as the tracks file holds them: each with its
    packed audio features (see catalog.trackfile), or NULL.

    The features are matched to the tracks apart, in a table of their own in track order, and
    joined by position: matched inside the tracks step, the join spilled every track's whole row
    to disk at 50M tracks (the step took 139 s so, against 84 s and 43 s apart).
    """
    if has_features:
        statements = [
            """CREATE TABLE track_features AS
               SELECT f.features FROM tracks t LEFT JOIN audio_features f ON f.track_id = t.id ORDER BY t.rowid""",
            "DROP TABLE audio_features",
            "CREATE VIEW track_rows AS SELECT t.rowid AS pos, t.*, f.features FROM tracks t POSITIONAL JOIN track_features f",
        ]
    else:
        statements = ["CREATE VIEW track_rows AS SELECT rowid AS pos, *, NULL::BLOB AS features FROM tracks"]
    return ("track audio features", "track_audio_features", statements)


def _audio_features_steps(has_features: bool) -> list[tuple[str, str, list[str]]]:
    """The dump's audio features typed and packed, one row per track, ready to join into the tracks."""
    if not has_features:
        return []
    typed = ", ".join(
        f"try_cast(f.{name} AS {'DOUBLE' if name in schema.FLOAT_AUDIO_FEATURES else 'BIGINT'}) AS {name}"
        for name in schema.AUDIO_FEATURE_NAMES
    )
    return [
        (
            "audio features",
            "track_audio_features",
            [
                # null_response rows say Spotify had no features: the same as no row at all. The
                # dump has a few tracks with two rows; one is kept, whole. Packed before they are
                # grouped, the rows carry one value instead of fourteen through the grouping
                # (10.6 s against 12.3 s at 10M tracks).
                f"""CREATE TEMP TABLE audio_features AS
                    SELECT track_id, any_value(features) AS features
                    FROM (SELECT track_id, {trackfile.packed_features()} AS features
                          FROM (SELECT f.track_id, {typed}
                                FROM d_track_audio_features f
                                WHERE coalesce(f.null_response, '0') <> '1'))
                    GROUP BY track_id""",
            ],
        )
    ]


# What each step costs, in µs per row of the dump table it grows with, measured in a 10M-track
# build on 2 cores (docs/benchmarks.md; the tracks in format 7's, the albums scaled by their time
# in format 11's, the tracks split from their audio features by the two statements' times at 50M
# tracks, the audio features, the tracks' search terms and keys and the tracks file in format
# 12's). Progress and ETA weigh the steps by them: weighing every row alike, the ETA of a 10M
# build said 2 min 15 s with 7 min 23 s to go.
_STEP_COSTS: dict[str, float] = {
    "markets": 1.0, "artists": 6.6, "album artists": 0.6, "album order": 0.6, "track artists": 1.3,
    "tracks": 2.5, "track audio features": 1.3, "albums": 12.0, "artist albums": 3.0, "track search terms": 2.3,
    "album and artist search terms": 5.1, "audio features": 1.0, "track keys": 1.2,
}  # fmt: skip
# The object store's copies and indexes: (the dump table each grows with, µs per row), timed in
# format 9's build.
_STORE_COSTS: dict[str, tuple[str, float]] = {
    "markets": ("available_markets", 1.0), "artists": ("artists", 5.0), "artist_ids": ("artists", 0.5),
    "albums": ("albums", 12.0), "album_ids": ("albums", 0.7), "upcs": ("albums", 0.6), "artist_albums": ("artist_albums", 3.3),
    "term_runs": ("tracks", 0.1), "artist_top_tracks": ("artists", 3.3),
}  # fmt: skip
_POSTINGS_COST = 0.6  # per track
_TRACKS_STEP = "tracks file"
_TRACKS_COST = 1.4  # per track
_TRACKS_QUERY = f"SELECT pos, {trackfile.packed_row()} AS record FROM track_rows"
_POSTINGS_STEP = "search postings"
# The steps run while the object tables are copied and the tracks file written: those whose tables
# only the postings file reads, and before them the one making the object tables the copy reaches
# last (its artists' albums and top tracks), which the copy waits for.
_LATE_OBJECTS_STEP = "artist albums"
_LATE_OBJECT_TABLES = ("artist_albums", "artist_top_tracks")
_STEPS_BESIDE_COPY = (_LATE_OBJECTS_STEP, "track search terms", "album and artist search terms")
# The step the copy's thread runs once its copy is done, beside the steps above: at 50M tracks the
# copy ended about 90 s before them.
_STEP_AFTER_COPY = "track keys"


def _store_step(table: str) -> str:
    return f"object store: {table}"


def _cost(counts: dict[str, int], table: str, micros_per_row: float) -> float:
    return max(counts.get(table, 0), 1) * micros_per_row


def _name_token_statements(kind: str, names: str) -> list[str]:
    """From the query ``names`` giving (pos, name): every token of every name with the name's token
    count (``{kind}_name_tokens``), and each distinct token with its term hash
    (``{kind}_name_terms``). A token's hash (MD5) costs more than finding the token: hashed once
    per distinct token instead of once per name, 2M tracks' names took 1.9 s of CPU against 4.2 s.
    Artists' names are hashed in ``artist_ref`` instead, as lists that tracks and albums reuse."""
    return [
        f"""CREATE TEMP TABLE {kind}_name_tokens AS
            SELECT pos, len(tokens) AS field_len, unnest(tokens) AS token
            FROM (SELECT pos, ls_tokens(name) AS tokens FROM ({names}))""",
        f"""CREATE TEMP TABLE {kind}_name_terms AS
            SELECT token, {TERM_HASH.format("token")} AS term FROM (SELECT DISTINCT token FROM {kind}_name_tokens)""",
    ]


def _name_term_rows(kind: str) -> str:
    """The term rows of names tokenised by :func:`_name_token_statements`, for :func:`_postings_statements`."""
    return f"""SELECT n.pos, {FIELD_NAME} AS field, d.term, n.field_len
               FROM {kind}_name_tokens n JOIN {kind}_name_terms d USING (token)"""


def _postings_statements(kind: str, term_rows: str, *, drop: Sequence[str] = ()) -> list[str]:
    """From the query ``term_rows`` giving (pos, field, term, field_len) for every term of every
    item, every term's run in position order (``{kind}_terms``; see :mod:`catalog.postings`). The
    tables ``drop``, which only ``term_rows`` reads, are dropped once it is sorted.

    The build's biggest table (six rows a track) is sorted straight from the query, its columns as
    narrow as their values allow: stored first and sorted apart, the tracks' took 40% longer.
    """
    return [
        f"""CREATE TABLE {kind}_terms AS
            SELECT term, field::UTINYINT AS field, least(field_len, 255)::UTINYINT AS field_len, pos::UINTEGER AS pos
            FROM ({term_rows})
            ORDER BY term, field, pos, field_len""",
        *(f"DROP TABLE {table}" for table in drop),
    ]


def _runs_of(kind: str, top_rows: int) -> str:
    """Where each (term, field) run of one kind's postings starts, and its length; for runs longer
    than ``top_rows``, also where their popularity-ordered copy starts: the postings file writes
    those copies in run order, ``top_rows`` postings each (see catalog.postings)."""
    long_run = f"n > {int(top_rows)}"
    return f"""SELECT {kind_of(kind)}::UTINYINT AS kind, term, field, start, n,
                      CASE WHEN {long_run} THEN (count(*) FILTER ({long_run}) OVER (ORDER BY start) - 1) * {int(top_rows)} END AS top
               FROM (SELECT term, field, min(rowid) AS start, count(*) AS n FROM {kind}_terms GROUP BY term, field)"""


def build_catalog(
    dump_dir: Path,
    catalog_path: Path,
    *,
    audio_features: Path | None = None,
    options: BuildOptions = BuildOptions(),
    progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Build the catalog at ``catalog_path`` (and its object store beside it) from the parquet dump.

    The dump is validated first (:func:`catalog.schema.validate_dump`). Both files are written
    under temporary names beside ``catalog_path`` and renamed into place at the very end, so an
    existing catalog stays usable until the new one is complete.

    :returns: the dump's row count per table, as recorded in the catalog.
    :raises DumpInvalid: when the dump folder or one of its files is unusable.
    """
    dump_dir = Path(dump_dir)
    catalog_path = Path(catalog_path).expanduser()
    counts = schema.validate_dump(dump_dir, audio_features)
    features_path = schema.find_audio_features(dump_dir, audio_features)
    has_features = features_path is not None
    catalog_path.parent.mkdir(parents=True, exist_ok=True)
    scratch = _TemporaryFiles(catalog_path)
    # Shared by the catalog file and its companions, which refuse to be paired with another build's.
    build_id = uuid.uuid4().hex
    started = time.monotonic()
    con = duckdb.connect()
    store: objectstore.StoreWriter | None = None
    try:
        # The tables are built in a scratch database and copied to the object store and the
        # postings file; only meta goes into the catalog file itself.
        con.execute(f"ATTACH {_quote(str(scratch.catalog))} AS catalog_file")
        con.execute(f"ATTACH {_quote(str(scratch.work))} AS work")
        con.execute(f"SET memory_limit = {_quote(options.memory_limit)}")
        con.execute(f"SET threads = {int(options.threads)}")
        con.execute(f"SET temp_directory = {_quote(str(scratch.spill))}")
        # The scratch tables are written once and read once or twice: compressing their strings
        # cost more than it saved (the tracks step took 185 s at 50M tracks with it, 140 s
        # without, for a table of 7.9 GB instead of 5.6 GB).
        con.execute(f"SET disabled_compression_methods = '{_SCRATCH_UNCOMPRESSED}'")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        con.execute("USE work")
        for macro in MACROS:
            con.execute(macro)
        for table in schema.METADATA_TABLES:
            extra = ", file_row_number = true" if table is schema.TRACK_ARTISTS else ""
            path = _quote(str(dump_dir / table.file_name))
            con.execute(f"CREATE TEMP VIEW d_{table.name} AS SELECT * FROM read_parquet({path}{extra})")
        if has_features:
            con.execute(
                "CREATE TEMP VIEW d_track_audio_features AS SELECT * FROM read_parquet("
                f"{_quote(str(features_path))})"
            )
        steps = _steps(has_features, options.top_rows)
        weights = {title: _cost(counts, weigh, _STEP_COSTS[title]) for title, weigh, _ in steps}
        weights |= {_store_step(name): _cost(counts, *_STORE_COSTS[name]) for name in objectstore.contents()}
        weights[_POSTINGS_STEP] = _cost(counts, "tracks", _POSTINGS_COST)
        weights[_TRACKS_STEP] = _cost(counts, "tracks", _TRACKS_COST)
        report = _StepReports(weights, progress)
        beside_copy = [step for step in steps if step[0] in _STEPS_BESIDE_COPY]
        after_copy = next(step for step in steps if step[0] == _STEP_AFTER_COPY)
        for title, _, statements in (step for step in steps if step not in [*beside_copy, after_copy]):
            report(title)
            for statement in statements:
                con.execute(statement)
        store = objectstore.StoreWriter(scratch.store, sort_dir=scratch.sort)
        tracks = trackfile.TrackWriter(scratch.tracks, build_id)
        _run_steps_while_copying(con, store, tracks, beside_copy, after_copy, report, threads=options.threads)
        store.copy(con, objectstore.SEARCH_TABLES, progress=lambda name: report(_store_step(name)))
        meta = _meta(counts, dump_dir, build_id, has_features=has_features, seconds=time.monotonic() - started)
        store.finish(meta)
        store.close()
        report(_POSTINGS_STEP)
        long_runs = {
            kind: f"SELECT start, n FROM term_ranges WHERE kind = {kind_of(kind)} AND top IS NOT NULL ORDER BY start"
            for kind in SEARCH_TYPES
        }
        postings.write_postings(con, scratch.postings, build_id, options.top_rows, _POSTINGS_ARRAYS, long_runs)
        meta["build_seconds"] = f"{time.monotonic() - started:.1f}"
        _write_meta(con, meta)
        con.execute("CHECKPOINT catalog_file")
        con.close()
    except BaseException as exc:
        con.close()
        if store is not None:
            store.close()
        scratch.remove_all()
        if isinstance(exc, duckdb.InterruptException):
            # A signal (Ctrl-C, kill) that arrived inside a statement: DuckDB reports it as its own error.
            raise KeyboardInterrupt from None
        if isinstance(exc, duckdb.Error):
            raise CatalogError(f"building the catalog from {dump_dir} failed: {exc}") from exc
        raise
    scratch.remove_work()
    # The catalog file last: it is only ever renamed into place beside its own store and
    # postings, and the shared build_id refuses any other pairing (see Catalog.open).
    os.replace(scratch.store, objectstore.store_path(catalog_path))
    os.replace(scratch.postings, postings.postings_path(catalog_path))
    os.replace(scratch.tracks, trackfile.tracks_path(catalog_path))
    os.replace(scratch.catalog, catalog_path)
    report.done()
    return counts


def _run_steps_while_copying(
    con: duckdb.DuckDBPyConnection,
    store: objectstore.StoreWriter,
    tracks: trackfile.TrackWriter,
    steps: list[tuple[str, str, list[str]]],
    after_copy: tuple[str, str, list[str]],
    report: _StepReports,
    *,
    threads: int,
) -> None:
    """Run ``steps`` (the late object step, then the search steps) on ``con`` while a second thread
    copies the object tables into ``store``, writes the tracks file and then runs the step
    ``after_copy``; then give DuckDB its ``threads`` again.

    The copy converts every album and artist row in Python, one core's work, and the tracks' records
    are packed by DuckDB on the copy's thread. DuckDB runs the steps on one thread while the copy
    lasts: a second would only slow the copy (with format 8 at 10M tracks, the build took 174 s so,
    191 s with two DuckDB threads, 205 s one after the other).
    The copy reaches the late object step's tables last, and waits for them if it gets there
    first. Either side failing stops the other (the copy at its next batch of rows, or at once
    while SQLite makes an index or DuckDB runs its step; the steps at their next statement).
    """
    object_tables = [name for name in objectstore.contents() if name not in objectstore.SEARCH_TABLES]
    reader = con.cursor()  # DuckDB connections are not shared between threads; a cursor is one of its own.
    reader.execute("USE work")
    stop = threading.Event()
    late_tables_made = threading.Event()

    def copy_objects() -> None:
        def progress(name: str) -> None:
            report(_store_step(name))

        store.copy(reader, [name for name in object_tables if name not in _LATE_OBJECT_TABLES], progress=progress, stop=stop)
        if not stop.is_set():
            report(_TRACKS_STEP)
            tracks.write(reader, _TRACKS_QUERY, stop=stop)
        late_tables_made.wait()  # also set when the steps fail, after stop: the copy then returns at once
        store.copy(reader, [name for name in object_tables if name in _LATE_OBJECT_TABLES], progress=progress, stop=stop)
        title, _, statements = after_copy
        if not stop.is_set():
            report(title)
        for statement in statements:
            if stop.is_set():
                return
            reader.execute(statement)

    con.execute("SET threads = 1")
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="object-store-copy") as pool:
            copying = pool.submit(copy_objects)
            copy_running = True
            try:
                for title, _, statements in steps:
                    report(title)
                    for statement in statements:
                        if copy_running and copying.done():
                            copying.result()  # raises what stopped the copy
                            # At 50M tracks the steps outlast the copy: its core is theirs now.
                            con.execute(f"SET threads = {int(threads)}")
                            copy_running = False
                        con.execute(statement)
                    if title == _LATE_OBJECTS_STEP:
                        late_tables_made.set()
                late_tables_made.set()  # made or not, the copy must not wait past the last step
                copying.result()
            except BaseException:
                stop.set()
                late_tables_made.set()
                store.interrupt()
                reader.interrupt()
                raise
    finally:
        reader.close()
    con.execute(f"SET threads = {int(threads)}")


class _StepReports:
    """Numbered progress reports, from either of the build's threads.

    A step's share of the work is its measured cost; it counts as done once the step has started,
    which, for steps run one after another, is when the previous one has finished.
    """

    def __init__(self, weights: dict[str, float], progress: ProgressCallback | None):
        self._weights = weights
        self._total = sum(weights.values())
        self._progress = progress
        self._done = 0.0
        self._count = 0
        self._lock = threading.Lock()

    def __call__(self, title: str) -> None:
        with self._lock:
            self._count += 1
            if self._progress:
                self._progress(title, self._count, len(self._weights), self._done / self._total)
            self._done += self._weights[title]

    def done(self) -> None:
        if self._progress:
            self._progress("done", len(self._weights), len(self._weights), 1.0)


class _TemporaryFiles:
    """The build's files beside the catalog, named after the process so builds never collide."""

    def __init__(self, catalog_path: Path):
        tag = f".{catalog_path.name}.building-{os.getpid()}"
        self.catalog = catalog_path.with_name(tag)
        self.store = catalog_path.with_name(f"{tag}.objects.sqlite")
        self.postings = catalog_path.with_name(f"{tag}.postings")
        self.tracks = catalog_path.with_name(f"{tag}.tracks.arrow")
        self.work = catalog_path.with_name(f"{tag}.work")
        self.spill = catalog_path.with_name(f"{tag}.spill")
        self.sort = catalog_path.with_name(f"{tag}.sort")
        self.remove_all()

    def remove_work(self) -> None:
        for path in (self.work, Path(f"{self.work}.wal"), Path(f"{self.catalog}.wal")):
            path.unlink(missing_ok=True)
        _remove_tree(self.spill)
        _remove_tree(self.sort)

    def remove_all(self) -> None:
        self.remove_work()
        self.catalog.unlink(missing_ok=True)
        self.store.unlink(missing_ok=True)
        self.postings.unlink(missing_ok=True)
        self.tracks.unlink(missing_ok=True)


def _meta(counts: dict[str, int], dump_dir: Path, build_id: str, *, has_features: bool, seconds: float) -> dict[str, str]:
    return {
        "format_version": str(FORMAT_VERSION),
        "localspotify_version": __version__,
        "duckdb_version": duckdb.__version__,
        "build_id": build_id,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": f"{seconds:.1f}",
        "dump_path": str(dump_dir.resolve()),
        "dump_row_counts": json.dumps(counts, sort_keys=True),
        "has_audio_features": "1" if has_features else "0",
    }


def _write_meta(con: duckdb.DuckDBPyConnection, meta: dict[str, str]) -> None:
    con.execute("CREATE TABLE catalog_file.meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    con.executemany("INSERT INTO catalog_file.meta VALUES (?, ?)", list(meta.items()))


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return
    for child in sorted(path.rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    path.rmdir()
