"""The track metadata processor in a real Picard: MusicBrainz releases enriched while they load.

Releases load through Picard's own album code from a stand-in MusicBrainz serving documents made
from the real catalog slice; the plugin answers from the real localspotify server (or, in one
test, the catalog in process) and must hold the album until it has.
"""

# ruff: noqa: F811 (pytest fixtures are imported, then named as parameters)
from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Any

import pytest

from catalog import Catalog
from tests.picard_helpers import (
    CLOSED_PORT,
    CLOSED_PORT_URL,
    OUTRUN,
    SHALLOW_EDITIONS,
    SUBSTANCE,
    PicardSession,
    add_files,
    mbid,
    musicbrainz_release,
    picard,  # noqa: F401 (fixture)
    picard_session,  # noqa: F401 (fixture)
    read_tags,
    save_files,
    wait_until,
)

pytestmark = pytest.mark.skipif(importlib.util.find_spec("picard") is None, reason="needs the picard extra")


def load_album(picard: PicardSession, release: dict[str, Any]) -> Any:
    """Load a release as Picard does when the user opens it; wait until it has finished loading."""
    picard.musicbrainz.add(release)
    album = picard.tagger.load_album(release["id"])
    wait_until(lambda: album.loaded, what=f"album {release['title']!r} to load")
    assert not album.errors, album.errors
    return album


def tracks_by_isrc(catalog: Catalog, album_id: str) -> dict[str, dict[str, Any]]:
    album = catalog.album(album_id)
    assert album is not None
    return {t["external_ids"]["isrc"]: t for t in catalog.tracks([i["id"] for i in album["tracks"]["items"]]) if t}


def test_substance_tracks_get_spotify_data_while_the_release_loads(picard: PicardSession, sample_catalog: Catalog):
    release = musicbrainz_release(sample_catalog, SUBSTANCE)
    album = load_album(picard, release)
    spotify = tracks_by_isrc(sample_catalog, SUBSTANCE)
    assert len(album.tracks) == 24
    for track in album.tracks:
        m = track.metadata
        expected = spotify[m["isrc"]]
        assert m["spotify_track_id"] == expected["id"]
        assert m["spotify_album_id"] == SUBSTANCE
        assert m.getall("spotify_artist_id") == [a["id"] for a in expected["artists"]]
        assert m["spotify_track_popularity"] == str(expected["popularity"])
        assert m["spotify_album_popularity"] == "63"
        assert m["label"] == "Rhino"  # MusicBrainz had none: Spotify's is added
        assert m["spotify_explicit"] == "0"
        assert m.getall("genre") == artist_genres(sample_catalog, expected)
        assert m["title"] == release_title(release, m["isrc"])  # MusicBrainz's names are kept
        # The album was finalized after the plugin's data arrived: it is part of the original
        # metadata Picard compares files against, not an unsaved edit.
        assert track.orig_metadata["spotify_track_id"] == expected["id"]
    ceremony = next(t.metadata for t in album.tracks if t.metadata["isrc"] == "GBAAP0000867")
    features = sample_catalog.audio_features([ceremony["spotify_track_id"]])[0]
    assert ceremony["bpm"] == str(round(features["tempo"])) == "141"
    assert ceremony["key"] == "F"  # pitch class 5, major
    assert "spotify_energy" not in ceremony  # numeric features are opt-in
    picard.status_shown("Local Spotify catalog: 24 of 24 tracks of “Substance” enriched")


def artist_genres(catalog: Catalog, track: dict[str, Any]) -> list[str]:
    """The genres of a track's artists, first artist's first: "Hurt" adds John Robie's to New Order's."""
    artists = catalog.artists([a["id"] for a in track["artists"]])
    return list(dict.fromkeys(g for a in artists if a for g in a["genres"]))


def release_title(release: dict[str, Any], isrc: str) -> str:
    return next(t["title"] for medium in release["media"] for t in medium["tracks"] if isrc in t["recording"]["isrcs"])


def test_options_choose_the_tags(picard: PicardSession, sample_catalog: Catalog):
    picard.configure(
        server_url=picard.state.settings().server_url,
        write_ids=False,
        write_popularity=False,
        genre_mode="leave",
        write_bpm_key=False,
        audio_features=["energy", "valence", "tempo"],
    )
    release = musicbrainz_release(sample_catalog, SUBSTANCE, label="Factory", release_id=mbid("release", "options"))
    album = load_album(picard, release)
    ceremony = next(t.metadata for t in album.tracks if t.metadata["isrc"] == "GBAAP0000867")
    assert ceremony["label"] == "Factory"  # MusicBrainz's label is left alone
    assert "spotify_track_id" not in ceremony and "spotify_track_popularity" not in ceremony
    assert "genre" not in ceremony and "bpm" not in ceremony and "key" not in ceremony
    assert (ceremony["spotify_energy"], ceremony["spotify_valence"], ceremony["spotify_tempo"]) == (
        "0.436",
        "0.38",
        "140.757",
    )


