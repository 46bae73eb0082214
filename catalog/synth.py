"""A deterministic synthetic Spotify metadata dump of any size, for tests, demos and benchmarks.

Why it exists: the real dump is ~45 GB behind a torrent and cannot ship with the repository or run in
CI, yet the builder, the search and the benchmarks must be exercised at the dump's real scale (up to
its 256M tracks) and against its real quirks: taken-down items with empty names, missing ISRCs and
UPCs, ISRCs shared by the single, the album and the compilation, editions of one album sharing a UPC,
"Various Artists" compilations whose track artists must not become album artists, featured artists
only linked through ``is_implicit_appears_on``, duplicated rows, ``0000`` release dates, audio
features stored as strings... ``generate_dump`` writes a folder with exactly the dump's parquet
files, column names, column order and types (``catalog.schema``), with realistic ratios between the
tables and realistic, Zipf-like names, so a search or a matcher meets the same hard distractors as on
the real data ("Love" in millions of titles, one artist name shared by several artists, the same
standard recorded by hundreds of artists).

How: every value is a pure function of ``(seed, row key)`` computed by DuckDB with ``hash()``, so the
dump is generated chunk by chunk (about a million tracks at a time) with bounded memory, vectorised,
and byte-for-byte reproducible (with the pinned DuckDB: ``hash()`` may change between versions).
Cost: ~18 CPU-seconds per million tracks (DuckDB on every core, parquet encoding on a background
thread), peak RSS ~1.9 GB whatever the size. Structure that spans rows (an album's editions, a compilation
reusing recordings of earlier albums) is derived from keys too, never from state: a compilation
track recomputes the title, artists and ISRC of the recording it copies from that recording's key.

Keys: albums come in *release groups* ``g``: an original release (single, EP, album, or a
compilation) followed by its derived releases (reissue, deluxe, remaster, expanded edition, a single
taken from the album, a remix single). Album key ``ak = g * 8 + j`` (``j`` = 0 for the original);
recording key ``ak * 4096 + position``; a track has a *work* key (title, artists, audio features)
and a *recording* key (ISRC, duration), equal except for remasters, remixes and DJ-mixed versions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schema import (
    ALBUM_IMAGES,
    ALBUMS,
    ARTIST_ALBUMS,
    ARTIST_GENRES,
    ARTIST_IMAGES,
    ARTISTS,
    AVAILABLE_MARKETS,
    METADATA_TABLES,
    TRACK_ARTISTS,
    TRACK_AUDIO_FEATURES,
    TRACKS,
    Table,
)

Progress = Callable[[str, int, int], None]

# Row groups of the size DuckDB wrote the real dump with.
ROW_GROUP_ROWS = 122_880
# Release groups per chunk: about a million tracks, a few hundred MB of Arrow data at most.
GROUPS_PER_CHUNK = 200_000
ARTISTS_PER_CHUNK = 2_000_000

# Ratios of the real dump (REFERENCE.md): 256,039,007 tracks, 15,430,442 artists, 89,501 market lists.
TRACKS_PER_ARTIST = 16.6
TRACKS_PER_MARKET_LIST = 2_860
MAX_MARKET_LISTS = 89_501
GENRE_COUNT = 768

# Release-group mix, tuned so that albums have 4.37 tracks on average like the dump.
GROUP_KINDS = (("single", 0.77), ("ep", 0.83), ("album", 0.973), ("various", 0.996), ("mix", 1.0))

# Unix milliseconds of the weekly crawls the dump was fetched in (2025-03-13 onwards).
FIRST_FETCH_MS = 1_741_824_000_000
FIRST_FEATURES_FETCH_MS = 1_745_452_800_000
WEEK_MS = 604_800_000

# 64 symbols for 6-bit digits: base62 plus two repeats, so ids stay within Spotify's alphabet.
_ID_SYMBOLS = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZxQ"
_ID_ALPHABET = pa.array(list(_ID_SYMBOLS), pa.uint8())

_ALBUM_IMAGE_SIZES = ((640, "ab67616d0000b273"), (300, "ab67616d00001e02"), (64, "ab67616d00004851"))
_ARTIST_IMAGE_SIZES = ((640, "ab6761610000e5eb"), (320, "ab67616100005174"), (160, "ab6761610000f178"))
_PREVIEW_CLIENT = "65b708073fc0480ea92a077233ca87bd"


def generate_dump(
    out_dir: Path,
    tracks: int,
    *,
    seed: int = 42,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write a synthetic dump of ``tracks`` tracks into ``out_dir`` and return rows per table.

    ``out_dir`` (created if needed) receives the nine metadata files of ``schema.METADATA_TABLES``
    and ``track_audio_features.parquet``, sorted and typed like the real dump. The same
    ``(tracks, seed)`` always gives the same rows; another seed gives another dump.

    ``progress(table, rows_done, rows_total)`` is called after every chunk of the three phases:
    ``available_markets``, ``artists`` (with their genres and images) and ``tracks`` (with albums,
    album images, artist-album links, track artists and audio features).

    :raises ValueError: when ``tracks`` is below 1.
    """
    if tracks < 1:
        raise ValueError(f"tracks must be at least 1, got {tracks}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda table, done, total: None)
    shape = _DumpShape.for_tracks(tracks)
    con = _connect(seed, shape)
    writer = _Writer([_ParquetSink(out_dir, t) for t in (*METADATA_TABLES, TRACK_AUDIO_FEATURES)])
    try:
        _write_markets(con, shape, writer, report)
        _write_artists(con, shape, writer, report)
        _write_releases(con, shape, writer, report)
    finally:
        con.close()
        counts = writer.close()
    return counts


class _DumpShape:
    """Table sizes derived from the track count, plus the artist-popularity permutation."""

    def __init__(self, tracks: int, artists: int, markets: int) -> None:
        self.tracks = tracks
        self.artists = artists
        self.markets = markets
        # Artists are drawn by popularity rank; rank -> index is a multiplicative permutation of
        # 1..artists-1 (index 0 is "Various Artists"), so popular artists are spread over the file.
        regular = artists - 1
        step = int(regular * 0.618) + 1
        while math.gcd(step, regular) != 1:
            step += 1
        self.rank_step = step
        self.rank_step_inverse = pow(step, -1, regular)

    @classmethod
    def for_tracks(cls, tracks: int) -> _DumpShape:
        artists = max(16, round(tracks / TRACKS_PER_ARTIST))
        markets = min(MAX_MARKET_LISTS, max(16, tracks // TRACKS_PER_MARKET_LIST))
        return cls(tracks, artists, markets)


class _ParquetSink:
    """One output file, appended chunk by chunk in row groups of exactly ``ROW_GROUP_ROWS`` rows."""

    def __init__(self, directory: Path, table: Table) -> None:
        self.name = table.name
        self.schema = table.arrow_schema
        self.rows = 0
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        # Dictionaries and min/max statistics of random strings (ids, urls) cost time and buy nothing;
        # the integer columns keep their statistics so rowid ranges can be pruned.
        self._writer = pq.ParquetWriter(
            directory / table.file_name,
            self.schema,
            compression="zstd",
            use_dictionary=False,
            write_statistics=[c.name for c in table.columns if c.type == pa.int64()] or False,
        )

    def write(self, chunk: pa.Table) -> None:
        chunk = chunk.select(self.schema.names).cast(self.schema)
        self.rows += chunk.num_rows
        self._pending.append(chunk)
        self._pending_rows += chunk.num_rows
        if self._pending_rows >= ROW_GROUP_ROWS:
            pending = pa.concat_tables(self._pending)
            full = self._pending_rows - self._pending_rows % ROW_GROUP_ROWS
            self._write(pending.slice(0, full))
            rest = pending.slice(full)
            self._pending, self._pending_rows = [rest], rest.num_rows

    def close(self) -> None:
        if self._pending_rows:
            self._write(pa.concat_tables(self._pending))
            self._pending, self._pending_rows = [], 0
        self._writer.close()

    def _write(self, rows: pa.Table) -> None:
        # Contiguous arrays: page boundaries then depend on the rows only, not on how DuckDB
        # happened to chunk them, so the bytes are the same whatever the thread count.
        self._writer.write_table(rows.combine_chunks(), row_group_size=ROW_GROUP_ROWS)


class _Writer:
    """Appends query results to their files on one background thread, in submission order.

    Encoding parquet is single-threaded: meanwhile DuckDB computes the next chunk on the other
    core. ``flush`` waits for (and re-raises from) everything submitted; calling it once per chunk
    keeps at most two chunks in memory.
    """

    def __init__(self, sinks: list[_ParquetSink]) -> None:
        self._sinks = {sink.name: sink for sink in sinks}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="synth-writer")
        self._pending: list[Future[None]] = []

    def write(self, table: Table, chunk: pa.Table) -> None:
        self._pending.append(self._pool.submit(self._sinks[table.name].write, chunk))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def close(self) -> dict[str, int]:
        """Finish every file and return its row count."""
        try:
            self.flush()
        finally:
            self._pool.shutdown()
            for sink in self._sinks.values():
                sink.close()
        return {name: sink.rows for name, sink in self._sinks.items()}


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, id_columns: tuple[str, ...] = ()) -> pa.Table:
    """Run a query and return it as Arrow, turning ``id_digits`` lists into 22-character ids."""
    table = con.sql(sql).to_arrow_table()
    for name in id_columns:
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, _ids_from_digits(table.column(name)))
    return table


def _ids_from_digits(digits: pa.ChunkedArray) -> pa.ChunkedArray:
    """Map lists of 22 digits (0-63) to base62 strings without a per-row Python loop.

    Building the 22-character strings in SQL costs ~1 µs per id; instead DuckDB returns the digits
    as a list column, whose child buffer already holds each id's bytes back to back, so one
    ``take`` through the alphabet plus the list's offsets make the string array directly.
    """
    chunks = []
    for chunk in digits.chunks:
        if len(chunk) == 0:
            continue
        offsets = pc.subtract(chunk.offsets, chunk.offsets[0])
        chars = pc.take(_ID_ALPHABET, chunk.flatten())
        chunks.append(pa.StringArray.from_buffers(len(chunk), offsets.buffers()[1], chars.buffers()[1]))
    return pa.chunked_array(chunks, pa.string())


# ---------------------------------------------------------------------------------------------
# The DuckDB session: the vocabulary row, and the macros every table is built from.
# ---------------------------------------------------------------------------------------------


def _connect(seed: int, shape: _DumpShape) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    # A chunk needs a few hundred MB; the cap keeps a runaway query from eating the machine.
    con.execute("SET memory_limit = '2GB'")
    # Output order is part of the determinism promise: keep the order of range() and ORDER BY.
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    vocabulary = _vocabulary()
    fields = ", ".join(f"'{name}': ${n}::VARCHAR[]" for n, name in enumerate(vocabulary, start=1))
    con.execute(f"CREATE TABLE vocab AS SELECT {{{fields}}} AS v", [list(values) for values in vocabulary.values()])
    con.execute(_random_macros(seed))
    con.execute(_list_macros())
    con.execute(_macros(seed, shape))
    return con


def _weighted(weights: dict[str, int]) -> tuple[str, ...]:
    """A list where each form appears as often as its weight: a uniform draw from it draws by weight."""
    return tuple(form for form, weight in weights.items() for _ in range(weight))


def _thresholds(column: str, choices: tuple[tuple[str, float], ...]) -> str:
    """``CASE`` picking the first choice whose cumulative probability exceeds ``column``."""
    arms = " ".join(f"WHEN {column} < {limit} THEN '{name}'" for name, limit in choices[:-1])
    return f"CASE {arms} ELSE '{choices[-1][0]}' END"


def _id_digits_sql() -> str:
    """22 digits of a Spotify-like id from two 64-bit hashes; the first is 0-7 like real ids."""
    first = ["h(k, salt) & 7"]
    high = [f"(h(k, salt) >> {3 + 6 * n}) & 63" for n in range(10)]
    low = [f"(h(k, salt || '+') >> {6 * n}) & 63" for n in range(11)]
    return "[" + ", ".join(first + high + low) + "]::UTINYINT[]"


def _random_macros(seed: int) -> str:
    return f"""
    -- Randomness: every value is a hash of (row key, salt, seed); nothing depends on row order.
    CREATE MACRO h(k, salt) AS hash((k)::BIGINT, salt, {seed}::BIGINT);
    CREATE MACRO h2(k1, k2, salt) AS hash((k1)::BIGINT, (k2)::BIGINT, salt, {seed}::BIGINT);
    CREATE MACRO u(k, salt) AS (h(k, salt) >> 11)::DOUBLE / 9007199254740992.0;
    CREATE MACRO below(k, salt, n) AS (h(k, salt) % ((n)::UBIGINT))::BIGINT;
    -- Zipf-like: index 0 is the most likely, the last ones are rare.
    CREATE MACRO skewed(k, salt, n) AS least(floor((n) * pow(u(k, salt), 2.5))::BIGINT, (n) - 1);
    -- Exactly one key in every block of `period` keys: a rare quirk at an exact rate, present in
    -- any dump bigger than one block.
    CREATE MACRO every(k, salt, period) AS below((k) // (period), salt, period) = (k) % (period);
    CREATE MACRO capitalized(s) AS upper(substr(s, 1, 1)) || substr(s, 2);
    -- Lower-case hex like Spotify's image and preview hashes (sha1: 40 digits, always full width).
    CREATE MACRO hex_digits(k, salt) AS sha1(h(k, salt)::VARCHAR);
    CREATE MACRO id_digits(k, salt) AS {_id_digits_sql()};
    CREATE MACRO fetch_time(k, salt) AS {FIRST_FETCH_MS} + {WEEK_MS} * skewed(k, salt, 9);

    """


