"""Spotify search query syntax → a structured query. Pure: no database.

Spotify accepts free words and field filters: ``track:``, ``album:``, ``artist:``, ``year:``
(``1990`` or ``1990-1999``), ``isrc:``, ``upc:`` and ``genre:``; a value may be quoted to hold
spaces, commas, ``&`` or ``/`` (``album:"Power, Corruption & Lies"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import QueryRejected

TEXT_FIELDS = ("track", "album", "artist", "genre")
EXACT_FIELDS = ("isrc", "upc")
MAX_QUERY_LENGTH = 500

# field:"quoted value" | field:value | "quoted words" | word
_PART = re.compile(r'(?:(\w+):)?(?:"([^"]*)"?|(\S+))')


@dataclass
class Query:
    """One parsed search query. Text values are kept raw; tokenising happens in the catalog."""

    text: str
    words: list[str] = field(default_factory=list)
    track: list[str] = field(default_factory=list)
    album: list[str] = field(default_factory=list)
    artist: list[str] = field(default_factory=list)
    genre: list[str] = field(default_factory=list)
    isrc: list[str] = field(default_factory=list)
    upc: list[str] = field(default_factory=list)
    year: tuple[int, int] | None = None


def parse_query(text: str) -> Query:
    """Parse a Spotify search query.

    >>> q = parse_query('blue monday artist:"New Order" year:1983-1988')
    >>> q.words, q.artist, q.year
    (['blue', 'monday'], ['New Order'], (1983, 1988))

    :raises QueryRejected: for an empty or over-long query, a bad ``year:``, or a ``tag:`` filter.
    """
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryRejected(text[:40] + "…", f"longer than {MAX_QUERY_LENGTH} characters")
    query = Query(text=text)
    for match in _PART.finditer(text):
        name, quoted, plain = match.group(1), match.group(2), match.group(3)
        value = quoted if quoted is not None else plain or ""
        key = name.lower() if name else None
        if key in TEXT_FIELDS:
            if value.strip():
                getattr(query, key).append(value)
        elif key in EXACT_FIELDS:
            if value.strip():
                getattr(query, key).append(value.strip().upper() if key == "isrc" else value.strip())
        elif key == "year":
            query.year = _parse_year(text, value)
        elif key == "tag":
            raise QueryRejected(text, "tag:new and tag:hipster need live data the catalog does not have")
        else:
            # An unknown "field:" is just words, as Spotify treats it.
            query.words.append(match.group(0).strip('"'))
    if not (query.words or query.track or query.album or query.artist or query.genre or query.isrc or query.upc):
        if query.year is not None:
            raise QueryRejected(
                text, "year: alone would scan the whole catalog; add words, or a track:, album: or artist: filter"
            )
        raise QueryRejected(text, "the query is empty")
    return query


def _parse_year(text: str, value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value.strip())
    if match is None:
        raise QueryRejected(text, f"year:{value} is not a year (1983) or a range (1983-1988)")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low:
        raise QueryRejected(text, f"year:{value} ends before it starts")
    return low, high
