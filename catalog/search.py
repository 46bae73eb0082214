"""Ranked search over the catalog's term postings, never scanning a whole table.

Each search term (a token in a field) owns one run of postings sorted by position (see
:mod:`catalog.postings`); the object store's ``term_runs`` says where each run is. A query is a
list of conditions (every word must match one of its fields). The rarest condition drives: its
matches, cut to the ``DRIVER_ROWS`` most popular per field (long runs keep those in a second,
popularity-sorted copy), are the candidates. Every other condition filters them with one binary
search per candidate in its run, so a common word costs no more than a rare one. A match scores
``1 / field length`` per condition, so "Substance" beats "Substance Abuse (Remix)", and popularity
breaks ties.

Work is bounded by the driver's cut whatever the catalog size: a query of only very common words
ranks among the most popular items holding its rarest word, and the total counts the matches
among those, as Spotify's total is an estimate too.

A track's album name is searched in the albums' own postings: a track's album is the album whose
run of tracks holds its position (``album.track_end``), so a word of an album name is kept once
per album instead of once per track, a third of the tracks' postings. Driving by it, the most
popular albums holding the word give their tracks, which are then cut to the most popular.
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

# The most popular matches of the driving word considered per field (at most the build's
# postings.TOP_ROWS).
DRIVER_ROWS = 20_000

SearchType = Literal["track", "album", "artist"]
SEARCH_TYPES: tuple[SearchType, ...] = ("track", "album", "artist")

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
class Run:
    """Where one term's postings in one field are: ``count`` rows from ``start`` in position
    order, and, for runs longer than the build's ``TOP_ROWS``, the most popular of them from
    ``top`` in popularity order."""

    start: int
    count: int
    top: int | None
    # Whose postings the run is in: the searched type's own, or the albums' for a track's album name.
    kind: SearchType


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
    *,
    year: tuple[int, int] | None,
    restrict_to: list[int] | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """Positions (in the type's object table) of one page of ranked matches.

    ``runs_of`` maps (token, field) to its postings run for this type; ``restrict_to`` limits
    matches to these positions (from exact ``isrc:``/``upc:`` filters).
    """
    runs = [[runs_of[(c.token, f)] for f in c.fields if (c.token, f) in runs_of] for c in conditions]
    if any(not r for r in runs):
        return SearchPage([], 0)
    # Rarest first: the first drives, and each filter then looks up fewer candidates.
    order = sorted(range(len(conditions)), key=lambda i: sum(_matches(postings, search_type, run) for run in runs[i]))
    positions, score = _driving(postings, search_type, runs[order[0]])
    for i in order[1:]:
        positions, score = _filter(postings, search_type, runs[i], positions, score)
    if year is not None:
        years = postings.array(f"{search_type}.year")[positions] if postings.has(f"{search_type}.year") else None
        keep = (years >= year[0]) & (years <= year[1]) if years is not None else np.zeros(len(positions), bool)
        positions, score = positions[keep], score[keep]
    if restrict_to is not None:
        keep = np.isin(positions, np.asarray(restrict_to, dtype=np.int64))
        positions, score = positions[keep], score[keep]
    best = _top(positions, score, _popularity(postings, search_type, positions), offset + limit)
    return SearchPage(positions[best][offset:].tolist(), len(positions))


def _driving(postings: Postings, search_type: SearchType, runs: list[Run]) -> tuple[np.ndarray, np.ndarray]:
    """The driving condition's candidates (sorted positions) and their weights: each field's
    matches, cut to the ``DRIVER_ROWS`` most popular."""
    cut = min(DRIVER_ROWS, postings.top_rows)
    parts = [
        _most_popular(postings, search_type, run, cut) if run.kind == search_type else _album_tracks(postings, run, cut)
        for run in runs
    ]
    return _best_weight_per_position(np.concatenate([p for p, _ in parts]), np.concatenate([n for _, n in parts]))


def _most_popular(postings: Postings, kind: SearchType, run: Run, cut: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions, field lengths) of the ``cut`` most popular postings of a run in ``kind``'s postings."""
    if run.count > cut and run.top is not None:
        return postings.read(kind, "top", run.top, cut)
    positions, lengths = postings.read(kind, "all", run.start, run.count)
    return _cut(postings, kind, positions, lengths, cut)


def _cut(
    postings: Postings, kind: SearchType, positions: np.ndarray, lengths: np.ndarray, cut: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``cut`` most popular of these postings, in no order; ties go to the earliest position."""
    if len(positions) <= cut:
        return positions, lengths
    most_popular = np.argpartition(_popularity_keys(positions, _popularity(postings, kind, positions)), cut - 1)[:cut]
    return positions[most_popular], lengths[most_popular]


def _album_tracks(postings: Postings, run: Run, cut: int) -> tuple[np.ndarray, np.ndarray]:
    """The tracks of the most popular albums of an album-name run, cut to the ``cut`` most
    popular, each weighed by its album name's length."""
    albums, lengths = _most_popular(postings, "album", run, cut)
    ends = postings.array("album.track_end")[albums].astype(np.int64)
    counts = ends - _album_track_starts(postings, albums)
    # Each album's run of positions: its end repeated for each track, minus the places left.
    positions = np.repeat(ends, counts) - (np.repeat(np.cumsum(counts), counts) - np.arange(counts.sum()))
    return _cut(postings, "track", positions, np.repeat(lengths, counts), cut)


def _album_track_starts(postings: Postings, albums: np.ndarray) -> np.ndarray:
    """Where each album's run of tracks starts: where the album before it ends."""
    track_end = postings.array("album.track_end")
    return np.where(albums > 0, track_end[np.maximum(albums - 1, 0)], 0).astype(np.int64)


def _albums_of_tracks(postings: Postings, positions: np.ndarray) -> np.ndarray:
    """The album of each track: the first whose run of tracks ends after it (an album without
    tracks ends where the one before it does)."""
    track_end = postings.array("album.track_end")
    # The same integer type as the ends, or numpy would copy all of them to compare.
    return np.searchsorted(track_end, positions.astype(track_end.dtype), side="right")


def _matches(postings: Postings, search_type: SearchType, run: Run) -> float:
    """About how many items of ``search_type`` a run holds: an album-name run of a track search
    holds its albums' tracks."""
    if run.kind == search_type:
        return run.count
    return run.count * len(postings.array("track.popularity")) / max(len(postings.array("album.popularity")), 1)


def _popularity(postings: Postings, search_type: SearchType, positions: np.ndarray) -> np.ndarray:
    return postings.array(f"{search_type}.popularity")[positions].astype(np.int64)


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


def _filter(
    postings: Postings, search_type: SearchType, runs: list[Run], positions: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The candidates that also meet one more condition, with its best weight added.

    Runs are sorted by position, so each candidate is a binary search in the run: the cost is
    the candidates', whatever the run's length ("the" in 256M tracks).
    """
    best = np.zeros(len(positions))
    for run in runs:
        held_by = positions if run.kind == search_type else _albums_of_tracks(postings, positions)
        best = np.maximum(best, postings.weights_at(run.kind, run.start, run.count, held_by))
    keep = best > 0
    return positions[keep], score[keep] + best[keep]


def _popularity_keys(positions: np.ndarray, popularity: np.ndarray) -> np.ndarray:
    """One integer per candidate, smallest for the most popular and, among equals, the earliest:
    popularity (0-100) above the position (below 2**32)."""
    return ((255 - popularity) << 32) | positions


def _top(positions: np.ndarray, score: np.ndarray, popularity: np.ndarray, count: int) -> np.ndarray:
    """Indexes of the ``count`` best candidates, best first: the highest score, then the most
    popular, then the earliest position, so the order is the same on every run."""
    # The three keys folded into one integer: the score's rank among the distinct scores, then
    # popularity and position (see _popularity_keys).
    distinct, rank = np.unique(score, return_inverse=True)
    keys = ((len(distinct) - 1 - rank.astype(np.int64)) << 40) | _popularity_keys(positions, popularity)
    if count < len(keys):
        best = np.argpartition(keys, count - 1)[:count]
        return best[np.argsort(keys[best])]
    return np.argsort(keys)
