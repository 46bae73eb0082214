"""Spotify Web API objects → beets ``AlbumInfo``/``TrackInfo``. Pure: no catalog, no config.

Kept apart from the plugin class so the translation can be read and tested on its own, as beets'
``tidal`` plugin keeps its payload types apart. Field names and types follow beets' built-in
``spotify`` plugin (tagging plus ``spotifysync``) so a library tagged by either works with both;
on top of it come ISRC, barcode, genres, popularity, audio features and cover art, which the
catalog has for free.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence
from typing import Any

from beets.autotag import AlbumInfo, TrackInfo

from catalog.types import Album, Artist, AudioFeatures, SimplifiedTrack, Track

DATA_SOURCE = "Spotify"
"""beets' name for this source: the built-in plugin's, so ``data_source:Spotify`` queries, the
``mbsync`` routing and the data-source distance treat both plugins as one source."""

# Spotify's audio-feature keys → beets flexible fields, exactly as beets' spotifysync names them.
AUDIO_FEATURE_FIELDS: Mapping[str, str] = {
    "acousticness": "spotify_acousticness",
    "danceability": "spotify_danceability",
    "energy": "spotify_energy",
    "instrumentalness": "spotify_instrumentalness",
    "key": "spotify_key",
    "liveness": "spotify_liveness",
    "loudness": "spotify_loudness",
    "mode": "spotify_mode",
    "speechiness": "spotify_speechiness",
    "tempo": "spotify_tempo",
    "time_signature": "spotify_time_signature",
    "valence": "spotify_valence",
}

# Spotify's pitch classes (0 = C) in the notation beets' MusicalKey type stores.
_PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_VARIOUS_ARTISTS = "various artists"


def release_date_parts(release_date: str, precision: str) -> tuple[int | None, int | None, int | None]:
    """``("1987-08-17", "day")`` → ``(1987, 8, 17)``; parts finer than ``precision`` are None.

    The dump has ~13k ``0000`` dates: year 0 means unknown, so it becomes None too.
    """
    parts = [int(p) for p in release_date.split("-") if p.isdigit()]
    known = min({"year": 1, "month": 2, "day": 3}.get(precision, 3), len(parts))
    year, month, day = (parts[:known] + [0, 0, 0])[:3]
    return (year or None, month or None, day or None)


def musical_key(key: int | None, mode: int | None) -> str | None:
    """Spotify's ``key`` (pitch class, -1 = unknown) and ``mode`` (1 major) → ``"C#m"``-style."""
    if key is None or not 0 <= key < len(_PITCH_CLASSES):
        return None
    return _PITCH_CLASSES[key] + ("m" if mode == 0 else "")


def widest_image_url(images: Sequence[Mapping[str, Any]]) -> str | None:
    """The URL of the widest image (Spotify lists them widest first, but do not rely on it)."""
    if not images:
        return None
    return max(images, key=lambda image: image.get("width") or 0)["url"]


def genres_of(artist_ids: Sequence[str], artists: Mapping[str, Artist | None]) -> list[str]:
    """The genres of these artists, first artist's first, without repeats."""
    genres = (g for artist_id in artist_ids if (a := artists.get(artist_id)) for g in a["genres"])
    return list(dict.fromkeys(genres))


def audio_feature_fields(features: AudioFeatures | None) -> dict[str, Any]:
    """``bpm``, ``initial_key`` and the ``spotify_*`` numbers of one track's audio features."""
    if not features:
        return {}
    fields: dict[str, Any] = {
        field: features[key] for key, field in AUDIO_FEATURE_FIELDS.items() if features.get(key) is not None
    }
    if features.get("tempo"):
        fields["bpm"] = round(features["tempo"])
    if key := musical_key(features.get("key"), features.get("mode")):
        fields["initial_key"] = key
    return fields


