"""No lookup or search reads a whole table.

Each public lookup runs on a generated catalog; a tracer records every read. Statements on the
object store (SQLite) must be B-tree searches: ``EXPLAIN QUERY PLAN`` may not show a ``SCAN``.
The tracks file is read by position, a few rows at a time.
Searches read postings runs, and may read no more rows of them than the search's budget allows,
however common its words. At 256M tracks a full scan costs seconds, so this is the property that
keeps lookups in milliseconds.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable, Sequence

import pytest

import catalog.search as search
from catalog import Catalog
from catalog.objectstore import store_path
from catalog.text import term_hash, tokens

Read = tuple[str, str, Sequence[Any]]
# The most rows of the tracks file one lookup may read: an album's tracks, a search's page of results.
TRACK_ROWS_READ = 200


@pytest.fixture(scope="module")
def traced(synthetic_catalog_path: Path):
    reads: list[Read] = []
    cat = Catalog.open(synthetic_catalog_path, tracer=lambda source, what, params, seconds: reads.append((source, what, params)))
    store = sqlite3.connect(f"{store_path(synthetic_catalog_path).as_uri()}?mode=ro", uri=True)

    def plan(sql: str, params: Sequence[Any]) -> list[str]:
        """SQLite's plan for one object-store statement, one line per step."""
        return [row[3] for row in store.execute(f"EXPLAIN QUERY PLAN {sql}", list(params))]

    def run(call: Callable[[Catalog], Any]) -> list[Read]:
        reads.clear()
        call(cat)
        assert reads, "the call read nothing"
        return list(reads)

    yield cat, run, plan
    store.close()
    cat.close()


def postings_budget(cat: Catalog, conditions: int) -> int:
    """The most postings rows one search of one type may read: each of the (up to 3) fields of the
    driving word cut to its most popular rows, then one lookup per candidate per field of every
    other word."""
    candidates = 3 * min(search.DRIVER_ROWS, cat._postings.top_rows)
    return candidates + (conditions - 1) * 3 * candidates


def run_lengths(cat: Catalog, q: str, kind: int) -> int:
    """How many postings rows the words of ``q`` hold in all: what reading their runs would cost."""
    terms = {term_hash(t): t for t in tokens(q)}
    return sum(count for _, count, _ in cat._store.term_runs(kind, terms).values())


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
    cat, run, plan = traced
    facts = sample(cat)
    for source, sql, params in run(lambda c: LOOKUPS[name](c, facts)):
        statement = " ".join(sql.split())
        if source == "sqlite":
            steps = plan(sql, params)
            assert any(step.startswith("SEARCH") for step in steps), f"{name}: {statement} → {steps}"
            assert not any(step.startswith("SCAN") for step in steps), f"{name} scans: {statement} → {steps}"
        elif source == "tracks":
            # Rows of the tracks file are read by position: a lookup reads the rows it answers with.
            assert sum(params) <= TRACK_ROWS_READ, f"{name} read {sum(params)} tracks"
        else:
            assert source == "postings", source


@pytest.mark.parametrize("q", ["the", "love the", "a the love you", "night remix the my"])
def test_search_reads_no_more_postings_than_its_budget(traced, q: str) -> None:
    """The test catalog's runs count as long from 500 rows, far below the runs of common words:
    a search still reads only its budget, however long the runs of the words it filters by."""
    cat, run, _ = traced
    budget = postings_budget(cat, len(q.split()))
    reads = run(lambda c: c.search(q, ["track", "album", "artist"]))
    for kind in ("track", "album", "artist"):
        read = sum(sum(counts) for source, what, counts in reads if what == f"{kind} postings")
        assert read <= budget, f"{q!r} read {read} {kind} postings rows"
    assert run_lengths(cat, q, search.KIND_TRACK) > 2 * budget
def test_the_plan_check_catches_a_scan(traced) -> None:
    """The check above would fail on a lookup written the naive way."""
    cat, _, plan = traced
    upc = sample(cat)["upc"]
    assert any(step.startswith("SCAN") for step in plan("SELECT * FROM albums WHERE +upc = ?", [upc]))
