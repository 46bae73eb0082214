"""Ranked search over the catalog's term postings, never scanning a whole table.

Each search term (a token in a field) owns one contiguous run of postings (see
:mod:`catalog.postings`), sorted by popularity; the object store's ``term_runs`` says where each run
is. A query is a list of conditions (every word must match one of its fields); the rarest condition
drives, the others filter its candidates, and a match scores ``1 / field length`` per condition, so
"Substance" beats "Substance Abuse (Remix)" and popularity breaks ties.

Work is bounded whatever the catalog size. The rarest condition always drives, cut to its
``DRIVER_ROWS`` most popular rows (so a query of only very common words ranks among the most
popular items holding them). The next rarest filter while their runs fit in ``QUERY_ROWS`` rows in
all; the commoner ones ("the", "love" in a big catalog) are checked afterwards against the words of
the best-ranked candidates only (see :func:`search_positions`), so every result still holds every
word, and the total is then an estimate, as Spotify's is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np

from .postings import Postings
from .query import Query

# Fields of the postings tables (written by catalog.build). Free words match NAME, ARTIST or ALBUM.
FIELD_NAME, FIELD_ARTIST, FIELD_ALBUM, FIELD_GENRE = 1, 2, 3, 4
KIND_TRACK, KIND_ALBUM, KIND_ARTIST = 1, 2, 3

DRIVER_ROWS = 20_000
QUERY_ROWS = 150_000
MAX_CONDITIONS = 6
# Candidates checked per page when some conditions are left to the check: a few pages' worth.
CHECKED_CANDIDATES = 200
MAX_CHECKED_CANDIDATES = 3_200

SearchType = Literal["track", "album", "artist"]
SEARCH_TYPES: tuple[SearchType, ...] = ("track", "album", "artist")

Check = Callable[[list[int], list["Condition"]], dict[int, float]]
"""``check(positions, conditions)`` → the positions whose own words meet every condition, with
the score those conditions add (``1 / field length`` each, as in SQL)."""
Run = tuple[int, int]
"""(first row, row count) of one term's postings in one field."""

_KIND = {"track": KIND_TRACK, "album": KIND_ALBUM, "artist": KIND_ARTIST}
# Which fields a free word may match, per searched type.
_FREE_FIELDS = {
    "track": (FIELD_NAME, FIELD_ARTIST, FIELD_ALBUM),
    "album": (FIELD_NAME, FIELD_ARTIST),
    "artist": (FIELD_NAME,),
}
# Which field each filter targets, per searched type; a filter absent here does not apply.
_FILTER_FIELDS: dict[str, dict[str, int]] = {
    "track": {"track": FIELD_NAME, "artist": FIELD_ARTIST, "album": FIELD_ALBUM, "genre": FIELD_GENRE},
    "album": {"album": FIELD_NAME, "artist": FIELD_ARTIST},
    "artist": {"artist": FIELD_NAME, "genre": FIELD_GENRE},
}


@dataclass(frozen=True)
class Condition:
    """One token that must match in one of ``fields``; a genre token is a whole genre name."""

    token: str
    fields: tuple[int, ...]


@dataclass(frozen=True)
class SearchPage:
    positions: list[int]
    total: int


def conditions_for(query: Query, search_type: SearchType, tokenize: Callable[[list[str]], list[list[str]]]) -> list[Condition] | None:
    """The conditions a query puts on one searched type, or None when a filter cannot apply.

    ``tokenize`` turns raw values into token lists (the catalog's SQL tokeniser).
    """
    filters = _FILTER_FIELDS[search_type]
    values: list[tuple[str, tuple[int, ...]]] = [(w, _FREE_FIELDS[search_type]) for w in query.words]
    for name in ("track", "album", "artist"):
        for value in getattr(query, name):
            if name not in filters:
                return None
            values.append((value, (filters[name],)))
    if query.genre and "genre" not in filters:
        return None
    token_lists = tokenize([v for v, _ in values] + query.genre)
    conditions: list[Condition] = []
    for (_, fields), tokens in zip(values, token_lists):
        conditions.extend(Condition(t, fields) for t in tokens)
    for genre_tokens in token_lists[len(values) :]:
        if genre_tokens:
            conditions.append(Condition(" ".join(genre_tokens), (FIELD_GENRE,)))
    return list(dict.fromkeys(conditions))


def kind_of(search_type: SearchType) -> int:
    return _KIND[search_type]


