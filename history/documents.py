"""The document one play becomes in Elasticsearch, and the mapping that types it.

Pure functions only, so the shape can be tested without a cluster. The field names the original
spotify-to-elasticsearch dashboard reads stay as they were (``@timestamp``, ``title``, ``artist``,
``album``, ``user``, ``listened_to_ms``, ``listened_to_pct``, ``skipped``, ``explicit``,
``dayOfWeek``, ``hourOfDay``, ``spotify_metadata.popularity``, ``duration``); everything new is
grouped (``track.*``, ``artists.*``, ``audio_features.*``, ``episode.*``, ``audiobook.*``,
``play.*``, ``local.*``). Album details live under ``track.album.*`` (as in Spotify's track object)
because the legacy ``album`` field is already a keyword. ``metadata_source`` says where a
document's names and track fields came from: the catalog, Spotify's Web API (tracks the catalog
lacks, looked up online: ``catalog_match`` stays false) or the export alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal, NamedTuple

import orjson

from catalog.facts import AudioFeatureFacts, TrackFacts

from .exports import Play

# Since 2015-04 until 2022-10 the export says skipped=false for everything; these end reasons
# (the user moved on) and short plays are what a skip looks like in the other fields.
SKIP_REASONS = frozenset({"fwdbtn", "backbtn"})
SKIP_BELOW_MS = 30_000
# The audio features a document carries: all the catalog has, in its order.
AUDIO_FEATURES = AudioFeatureFacts._fields
# Where a document's track fields came from (its metadata_source).
MetadataSource = Literal["catalog", "spotify_web_api", "export"]
FROM_CATALOG: MetadataSource = "catalog"
FROM_WEB_API: MetadataSource = "spotify_web_api"
FROM_EXPORT: MetadataSource = "export"
_INFINITY = float("inf")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class PlayTime(NamedTuple):
    """A play's end as the document spells it: UTC, and in the user's time zone."""

    utc: str  # 2021-07-04T22:30:05Z (@timestamp)
    utc_iso: str  # 2021-07-04T22:30:05+00:00 (what document ids hash)
    local: str  # 2021-07-05T00:30:05+02:00
    weekday: int  # 1 = Monday
    hour: int


def play_time(ts: datetime, zone: tzinfo) -> PlayTime:
    """The time fields of a play ending at ``ts`` (in UTC, as :attr:`Play.ts`), local ones in ``zone``.

    Formatting datetimes and converting zones per play cost more than the rest of a document, and a
    history has only a few plays per hour: the zone's offset and the calendar prefix of each hour
    are computed once (cached) and each play only adds its minutes and seconds. Plays with
    sub-second times, and hours in which the zone changes its offset, take the exact datetime route.
    """
    if ts.microsecond:
        return _exact_play_time(ts, zone)
    seconds = int(ts.timestamp())
    offset = _steady_offset(zone, seconds // 3600)
    if offset is None:
        return _exact_play_time(ts, zone)
    offset_seconds, offset_text = offset
    utc_hour = _calendar_hour(seconds // 3600)[0]
    minutes = f"{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    local_seconds = seconds + offset_seconds
    local_hour, weekday, hour = _calendar_hour(local_seconds // 3600)
    if offset_seconds % 3600:  # +05:45, or a historical +00:19:32: the local minutes differ
        local_minutes = f"{local_seconds // 60 % 60:02d}:{local_seconds % 60:02d}"
    else:
        local_minutes = minutes
    utc = f"{utc_hour}{minutes}"
    return PlayTime(f"{utc}Z", f"{utc}+00:00", f"{local_hour}{local_minutes}{offset_text}", weekday, hour)


def _exact_play_time(ts: datetime, zone: tzinfo) -> PlayTime:
    """:func:`play_time` by plain datetime arithmetic: the reference the cached route must match."""
    local = ts.astimezone(zone)
    utc = ts.strftime("%Y-%m-%dT%H:%M:%SZ")
    return PlayTime(utc, ts.isoformat(), local.isoformat(), local.isoweekday(), local.hour)


_EPOCH = datetime(1970, 1, 1)


@functools.lru_cache(maxsize=8192)  # plays come in time order, so recent hours are what is asked
def _calendar_hour(hour: int) -> tuple[str, int, int]:
    """``("2021-07-04T22:", isoweekday, hour)`` of the ``hour``-th hour since the epoch (wall clock)."""
    start = _EPOCH + timedelta(hours=hour)
    return start.isoformat()[:14], start.isoweekday(), start.hour


@functools.lru_cache(maxsize=8192)
def _steady_offset(zone: tzinfo, hour: int) -> tuple[int, str] | None:
    """``zone``'s UTC offset in seconds and as ISO text (``+02:00``) throughout the ``hour``-th UTC
    hour since the epoch; None when it differs between the hour's first and last second.

    Zones change offset at most once in an hour (tzdata has no two transitions that close), so
    equal offsets at both ends mean one offset for the whole hour, whatever the zone's transitions
    (Newfoundland and Lord Howe change theirs at half past a UTC hour).
    """
    first = datetime.fromtimestamp(hour * 3600, zone)
    last = datetime.fromtimestamp(hour * 3600 + 3599, zone)
    offset = first.utcoffset()
    if offset is None or offset != last.utcoffset():
        return None
    return int(offset.total_seconds()), first.isoformat()[19:]


def document_id(user: str, play: Play, time: PlayTime | None = None) -> str:
    """Stable ``_id`` of a play: the same play re-imported keeps its id, two plays never share one.

    Keyed by user, end second, what was played and for how long, so two users, or two quick skips
    ending in the same second, get different ids. Plays without a URI (account data) are keyed by
    the names the export gives, never by what the catalog resolved them to, so a rebuilt catalog
    cannot change an id. ``time`` (from :func:`play_time`) saves formatting the end again.
    """
    content = play.uri or f"{play.artist_name}\x1f{play.track_name}\x1f{play.show_name}\x1f{play.episode_name}"
    end = time.utc_iso if time is not None else play.ts.isoformat()
    key = f"{user}\x1f{end}\x1f{content}\x1f{play.ms_played}"
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def duplicate_key(user: str, play: Play) -> tuple[str, datetime, str | None]:
    """Plays sharing this key but not ``ms_played`` are the export's near-duplicates."""
    return user, play.ts, play.uri or play.track_name or play.episode_name


