"""The Spotify Web API object shapes the catalog returns, as TypedDicts.

They mirror the published Web API schema (tests validate real objects against it), so code written
for the Spotify API reads catalog objects unchanged.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

# pydantic (the server's response models) accepts only typing_extensions' TypedDict on Python < 3.12.
from typing_extensions import NotRequired, TypedDict

T = TypeVar("T")


class ExternalUrls(TypedDict):
    spotify: str


class Image(TypedDict):
    url: str
    height: int | None
    width: int | None


class Followers(TypedDict):
    href: None
    total: int


class Copyright(TypedDict):
    text: str
    type: Literal["C", "P"]


class SimplifiedArtist(TypedDict):
    external_urls: ExternalUrls
    href: str
    id: str
    name: str
    type: Literal["artist"]
    uri: str


class Artist(SimplifiedArtist):
    followers: Followers
    genres: list[str]
    images: list[Image]
    popularity: int


class SimplifiedAlbum(TypedDict):
    album_type: str
    total_tracks: int
    available_markets: NotRequired[list[str]]
    is_playable: NotRequired[bool]
    external_urls: ExternalUrls
    href: str
    id: str
    images: list[Image]
    name: str
    release_date: str
    release_date_precision: str
    type: Literal["album"]
    uri: str
    artists: list[SimplifiedArtist]
    album_group: NotRequired[str]


class SimplifiedTrack(TypedDict):
    artists: list[SimplifiedArtist]
    available_markets: NotRequired[list[str]]
    is_playable: NotRequired[bool]
    disc_number: int
    duration_ms: int
    explicit: bool
    external_urls: ExternalUrls
    href: str
    id: str
    is_local: bool
    name: str
    preview_url: str | None
    track_number: int
    type: Literal["track"]
    uri: str


class Track(SimplifiedTrack):
    album: SimplifiedAlbum
    external_ids: dict[str, str]
    popularity: int


class Paging(TypedDict, Generic[T]):
    href: str
    items: list[T]
    limit: int
    next: str | None
    offset: int
    previous: str | None
    total: int


class Album(SimplifiedAlbum):
    tracks: Paging[SimplifiedTrack]
    copyrights: list[Copyright]
    external_ids: dict[str, str]
    genres: list[str]
    label: str
    popularity: int


class AudioFeatures(TypedDict):
    acousticness: float | None
    analysis_url: str
    danceability: float | None
    duration_ms: int | None
    energy: float | None
    id: str
    instrumentalness: float | None
    key: int | None
    liveness: float | None
    loudness: float | None
    mode: int | None
    speechiness: float | None
    tempo: float | None
    time_signature: int | None
    track_href: str
    type: Literal["audio_features"]
    uri: str
    valence: float | None


class SearchResults(TypedDict, total=False):
    tracks: Paging[Track]
    albums: Paging[SimplifiedAlbum]
    artists: Paging[Artist]
