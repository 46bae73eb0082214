"""A track's record in the tracks file gives back every value DuckDB packed, NULLs included."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from catalog.trackfile import packed_row, unpack_row

FULL: dict[str, Any] = {
    "album_pos": 2_000_000_000, "disc_number": 1, "track_number": -3, "duration_ms": 412_446, "popularity": 0,
    "markets_rowid": 121, "id": "7HpxqlITN64uHxWgPoDYh0", "name": "Señorita – «live» 東京", "isrc": "GBN848954734",
    "preview_url": "https://example.com/p.mp3", "artists": "20269,24238", "preview_hash": bytes(range(20)),
    "features": b"\x00\x01\xff", "explicit": True,
}  # fmt: skip
EMPTY = {**{name: None for name in FULL}, "name": "", "artists": "", "features": b"", "explicit": False}


@pytest.mark.parametrize("row", [FULL, EMPTY, {name: None for name in FULL}], ids=["full", "empty", "nulls"])
def test_a_packed_row_unpacks_to_the_same_values(row: dict[str, Any]) -> None:
    columns = ", ".join(f"?::{_type(name)} AS {name}" for name in row)
    with duckdb.connect() as con:
        (packed,) = con.execute(f"SELECT {packed_row()} FROM (SELECT {columns})", list(row.values())).fetchone()
    assert unpack_row(packed) == row


def _type(name: str) -> str:
    if name in ("preview_hash", "features"):
        return "BLOB"
    if name == "explicit":
        return "BOOLEAN"
    return "VARCHAR" if name in ("id", "name", "isrc", "preview_url", "artists") else "BIGINT"
