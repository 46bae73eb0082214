"""Catalog rows → Spotify Web API objects. Pure functions: no database, no I/O.

Every key, nesting and JSON type follows the Web API (``catalog.types``). ``base`` is the API root
that ``href`` and paging links point at: Spotify's own by default, a local server's when served.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence
from urllib.parse import urlencode

from .types import (
    Album,
    Artist,
    AudioFeatures,
    Copyright,
    Image,
    Paging,
    SimplifiedAlbum,
    SimplifiedArtist,
    SimplifiedTrack,
    Track,
)

SPOTIFY_API = "https://api.spotify.com/v1"
OPEN_SPOTIFY = "https://open.spotify.com"

Row = Mapping[str, Any]


class Markets:
    """How objects show availability: every market, or (for one requested market) ``is_playable``."""

    def __init__(self, codes_by_rowid: Mapping[int, Sequence[str]], market: str | None = None) -> None:
        self._codes = codes_by_rowid
        self.market = market

    def apply(self, obj: dict[str, Any], markets_rowid: int | None) -> None:
        codes = self._codes.get(markets_rowid, ()) if markets_rowid is not None else ()
        if self.market is None:
            obj["available_markets"] = list(codes)
        else:
            # For one market the list is filtered down to it, and is_playable says the same.
            playable = self.market in codes
            obj["available_markets"] = [self.market] if playable else []
            obj["is_playable"] = playable


def _common(kind: str, spotify_id: str, base: str) -> dict[str, Any]:
    return {
        "external_urls": {"spotify": f"{OPEN_SPOTIFY}/{kind}/{spotify_id}"},
        "href": f"{base}/{kind}s/{spotify_id}",
        "id": spotify_id,
        "type": kind,
        "uri": f"spotify:{kind}:{spotify_id}",
    }


def simplified_artist(ref: Row, base: str = SPOTIFY_API) -> SimplifiedArtist:
    obj = _common("artist", ref["id"], base)
    obj["name"] = ref["name"]
    return obj  # type: ignore[return-value]


ITEM_SEPARATOR = "\x1e"


# Nearly every image in the dump is one of a few standard renditions of a cover or portrait: the
# same 24-digit hash behind a code that names the size. A set of those is stored as
# "@" + one letter per rendition + the hash (about 28 characters instead of about 220); any other set
# is stored whole as "width height url␞…". Both unpack to the dump's exact URLs.
IMAGE_URL = "https://i.scdn.co/image/"
IMAGE_RENDITIONS: dict[str, tuple[str, int, int]] = {
    "a": ("ab67616d0000b273", 640, 640),
    "b": ("ab67616d00001e02", 300, 300),
    "c": ("ab67616d00004851", 64, 64),
    "d": ("ab6761610000e5eb", 640, 640),
    "e": ("ab67616100005174", 320, 320),
    "f": ("ab6761610000f178", 160, 160),
}
IMAGE_HASH_DIGITS = 24
COMPACT_IMAGES = "@"

# The dump's preview URLs are this prefix, a 40-digit hash and one client id; those are stored as
# the hash's 20 bytes (``preview_hash``), any other URL whole (``preview_url``).
PREVIEW_URL_PREFIX = "https://p.scdn.co/mp3-preview/"
PREVIEW_URL_SUFFIX = "?cid=65b708073fc0480ea92a077233ca87bd"


def unpack_images(packed: str | None) -> list[Image]:
    """Packed images (see ``IMAGE_RENDITIONS``) → Spotify image objects, widest first."""
    images: list[Image] = []
    if packed and packed.startswith(COMPACT_IMAGES):
        digest = packed[-IMAGE_HASH_DIGITS:]
        for letter in packed[1:-IMAGE_HASH_DIGITS]:
            code, width, height = IMAGE_RENDITIONS[letter]
            images.append({"url": IMAGE_URL + code + digest, "height": height, "width": width})
    else:
        for item in (packed or "").split(ITEM_SEPARATOR):
            if item:
                width_text, height_text, url = item.split(" ", 2)
                images.append({"url": url, "height": int(height_text), "width": int(width_text)})
    return sorted(images, key=lambda i: (-(i["width"] or 0), i["url"]))


def preview_url(row: Row) -> str | None:
    """A track row's preview URL, from its hash when the URL was a standard one."""
    digest = row["preview_hash"]
    return PREVIEW_URL_PREFIX + digest.hex() + PREVIEW_URL_SUFFIX if digest is not None else row["preview_url"]


