""" "Look up in local Spotify catalog" in a real Picard: clusters and files MusicBrainz does not
know, tagged from the catalog, saved through Picard's file classes and read back with mutagen.
Also the album action and the options page.
"""

# ruff: noqa: F811 (pytest fixtures are imported, then named as parameters)
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from catalog import Catalog
from tests.picard_helpers import (
    CLOSED_PORT_URL,
    SHALLOW_EDITIONS,
    SUBSTANCE,
    PicardSession,
    add_files,
    cluster_files,
    mbid,
    musicbrainz_release,
    picard,  # noqa: F401 (fixture)
    picard_session,  # noqa: F401 (fixture)
    read_tags,
    save_files,
    wait_until,
)

pytestmark = pytest.mark.skipif(importlib.util.find_spec("picard") is None, reason="needs the picard extra")


def write_album(folder: Path, catalog: Catalog, album_id: str, tags: Any, *, flac_from_disc: int = 2) -> list[Path]:
    """Silent files for every track of the album, named ``<disc>-<track>``; MP3 before
    ``flac_from_disc``, FLAC from it on. ``tags(track, album)`` gives each file's mediafile tags."""
    from beetsplug.localspotify.audiofiles import write_audio_file

    album = catalog.album(album_id)
    assert album is not None
    paths = []
    for track in album["tracks"]["items"]:
        suffix = "flac" if track["disc_number"] >= flac_from_disc else "mp3"
        name = f"{track['disc_number']}-{track['track_number']:02d}.{suffix}"
        paths.append(write_audio_file(folder / name, track["duration_ms"] / 1000 + 0.6, tags(track, album)))
    return paths


def ripped_tags(track: dict[str, Any], album: dict[str, Any]) -> dict[str, Any]:
    """What a careless rip has: lowercase names, MusicBrainz-style titles, numbers; no ids."""
    return {
        "title": track["name"].split(" - ")[0].lower(),
        "artist": track["artists"][0]["name"].lower(),
        "albumartist": album["artists"][0]["name"].lower(),
        "album": album["name"].lower(),
        "track": track["track_number"],
        "disc": track["disc_number"],
    }


def run_action(picard: PicardSession, kind: str, objs: list[Any]) -> list[Any]:
    """Trigger the plugin's action for ``kind`` (cluster, file, album) on ``objs``, as the context menu does."""
    actions = picard.submodule("actions")
    action_class = {
        "cluster": actions.ClusterLookupAction,
        "file": actions.FileLookupAction,
        "album": actions.AlbumLookupAction,
    }[kind]
    return action_class().callback(objs)


def finished(lookups: list[Any]) -> list[Any]:
    wait_until(lambda: all(lookup.outcome != "running" for lookup in lookups), what="the lookups")
    return lookups


def test_cluster_of_substance_rips_is_tagged_and_saved(picard: PicardSession, sample_catalog: Catalog, tmp_path: Path):
    paths = write_album(tmp_path, sample_catalog, SUBSTANCE, ripped_tags)
    files = add_files(picard, paths)
    cluster = cluster_files(picard, files)
    (lookup,) = finished(run_action(picard, "cluster", [cluster]))
    assert lookup.outcome == "applied"
    assert lookup.applied.album["id"] == SUBSTANCE
    picard.status_shown("24 of 24 files tagged as “Substance”")
    assert all(f.state.name == "CHANGED" for f in files)  # modified, not saved: the user reviews
    assert cluster.metadata["album"] == "Substance"
    save_files(picard, files)

    album = sample_catalog.album(SUBSTANCE)
    by_position = {(t["disc_number"], t["track_number"]): t for t in album["tracks"]["items"]}
    blue_monday = read_tags(tmp_path / "1-04.mp3")
    expected = by_position[(1, 4)]
    assert blue_monday["TIT2"] == ["Blue Monday"]
    assert blue_monday["TALB"] == ["Substance"]
    assert blue_monday["TPE1"] == ["New Order"] and blue_monday["TPE2"] == ["New Order"]
    assert blue_monday["TRCK"] == ["4/12"] and blue_monday["TPOS"] == ["1/2"]
    assert blue_monday["TDRC"] == ["1987-08-17"]
    assert blue_monday["TPUB"] == ["Rhino"]
    assert blue_monday["barcode"] == ["190295211592"]
    assert blue_monday["TSRC"] == ["GBAAP0001115"]
    assert blue_monday["spotify_track_id"] == [expected["id"]]
    assert blue_monday["spotify_album_id"] == [SUBSTANCE]
    assert blue_monday["TBPM"] == ["130"] and blue_monday["TKEY"] == ["C"]

    hurt = read_tags(tmp_path / "2-04.flac")
    expected = by_position[(2, 4)]
    assert hurt["title"] == ["Hurt - Substance Edit"]
    assert hurt["artist"] == ["New Order, John Robie, Shep Pettibone"]
    assert hurt["artists"] == ["New Order", "John Robie", "Shep Pettibone"]
    assert hurt["albumartist"] == ["New Order"]
    assert (hurt["tracknumber"], hurt["totaltracks"], hurt["discnumber"], hurt["totaldiscs"]) == (
        ["4"],
        ["12"],
        ["2"],
        ["2"],
    )
    assert hurt["date"] == ["1987-08-17"] and hurt["label"] == ["Rhino"] and hurt["barcode"] == ["190295211592"]
    assert hurt["isrc"] == [sample_catalog.track(expected["id"])["external_ids"]["isrc"]]
    assert hurt["spotify_track_id"] == [expected["id"]]
    assert hurt["spotify_artist_id"] == [a["id"] for a in expected["artists"]]


