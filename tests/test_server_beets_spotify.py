"""beets' built-in ``spotify`` plugin against ``localspotify serve``, through ``plugins: spotifylocal``.

A real server over the real-slice catalog on 127.0.0.1, generated audio files for real-slice
albums, and the venv's real ``beet import -q`` in a temporary BEETSDIR: every request the
built-in plugin makes (token, search, album, album-tracks pages, track, batch tracks, audio
features) goes over HTTP to the server.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from beetsplug.localspotify.audiofiles import album_file_specs, write_album_files
from tests.beets_helpers import BeetsEnv, offline_musicbrainz, read_tags
from tests.server_helpers import SUBSTANCE

ASOT = "2FmeMbrSobUISc2dBWfrnD"
"""A 102-track DJ mix: the album object embeds 50 tracks, the rest come from `tracks.next`."""


@pytest.fixture
def env(tmp_path: Path, server_url: str) -> BeetsEnv:  # noqa: F811 (fixture)
    env = BeetsEnv(tmp_path / "beets")
    env.root.mkdir()
    _configure(env, server_url)
    return env


def _configure(env: BeetsEnv, url: str, *, plugins: tuple[str, ...] = ("spotifylocal",), **extra) -> None:
    # BeetsEnv.configure always writes a localspotify section; that plugin is not loaded here.
    env.configure(plugins=list(plugins), localspotify={}, spotifylocal={"url": url}, **extra)


def _sorted_items(env: BeetsEnv) -> list[dict]:
    return sorted(env.items(), key=lambda i: (i["disc"], i["track"]))


def test_album_is_tagged_over_http_with_musicbrainz_also_enabled(env, server_url, sample_catalog, tmp_path):  # noqa: F811
    album = sample_catalog.album(SUBSTANCE)
    write_album_files(tmp_path / "in" / "Substance", album_file_specs(album))
    with offline_musicbrainz() as musicbrainz:
        # beets' default mismatch penalty (0.5) would make -q skip this perfect match.
        _configure(env, server_url, plugins=("musicbrainz", "spotifylocal"), musicbrainz=musicbrainz)
        result = env.beet("import", "-q", str(tmp_path / "in"))
    assert "Traceback" not in result.stderr

    (imported,) = env.albums()
    assert (imported["album"], imported["albumartist"], imported["data_source"]) == ("Substance", "New Order", "Spotify")
    assert (imported["mb_albumid"], imported["spotify_album_id"]) == (SUBSTANCE, SUBSTANCE)
    assert (imported["year"], imported["label"], imported["albumtype"]) == (1987, "Rhino", album["album_type"])

    expected = album["tracks"]["items"]
    items = _sorted_items(env)
    # beets numbers across discs unless per_disc_numbering is on; the disc is kept.
    assert [(i["disc"], i["track"], i["title"]) for i in items] == [
        (t["disc_number"], n, t["name"]) for n, t in enumerate(expected, 1)
    ]
    assert [i["spotify_track_id"] for i in items] == [t["id"] for t in expected]
    assert {(i["disctotal"], i["tracktotal"]) for i in items} == {(2, 24)}

    first = read_tags(Path(items[0]["path"].decode()))
    assert (first["title"], first["album"], first["disc"], first["track"]) == ("Ceremony", "Substance", 1, 1)
    # The built-in plugin's behaviour (beets issue 6519): Spotify ids in the MusicBrainz tags.
    assert (first["mb_albumid"], first["mb_trackid"]) == (SUBSTANCE, "5CRPGdCSOfstyTVK9Ja5EQ")


def test_long_album_follows_the_tracks_next_link_and_spotifysync_fills_batches(env, sample_catalog, tmp_path):
    album = sample_catalog.album(ASOT)
    specs = album_file_specs(album, suffix=".flac")
    assert len(specs) == 102
    write_album_files(tmp_path / "in" / "asot", specs)
    env.beet("import", "-q", str(tmp_path / "in"))

    items = _sorted_items(env)
    assert [(i["track"], i["spotify_track_id"]) for i in items] == [
        (n, t["id"]) for n, t in enumerate(album["tracks"]["items"], 1)
    ]
    assert items[-1]["title"] == album["tracks"]["items"][-1]["name"]
    assert not any("spotify_track_popularity" in i for i in items)

    # /v1/tracks?ids= in batches of 50 and /v1/audio-features?ids= in batches of 100.
    env.beet("spotifysync")
    full = {t["id"]: t for t in sample_catalog.tracks([t["id"] for t in album["tracks"]["items"]])}
    features = dict(zip(full, sample_catalog.audio_features(list(full))))
    synced = _sorted_items(env)
    assert [(i["isrc"], i["spotify_track_popularity"]) for i in synced] == [
        (full[i["spotify_track_id"]]["external_ids"]["isrc"], str(full[i["spotify_track_id"]]["popularity"]))
        for i in synced
    ]
    with_features = [i for i in synced if features[i["spotify_track_id"]]]
    assert with_features, "the slice has audio features for this album"
    for item in with_features:
        assert float(item["spotify_tempo"]) == pytest.approx(features[item["spotify_track_id"]]["tempo"])


def test_singleton_is_found_by_track_search(env, sample_catalog, tmp_path):
    spec = album_file_specs(sample_catalog.album(SUBSTANCE))[3]
    song = write_album_files(tmp_path / "in", [replace(spec, tags={"title": "blue monday", "artist": "new order"})])[0]
    env.beet("import", "-q", "-s", str(song))

    (item,) = env.items()
    assert (item["title"], item["spotify_track_id"], item["artist"]) == ("Blue Monday", "6hHc7Pks7wtBIW8Z6A0iFq", "New Order")
    # track_for_id reads the album to number the track on it.
    assert (item["track"], item["disc"]) == (4, 1)


def test_unreachable_server_is_one_clear_line_and_no_crash(env, sample_catalog, tmp_path):
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    _configure(env, url)
    write_album_files(tmp_path / "in" / "Substance", album_file_specs(sample_catalog.album(SUBSTANCE)))
    # Loading the plugin makes no request: commands that need no lookups work without a server.
    listing = env.beet("ls")
    assert (listing.returncode, listing.stderr) == (0, "")

    result = env.beet("import", "-q", str(tmp_path / "in"))
    errors = [line for line in result.stderr.splitlines() if "spotifylocal" in line]
    assert errors == [
        f"spotifylocal: no Spotify Web API server answers at {url} (ConnectionError). "
        'Start one with "localspotify serve --catalog PATH", or point spotifylocal.url at it.'
    ]
    assert "Traceback" not in result.stderr
    assert env.items() == []
