"""The postings' popularity-ordered copies of long runs, which searches driven by a common word start from."""

from __future__ import annotations

import numpy as np
import pytest

from catalog import Catalog
from catalog.postings import top_of_run
from catalog.search import SEARCH_TYPES, kind_of


def test_top_of_run_keeps_the_most_popular_in_run_order_among_ties() -> None:
    popularity = np.array([5, 90, 5, 40, 90, 0], dtype=np.uint8)
    positions = np.array([0, 1, 1, 2, 3, 4, 5], dtype=np.uint32)  # position 1 twice: two fields
    lengths = np.array([3, 1, 2, 7, 4, 2, 1], dtype=np.uint8)

    top_pos, top_len = top_of_run(positions, lengths, popularity, 4)

    assert top_pos.tolist() == [1, 1, 4, 3]
    assert top_len.tolist() == [1, 2, 2, 4]


@pytest.mark.parametrize("search_type", SEARCH_TYPES)
def test_every_long_run_has_its_most_popular_postings_copied_in_order(synthetic_catalog: Catalog, search_type: str) -> None:
    postings, top_rows = synthetic_catalog._postings, synthetic_catalog._postings.top_rows
    runs = synthetic_catalog._store._fetch(
        "SELECT start, n, top FROM term_runs WHERE kind = ? AND n > ? ORDER BY start", [kind_of(search_type), top_rows]
    )
    assert runs, "the fixture's catalog must have long runs"
    positions, lengths = postings.array(f"{search_type}.pos"), postings.array(f"{search_type}.len")
    popularity = postings.array(f"{search_type}.popularity")
    for start, count, top in runs:
        run = sorted(
            range(start, start + count), key=lambda i: (-int(popularity[positions[i]]), int(positions[i]), int(lengths[i]))
        )[:top_rows]
        assert postings.array(f"{search_type}.top_pos")[top : top + top_rows].tolist() == [int(positions[i]) for i in run]
        assert postings.array(f"{search_type}.top_len")[top : top + top_rows].tolist() == [int(lengths[i]) for i in run]
    assert len(postings.array(f"{search_type}.top_pos")) == len(runs) * top_rows
    short = synthetic_catalog._store._fetch(
        "SELECT count(*) FROM term_runs WHERE kind = ? AND n <= ? AND top IS NOT NULL", [kind_of(search_type), top_rows]
    )
    assert short == [(0,)]
