"""Spotify's listening-history exports, streamed into typed plays.

Spotify hands out two exports with different shapes: the "Extended streaming history"
(``Streaming_History_Audio_*.json``, ``Streaming_History_Video_*.json``, older ``endsong_*.json``)
with ids, skips and platforms, and the "Account data" one (``StreamingHistory_music_*.json``,
``StreamingHistory_podcast_*.json``, older ``StreamingHistory<N>.json``) with only an end minute,
names and milliseconds. Both are one JSON array per file; files are read incrementally with
``ijson`` so a 12 MB file never sits in memory as a Python list. A broken record is reported with
its file and index and skipped; a broken file is read up to the break.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import ijson

ContentType = Literal["track", "episode", "audiobook", "video"]


class ExportFormat(enum.Enum):
    """Which export a file belongs to, decided by its name."""

    EXTENDED_AUDIO = "extended_audio"
    EXTENDED_VIDEO = "extended_video"
    ENDSONG = "endsong"
    ACCOUNT_MUSIC = "account_music"
    ACCOUNT_PODCAST = "account_podcast"

    @property
    def is_account_data(self) -> bool:
        return self in (ExportFormat.ACCOUNT_MUSIC, ExportFormat.ACCOUNT_PODCAST)


_FORMATS_BY_NAME = (
    (re.compile(r"Streaming_History_Audio_.*\.json", re.I), ExportFormat.EXTENDED_AUDIO),
    (re.compile(r"Streaming_History_Video_.*\.json", re.I), ExportFormat.EXTENDED_VIDEO),
    (re.compile(r"endsong_?\d*\.json", re.I), ExportFormat.ENDSONG),
    (re.compile(r"StreamingHistory_?podcast_?\d*\.json", re.I), ExportFormat.ACCOUNT_PODCAST),
    (re.compile(r"StreamingHistory(_?music)?_?\d*\.json", re.I), ExportFormat.ACCOUNT_MUSIC),
)

# Extended-history offline timestamps are seconds, milliseconds or 0; anything past this is ms.
_MILLISECONDS_FROM = 10**11


def export_format(path: Path) -> ExportFormat | None:
    """The export ``path`` belongs to, by its file name; None for any other file."""
    for pattern, fmt in _FORMATS_BY_NAME:
        if pattern.fullmatch(path.name):
            return fmt
    return None


@dataclass(slots=True)
class Play:
    """One play as the export states it: its names and URIs are the export's."""

    ts: datetime  # UTC end of the play
    ms_played: int
    content_type: ContentType
    uri: str | None  # spotify:track:…, spotify:episode:…, spotify:audiobook_chapter:…; None when unknown
    track_name: str | None = None
    artist_name: str | None = None
    album_name: str | None = None
    episode_name: str | None = None
    show_name: str | None = None
    audiobook_title: str | None = None
    audiobook_uri: str | None = None
    chapter_title: str | None = None
    platform: str | None = None
    country: str | None = None
    ip: str | None = None  # only syntactically valid IPv4/IPv6 addresses
    reason_start: str | None = None
    reason_end: str | None = None
    shuffle: bool | None = None
    skipped: bool | None = None
    offline: bool | None = None
    offline_timestamp: datetime | None = None
    incognito: bool | None = None


@dataclass(frozen=True, slots=True)
class RecordProblem:
    """A record (or, when ``fatal``, the rest of the file) that could not be read; ``index`` counts from 0."""

    path: Path
    index: int
    reason: str
    fatal: bool = False

    def __str__(self) -> str:
        return f"{self.path.name} record {self.index}: {self.reason}"


