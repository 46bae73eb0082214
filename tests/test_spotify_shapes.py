"""Catalog objects validate against the published Spotify Web API schema, with no extra keys."""

from __future__ import annotations

import pytest

from catalog import Catalog
from tests.spotify_schema import schema_exists, validate, validate_response

pytestmark = pytest.mark.skipif(not schema_exists(), reason="the Spotify OpenAPI schema is not in ../shared")

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"


def test_album_validates(sample_catalog: Catalog) -> None:
    validate(sample_catalog.album(SUBSTANCE), "AlbumObject")


def test_every_album_and_track_validates(sample_catalog: Catalog) -> None:
    found = sample_catalog.search("year:0000-2100 a", ["album"], limit=50)
    albums = [a for a in sample_catalog.albums([a["id"] for a in found["albums"]["items"]]) if a]
    assert albums
    for album in albums:
        validate(album, "AlbumObject")
        for track in sample_catalog.tracks([t["id"] for t in album["tracks"]["items"]]):
            validate(track, "TrackObject")


def test_track_with_market_validates(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE)
    assert album is not None
    validate(sample_catalog.track(album["tracks"]["items"][0]["id"], market="DE"), "TrackObject")


def test_artist_and_audio_features_validate(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE)
    assert album is not None
    validate(sample_catalog.artist(album["artists"][0]["id"]), "ArtistObject")
    (features,) = sample_catalog.audio_features([album["tracks"]["items"][0]["id"]])
    validate(features, "AudioFeaturesObject")


def test_paging_responses_validate(sample_catalog: Catalog) -> None:
    album = sample_catalog.album(SUBSTANCE)
    assert album is not None
    validate_response(sample_catalog.album_tracks(SUBSTANCE, limit=5), "/albums/{id}/tracks")
    validate_response(sample_catalog.artist_albums(album["artists"][0]["id"]), "/artists/{id}/albums")
    validate_response(sample_catalog.search("new order", ["track", "album", "artist"]), "/search")


def test_leaked_key_fails_validation(sample_catalog: Catalog) -> None:
    import jsonschema

    album = dict(sample_catalog.album(SUBSTANCE) or {})
    album["rowid"] = 8427
    with pytest.raises(jsonschema.ValidationError, match="rowid"):
        validate(album, "AlbumObject")
