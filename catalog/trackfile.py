"""The tracks: a file of their rows in position order, found by id and ISRC through key arrays.

Tracks are most of the catalog (256M rows against 58.6M albums) and are read by position: an
album's tracks are one run of positions, a search's results are positions. Each row is one packed
record (:func:`packed_row`, made by DuckDB; :func:`unpack_row`), so reading a track is two small
reads: its offset, then its bytes. Copied into SQLite instead, every value of every row passed
through Python (200 s of the 50M-track build) and SQLite sorted the rows twice more for its id and
ISRC indexes (56 s); here DuckDB's Arrow batches are written as they come. A columnar file (Arrow)
was tried too: a row's fourteen columns lie in fourteen places, and an id lookup on a catalog not
in memory took 4.1 ms instead of 0.7.

The file::

    b"LSTRACKS\n" | 8-byte little-endian header length | header JSON | rows… | offsets

The header (:mod:`catalog.fileheader`) names the build id, the row count and where the offsets start: ``rows + 1`` unsigned
64-bit offsets, row ``i`` being the bytes between offsets ``i`` and ``i + 1``.

Lookups by id and ISRC go through sorted key arrays in the postings file (:mod:`catalog.postings`):
``track.id_key``/``track.id_pos`` and ``track.isrc_key``/``track.isrc_pos``, each key beside the
position of its row. A key is a 64-bit number made from the value (:func:`id_key`,
:func:`isrc_key`); values may share one, so every row found is checked against the value asked.
"""

from __future__ import annotations

import functools
import os
import struct
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import duckdb
import numpy as np
import pyarrow as pa

from .fileheader import read_header, write_header
from .postings import Postings
from .schema import AUDIO_FEATURE_NAMES, FLOAT_AUDIO_FEATURES
from .text import term_hash

MAGIC = b"LSTRACKS\n"
_HEADER_SPACE = 4096
# DuckDB hands the rows over in batches of this many.
_BATCH_ROWS = 65_536
# A row: a 4-byte flag word (bit i: field i is NULL; EXPLICIT_BIT: the track is explicit), the
# integer fields as 4-byte integers (0 where NULL), then each variable field as a 4-byte length
# and its bytes, all big-endian. Strings are UTF-8.
INT_FIELDS = ("album_pos", "disc_number", "track_number", "duration_ms", "popularity", "markets_rowid")
TEXT_FIELDS = ("id", "name", "isrc", "preview_url", "artists")
BYTES_FIELDS = ("preview_hash", "features")
_FIELDS = (*INT_FIELDS, *TEXT_FIELDS, *BYTES_FIELDS, "explicit")
_EXPLICIT_BIT = 1 << 31
_FIXED = struct.Struct(f">I{len(INT_FIELDS)}i")
_LENGTH = struct.Struct(">I")

Tracer = Callable[[str, Sequence[Any], float], None]


# A track's audio features are one field of its record, NULL where the dump has none: lookups that
# want both (every play of a listening history) read one record, and DuckDB matches them to the
# tracks once, at build time.
#
# DuckDB packs them (:func:`packed_features`) and :func:`unpack_features` reads them back: a
# 4-byte header with two bits per feature (``_SHORT``, ``_WIDE`` or ``_MISSING``), then each
# feature present, big-endian. The dump gives features with decimals to at most six places (0.0569,
# -15.38, 127.969) but for a few tiny ones (1.13e-05): those are kept short, as 4-byte integers
# in millionths, where that gives back the same double; key, mode and time signature as one byte,
# the duration as 4. Anything else (1.13e-05, -0.0, NaN, a huge number) is kept wide, as the 8
# bytes of the double or 64-bit integer itself: 47 bytes a track.
FEATURE_SCALE = 1_000_000
_SHORT, _WIDE, _MISSING = 0, 1, 2
_SMALL_FEATURES = frozenset({"time_signature", "key", "mode"})
_HEADER = struct.Struct(">I")