def _macros(seed: int, shape: _DumpShape) -> str:
    regular = shape.artists - 1  # every artist but "Various Artists"
    return f"""
    -- Artists. Index 0 is "Various Artists"; the others are drawn by popularity rank (rank 0 the
    -- most popular, density ~ 1/sqrt(rank)) and placed by a permutation of 1..{regular}.
    CREATE MACRO artist_rowid(i) AS 3 * (i) + 1 + below(i, 'artist_rowid', 3);
    CREATE MACRO pick_artist(k, salt) AS
        1 + (least(floor({regular} * pow(u(k, salt), 2))::BIGINT, {regular - 1}) * {shape.rank_step}) % {regular};
    CREATE MACRO artist_rank(i) AS (((i) - 1) * {shape.rank_step_inverse}) % {regular};
    CREATE MACRO artist_popularity(i) AS CASE WHEN (i) = 0 THEN 0 ELSE least(100, greatest(0,
        floor(-14 * ln((artist_rank(i) + 0.5) / {regular}))::BIGINT - 18 + below(i, 'artist_popularity', 10))) END;
    CREATE MACRO followers(i) AS CASE WHEN artist_popularity(i) = 0
        THEN floor(exp(5 * u(i, 'followers')))::BIGINT - 1
        ELSE floor(exp(0.14 * artist_popularity(i) + 2 + 2 * u(i, 'followers')))::BIGINT END;
    CREATE MACRO invented(v, k, salt) AS capitalized(
        syllables_start(v, k, salt || 'a') || syllables(v, k, salt || 'b')
        || CASE WHEN u(k, salt || 'c') < 0.4 THEN syllables(v, k, salt || 'd') ELSE '' END);
    CREATE MACRO person(v, k, salt) AS first_names(v, k, salt || 'f') || ' '
        || CASE WHEN u(k, salt || 'i') < 0.25 THEN invented(v, k, salt || 'i') ELSE surnames(v, k, salt || 's') END;
    -- Names are built in two steps (name_form, then artist_name) so the form is computed once
    -- per row: a macro argument is pasted wherever the macro uses it.
    CREATE MACRO name_form(v, i) AS CASE WHEN (i) = 0 THEN 'various' ELSE artist_name_forms(v, i, 'name_form') END;
    CREATE MACRO artist_name(v, i, form) AS CASE form
            WHEN 'various' THEN 'Various Artists'
            WHEN 'person' THEN person(v, i, 'name')
            WHEN 'mononym' THEN first_names(v, i, 'mononym')
            WHEN 'prefixed' THEN name_prefixes(v, i, 'prefix') || ' '
                || CASE WHEN u(i, 'prefixed') < 0.5 THEN first_names(v, i, 'mononym') ELSE invented(v, i, 'stage') END
            WHEN 'the_band' THEN 'The ' || band_nouns(v, i, 'band')
            WHEN 'band' THEN adjectives(v, i, 'band_adjective') || ' ' || band_nouns(v, i, 'band')
            WHEN 'noun_band' THEN nouns(v, i, 'band_noun') || ' ' || band_nouns(v, i, 'band')
            WHEN 'invented' THEN invented(v, i, 'stage')
            WHEN 'invented_caps' THEN upper(invented(v, i, 'stage'))
            WHEN 'person_and_band' THEN person(v, i, 'name') || ' & The ' || band_nouns(v, i, 'band')
            WHEN 'ensemble' THEN surnames(v, i, 'ensemble_name') || ' ' || ensembles(v, i, 'ensemble')
            WHEN 'composer' THEN composers(v, i, 'composer')
            WHEN 'non_latin' THEN non_latin_names(v, i, 'non_latin')
            WHEN 'japanese' THEN japanese_family_names(v, i, 'family') || japanese_given_names(v, i, 'given')
            WHEN 'korean' THEN korean_family_names(v, i, 'family') || korean_given_names(v, i, 'given')
            WHEN 'russian' THEN russian_given_names(v, i, 'given') || ' ' || russian_family_names(v, i, 'family')
            WHEN 'initials' THEN first_names(v, i, 'mononym') || ' ' || substr(surnames(v, i, 'initial1'), 1, 1)
                || '.' || substr(surnames(v, i, 'initial2'), 1, 1) || '.'
            WHEN 'particle' THEN first_names(v, i, 'namef') || ' ' || name_particles(v, i, 'particle')
                || ' ' || surnames(v, i, 'names')
            ELSE person(v, i, 'name') || '-' || surnames(v, i, 'second_surname')
        END;

    -- Titles of works (key = work key; album titles use negative keys so they differ from songs).
    CREATE MACRO title_form(v, k) AS title_forms(v, k, 'title_form');
    CREATE MACRO song_title(v, k, form) AS CASE form
        WHEN 'noun' THEN nouns(v, k, 'noun')
        WHEN 'adjective_noun' THEN adjectives(v, k, 'adjective') || ' ' || nouns(v, k, 'noun')
        WHEN 'the_noun' THEN 'The ' || nouns(v, k, 'noun')
        WHEN 'the_adjective_noun' THEN 'The ' || adjectives(v, k, 'adjective') || ' ' || nouns(v, k, 'noun')
        WHEN 'noun_of_noun' THEN nouns(v, k, 'noun')
            || CASE WHEN u(k, 'of_the') < 0.5 THEN ' of the ' ELSE ' of ' END || nouns(v, k, 'noun2')
        WHEN 'phrase' THEN replace(pronoun_phrases(v, k, 'phrase'), '{{v}}', verbs(v, k, 'verb'))
        WHEN 'question' THEN replace(pronoun_phrases(v, k, 'phrase'), '{{v}}', verbs(v, k, 'verb')) || '?'
        WHEN 'noun_noun' THEN nouns(v, k, 'noun') || ' ' || nouns(v, k, 'noun2')
        WHEN 'standard' THEN standards(v, k, 'standard')
        WHEN 'number' THEN CASE WHEN u(k, 'number') < 0.5 THEN (1 + skewed(k, 'number_value', 99))::VARCHAR
            ELSE (1960 + below(k, 'number_value', 66))::VARCHAR END
        WHEN 'non_latin' THEN non_latin_titles(v, k, 'non_latin')
        WHEN 'invented' THEN invented(v, k, 'title_word')
        WHEN 'foreign' THEN foreign_phrases(v, k, 'foreign')
        WHEN 'ampersand' THEN nouns(v, k, 'noun') || ' & ' || nouns(v, k, 'noun2')
        WHEN 'preposition' THEN prepositions(v, k, 'preposition') || ' ' || nouns(v, k, 'noun')
        WHEN 'exclamation' THEN 'Oh, ' || nouns(v, k, 'noun') || '!'
        WHEN 'name' THEN first_names(v, k, 'song_name')
        WHEN 'hey_name' THEN 'Hey ' || first_names(v, k, 'song_name')
        WHEN 'list' THEN nouns(v, k, 'noun') || ', ' || nouns(v, k, 'noun2') || ' & ' || nouns(v, k, 'noun3')
        ELSE 'The ' || adjectives(v, k, 'adjective') || ' ' || nouns(v, k, 'noun') || ' of ' || nouns(v, k, 'noun2')
    END;
    -- A few titles are all lower case or all caps, like the real catalog.
    CREATE MACRO recase(title, k) AS CASE WHEN u(k, 'casing') < 0.04 THEN lower(title)
        WHEN u(k, 'casing') < 0.055 THEN upper(title) ELSE title END;

    -- Release groups: the original release and how many derived releases follow it.
    CREATE MACRO group_kind(g) AS {_thresholds("u(g, 'group_kind')", GROUP_KINDS)};
    CREATE MACRO derived_count(g) AS CASE group_kind(g)
        WHEN 'single' THEN (u(g, 'derived') < 0.06)::BIGINT
        WHEN 'ep' THEN (u(g, 'derived') < 0.10)::BIGINT
        WHEN 'album' THEN CASE WHEN u(g, 'derived') < 0.70 THEN 0 WHEN u(g, 'derived') < 0.90 THEN 1
            WHEN u(g, 'derived') < 0.97 THEN 2 ELSE 3 END
        ELSE 0 END;
    CREATE MACRO group_tracks(g) AS CASE group_kind(g)
        WHEN 'single' THEN CASE WHEN u(g, 'tracks') < 0.65 THEN 1 WHEN u(g, 'tracks') < 0.85 THEN 2 ELSE 3 END
        WHEN 'ep' THEN 4 + below(g, 'tracks', 3)
        WHEN 'album' THEN CASE WHEN u(g, 'tracks') < 0.85 THEN 6 + below(g, 'album_tracks', 9)
            WHEN u(g, 'tracks') < 0.97 THEN 16 + below(g, 'album_tracks', 15) ELSE 31 + below(g, 'album_tracks', 50) END
        WHEN 'various' THEN 10 + below(g, 'tracks', 21)
        ELSE CASE WHEN every(g, 'marathon_mix', 20) THEN 80 + below(g, 'tracks', 40)
            ELSE 15 + below(g, 'tracks', 30) END
    END;
    CREATE MACRO group_artist_count(g) AS CASE
        WHEN group_kind(g) = 'various' THEN 1
        WHEN u(g, 'artist_count') < CASE WHEN group_kind(g) = 'mix' THEN 0.7 ELSE 0.925 END THEN 1
        WHEN u(g, 'artist_count') < CASE WHEN group_kind(g) = 'mix' THEN 0.9 ELSE 0.985 END THEN 2
        ELSE 3 END;
    CREATE MACRO group_artists(g) AS CASE WHEN group_kind(g) = 'various' THEN [0::BIGINT]
        ELSE [pick_artist((g) * 4, 'group_artist'), pick_artist((g) * 4 + 1, 'group_artist'),
              pick_artist((g) * 4 + 2, 'group_artist')][1:group_artist_count(g)] END;
    CREATE MACRO group_year(g) AS CASE WHEN every(g, 'ancient', 3000) THEN 1600 + below(g, 'year', 290)
        ELSE 2025 - floor(75 * pow(u(g, 'year'), 3))::BIGINT END;
    -- Album-level names take the names they reuse as arguments (columns computed beforehand).
    CREATE MACRO group_label(v, g, lead_name) AS CASE
        WHEN u(g, 'label') < 0.012 THEN ''
        WHEN u(g, 'label') < 0.2 AND group_kind(g) <> 'various' THEN lead_name
        WHEN u(g, 'label') < 0.65 THEN labels(v, g, 'label_name')
        ELSE CASE WHEN u(g, 'label_form') < 0.5 THEN surnames(v, g, 'label_word') ELSE invented(v, g, 'label_word') END
            || ' ' || label_suffixes(v, g, 'label_suffix') END;
    CREATE MACRO album_title(v, g, lead_name, song) AS CASE album_title_forms(v, g, 'album_title_form')
        WHEN 'self_titled' THEN lead_name
        WHEN 'adjective_band' THEN adjectives(v, g, 'album_adjective') || ' ' || band_nouns(v, g, 'album_noun')
        WHEN 'form' THEN album_forms(v, g, 'album_form')
        WHEN 'live_at' THEN 'Live at ' || places(v, g, 'place')
        WHEN 'volume' THEN song || ', Vol. ' || (1 + skewed(g, 'volume', 12))
        WHEN 'sequel' THEN song || ' ' || sequels(v, g, 'sequel')
        WHEN 'year' THEN group_year(g)::VARCHAR
        ELSE song END;
    CREATE MACRO various_title(v, g, song) AS CASE various_title_forms(v, g, 'various_form')
        WHEN 'now' THEN 'Now That''s What I Call Music! ' || (1 + below(g, 'volume', 110))
        WHEN 'hits' THEN title_genres(v, g, 'genre') || ' Hits ' || group_year(g)
        WHEN 'best_of' THEN 'Best of ' || title_genres(v, g, 'genre') || ' ' || group_year(g)
        WHEN 'classics' THEN title_genres(v, g, 'genre') || ' Classics'
        WHEN 'vibes' THEN nouns(v, g, 'vibe') || ' Vibes, Vol. ' || (1 + skewed(g, 'volume', 20))
        WHEN 'lounge' THEN adjectives(v, g, 'lounge') || ' ' || lower(title_genres(v, g, 'genre')) || ' '
            || (1 + below(g, 'volume', 12)) || '.0'
        WHEN 'greatest' THEN '100 Greatest ' || title_genres(v, g, 'genre') || ' Songs'
        WHEN 'soundtrack' THEN song || ' (Original Motion Picture Soundtrack)'
        WHEN 'season' THEN song || ' (Season ' || (1 + below(g, 'season', 5)) || ')'
        ELSE various_prefixes(v, g, 'prefix') || ' ' || title_genres(v, g, 'genre') END;
    CREATE MACRO mix_title(v, g, curators) AS CASE mix_title_forms(v, g, 'mix_form')
        WHEN 'sessions' THEN nouns(v, g, 'session') || ' Sessions ' || group_year(g) || ' (Mixed by ' || curators || ')'
        WHEN 'search' THEN 'In Search of ' || nouns(v, g, 'search') || ' ' || (1 + below(g, 'volume', 25))
            || ' (mixed by ' || curators || ')'
        WHEN 'episode' THEN upper(substr(nouns(v, g, 'show'), 1, 4)) || ' ' || (1 + below(g, 'episode', 1200))
            || ' - ' || adjectives(v, g, 'show2') || ' ' || nouns(v, g, 'show3') || ' Episode '
            || (1 + below(g, 'episode', 1200))
        ELSE title_genres(v, g, 'genre') || ' Mix ' || group_year(g) END;

    -- Releases (album key ak = g * 8 + j): their role, year and planned track count.
    CREATE MACRO album_role(ak) AS CASE
        WHEN (ak) % 8 = 0 THEN group_kind((ak) // 8)
        WHEN group_kind((ak) // 8) = 'single' THEN 'remixes'
        WHEN group_kind((ak) // 8) = 'ep' THEN {_thresholds("u(ak, 'edition')", EP_EDITIONS)}
        ELSE {_thresholds("u(ak, 'edition')", ALBUM_EDITIONS)} END;
    CREATE MACRO release_year(ak) AS CASE WHEN (ak) % 8 = 0 THEN group_year((ak) // 8)
        ELSE least(2025, group_year((ak) // 8) + CASE album_role(ak)
            WHEN 'remaster' THEN 8 + below(ak, 'later', 20)
            WHEN 'single_from' THEN 0
            WHEN 'remixes' THEN below(ak, 'later', 2)
            ELSE below(ak, 'later', 12) END) END;
    CREATE MACRO planned_tracks(ak, role, source) AS CASE role
        WHEN 'deluxe' THEN source + 2 + below(ak, 'bonus', 7)
        WHEN 'expanded' THEN source + 4 + below(ak, 'bonus', 11)
        WHEN 'single_from' THEN 1 + (u(ak, 'b_side') < 0.25)::BIGINT
        WHEN 'remixes' THEN 2 + below(ak, 'remixes', 4)
        ELSE source END;
    CREATE MACRO upc(k) AS CASE
        WHEN u(k, 'upc_form') < 0.30 THEN lpad(below(k, 'upc', 1000000000000)::VARCHAR, 12, '0')
        WHEN u(k, 'upc_form') < 0.85 THEN lpad(below(k, 'upc', 10000000000000)::VARCHAR, 13, '0')
        ELSE '00602' || lpad(below(k, 'upc', 1000000000)::VARCHAR, 9, '0') END;
    CREATE MACRO market_of(k, salt) AS 2 + skewed(k, salt, {shape.markets - 1});

    -- Works and recordings (key = album key * 4096 + position).
    CREATE MACRO compilation_candidate(g, k, n) AS (g) - 1 - below(k, 'source' || n, least(greatest(g, 1), 20000));
    -- An earlier non-compilation group whose recording a compilation track reuses (NULL: none).
    CREATE MACRO compilation_source(g, k) AS CASE
        WHEN (g) = 0 THEN NULL
        WHEN group_kind(compilation_candidate(g, k, 1)) IN ('single', 'ep', 'album') THEN compilation_candidate(g, k, 1)
        WHEN group_kind(compilation_candidate(g, k, 2)) IN ('single', 'ep', 'album') THEN compilation_candidate(g, k, 2)
        WHEN group_kind(compilation_candidate(g, k, 3)) IN ('single', 'ep', 'album') THEN compilation_candidate(g, k, 3)
        END;
    -- Recordings that first appeared on a compilation belong to guest artists, not to its curator.
    CREATE MACRO guest_artists(w) AS
        [pick_artist((w) * 4 + 2, 'guest'), pick_artist((w) * 4 + 3, 'guest')][1:1 + (u(w, 'guest_pair') < 0.1)::INT];
    CREATE MACRO feature_count(w) AS
        CASE WHEN u(w, 'features') < 0.155 THEN 1 WHEN u(w, 'features') < 0.195 THEN 2 ELSE 0 END;
    CREATE MACRO featured(w, n) AS pick_artist((w) * 4 + (n), 'featured');
    -- " (feat. X & Y)" and its variants; no credit when `names` is NULL.
    CREATE MACRO feature_credit(v, w, names) AS coalesce(replace(credit_forms(v, w, 'credit_form'), '%s', names), '');
    CREATE MACRO version_suffix(v, r) AS CASE WHEN u(r, 'version') >= 0.12 THEN ''
        ELSE replace(version_suffixes(v, r, 'version_form'), '%y', (2009 + below(r, 'remaster_year', 15))::VARCHAR) END;
    CREATE MACRO registrant(k) AS substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1 + below(k, 'registrant1', 26)::INT, 1)
        || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 1 + below(k, 'registrant2', 36)::INT, 1)
        || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 1 + below(k, 'registrant3', 36)::INT, 1);
    -- ISRC = CC XXX YY NNNNN: country, registrant and year of the release that first issued the
    -- recording, then consecutive serials within that release like real labels assign them.
    CREATE MACRO isrc_prefix(v, ak, year) AS isrc_countries(v, ak, 'isrc_country') || registrant(ak)
        || lpad((year % 100)::VARCHAR, 2, '0');
    CREATE MACRO isrc_serial(r) AS
        lpad(((below((r) // 4096, 'isrc_serial', 99000) + (r) % 4096) % 100000)::VARCHAR, 5, '0');
    CREATE MACRO track_length(r) AS 95000 + floor(330000 * pow(u(r, 'duration'), 1.6))::BIGINT;
    """


