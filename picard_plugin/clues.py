"""Picard metadata → match clues, and tags → Picard metadata. Duck-typed: no Picard import.

Works on anything with Picard's ``Metadata`` reading interface (``getall(name) -> list[str]`` and
a ``length`` in milliseconds), so the translation is the same for a MusicBrainz track being
loaded, a file in a cluster and a test's hand-made object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from .matching import AlbumClue, TrackClue, first_int, normalize, normalize_barcode


class MetadataLike(Protocol):
    length: int

    def getall(self, name: str) -> list[str]: ...


READ_TAGS = ("genre", "label", "isrc")
"""The current values the tag mapping looks at before adding to them."""


def _first(metadata: MetadataLike, name: str) -> str:
    values = metadata.getall(name)
    return values[0].strip() if values else ""


def track_clue(key: int, metadata: MetadataLike) -> TrackClue:
    """What one track's (or file's) metadata tells: title, artist, length, ISRCs, numbers, Spotify id."""
    return TrackClue(
        key=key,
        title=_first(metadata, "title"),
        artist=_first(metadata, "artist"),
        length_ms=int(getattr(metadata, "length", 0) or 0) or None,
        isrcs=tuple(dict.fromkeys(i.strip() for i in metadata.getall("isrc") if i.strip())),
        disc=first_int(_first(metadata, "discnumber")),
        number=first_int(_first(metadata, "tracknumber")),
        spotify_track_id=_first(metadata, "spotify_track_id"),
    )


def album_clue(metadatas: Sequence[MetadataLike]) -> AlbumClue:
    """One release, or one group of files: album names and barcodes by majority, every track's clue."""
    return AlbumClue(
        title=_most_common(_first(m, "album") for m in metadatas),
        artist=_most_common(_first(m, "albumartist") or _first(m, "artist") for m in metadatas),
        barcodes=tuple(
            dict.fromkeys(normalize_barcode(b) for m in metadatas for b in m.getall("barcode") if normalize_barcode(b))
        ),
        spotify_album_ids=tuple(
            dict.fromkeys(i.strip() for m in metadatas for i in m.getall("spotify_album_id") if i.strip())
        ),
        tracks=tuple(track_clue(key, m) for key, m in enumerate(metadatas)),
    )


def _most_common(values: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    return max(counts, key=lambda v: counts[v]) if counts else ""


def group_key(metadata: MetadataLike) -> tuple[str, str]:
    """How loose files are grouped into albums for the file action: album artist and album name."""
    artist = _first(metadata, "albumartist") or _first(metadata, "artist")
    return normalize(artist), normalize(_first(metadata, "album"))


def current_tags(metadata: MetadataLike, names: Iterable[str] = READ_TAGS) -> dict[str, list[str]]:
    return {name: [v for v in metadata.getall(name) if v] for name in names}


def apply_tags(metadata: Any, tags: Mapping[str, str | list[str]]) -> list[str]:
    """Set each tag on a Picard ``Metadata`` (a list sets a multi-valued tag); the names changed."""
    changed = []
    for name, value in tags.items():
        values = value if isinstance(value, list) else [value]
        if metadata.getall(name) != values:
            metadata[name] = values
            changed.append(name)
    return changed