def _short_form(name: str) -> tuple[str, str, str]:
    """For the feature column ``name``: the DuckDB condition for its short form, the DuckDB value
    of that form, and its struct code."""
    if name in FLOAT_AUDIO_FEATURES:
        scaled = f"round({name} * {FEATURE_SCALE})"
        # abs() leaves out NaN and infinities (which DuckDB orders above every number); -0.0
        # equals 0 but must keep its sign.
        fits = f"abs({name}) < 2147 AND {scaled} / {FEATURE_SCALE} = {name} AND ({name} <> 0 OR NOT signbit({name}))"
        return fits, f"{scaled}::INTEGER", "i"
    if name in _SMALL_FEATURES:
        return f"{name} BETWEEN -128 AND 127", f"{name}::TINYINT", "b"
    return f"{name} BETWEEN -2147483648 AND 2147483647", f"{name}::INTEGER", "i"


def packed_features() -> str:
    """DuckDB SQL packing the typed feature columns (named as the dump names them, DOUBLE or
    BIGINT) into the BLOB :func:`unpack_features` reads. A number cast to BIT is its bytes."""
    codes, values = [], []
    for i, name in enumerate(AUDIO_FEATURE_NAMES):
        fits, short, _ = _short_form(name)
        codes.append(f"CASE WHEN {name} IS NULL THEN {_MISSING << 2 * i} WHEN {fits} THEN {_SHORT} ELSE {_WIDE << 2 * i} END")
        values.append(f"CASE WHEN {name} IS NULL THEN ''::BLOB WHEN {fits} THEN {short}::BIT::BLOB ELSE {name}::BIT::BLOB END")
    return f"({' + '.join(codes)})::INTEGER::BIT::BLOB || " + " || ".join(values)


@functools.lru_cache(maxsize=4096)
def _feature_layout(header: int) -> tuple[struct.Struct, tuple[tuple[int | None, bool], ...]]:
    """How to read the features after ``header``: their struct, and for each feature its index in
    what the struct gives (None when missing) and whether it is in millionths."""
    codes, slots = [">"], []
    for i, name in enumerate(AUDIO_FEATURE_NAMES):
        form = header >> 2 * i & 3
        if form == _MISSING:
            slots.append((None, False))
            continue
        slots.append((len(codes) - 1, form == _SHORT and name in FLOAT_AUDIO_FEATURES))
        codes.append(_short_form(name)[2] if form == _SHORT else "d" if name in FLOAT_AUDIO_FEATURES else "q")
    return struct.Struct("".join(codes)), tuple(slots)


def unpack_features(packed: bytes) -> tuple[float | int | None, ...]:
    """A track's audio features in ``AUDIO_FEATURE_NAMES`` order, as the dump's numbers; NaN, which
    JSON cannot spell, as None."""
    layout, slots = _feature_layout(_HEADER.unpack_from(packed)[0])
    values = layout.unpack_from(packed, _HEADER.size)
    features: list[float | int | None] = []
    for slot, in_millionths in slots:
        value = None if slot is None else values[slot]
        if in_millionths:
            value /= FEATURE_SCALE  # type: ignore[operator]
        features.append(None if value != value else value)  # NaN is the one value unequal to itself
    return tuple(features)


class TrackFileError(Exception):
    """The tracks file is missing, truncated or not one."""


def tracks_path(catalog_path: Path) -> Path:
    """Where the tracks of the catalog at ``catalog_path`` live."""
    return catalog_path.with_name(catalog_path.name + ".tracks")


def packed_row() -> str:
    """DuckDB SQL packing a track's columns (named as :data:`_FIELDS` names them) into the record
    :func:`unpack_row` reads."""
    nulls = " + ".join(f"CASE WHEN {name} IS NULL THEN {1 << i} ELSE 0 END" for i, name in enumerate(_FIELDS))
    flags = f"({nulls} + CASE WHEN explicit THEN {_EXPLICIT_BIT} ELSE 0 END)::UINTEGER::BIT::BLOB"
    ints = [f"coalesce({name}, 0)::INTEGER::BIT::BLOB" for name in INT_FIELDS]
    variable = [f"encode({name})" for name in TEXT_FIELDS] + list(BYTES_FIELDS)
    lengths = [f"coalesce(octet_length({value}), 0)::UINTEGER::BIT::BLOB || coalesce({value}, ''::BLOB)" for value in variable]
    return " || ".join([flags, *ints, *lengths])