# ---------------------------------------------------------------------------------------------
# Tables. Each function runs one query per chunk and appends its result to the table's file.
# ---------------------------------------------------------------------------------------------


def _write_markets(con: duckdb.DuckDBPyConnection, shape: _DumpShape, writer: _Writer, report: Progress) -> None:
    """Market lists: rowid 1 is the literal 'unavailable'; the first lists (used by most albums)
    are near-worldwide, later ones lose countries or are regional."""
    sql = f"""
    WITH lists AS (
        SELECT r, v, array_to_string(list_filter(v.countries,
            lambda c, n: u(r * 1000 + n, 'market_country') >= CASE
                WHEN r <= 3 THEN 0.005
                WHEN r <= 8 OR u(r, 'market_kind') < 0.7 THEN 0.02 + 0.05 * u(r, 'market_share')
                ELSE 0.5 + 0.5 * u(r, 'market_share') END), ',') AS markets
        FROM range(2, {shape.markets + 1}) t(r), vocab
    )
    SELECT 1::BIGINT AS rowid, 'unavailable' AS available_markets
    UNION ALL
    SELECT r, CASE WHEN markets = '' THEN countries(v, r, 'lone_market') ELSE markets END FROM lists
    ORDER BY rowid
    """
    writer.write(AVAILABLE_MARKETS, _fetch(con, sql))
    report(AVAILABLE_MARKETS.name, shape.markets, shape.markets)


def _write_artists(con: duckdb.DuckDBPyConnection, shape: _DumpShape, writer: _Writer, report: Progress) -> None:
    for first in range(0, shape.artists, ARTISTS_PER_CHUNK):
        last = min(first + ARTISTS_PER_CHUNK, shape.artists)
        writer.flush()
        writer.write(ARTISTS, _fetch(con, _artists_sql(first, last), ("id",)))
        writer.write(ARTIST_GENRES, _fetch(con, _artist_genres_sql(first, last)))
        writer.write(ARTIST_IMAGES, _fetch(con, _artist_images_sql(first, last)))
        report(ARTISTS.name, last, shape.artists)


def _artists_sql(first: int, last: int) -> str:
    return f"""
    SELECT artist_rowid(i) AS rowid, id_digits(i, 'artist') AS id, fetch_time(i, 'artist_fetched') AS fetched_at,
           artist_name(v, i, form) AS name, followers(i) AS followers_total, artist_popularity(i) AS popularity
    FROM (SELECT i, v, name_form(v, i) AS form FROM range({first}, {last}) t(i), vocab)
    ORDER BY i
    """


def _artist_genres_sql(first: int, last: int) -> str:
    """~0.14 genres per artist: a few percent of artists (more of the popular ones) carry 1-5
    related genres (neighbours in the genre list), in shuffled order like the dump."""
    return f"""
    WITH tagged AS (
        SELECT i, CASE WHEN u(i, 'tagged') < 0.03 + 0.005 * artist_popularity(i)
            THEN 1 + below(i, 'genre_count', 5) ELSE 0 END AS n
        FROM range({first}, {last}) t(i)
    ), listed AS (
        SELECT i, unnest(range(n)) AS s FROM tagged WHERE n > 0
    ), named AS (
        SELECT i, s, v.genres[1 + (skewed(i, 'genre', {GENRE_COUNT}) + {GENRE_COUNT}
            + CASE WHEN s = 0 THEN 0 ELSE below(i * 8 + s, 'genre_step', 9) - 4 END) % {GENRE_COUNT}] AS genre
        FROM listed, vocab
    )
    SELECT artist_rowid(i) AS artist_rowid, genre
    FROM (SELECT i, genre, min(s) AS s FROM named GROUP BY i, genre)
    ORDER BY h(i, 'genre_order'), i, s
    """


def _artist_images_sql(first: int, last: int) -> str:
    """Either no image or three (640, 320, 160), for ~58% of artists like the dump."""
    return f"""
    SELECT artist_rowid(i) AS artist_rowid, size.width, size.width AS height,
           'https://i.scdn.co/image/' || size.prefix || portrait AS url
    FROM (SELECT i, substr(hex_digits(i, 'portrait'), 1, 24) AS portrait FROM range({first}, {last}) t(i)
          WHERE artist_popularity(i) > 0 OR u(i, 'portrait') < 0.35)
    CROSS JOIN ({_sizes_sql(_ARTIST_IMAGE_SIZES)}) size(slot, width, prefix)
    ORDER BY i, slot
    """


def _sizes_sql(sizes: tuple[tuple[int, str], ...]) -> str:
    return "VALUES " + ", ".join(f"({slot}, {width}, '{prefix}')" for slot, (width, prefix) in enumerate(sizes))


def _write_releases(con: duckdb.DuckDBPyConnection, shape: _DumpShape, writer: _Writer, report: Progress) -> None:
    """Albums, tracks and everything hanging off them, one chunk of release groups at a time."""
    groups = albums = tracks = features = 0
    while tracks < shape.tracks:
        con.execute(_albums_chunk_sql(groups, groups + GROUPS_PER_CHUNK, albums, tracks, shape))
        con.execute(_TRACKS_CHUNK_SQL)
        writer.flush()
        writer.write(ALBUMS, _fetch(con, _ALBUMS_SQL, ("id",)))
        writer.write(ALBUM_IMAGES, _fetch(con, _album_images_sql()))
        writer.write(ARTIST_ALBUMS, _fetch(con, _ARTIST_ALBUMS_SQL))
        writer.write(TRACKS, _fetch(con, _TRACKS_SQL, ("id",)))
        writer.write(TRACK_ARTISTS, _fetch(con, _TRACK_ARTISTS_SQL))
        chunk_features = _fetch(con, _audio_features_sql(features), ("track_id",))
        writer.write(TRACK_AUDIO_FEATURES, chunk_features)
        features += chunk_features.num_rows
        chunk_albums, chunk_tracks = con.execute("SELECT count(*), coalesce(sum(n_tracks), 0) FROM albums_c").fetchone()
        groups += GROUPS_PER_CHUNK
        albums += chunk_albums
        tracks += int(chunk_tracks)
        report(TRACKS.name, tracks, shape.tracks)


