"""The whole import against a real search engine through the official elasticsearch client.

One engine serves the module (``search_engine``); each test starts from an empty cluster. The
kill-mid-run test runs its own engine, which it stops during a bulk and starts again on the same
home folder.
"""

from __future__ import annotations

import gc
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from catalog import Catalog
from history.cli import history
from history.elastic import ALIAS, INDEX, Connection, IndexConflict, ensure_index, track_play_counts
from history.enrich import Enricher
from history.importer import PROCESSED, ImportOptions, ImportStopped, collector_paused, import_folder
from tests.history_helpers import (
    START,
    SearchEngine,
    es,
    extended_record,
    kill_engine,
    minutes,
    require_java,
    search_engine,
    track_record,
    write_json,
)

__all__ = ["es", "search_engine"]  # fixtures, imported to be found by pytest

BERLIN = ZoneInfo("Europe/Berlin")


def write_exports(folder: Path, tracks: list[dict[str, Any]]) -> dict[str, int]:
    """One file of every format with the export's quirks; returns the documents each should give."""
    ceremony, blue_monday = tracks[0], tracks[3]
    audio = [track_record(START + minutes(4 * n), 200_000, tracks[n % len(tracks)], reason_end="trackdone") for n in range(40)]
    audio += [
        # Two quick skips ending in the same second: two documents.
        track_record(START + minutes(500), 1_500, ceremony, reason_end="fwdbtn"),
        track_record(START + minutes(500), 900, blue_monday, reason_end="fwdbtn"),
        # The same play twice (an exact duplicate) and a near duplicate with another length.
        track_record(START + minutes(600), 60_000, ceremony),
        track_record(START + minutes(600), 60_000, ceremony),
        track_record(START + minutes(600), 61_000, ceremony),
        # Unknown to the catalog; IPv6 and masked IPs; offline timestamps in s and ms.
        extended_record(START + minutes(700), 30_000, spotify_track_uri="spotify:track:0000000000000000000000",
                        master_metadata_track_name="Gone", master_metadata_album_artist_name="Nobody",
                        ip_addr="2001:db8::7", offline=True, offline_timestamp=1614629700),
        track_record(START + minutes(701), 30_000, ceremony, ip_addr="xxx.xxx.x.x", offline_timestamp=1614629700123),
        extended_record(START + minutes(710), 1_200_000, spotify_episode_uri="spotify:episode:4rOoJ6Egrf8K2IrywzwOMk",
                        episode_name="Episode 1", episode_show_name="The Show"),
        extended_record(START + minutes(740), 900_000, audiobook_chapter_uri="spotify:audiobook_chapter:1",
                        audiobook_uri="spotify:audiobook:1", audiobook_title="A Book", audiobook_chapter_title="One"),
        {"ts": "2021-03-01T20:15:00Z"},  # malformed: no ms_played
    ]  # fmt: skip
    write_json(folder / "Streaming_History_Audio_2021_0.json", audio)
    # Repeats a play of the first file with another length (the export's cross-file near-duplicate).
    write_json(
        folder / "Streaming_History_Audio_2021_1.json",
        [track_record(START + minutes(600), 59_000, ceremony), track_record(START + minutes(900), 10_000, blue_monday)],
    )
    write_json(
        folder / "Streaming_History_Video_2021.json",
        [extended_record(START + minutes(800), 50_000, spotify_episode_uri="spotify:episode:5rOoJ6Egrf8K2IrywzwOMk",
                         episode_name="Video episode", episode_show_name="The Show")],
    )  # fmt: skip
    old = track_record(START - timedelta(days=400), 100_000, blue_monday, username="philipp", ip_addr_decrypted="10.0.0.1")
    del old["ip_addr"]
    write_json(folder / "endsong_0.json", [old])
    write_json(
        folder / "StreamingHistory_music_0.json",
        [
            {"endTime": "2019-05-01 10:00", "artistName": "New Order", "trackName": "Blue Monday", "msPlayed": 240_000},
            {"endTime": "2019-05-01 10:05", "artistName": "Nobody Known", "trackName": "No Such Song", "msPlayed": 5_000},
        ],
    )
    write_json(
        folder / "StreamingHistory_podcast_0.json",
        [{"endTime": "2019-05-01 11:00", "podcastName": "The Show", "episodeName": "Old episode", "msPlayed": 600_000}],
    )
    broken = write_json(folder / "Streaming_History_Audio_2022_2.json", [track_record(START + minutes(1000), 5, ceremony)] * 2)
    broken.write_text(broken.read_text()[:-50])
    return {
        "Streaming_History_Audio_2021_0.json": 40 + 2 + 2 + 4,
        "Streaming_History_Audio_2021_1.json": 2,
        "Streaming_History_Video_2021.json": 1,
        "endsong_0.json": 1,
        "StreamingHistory_music_0.json": 2,
        "StreamingHistory_podcast_0.json": 1,
        "Streaming_History_Audio_2022_2.json": 1,
    }


