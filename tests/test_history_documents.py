"""The document model: ids, skips, local time, catalog facts (the dashboard: test_history_dashboard.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from catalog import Catalog
from history.documents import (
    AUDIO_FEATURES,
    FROM_CATALOG,
    FROM_WEB_API,
    CatalogFacts,
    _exact_play_time,
    build_document,
    catalog_fields,
    document_id,
    document_json,
    mapped_fields,
    play_fields,
    play_time,
    skipped_effective,
)
from history.exports import Play

BERLIN = ZoneInfo("Europe/Berlin")
SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"


def play(**fields: Any) -> Play:
    values: dict[str, Any] = {
        "ts": datetime(2021, 7, 4, 22, 30, 5, tzinfo=timezone.utc),
        "ms_played": 120_000,
        "content_type": "track",
        "uri": "spotify:track:5CRPGdCSOfstyTVK9Ja5EQ",
        "track_name": "Ceremony",
        "artist_name": "New Order",
        "album_name": "Substance",
    }
    values.update(fields)
    return Play(**values)


def test_ids_differ_by_user_content_and_length_but_not_by_run() -> None:
    base = play()
    assert document_id("philipp", base) == document_id("philipp", play())
    assert document_id("philipp", base) != document_id("anna", base)
    # Two quick skips ending in the same second (the original importer kept only one).
    assert document_id("philipp", base) != document_id("philipp", play(uri="spotify:track:6hHc7Pks7wtBIW8Z6A0iFq"))
    assert document_id("philipp", base) != document_id("philipp", play(ms_played=119_000))


def test_ids_hash_the_same_key_as_before() -> None:
    # Ids must not change between versions, or a re-import would duplicate every play.
    assert document_id("philipp", play()) == "1c320ca78714fd582db0584b9c8a0a6c"


@pytest.mark.parametrize(
    "zone",
    ["Europe/Berlin", "UTC", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/Amsterdam",
     "America/Sao_Paulo", "Pacific/Apia"],
)  # fmt: skip
def test_cached_time_fields_match_datetime_arithmetic(zone: str) -> None:
    # Every 10 min 13 s through the months of 2021's DST changes (St John's and Lord Howe change at
    # half past a UTC hour), and every 73 h 1 min 1 s across 1900-1950 (odd offsets like
    # Amsterdam's +00:19:32, dates before 1970).
    tz = ZoneInfo(zone)
    months = [datetime(2021, month, 1, tzinfo=timezone.utc) for month in (3, 4, 9, 10, 11)]
    changes = [start + timedelta(seconds=613 * n) for start in months for n in range(4400)]
    old = [datetime(1900, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=262_861 * n) for n in range(6000)]
    for ts in changes + old:
        assert play_time(ts, tz) == _exact_play_time(ts, tz), ts
    sub_second = datetime(2021, 7, 4, 22, 30, 5, 250_000, tzinfo=timezone.utc)
    assert play_time(sub_second, tz) == _exact_play_time(sub_second, tz)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"skipped": True, "reason_end": "trackdone"}, True),
        ({"skipped": False, "reason_end": "fwdbtn"}, True),
        ({"skipped": False, "reason_end": "backbtn"}, True),
        ({"skipped": False, "reason_end": "endplay", "ms_played": 12_000}, True),
        ({"skipped": False, "reason_end": "trackdone", "ms_played": 12_000}, False),
        ({"skipped": False, "reason_end": "endplay", "ms_played": 90_000}, False),
        ({"skipped": None, "reason_end": None, "ms_played": 5_000}, True),  # account data
    ],
)
def test_skipped_effective_rule(fields: dict[str, Any], expected: bool) -> None:
    assert skipped_effective(play(**fields)) is expected


def test_local_time_fields_follow_the_zone_including_summer_time() -> None:
    doc = build_document(play(), user="philipp", zone=BERLIN, facts=None)
    # 22:30 UTC on a Sunday in July is 00:30 on Monday in Berlin (UTC+2).
    assert (doc["@timestamp"], doc["dayOfWeek"], doc["hourOfDay"]) == ("2021-07-04T22:30:05Z", "Monday", 0)
    assert doc["local"] == {"time": "2021-07-05T00:30:05+02:00", "weekday": 1, "hour": 0, "timezone": "Europe/Berlin"}
    winter = build_document(play(ts=datetime(2021, 1, 4, 22, 30, tzinfo=timezone.utc)), user="p", zone=BERLIN, facts=None)
    assert winter["hourOfDay"] == 23


def test_unmatched_play_keeps_what_the_export_says() -> None:
    doc = build_document(play(ip="192.0.2.1"), user="philipp", zone=BERLIN, facts=None)
    assert (doc["catalog_match"], doc["metadata_source"]) == (False, "export")
    assert (doc["title"], doc["artist"], doc["album"]) == ("Ceremony", ["New Order"], "Substance")
    assert "listened_to_pct" not in doc and "ip" not in doc
    assert build_document(play(ip="192.0.2.1"), user="p", zone=BERLIN, facts=None, keep_ip=True)["ip"] == "192.0.2.1"


def test_catalog_facts_fill_the_legacy_and_grouped_fields(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE, track_limit=1)
    assert album is not None
    track = sample_catalog.track(album["tracks"]["items"][0]["id"])
    assert track is not None
    (facts,) = sample_catalog.track_facts([track["id"]])
    assert facts is not None
    doc = build_document(play(ms_played=10_000_000), user="philipp", zone=BERLIN, facts=catalog_fields(facts))
    assert (doc["catalog_match"], doc["metadata_source"]) == (True, "catalog")
    assert doc["listened_to_pct"] == 1.0  # clipped
    assert doc["spotify_metadata"] == {"popularity": track["popularity"]}
    assert doc["duration"] == track["duration_ms"]
    assert (doc["title"], doc["artist"], doc["album"]) == (track["name"], ["New Order"], "Substance")
    assert doc["track"]["uri"] == track["uri"] and doc["track"]["isrc"] == "GBAAP0000867"
    assert doc["track"]["album"] == {
        "id": SUBSTANCE, "name": "Substance", "type": album["album_type"], "label": "Rhino",
        "popularity": album["popularity"], "release_date": album["release_date"], "release_year": 1987,
        "total_tracks": album["total_tracks"],
    }  # fmt: skip
    assert doc["artists"] == {"id": [a["id"] for a in track["artists"]], "name": ["New Order"]}
    assert "new wave" in doc["genres"] and doc["genres"] == sorted(set(doc["genres"]))
    (features,) = sample_catalog.audio_features([track["id"]])
    assert features is not None
    assert doc["audio_features"] == {name: features[name] for name in AUDIO_FEATURES}  # type: ignore[literal-required]


def test_facts_looked_up_online_say_so_and_are_no_catalog_match(sample_catalog: Catalog) -> None:
    # A track the catalog lacks, resolved through Spotify's Web API: its facts fill the document
    # as the catalog's would, but the document must not claim the catalog knew it.
    (facts,) = sample_catalog.track_facts(["5CRPGdCSOfstyTVK9Ja5EQ"])
    assert facts is not None
    online = facts._replace(popularity=None, audio_features=None, album=facts.album._replace(popularity=None))
    doc = build_document(play(), user="p", zone=BERLIN, facts=catalog_fields(online, FROM_WEB_API))
    assert (doc["catalog_match"], doc["metadata_source"]) == (False, "spotify_web_api")
    assert (doc["title"], doc["track"]["isrc"], doc["listened_to_pct"]) == ("Ceremony", "GBAAP0000867", 120_000 / facts.duration_ms)
    assert doc["spotify_metadata"] == {"popularity": None} and "popularity" not in doc["track"]["album"]
    assert CatalogFacts.of(online, FROM_WEB_API).source == FROM_WEB_API


def test_facts_json_reads_back_as_the_catalog_fields_of_every_sample_track(sample_catalog: Catalog, sample_dir: Path) -> None:
    # A track's fields are encoded once and spliced into each of its plays' documents: the JSON
    # must read back as exactly catalog_fields (names with any characters, floats to the last bit).
    ids = pq.read_table(sample_dir / "tracks.parquet", columns=["id"]).column("id").to_pylist()
    tracks = [f for f in sample_catalog.track_facts(ids) if f is not None]
    assert len(tracks) == 393
    (ceremony,) = sample_catalog.track_facts(["5CRPGdCSOfstyTVK9Ja5EQ"])
    assert ceremony is not None and ceremony.audio_features is not None
    odd = [
        ceremony._replace(name='Say "Hi" \\ \n\t\x01 ✓ 日本', artist_names=("Ä", '"', "\u2028"), isrc=None),
        ceremony._replace(album=ceremony.album._replace(label="", release_date="", album_type=None)),  # type: ignore[arg-type]
        ceremony._replace(album=ceremony.album._replace(release_date="unknown")),
        ceremony._replace(audio_features=None, genres=()),
        ceremony._replace(audio_features=ceremony.audio_features._replace(tempo=1e-05, loudness=-0.0, energy=1e22)),
        ceremony._replace(popularity=None, album=ceremony.album._replace(popularity=None)),  # a development-mode app's
    ]  # fmt: skip
    for facts in tracks + odd:
        for source in (FROM_CATALOG, FROM_WEB_API):
            encoded = CatalogFacts.of(facts, source)
            assert json.loads(f"{{{encoded.json_members}}}") == catalog_fields(facts, source)
            assert encoded.duration == facts.duration_ms and encoded.source == source


def test_audio_features_that_are_not_finite_numbers_are_left_out(sample_catalog: Catalog) -> None:
    # JSON has no NaN or infinity: a document holding one would be refused by Elasticsearch.
    (facts,) = sample_catalog.track_facts(["5CRPGdCSOfstyTVK9Ja5EQ"])
    assert facts is not None and facts.audio_features is not None
    odd = facts._replace(audio_features=facts.audio_features._replace(tempo=float("nan"), loudness=float("-inf"), key=None))
    features = json.loads(f"{{{CatalogFacts.of(odd).json_members}}}")["audio_features"]
    assert "tempo" not in features and "loudness" not in features and "key" not in features
    assert features["energy"] == facts.audio_features.energy and len(features) == len(AUDIO_FEATURES) - 3


def test_empty_catalog_values_are_left_out_of_documents(sample_catalog: Catalog) -> None:
    # An album without a label or release date, and a track without audio features, as in parts
    # of the dump: no empty strings or nulls in the document (the mapping has no use for them).
    (facts,) = sample_catalog.track_facts(["5CRPGdCSOfstyTVK9Ja5EQ"])
    assert facts is not None
    bare = facts._replace(audio_features=None, album=facts.album._replace(label="", release_date=""))
    fields = catalog_fields(bare)
    assert "audio_features" not in fields
    assert fields["track"]["album"].keys() == {"id", "name", "type", "popularity", "total_tracks"}


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)


@pytest.mark.parametrize("matched", [True, False])
def test_document_json_is_the_document(sample_catalog: Catalog, matched: bool) -> None:
    (track,) = sample_catalog.track_facts(["5CRPGdCSOfstyTVK9Ja5EQ"])
    assert track is not None
    facts = catalog_fields(track) if matched else None
    the_play = play(ip="192.0.2.1", reason_end="fwdbtn", skipped=False, platform="ios")
    expected = build_document(the_play, user="p", zone=BERLIN, facts=facts, keep_ip=True, source_file="f.json")
    fields = play_fields(
        the_play, play_time(the_play.ts, BERLIN), user="p", zone_name="Europe/Berlin", matched=matched,
        duration=track.duration_ms if matched else None, keep_ip=True, source_file="f.json",
    )  # fmt: skip
    text = document_json(fields, CatalogFacts.of(track) if matched else None)
    assert json.loads(text, object_pairs_hook=_no_duplicate_keys) == expected


def test_podcast_and_audiobook_groups() -> None:
    episode = build_document(
        play(content_type="episode", uri="spotify:episode:4rOoJ6Egrf8K2IrywzwOMk", track_name=None, artist_name=None,
             album_name=None, episode_name="Ep", show_name="Show"),
        user="p", zone=BERLIN, facts=None, duplicate_of="abc",
    )  # fmt: skip
    assert episode["episode"] == {"uri": "spotify:episode:4rOoJ6Egrf8K2IrywzwOMk", "id": "4rOoJ6Egrf8K2IrywzwOMk",
                                  "name": "Ep", "show_name": "Show"}  # fmt: skip
    assert (episode["title"], episode["artist"]) == ("Ep", ["Show"])
    assert episode["play"]["near_duplicate"] is True and episode["play"]["duplicate_of"] == "abc"
    chapter = build_document(
        play(content_type="audiobook", uri="spotify:audiobook_chapter:c", track_name=None, artist_name=None,
             album_name=None, audiobook_title="Book", audiobook_uri="spotify:audiobook:b", chapter_title="One"),
        user="p", zone=BERLIN, facts=None,
    )  # fmt: skip
    assert chapter["audiobook"]["title"] == "Book" and chapter["title"] == "One"


def _leaf_paths(doc: dict[str, Any], prefix: str = "") -> set[str]:
    paths = set()
    for key, value in doc.items():
        if isinstance(value, dict):
            paths |= _leaf_paths(value, f"{prefix}{key}.")
        else:
            paths.add(f"{prefix}{key}")
    return paths


def test_every_document_field_is_mapped(sample_catalog: Catalog) -> None:
    (track,) = sample_catalog.track_facts(["5CRPGdCSOfstyTVK9Ja5EQ"])
    assert track is not None and track.audio_features is not None
    facts = catalog_fields(track)
    doc = build_document(
        play(ip="192.0.2.1", reason_start="clickrow", reason_end="fwdbtn", shuffle=True, skipped=False, offline=True,
             offline_timestamp=datetime(2021, 1, 1, tzinfo=timezone.utc), incognito=False, platform="ios", country="DE",
             content_type="episode", show_name="Show", episode_name="Ep"),
        user="p", zone=BERLIN, facts=facts, keep_ip=True, duplicate_of="x", source_file="f.json",
    )  # fmt: skip
    assert _leaf_paths(doc) <= set(mapped_fields())