def skipped_effective(play: Play) -> bool:
    """Whether the play was a skip, by the export's flag or else by how it ended.

    True when ``skipped`` is true, when it ended with the forward/back button, or when it lasted
    under 30 s without the track finishing (account-data plays have no reason: under 30 s).
    """
    if play.skipped:
        return True
    if play.reason_end in SKIP_REASONS:
        return True
    return play.ms_played < SKIP_BELOW_MS and play.reason_end != "trackdone"


def catalog_fields(facts: TrackFacts, source: MetadataSource = FROM_CATALOG) -> dict[str, Any]:
    """Everything the catalog (or, for ``source`` :data:`FROM_WEB_API`, Spotify's Web API) says
    about one track, as document fields shared by all its plays.

    Values the catalog lacks are left out of ``track.album`` and ``audio_features`` (no nulls or
    empty strings for the mapping to ignore), and so are audio features that are not finite
    numbers: JSON has no NaN or infinity.
    """
    album = facts.album
    fields: dict[str, Any] = {
        "title": facts.name,
        "artist": list(facts.artist_names),
        "album": album.name,
        "explicit": facts.explicit,
        "duration": facts.duration_ms,
        "spotify_metadata": {"popularity": facts.popularity},
        "catalog_match": source == FROM_CATALOG,
        "metadata_source": source,
        "track": {
            "id": facts.id,
            "uri": f"spotify:track:{facts.id}",
            "name": facts.name,
            "isrc": facts.isrc,
            "duration_ms": facts.duration_ms,
            "explicit": facts.explicit,
            "popularity": facts.popularity,
            "disc_number": facts.disc_number,
            "track_number": facts.track_number,
            "album": _compact(
                {
                    "id": album.id,
                    "name": album.name,
                    "type": album.album_type,
                    "label": album.label or None,
                    "popularity": album.popularity,
                    "release_date": album.release_date or None,
                    "release_year": album.release_year,
                    "total_tracks": album.total_tracks,
                }
            ),
        },
        "artists": {"id": list(facts.artist_ids), "name": list(facts.artist_names)},
        "genres": list(facts.genres),
    }
    if facts.audio_features:
        fields["audio_features"] = _feature_fields(facts.audio_features)
    return fields


def _feature_fields(features: AudioFeatureFacts) -> dict[str, Any]:
    return {name: value for name, value in zip(AUDIO_FEATURES, features) if value is not None and -_INFINITY < value < _INFINITY}