def search_positions(
    postings: Postings,
    search_type: SearchType,
    conditions: list[Condition],
    runs_of: dict[tuple[str, int], Run],
    check: Check,
    *,
    year: tuple[int, int] | None,
    restrict_to: list[int] | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """Positions (in the type's object table) of one page of ranked matches.

    ``runs_of`` maps (token, field) to its postings run for this type; ``restrict_to`` limits
    matches to these positions (from exact ``isrc:``/``upc:`` filters). Conditions too common to
    filter by are left to ``check`` on the best-ranked candidates.
    """
    runs = [[runs_of[(c.token, f)] for f in c.fields if (c.token, f) in runs_of] for c in conditions]
    if any(not r for r in runs):
        return SearchPage([], 0)
    order = _filtering_conditions([sum(n for _, n in r) for r in runs])
    unchecked = [conditions[i] for i in range(len(conditions)) if i not in order]
    positions, lengths = postings.runs(search_type, [(start, min(count, DRIVER_ROWS)) for start, count in runs[order[0]]])
    positions, score = _best_weight_per_position(positions, lengths)
    for i in order[1:]:
        positions, score = _filter(postings, search_type, runs[i], positions, score)
    if year is not None:
        years = postings.array(f"{search_type}.year")[positions] if postings.has(f"{search_type}.year") else None
        keep = (years >= year[0]) & (years <= year[1]) if years is not None else np.zeros(len(positions), bool)
        positions, score = positions[keep], score[keep]
    if restrict_to is not None:
        keep = np.isin(positions, np.asarray(restrict_to, dtype=np.int64))
        positions, score = positions[keep], score[keep]
    popularity = postings.array(f"{search_type}.popularity")[positions].astype(np.int64)
    total = len(positions)
    wanted = max(MAX_CHECKED_CANDIDATES, 2 * (offset + limit)) if unchecked else offset + limit
    ranking = _top(positions, score, popularity, wanted)
    positions, score, popularity = positions[ranking], score[ranking], popularity[ranking]
    if unchecked:
        return _checked_page(positions, score, popularity, total, unchecked, check, limit, offset)
    return SearchPage(positions[offset : offset + limit].tolist(), total)


def _best_weight_per_position(positions: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each position once, in order, with its best weight (``1 / field length``) over its postings.

    A position has several postings for one condition when the word is in several of its fields
    (or twice in one).
    """
    # One integer sort instead of a sort on two keys (several times faster): the position, then
    # the field length, shortest (best weight) first.
    keys = np.sort((positions << 8) | lengths)
    positions = keys >> 8
    first = np.ones(len(keys), dtype=bool)
    first[1:] = positions[1:] != positions[:-1]
    return positions[first], 1.0 / np.maximum(keys[first] & 0xFF, 1)


def _top(positions: np.ndarray, score: np.ndarray, popularity: np.ndarray, count: int) -> np.ndarray:
    """Indexes of the ``count`` best candidates, best first: the highest score, then the most
    popular, then the earliest position, so the order is the same on every run."""
    # The three keys folded into one integer: the score's rank among the distinct scores, then
    # popularity (0-100), then the position (below 2**32).
    distinct, rank = np.unique(score, return_inverse=True)
    keys = ((len(distinct) - 1 - rank.astype(np.int64)) << 40) | ((255 - popularity) << 32) | positions
    if count < len(keys):
        best = np.argpartition(keys, count - 1)[:count]
        return best[np.argsort(keys[best])]
    return np.argsort(keys)


def _filter(
    postings: Postings, search_type: SearchType, runs: list[Run], positions: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The candidates (``positions``, sorted) that also meet one more condition, its weight added."""
    if not len(positions):
        return positions, score
    found, weights = _best_weight_per_position(*postings.runs(search_type, runs))
    if not len(found):
        return found, weights
    slot = np.minimum(np.searchsorted(found, positions), len(found) - 1)
    keep = found[slot] == positions
    return positions[keep], score[keep] + weights[slot[keep]]


def _checked_page(
    positions: np.ndarray,
    score: np.ndarray,
    popularity: np.ndarray,
    total_candidates: int,
    unchecked: list[Condition],
    check: Check,
    limit: int,
    offset: int,
) -> SearchPage:
    """One page of the best-ranked candidates (``positions``, in rank order, out of
    ``total_candidates``) that also meet the conditions left out of filtering, re-ranked by the
    full score. Candidates are checked a slice at a time until the page is full."""
    if not len(positions):
        return SearchPage([], 0)
    candidates = positions.tolist()
    scores, pops = score.tolist(), popularity.tolist()
    window = len(candidates)
    extra: dict[int, float] = {}
    checked = 0
    for end in (CHECKED_CANDIDATES, 4 * CHECKED_CANDIDATES, window):
        extra.update(check(candidates[checked:end], unchecked))
        checked = min(end, len(candidates))
        if len(extra) >= offset + limit or checked == len(candidates):
            break
    passed = [i for i in range(checked) if candidates[i] in extra]
    ranked = sorted(passed, key=lambda i: (-(scores[i] + extra[candidates[i]]), -pops[i], candidates[i]))
    # Past the checked candidates only the share that passed the check is known.
    total = len(ranked) if total_candidates <= checked else round(total_candidates * len(ranked) / max(checked, 1))
    return SearchPage([candidates[i] for i in ranked[offset : offset + limit]], max(total, len(ranked)))


def _filtering_conditions(sizes: list[int]) -> list[int]:
    """Indexes of the conditions to filter by, rarest first (see the module docstring)."""
    rarest = sorted(range(len(sizes)), key=lambda i: sizes[i])
    chosen = rarest[:1]
    budget = QUERY_ROWS - min(sizes[rarest[0]], DRIVER_ROWS)
    for i in rarest[1:]:
        if sizes[i] <= budget and len(chosen) < MAX_CONDITIONS:
            chosen.append(i)
            budget -= sizes[i]
    return chosen