@pytest.mark.parametrize("mode, expected", [("add", ["Alternative", "madchester"]), ("replace", ["madchester"])])
def test_genre_modes(picard: PicardSession, sample_catalog: Catalog, mode: str, expected: list[str]):
    """``add`` keeps MusicBrainz's genres and appends Spotify's; ``replace`` keeps Spotify's only."""
    from picard.config import get_config

    config = get_config()
    config.setting["use_genres"] = True
    try:
        picard.configure(server_url=picard.state.settings().server_url, genre_mode=mode)
        release = musicbrainz_release(sample_catalog, SUBSTANCE, release_id=mbid("release", f"genres-{mode}"))
        release["release-group"]["genres"] = [{"name": "alternative", "count": 3}]
        album = load_album(picard, release)
    finally:
        config.setting["use_genres"] = False
    genres = album.tracks[0].metadata.getall("genre")
    assert genres[: len(expected)] == expected
    assert ("Alternative" in genres) == (mode == "add")


def test_barcode_prefers_the_album_over_a_more_popular_release_sharing_an_isrc(
    picard: PicardSession, sample_catalog: Catalog
):
    """OutRun's "Nightcall" carries the ISRC of the "Nightcall" EP's title track, which is more
    popular (74 against 59); the release barcode says OutRun."""
    album = load_album(picard, musicbrainz_release(sample_catalog, OUTRUN))
    nightcall = next(t.metadata for t in album.tracks if t.metadata["isrc"] == "FRS710900410")
    assert nightcall["spotify_album_id"] == OUTRUN
    assert {t.metadata["spotify_album_id"] for t in album.tracks} == {OUTRUN}


def test_without_barcode_the_album_holding_most_of_the_release_wins(picard: PicardSession, sample_catalog: Catalog):
    release = musicbrainz_release(sample_catalog, OUTRUN, barcode=None, release_id=mbid("release", "no-barcode"))
    album = load_album(picard, release)
    assert {t.metadata["spotify_album_id"] for t in album.tracks} == {OUTRUN}


def test_two_editions_sharing_a_upc_one_edition_is_chosen_for_all_tracks(
    picard: PicardSession, sample_catalog: Catalog
):
    """Both "Shallow and Profound" editions carry UPC 5055489278100 and the same 17 ISRCs: every
    track must come from the same edition, the one Spotify serves (popularity 42, not 0)."""
    preferred, other = SHALLOW_EDITIONS
    release = musicbrainz_release(sample_catalog, other)
    assert release["barcode"] == "5055489278100"
    album = load_album(picard, release)
    assert len(album.tracks) == 17
    assert {t.metadata["spotify_album_id"] for t in album.tracks} == {preferred}
    assert {t.metadata["spotify_track_id"] for t in album.tracks} == {
        t["id"] for t in sample_catalog.album(preferred)["tracks"]["items"]
    }


def test_tracks_without_isrcs_are_matched_on_the_barcode_album_by_position_and_title(
    picard: PicardSession, sample_catalog: Catalog
):
    release = musicbrainz_release(sample_catalog, SUBSTANCE, isrcs=False, release_id=mbid("release", "no-isrcs"))
    album = load_album(picard, release)
    spotify = {(t["disc_number"], t["track_number"]): t for t in sample_catalog.album(SUBSTANCE)["tracks"]["items"]}
    for track in album.tracks:
        m = track.metadata
        assert m["spotify_track_id"] == spotify[(int(m["discnumber"]), int(m["tracknumber"]))]["id"]
        assert m["isrc"] == sample_catalog.track(m["spotify_track_id"])["external_ids"]["isrc"]  # added: it was missing


def test_no_match_writes_nothing(picard: PicardSession, sample_catalog: Catalog):
    release = musicbrainz_release(
        sample_catalog, SUBSTANCE, barcode="0000000000000", release_id=mbid("release", "none")
    )
    for medium in release["media"]:
        for track in medium["tracks"]:
            track["recording"]["isrcs"] = ["ZZZZZ0000000"]
    album = load_album(picard, release)
    assert not any(key.startswith("spotify_") for t in album.tracks for key in t.metadata)
    picard.status_shown("no Spotify match for “Substance”")