def test_loose_files_with_only_isrcs_find_their_album(picard: PicardSession, sample_catalog: Catalog, tmp_path: Path):
    """No names at all: the ISRCs (and lengths) alone find "Substance"; the file action groups them."""
    full = {
        t["id"]: t for t in sample_catalog.tracks([i["id"] for i in sample_catalog.album(SUBSTANCE)["tracks"]["items"]])
    }
    paths = write_album(
        tmp_path,
        sample_catalog,
        SUBSTANCE,
        lambda t, a: {"isrc": full[t["id"]]["external_ids"]["isrc"]},
        flac_from_disc=1,
    )[:5]
    files = add_files(picard, paths)
    (lookup,) = finished(run_action(picard, "file", files))
    assert lookup.outcome == "applied"
    assert [f.metadata["title"] for f in files] == [
        "Ceremony",
        "Everythings Gone Green",
        "Temptation",
        "Blue Monday",
        "Confusion",
    ]
    assert {f.metadata["album"] for f in files} == {"Substance"}


def test_no_match_writes_nothing(picard: PicardSession, tmp_path: Path):
    from beetsplug.localspotify.audiofiles import write_audio_file

    paths = [
        write_audio_file(
            tmp_path / f"{n}.mp3", 200 + n, {"title": f"Untitled {n}", "album": "Basement Tapes", "artist": "Nobody"}
        )
        for n in range(3)
    ]
    files = add_files(picard, paths)
    before = [dict(f.metadata.rawitems()) for f in files]
    cluster = cluster_files(picard, files)
    (lookup,) = finished(run_action(picard, "cluster", [cluster]))
    assert lookup.outcome == "no match"
    assert [dict(f.metadata.rawitems()) for f in files] == before
    assert all(f.state.name == "NORMAL" for f in files)
    picard.status_shown("no album matches “Basement Tapes” (3 files); nothing was written")


def shallow_files(tmp_path: Path, catalog: Catalog) -> list[Path]:
    edition = catalog.album(SHALLOW_EDITIONS[0])
    full = {t["id"]: t for t in catalog.tracks([i["id"] for i in edition["tracks"]["items"]])}
    return write_album(
        tmp_path,
        catalog,
        SHALLOW_EDITIONS[0],
        lambda t, a: {
            **ripped_tags(t, a),
            "isrc": full[t["id"]]["external_ids"]["isrc"],
            "barcode": "5055489278100",
        },
    )


def test_two_editions_sharing_a_upc_are_offered_not_applied(
    picard: PicardSession, sample_catalog: Catalog, tmp_path: Path
):
    """Both "Shallow and Profound" editions fit the rips perfectly (same UPC, names, ISRCs): the
    user is asked, nothing is written until they choose, and their choice is what is written."""
    files = add_files(picard, shallow_files(tmp_path, sample_catalog))
    cluster = cluster_files(picard, files)
    (lookup,) = run_action(picard, "cluster", [cluster])
    wait_until(lambda: lookup.outcome == "asking", what="the candidate dialog")
    dialog = lookup.dialog
    assert dialog.isVisible()
    assert sorted(f.album["id"] for f in dialog.fits) == sorted(SHALLOW_EDITIONS)
    assert all(f.state.name == "NORMAL" and not f.metadata["spotify_album_id"] for f in files)

    chosen = next(index for index, fit in enumerate(dialog.fits) if fit.album["id"] == SHALLOW_EDITIONS[1])
    dialog.select(chosen)
    dialog.accept()
    wait_until(lambda: lookup.outcome == "applied", what="the chosen album to be written")
    assert {f.metadata["spotify_album_id"] for f in files} == {SHALLOW_EDITIONS[1]}
    assert {f.metadata["barcode"] for f in files} == {"5055489278100"}
    assert files[0].metadata["title"] == "Intro" and files[0].metadata["date"] == "2000-02-21"