@dataclass(frozen=True, slots=True)
class CatalogFacts:
    """One track's :func:`catalog_fields` as JSON, encoded once: every play of the track shares it.

    The facts of a track the catalog lacks, looked up on Spotify's Web API, are held the same way
    with ``source`` :data:`FROM_WEB_API`.

    A history plays each track a dozen times on average; encoding the catalog half of a document
    (two thirds of its bytes) once per track instead of once per play is most of the saving. Only
    the JSON is kept: it is all a document needs, and it takes a third of the dict's memory.
    """

    json_members: str  # the fields as JSON object members, without the braces
    duration: int | None  # the track's length, for listened_to_pct
    source: MetadataSource = FROM_CATALOG

    @classmethod
    def of(cls, facts: TrackFacts, source: MetadataSource = FROM_CATALOG) -> CatalogFacts:
        """:func:`catalog_fields` of ``facts``, encoded.

        By orjson: tens of thousands of tracks are encoded per run, and it writes a track's fields
        in about a quarter of the time the standard library's encoder takes (5–6 against ~21 µs
        at 10M).
        """
        return cls(orjson.dumps(catalog_fields(facts, source))[1:-1].decode(), facts.duration_ms, source)


def play_fields(
    play: Play,
    time: PlayTime,
    *,
    user: str,
    zone_name: str,
    matched: bool,
    duration: int | None = None,
    keep_ip: bool = False,
    duplicate_of: str | None = None,
    source_file: str | None = None,
) -> dict[str, Any]:
    """The fields of a play's document that come from the export (and the run), not the catalog.

    With ``matched`` (the play has track facts, from the catalog or the Web API), the names the
    facts override are left out, and ``duration`` (the track's length) gives ``listened_to_pct``. Merge with the facts by :func:`build_document` or, already
    serialized, by :func:`document_json`.
    """
    doc: dict[str, Any] = {"@timestamp": time.utc, "user": user, "content_type": play.content_type}
    if not matched:
        doc["title"] = play.track_name or play.episode_name or play.chapter_title
        doc["artist"] = [play.artist_name] if play.artist_name else [play.show_name] if play.show_name else []
        doc["album"] = play.album_name or play.audiobook_title
        doc["catalog_match"] = False
        doc["metadata_source"] = FROM_EXPORT
    doc["listened_to_ms"] = play.ms_played
    doc["skipped_effective"] = skipped_effective(play)
    doc["dayOfWeek"] = _WEEKDAYS[time.weekday - 1]
    doc["hourOfDay"] = time.hour
    doc["local"] = {"time": time.local, "weekday": time.weekday, "hour": time.hour, "timezone": zone_name}
    doc["play"] = _compact(
        {
            "ms_played": play.ms_played,
            "uri": play.uri,
            "reason_start": play.reason_start,
            "reason_end": play.reason_end,
            "shuffle": play.shuffle,
            "offline": play.offline,
            "offline_timestamp": play.offline_timestamp.isoformat() if play.offline_timestamp else None,
            "incognito": play.incognito,
            "platform": play.platform,
            "country": play.country,
            "source_file": source_file,
            "near_duplicate": True if duplicate_of else None,
            "duplicate_of": duplicate_of,
        }
    )
    if play.skipped is not None:
        doc["skipped"] = play.skipped
    if matched and duration:
        doc["listened_to_pct"] = min(play.ms_played / duration, 1.0)
    if play.content_type == "episode" or (play.uri or "").startswith("spotify:episode:"):
        doc["episode"] = _compact(
            {"uri": play.uri, "id": _bare(play.uri), "name": play.episode_name, "show_name": play.show_name}
        )
    if play.content_type == "audiobook":
        doc["audiobook"] = _compact(
            {
                "uri": play.audiobook_uri,
                "title": play.audiobook_title,
                "chapter_uri": play.uri,
                "chapter_title": play.chapter_title,
            }
        )
    if keep_ip and play.ip:
        doc["ip"] = play.ip
    return doc


def build_document(
    play: Play,
    *,
    user: str,
    zone: tzinfo,
    facts: Mapping[str, Any] | None,
    keep_ip: bool = False,
    duplicate_of: str | None = None,
    source_file: str | None = None,
) -> dict[str, Any]:
    """The Elasticsearch document of one play.

    ``facts`` come from :func:`catalog_fields` (None when the catalog does not know the track: the
    export's names are used and ``catalog_match`` is false). Local-time fields use ``zone``.
    """
    doc = play_fields(
        play,
        play_time(play.ts, zone),
        user=user,
        zone_name=str(zone),
        matched=bool(facts),
        duration=facts.get("duration") if facts else None,
        keep_ip=keep_ip,
        duplicate_of=duplicate_of,
        source_file=source_file,
    )
    if facts:
        doc.update(facts)
    return doc