def _albums_chunk_sql(
    first_group: int, last_group: int, albums_before: int, tracks_before: int, shape: _DumpShape
) -> str:
    """The chunk's releases with every album-level value, as temp table ``albums_c``.

    Album and track indexes continue from the previous chunk; the last album is cut short so the
    dump has exactly the requested number of tracks (its total_tracks says so too).
    """
    return f"""
    -- Placement first, sorted while the rows are narrow: later stages keep this order.
    CREATE OR REPLACE TEMP TABLE releases_c AS
    WITH releases AS (
        SELECT g, unnest(range(derived_count(g) + 1)) AS j FROM range({first_group}, {last_group}) t(g)
    ), planned AS (
        SELECT g, j, g * 8 + j AS ak, album_role(g * 8 + j) AS role, group_tracks(g) AS source_tracks FROM releases
    ), sized AS (
        SELECT *, planned_tracks(ak, role, source_tracks) AS planned FROM planned
    ), placed AS (
        SELECT *, {albums_before} + row_number() OVER (ORDER BY g, j) - 1 AS a,
            ({tracks_before} + coalesce(sum(planned) OVER (
                ORDER BY g, j ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::BIGINT AS first_track
        FROM sized
    )
    SELECT *, least(planned, {shape.tracks} - first_track) AS n_tracks FROM placed WHERE first_track < {shape.tracks}
    ORDER BY a;

    CREATE OR REPLACE TEMP TABLE albums_c AS
    WITH credits AS (
        SELECT *, group_kind(g) AS kind, group_artists(g) AS album_artists, release_year(ak) AS year,
            title_form(v, -1 - g) AS song_form, title_form(v, g * 32768) AS first_song_form,
            CASE WHEN role = 'single_from' THEN g * 32768 + below(ak, 'single_pick', source_tracks) END AS picked_work
        FROM releases_c, vocab
    ), leads AS (
        SELECT *, album_artists[1] AS lead, name_form(v, album_artists[1]) AS lead_form,
            song_title(v, -1 - g, song_form) AS song, song_title(v, g * 32768, first_song_form) AS first_song,
            CASE WHEN picked_work IS NOT NULL
                THEN song_title(v, picked_work, title_form(v, picked_work)) END AS picked_song
        FROM credits
    ), named AS (
        SELECT *, artist_name(v, lead, lead_form) AS lead_name,
            CASE WHEN kind = 'mix' AND len(album_artists) > 1
                THEN artist_name(v, album_artists[2], name_form(v, album_artists[2])) END AS second_name,
            CASE WHEN kind = 'mix' AND len(album_artists) > 2
                THEN artist_name(v, album_artists[3], name_form(v, album_artists[3])) END AS third_name
        FROM leads
    ), described AS (
        SELECT *,
            2 * a + 1 + below(a, 'album_rowid', 2) AS album_rowid,
            group_label(v, g, lead_name) AS label,
            CASE kind
                WHEN 'single' THEN recase(first_song, g * 32768)
                WHEN 'ep' THEN CASE WHEN u(g, 'ep_title') < 0.5 THEN recase(first_song, g * 32768)
                    ELSE album_title(v, g, lead_name, song) END
                WHEN 'album' THEN album_title(v, g, lead_name, song)
                WHEN 'various' THEN various_title(v, g, song)
                ELSE mix_title(v, g, lead_name || CASE len(album_artists) WHEN 1 THEN ''
                    WHEN 2 THEN ' & ' || second_name ELSE ', ' || second_name || ' & ' || third_name END)
                END AS original_title,
            isrc_prefix(v, ak, year) AS isrc_prefix,
            CASE WHEN j > 0 THEN isrc_prefix(v, g * 8, group_year(g)) END AS original_isrc_prefix,
            role IN ('various', 'mix') AS compilation,
            CASE WHEN u(ak, 'unavailable') < 0.06 THEN 1 ELSE market_of(ak, 'market') END AS market,
            every(a, 'dateless', 4500) AS dateless,
            CASE WHEN n_tracks >= 16 AND u(ak, 'discs') < 0.25
                THEN 2 + (n_tracks >= 30 AND u(ak, 'discs') < 0.08)::BIGINT ELSE 1 END AS discs,
            below(ak, 'copyright_style', 3) AS copyright_style
        FROM named
    ), dated AS (
        SELECT *,
            CASE WHEN dateless THEN 'year'
                WHEN year < 1950 AND u(ak, 'precision') < 0.7 THEN 'year'
                WHEN u(ak, 'precision') < 0.82 THEN 'day'
                WHEN u(ak, 'precision') < 0.96 THEN 'year'
                ELSE 'month' END AS precision,
            CASE WHEN label = '' THEN lead_name ELSE label END AS holder,
            -- the dump was fetched in spring 2025: nothing released after April
            1 + below(ak, 'month', CASE WHEN year = 2025 THEN 4 ELSE 12 END) AS month
        FROM described
    )
    SELECT * EXCLUDE (v),
        CASE WHEN every(a, 'album_taken_down', 6800) THEN '' ELSE CASE role
            WHEN 'deluxe' THEN original_title || deluxe_suffixes(v, ak, 'suffix')
            WHEN 'expanded' THEN original_title || expanded_suffixes(v, ak, 'suffix')
            WHEN 'remaster' THEN original_title || replace(remaster_suffixes(v, ak, 'suffix'), '%y', year::VARCHAR)
            WHEN 'remixes' THEN original_title || ' (Remixes)'
            WHEN 'single_from' THEN recase(picked_song, picked_work)
            ELSE original_title END END AS name,
        CASE WHEN role IN ('album', 'reissue', 'deluxe', 'remaster', 'expanded') THEN 'album'
            WHEN compilation THEN 'compilation' ELSE 'single' END AS album_type,
        CASE WHEN every(a, 'no_upc', 400) THEN NULL
            ELSE upc(CASE WHEN role = 'reissue' AND u(ak, 'same_upc') < 0.5 THEN g * 8 ELSE ak END) END AS upc,
        CASE WHEN u(ak, 'no_copyright_c') < 0.03 THEN NULL
            ELSE ['© ', '(C) ', ''][1 + copyright_style] || year || ' ' || holder END AS copyright_c,
        CASE WHEN u(ak, 'no_copyright_p') < 0.02 THEN NULL
            ELSE CASE WHEN compilation THEN 'This Compilation ' ELSE '' END
                || ['℗ ', '(P) ', ''][1 + copyright_style] || year || ' ' || holder END AS copyright_p,
        CASE WHEN market = 1 THEN 0
            WHEN role = 'various' THEN floor(70 * pow(u(ak, 'popularity'), 4))::BIGINT
            ELSE greatest(0, artist_popularity(album_artists[1]) - below(ak, 'popularity', 35) - 8 * (j > 0)::BIGINT)
            END AS popularity,
        CASE WHEN dateless THEN '0000'
            WHEN precision = 'day' THEN printf('%04d-%02d-%02d', year, month, 1 + below(ak, 'day', 28))
            WHEN precision = 'month' THEN printf('%04d-%02d', year, month)
            ELSE printf('%04d', year) END AS release_date,
        (n_tracks + discs - 1) // discs AS disc_size
    FROM dated
    """


_ALBUMS_SQL = """
SELECT album_rowid AS rowid, id_digits(a, 'album') AS id, fetch_time(a, 'album_fetched') AS fetched_at, name,
       album_type, market AS available_markets_rowid, upc AS external_id_upc, copyright_c, copyright_p, label,
       popularity, release_date, precision AS release_date_precision, n_tracks AS total_tracks,
       NULL::VARCHAR AS external_id_amgid
FROM albums_c
ORDER BY a
"""


def _album_images_sql() -> str:
    """Three sizes per album, widest first; one album in 1,600 has its three rows twice (the dump
    has exact duplicate rows). Albums come in shuffled order: the file is not sorted by album."""
    return f"""
    SELECT album_rowid, size.width, size.width AS height, 'https://i.scdn.co/image/' || size.prefix || cover AS url
    FROM (SELECT a, album_rowid, substr(hex_digits(a, 'cover'), 1, 24) AS cover,
                 unnest(range(1 + every(a, 'repeated_images', 1600)::INT)) AS copy
          FROM albums_c) c
    CROSS JOIN ({_sizes_sql(_ALBUM_IMAGE_SIZES)}) size(slot, width, prefix)
    ORDER BY h(a, 'image_order'), a, copy, slot
    """


# One row per track with its work and recording keys:
#  - editions reuse the original's recordings (same ISRC); remasters re-record them (new ISRC);
#  - a single taken from an album reuses one of its recordings, maybe with a radio edit after it;
#  - compilations reuse recordings of earlier groups (same title, artists and ISRC), DJ mixes as
#    new "Mixed" recordings; the rest are exclusive recordings by guest artists.
_TRACKS_CHUNK_SQL = f"""
CREATE OR REPLACE TEMP TABLE tracks_c AS
WITH positioned AS (
    SELECT a, ak, g, role, compilation, source_tracks, album_rowid, year, market AS album_market,
           popularity AS album_popularity, disc_size, first_track, album_artists, isrc_prefix, original_isrc_prefix,
           unnest(range(n_tracks)) AS p
    FROM albums_c
), sourced AS (
    SELECT *, first_track + p AS t, ak * 4096 + p AS own,
        CASE WHEN role = 'various' AND u(ak * 4096 + p, 'exclusive') >= 0.2
                OR role = 'mix' AND u(ak * 4096 + p, 'exclusive') >= 0.3
            THEN compilation_source(g, ak * 4096 + p) END AS source_group
    FROM positioned
), keyed AS (
    SELECT *, CASE
            WHEN role IN ('reissue', 'deluxe', 'expanded', 'remaster') AND p < source_tracks THEN g * 32768 + p
            WHEN role = 'single_from' THEN g * 32768 + below(ak, 'single_pick', source_tracks)
            WHEN role = 'remixes' THEN g * 32768
            WHEN source_group IS NOT NULL
                THEN source_group * 32768 + below(own, 'source_track', group_tracks(source_group))
            ELSE own END AS work
    FROM sourced
), attributed AS (
    SELECT *,
        CASE WHEN role IN ('remaster', 'remixes', 'mix') OR role = 'single_from' AND p > 0 THEN own ELSE work END
            AS recording,
        CASE WHEN work // 32768 <> g THEN group_artists(work // 32768)
            WHEN compilation THEN guest_artists(work)
            ELSE album_artists END AS primary_artists,
        feature_count(work) AS features,
        featured(work, 0) AS featured1,
        featured(work, 1) AS featured2,
        CASE WHEN role = 'remixes' THEN pick_artist(own, 'remixer') END AS remixer,
        title_form(v, work) AS form,
        CASE WHEN u(t, 'own_market') < 0.92 THEN album_market
            WHEN u(t, 'own_market') < 0.94 THEN 1 ELSE market_of(t, 'track_market') END AS market
    FROM keyed, vocab
), forms AS (
    SELECT *, song_title(v, work, form) AS base_title,
        -- most featured artists are also credited in the title
        u(work, 'credit') < 0.7 AND features > 0 AS credited,
        CASE WHEN features > 0 THEN name_form(v, featured1) END AS featured1_form,
        CASE WHEN features > 1 THEN name_form(v, featured2) END AS featured2_form,
        CASE WHEN remixer IS NOT NULL THEN name_form(v, remixer) END AS remixer_form
    FROM attributed
), named AS (
    SELECT *,
        CASE WHEN credited THEN artist_name(v, featured1, featured1_form)
            || CASE WHEN features > 1 THEN ' & ' || artist_name(v, featured2, featured2_form) ELSE '' END
            END AS featured_names,
        CASE WHEN role = 'remaster' AND p < source_tracks THEN ' - Remastered ' || year
            WHEN role = 'remixes' THEN ' - ' || artist_name(v, remixer, remixer_form) || ' Remix'
            WHEN role = 'mix' THEN ' - Mixed'
            WHEN role = 'single_from' AND p > 0 THEN edit_suffixes(v, own, 'edit')
            ELSE version_suffix(v, recording) END AS version
    FROM forms
)
SELECT t, a, work, album_rowid,
    t + a + 1 AS rowid,
    id_digits(t, 'track') AS id,
    CASE WHEN every(t, 'track_taken_down', 4000) THEN ''
        ELSE recase(base_title, work) || feature_credit(v, work, featured_names) || version END AS name,
    CASE WHEN market = 1 OR album_market = 1 OR u(t, 'preview') < 0.3 THEN NULL
        ELSE 'https://p.scdn.co/mp3-preview/' || hex_digits(t, 'preview') || '?cid={_PREVIEW_CLIENT}'
        END AS preview_url,
    p % disc_size + 1 AS track_number,
    p // disc_size + 1 AS disc_number,
    CASE WHEN every(t, 'no_isrc', 2500) THEN NULL
        ELSE CASE recording // 4096 WHEN ak THEN isrc_prefix WHEN g * 8 THEN original_isrc_prefix
            ELSE isrc_prefix(v, recording // 4096, release_year(recording // 4096)) END
            || isrc_serial(recording) END AS isrc,
    CASE WHEN market = 1 OR album_market = 1 THEN 0
        ELSE greatest(0, album_popularity - below(t, 'popularity', 30)) END AS popularity,
    market,
    CASE WHEN every(t, 'zero_duration', 3333) THEN 0 ELSE track_length(recording) END AS duration_ms,
    (u(work, 'explicit') < 0.12)::BIGINT AS explicit,
    CASE WHEN features = 0 AND remixer IS NULL AND NOT every(t, 'repeated_credit', 10000) THEN primary_artists
        ELSE list_concat(primary_artists,
            [featured1, featured2][1:features],
            CASE WHEN remixer IS NOT NULL THEN [remixer] ELSE [] END,
            -- a handful of exact duplicate (track, artist) pairs, as in the dump
            CASE WHEN every(t, 'repeated_credit', 10000) THEN [primary_artists[1]] ELSE [] END) END AS artists
FROM named
"""

