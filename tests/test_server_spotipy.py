"""spotipy, unchanged but for its two URLs, gets the real slice's data from a live server.

spotipy has no option for either URL: the API root is the ``prefix`` attribute of the client and
the token URL the ``OAUTH_TOKEN_URL`` class attribute of ``SpotifyClientCredentials``, which a
subclass overrides. Every response is validated against the published Web API schema of its route.
"""

from __future__ import annotations

import pytest
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials

from tests.server_helpers import SHARED_UPC, SUBSTANCE
from tests.spotify_schema import schema_exists, validate, validate_response

pytestmark = [
    pytest.mark.skipif(not schema_exists(), reason="the Spotify OpenAPI schema is not in ../shared"),
    # spotipy warns on every call of the routes Spotify deprecated (audio features, top tracks).
    pytest.mark.filterwarnings("ignore:You're using:DeprecationWarning"),
]

NEW_ORDER = "0yNLKJebCb8Aueb54LYya3"
CEREMONY = "5CRPGdCSOfstyTVK9Ja5EQ"
UNKNOWN = "0000000000000000000000"


def present(batch: dict[str, list]) -> dict[str, list]:
    """A batch response without its nulls: Spotify answers them, but its schema has no room for them."""
    return {key: [item for item in items if item is not None] for key, items in batch.items()}


@pytest.fixture(scope="module")
def sp(server_url: str) -> spotipy.Spotify:
    class LocalCredentials(SpotifyClientCredentials):
        OAUTH_TOKEN_URL = f"{server_url}/api/token"

    auth = LocalCredentials(client_id="x", client_secret="y", cache_handler=MemoryCacheHandler())
    client = spotipy.Spotify(auth_manager=auth, retries=0, requests_timeout=10)
    client.prefix = f"{server_url}/v1/"
    return client


def test_track(sp: spotipy.Spotify, server_url: str) -> None:
    track = sp.track(CEREMONY)
    validate_response(track, "/tracks/{id}")
    assert track["name"] == "Ceremony"
    assert track["album"]["id"] == SUBSTANCE
    assert track["href"] == f"{server_url}/v1/tracks/{CEREMONY}"


def test_track_in_one_market(sp: spotipy.Spotify) -> None:
    track = sp.track(CEREMONY, market="DE")
    validate_response(track, "/tracks/{id}")
    assert track["is_playable"] is True
    assert track["available_markets"] == ["DE"]


def test_tracks_answers_null_for_unknown_ids(sp: spotipy.Spotify) -> None:
    result = sp.tracks([CEREMONY, UNKNOWN])
    validate_response(present(result), "/tracks")
    assert result["tracks"][0]["name"] == "Ceremony"
    assert result["tracks"][1] is None


def test_album_embeds_its_tracks(sp: spotipy.Spotify) -> None:
    album = sp.album(SUBSTANCE)
    validate_response(album, "/albums/{id}")
    assert album["name"] == "Substance"
    assert album["tracks"]["total"] == 24
    assert album["tracks"]["items"][0]["name"] == "Ceremony"


def test_album_tracks_pages_with_next(sp: spotipy.Spotify) -> None:
    page = sp.album_tracks(SUBSTANCE, limit=10)
    names = []
    while page:
        validate_response(page, "/albums/{id}/tracks")
        names += [t["name"] for t in page["items"]]
        page = sp.next(page)
    album = sp.album(SUBSTANCE)
    assert names == [t["name"] for t in album["tracks"]["items"]]
    assert len(names) == 24


def test_albums_sharing_a_upc(sp: spotipy.Spotify) -> None:
    found = sp.search(f"upc:{SHARED_UPC}", type="album")
    validate_response(found, "/search")
    ids = [a["id"] for a in found["albums"]["items"]]
    assert len(ids) == 2
    albums = sp.albums(ids)
    validate_response(albums, "/albums")
    assert {a["external_ids"]["upc"] for a in albums["albums"]} == {SHARED_UPC}


def test_artist(sp: spotipy.Spotify) -> None:
    artist = sp.artist(NEW_ORDER)
    validate_response(artist, "/artists/{id}")
    assert artist["name"] == "New Order"
    several = sp.artists([NEW_ORDER, UNKNOWN])
    validate_response(present(several), "/artists")
    assert several["artists"][1] is None


def test_artist_albums_pages_by_group(sp: spotipy.Spotify) -> None:
    page = sp.artist_albums(NEW_ORDER, include_groups="album,appears_on", limit=2)
    names = []
    while page:
        validate_response(page, "/artists/{id}/albums")
        names += [a["name"] for a in page["items"]]
        page = sp.next(page)
    assert names == ["Substance", "Power Corruption and Lies", "13 Reasons Why (Season 2)"]


def test_artist_top_tracks(sp: spotipy.Spotify) -> None:
    top = sp.artist_top_tracks(NEW_ORDER)
    validate_response(top, "/artists/{id}/top-tracks")
    assert len(top["tracks"]) == 10
    assert all(NEW_ORDER in [a["id"] for a in t["artists"]] for t in top["tracks"])


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ('ceremony artist:"New Order"', "track", "Ceremony"),
        ('album:Substance artist:"New Order"', "album", "Substance"),
        ("new order", "artist", "New Order"),
    ],
)
def test_search_each_type(sp: spotipy.Spotify, query: str, kind: str, expected: str) -> None:
    found = sp.search(query, type=kind)
    validate_response(found, "/search")
    assert found[f"{kind}s"]["items"][0]["name"] == expected


def test_search_pages_with_next(sp: spotipy.Spotify) -> None:
    # Spotify's paging links spell the query "query=", not "q=": the server must accept both.
    first = sp.search("a", type="track", limit=50)["tracks"]
    second = sp.next(first)["tracks"]
    validate_response({"tracks": second}, "/search")
    assert second["offset"] == 50
    assert not {t["id"] for t in first["items"]} & {t["id"] for t in second["items"]}


def test_audio_features(sp: spotipy.Spotify) -> None:
    features = sp.audio_features([CEREMONY, UNKNOWN])
    validate_response(present({"audio_features": features}), "/audio-features")
    assert features[0]["id"] == CEREMONY
    assert features[1] is None
    validate(features[0], "AudioFeaturesObject")


def test_unknown_id_is_a_spotify_exception_with_404(sp: spotipy.Spotify) -> None:
    with pytest.raises(spotipy.SpotifyException) as caught:
        sp.album(UNKNOWN)
    assert caught.value.http_status == 404
    assert UNKNOWN in caught.value.msg