def run(folder: Path, cat: Catalog, url: str, user: str = "philipp", **kwargs: Any) -> list[str]:
    lines: list[str] = []
    import_folder(
        folder, cat, ImportOptions(user=user, zone=BERLIN, keep_ip=True), connection=Connection(url=url),
        echo=lines.append, **kwargs,
    )  # fmt: skip
    return lines


def count(es: Elasticsearch, **query: Any) -> int:
    es.indices.refresh(index=ALIAS)
    return es.count(index=ALIAS, query=query or {"match_all": {}})["count"]


def test_import_every_format_enriches_indexes_and_moves_complete_files(
    es: Elasticsearch, search_engine: SearchEngine, sample_catalog: Catalog, substance: list, tmp_path: Path
) -> None:
    expected = write_exports(tmp_path, substance)
    lines = run(tmp_path, sample_catalog, search_engine.url)

    assert count(es) == sum(expected.values())
    assert es.indices.get_alias(name=ALIAS) == {INDEX: {"aliases": {ALIAS: {"is_write_index": True}}}}
    # Refreshing is off during the run (bulk_loading) and back on after it.
    assert es.indices.get_settings(index=ALIAS)[INDEX]["settings"]["index"]["refresh_interval"] == "10s"
    # Every file moved except the truncated one, which is reported.
    assert sorted(p.name for p in (tmp_path / PROCESSED).iterdir()) == sorted(set(expected) - {"Streaming_History_Audio_2022_2.json"})
    assert [p.name for p in tmp_path.glob("*.json")] == ["Streaming_History_Audio_2022_2.json"]
    text = "\n".join(lines)
    assert "Streaming_History_Audio_2021_0.json record 49: missing field 'ms_played'" in text
    assert "Streaming_History_Audio_2022_2.json record 1: not valid JSON" in text
    assert "NOT moved: the file could not be read to its end" in text
    assert "account-data export" in text and "1 of 2 artist/title pairs resolved" in text

    assert count(es, term={"content_type": "episode"}) == 2
    assert count(es, term={"content_type": "audiobook"}) == 1
    assert count(es, term={"content_type": "video"}) == 1
    # Gone, No Such Song, the three episodes/videos and the audiobook chapter.
    assert count(es, term={"catalog_match": False}) == 6
    assert count(es, term={"play.near_duplicate": True}) == 2  # 61 s in the same file, 59 s in the next
    assert count(es, exists={"field": "ip"}) == count(es, exists={"field": "play.platform"}) - 1  # masked IP dropped
    assert count(es, term={"ip": "2001:db8::7"}) == 1
    assert count(es, term={"track.isrc": "GBAAP0001115"}) >= 1  # Blue Monday, also the resolved account-data play

    response = es.search(
        index=ALIAS, size=0,
        aggs={"artists": {"terms": {"field": "artist", "size": 3}}, "genres": {"terms": {"field": "genres", "size": 50}},
              "skips": {"filter": {"term": {"skipped_effective": True}}}},
    )  # fmt: skip
    assert response["aggregations"]["artists"]["buckets"][0]["key"] == "New Order"
    assert "new wave" in {b["key"] for b in response["aggregations"]["genres"]["buckets"]}
    assert response["aggregations"]["skips"]["doc_count"] == 3  # two fwdbtn skips, one 5 s account-data play

    first = es.search(index=ALIAS, query={"term": {"play.reason_end": "fwdbtn"}}, size=2)["hits"]["hits"]
    assert {h["_source"]["title"] for h in first} == {substance[0]["name"], substance[3]["name"]}


def test_reimport_overwrites_and_never_duplicates(
    es: Elasticsearch, search_engine: SearchEngine, sample_catalog: Catalog, substance: list, tmp_path: Path
) -> None:
    expected = write_exports(tmp_path, substance)
    run(tmp_path, sample_catalog, search_engine.url)
    first = count(es)
    for path in (tmp_path / PROCESSED).iterdir():
        shutil.move(path, tmp_path / path.name)
    run(tmp_path, sample_catalog, search_engine.url)
    assert count(es) == first == sum(expected.values())

    # Only the truncated file is left to read; its document is overwritten again.
    lines = run(tmp_path, sample_catalog, search_engine.url)
    assert count(es) == first
    assert [line.split(":")[0] for line in lines[:-1]] == ["unreadable", "Streaming_History_Audio_2022_2.json"]