# Files come out in rowid order without a sort: tracks_c was built in album order from albums_c,
# and DuckDB keeps that order (preserve_insertion_order) through scans, projections and unnest.
_TRACKS_SQL = """
SELECT rowid, id, fetch_time(t, 'track_fetched') AS fetched_at, name, preview_url, album_rowid,
       track_number, isrc AS external_id_isrc, popularity, market AS available_markets_rowid, disc_number,
       duration_ms, explicit
FROM tracks_c
"""

_TRACK_ARTISTS_SQL = """
SELECT track_rowid, artist_rowid(artist) AS artist_rowid
FROM (SELECT rowid AS track_rowid, unnest(artists) AS artist FROM tracks_c)
"""

# Album artists (is_appears_on = 0, is_implicit_appears_on = 0, index 0..k-1), then every other
# credited artist: "appears on" for compilations, "implicit appears on" (featured) otherwise.
# About 0.06% of the (artist, album) pairs are written twice, like the dump.
_ARTIST_ALBUMS_SQL = """
WITH album_artists AS (
    SELECT a, unnest(album_artists) AS artist, generate_subscripts(album_artists, 1) - 1 AS idx FROM albums_c
), credited AS (
    SELECT DISTINCT a, artist FROM (SELECT a, unnest(artists) AS artist FROM tracks_c)
), guests AS (
    SELECT a, artist FROM credited ANTI JOIN album_artists USING (a, artist)
), links AS (
    SELECT a, artist, 0 AS is_appears_on, 0 AS is_implicit_appears_on, idx AS index_in_album FROM album_artists
    UNION ALL
    SELECT a, artist, compilation::INT, (NOT compilation)::INT, NULL FROM guests JOIN albums_c USING (a)
), repeated AS (
    SELECT * FROM links UNION ALL SELECT * FROM links WHERE h2(a, artist, 'repeated_link') % 1700 = 0
)
SELECT artist_rowid(artist) AS artist_rowid, album_rowid, is_appears_on, is_implicit_appears_on, index_in_album
FROM repeated JOIN albums_c USING (a)
ORDER BY a, is_appears_on + is_implicit_appears_on, index_in_album, artist
"""


def _audio_features_sql(rows_before: int) -> str:
    """One row per track (one track in 333 has none), rowids in file order but tracks shuffled;
    one row in 330 is a null response with every feature NULL. Features belong to the work, so
    every copy of a recording measures the same. Values are strings from lookup lists."""
    features = {
        "duration_ms": "duration_ms::VARCHAR",
        "time_signature": "time_signatures(v, work, 'time_signature')",
        "tempo": "(60 + tempo // 1000)::VARCHAR || v.fractions[1 + tempo % 1000]",
        "key": "CASE WHEN u(work, 'keyless') < 0.01 THEN '-1' ELSE musical_keys(v, work, 'key') END",
        "mode": "CASE WHEN u(work, 'mode') < 0.63 THEN '1' ELSE '0' END",
        "danceability": "v.thousandths[101 + floor(450 * (u(work, 'dance') + u(work, 'dance2')))::BIGINT]",
        "energy": "thousandths(v, work, 'energy', 0.7)",
        "loudness": "'-' || (loudness // 1000)::VARCHAR || v.fractions[1 + loudness % 1000]",
        "speechiness": "speechiness_values(v, work, 'speechiness', 5)",
        "acousticness": "three_digits(v, work, 'acousticness', 0.35)",
        "instrumentalness": "CASE WHEN u(work, 'vocal') < 0.35 THEN '0.0' "
        "ELSE three_digits(v, work, 'instrumentalness', 1) END",
        "liveness": "thousandths(v, work, 'liveness', 2.5)",
        "valence": "thousandths(v, work, 'valence', 1)",
    }
    measured = ",\n        ".join(f"CASE WHEN NOT silent THEN {expr} END AS {name}" for name, expr in features.items())
    return f"""
    -- Shuffle while the rows are narrow; the texts are computed after, in the shuffled order.
    CREATE OR REPLACE TEMP TABLE features_c AS
    SELECT t, work, duration_ms, every(t, 'null_response', 330) AS silent,
           floor(130000 * (u(work, 'tempo') + u(work, 'tempo2')) / 2)::BIGINT AS tempo,
           1000 + floor(29000 * (1 - pow(u(work, 'loudness'), 0.4)))::BIGINT AS loudness
    FROM tracks_c
    WHERE NOT every(t, 'no_features', 333)
    ORDER BY h(t, 'feature_order'), t;

    SELECT ({rows_before} + features_c.rowid + 1)::VARCHAR AS rowid, id_digits(t, 'track') AS track_id,
        feature_fetch_times(v, t, 'features_fetched') AS fetched_at,
        CASE WHEN silent THEN '1' ELSE '0' END AS null_response,
        {measured}
    FROM features_c, vocab
    """


# ---------------------------------------------------------------------------------------------
# Word lists and weighted forms, loaded into DuckDB as the one-row table ``vocab`` (see ``_connect``).
# ---------------------------------------------------------------------------------------------


def _vocabulary() -> dict[str, tuple[str, ...]]:
    """Every list, by its field name in the one-row table ``vocab``."""
    return {**_skewed_lists(), **_uniform_lists(), **_ordered_lists(), **_indexed_lists()}


def _skewed_lists() -> dict[str, tuple[str, ...]]:
    """Lists drawn Zipf-like by ``name(key, salt)``: common words first, rare words last."""
    return {
        "nouns": NOUNS,
        "adjectives": ADJECTIVES,
        "verbs": VERBS,
        "pronoun_phrases": PRONOUN_PHRASES,
        "prepositions": PREPOSITIONS,
        "foreign_phrases": FOREIGN_PHRASES,
        "non_latin_titles": NON_LATIN_TITLES,
        "non_latin_names": NON_LATIN_NAMES,
        "standards": STANDARDS,
        "album_forms": ALBUM_FORMS,
        "places": PLACES,
        "title_genres": TITLE_GENRES,
        "various_prefixes": VARIOUS_PREFIXES,
        "labels": LABELS,
        "label_suffixes": LABEL_SUFFIXES,
        "ensembles": ENSEMBLES,
        "name_prefixes": NAME_PREFIXES,
        "composers": COMPOSERS,
        "isrc_countries": ISRC_COUNTRIES,
        "feature_fetch_times": tuple(str(FIRST_FEATURES_FETCH_MS + WEEK_MS * week) for week in range(24)),
    }


def _uniform_lists() -> dict[str, tuple[str, ...]]:
    """Lists drawn uniformly by ``name(key, salt)``; weighted forms repeat an entry per weight."""
    return {
        "first_names": FIRST_NAMES,
        "surnames": SURNAMES,
        "band_nouns": BAND_NOUNS,
        "japanese_family_names": JAPANESE_FAMILY_NAMES,
        "japanese_given_names": JAPANESE_GIVEN_NAMES,
        "korean_family_names": KOREAN_FAMILY_NAMES,
        "korean_given_names": KOREAN_GIVEN_NAMES,
        "russian_given_names": RUSSIAN_GIVEN_NAMES,
        "russian_family_names": RUSSIAN_FAMILY_NAMES,
        "syllables_start": SYLLABLES_START,
        "syllables": SYLLABLES,
        "name_particles": NAME_PARTICLES,
        "countries": COUNTRIES,
        "sequels": SEQUELS,
        "artist_name_forms": _weighted(ARTIST_NAME_FORMS),
        "title_forms": _weighted(TITLE_FORMS),
        "album_title_forms": _weighted(ALBUM_TITLE_FORMS),
        "various_title_forms": _weighted(VARIOUS_TITLE_FORMS),
        "mix_title_forms": _weighted(MIX_TITLE_FORMS),
        "credit_forms": _weighted(CREDIT_FORMS),
        "version_suffixes": _weighted(VERSION_SUFFIXES),
        "edit_suffixes": EDIT_SUFFIXES,
        "deluxe_suffixes": DELUXE_SUFFIXES,
        "expanded_suffixes": EXPANDED_SUFFIXES,
        "remaster_suffixes": REMASTER_SUFFIXES,
        "time_signatures": _weighted(TIME_SIGNATURES),
        "musical_keys": tuple(str(key) for key in range(12)),
    }


def _ordered_lists() -> dict[str, tuple[str, ...]]:
    """Decimal texts sorted by value, drawn by ``name(key, salt, power)`` with the index skewed by
    ``power``. Formatting doubles in SQL costs ~0.2 µs a value; these texts are built once."""
    return {
        "thousandths": _decimals(0, 1000, 1000),
        "speechiness_values": (*_decimals(220, 999, 10_000), *_decimals(100, 900, 1000)),
        "three_digits": _three_digit_decimals(),
    }


def _indexed_lists() -> dict[str, tuple[str, ...]]:
    """Lists indexed directly in SQL as ``v.name[i]``."""
    return {
        # '.0', '.001' ... '.999': the fraction of a decimal with three places, as repr prints it
        "fractions": tuple(text[1:] for text in _decimals(0, 999, 1000)),
        "genres": _genres(),
    }


def _list_macros() -> str:
    """One macro per list, reading it from the vocabulary row ``v`` with its length baked in.

    Every query that picks words joins the one-row table ``vocab`` and passes its column ``v`` on:
    a list read from a joined row is shared by reference, while a list constant (a variable) is
    rebuilt for every vector it is used in, and ``len()`` of it costs ~1 µs a row.
    """
    macros = [
        f"CREATE MACRO {name}(v, k, salt) AS v.{name}[1 + skewed(k, salt, {len(values)})];"
        for name, values in _skewed_lists().items()
    ]
    macros += [
        f"CREATE MACRO {name}(v, k, salt) AS v.{name}[1 + below(k, salt, {len(values)})];"
        for name, values in _uniform_lists().items()
    ]
    macros += [
        f"CREATE MACRO {name}(v, k, salt, power) AS "
        f"v.{name}[1 + least(floor({len(values)} * pow(u(k, salt), power))::BIGINT, {len(values) - 1})];"
        for name, values in _ordered_lists().items()
    ]
    return "\n".join(macros)


def _decimals(first: int, last: int, scale: int) -> tuple[str, ...]:
    """Texts of first/scale .. last/scale in order. ``repr`` gives the shortest round-trip text
    ('0.626', '-7.0', '2.62e-05'): the way the dump and DuckDB print doubles."""
    return tuple(repr(n / scale) for n in range(first, last + 1))


def _three_digit_decimals() -> tuple[str, ...]:
    """Values with three significant digits from 1e-06 to 1.0, ascending (log-spaced)."""
    values = [repr(mantissa / 10 ** (8 - exponent)) for exponent in range(6) for mantissa in range(100, 1000)]
    return (*values, "1.0")


