"""Reading every Spotify export format into plays, including the broken and quirky parts."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from history.exports import ExportFormat, Play, RecordProblem, export_format, offline_time, read_export, valid_ip
from tests.history_helpers import START, extended_record, write_json


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Streaming_History_Audio_2019-2021_3.json", ExportFormat.EXTENDED_AUDIO),
        ("Streaming_History_Audio_2023_7.json", ExportFormat.EXTENDED_AUDIO),
        ("Streaming_History_Video_2020-2024.json", ExportFormat.EXTENDED_VIDEO),
        ("endsong_0.json", ExportFormat.ENDSONG),
        ("StreamingHistory_music_0.json", ExportFormat.ACCOUNT_MUSIC),
        ("StreamingHistory_podcast_0.json", ExportFormat.ACCOUNT_PODCAST),
        ("StreamingHistory0.json", ExportFormat.ACCOUNT_MUSIC),
        ("Userdata.json", None),
        ("Streaming_History_Audio_2023_7.json.bak", None),
    ],
)
def test_export_format_by_file_name(name: str, expected: ExportFormat | None) -> None:
    assert export_format(Path(name)) is expected


def read(path: Path) -> list[Play | RecordProblem]:
    fmt = export_format(path)
    assert fmt is not None
    return list(read_export(path, fmt))


def test_extended_records_become_typed_plays_of_each_content_type(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "Streaming_History_Audio_2021_0.json",
        [
            extended_record(START, 1000, spotify_track_uri="spotify:track:5CRPGdCSOfstyTVK9Ja5EQ",
                            master_metadata_track_name="Ceremony", reason_end="fwdbtn", shuffle=True),
            extended_record(START, 2000, spotify_episode_uri="spotify:episode:4rOoJ6Egrf8K2IrywzwOMk",
                            episode_name="Ep", episode_show_name="Show"),
            extended_record(START, 3000, audiobook_chapter_uri="spotify:audiobook_chapter:x", audiobook_title="Book",
                            audiobook_uri="spotify:audiobook:y", audiobook_chapter_title="Chapter 1"),
        ],
    )  # fmt: skip
    track, episode, chapter = read(path)
    assert isinstance(track, Play) and isinstance(episode, Play) and isinstance(chapter, Play)
    assert (track.content_type, track.uri, track.reason_end, track.shuffle) == (
        "track", "spotify:track:5CRPGdCSOfstyTVK9Ja5EQ", "fwdbtn", True,
    )  # fmt: skip
    assert track.ts == datetime(2021, 3, 1, 20, 15, tzinfo=timezone.utc)
    assert (episode.content_type, episode.show_name, episode.uri) == ("episode", "Show", "spotify:episode:4rOoJ6Egrf8K2IrywzwOMk")
    assert (chapter.content_type, chapter.audiobook_title, chapter.chapter_title) == ("audiobook", "Book", "Chapter 1")


def test_video_file_plays_are_videos(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "Streaming_History_Video_2021.json",
        [extended_record(START, 1000, spotify_episode_uri="spotify:episode:4rOoJ6Egrf8K2IrywzwOMk")],
    )
    assert [p.content_type for p in read(path)] == ["video"]


def test_old_endsong_uses_decrypted_ip_field(tmp_path: Path) -> None:
    record = extended_record(START, 1000, spotify_track_uri="spotify:track:5CRPGdCSOfstyTVK9Ja5EQ",
                             username="philipp", user_agent_decrypted="unknown", ip_addr_decrypted="2001:db8::1")  # fmt: skip
    del record["ip_addr"]
    (play,) = read(write_json(tmp_path / "endsong_0.json", [record]))
    assert isinstance(play, Play) and play.ip == "2001:db8::1"


def test_account_data_music_and_podcasts_have_names_only(tmp_path: Path) -> None:
    music = write_json(
        tmp_path / "StreamingHistory_music_0.json",
        [{"endTime": "2021-03-01 20:15", "artistName": "New Order", "trackName": "Blue Monday", "msPlayed": 3000}],
    )
    podcast = write_json(
        tmp_path / "StreamingHistory_podcast_0.json",
        [{"endTime": "2021-03-01 21:00", "podcastName": "Show", "episodeName": "Ep", "msPlayed": 60000}],
    )
    (song,) = read(music)
    (episode,) = read(podcast)
    assert isinstance(song, Play) and isinstance(episode, Play)
    assert (song.uri, song.artist_name, song.track_name, song.ts.minute) == (None, "New Order", "Blue Monday", 15)
    assert (episode.content_type, episode.show_name, episode.episode_name) == ("episode", "Show", "Ep")


def test_malformed_records_are_reported_by_index_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "Streaming_History_Audio_2021_0.json",
        [
            extended_record(START, 1000),
            {"ts": "2021-03-01T20:15:00Z"},  # no ms_played
            extended_record(START, "12"),  # type: ignore[arg-type]
            "not an object",
            {**extended_record(START, 1000), "ts": "yesterday"},
            extended_record(START, 2000),
        ],
    )
    items = read(path)
    problems = [i for i in items if isinstance(i, RecordProblem)]
    assert [p.index for p in problems] == [1, 2, 3, 4]
    assert "missing field 'ms_played'" in str(problems[0])
    assert str(problems[0]).startswith("Streaming_History_Audio_2021_0.json record 1:")
    assert not any(p.fatal for p in problems)
    assert [i.ms_played for i in items if isinstance(i, Play)] == [1000, 2000]


def test_a_truncated_file_is_read_up_to_the_break(tmp_path: Path) -> None:
    path = write_json(tmp_path / "Streaming_History_Audio_2021_0.json", [extended_record(START, n) for n in range(3)])
    path.write_text(path.read_text()[:-200])
    items = read(path)
    assert [i.ms_played for i in items if isinstance(i, Play)] == [0, 1]
    (problem,) = [i for i in items if isinstance(i, RecordProblem)]
    assert problem.fatal and problem.index == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, None),
        (None, None),
        (1614629700, datetime(2021, 3, 1, 20, 15, tzinfo=timezone.utc)),
        (1614629700123, datetime(2021, 3, 1, 20, 15, 0, 123000, tzinfo=timezone.utc)),
        ("1614629700", None),
    ],
)
def test_offline_timestamp_in_seconds_or_milliseconds(value: object, expected: datetime | None) -> None:
    assert offline_time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.0.2.10", "192.0.2.10"),
        ("2001:0db8:0000::1", "2001:db8::1"),
        ("xxx.xxx.x.x", None),
        ("unknown", None),
        ("", None),
        (None, None),
    ],
)
def test_only_valid_ip_addresses_are_kept(value: object, expected: str | None) -> None:
    assert valid_ip(value) == expected
