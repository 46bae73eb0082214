"""Spotify objects → Picard tags. Pure functions: no Qt, no Picard, no I/O.

Tag names are Picard's own where Picard has one (``album``, ``artists``, ``tracknumber``,
``label``, ``barcode``, ``isrc``, ``genre``, ``bpm``, ``key`` …); the rest carry a ``spotify_``
prefix, named as beets' ``spotify`` plugin and this project's beets plugin name their fields, so
files tagged by Picard and by beets agree. Picard writes unknown tags as ID3 ``TXXX:<name>``
frames, Vorbis comments and MP4 freeform atoms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .matching import SpotifyObject, normalize
from .settings import GENRE_ADD, GENRE_REPLACE, Settings

Tags = dict[str, str | list[str]]

SPOTIFY_TAGS = (
    "spotify_track_id",
    "spotify_album_id",
    "spotify_artist_id",
    "spotify_track_popularity",
    "spotify_album_popularity",
    "spotify_explicit",
)
"""The ``spotify_*`` tags the plugin writes, besides the opt-in ``spotify_<audio feature>`` ones."""

_PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def musical_key(key: int | None, mode: int | None) -> str | None:
    """Spotify's pitch class (-1 unknown) and mode (1 major, 0 minor) → ``"F"``, ``"C#m"``: the
    notation of ID3's TKEY frame, which Picard's ``key`` tag is written to."""
    if key is None or not 0 <= int(key) < len(_PITCH_CLASSES):
        return None
    return _PITCH_CLASSES[int(key)] + ("m" if mode == 0 else "")


def release_date(album: SpotifyObject) -> str | None:
    """The album's release date to its precision (``1987``, ``1987-08``, ``1987-08-17``); None
    for the dump's ``0000`` placeholders."""
    date = album.get("release_date") or ""
    precision = {"year": 1, "month": 2, "day": 3}.get(album.get("release_date_precision") or "day", 3)
    parts = date.split("-")[:precision]
    if not parts or not parts[0].isdigit() or int(parts[0]) == 0:
        return None
    return "-".join(parts)


def genres_of(artist_ids: Sequence[str], artists: Mapping[str, SpotifyObject | None]) -> list[str]:
    """The artists' genres, first artist's first, each once."""
    genres = (g for artist_id in artist_ids if (a := artists.get(artist_id)) for g in a.get("genres") or ())
    return list(dict.fromkeys(genres))


def merge_genres(current: Sequence[str], spotify: Sequence[str], mode: str) -> list[str] | None:
    """The ``genre`` values to write, or None to leave the tag alone.

    ``add`` keeps the current genres and appends Spotify's that are new (compared without case or
    punctuation); ``replace`` writes Spotify's alone when there are any; ``leave`` writes nothing.
    """
    if not spotify:
        return None
    if mode == GENRE_REPLACE:
        return list(spotify)
    if mode == GENRE_ADD:
        seen = {normalize(g) for g in current}
        added = []
        for genre in spotify:
            if normalize(genre) not in seen:
                seen.add(normalize(genre))
                added.append(genre)
        return list(current) + added if added else None
    return None


