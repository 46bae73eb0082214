"""The header the catalog's flat files (the postings, the tracks) begin with.

    magic bytes | 8-byte little-endian header length | header JSON

Each file reserves a fixed space for it and writes it last, once what it describes is written.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any, BinaryIO

_LENGTH = struct.Struct("<Q")


def write_header(out: BinaryIO, magic: bytes, header: dict[str, Any], space: int) -> None:
    """Write ``header`` at the start of ``out``, within the ``space`` bytes the file keeps for it."""
    data = json.dumps(header).encode()
    if len(magic) + _LENGTH.size + len(data) > space:
        raise ValueError(f"header too long: {len(data)} bytes")
    out.seek(0)
    out.write(magic + _LENGTH.pack(len(data)) + data)


def read_header(path: Path, magic: bytes, what: str) -> dict[str, Any]:
    """The header of the file at ``path``.

    :raises ValueError: when the file does not start with ``magic`` (it is not ``what``) or its
        header is not JSON.
    :raises OSError: when the file cannot be read.
    """
    with open(path, "rb") as f:
        start = f.read(len(magic) + _LENGTH.size)
        if len(start) < len(magic) + _LENGTH.size or not start.startswith(magic):
            raise ValueError(f"not {what}")
        (size,) = _LENGTH.unpack(start[len(magic) :])
        return json.loads(f.read(size))