def unpack_row(packed: bytes) -> dict[str, Any]:
    """A track's row from its record: the :data:`_FIELDS`, ``features`` still packed."""
    flags, *numbers = _FIXED.unpack_from(packed)
    row: dict[str, Any] = {name: None if flags & 1 << i else value for i, (name, value) in enumerate(zip(INT_FIELDS, numbers))}
    offset = _FIXED.size
    for i, name in enumerate((*TEXT_FIELDS, *BYTES_FIELDS), start=len(INT_FIELDS)):
        (length,) = _LENGTH.unpack_from(packed, offset)
        offset += _LENGTH.size
        if flags & 1 << i:
            row[name] = None
        else:
            value = packed[offset : offset + length]
            row[name] = value.decode() if name in TEXT_FIELDS else value
        offset += length
    row["explicit"] = None if flags & 1 << (len(_FIELDS) - 1) else bool(flags & _EXPLICIT_BIT)
    return row


def id_key(track_id: str) -> int:
    """The key of a Spotify id: its first 8 bytes, big-endian. Ids are random base-62, so their
    first 8 characters tell 256M ids apart but for about 150 pairs, at the cost of one cheap DuckDB
    expression (:data:`ID_KEY`), where a hash of the whole id took five times the CPU."""
    return int.from_bytes(track_id.encode()[:8], "big")


def isrc_key(isrc: str) -> int:
    """The key of an ISRC: the term hash of it. ISRCs are structured (country, registrant, year,
    number), so no part of one is a key by itself."""
    return term_hash(isrc)


# The same keys in DuckDB, over a column named by ``{}``.
ID_KEY = "('0x0' || substr(hex({}), 1, 16))::UBIGINT"
ISRC_KEY = "md5_number_upper({})"


class TrackWriter:
    """A new tracks file at ``path``, written from DuckDB; renamed into place by the build."""

    def __init__(self, path: Path, build_id: str):
        path.unlink(missing_ok=True)
        self.path = path
        self._build_id = build_id

    def write(self, con: duckdb.DuckDBPyConnection, query: str, *, stop: threading.Event | None = None) -> None:
        """Write the rows of ``query``: ``pos`` and the :func:`packed_row` record of each track, in
        position order. A row's place in the file is its ``pos``, checked as the rows come. When
        ``stop`` is set, the writing ends at the next batch, unfinished.

        The offsets go to a file of their own while the rows stream, and after them at the end:
        256M of them would take 2 GB of memory.
        """
        reader = con.sql(query).to_arrow_reader(_BATCH_ROWS)
        offsets_path = self.path.with_name(self.path.name + ".offsets")
        written = end = 0
        try:
            with open(self.path, "wb") as out, open(offsets_path, "w+b") as offsets:
                out.seek(_HEADER_SPACE)
                offsets.write(np.zeros(1, dtype="<u8").tobytes())
                for batch in reader:
                    if stop is not None and stop.is_set():
                        return
                    positions = batch.column(0).to_numpy()
                    if len(positions) and (positions[0] != written or positions[-1] != written + len(positions) - 1):
                        raise ValueError(f"the tracks came out of order: position {positions[0]} where {written} was due")
                    records = batch.column(1)
                    _, offsets_buffer, data = records.buffers()
                    width = np.int64 if pa.types.is_large_binary(records.type) else np.int32
                    bounds = np.frombuffer(offsets_buffer, dtype=width)[records.offset : records.offset + len(records) + 1]
                    bounds = bounds.astype(np.uint64)
                    out.write(memoryview(data)[int(bounds[0]) : int(bounds[-1])])
                    offsets.write((bounds[1:] - bounds[0] + np.uint64(end)).astype("<u8").tobytes())
                    end += int(bounds[-1] - bounds[0])
                    written += len(positions)
                offsets.seek(0)
                while chunk := offsets.read(1 << 24):
                    out.write(chunk)
                header = {"build_id": self._build_id, "rows": written, "offsets": _HEADER_SPACE + end}
                write_header(out, MAGIC, header, _HEADER_SPACE)
        finally:
            offsets_path.unlink(missing_ok=True)


