"""The search postings: flat arrays, memory-mapped, read as slices and binary searches.

Each search term (a token in a field) owns one contiguous run of postings sorted by position; the
object store's ``term_runs`` says where each run starts and how long it is. A posting is the
position of the item holding the term and the length of the field it was found in (its weight is
``1 / length``). Runs longer than ``TOP_ROWS`` also keep their ``TOP_ROWS`` most popular postings,
in popularity order, in a second pair of arrays (``top_pos``, ``top_len``): a search driven by a
word matching millions of items starts from those. Popularity and release year are per item, so
they are kept once per position instead of once per posting.

Why not a table: a database statement costs at least a millisecond here whatever it reads, and a
search needs a few of them per type. A run of a memory-mapped array is a slice, and whether a
candidate is in it one binary search, read in microseconds from the page cache; search cost is
only the work of ranking the rows it needs.

The file is one JSON header (:mod:`catalog.fileheader`) followed by the arrays, each aligned for
direct mapping::

    b"LSPOSTINGS\n" | 8-byte little-endian header length | header JSON | arrays…

The header names each array's offset, type and length, and carries the build id the object store
and the catalog file share, so a postings file is never paired with another build.
"""

from __future__ import annotations

import mmap
import os
import time
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

import duckdb
import numpy as np

from .fileheader import read_header, write_header

MAGIC = b"LSPOSTINGS\n"
_ALIGN = 64
# Room for the header before the first array (the header names about twenty arrays).
_HEADER_SPACE = 64 * _ALIGN
# DuckDB returns the postings in batches of this many rows while they are written out.
_EXPORT_BATCH = 1_000_000
# A position whose item has no release year (no or unreadable date): outside every year range.
NO_YEAR = -32768
# Runs longer than this keep their this-many most popular postings in popularity order (the
# build's default; each file records its own).
TOP_ROWS = 20_000

Tracer = Callable[[str, Sequence[Any], float], None]


class PostingsError(Exception):
    """The postings file is missing, truncated or not one."""


def postings_path(catalog_path: Path) -> Path:
    """Where the postings of the catalog at ``catalog_path`` live."""
    return catalog_path.with_name(catalog_path.name + ".postings")


def write_postings(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    build_id: str,
    top_rows: int,
    arrays: Sequence[tuple[str, str, str]],
    long_runs: dict[str, str],
) -> None:
    """Write the arrays, each the one column of a DuckDB query, into a new postings file at ``path``,
    then each kind's popularity-ordered copy of its long runs.

    ``arrays`` are ``(name, numpy dtype, query)`` and must give every kind's ``pos``, ``len`` and
    ``popularity``; ``long_runs`` gives for each kind the query of its runs longer than
    ``top_rows`` (see TOP_ROWS), ``(start, count)`` in run order.
    """
    layout: dict[str, dict[str, Any]] = {}
    with open(path, "w+b") as out:
        # The arrays go after a fixed space for the header, which is written last, once their
        # offsets and lengths are known: each query runs once.
        offset = _HEADER_SPACE
        for name, dtype, query in arrays:
            out.seek(offset)
            length = 0
            for batch in con.sql(query).to_arrow_reader(_EXPORT_BATCH):
                data = np.asarray(batch.column(0).to_numpy(zero_copy_only=False), dtype=dtype)
                out.write(data.tobytes())
                length += len(data)
            layout[name] = {"offset": offset, "dtype": dtype, "length": length}
            offset += _aligned(length * np.dtype(dtype).itemsize)
        out.flush()
        for kind, query in long_runs.items():
            offset = _write_top_copies(out, offset, kind, con.execute(query).fetchall(), top_rows, layout)
        write_header(out, MAGIC, {"build_id": build_id, "top_rows": top_rows, "arrays": layout}, _HEADER_SPACE)
        out.truncate(offset)


def _write_top_copies(
    out: BinaryIO, offset: int, kind: str, runs: Sequence[tuple[int, int]], top_rows: int, layout: dict[str, dict[str, Any]]
) -> int:
    """Write ``{kind}.top_pos`` and ``{kind}.top_len`` from ``offset``: ``top_rows`` postings of each
    of the long ``runs`` ``(start, count)``, read back from the arrays already written. Returns
    where the next array may start.

    Sorting them here, a run at a time, took a fraction of what DuckDB's window over every long run
    did (126 s of CPU at 50M tracks, half of the tracks' postings being in long runs).
    """

    def written(name: str, start: int = 0, count: int | None = None) -> np.ndarray:
        # Read back with plain reads: mapped, every page read would count in the build's memory.
        spec = layout[f"{kind}.{name}"]
        dtype = np.dtype(spec["dtype"])
        count = spec["length"] - start if count is None else count
        return np.frombuffer(os.pread(out.fileno(), count * dtype.itemsize, spec["offset"] + start * dtype.itemsize), dtype=dtype)

    popularity = written("popularity")
    position_type, length_type = np.dtype(layout[f"{kind}.pos"]["dtype"]), np.dtype(layout[f"{kind}.len"]["dtype"])
    length = len(runs) * top_rows
    pos_offset = offset
    len_offset = pos_offset + _aligned(length * position_type.itemsize)
    for i, (start, count) in enumerate(runs):
        top_pos, top_len = top_of_run(written("pos", start, count), written("len", start, count), popularity, top_rows)
        out.seek(pos_offset + i * top_rows * position_type.itemsize)
        out.write(top_pos.tobytes())
        out.seek(len_offset + i * top_rows * length_type.itemsize)
        out.write(top_len.tobytes())
    layout[f"{kind}.top_pos"] = {"offset": pos_offset, "dtype": position_type.name, "length": length}
    layout[f"{kind}.top_len"] = {"offset": len_offset, "dtype": length_type.name, "length": length}
    return len_offset + _aligned(length * length_type.itemsize)


