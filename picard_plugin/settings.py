"""The plugin's options: names, defaults, and a typed snapshot read from Picard's config.

Standard library only. ``OPTIONS`` is registered with ``api.plugin_config.register_option`` when the
plugin is enabled; the options page, the track processor and the actions all read the same
:class:`Settings` snapshot through :func:`read_settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TRANSPORT_SERVER = "server"
TRANSPORT_CATALOG = "catalog"
TRANSPORTS = (TRANSPORT_SERVER, TRANSPORT_CATALOG)

GENRE_ADD = "add"
GENRE_REPLACE = "replace"
GENRE_LEAVE = "leave"
GENRE_MODES = (GENRE_ADD, GENRE_REPLACE, GENRE_LEAVE)

DEFAULT_SERVER_URL = "http://127.0.0.1:8000"

AUDIO_FEATURES = (
    "acousticness",
    "danceability",
    "energy",
    "instrumentalness",
    "liveness",
    "loudness",
    "speechiness",
    "tempo",
    "valence",
    "key",
    "mode",
    "time_signature",
)
"""Spotify's numeric audio features; each one the user opts into is written as ``spotify_<name>``."""

OPTIONS: dict[str, tuple[Any, str]] = {
    "transport": (TRANSPORT_SERVER, "Transport: local server or in-process catalog"),
    "server_url": (DEFAULT_SERVER_URL, "Local server URL"),
    "catalog_path": ("", "Catalog file (in-process transport)"),
    "enrich_tracks": (True, "Enrich MusicBrainz tracks while releases load"),
    "write_ids": (True, "Write Spotify track, album and artist ids"),
    "write_popularity": (True, "Write Spotify popularity"),
    "genre_mode": (GENRE_ADD, "Spotify artist genres: add to, replace or leave the genre tag"),
    "write_label": (True, "Write the label when missing"),
    "write_isrc": (True, "Write the ISRC when missing"),
    "write_explicit": (True, "Write the explicit flag"),
    "write_bpm_key": (True, "Write bpm and key from audio features"),
    "audio_features": ([], "Spotify audio features written as spotify_* tags"),
}
"""Option name → (default, title). The default's type is the option's type in Picard's config."""


@dataclass(frozen=True)
class Settings:
    """What the user chose on the options page (defaults: the server transport, everything but
    the numeric audio features written, genres added)."""

    transport: str = TRANSPORT_SERVER
    server_url: str = DEFAULT_SERVER_URL
    catalog_path: str = ""
    enrich_tracks: bool = True
    write_ids: bool = True
    write_popularity: bool = True
    genre_mode: str = GENRE_ADD
    write_label: bool = True
    write_isrc: bool = True
    write_explicit: bool = True
    write_bpm_key: bool = True
    audio_features: tuple[str, ...] = field(default_factory=tuple)

    @property
    def wants_artists(self) -> bool:
        """Whether a lookup needs the full artist objects (only genres come from them)."""
        return self.genre_mode != GENRE_LEAVE

    @property
    def wants_audio_features(self) -> bool:
        return self.write_bpm_key or bool(self.audio_features)


def read_settings(config: Mapping[str, Any] | Any) -> Settings:
    """A :class:`Settings` from Picard's plugin config section (anything indexable by option name).

    Unknown or malformed values fall back to the defaults, so a hand-edited config never stops a
    lookup.
    """

    def get(name: str) -> Any:
        try:
            value = config[name]
        except (KeyError, TypeError):
            value = None
        return OPTIONS[name][0] if value is None else value

    transport = str(get("transport"))
    genre_mode = str(get("genre_mode"))
    server_url = str(get("server_url")).strip().rstrip("/") or DEFAULT_SERVER_URL
    if "://" not in server_url:  # "localhost:8000" as people type it
        server_url = "http://" + server_url
    features = get("audio_features")
    if isinstance(features, str):
        features = [features]
    return Settings(
        transport=transport if transport in TRANSPORTS else TRANSPORT_SERVER,
        server_url=server_url,
        catalog_path=str(get("catalog_path")).strip(),
        enrich_tracks=bool(get("enrich_tracks")),
        write_ids=bool(get("write_ids")),
        write_popularity=bool(get("write_popularity")),
        genre_mode=genre_mode if genre_mode in GENRE_MODES else GENRE_ADD,
        write_label=bool(get("write_label")),
        write_isrc=bool(get("write_isrc")),
        write_explicit=bool(get("write_explicit")),
        write_bpm_key=bool(get("write_bpm_key")),
        audio_features=tuple(f for f in AUDIO_FEATURES if f in set(features or ())),
    )
