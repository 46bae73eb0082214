"""Spotify ids in every form users paste them: bare, ``spotify:`` URIs and open.spotify.com links.

Kept free of I/O so that callers (beets broadcasts every id lookup to every source) can reject a
MusicBrainz UUID or a Deezer number before anything touches the catalog.
"""

from __future__ import annotations

import re
from typing import Literal

from .errors import InvalidId

Kind = Literal["track", "album", "artist"]

_BARE = re.compile(r"[0-9A-Za-z]{22}")
_URI = re.compile(r"spotify:(track|album|artist):([0-9A-Za-z]{22})")
# open.spotify.com/track/ID, /intl-de/track/ID, /embed/track/ID, with any query string (?si=...).
_URL = re.compile(
    r"(?:https?://)?open\.spotify\.com/(?:intl-[a-zA-Z-]+/)?(?:embed/)?(track|album|artist)/([0-9A-Za-z]{22})"
    r"(?:[/?#].*)?"
)


def parse_id(value: str, kind: Kind | None = None) -> str | None:
    """Return the bare 22-character id in ``value``, or None when it holds no Spotify id.

    A URI or URL naming a different kind than ``kind`` (an album link where a track is wanted)
    is not an id of that kind.

    >>> parse_id("https://open.spotify.com/intl-de/album/6iHuSGy6pq4tNGFV3ZVPtl?si=x", "album")
    '6iHuSGy6pq4tNGFV3ZVPtl'
    """
    value = value.strip()
    if _BARE.fullmatch(value):
        return value
    match = _URI.fullmatch(value) or _URL.fullmatch(value)
    if match is None or (kind is not None and match.group(1) != kind):
        return None
    return match.group(2)


def require_id(value: str, kind: Kind | None = None) -> str:
    """Like :func:`parse_id` but raises :class:`InvalidId` instead of returning None."""
    parsed = parse_id(value, kind)
    if parsed is None:
        raise InvalidId(value, kind or "Spotify")
    return parsed