def read_export(path: Path, fmt: ExportFormat) -> Iterator[Play | RecordProblem]:
    """Every play of one export file, in file order, with a :class:`RecordProblem` in place of each
    record that cannot be read. A file that stops being JSON ends with one problem naming the
    record where it broke."""
    parse = _account_play if fmt.is_account_data else _extended_play
    read = 0
    try:
        with path.open("rb") as stream:
            for record in ijson.items(stream, "item", use_float=True):
                try:
                    yield parse(record, fmt)
                except (KeyError, TypeError, ValueError) as exc:
                    yield RecordProblem(path, read, _describe(exc))
                read += 1
    except ijson.JSONError as exc:
        yield RecordProblem(path, read, f"not valid JSON from here on ({exc}); the rest of the file was not read", fatal=True)
    except OSError as exc:
        yield RecordProblem(path, read, f"cannot be read: {exc}", fatal=True)


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def _extended_play(record: Any, fmt: ExportFormat) -> Play:
    if not isinstance(record, dict):
        raise TypeError(f"expected an object, got {type(record).__name__}")
    ms_played = _ms(record["ms_played"])
    track_uri = record.get("spotify_track_uri")
    episode_uri = record.get("spotify_episode_uri")
    chapter_uri = record.get("audiobook_chapter_uri")
    uri = track_uri or episode_uri or chapter_uri
    if fmt is ExportFormat.EXTENDED_VIDEO:
        content_type: ContentType = "video"
    elif chapter_uri or record.get("audiobook_title"):
        content_type = "audiobook"
    elif episode_uri or record.get("episode_name"):
        content_type = "episode"
    else:
        content_type = "track"
    return Play(
        ts=parse_utc(record["ts"]),
        ms_played=ms_played,
        content_type=content_type,
        uri=uri,
        track_name=record.get("master_metadata_track_name"),
        artist_name=record.get("master_metadata_album_artist_name"),
        album_name=record.get("master_metadata_album_album_name"),
        episode_name=record.get("episode_name"),
        show_name=record.get("episode_show_name"),
        audiobook_title=record.get("audiobook_title"),
        audiobook_uri=record.get("audiobook_uri"),
        chapter_title=record.get("audiobook_chapter_title"),
        platform=record.get("platform"),
        country=record.get("conn_country"),
        ip=valid_ip(record.get("ip_addr") or record.get("ip_addr_decrypted")),
        reason_start=record.get("reason_start"),
        reason_end=record.get("reason_end"),
        shuffle=record.get("shuffle"),
        skipped=record.get("skipped"),
        offline=record.get("offline"),
        offline_timestamp=offline_time(record.get("offline_timestamp")),
        incognito=record.get("incognito_mode"),
    )


def _account_play(record: Any, fmt: ExportFormat) -> Play:
    if not isinstance(record, dict):
        raise TypeError(f"expected an object, got {type(record).__name__}")
    ts = datetime.strptime(record["endTime"], "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)
    ms_played = _ms(record["msPlayed"])
    if fmt is ExportFormat.ACCOUNT_PODCAST or "podcastName" in record:
        return Play(
            ts=ts,
            ms_played=ms_played,
            content_type="episode",
            uri=None,
            episode_name=record.get("episodeName"),
            show_name=record.get("podcastName"),
        )
    return Play(
        ts=ts,
        ms_played=ms_played,
        content_type="track",
        uri=None,
        track_name=record["trackName"],
        artist_name=record["artistName"],
    )


def _ms(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"ms_played must be a non-negative number, got {value!r}")
    return int(value)


def parse_utc(value: str) -> datetime:
    """``2021-03-04T05:06:07Z`` as an aware UTC datetime."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is timezone.utc:  # the export's "Z": nothing to convert
        return parsed
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def offline_time(value: Any) -> datetime | None:
    """The export's offline timestamp, which may be seconds, milliseconds, 0 or missing."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return None
    seconds = value / 1000 if value >= _MILLISECONDS_FROM else value
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


@functools.lru_cache(maxsize=4096)  # a history has few distinct addresses; parsing one is slow
def valid_ip(value: Any) -> str | None:
    """The address when it is a real IPv4 or IPv6 one; masked ("xxx.xxx.x.x") or garbage gives None."""
    if not isinstance(value, str):
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