def test_cancelling_the_choice_writes_nothing(picard: PicardSession, sample_catalog: Catalog, tmp_path: Path):
    files = add_files(picard, shallow_files(tmp_path, sample_catalog))
    (lookup,) = run_action(picard, "file", files)
    wait_until(lambda: lookup.outcome == "asking", what="the candidate dialog")
    lookup.dialog.reject()
    wait_until(lambda: lookup.outcome == "cancelled", what="the cancellation")
    assert all(f.state.name == "NORMAL" and not f.metadata["spotify_album_id"] for f in files)


def test_server_down_is_reported_and_nothing_changes(picard: PicardSession, sample_catalog: Catalog, tmp_path: Path):
    picard.configure(server_url=CLOSED_PORT_URL)
    files = add_files(picard, write_album(tmp_path, sample_catalog, SUBSTANCE, ripped_tags)[:3])
    (lookup,) = finished(run_action(picard, "file", files))
    assert lookup.outcome == "failed"
    assert all(f.state.name == "NORMAL" for f in files)
    picard.status_shown(f"no server answers at {CLOSED_PORT_URL}")


def test_album_action_enriches_a_loaded_album_and_its_files(
    picard: PicardSession, sample_catalog: Catalog, tmp_path: Path
):
    from beetsplug.localspotify.audiofiles import write_audio_file

    picard.configure(server_url=picard.state.settings().server_url, enrich_tracks=False)
    release = musicbrainz_release(sample_catalog, SUBSTANCE, release_id=mbid("release", "album-action"))
    picard.musicbrainz.add(release)
    track = release["media"][0]["tracks"][3]
    path = write_audio_file(
        tmp_path / "blue monday.mp3",
        track["length"] / 1000,
        {"mb_albumid": release["id"], "mb_trackid": track["recording"]["id"]},
    )
    (file,) = add_files(picard, [path])
    album = wait_until(lambda: picard.tagger.albums.get(release["id"]), what="the album")
    wait_until(
        lambda: album.loaded and file.parent_item is not None and file.parent_item.album is album,
        what="the file to match",
    )
    assert not any("spotify_track_id" in t.metadata for t in album.tracks)  # automatic enrichment is off

    (job,) = run_action(picard, "album", [album])
    wait_until(lambda: job.enriched, what="the album action")
    assert {t.metadata["spotify_album_id"] for t in album.tracks} == {SUBSTANCE}
    assert file.metadata["spotify_track_id"] == "6hHc7Pks7wtBIW8Z6A0iFq"
    assert file.state.name == "CHANGED"
    save_files(picard, [file])
    assert read_tags(path)["spotify_track_id"] == ["6hHc7Pks7wtBIW8Z6A0iFq"]


def test_options_page_loads_and_saves_the_settings(picard: PicardSession):
    options = picard.submodule("options")
    page = options.LocalSpotifyOptionsPage()
    page.load()
    assert page.server_radio.isChecked()
    assert page.server_url.text() == picard.state.settings().server_url
    assert page.tag_boxes["write_ids"].isChecked() and not page.feature_boxes["energy"].isChecked()
    assert page.catalog_radio.isEnabled()  # this environment can import catalog

    page.catalog_radio.setChecked(True)
    page.catalog_path.setText("/data/catalog.duckdb")
    page.genre_mode.setCurrentIndex(page.genre_mode.findData("replace"))
    page.tag_boxes["write_popularity"].setChecked(False)
    page.feature_boxes["energy"].setChecked(True)
    page.feature_boxes["valence"].setChecked(True)
    page.save()
    settings = picard.state.settings()
    assert (settings.transport, settings.catalog_path, settings.genre_mode) == (
        "catalog",
        "/data/catalog.duckdb",
        "replace",
    )
    assert not settings.write_popularity and settings.audio_features == ("energy", "valence")
    assert picard.api.plugin_config["audio_features"] == ["energy", "valence"]


@pytest.mark.parametrize("reachable", [True, False])
def test_options_page_test_button(picard: PicardSession, server_url: str, reachable: bool):
    page = picard.submodule("options").LocalSpotifyOptionsPage()
    page.load()
    page.server_radio.setChecked(True)
    page.server_url.setText(server_url if reachable else CLOSED_PORT_URL)
    page.test_connection()
    text = wait_until(lambda: page.test_result.text() != "Asking …" and page.test_result.text(), what="the test")
    if reachable:
        assert text == f"The catalog answers (the local server at {server_url})."
    else:
        assert f"no server answers at {CLOSED_PORT_URL} (connection refused)" in text