def test_server_down_says_how_to_start_it_and_picard_keeps_loading(picard: PicardSession, sample_catalog: Catalog):
    picard.configure(server_url=CLOSED_PORT_URL)
    release = musicbrainz_release(sample_catalog, SUBSTANCE, release_id=mbid("release", "server-down"))
    album = load_album(picard, release)  # loads, without Spotify data
    assert len(album.tracks) == 24
    assert not any("spotify_track_id" in t.metadata for t in album.tracks)
    message = picard.status_shown("no server answers")
    # Shown after Picard's own "Album … loaded", which would otherwise hide it at once.
    history = picard.status_history
    assert history.index(message) > max(i for i, m in enumerate(history) if " loaded: " in m)
    assert f"no server answers at {CLOSED_PORT_URL} (connection refused)" in message
    assert f'Start it with "localspotify serve --catalog PATH --port {CLOSED_PORT}"' in message
    assert any("localspotify serve" in m for m in picard.log.messages(logging.WARNING))


def test_in_process_catalog_gives_the_same_tags(
    picard: PicardSession, sample_catalog: Catalog, sample_catalog_path: Path
):
    over_http = load_album(picard, musicbrainz_release(sample_catalog, SUBSTANCE))
    http_tags = [dict(t.metadata.rawitems()) for t in over_http.tracks]
    picard.clear()
    picard.configure(transport="catalog", catalog_path=str(sample_catalog_path))
    in_process = load_album(
        picard, musicbrainz_release(sample_catalog, SUBSTANCE, release_id=mbid("release", "in-process"))
    )
    process_tags = [dict(t.metadata.rawitems()) for t in in_process.tracks]
    for http, local in zip(http_tags, process_tags):
        for key in ("musicbrainz_albumid", "musicbrainz_releasegroupid"):
            http.pop(key, None), local.pop(key, None)
        assert {k: v for k, v in local.items() if not k.startswith("~")} == {
            k: v for k, v in http.items() if not k.startswith("~")
        }
    assert process_tags[0]["spotify_track_id"]


def test_missing_catalog_file_is_reported(picard: PicardSession, sample_catalog: Catalog, tmp_path: Path):
    picard.configure(transport="catalog", catalog_path=str(tmp_path / "nowhere.duckdb"))
    album = load_album(picard, musicbrainz_release(sample_catalog, SUBSTANCE, release_id=mbid("release", "no-file")))
    assert not any("spotify_track_id" in t.metadata for t in album.tracks)
    assert "nowhere.duckdb" in picard.status_shown("in-process catalog is unavailable")


def test_enriched_tags_are_saved_into_mp3_and_flac_files(
    picard: PicardSession, sample_catalog: Catalog, tmp_path: Path
):
    """Files carrying MusicBrainz ids load their release; the plugin's tags reach the files on save."""
    from beetsplug.localspotify.audiofiles import write_audio_file

    release = musicbrainz_release(sample_catalog, SUBSTANCE, release_id=mbid("release", "files"))
    picard.musicbrainz.add(release)
    first, second = release["media"][0]["tracks"][:2]
    paths = [
        write_audio_file(
            tmp_path / f"{n}.{suffix}",
            track["length"] / 1000,
            {"title": track["title"], "mb_albumid": release["id"], "mb_trackid": track["recording"]["id"]},
        )
        for n, (track, suffix) in enumerate([(first, "mp3"), (second, "flac")])
    ]
    files = add_files(picard, paths)
    wait_until(lambda: all(f.metadata["spotify_track_id"] for f in files), what="the files to get Spotify tags")
    save_files(picard, files)
    mp3, flac = read_tags(paths[0]), read_tags(paths[1])
    assert mp3["spotify_track_id"] == ["5CRPGdCSOfstyTVK9Ja5EQ"]
    assert mp3["spotify_album_id"] == [SUBSTANCE]
    assert mp3["TPUB"] == ["Rhino"] and mp3["TBPM"] == ["141"] and mp3["TKEY"] == ["F"]
    assert mp3["TCON"] == ["madchester", "new wave", "post-punk", "synthpop"]
    assert flac["spotify_track_id"] == ["1VZFmtsZuuqm0EV6KQihE8"]
    assert flac["spotify_track_popularity"] == ["40"]
    assert flac["label"] == ["Rhino"] and flac["isrc"] == ["GBCRL0800456"]
