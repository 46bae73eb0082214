"""No lookup or search reads a whole table: every statement touches a few row groups at most.

Each public lookup runs on a generated catalog whose tables span dozens to hundreds of row groups;
a tracer records every statement, which is then re-run with DuckDB's profiler to read how many row
groups it touched. At 256M tracks a full scan costs seconds, so this is the property
that keeps lookups in milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Sequence

import duckdb
import pytest

from catalog import Catalog

# A statement may read at most this share of the row groups it could have read.
MAX_SHARE = 1 / 3


@pytest.fixture(scope="module")
def traced(synthetic_catalog_path: Path, tmp_path_factory: pytest.TempPathFactory):
    statements: list[tuple[str, Sequence[Any]]] = []
    cat = Catalog.open(synthetic_catalog_path, tracer=lambda sql, params, seconds: statements.append((sql, params)))
    profile = tmp_path_factory.mktemp("profile") / "profile.json"
    replay = duckdb.connect(str(synthetic_catalog_path), read_only=True)

    def row_groups_read(call: Callable[[Catalog], Any]) -> list[tuple[str, int, int, int]]:
        """(statement, keys it asked for, row groups read, row groups it could have read) for every
        statement; a list parameter holds as many keys as it has items."""
        statements.clear()
        call(cat)
        assert statements, "the call ran no SQL"
        found = []
        for sql, params in statements:
            replay.execute("PRAGMA enable_profiling = 'json'")
            replay.execute(f"PRAGMA profiling_output = '{profile}'")
            replay.execute(sql, list(params)).fetchall()
            replay.execute("PRAGMA disable_profiling")
            totals = json.loads(profile.read_text())["query"]
            keys = max((len(p) for p in params if isinstance(p, list)), default=1)
            found.append((sql, keys, totals["total_row_groups_scanned"], totals["total_row_groups_to_scan"]))
        return found

    yield cat, row_groups_read
    replay.close()
    cat.close()


def sample(cat: Catalog) -> dict[str, Any]:
    result = cat.search("love", ["track", "album", "artist"], limit=5)
    track = result["tracks"]["items"][0]
    album = cat.album(track["album"]["id"])
    assert album is not None
    return {
        "track": track,
        "album": album,
        "artist": track["artists"][0]["id"],
        "isrc": track["external_ids"]["isrc"],
        "upc": album["external_ids"].get("upc", "000000000000"),
        "ids": [t["id"] for t in cat.search("night", ["track"], limit=10)["tracks"]["items"]],
    }


LOOKUPS: dict[str, Callable[[Catalog, dict[str, Any]], Any]] = {
    "track": lambda c, s: c.track(s["track"]["id"]),
    "tracks (10)": lambda c, s: c.tracks(s["ids"]),
    "album": lambda c, s: c.album(s["album"]["id"]),
    "album_tracks": lambda c, s: c.album_tracks(s["album"]["id"], limit=5, offset=1),
    "artist": lambda c, s: c.artist(s["artist"]),
    "artist_albums": lambda c, s: c.artist_albums(s["artist"]),
    "artist_top_tracks": lambda c, s: c.artist_top_tracks(s["artist"]),
    "tracks_by_isrc": lambda c, s: c.tracks_by_isrc(s["isrc"]),
    "albums_by_upc": lambda c, s: c.albums_by_upc(s["upc"]),
    "audio_features": lambda c, s: c.audio_features(s["ids"]),
    "search words": lambda c, s: c.search("love you", ["track", "album", "artist"]),
    "search filters": lambda c, s: c.search(f'track:"{s["track"]["name"]}" artist:"{s["track"]["artists"][0]["name"]}"', ["track"]),
    "search isrc": lambda c, s: c.search(f"isrc:{s['isrc']}", ["track"]),
}


@pytest.mark.parametrize("name", LOOKUPS)
def test_lookup_reads_only_a_few_row_groups(traced, name: str) -> None:
    cat, row_groups_read = traced
    facts = sample(cat)
    reads = row_groups_read(lambda c: LOOKUPS[name](c, facts))
    big = [r for r in reads if r[3] >= 6]
    assert big, f"{name}: no statement could read many row groups; the test proves nothing"
    for sql, keys, read, total in big:
        # A batch may read a row group per key it asks for, wherever the keys lie.
        allowed = max(total * MAX_SHARE, 2 * keys + 2)
        assert read <= allowed, f"{name} read {read} of {total} row groups in: {' '.join(sql.split())}"