def _credit(artists: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    names = [a["name"] for a in artists]
    ids = [a["id"] for a in artists]
    return {
        "artist": ", ".join(names),
        "artists": names,
        "artist_id": ids[0] if ids else None,
        "artists_ids": ids,
        "spotify_artist_id": ids[0] if ids else None,
    }


def track_info(
    track: Track | SimplifiedTrack,
    *,
    full: Track | None = None,
    artists: Mapping[str, Artist | None] | None = None,
    features: AudioFeatures | None = None,
) -> TrackInfo:
    """One track as beets sees it.

    :param track: the track object, simplified (from an album) or full.
    :param full: the full track object when ``track`` is simplified: it alone carries the ISRC
        and popularity.
    :param artists: full artist objects by id, for genres; None leaves genres unset.
    :param features: the track's audio features, if the catalog has them.
    """
    full = full or (track if "external_ids" in track else None)  # type: ignore[assignment]
    album = track.get("album") or (full or {}).get("album")
    info = TrackInfo(
        title=track["name"],
        track_id=track["id"],
        spotify_track_id=track["id"],
        length=track["duration_ms"] / 1000,
        index=track["track_number"],
        medium=track["disc_number"],
        medium_index=track["track_number"],
        album=album["name"] if album else None,
        spotify_album_id=album["id"] if album else None,
        data_source=DATA_SOURCE,
        data_url=track["external_urls"]["spotify"],
        **_credit(track["artists"]),
        **audio_feature_fields(features),
    )
    if full is not None:
        info.isrc = full["external_ids"].get("isrc")
        info.spotify_track_popularity = full["popularity"]
    if artists is not None:
        info.genres = genres_of([a["id"] for a in track["artists"]], artists) or None
    return info


def album_info(
    album: Album,
    *,
    full_tracks: Sequence[Track | None] = (),
    artists: Mapping[str, Artist | None] | None = None,
    features: Mapping[str, AudioFeatures | None] | None = None,
) -> AlbumInfo:
    """One album with all its tracks as beets sees it.

    :param album: the full album object with every track embedded (``Catalog.album`` default).
    :param full_tracks: full track objects in album order (ISRC, popularity); may be empty.
    :param artists: full artist objects by id (album and track artists), for genres.
    :param features: audio features by track id.
    """
    full_by_id = {t["id"]: t for t in full_tracks if t}
    features = features or {}
    tracks: list[TrackInfo] = []
    per_disc: collections.Counter[int] = collections.Counter()
    for index, item in enumerate(album["tracks"]["items"], start=1):
        info = track_info(item, full=full_by_id.get(item["id"]), artists=artists, features=features.get(item["id"]))
        info.index = index  # beets' index counts across discs
        info.album = album["name"]
        tracks.append(info)
        per_disc[info.medium] += 1
    for info in tracks:
        info.medium_total = per_disc[info.medium]

    credit = _credit(album["artists"])
    year, month, day = release_date_parts(album["release_date"], album["release_date_precision"])
    album_genres = genres_of([a["id"] for a in album["artists"]], artists) if artists is not None else []
    return AlbumInfo(
        tracks,
        album=album["name"],
        album_id=album["id"],
        spotify_album_id=album["id"],
        albumtype=album["album_type"],
        albumtypes=[album["album_type"]],
        # Spotify "compilation"s are soundtracks and various-artists sets: beets' comp flag.
        va=album["album_type"] == "compilation"
        or (len(album["artists"]) == 1 and credit["artist"].lower() == _VARIOUS_ARTISTS),
        year=year,
        month=month,
        day=day,
        label=album.get("label") or None,
        barcode=album["external_ids"].get("upc"),
        mediums=max(per_disc, default=1),
        media="Digital Media",
        genres=album_genres or None,
        cover_art_url=widest_image_url(album["images"]),
        spotify_album_popularity=album["popularity"],
        data_source=DATA_SOURCE,
        data_url=album["external_urls"]["spotify"],
        **credit,
    )
