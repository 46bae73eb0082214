"""Spotify objects → beets AlbumInfo/TrackInfo, on real catalog objects from the sample slice."""

from __future__ import annotations

import pytest

from beetsplug.localspotify import mapping
from catalog import Catalog

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
COMPILATION = "4RpgjxgSxcRwGNuWnImneN"


def _album_info(cat: Catalog, album_id: str):
    album = cat.album(album_id)
    items = album["tracks"]["items"]
    ids = [t["id"] for t in items]
    artist_ids = [a["id"] for a in album["artists"]] + [a["id"] for t in items for a in t["artists"]]
    return mapping.album_info(
        album,
        full_tracks=cat.tracks(ids),
        artists=dict(zip(artist_ids, cat.artists(artist_ids))),
        features=dict(zip(ids, cat.audio_features(ids))),
    )


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        ("1987-08-17", "day", (1987, 8, 17)),
        ("1987-08", "month", (1987, 8, None)),
        ("1987", "year", (1987, None, None)),
        ("1987-08-17", "year", (1987, None, None)),
        ("0000", "year", (None, None, None)),
    ],
)
def test_release_date_parts_follow_precision(date, precision, expected):
    assert mapping.release_date_parts(date, precision) == expected


@pytest.mark.parametrize(
    ("key", "mode", "expected"),
    [(0, 1, "C"), (1, 0, "C#m"), (11, 1, "B"), (9, 0, "Am"), (-1, 1, None), (None, None, None)],
)
def test_musical_key_uses_beets_notation(key, mode, expected):
    assert mapping.musical_key(key, mode) == expected


def test_album_info_has_everything_the_builtin_plugin_sets_and_more(sample_catalog):
    info = _album_info(sample_catalog, SUBSTANCE)

    assert (info.album, info.album_id, info.spotify_album_id) == ("Substance", SUBSTANCE, SUBSTANCE)
    assert (info.artist, info.artists, info.artist_id) == ("New Order", ["New Order"], "0yNLKJebCb8Aueb54LYya3")
    assert (info.albumtype, info.va, info.mediums) == ("album", False, 2)
    assert (info.year, info.month, info.day, info.label) == (1987, 8, 17, "Rhino")
    assert info.barcode == "190295211592"
    assert info.data_source == "Spotify"
    assert info.data_url == f"https://open.spotify.com/album/{SUBSTANCE}"
    assert info.genres == ["madchester", "new wave", "post-punk", "synthpop"]
    assert info.cover_art_url == "https://i.scdn.co/image/ab67616d0000b2733c182241fcd86aeca2c68a63"
    assert info.spotify_album_popularity == 63

    assert len(info.tracks) == 24
    first, last = info.tracks[0], info.tracks[-1]
    assert (first.title, first.track_id, first.isrc) == ("Ceremony", "5CRPGdCSOfstyTVK9Ja5EQ", "GBAAP0000867")
    assert (first.index, first.medium, first.medium_index, first.medium_total) == (1, 1, 1, 12)
    assert (last.title, last.index, last.medium, last.medium_index) == ("1963", 24, 2, 12)
    assert first.length == pytest.approx(263.6)
    assert first.spotify_track_popularity > 0
    assert (first.bpm, first.initial_key, first.spotify_key, first.spotify_mode) == (141, "F", 5, 1)
    assert first.spotify_tempo == pytest.approx(140.757)


def test_compilation_is_various_artists_with_per_track_credits(sample_catalog):
    info = _album_info(sample_catalog, COMPILATION)

    assert info.va is True
    assert info.albumtype == "compilation"
    lovely = info.tracks[1]
    assert lovely.artists == ["Billie Eilish", "Khalid"]
    assert lovely.artist == "Billie Eilish, Khalid"
    assert len(lovely.artists_ids) == 2


def test_item_data_maps_to_beets_fields(sample_catalog):
    info = _album_info(sample_catalog, SUBSTANCE)
    data = info.tracks[12].merge_with_album(info)

    assert (data["disc"], data["track"], data["disctotal"]) == (2, 13, 2)
    assert data["albumartist"] == "New Order"
    assert data["mb_albumid"] == SUBSTANCE  # beets' own mapping; the plugin keeps it out of files
    assert data["spotify_track_id"] == data["mb_trackid"]
    assert data["comp"] is False