def _genres() -> tuple[str, ...]:
    """Exactly GENRE_COUNT names: the base genres, then "<nationality> <style>" for every
    nationality (its most common styles first), grouped by nationality so neighbours are related."""
    names = dict.fromkeys(BASE_GENRES)
    per_nationality = -(-(GENRE_COUNT - len(names)) // len(NATIONALITIES)) + 1  # + 1: a few exist already
    for nationality in NATIONALITIES:
        names.update(dict.fromkeys(f"{nationality} {style}" for style in NATIONAL_STYLES[:per_nationality]))
    return tuple(names)[:GENRE_COUNT]


# Weighted forms: how often each pattern is used (weights are counts out of their sum).
ARTIST_NAME_FORMS = {
    "person": 370, "mononym": 40, "prefixed": 50, "the_band": 40, "band": 110, "noun_band": 40, "invented": 130,
    "invented_caps": 30, "person_and_band": 20, "ensemble": 30, "composer": 5, "non_latin": 5, "japanese": 10,
    "korean": 10, "russian": 10, "initials": 30, "particle": 35, "double_barrel": 35,
}
TITLE_FORMS = {
    "noun": 20, "adjective_noun": 16, "the_noun": 5, "the_adjective_noun": 3, "noun_of_noun": 5, "phrase": 9,
    "question": 1, "noun_noun": 6, "standard": 5, "number": 2, "non_latin": 2, "invented": 4, "foreign": 6,
    "ampersand": 2, "preposition": 4, "exclamation": 1, "name": 3, "hey_name": 1, "list": 1, "long": 4,
}
ALBUM_TITLE_FORMS = {
    "song": 55, "self_titled": 10, "adjective_band": 8, "form": 6, "live_at": 4, "volume": 5, "sequel": 4, "year": 3,
}
VARIOUS_TITLE_FORMS = {
    "now": 3, "hits": 15, "best_of": 10, "classics": 8, "vibes": 10, "lounge": 6, "greatest": 6, "soundtrack": 12,
    "season": 4, "prefixed": 26,
}
MIX_TITLE_FORMS = {"sessions": 35, "search": 15, "episode": 25, "genre_mix": 25}
EP_EDITIONS = (("reissue", 0.5), ("single_from", 1.0))
ALBUM_EDITIONS = (("reissue", 0.25), ("deluxe", 0.45), ("remaster", 0.65), ("expanded", 0.75), ("single_from", 1.0))
CREDIT_FORMS = {
    " (feat. %s)": 10, " (ft. %s)": 2, " [feat. %s]": 1, " - feat. %s": 1, " (with %s)": 2, " feat. %s": 1,
    " (featuring %s)": 1,
}
VERSION_SUFFIXES = {
    " - Remastered %y": 4, " - Remastered": 1, " - Live": 3, " (Live)": 1, " - Radio Edit": 2, " (Radio Edit)": 1,
    " - Acoustic": 1, " - Remix": 1, " - Instrumental": 1, " - Extended Mix": 1, " - Single Version": 1,
    " - Original Mix": 1, " - Demo": 1, " - Edit": 1, " - Mono": 1, " - Stereo Mix": 1,
}
TIME_SIGNATURES = {"4": 88, "3": 8, "5": 2, "1": 2}
EDIT_SUFFIXES = (" - Radio Edit", " - Instrumental", " - Acoustic", " - Extended Mix", " (Radio Edit)", " - Edit")
DELUXE_SUFFIXES = (
    " (Deluxe Edition)",
    " (Deluxe)",
    " (Deluxe Version)",
    " (Super Deluxe)",
    " (Special Edition)",
    " (Bonus Track Version)",
)
EXPANDED_SUFFIXES = (
    " (Expanded Edition)", " (Expanded)", " (Anniversary Edition)", " (Collector's Edition)", " (Legacy Edition)"
)
REMASTER_SUFFIXES = (" (Remastered %y)", " (%y Remaster)", " (Remastered)", " (Remastered Version)")
SEQUELS = ("II", "III", "IV", "Part II", "Pt. 1", "Reloaded", "Revisited", "Redux", "Chapter One", "Side A")
PREPOSITIONS = (
    "In the", "Into the", "All the", "Under the", "Over the", "Back to the", "Out of the", "Beyond the", "Through the",
    "Across the", "After the", "Before the",
)
VARIOUS_PREFIXES = (
    "Pure", "Ultimate", "Chill", "Essential", "The Very Best of", "Top", "Classic", "Massive", "Absolute", "Hot",
    "Fresh", "Timeless",
)


# ---------------------------------------------------------------------------------------------
# Vocabulary. Every list is ordered most common first: ``word()`` draws from it with a skewed
# (Zipf-like) distribution, so "Love" lands in millions of titles at 50M tracks while the words at
# the end stay rare. Invented words (syllables) and names add an unbounded tail of rare tokens.
# ---------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated single words."""
    return tuple(dict.fromkeys(text.split()))


def _phrases(text: str) -> tuple[str, ...]:
    """One phrase per line (phrases may contain spaces and punctuation)."""
    return tuple(dict.fromkeys(line.strip() for line in text.strip().splitlines() if line.strip()))


NOUNS = _words(
    """
    Love Night Heart Time Life Baby Girl World Home Dream Light Day Fire Way Man Soul Eyes Sun
    Rain Blue Summer Star Moon Sky Song Mind Money Dance Kiss Road Body Music Lady Angel Paradise
    Tonight Forever Memories Heaven Boy Friend Water River City Ocean Sea Shadow Fear Freedom
    Feeling Story Dreams Tears Lies Truth Stars Lights Nights Days Years Hearts Wings Storm Thunder
    Lightning Snow Winter Spring Autumn Fall Morning Evening Midnight Sunset Sunrise Dawn Daylight
    Darkness Silence Echo Echoes Voice Words Letter Promise Secret Secrets Mirror Window Door Room
    House Street Highway Train Car Boat Plane Airport Station Bridge Garden Flower Flowers Rose Roses
    Tree Forest Mountain Valley Desert Island Beach Shore Wave Waves Tide Wind Breeze Cloud Clouds
    Smoke Ashes Dust Gold Silver Diamond Diamonds Crystal Stone Stones Glass Paper Fever Medicine
    Poison Sugar Honey Candy Cherry Lemon Wine Whiskey Champagne Coffee Bread Salt Blood Bones Skin
    Hands Lips Face Head Feet Arms Tongue Breath Pulse Heartbeat Rhythm Beat Groove Melody Harmony
    Chorus Radio Television Video Camera Picture Photograph Movie Show Party Club Disco Floor Stage
    Crowd Queen King Prince Princess Empire Kingdom Castle Tower Throne Crown Sword Gun Bullet War
    Peace Battle Soldier Hero Villain Ghost Ghosts Demon Devil God Gods Saint Sinner Prayer Church
    Temple Grace Glory Faith Hope Chance Luck Fortune Destiny Fate Karma Magic Miracle Wonder Mystery
    Illusion Reality Future Past Yesterday Tomorrow Today Moment Second Minute Hour Weekend Monday
    Tuesday Friday Saturday Sunday January June July December Christmas Holiday Vacation Journey
    Adventure Escape Runaway Stranger Strangers Lover Lovers Enemy Enemies Brother Sister Mother
    Father Daddy Mama Family Children Child Kids Youth Age Generation Nation Country Town Village
    Neighborhood Ghetto Hood Block Corner Alley Avenue Boulevard Downtown Uptown Underground Space
    Planet Universe Galaxy Satellite Rocket Orbit Gravity Atmosphere Horizon Edge Border Line Circle
    Square Cross Point Center Middle Side Top Bottom Inside Outside Nowhere Somewhere Everywhere
    Anywhere Someone Nobody Everybody Everything Nothing Something Anything Hello Goodbye Welcome
    Thanks Sorry Please Yes Maybe Never Always Again Alone Together Tonite Sweetheart Darling Honeymoon
    Wedding Funeral Birthday Anniversary Season Seasons Weather Sunshine Moonlight Starlight Twilight
    Shade Colors Rainbow Red Black White Green Yellow Purple Orange Pink Grey Violet Emerald Ruby Jade
    Ivory Velvet Silk Leather Lace Cotton Denim Neon Chrome Steel Iron Metal Electric Energy Power
    Control Pressure Gravity Motion Emotion Emotions Devotion Desire Passion Obsession Addiction
    Temptation Confusion Illumination Revolution Evolution Revelation Salvation Redemption Confession
    Religion Vision Visions Mission Ambition Attention Direction Connection Reflection Sensation
    Vibration Celebration Imagination Inspiration Destination Information Situation Conversation
    Question Answer Reason Problem Solution Trouble Danger Fire Flame Flames Spark Sparks Ember Heat
    Chill Ice Frost Glacier Volcano Earthquake Hurricane Tornado Avalanche Flood Drought Harvest Seed
    Roots Leaves Branches Bloom Petals Butterfly Bird Birds Eagle Raven Crow Dove Swan Wolf Wolves
    Lion Tiger Bear Fox Horse Horses Dog Cat Snake Dragon Phoenix Unicorn Shark Whale Dolphin Bee
    Spider Monster Machine Robot Android Computer Signal Frequency Static Noise Sound Sounds Bass Drum
    Drums Guitar Piano Violin Trumpet Saxophone Organ Bells Whistle Siren Alarm Clock Calendar Diary
    Journal Book Chapter Page Poem Poetry Lyrics Rhyme Verse Hymn Anthem Lullaby Serenade Ballad Blues
    Jazz Funk Soul Rock Roll Swing Tango Waltz Samba Mambo Boogie Hustle Shuffle Stomp Jam Session
    Interlude Intro Outro Prelude Overture Finale Encore Reprise Coda Theme Motif Suite Sonata Etude
    Nocturne Requiem Rhapsody Fantasy Fantasia Symphony Concerto Opera Aria Carnival Circus Parade
    Festival Fiesta Riot Rebellion Uprising Protest Manifesto Anthem Hustler Gangster Rider Ryder
    Cowboy Outlaw Sheriff Bandit Pirate Sailor Captain Pilot Driver Runner Dancer Singer Player
    Lover Dreamer Believer Liar Thief Killer Hunter Fighter Survivor Warrior Champion Legend Icon Star
    Superstar Celebrity Millionaire Billionaire Boss Chief Leader Master Slave Prisoner Servant
    Teacher Preacher Doctor Nurse Lawyer Judge Jury Witness Detective Spy Agent Messenger Prophet
    Wizard Witch Vampire Zombie Alien Martian Ghostwriter Daydream Nightmare Lullaby Whisper Scream
    Laughter Smile Cry Sigh Kisses Hugs Touch Embrace Heartache Heartbreak Breakdown Breakthrough
    Comeback Countdown Showdown Sundown Lockdown Meltdown Shutdown Touchdown Takeoff Landing Crash
    Collision Explosion Eclipse Supernova Comet Meteor Stardust Moondust Cosmos Infinity Eternity
    """
)

ADJECTIVES = _words(
    """
    Blue Little Golden Sweet Wild Black Broken Lost Crazy New Old Young Beautiful Dark Bright Cold
    Hot Lonely Happy Sad Good Bad Last First Only Electric Silent Secret Endless Hollow Perfect
    Free Strange Dirty Pretty Lucky Holy Sacred Fallen Frozen Burning Shining Falling Rising Running
    Dancing Flying Crying Dying Living Sleeping Waking Wasted Faded Twisted Wicked Cruel Gentle
    Tender Soft Hard Heavy Light Deep High Low Long Short Slow Fast Quick Easy Simple Pure Real
    Fake True False Royal Imperial Velvet Crystal Silver Diamond Neon Cosmic Atomic Magnetic Hypnotic
    Psychedelic Mystic Magic Midnight Summer Winter Autumn Spring Morning Evening Northern Southern
    Eastern Western Tropical Arctic Polar Solar Lunar Stellar Urban Rural Modern Ancient Classic
    Vintage Digital Analog Mechanical Human Animal Natural Supernatural Invisible Visible Hidden
    Open Closed Empty Full Half Whole Every Final Eternal Infinite Immortal Mortal Fragile Brave
    Bold Proud Humble Honest Loyal Faithful Restless Careless Fearless Hopeless Helpless Heartless
    Senseless Timeless Endless Nameless Homeless Weightless Breathless Speechless Sleepless Reckless
    Foolish Selfish Childish Stylish Famous Glorious Gorgeous Dangerous Mysterious Curious Furious
    Nervous Anxious Jealous Precious Gracious Delicious Vicious Ambitious Rebellious Righteous
    Violent Silent Distant Brilliant Radiant Vibrant Elegant Innocent Magnificent Different Desperate
    Separate Private Intimate Ultimate Passionate Fortunate Emotional Personal Original Criminal
    Radical Tropical Magical Musical Physical Chemical Electrical Liquid Solid Plastic Elastic
    Fantastic Romantic Dramatic Tragic Toxic Exotic Erotic Chaotic Neurotic Electronic Acoustic
    Organic Iconic Sonic Supersonic Ultraviolet Infrared Crimson Scarlet Purple Violet Amber Azure
    Emerald Ivory Ebony Copper Bronze Platinum Chrome Rusty Dusty Misty Stormy Rainy Sunny Cloudy
    Windy Snowy Icy Fiery Smoky Shady Sleepy Dreamy Lazy Hazy Crazy Foxy Sexy Groovy Funky Jazzy
    """
)

VERBS = _words(
    """
    Love Need Want Feel Know See Miss Run Dance Fall Hold Stay Go Come Let Take Make Give Call Tell
    Believe Remember Forget Breathe Wait Leave Cry Fly Shine Burn Break Walk Talk Sing Dream Wake
    Sleep Touch Kiss Hurt Save Lose Find Follow Chase Catch Hide Seek Stop Start Move Change Turn
    Ride Drive Jump Rise Fight Play Pray Live Die Kill Steal Lie Trust Wish Hope Try Smile Shout
    Scream Whisper Listen Hear Watch Look Speak Write Read Teach Learn Grow Bleed Heal Forgive
    Surrender Escape Return Begin End Open Close Light Shake Rock Roll Swing Slide Spin Twist Bounce
    Drop Push Pull Carry Bring Send Hold Keep Free Set Feed Trip Glow Fade Drown Float Sink Swim
    Climb Crawl Wander Travel Arrive Depart Explode Ignite Collide Unite Divide Conquer Rule Obey
    Marry Celebrate Party Drink Smoke Cook Eat Taste Smell Paint Build Destroy Create Shatter
    """
)

PRONOUN_PHRASES = _phrases(
    """
    I {v} You
    {v} Me
    Don't {v}
    {v} It
    We {v}
    Let Me {v}
    Can't {v} You
    You {v} Me
    I Just Wanna {v}
    Never {v} Again
    Come {v} With Me
    Why Do You {v}
    {v} Me Tonight
    I Won't {v}
    Just {v}
    Let's {v}
    """
)

FIRST_NAMES = _words(
    """
    John David Michael James Paul Chris Daniel Alex Mark Peter Robert Tom Mike Sam Anna Maria Sarah
    Emma Laura Julia Lisa Kate Emily Sophie Max Ben Jack Oliver Lucas Leo Adam Nick Matt Andrew
    Richard William George Charles Thomas Joseph Henry Edward Steve Kevin Brian Jason Ryan Eric Adrian
    Marco Luca Carlos Juan José Luis Miguel Javier Pablo Diego Andrés Sebastián Tomás Ángel Iñaki
    Mónica Lucía Sofía Camila Valentina Isabella Gabriela Ana Elena Marta Paula Claudia Julián
    Pierre Jean Louis François Antoine Julien Nicolas Mathieu Rémi Théo Hugo Céline Chloé Zoé Inès
    Anaïs Hélène Noémie Léa Manon Camille Amélie Noël Joël Renée André Jérôme Stéphane Benoît Gaël
    Hans Klaus Jürgen Jörg Günter Uwe Stefan Tobias Lukas Felix Jonas Moritz Lena Hanna Jana Katrin
    Björn Lars Nils Erik Anders Magnus Søren Mads Øystein Åsa Ingrid Astrid Freja Maja Linnea Elin
    Sven Olle Ólafur Jónsi Björk Sigrid Aurora Kari Mikko Juha Aino Pekka Łukasz Paweł Michał
    Katarzyna Agnieszka Małgorzata Tomasz Piotr Jakub Marek Ondřej Jiří Tereza Răzvan
    Andrei Ioana Dmitri Ivan Sergei Olga Natasha Tatiana Anastasia Yuri Nikolai Mehmet Ayşe Çağla
    Ümit Şebnem Emre Elif Deniz Yusuf Fatima Omar Ali Hassan Layla Amir Nour Karim Rania Yara Kenji
    Hiro Yuki Sakura Haruki Takeshi Aiko Ren Min Jin Soo Hana Ji Wei Mei Lin Chen Arjun Priya Ravi
    Anjali Rohan Aditya Kiran Neha Sanjay Lakshmi Kwame Kofi Ama Chidi Ngozi Tunde Femi Amara Zola
    Thabo Sipho Lerato Nia Imani Jamal Darnell Tyrone Marcus Andre DeShawn Keisha Aaliyah Jasmine
    Destiny Diamond Crystal Mercedes Chanel Bella Luna Stella Aurora Ruby Daisy Lily Rose Ivy Grace
    Faith Hope Joy Skye River Phoenix Rain Storm Blaze Ace Duke Buddy Johnny Billy Bobby Jimmy Tommy
    Frankie Eddie Ronnie Danny Joey Benny Sonny Lenny Willie Charlie Freddie Louie Marvin Otis Ray
    Curtis Isaac Aretha Etta Nina Ella Billie Dolly Patsy Loretta Willie Merle Hank Buck Waylon Garth
    Shania Reba Tammy Wanda Connie Brenda Peggy Doris Judy Marilyn Frank Dean Bing Elvis Buddy Chuck
    Fats Little Big Lil Young Baby Sweet Sugar Honey Cookie Kid Jay Dee Kay Em Vee Zee
    """
)

SURNAMES = _words(
    """
    Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson
    White Harris Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill
    Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy
    Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson
    Brooks Bennett Gray Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell
    Sullivan Fisher Hamilton Graham Wallace West Cole Hayes Gibson Ellis Stone Hunt Black Knight
    Lawrence Hudson Fox Rose Dixon Palmer Webb Lane Wells Burns Hunter Shaw Holmes Rice Porter Mason
    Garcia Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera
    Gómez Díaz Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz Álvarez Mendoza Castillo Jiménez Moreno
    Romero Herrera Medina Aguilar Vargas Castro Guzmán Fernández Muñoz Núñez Iglesias Peña Cortés
    Silva Santos Oliveira Souza Costa Pereira Ferreira Almeida Carvalho Gonçalves Araújo Ribeiro
    Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca
    Costa Giordano Mancini Lombardi Moretti Barbieri Fontana Martin Bernard Dubois Durand Lefebvre
    Moreau Laurent Simon Michel Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert
    Fontaine Rousseau Vincent Mercier Blanc Guérin Faure André Müller Schmidt Schneider Fischer Weber
    Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann
    Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler
    Jansen De Vries Van Dijk Bakker Visser Smit Meijer De Boer Mulder De Groot Bos Vos Peters Hendriks
    Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Lindqvist
    Lindström Åberg Ström Sørensen Hansen Nielsen Jensen Pedersen Kristensen Larsen Bæk Haugen
    Johansen Olsen Berg Dahl Lund Virtanen Korhonen Nieminen Mäkinen Hämäläinen Kowalski Nowak
    Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Dvořák Novák Svoboda Horváth Nagy
    Kovács Popescu Ionescu Ivanov Petrov Smirnov Volkov Sokolov Kuznetsov Öztürk Yılmaz Kaya Demir
    Şahin Çelik Aydın Haddad Khalil Nasser Mansour Tanaka Suzuki Takahashi Watanabe Yamamoto
    Nakamura Kobayashi Kim Lee Park Choi Jung Kang Cho Wang Li Zhang Liu Chen Yang Huang Zhao Wu
    Singh Kumar Sharma Patel Gupta Mehta Reddy Iyer Nair Das Okafor Adeyemi Mensah Owusu Diallo
    Traoré Ndiaye Mokoena Dlamini Nkosi O'Brien O'Connor O'Neill McCarthy McDonald MacLeod Fitzgerald
    """
)

BAND_NOUNS = _words(
    """
    Kings Wolves Lions Tigers Ghosts Machines Brothers Sisters Shadows Echoes Stones Riders Saints
    Sinners Strangers Lovers Dreamers Believers Outlaws Rebels Heroes Angels Devils Demons Monsters
    Giants Pirates Cowboys Soldiers Knights Kids Boys Girls Boyz Ladies Gentlemen Friends Enemies
    Rockets Comets Satellites Planets Stars Suns Moons Lights Sparks Flames Embers Storms Waves Tides
    Rivers Mountains Horizons Ravens Crows Eagles Hawks Foxes Bears Horses Dogs Cats Snakes Dragons
    Bees Hornets Spiders Sharks Whales Dolphins Seagulls Swans Pilots Drivers Runners Dancers Singers
    Players Hunters Fighters Warriors Champions Legends Kings Queens Princes Barons Dukes Lords
    Ministers Preachers Prophets Wizards Witches Vampires Zombies Aliens Martians Robots Androids
    Crystals Diamonds Pearls Roses Lilies Daisies Thorns Roots Seeds Leaves Trees Pines Oaks Willows
    Mirrors Windows Doors Keys Bells Drums Guitars Amps Radios Tapes Records Vinyls Cassettes Signals
    Frequencies Vibrations Sessions Experience Collective Project Orchestra Society Club Union
    Syndicate Alliance Company Factory Foundation Institute Academy Republic Empire Kingdom Nation
    """
)

SYLLABLES_START = _words(
    """
    ka ba ma ra sa ta la na za da ga pa fa va ja ko zu ri mo ne lo ve xo ly bar jen drex co pi ki
    mi sha tor el an on is us ar or en al am ax ox ul yo zy qu tri bri cla flo gri pro sto kro ble
    dra sky sno ze ni lu ro fe ce be de ge he ke me pe re se te we ye zo ha wa ya ø é ö ñ ü
    """
)

SYLLABLES = _words(
    """
    zek dex ton ni ra lo na ko vi ta ma ri sa li no ve xo ly rin bar jen co pi ki mi sha tor el an
    on is us ar or en ia ix ax oz um ek os as es ez al il ol ul ro ru re ka ku ke ki ko za zi zo
    nik nox lux max rex tix vin von zan zen zor dak dor dra gon kan ker mon mor nar nor pan por san
    sol tan tis val ven xan yan yon zar zul ø øn é ée ön ña ño ün
    """
)

FOREIGN_PHRASES = _phrases(
    """
    Corazón
    Te Quiero
    La Noche
    Mi Amor
    Mañana
    Señorita
    Canción
    Bésame
    Dime
    Quédate
    Sin Ti
    Contigo
    Para Siempre
    Amor Eterno
    Corazón Roto
    Noche de Verano
    La Playa
    El Sol
    Mi Vida
    Niño
    Baila Conmigo
    Fiesta
    Despacito
    Ojalá
    Qué Pasa
    Cómo Te Extraño
    Tú y Yo
    Perdón
    Ilusión
    Pasión
    Mon Amour
    La Vie
    Je T'aime
    Toujours
    Café
    Été
    Rêve
    Cœur
    Déjà Vu
    Fiancé
    Là-bas
    Où es-tu
    Ça va
    Mélancolie
    Éternité
    Liberté
    Chérie
    À la folie
    Für Immer
    Schön
    Nächte
    Müde
    Größer
    Träume
    Sehnsucht
    Herzschlag
    Über Nacht
    Mädchen
    Glück
    Frühling
    Kälte
    Saudade
    Coração
    Canção
    Não
    Ação
    Amanhã
    Você
    Lágrimas
    Perché
    Città
    Già
    Più
    Così
    Felicità
    Ti Amo
    Bella Ciao
    Sjö
    Överallt
    Ämne
    Kärlek
    Hjärta
    Får jag
    Älskar dig
    Søvn
    Kærlighed
    Nótt
    Ást
    Sól
    Hjartað
    Miłość
    Życie
    Słońce
    Láska
    Srdce
    Szerelem
    Dragoste
    Aşk
    Gönül
    Güzel
    Sevgilim
    """
)

NON_LATIN_TITLES = _phrases(
    """
    夜明け
    さくら
    東京
    恋
    花火
    夢
    君の名は
    ありがとう
    愛してる
    星空
    사랑
    봄날
    밤
    너를
    우리
    사랑해
    별
    꿈
    Любовь
    Ночь
    Звезда
    Кино
    Мама
    Весна
    Море
    Город
    Αγάπη
    Νύχτα
    Θάλασσα
    Καρδιά
    حبيبي
    ليل
    يا قلبي
    אהבה
    לילה
    प्यार
    दिल
    तेरे बिना
    चाँद
    月亮
    夜空
    你好
    爱情
    星星
    รัก
    คิดถึง
    ความรัก
    Мечта
    Сердце
    Гори
    """
)

NON_LATIN_NAMES = _phrases(
    """
    宇多田
    あいみょん
    米津
    嵐
    中島
    방탄소년단
    아이유
    빅뱅
    이수
    김민
    Земфира
    Кино
    Сплин
    Мумий Тролль
    Ленинград
    Би-2
    Μαρία
    Γιώργος
    Νίκος
    فيروز
    عمرو
    محمد
    עומר
    נועה
    लता
    आशा
    किशोर
    周杰
    王菲
    陈奕
    邓丽君
    ธงไชย
    เบิร์ด
    """
)

JAPANESE_FAMILY_NAMES = _words("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 清水 宇多田")
JAPANESE_GIVEN_NAMES = _words("翔 陽菜 蓮 結衣 大和 美咲 健太 愛 光 花子 拓海 さくら ひかる 葵 悠真 七海 健 真由美 直樹 ヒカル")
KOREAN_FAMILY_NAMES = _words("김 이 박 최 정 강 조 윤 장 임")
KOREAN_GIVEN_NAMES = _words("민준 서연 지호 하은 도윤 서준 지우 예준 수아 지민 태형 유나 하준 소연 현우 지수 은비 동현 채원 성민")
RUSSIAN_GIVEN_NAMES = _words(
    "Иван Алексей Дмитрий Сергей Андрей Михаил Анна Мария Елена Ольга Наталья Татьяна Юлия Виктор Павел"
)
RUSSIAN_FAMILY_NAMES = _words(
    "Иванов Петров Смирнов Кузнецов Попов Волков Соколов Лебедев Козлов Новиков Морозова Павлова Орлова Зайцева Белова"
)

STANDARDS = _phrases(
    """
    Intro
    Outro
    Interlude
    Yesterday
    Hallelujah
    Silent Night
    White Christmas
    Summertime
    Ave Maria
    Autumn Leaves
    My Way
    Fly Me to the Moon
    Over the Rainbow
    Blue Moon
    Stand by Me
    Let It Be
    Imagine
    Jingle Bells
    Amazing Grace
    Danny Boy
    What a Wonderful World
    Moon River
    Georgia on My Mind
    Body and Soul
    All of Me
    Misty
    Unchained Melody
    La Vie en rose
    Bésame Mucho
    Feeling Good
    Smile
    Crazy
    Angel
    Home
    Forever
    Happy Birthday
    Clair de Lune
    Für Elise
    Canon in D
    Gymnopédie No. 1
    Nocturne in E-Flat Major, Op. 9 No. 2
    The Four Seasons: Spring
    Requiem in D Minor, K. 626: Lacrimosa
    Symphony No. 5 in C Minor, Op. 67: I. Allegro con brio
    Air on the G String
    The Girl from Ipanema
    Take Five
    My Funny Valentine
    Round Midnight
    Cry Me a River
    Someone to Watch Over Me
    The Way You Look Tonight
    I Will Always Love You
    Hotel California
    Wonderwall
    Creep
    Hurt
    Tainted Love
    Summertime Sadness
    Blue Monday
    Nightcall
    Let It Go
    O Holy Night
    Have Yourself a Merry Little Christmas
    Let It Snow! Let It Snow! Let It Snow!
    Rudolph the Red-Nosed Reindeer
    Santa Claus Is Coming to Town
    Feliz Navidad
    Last Christmas
    Auld Lang Syne
    Greensleeves
    Scarborough Fair
    House of the Rising Sun
    Knockin' on Heaven's Door
    Sweet Home Chicago
    St. James Infirmary
    When the Saints Go Marching In
    Down by the Riverside
    Careless Whisper
    Dancing Queen
    Sweet Dreams (Are Made of This)
    Don't Stop Believin'
    Bohemian Rhapsody
    Smells Like Teen Spirit
    Billie Jean
    Respect
    Yesterday Once More
    Can't Help Falling in Love
    Everybody Hurts
    Nothing Compares 2 U
    Wicked Game
    Black Magic Woman
    La Bamba
    Guantanamera
    Volare
    O sole mio
    Nessun dorma
    Habanera
    Bolero
    Libertango
    Por una cabeza
    Chan Chan
    Tequila
    Mas Que Nada
    Aquarela do Brasil
    Garota de Ipanema
    Ne me quitte pas
    Non, je ne regrette rien
    Les feuilles mortes
    Lili Marleen
    99 Luftballons
    Sukiyaki
    Arirang
    Kalinka
    Katyusha
    Hava Nagila
    """
)

ALBUM_FORMS = _phrases(
    """
    Greatest Hits
    The Best Of
    Live
    Unplugged
    Acoustic Sessions
    Demos
    B-Sides & Rarities
    The Collection
    Essentials
    Anthology
    The Singles
    Christmas Album
    Remixes
    Instrumentals
    Love Songs
    Gold
    Platinum Collection
    Early Years
    Lost Tapes
    Live in Concert
    """
)

PLACES = _phrases(
    """
    Wembley
    Red Rocks
    the Royal Albert Hall
    Budokan
    Montreux
    the Fillmore
    Madison Square Garden
    Glastonbury
    the BBC
    Paradiso
    the Apollo
    Olympia
    Tokyo Dome
    Carnegie Hall
    the Hollywood Bowl
    Brixton Academy
    the Roundhouse
    Rock in Rio
    Woodstock
    Coachella
    the Ryman
    the Village Vanguard
    Sydney Opera House
    Berghain
    Ibiza
    Tomorrowland
    Primavera Sound
    Roskilde
    the O2
    the Forum
    """
)

TITLE_GENRES = _phrases(
    """
    Pop
    Rock
    Dance
    Hip Hop
    Chill
    Jazz
    80s
    90s
    Party
    Country
    R&B
    Soul
    Lounge
    House
    Latin
    Reggaeton
    Indie
    Classical
    Blues
    Funk
    Disco
    Metal
    Punk
    Techno
    Trance
    Reggae
    K-Pop
    Christmas
    Summer
    Workout
    Love Songs
    Acoustic
    Piano
    Study
    Sleep
    Ibiza
    Deep House
    2000s
    70s
    60s
    Schlager
    Afrobeats
    Gospel
    Movie
    Kids
    """
)

LABELS = _phrases(
    """
    Universal Music Group
    Sony Music Entertainment
    Warner Records
    Columbia
    Atlantic Records
    Island Records
    Capitol Records
    RCA Records
    Interscope
    Def Jam Recordings
    Parlophone
    Virgin Records
    Republic Records
    Epic
    Polydor
    Rhino
    Legacy Recordings
    XL Recordings
    Sub Pop
    Domino Recording Co
    Warp Records
    Ninja Tune
    Rough Trade
    4AD
    Matador
    Merge Records
    Mute
    Because Music
    Record Makers
    Armada Music
    Spinnin' Records
    Monstercat
    Anjunabeats
    Defected Records
    Toolroom
    Ultra Records
    Ministry of Sound
    Kontor Records
    Ed Banger Records
    Deutsche Grammophon
    Naxos
    Decca
    ECM Records
    Blue Note Records
    Verve
    Nonesuch
    Motown
    Stax
    Chess Records
    Big Machine Records
    Curb Records
    Roc Nation
    Top Dawg Entertainment
    Young Money
    Cash Money
    Dreamville
    Hybe
    SM Entertainment
    JYP Entertainment
    YG Entertainment
    Avex Trax
    Sony Music Japan
    Victor Entertainment
    Universal Music Latino
    Rimas Entertainment
    Sony Music Latin
    Warner Music Brasil
    Som Livre
    Mavin Records
    YBNL Nation
    Chocolate City
    T-Series
    Zee Music Company
    Saregama
    Speed Records
    Colorize (Enhanced)
    Songbird
    A State Of Trance
    Mole Listening Pearls
    Luxury House
    YONDERLAND
    Epidemic Sound
    Lofi Records
    Chillhop Music
    Believe
    DistroKid
    CDBaby
    TuneCore
    Independent
    Self-released
    """
)

LABEL_SUFFIXES = _phrases(
    """
    Records
    Music
    Recordings
    Entertainment
    Productions
    Sound
    Audio
    Music Group
    Label
    Records Ltd
    Media
    """
)

ENSEMBLES = _phrases(
    """
    Orchestra
    String Quartet
    Trio
    Quartet
    Ensemble
    Choir
    Big Band
    Brass Band
    Philharmonic Orchestra
    Chamber Orchestra
    Collective
    Project
    Sound System
    Quintet
    Singers
    """
)

NAME_PREFIXES = _words("DJ MC Lil Young Big Dj Mr. Lady King Queen Kid Saint Doctor Don")

NAME_PARTICLES = _words("van von de del da di van-der le la")

COMPOSERS = _phrases(
    """
    Johann Sebastian Bach
    Wolfgang Amadeus Mozart
    Ludwig van Beethoven
    Frédéric Chopin
    Antonio Vivaldi
    Pyotr Ilyich Tchaikovsky
    Claude Debussy
    Franz Schubert
    Johannes Brahms
    George Frideric Handel
    Erik Satie
    Antonín Dvořák
    Felix Mendelssohn
    Franz Liszt
    Robert Schumann
    Gustav Mahler
    Giuseppe Verdi
    Giacomo Puccini
    Richard Wagner
    Maurice Ravel
    Sergei Rachmaninoff
    Edvard Grieg
    Jean Sibelius
    Camille Saint-Saëns
    Gabriel Fauré
    Joseph Haydn
    Claudio Monteverdi
    Henry Purcell
    Arvo Pärt
    Philip Glass
    Ludovico Einaudi
    """
)

# Spotify's own market order (copied from the dump); market lists keep this order.
COUNTRIES = _words(
    """
    AR AU AT BE BO BR BG CA CL CO CR CY CZ DK DO DE EC EE SV FI FR GR GT HN HK HU IS IE IT LV LT LU
    MY MT MX NL NZ NI NO PA PY PE PH PL PT SG SK ES SE CH TW TR UY US GB AD LI MC ID JP TH VN RO IL
    ZA SA AE BH QA OM KW EG MA DZ TN LB JO PS IN BY KZ MD UA AL BA HR ME MK RS SI KR BD PK LK GH KE
    NG TZ UG AG AM BS BB BZ BT BW BF CV CW DM FJ GM GE GD GW GY HT JM KI LS LR MW MV ML MH FM NA NR
    NE PW PG PR WS SM ST SN SC SL SB KN LC VC SR TL TO TT TV VU AZ BN BI KH CM TD KM GQ SZ GA GN KG
    LA MO MR MN NP RW TG UZ ZW BJ MG MU MZ AO CI DJ ZM CD CG IQ LY TJ VE ET XK
    """
)

# ISRC country prefixes, most common first (QM/QZ are US distributor prefixes).
ISRC_COUNTRIES = _words("US GB QM QZ DE FR NL SE QZ JP BR IT ES CA AU KR MX TC FI NO DK BE AT CH PL")

# Genres: hand-picked base genres (most common first, related ones side by side), then
# "<nationality> <style>" combinations, cut to exactly GENRE_COUNT distinct names like the dump.
BASE_GENRES = _phrases(
    """
    pop
    dance pop
    rock
    hip hop
    rap
    trap
    pop rap
    r&b
    contemporary r&b
    edm
    house
    deep house
    tech house
    progressive house
    electro house
    melodic house
    afro house
    organic house
    future house
    bass house
    tribal house
    french house
    latin house
    trance
    progressive trance
    uplifting trance
    psytrance
    techno
    melodic techno
    minimal techno
    acid techno
    dub techno
    hard techno
    drum and bass
    liquid funk
    jungle
    dubstep
    future bass
    melodic bass
    big room
    hardstyle
    happy hardcore
    frenchcore
    gabber
    hard house
    electronic
    idm
    ambient
    downtempo
    trip hop
    chillhop
    lo-fi beats
    lounge
    nu jazz
    acid jazz
    new age
    space music
    synthwave
    synthpop
    new wave
    darkwave
    post-punk
    gothic rock
    deathrock
    industrial
    ebm
    italo disco
    eurodance
    hi-nrg
    freestyle
    miami bass
    nu disco
    disco
    funk
    soul
    neo soul
    motown
    northern soul
    gospel
    ccm
    christian
    christian rock
    christian alternative rock
    worship
    jazz
    vocal jazz
    smooth jazz
    cool jazz
    bebop
    hard bop
    free jazz
    jazz fusion
    latin jazz
    swing
    big band
    ragtime
    blues
    delta blues
    chicago blues
    blues rock
    classic rock
    album rock
    hard rock
    soft rock
    glam rock
    psychedelic rock
    progressive rock
    art rock
    garage rock
    surf rock
    rockabilly
    alternative rock
    indie rock
    indie pop
    indie
    indie folk
    indie dance
    bedroom pop
    dream pop
    shoegaze
    grunge
    post-grunge
    emo
    pop punk
    punk
    hardcore punk
    ska punk
    metal
    heavy metal
    thrash metal
    death metal
    black metal
    doom metal
    power metal
    metalcore
    deathcore
    nu metal
    djent
    country
    contemporary country
    country rock
    outlaw country
    bluegrass
    americana
    folk
    folk rock
    singer-songwriter
    soft pop
    adult contemporary
    easy listening
    hyperpop
    art pop
    baroque pop
    chamber pop
    reggae
    roots reggae
    dancehall
    dub
    ska
    reggaeton
    latin pop
    urbano latino
    salsa
    bachata
    merengue
    cumbia
    banda
    corridos tumbados
    regional mexican
    norteño
    mariachi
    tango
    bolero
    bossa nova
    mpb
    samba
    pagode
    sertanejo
    funk carioca
    forró
    axé
    champeta
    afrobeats
    afropop
    amapiano
    highlife
    afrobeat
    bongo flava
    gqom
    k-pop
    k-rap
    k-indie
    j-pop
    j-rock
    anime
    city pop
    vocaloid
    c-pop
    mandopop
    cantopop
    bollywood
    filmi
    punjabi pop
    bhangra
    ghazal
    carnatic
    arabic pop
    khaleeji
    rai
    turkish pop
    arabesk
    chanson
    variété française
    schlager
    volksmusik
    polka
    flamenco
    fado
    rebetiko
    celtic
    irish folk
    classical
    baroque
    early music
    opera
    romantic era
    impressionism
    minimalism
    contemporary classical
    neoclassical
    orchestral
    choral
    soundtrack
    video game music
    musicals
    show tunes
    children's music
    lullaby
    comedy
    spoken word
    sleep
    white noise
    meditation
    drill
    uk drill
    grime
    uk garage
    boom bap
    gangster rap
    southern hip hop
    west coast rap
    east coast hip hop
    conscious hip hop
    underground hip hop
    cloud rap
    phonk
    drift phonk
    emo rap
    """
)

NATIONALITIES = _words(
    """
    german french italian spanish dutch swedish norwegian danish finnish polish czech russian
    ukrainian turkish greek portuguese brazilian argentine mexican colombian chilean peruvian
    japanese korean chinese taiwanese indonesian thai vietnamese filipino indian pakistani
    australian canadian irish scottish uk belgian swiss austrian hungarian romanian serbian croatian
    nigerian israeli icelandic
    """
)

NATIONAL_STYLES = _phrases(
    """
    pop
    hip hop
    rock
    indie
    rap
    singer-songwriter
    electronic
    metal
    jazz
    folk
    techno
    house
    punk
    r&b
    trap
    drill
    """
)
