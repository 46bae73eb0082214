"""Real ``beet import`` runs: the venv's ``beet`` executable, a temporary BEETSDIR, generated MP3
and FLAC files, and catalogs built from the real sample slice (and a generated dump).

Each test asserts what a user would look at afterwards: the library fields and the tags in the
copied files.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from beetsplug.localspotify.audiofiles import FileSpec, album_file_specs, noisy_specs, write_album_files
from tests.beets_helpers import BeetsEnv, offline_musicbrainz, read_tags

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
COMPILATION = "4RpgjxgSxcRwGNuWnImneN"
REBORN = "2Js9F9O6V6mDZTal95Iner"
SHALLOW_OTHER = "0gvbUOhSJofzDL1DE9uWZq"


@pytest.fixture
def env(tmp_path: Path, sample_catalog_path: Path) -> BeetsEnv:
    env = BeetsEnv(tmp_path / "beets")
    env.root.mkdir()
    env.configure(plugins=["localspotify"], localspotify={"catalog": str(sample_catalog_path)})
    return env


def _write_album(cat, album_id: str, folder: Path, *, suffix: str = ".mp3", edit=None) -> list[Path]:
    """Write a catalog album as files; ``edit(tags, full_track)`` may rewrite each file's tags."""
    album = cat.album(album_id)
    specs = album_file_specs(album, suffix=suffix)
    if edit is not None:
        full = cat.tracks([t["id"] for t in album["tracks"]["items"]])
        specs = [replace(spec, tags=edit(spec.tags, track)) for spec, track in zip(specs, full)]
    return write_album_files(folder, specs)


def test_clean_album_is_tagged_with_musicbrainz_also_enabled(env, sample_catalog, sample_catalog_path, tmp_path):
    _write_album(sample_catalog, SUBSTANCE, tmp_path / "in" / "Substance")
    with offline_musicbrainz() as musicbrainz:
        env.configure(
            plugins=["musicbrainz", "localspotify"],
            localspotify={"catalog": str(sample_catalog_path)},
            musicbrainz=musicbrainz,
        )
        env.beet("import", "-q", str(tmp_path / "in"))

    (album,) = env.albums()
    assert (album["album"], album["albumartist"], album["mb_albumid"]) == ("Substance", "New Order", SUBSTANCE)
    assert (album["data_source"], album["spotify_album_id"], album["barcode"]) == ("Spotify", SUBSTANCE, "190295211592")
    items = sorted(env.items(), key=lambda i: (i["disc"], i["track"]))
    assert len(items) == 24
    # beets numbers across discs unless per_disc_numbering is on.
    assert [(i["disc"], i["track"], i["disctotal"]) for i in (items[0], items[-1])] == [(1, 1, 2), (2, 24, 2)]
    first = items[0]
    assert (first["title"], first["isrc"], first["spotify_track_id"]) == ("Ceremony", "GBAAP0000867", "5CRPGdCSOfstyTVK9Ja5EQ")
    assert (first["bpm"], first["initial_key"], first["label"], first["year"]) == (141, "F", "Rhino", 1987)
    assert first["genres"] == ["madchester", "new wave", "post-punk", "synthpop"]
    assert first["spotify_track_popularity"] == "56"  # flexible field, read back untyped
    assert first["cover_art_url"].startswith("https://i.scdn.co/image/")

    tags = read_tags(Path(first["path"].decode()))
    assert (tags["title"], tags["album"], tags["disc"], tags["track"]) == ("Ceremony", "Substance", 1, 1)
    assert (tags["isrc"], tags["barcode"], tags["bpm"]) == ("GBAAP0000867", "190295211592", 141)
    assert (tags["spotify_album_id"], tags["spotify_track_id"]) == (SUBSTANCE, "5CRPGdCSOfstyTVK9Ja5EQ")
    assert tags["spotify_artist_id"] == "0yNLKJebCb8Aueb54LYya3"
    # beets issue 6519: no Spotify ids in MusicBrainz tags.
    assert not tags["mb_albumid"] and not tags["mb_trackid"] and not tags["mb_artistid"]