def test_two_users_keep_their_own_plays(
    es: Elasticsearch, search_engine: SearchEngine, sample_catalog: Catalog, substance: list, tmp_path: Path
) -> None:
    for user in ("philipp", "anna"):
        write_exports(tmp_path / user, substance)
        run(tmp_path / user, sample_catalog, search_engine.url, user=user)
    assert count(es, term={"user": "anna"}) == count(es, term={"user": "philipp"}) == count(es) // 2


def test_existing_concrete_index_of_the_old_importer_is_reported(es: Elasticsearch, search_engine: SearchEngine) -> None:
    es.indices.create(index=ALIAS)
    with pytest.raises(IndexConflict, match="already has an index named 'spotify-history'"):
        ensure_index(es, search_engine.url)


def test_an_index_made_before_a_field_existed_gets_it(es: Elasticsearch, search_engine: SearchEngine) -> None:
    # metadata_source came after spotify-history-v1 did; the mapping is strict, so an index of an
    # earlier version would reject every new document unless the field is added to it.
    from history.documents import MAPPING

    older = {**MAPPING, "properties": {k: v for k, v in MAPPING["properties"].items() if k != "metadata_source"}}
    es.indices.create(index=INDEX, mappings=older, aliases={ALIAS: {"is_write_index": True}})
    ensure_index(es, search_engine.url)
    assert es.indices.get_mapping(index=INDEX)[INDEX]["mappings"]["properties"]["metadata_source"]["type"] == "keyword"
    es.index(index=ALIAS, id="x", document={"metadata_source": "export"}, refresh=True)
    assert count(es, term={"metadata_source": "export"}) == 1


def test_track_play_counts_come_from_the_index(
    es: Elasticsearch, search_engine: SearchEngine, sample_catalog: Catalog, substance: list, tmp_path: Path
) -> None:
    write_json(
        tmp_path / "Streaming_History_Audio_2021_0.json",
        [track_record(START + minutes(n), 200_000, substance[0]) for n in range(3)]
        + [track_record(START + minutes(10), 2_000, substance[0], reason_end="fwdbtn")],
    )
    run(tmp_path, sample_catalog, search_engine.url)
    (counts,) = list(track_play_counts(es, "philipp"))
    assert (counts.track_id, counts.isrc, counts.play_count, counts.skip_count) == (substance[0]["id"], "GBAAP0000867", 3, 1)
    assert counts.last_played == (START + minutes(10)).timestamp()


def test_cli_dry_run_touches_nothing(sample_catalog_path: Path, substance: list, tmp_path: Path) -> None:
    write_exports(tmp_path, substance)
    result = CliRunner().invoke(history, [str(tmp_path), "--catalog", str(sample_catalog_path), "--dry-run", "--timezone", "UTC"])
    assert result.exit_code == 0, result.output
    assert "would index 48 documents (dry run)" in result.output
    assert "first document" in result.output
    assert not (tmp_path / PROCESSED).exists()