def _artist_list(refs: Sequence[Row], base: str) -> list[SimplifiedArtist]:
    return [simplified_artist(ref, base) for ref in refs]


def artist(row: Row, base: str = SPOTIFY_API) -> Artist:
    obj: dict[str, Any] = dict(simplified_artist(row, base))
    obj["followers"] = {"href": None, "total": int(row["followers_total"] or 0)}
    obj["genres"] = list(row["genres"] or ())
    obj["images"] = unpack_images(row["images"])
    obj["popularity"] = int(row["popularity"] or 0)
    return obj  # type: ignore[return-value]


def simplified_album(row: Row, markets: Markets, base: str = SPOTIFY_API) -> SimplifiedAlbum:
    obj: dict[str, Any] = {"album_type": row["album_type"], "total_tracks": int(row["total_tracks"] or 0)}
    markets.apply(obj, row["markets_rowid"])
    obj.update(_common("album", row["id"], base))
    obj["images"] = unpack_images(row["images"])
    obj["name"] = row["name"] or ""
    obj["release_date"] = row["release_date"]
    obj["release_date_precision"] = row["release_date_precision"]
    obj["artists"] = _artist_list(row["artists"], base)
    return obj  # type: ignore[return-value]


def simplified_track(row: Row, markets: Markets, base: str = SPOTIFY_API) -> SimplifiedTrack:
    obj: dict[str, Any] = {"artists": _artist_list(row["artists"], base)}
    markets.apply(obj, row["markets_rowid"])
    obj["disc_number"] = int(row["disc_number"])
    obj["duration_ms"] = int(row["duration_ms"])
    obj["explicit"] = bool(row["explicit"])
    obj.update(_common("track", row["id"], base))
    obj["is_local"] = False
    obj["name"] = row["name"] or ""
    obj["preview_url"] = preview_url(row)
    obj["track_number"] = int(row["track_number"])
    return obj  # type: ignore[return-value]


def track(row: Row, album_row: Row, markets: Markets, base: str = SPOTIFY_API) -> Track:
    obj: dict[str, Any] = dict(simplified_track(row, markets, base))
    obj["album"] = simplified_album(album_row, markets, base)
    obj["external_ids"] = {"isrc": row["isrc"]} if row["isrc"] else {}
    obj["popularity"] = int(row["popularity"] or 0)
    return obj  # type: ignore[return-value]


def copyrights(row: Row) -> list[Copyright]:
    return [
        {"text": row[column], "type": kind}  # type: ignore[typeddict-item]
        for column, kind in (("copyright_c", "C"), ("copyright_p", "P"))
        if row[column]
    ]


def album(row: Row, tracks: Paging[SimplifiedTrack], markets: Markets, base: str = SPOTIFY_API) -> Album:
    obj: dict[str, Any] = dict(simplified_album(row, markets, base))
    obj["tracks"] = tracks
    obj["copyrights"] = copyrights(row)
    obj["external_ids"] = {"upc": row["upc"]} if row["upc"] else {}
    obj["genres"] = []
    obj["label"] = row["label"] or ""
    obj["popularity"] = int(row["popularity"] or 0)
    return obj  # type: ignore[return-value]


def paging(items: list[Any], *, href: str, limit: int, offset: int, total: int, **params: str) -> Paging[Any]:
    """A Spotify paging object; ``href`` is the endpoint without its query string."""

    def link(at: int) -> str:
        return f"{href}?{urlencode({**params, 'offset': at, 'limit': limit})}"

    return {
        "href": link(offset),
        "items": items,
        "limit": limit,
        "next": link(offset + limit) if limit and offset + limit < total else None,
        "offset": offset,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
        "total": total,
    }


def audio_features(row: Row, base: str = SPOTIFY_API) -> AudioFeatures:
    track_id = row["track_id"]
    return {
        "acousticness": row["acousticness"],
        "analysis_url": f"{base}/audio-analysis/{track_id}",
        "danceability": row["danceability"],
        "duration_ms": row["duration_ms"],
        "energy": row["energy"],
        "id": track_id,
        "instrumentalness": row["instrumentalness"],
        "key": row["key"],
        "liveness": row["liveness"],
        "loudness": row["loudness"],
        "mode": row["mode"],
        "speechiness": row["speechiness"],
        "tempo": row["tempo"],
        "time_signature": row["time_signature"],
        "track_href": f"{base}/tracks/{track_id}",
        "type": "audio_features",
        "uri": f"spotify:track:{track_id}",
        "valence": row["valence"],
    }