class TrackFile:
    """The tracks file of one catalog, read-only, with its key arrays; safe to share across threads
    (every read is a positioned read of its own)."""

    def __init__(self, path: Path, keys: Postings, tracer: Tracer | None = None):
        self.path = path
        self._tracer = tracer
        try:
            header = read_header(path, MAGIC, "a tracks file")
            self.build_id: str = header["build_id"]
            self._rows: int = header["rows"]
            self._offsets_at: int = header["offsets"]
            size = path.stat().st_size
        except (OSError, ValueError, KeyError) as exc:
            raise TrackFileError(str(exc)) from exc
        if self._offsets_at + 8 * (self._rows + 1) > size:
            raise TrackFileError("truncated: its offsets end past the end of the file")
        if not all(keys.has(f"track.{name}_key") for name in ("id", "isrc")):
            raise TrackFileError("its postings file has no keys for the tracks")
        self._fd = os.open(path, os.O_RDONLY)
        self._keys = {
            name: (keys.random_access_array(f"track.{name}_key"), keys.random_access_array(f"track.{name}_pos"))
            for name in ("id", "isrc")
        }

    def __len__(self) -> int:
        return self._rows

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._keys.clear()

    # -- by position -------------------------------------------------------------------------

    def _run(self, start: int, count: int) -> list[bytes]:
        """The records of ``count`` consecutive rows from ``start``: two reads."""
        bounds = np.frombuffer(os.pread(self._fd, 8 * (count + 1), self._offsets_at + 8 * start), dtype="<u8")
        first, last = int(bounds[0]), int(bounds[-1])
        data = os.pread(self._fd, last - first, _HEADER_SPACE + first)
        return [data[int(a) - first : int(b) - first] for a, b in zip(bounds[:-1], bounds[1:])]

    def _read(self, positions: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The rows at ``positions`` (those that exist), by position; neighbours are read together."""
        started = time.perf_counter()
        wanted = sorted({p for p in positions if 0 <= p < self._rows})
        rows: dict[int, dict[str, Any]] = {}
        i = 0
        while i < len(wanted):
            j = i + 1
            while j < len(wanted) and wanted[j] == wanted[j - 1] + 1:
                j += 1
            for pos, record in enumerate(self._run(wanted[i], j - i), start=wanted[i]):
                rows[pos] = unpack_row(record)
                rows[pos]["pos"] = pos
            i = j
        if self._tracer is not None:
            self._tracer("tracks", [len(wanted)], time.perf_counter() - started)
        return rows

    def rows_at(self, positions: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Track rows by position, ``features`` still packed (see :func:`unpack_features`) and
        ``artists`` too (see ``ObjectStore.credit``)."""
        return self._read(positions)

    def run(self, start: int, count: int) -> list[dict[str, Any]]:
        """``count`` consecutive tracks from position ``start``: one album's tracks, in order."""
        rows = self._read(range(start, start + count))
        return [rows[pos] for pos in sorted(rows)]

    # -- by key --------------------------------------------------------------------------------

    def _candidates(self, name: str, keys: Sequence[int]) -> list[int]:
        """Positions of the rows whose ``name`` (id or isrc) has one of ``keys``."""
        sorted_keys, positions = self._keys[name]
        wanted = np.array(keys, dtype=np.uint64)
        low = np.searchsorted(sorted_keys, wanted, side="left")
        high = np.searchsorted(sorted_keys, wanted, side="right")
        return [int(p) for lo, hi in zip(low, high) for p in positions[lo:hi]]

    def rows_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The row of each of ``ids`` found; the first where the dump has an id twice."""
        wanted = set(ids)
        rows = self._read(self._candidates("id", [id_key(i) for i in wanted]))
        found: dict[str, dict[str, Any]] = {}
        for pos in sorted(rows):
            row = rows[pos]
            if row["id"] in wanted and row["id"] not in found:
                found[row["id"]] = row
        return found

    def rows_by_isrc(self, isrc: str) -> list[dict[str, Any]]:
        """The rows of the tracks carrying ``isrc``, in position order."""
        if not isrc:
            return []
        rows = self._read(self._candidates("isrc", [isrc_key(isrc)]))
        return [rows[pos] for pos in sorted(rows) if rows[pos]["isrc"] == isrc]