def test_the_collector_pauses_while_files_are_prepared_and_comes_back_after(
    sample_catalog_path: Path, substance: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collector_during_enrichment: list[bool] = []
    enrich = Enricher.prepare

    def watched(self: Enricher, plays: Any) -> Any:
        collector_during_enrichment.append(gc.isenabled())
        return enrich(self, plays)

    monkeypatch.setattr(Enricher, "prepare", watched)
    write_exports(tmp_path, substance)
    result = CliRunner().invoke(history, [str(tmp_path), "--catalog", str(sample_catalog_path), "--dry-run", "--timezone", "UTC"])
    assert result.exit_code == 0, result.output
    assert collector_during_enrichment and not any(collector_during_enrichment)
    assert gc.isenabled()
    with pytest.raises(KeyError), collector_paused():
        assert not gc.isenabled()
        raise KeyError("a file that failed to prepare")
    assert gc.isenabled()
    gc.disable()  # a caller's choice is left as it was
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cli_indexes_with_url_from_environment(
    es: Elasticsearch, search_engine: SearchEngine, sample_catalog_path: Path, substance: list, tmp_path: Path
) -> None:
    write_exports(tmp_path, substance)
    result = CliRunner().invoke(
        history, [str(tmp_path), "--catalog", str(sample_catalog_path), "--user-name", "cli"], env={"ES_URL": search_engine.url}
    )
    assert result.exit_code == 0, result.output
    assert count(es, term={"user": "cli"}) == 56


def test_cli_refuses_unclear_options(sample_catalog_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(history, [str(tmp_path), "--catalog", str(sample_catalog_path)], env={"ES_URL": None})
    assert result.exit_code == 2 and "Use exactly one of --es-url" in result.output
    result = runner.invoke(history, [str(tmp_path), "--dry-run", "--timezone", "Mars/Olympus"])
    assert result.exit_code == 2 and "unknown time zone 'Mars/Olympus'" in result.output


def test_engine_killed_mid_run_then_rerun_finishes_with_exact_count(
    sample_catalog: Catalog, substance: list, tmp_path: Path
) -> None:
    require_java()
    engine = SearchEngine(tmp_path / "engine")
    (tmp_path / "engine").mkdir()
    folder = tmp_path / "to_read"
    first = [track_record(START + minutes(n), 100_000 + n, substance[n % len(substance)]) for n in range(500)]
    # Six bulk chunks: with two requests in flight, the engine dies while later ones are unsent.
    second = [track_record(START + minutes(1000 + n), 100_000 + n, substance[n % len(substance)]) for n in range(6000)]
    write_json(folder / "Streaming_History_Audio_2021_0.json", first)
    write_json(folder / "Streaming_History_Audio_2021_1.json", second)

    def kill_during_second_file(path: Path, done: int) -> None:
        if path.name.endswith("_1.json") and done >= 1000:
            kill_engine(engine)

    engine.start()
    try:
        with pytest.raises(ImportStopped) as stopped:
            run(folder, sample_catalog, engine.url, on_chunk=kill_during_second_file)
        assert engine.process is not None
        engine.process.wait(timeout=30)
        message = str(stopped.value)
        assert message.startswith(f"Elasticsearch at {engine.url} stopped answering after ")
        assert "of 6,000 documents of Streaming_History_Audio_2021_1.json" in message
        assert message.endswith("run the same command again.")
        assert [p.name for p in (folder / PROCESSED).iterdir()] == ["Streaming_History_Audio_2021_0.json"]
        assert (folder / "Streaming_History_Audio_2021_1.json").exists()

        engine.start()
        run(folder, sample_catalog, engine.url)
        client = Elasticsearch(engine.url, request_timeout=30)
        assert client.count(index=ALIAS)["count"] == 6500  # the run refreshed the index at its end
        assert client.indices.get_settings(index=ALIAS)[INDEX]["settings"]["index"]["refresh_interval"] == "10s"
        client.close()
        assert sorted(p.name for p in (folder / PROCESSED).iterdir()) == [
            "Streaming_History_Audio_2021_0.json",
            "Streaming_History_Audio_2021_1.json",
        ]
    finally:
        engine.stop()


def test_beet_spotifyhistory_indexes_and_writes_play_counts_to_the_library(
    es: Elasticsearch, search_engine: SearchEngine, sample_catalog_path: Path, substance: list, tmp_path: Path
) -> None:
    from beets.library import Item, Library

    from tests.beets_helpers import BeetsEnv

    env = BeetsEnv(tmp_path / "beets")
    env.music.mkdir(parents=True)
    env.configure(
        plugins=["localspotify"],
        localspotify={"catalog": str(sample_catalog_path), "history": {"es_url": search_engine.url, "user_name": "philipp"}},
    )
    lib = Library(str(env.library_path), str(env.music))
    lib.add(Item(path=str(env.music / "ceremony.mp3"), title="Ceremony", spotify_track_id=substance[0]["id"]))
    lib.add(Item(path=str(env.music / "blue.mp3"), title="Blue Monday", isrc="GBAAP0001115"))
    lib.add(Item(path=str(env.music / "other.mp3"), title="Never played"))
    lib._close()
    folder = tmp_path / "to_read"
    write_json(
        folder / "Streaming_History_Audio_2021_0.json",
        [track_record(START + minutes(n), 200_000, substance[0]) for n in range(3)]
        + [track_record(START + minutes(5), 2_000, substance[0], reason_end="fwdbtn")]
        + [track_record(START + minutes(10 + n), 200_000, substance[3]) for n in range(2)],
    )

    result = env.beet("spotifyhistory", str(folder), "--update-library", "--timezone", "Europe/Berlin")

    assert "6 documents indexed into spotify-history" in result.stdout
    assert "play counts written to 2 library item(s)" in result.stdout
    counts = {i["title"]: (i.get("play_count"), i.get("skip_count")) for i in env.items()}
    assert counts == {"Ceremony": ("3", "1"), "Blue Monday": ("2", "0"), "Never played": (None, None)}
    assert count(es, term={"user": "philipp"}) == 6
