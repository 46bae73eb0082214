"""No lookup or search reads a whole table.

Each public lookup runs on a generated catalog; a tracer records every statement. Statements on
the object store (SQLite) must be B-tree searches: ``EXPLAIN QUERY PLAN`` may not show a ``SCAN``.
Search statements on the postings (DuckDB) are re-run with DuckDB's profiler to read how many row
groups they touched. At 256M tracks a full scan costs seconds, so this is the property that keeps
lookups in milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Callable, Sequence

import duckdb
import pytest

from catalog import Catalog
from catalog.objectstore import store_path

# A DuckDB statement may read at most this share of the row groups it could have read.
MAX_SHARE = 1 / 3

Statement = tuple[str, str, Sequence[Any]]


@pytest.fixture(scope="module")
def traced(synthetic_catalog_path: Path, tmp_path_factory: pytest.TempPathFactory):
    statements: list[Statement] = []
    cat = Catalog.open(
        synthetic_catalog_path, tracer=lambda database, sql, params, seconds: statements.append((database, sql, params))
    )
    profile = tmp_path_factory.mktemp("profile") / "profile.json"
    replay = duckdb.connect(str(synthetic_catalog_path), read_only=True)
    store = sqlite3.connect(f"{store_path(synthetic_catalog_path).as_uri()}?mode=ro", uri=True)

    def row_groups_read(sql: str, params: Sequence[Any]) -> tuple[int, int]:
        """(row groups read, row groups it could have read) by one DuckDB statement."""
        replay.execute("PRAGMA enable_profiling = 'json'")
        replay.execute(f"PRAGMA profiling_output = '{profile}'")
        replay.execute(sql, list(params)).fetchall()
        replay.execute("PRAGMA disable_profiling")
        totals = json.loads(profile.read_text())["query"]
        return totals["total_row_groups_scanned"], totals["total_row_groups_to_scan"]

    def plan(sql: str, params: Sequence[Any]) -> list[str]:
        """SQLite's plan for one object-store statement, one line per step."""
        return [row[3] for row in store.execute(f"EXPLAIN QUERY PLAN {sql}", list(params))]

    def run(call: Callable[[Catalog], Any]) -> list[Statement]:
        statements.clear()
        call(cat)
        assert statements, "the call ran no SQL"
        return list(statements)

    yield cat, run, row_groups_read, plan
    store.close()
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
def test_lookup_never_scans_a_table(traced, name: str) -> None:
    cat, run, row_groups_read, plan = traced
    facts = sample(cat)
    for database, sql, params in run(lambda c: LOOKUPS[name](c, facts)):
        statement = " ".join(sql.split())
        if database == "sqlite":
            steps = plan(sql, params)
            assert any(step.startswith("SEARCH") for step in steps), f"{name}: {statement} → {steps}"
            assert not any(step.startswith("SCAN") for step in steps), f"{name} scans: {statement} → {steps}"
        else:
            read, total = row_groups_read(sql, params)
            keys = max((len(p) for p in params if isinstance(p, list)), default=1)
            # A list of keys may read a row group per key, wherever the keys lie.
            assert read <= max(total * MAX_SHARE, 2 * keys + 2), f"{name} read {read} of {total} row groups in: {statement}"


def test_the_checks_catch_a_scan(traced) -> None:
    """The two checks above would fail on a lookup written the naive way."""
    cat, _, row_groups_read, plan = traced
    isrc = sample(cat)["isrc"]
    assert any(step.startswith("SCAN") for step in plan("SELECT * FROM tracks WHERE isrc = ?", [isrc]))
    read, total = row_groups_read("SELECT * FROM track_terms WHERE pos % 7919 = ?", [3])
    assert total >= 6 and read > total * MAX_SHARE
