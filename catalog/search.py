"""Ranked search over the catalog's term postings, never scanning a whole table.

Each search term (a token in a field) owns one contiguous run of rows in ``track_terms``,
``album_terms`` or ``artist_terms`` (DuckDB), sorted by popularity; the object store's
``term_runs`` says where each run is. A query is a list of conditions (every word must match one of
its fields); the rarest condition drives, the others filter by joining their runs, and a match
scores ``1 / field length`` per condition, so "Substance" beats "Substance Abuse (Remix)" and
popularity breaks ties.

Work is bounded whatever the catalog size. A condition whose runs hold more than ``FILTER_ROWS``
rows is a stop word ("the", "love" in a big catalog): it does not filter, as in any search engine,
unless every condition is one, and then the rarest drives, cut to its ``DRIVER_ROWS`` most popular
rows, so a query of only very common words ranks among the most popular items holding them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal, Sequence

from .query import Query

# Fields of the postings tables (written by catalog.build). Free words match NAME, ARTIST or ALBUM.
FIELD_NAME, FIELD_ARTIST, FIELD_ALBUM, FIELD_GENRE = 1, 2, 3, 4
KIND_TRACK, KIND_ALBUM, KIND_ARTIST = 1, 2, 3

DRIVER_ROWS = 20_000
FILTER_ROWS = 200_000
MAX_CONDITIONS = 6

SearchType = Literal["track", "album", "artist"]
SEARCH_TYPES: tuple[SearchType, ...] = ("track", "album", "artist")

Fetch = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
Run = tuple[int, int]
"""(first row, row count) of one term's postings in one field."""

_KIND = {"track": KIND_TRACK, "album": KIND_ALBUM, "artist": KIND_ARTIST}
_TERMS_TABLE = {"track": "track_terms", "album": "album_terms", "artist": "artist_terms"}
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
    fetch: Fetch,
    search_type: SearchType,
    conditions: list[Condition],
    runs_of: dict[tuple[str, int], Run],
    *,
    year: tuple[int, int] | None,
    restrict_to: list[int] | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """Row positions (in the type's main table) of one page of ranked matches.

    ``runs_of`` maps (token, field) to its postings run for this type; ``restrict_to`` limits
    matches to these positions (from exact ``isrc:``/``upc:`` filters).
    """
    table = _TERMS_TABLE[search_type]
    runs = [[runs_of[(c.token, f)] for f in c.fields if (c.token, f) in runs_of] for c in conditions]
    if any(not r for r in runs):
        return SearchPage([], 0)
    order = _deciding_conditions([sum(n for _, n in r) for r in runs])
    ctes: list[str] = []
    params: list[Any] = []
    for rank, i in enumerate(order):
        cap = DRIVER_ROWS if rank == 0 else FILTER_ROWS
        parts = []
        for start, count in runs[i]:
            parts.append(f"SELECT pos, field_len, popularity, year FROM {table} WHERE rowid BETWEEN ? AND ?")
            params += [start, start + min(count, cap) - 1]
        # Filter rows are cut down to the driver's positions before anything else is done with them.
        only_driven = " WHERE pos IN (SELECT pos FROM c0)" if rank else ""
        ctes.append(
            f"c{rank} AS (SELECT pos, max(1.0 / field_len) AS w, max(popularity) AS pop, max(year) AS year "
            f"FROM ({' UNION ALL '.join(parts)}){only_driven} GROUP BY pos)"
        )
    joins = " ".join(f"JOIN c{rank} USING (pos)" for rank in range(1, len(order)))
    score = " + ".join(f"c{rank}.w" for rank in range(len(order)))
    where = []
    if year is not None:
        where.append("c0.year BETWEEN ? AND ?")
        params += list(year)
    if restrict_to is not None:
        where.append("c0.pos IN (SELECT unnest(?::BIGINT[]))")
        params.append(restrict_to)
    sql = (
        f"WITH {', '.join(ctes)} "
        f"SELECT c0.pos, count(*) OVER () AS total FROM c0 {joins} "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} "
        f"ORDER BY {score} DESC, c0.pop DESC, c0.pos LIMIT ? OFFSET ?"
    )
    rows = fetch(sql, params + [limit, offset])
    if not rows:
        total = 0 if offset == 0 else _count(fetch, sql, params)
        return SearchPage([], total)
    return SearchPage([r[0] for r in rows], rows[0][1])


def _deciding_conditions(sizes: list[int]) -> list[int]:
    """Indexes of the conditions that filter, rarest first (see the module docstring)."""
    rarest = sorted(range(len(sizes)), key=lambda i: sizes[i])
    selective = [i for i in rarest if sizes[i] <= FILTER_ROWS]
    return (selective or rarest[:1])[:MAX_CONDITIONS]


def _count(fetch: Fetch, sql: str, params: list[Any]) -> int:
    """The match count when the page itself is past the end (offset beyond the last match)."""
    rows = fetch(sql, params + [1, 0])
    return rows[0][1] if rows else 0