def top_of_run(
    positions: np.ndarray, lengths: np.ndarray, popularity: np.ndarray, top_rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``top_rows`` most popular postings of one run (``positions`` sorted, each with its field
    length), most popular first; among equally popular ones, the run's own order."""
    # A stable sort keeps the run's order among ties; the inverted byte sorts most popular first.
    order = np.argsort(np.invert(popularity[positions]), kind="stable")[:top_rows]
    return positions[order], lengths[order]


def _aligned(size: int) -> int:
    return (size + _ALIGN - 1) // _ALIGN * _ALIGN


class Postings:
    """The postings file of one catalog, memory-mapped read-only; safe to share across threads."""

    def __init__(self, path: Path, tracer: Tracer | None = None):
        self.path = path
        self._tracer = tracer
        try:
            header = read_header(path, MAGIC, "a postings file")
        except (OSError, ValueError) as exc:
            raise PostingsError(str(exc)) from exc
        self.build_id: str = header["build_id"]
        self.top_rows: int = header["top_rows"]
        file_size = path.stat().st_size
        self._arrays: dict[str, np.ndarray] = {}
        self._random_map: mmap.mmap | None = None
        for name, spec in header["arrays"].items():
            dtype = np.dtype(spec["dtype"])
            if spec["offset"] + spec["length"] * dtype.itemsize > file_size:
                raise PostingsError(f"truncated: array {name} ends past the end of the file")
            self._arrays[name] = (
                np.memmap(path, dtype=dtype, mode="r", offset=spec["offset"], shape=(spec["length"],))
                if spec["length"]
                else np.zeros(0, dtype=dtype)
            )

    def close(self) -> None:
        """Let go of the mapped arrays (the mapping ends when the last view of them goes)."""
        self._arrays.clear()
        self._random_map = None

    def has(self, name: str) -> bool:
        return name in self._arrays

    def array(self, name: str) -> np.ndarray:
        return self._arrays[name]

    def random_access_array(self, name: str) -> np.ndarray:
        """The array ``name`` for binary searches: mapped apart, with the kernel told that reads
        are random. Otherwise a first read of a page reads the pages around it too, as many as
        the disk's read-ahead (8 MB here), for each probe of a search."""
        if self._random_map is None:
            with open(self.path, "rb") as f:
                self._random_map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            self._random_map.madvise(mmap.MADV_RANDOM)
        array = self._arrays[name]
        return np.frombuffer(self._random_map, dtype=array.dtype, count=len(array), offset=array.offset if len(array) else 0)

    def read(self, kind: str, copy: str, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """(positions, field lengths) of ``count`` postings from ``start`` of one ``kind``'s
        ``copy``: ``"all"`` (runs in position order) or ``"top"`` (the long runs' most popular)."""
        started = time.perf_counter()
        prefix = f"{kind}." if copy == "all" else f"{kind}.top_"
        positions = self._arrays[f"{prefix}pos"][start : start + count].astype(np.int64)
        lengths = np.array(self._arrays[f"{prefix}len"][start : start + count])
        if self._tracer is not None:
            self._tracer(f"{kind} postings", [count], time.perf_counter() - started)
        return positions, lengths

    def weights_at(self, kind: str, start: int, count: int, positions: np.ndarray) -> np.ndarray:
        """The weight (``1 / field length``) of each of ``positions`` (sorted) in the run of
        ``count`` postings from ``start``, or 0 where the run does not hold it.

        One binary search per position: only the pages they touch are read, however long the run.
        """
        started = time.perf_counter()
        run = self._arrays[f"{kind}.pos"][start : start + count]
        # The same integer type as the run, or numpy would copy the whole run to compare.
        wanted = positions.astype(run.dtype)
        slot = np.minimum(np.searchsorted(run, wanted), count - 1)
        hit = run[slot] == wanted
        # Within a run, a position's postings are sorted shortest field first: the first is the best.
        lengths = self._arrays[f"{kind}.len"][start + slot]
        weights = np.where(hit, 1.0 / np.maximum(lengths, 1), 0.0)
        if self._tracer is not None:
            self._tracer(f"{kind} postings", [len(positions)], time.perf_counter() - started)
        return weights