def test_mb_ids_option_keeps_the_builtin_behaviour(env, sample_catalog, sample_catalog_path, tmp_path):
    _write_album(sample_catalog, REBORN, tmp_path / "in" / "Reborn", suffix=".flac")
    env.configure(plugins=["localspotify"], localspotify={"catalog": str(sample_catalog_path), "mb_ids": True})
    env.beet("import", "-q", str(tmp_path / "in"))

    (item, *_) = env.items()
    assert read_tags(Path(item["path"].decode()))["mb_albumid"] == REBORN


def test_compilation_flac_with_various_artists_tags(env, sample_catalog, tmp_path):
    def various(tags, track):
        return dict(tags, albumartist="Various Artists", comp=True)

    _write_album(sample_catalog, COMPILATION, tmp_path / "in" / "13RW", suffix=".flac", edit=various)
    env.beet("import", "-q", str(tmp_path / "in"))

    (album,) = env.albums()
    assert (album["mb_albumid"], album["comp"], album["albumtype"]) == (COMPILATION, True, "compilation")
    lovely = next(i for i in env.items() if i["title"] == "lovely (with Khalid)")
    assert lovely["artists"] == ["Billie Eilish", "Khalid"]
    assert read_tags(Path(lovely["path"].decode()))["spotify_album_id"] == COMPILATION


def test_files_with_only_isrcs_get_the_album_offered_first(env, sample_catalog, tmp_path):
    # beets' distance cannot see ISRCs, so with no names it will not apply anything on its own
    # (-q skips); interactively the right album is candidate 1 and "1", "A" apply it.
    _write_album(sample_catalog, REBORN, tmp_path / "in" / "x", edit=lambda tags, track: {"isrc": track["external_ids"]["isrc"]})
    result = env.beet("import", str(tmp_path / "in"), stdin="1\nA\n")

    assert "Reborn" in result.stdout
    (album,) = env.albums()
    assert (album["album"], album["mb_albumid"]) == ("Reborn", REBORN)


def test_singleton_import(env, sample_catalog, tmp_path):
    spec = album_file_specs(sample_catalog.album(SUBSTANCE))[3]
    song = write_album_files(tmp_path / "in", [replace(spec, tags={"title": "blue monday", "artist": "new order"})])[0]
    env.beet("import", "-q", "-s", str(song))

    (item,) = env.items()
    assert (item["title"], item["spotify_track_id"], item["isrc"]) == ("Blue Monday", "6hHc7Pks7wtBIW8Z6A0iFq", "GBAAP0001115")
    assert item["album"] == "Substance"


def test_wrong_edition_trap_is_decided_by_track_ids(env, sample_catalog, tmp_path):
    def with_ids(tags, track):
        return dict(tags, spotify_track_id=track["id"], barcode="5055489278100")

    _write_album(sample_catalog, SHALLOW_OTHER, tmp_path / "in" / "sap", edit=with_ids)
    env.beet("import", "-q", str(tmp_path / "in"))

    (album,) = env.albums()
    assert album["mb_albumid"] == SHALLOW_OTHER


def test_noisy_tags_are_corrected(env, sample_catalog, tmp_path):
    def noisy(tags, track):
        return dict(
            tags,
            album="power, corruption & lies (Remastered)",
            albumartist=None,
            artist="NEW ORDER",
            title=tags["title"].lower(),
        )

    _write_album(sample_catalog, "6NTrwu1XJ56jBPx7HMksbZ", tmp_path / "in" / "pcl", edit=noisy)
    env.beet("import", "-q", str(tmp_path / "in"))

    (album,) = env.albums()
    assert (album["album"], album["albumartist"]) == ("Power Corruption and Lies", "New Order")


