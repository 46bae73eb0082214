"""Ranked search over the catalog's term postings, never scanning a whole table.

Each search term (a token in a field) owns one contiguous run of rows in ``track_terms``,
``album_terms`` or ``artist_terms`` (DuckDB), sorted by popularity; the object store's
``term_runs`` says where each run is. A query is a list of conditions (every word must match one of
its fields); the rarest condition drives, the others filter by joining their runs, and a match
scores ``1 / field length`` per condition, so "Substance" beats "Substance Abuse (Remix)" and
popularity breaks ties.

Work is bounded whatever the catalog size. The rarest condition always drives, cut to its
``DRIVER_ROWS`` most popular rows (so a query of only very common words ranks among the most
popular items holding them). The next rarest filter in SQL while their runs fit in ``QUERY_ROWS``
rows in all; the commoner ones ("the", "love" in a big catalog) are checked afterwards against the
words of the best-ranked candidates only (see :func:`search_positions`), so every result still
holds every word, and the total is then an estimate, as Spotify's is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal, Sequence

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

Fetch = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
Check = Callable[[list[int], list["Condition"]], dict[int, float]]
"""``check(positions, conditions)`` → the positions whose own words meet every condition, with
the score those conditions add (``1 / field length`` each, as in SQL)."""
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
    check: Check,
    *,
    year: tuple[int, int] | None,
    restrict_to: list[int] | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """Row positions (in the type's main table) of one page of ranked matches.

    ``runs_of`` maps (token, field) to its postings run for this type; ``restrict_to`` limits
    matches to these positions (from exact ``isrc:``/``upc:`` filters). Conditions too common to
    filter in SQL are left to ``check`` on the best-ranked candidates.
    """
    table = _TERMS_TABLE[search_type]
    runs = [[runs_of[(c.token, f)] for f in c.fields if (c.token, f) in runs_of] for c in conditions]
    if any(not r for r in runs):
        return SearchPage([], 0)
    order = _filtering_conditions([sum(n for _, n in r) for r in runs], [FIELD_GENRE in c.fields for c in conditions])
    unchecked = [conditions[i] for i in range(len(conditions)) if i not in order]
    ctes: list[str] = []
    params: list[Any] = []
    for rank, i in enumerate(order):
        parts = []
        for start, count in runs[i]:
            parts.append(f"SELECT pos, field_len, popularity, year FROM {table} WHERE rowid BETWEEN ? AND ?")
            params += [start, start + (min(count, DRIVER_ROWS) if rank == 0 else count) - 1]
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
        f"SELECT c0.pos, count(*) OVER () AS total, {score} AS score, c0.pop FROM c0 {joins} "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} "
        f"ORDER BY {score} DESC, c0.pop DESC, c0.pos LIMIT ? OFFSET ?"
    )
    if unchecked:
        return _checked_page(fetch, sql, params, unchecked, check, limit, offset)
    rows = fetch(sql, params + [limit, offset])
    if not rows:
        total = 0 if offset == 0 else _count(fetch, sql, params)
        return SearchPage([], total)
    return SearchPage([r[0] for r in rows], rows[0][1])


def _checked_page(
    fetch: Fetch, sql: str, params: list[Any], unchecked: list[Condition], check: Check, limit: int, offset: int
) -> SearchPage:
    """One page of the candidates that also meet the conditions SQL left out, ranked by the full
    score. Candidates are checked a slice at a time until the page is full."""
    window = max(MAX_CHECKED_CANDIDATES, 2 * (offset + limit))
    rows = fetch(sql, params + [window, 0])
    if not rows:
        return SearchPage([], 0)
    extra: dict[int, float] = {}
    checked = 0
    for end in (CHECKED_CANDIDATES, 4 * CHECKED_CANDIDATES, window):
        extra.update(check([r[0] for r in rows[checked:end]], unchecked))
        checked = min(end, len(rows))
        if len(extra) >= offset + limit or checked == len(rows):
            break
    ranked = sorted((r for r in rows[:checked] if r[0] in extra), key=lambda r: (-(r[2] + extra[r[0]]), -r[3], r[0]))
    sql_total = rows[0][1]
    # Past the checked candidates only the share that passed the check is known.
    total = len(ranked) if sql_total <= checked else round(sql_total * len(ranked) / checked)
    return SearchPage([r[0] for r in ranked[offset : offset + limit]], max(total, len(ranked)))


def _filtering_conditions(sizes: list[int], is_genre: list[bool]) -> list[int]:
    """Indexes of the conditions SQL filters by, rarest first (see the module docstring).

    Genre conditions always filter in SQL: the words of a result do not show its artists' genres.
    """
    rarest = sorted(range(len(sizes)), key=lambda i: sizes[i])
    chosen = rarest[:1]
    budget = QUERY_ROWS - min(sizes[rarest[0]], DRIVER_ROWS)
    for i in rarest[1:]:
        if is_genre[i] or (sizes[i] <= budget and len(chosen) < MAX_CONDITIONS):
            chosen.append(i)
            budget -= sizes[i]
    return chosen


def _count(fetch: Fetch, sql: str, params: list[Any]) -> int:
    """The match count when the page itself is past the end (offset beyond the last match)."""
    rows = fetch(sql, params + [1, 0])
    return rows[0][1] if rows else 0