def document_json(fields: Mapping[str, Any], facts: CatalogFacts | None) -> str:
    """The document of :func:`play_fields` and the track's facts as JSON, the facts spliced in as
    serialized once (the two share no key: ``play_fields`` leaves out what the catalog overrides)."""
    text = _to_json(fields)
    if facts is None or not facts.json_members:
        return text
    return f"{text[:-1]},{facts.json_members}}}"


_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _bare(uri: str | None) -> str | None:
    return uri.rsplit(":", 1)[-1] if uri else None


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _keyword(**extra: Any) -> dict[str, Any]:
    return {"type": "keyword", "ignore_above": 1024, **extra}


def _text_keyword() -> dict[str, Any]:
    # Names are aggregated (top artists) and searched: keyword plus a text subfield.
    return _keyword(fields={"text": {"type": "text"}})


MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "@timestamp": {"type": "date"},
        "user": _keyword(),
        "content_type": _keyword(),
        "title": _text_keyword(),
        "artist": _text_keyword(),
        "album": _text_keyword(),
        "catalog_match": {"type": "boolean"},
        "metadata_source": _keyword(),
        "listened_to_ms": {"type": "long"},
        "listened_to_pct": {"type": "float"},
        "skipped": {"type": "boolean"},
        "skipped_effective": {"type": "boolean"},
        "explicit": {"type": "boolean"},
        "duration": {"type": "long"},
        "dayOfWeek": _keyword(),
        "hourOfDay": {"type": "integer"},
        "spotify_metadata": {"properties": {"popularity": {"type": "integer"}}},
        "local": {
            "properties": {
                "time": {"type": "date"},
                "weekday": {"type": "integer"},
                "hour": {"type": "integer"},
                "timezone": _keyword(),
            }
        },
        "track": {
            "properties": {
                "id": _keyword(),
                "uri": _keyword(),
                "name": _text_keyword(),
                "isrc": _keyword(),
                "duration_ms": {"type": "long"},
                "explicit": {"type": "boolean"},
                "popularity": {"type": "integer"},
                "disc_number": {"type": "integer"},
                "track_number": {"type": "integer"},
                "album": {
                    "properties": {
                        "id": _keyword(),
                        "name": _text_keyword(),
                        "type": _keyword(),
                        "label": _keyword(),
                        "popularity": {"type": "integer"},
                        # Spotify release dates may be "1987", "1987-08" or "1987-08-17".
                        "release_date": _keyword(),
                        "release_year": {"type": "integer"},
                        "total_tracks": {"type": "integer"},
                    }
                },
            }
        },
        "artists": {"properties": {"id": _keyword(), "name": _text_keyword()}},
        "genres": _keyword(),
        "audio_features": {
            "properties": {
                name: {"type": "integer" if name in ("key", "mode", "time_signature") else "float"}
                for name in AUDIO_FEATURES
            }
        },
        "episode": {
            "properties": {"uri": _keyword(), "id": _keyword(), "name": _text_keyword(), "show_name": _text_keyword()}
        },
        "audiobook": {
            "properties": {
                "uri": _keyword(),
                "title": _text_keyword(),
                "chapter_uri": _keyword(),
                "chapter_title": _text_keyword(),
            }
        },
        "play": {
            "properties": {
                "ms_played": {"type": "long"},
                "uri": _keyword(),
                "reason_start": _keyword(),
                "reason_end": _keyword(),
                "shuffle": {"type": "boolean"},
                "offline": {"type": "boolean"},
                "offline_timestamp": {"type": "date"},
                "incognito": {"type": "boolean"},
                "platform": _keyword(),
                "country": _keyword(),
                "source_file": _keyword(),
                "near_duplicate": {"type": "boolean"},
                "duplicate_of": _keyword(),
            }
        },
        "ip": {"type": "ip"},
    },
}


def mapped_fields(mapping: Mapping[str, Any] = MAPPING) -> dict[str, str]:
    """Every field path the mapping defines (``track.album.name``, ``title.text``…) with its type."""
    fields: dict[str, str] = {}

    def walk(properties: Mapping[str, Any], prefix: str) -> None:
        for name, spec in properties.items():
            path = f"{prefix}{name}"
            if "properties" in spec:
                walk(spec["properties"], f"{path}.")
                continue
            fields[path] = spec["type"]
            for sub, sub_spec in spec.get("fields", {}).items():
                fields[f"{path}.{sub}"] = sub_spec["type"]

    walk(mapping["properties"], "")
    return fields