def test_album_not_in_catalog_is_skipped(env, tmp_path):
    # "Republic" is by an artist the catalog has, but the album itself is not in the slice.
    tracks = [("Regret", 249.0), ("World (The Price of Love)", 288.0), ("Ruined in a Day", 262.0)]
    specs = [
        FileSpec(f"{n:02d}.mp3", length, {"title": title, "artist": "New Order", "album": "Republic", "track": n})
        for n, (title, length) in enumerate(tracks, 1)
    ]
    write_album_files(tmp_path / "in" / "Republic", specs)
    env.beet("import", "-q", str(tmp_path / "in"))
    assert env.items() == []


def test_missing_catalog_is_one_clear_line_and_no_crash(env, tmp_path, sample_catalog):
    _write_album(sample_catalog, REBORN, tmp_path / "in" / "Reborn")
    env.configure(plugins=["localspotify"], localspotify={"catalog": str(tmp_path / "nowhere.duckdb")})
    result = env.beet("import", "-q", str(tmp_path / "in"))

    errors = [line for line in result.stderr.splitlines() if "localspotify" in line]
    assert errors == [
        f"localspotify: no catalog at {tmp_path / 'nowhere.duckdb'}. Build one with "
        f'"localspotify build --dump DUMP_DIR --catalog {tmp_path / "nowhere.duckdb"}", '
        "or point localspotify.catalog in your beets config at one."
    ]
    assert "Traceback" not in result.stderr
    status = env.beet("localspotify", "status", check=False)
    assert status.returncode == 1 and "no catalog at" in status.stderr


def test_mbsync_and_sync_refresh_from_the_catalog(env, sample_catalog, sample_catalog_path, tmp_path):
    env.configure(plugins=["localspotify", "mbsync"], localspotify={"catalog": str(sample_catalog_path)})
    _write_album(sample_catalog, REBORN, tmp_path / "in" / "Reborn")
    env.beet("import", "-q", str(tmp_path / "in"))
    env.beet("modify", "-y", "-W", "title=wrong", f"mb_albumid:{REBORN}")
    env.beet("mbsync")
    assert "wrong" not in {i["title"] for i in env.items()}

    env.beet("modify", "-y", "-W", "spotify_track_popularity!", "isrc=", f"mb_albumid:{REBORN}")
    result = env.beet("localspotify", "sync")
    assert "Synced 12 of 12" in result.stdout
    items = env.items()
    assert all(i["isrc"] and i.get("spotify_track_popularity") is not None for i in items)
    assert all("spotify_updated" in i for i in items)


def test_status_and_lookup_commands(env, sample_catalog_path):
    status = env.beet("localspotify", "status").stdout
    assert str(sample_catalog_path) in status and "tracks" in status and "393" in status

    lookup = env.beet("localspotify", "lookup", 'album:"power corruption" artist:"new order"').stdout
    assert "New Order - Power Corruption and Lies (1983, 8 tracks) (6NTrwu1XJ56jBPx7HMksbZ)" in lookup


def test_generated_catalog_album_is_tagged(tmp_path, synthetic_catalog, synthetic_catalog_path):
    # An album hidden among 300,000 generated tracks, with noisy tags.
    album_id = synthetic_catalog.search("the", ["album"], limit=5)["albums"]["items"][0]["id"]
    album = synthetic_catalog.album(album_id)
    write_album_files(tmp_path / "in" / "a", noisy_specs(album_file_specs(album), random.Random(3)))
    env = BeetsEnv(tmp_path / "beets")
    env.root.mkdir()
    env.configure(plugins=["localspotify"], localspotify={"catalog": str(synthetic_catalog_path)})
    env.beet("import", "-q", str(tmp_path / "in"))

    assert [a["mb_albumid"] for a in env.albums()] == [album_id]
    assert {i["spotify_track_id"] for i in env.items()} == {t["id"] for t in album["tracks"]["items"]}