def _number(value: Any) -> str:
    """Audio-feature numbers as text: integers without a decimal point, floats as Python prints them."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1:
        return str(int(value))
    return str(value)


def enrichment_tags(
    track: SpotifyObject,
    album: SpotifyObject | None,
    *,
    artists: Mapping[str, SpotifyObject | None],
    features: SpotifyObject | None,
    settings: Settings,
    current: Mapping[str, Sequence[str]],
) -> Tags:
    """The Spotify data added to a track MusicBrainz already named.

    :param track: the full Spotify track object (it alone carries ISRC and popularity).
    :param album: the full album (label, popularity), or None when it could not be fetched.
    :param artists: full artist objects by id (genres); may be empty.
    :param features: the track's audio features, or None.
    :param current: the tags the track has now (``tag → values``): label, ISRC and genres are
        only added to what is there.
    """
    tags: Tags = {}
    artist_ids = [a["id"] for a in track.get("artists") or []]
    if settings.write_ids:
        tags["spotify_track_id"] = track["id"]
        if album is not None or track.get("album"):
            tags["spotify_album_id"] = (album or track["album"])["id"]
        if artist_ids:
            tags["spotify_artist_id"] = artist_ids
    if settings.write_popularity:
        if "popularity" in track:
            tags["spotify_track_popularity"] = str(track["popularity"])
        if album is not None and "popularity" in album:
            tags["spotify_album_popularity"] = str(album["popularity"])
    if settings.wants_artists:
        spotify_genres = genres_of(artist_ids, artists)
        if not spotify_genres and album is not None:
            spotify_genres = genres_of([a["id"] for a in album.get("artists") or []], artists)
        genres = merge_genres(list(current.get("genre") or []), spotify_genres, settings.genre_mode)
        if genres is not None:
            tags["genre"] = genres
    if settings.write_label and not current.get("label") and album is not None and album.get("label"):
        tags["label"] = album["label"]
    isrc = (track.get("external_ids") or {}).get("isrc")
    if settings.write_isrc and not current.get("isrc") and isrc:
        tags["isrc"] = isrc
    if settings.write_explicit and "explicit" in track:
        tags["spotify_explicit"] = "1" if track["explicit"] else "0"
    if features:
        if settings.write_bpm_key:
            if features.get("tempo"):
                tags["bpm"] = str(round(features["tempo"]))
            key = musical_key(features.get("key"), features.get("mode"))
            if key:
                tags["key"] = key
        for name in settings.audio_features:
            if features.get(name) is not None:
                tags[f"spotify_{name}"] = _number(features[name])
    return tags


def album_track_tags(
    item: SpotifyObject,
    album: SpotifyObject,
    *,
    full_track: SpotifyObject | None,
    artists: Mapping[str, SpotifyObject | None],
    features: SpotifyObject | None,
    settings: Settings,
    current: Mapping[str, Sequence[str]],
) -> Tags:
    """Everything written into a file the cluster action matched to ``item`` of ``album``.

    Names and numbers come from Spotify and replace the file's; the enrichment tags
    (:func:`enrichment_tags`) follow the options. ISRC and label replace the file's too: the file
    is being retagged as this release.

    :param item: the simplified track from the album's track list.
    :param full_track: the same track as a full object (ISRC, popularity), if fetched.
    """
    items = album.get("tracks", {}).get("items") or []
    disc = item.get("disc_number") or 1
    album_artists = [a["name"] for a in album.get("artists") or []]
    track_artists = [a["name"] for a in item.get("artists") or []]
    tags: Tags = {
        "album": album.get("name") or "",
        "albumartist": ", ".join(album_artists),
        "albumartists": album_artists,
        "artist": ", ".join(track_artists),
        "artists": track_artists,
        "title": item.get("name") or "",
        "tracknumber": str(item.get("track_number") or ""),
        "totaltracks": str(sum(1 for t in items if (t.get("disc_number") or 1) == disc)),
        "discnumber": str(disc),
        "totaldiscs": str(max((t.get("disc_number") or 1 for t in items), default=1)),
        "media": "Digital Media",
        "releasetype": album.get("album_type") or "",
    }
    if date := release_date(album):
        tags["date"] = date
    if album.get("label"):
        tags["label"] = album["label"]
    if upc := (album.get("external_ids") or {}).get("upc"):
        tags["barcode"] = upc
    if album.get("album_type") == "compilation":
        tags["compilation"] = "1"
    track = dict(full_track or item)
    track.setdefault("album", album)
    if isrc := (track.get("external_ids") or {}).get("isrc"):
        tags["isrc"] = isrc
    fresh = {k: v for k, v in current.items() if k not in ("label", "isrc")}
    tags.update(enrichment_tags(track, album, artists=artists, features=features, settings=settings, current=fresh))
    return {k: v for k, v in tags.items() if v not in ("", [])}
