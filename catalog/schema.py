"""The public Spotify metadata dump: its files, columns and types, and the check a dump must pass.

Everything else in the project that reads the raw dump (the builder, the synthetic generator, the
benchmark's raw-parquet baseline) takes table and column names from here, so the dump's layout is
written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import DumpInvalid

INT = pa.int64()
TEXT = pa.string()


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.parquet"

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type) for c in self.columns])

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _table(name: str, *columns: str | tuple[str, pa.DataType] | Column) -> Table:
    """Columns default to int64; ``("name", TEXT)`` for text; a ``Column`` for nullable ones."""
    cols = []
    for c in columns:
        if isinstance(c, Column):
            cols.append(c)
        elif isinstance(c, tuple):
            cols.append(Column(c[0], c[1]))
        else:
            cols.append(Column(c, INT))
    return Table(name, tuple(cols))


ARTISTS = _table("artists", "rowid", ("id", TEXT), "fetched_at", ("name", TEXT), "followers_total", "popularity")
ARTIST_GENRES = _table("artist_genres", "artist_rowid", ("genre", TEXT))
ARTIST_IMAGES = _table("artist_images", "artist_rowid", "width", "height", ("url", TEXT))
ALBUMS = _table(
    "albums",
    "rowid",
    ("id", TEXT),
    "fetched_at",
    ("name", TEXT),
    ("album_type", TEXT),
    "available_markets_rowid",
    Column("external_id_upc", TEXT, nullable=True),
    Column("copyright_c", TEXT, nullable=True),
    Column("copyright_p", TEXT, nullable=True),
    ("label", TEXT),
    "popularity",
    ("release_date", TEXT),
    ("release_date_precision", TEXT),
    "total_tracks",
    Column("external_id_amgid", TEXT, nullable=True),
)
ALBUM_IMAGES = _table("album_images", "album_rowid", "width", "height", ("url", TEXT))
ARTIST_ALBUMS = _table(
    "artist_albums",
    "artist_rowid",
    "album_rowid",
    "is_appears_on",
    "is_implicit_appears_on",
    Column("index_in_album", INT, nullable=True),
)
AVAILABLE_MARKETS = _table("available_markets", "rowid", ("available_markets", TEXT))
TRACKS = _table(
    "tracks",
    "rowid",
    ("id", TEXT),
    "fetched_at",
    ("name", TEXT),
    Column("preview_url", TEXT, nullable=True),
    "album_rowid",
    "track_number",
    Column("external_id_isrc", TEXT, nullable=True),
    "popularity",
    "available_markets_rowid",
    "disc_number",
    "duration_ms",
    "explicit",
)
TRACK_ARTISTS = _table("track_artists", "track_rowid", "artist_rowid")

AUDIO_FEATURE_NAMES = (
    "duration_ms",
    "time_signature",
    "tempo",
    "key",
    "mode",
    "danceability",
    "energy",
    "loudness",
    "speechiness",
    "acousticness",
    "instrumentalness",
    "liveness",
    "valence",
)

# The audio features that are fractions (the rest are whole numbers).
FLOAT_AUDIO_FEATURES = frozenset(
    {"tempo", "danceability", "energy", "loudness", "speechiness", "acousticness", "instrumentalness", "liveness", "valence"}
)

# Every column of the audio-features file is a string, even the numbers: a quirk of the dump.
TRACK_AUDIO_FEATURES = Table(
    "track_audio_features",
    tuple(
        Column(name, TEXT, nullable=name not in ("rowid", "track_id", "fetched_at", "null_response"))
        for name in ("rowid", "track_id", "fetched_at", "null_response", *AUDIO_FEATURE_NAMES)
    ),
)

METADATA_TABLES: tuple[Table, ...] = (
    ARTISTS,
    ARTIST_GENRES,
    ARTIST_IMAGES,
    ALBUMS,
    ALBUM_IMAGES,
    ARTIST_ALBUMS,
    AVAILABLE_MARKETS,
    TRACKS,
    TRACK_ARTISTS,
)
AUDIO_FEATURES_DIR_NAME = "spotify_clean_audio_features_parquet"


def _read_schema(path: Path) -> pa.Schema:
    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise DumpInvalid(
            path,
            f"is not a readable parquet file ({exc}); re-download or re-extract it",
        ) from exc


def validate_table_file(path: Path, table: Table) -> int:
    """Check one parquet file against the dump's schema and return its row count.

    :raises DumpInvalid: when the file is missing, unreadable, or lacks or mistypes a column.
    """
    if not path.is_file():
        raise DumpInvalid(path, "is missing; point --dump at the unpacked spotify_clean_parquet folder")
    found = _read_schema(path)
    for column in table.columns:
        idx = found.get_field_index(column.name)
        if idx < 0:
            raise DumpInvalid(
                path,
                f"has no column {column.name!r} (found: {', '.join(found.names)}); "
                "this is not the Spotify dump's "
                f"{table.name} table",
            )
        actual = found.field(idx).type
        if not _same_type(actual, column.type):
            raise DumpInvalid(
                path,
                f"column {column.name!r} is {actual}, expected {column.type}; "
                "the file was re-encoded: use the dump's original parquet files",
            )
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise DumpInvalid(path, f"is not a readable parquet file ({exc})") from exc


def _same_type(actual: pa.DataType, expected: pa.DataType) -> bool:
    if expected == TEXT:
        return pa.types.is_string(actual) or pa.types.is_large_string(actual) or pa.types.is_string_view(actual)
    return actual == expected


def find_audio_features(dump_dir: Path, explicit: Path | None = None) -> Path | None:
    """Where the audio-features parquet is: the given path, the dump folder, or the sibling folder."""
    if explicit is not None:
        path = explicit / TRACK_AUDIO_FEATURES.file_name if explicit.is_dir() else explicit
        if not path.is_file():
            raise DumpInvalid(path, "is missing; --audio-features must name the audio features parquet or its folder")
        return path
    for candidate in (
        dump_dir / TRACK_AUDIO_FEATURES.file_name,
        dump_dir.parent / AUDIO_FEATURES_DIR_NAME / TRACK_AUDIO_FEATURES.file_name,
    ):
        if candidate.is_file():
            return candidate
    return None


def validate_dump(dump_dir: Path, audio_features: Path | None = None) -> dict[str, int]:
    """Check a whole dump folder before a build and return the row count of every table.

    The audio-features table is optional; when found it is validated too and counted under
    ``track_audio_features``.

    :raises DumpInvalid: naming the first bad file and what to do about it.
    """
    dump_dir = Path(dump_dir)
    if not dump_dir.is_dir():
        raise DumpInvalid(dump_dir, "is not a folder; --dump must be the unpacked spotify_clean_parquet folder")
    if not any(dump_dir.glob("*.parquet")):
        raise DumpInvalid(dump_dir, "has no .parquet files; --dump must be the unpacked spotify_clean_parquet folder")
    counts = {t.name: validate_table_file(dump_dir / t.file_name, t) for t in METADATA_TABLES}
    features = find_audio_features(dump_dir, audio_features)
    if features is not None:
        counts[TRACK_AUDIO_FEATURES.name] = validate_table_file(features, TRACK_AUDIO_FEATURES)
    return counts
