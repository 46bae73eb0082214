"""The server's HTTP behaviour seen with ``requests``: error shapes, caching, gzip, limits, prefixes."""

from __future__ import annotations

import jsonschema
import pytest
import requests

from catalog import Catalog
from server import create_app
from server.app import GZIP_MIN_BYTES
from tests.server_helpers import SUBSTANCE, serve_in_thread
from tests.spotify_schema import schema_exists, validate

NEW_ORDER = "0yNLKJebCb8Aueb54LYya3"
CEREMONY = "5CRPGdCSOfstyTVK9Ja5EQ"
UNKNOWN = "0000000000000000000000"


def ids(count: int) -> str:
    return ",".join([CEREMONY] * count)


def assert_spotify_error(response: requests.Response, status: int) -> None:
    """Exactly ``{"error": {"status", "message"}}``, the status matching the HTTP one."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if schema_exists():
        validate(body["error"], "ErrorObject")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/tracks/not-an-id", 400),
        (f"/v1/tracks/spotify:album:{SUBSTANCE}", 400),  # a URI of another kind
        (f"/v1/tracks/{UNKNOWN}", 404),
        (f"/v1/albums/{UNKNOWN}", 404),
        (f"/v1/albums/{UNKNOWN}/tracks", 404),
        (f"/v1/artists/{UNKNOWN}", 404),
        (f"/v1/artists/{UNKNOWN}/albums", 404),
        (f"/v1/artists/{UNKNOWN}/top-tracks", 404),
        (f"/v1/audio-features/{UNKNOWN}", 404),
        ("/v1/audio-features/x", 400),
        ("/v1/tracks", 400),
        ("/v1/tracks?ids=", 400),
        (f"/v1/tracks?ids={CEREMONY},nope", 400),
        (f"/v1/tracks?ids={ids(51)}", 400),
        (f"/v1/albums?ids={ids(21)}", 400),
        (f"/v1/artists?ids={ids(51)}", 400),
        (f"/v1/audio-features?ids={ids(101)}", 400),
        (f"/v1/albums/{SUBSTANCE}/tracks?limit=0", 400),
        (f"/v1/albums/{SUBSTANCE}/tracks?limit=51", 400),
        (f"/v1/albums/{SUBSTANCE}/tracks?limit=ten", 400),
        (f"/v1/albums/{SUBSTANCE}/tracks?offset=-1", 400),
        (f"/v1/artists/{NEW_ORDER}/albums?include_groups=bogus", 400),
        (f"/v1/artists/{NEW_ORDER}/albums?limit=99", 400),
        ("/v1/search?type=track", 400),
        ("/v1/search?q=ceremony", 400),
        ("/v1/search?q=&type=track", 400),
        ("/v1/search?q=ceremony&type=playlist", 400),
        ("/v1/search?q=ceremony&type=track&offset=1001", 400),
        ("/v1/search?q=ceremony&type=track&limit=51", 400),
        ("/v1/search?q=year:abc&type=track", 400),
        ("/v1/search?q=year:1983&type=track", 400),  # would need a scan: refused
        ("/v1/nowhere", 404),
        ("/", 404),
        (f"/v1/search?q={'a' * 9000}&type=track", 414),
    ],
)
def test_bad_requests_get_spotify_errors(server_url: str, path: str, status: int) -> None:
    assert_spotify_error(requests.get(server_url + path), status)


def test_wrong_method_is_a_spotify_error(server_url: str) -> None:
    assert_spotify_error(requests.post(f"{server_url}/v1/tracks/{CEREMONY}"), 405)


def test_large_bodies_are_refused(server_url: str) -> None:
    body = b"x" * (65 * 1024)
    assert_spotify_error(requests.post(f"{server_url}/api/token", data=body), 413)
    # A generator makes requests send the body chunked, with no Content-Length to check up front.
    assert_spotify_error(requests.post(f"{server_url}/api/token", data=iter([body[:40_000], body[40_000:]])), 413)


def test_unknown_ids_are_null_in_batches(server_url: str) -> None:
    batches = [("tracks", CEREMONY), ("artists", NEW_ORDER), ("albums", SUBSTANCE), ("audio-features", CEREMONY)]
    for path, known in batches:
        key = path.replace("-", "_")
        response = requests.get(f"{server_url}/v1/{path}", params={"ids": f"{UNKNOWN},{known}"})
        assert response.status_code == 200
        first, second = response.json()[key]
        assert first is None
        assert second["id"] == known


def test_albums_embed_fifty_tracks_per_page(server_url: str, sample_catalog: Catalog) -> None:
    albums = sample_catalog.search("year:0000-2100 a", ["album"], limit=50)["albums"]["items"]
    big = max(albums, key=lambda a: a["total_tracks"])
    assert big["total_tracks"] > 50
    album = requests.get(f"{server_url}/v1/albums/{big['id']}").json()
    assert len(album["tracks"]["items"]) == 50
    assert album["tracks"]["next"] == f"{server_url}/v1/albums/{big['id']}/tracks?offset=50&limit=50"


@pytest.mark.parametrize("prefix", ["/v1", ""])
def test_hrefs_point_at_the_route_asked(server_url: str, prefix: str) -> None:
    album = requests.get(f"{server_url}{prefix}/albums/{SUBSTANCE}").json()
    assert album["href"] == f"{server_url}{prefix}/albums/{SUBSTANCE}"
    assert album["tracks"]["items"][0]["href"] == f"{server_url}{prefix}/tracks/{CEREMONY}"


def test_base_url_for_a_proxy_in_front(sample_catalog: Catalog) -> None:
    with serve_in_thread(create_app(sample_catalog, base_url="https://music.example.com/")) as url:
        album = requests.get(f"{url}/v1/albums/{SUBSTANCE}").json()
    assert album["href"] == f"https://music.example.com/v1/albums/{SUBSTANCE}"
    # The catalog was handed in open, so the server left it open.
    assert sample_catalog.album(SUBSTANCE) is not None


def test_etag_and_not_modified(server_url: str) -> None:
    url = f"{server_url}/v1/albums/{SUBSTANCE}"
    first = requests.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = requests.get(url, headers={"If-None-Match": f'"other", {etag}'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    assert requests.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert requests.get(url, params={"market": "DE"}).headers["ETag"] != etag


def test_errors_are_not_cached(server_url: str) -> None:
    response = requests.get(f"{server_url}/v1/albums/{UNKNOWN}")
    assert "ETag" not in response.headers
    assert "Cache-Control" not in response.headers


def test_gzip_when_accepted(server_url: str) -> None:
    url = f"{server_url}/v1/albums/{SUBSTANCE}"
    zipped = requests.get(url, headers={"Accept-Encoding": "gzip"})
    plain = requests.get(url, headers={"Accept-Encoding": "identity"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert int(zipped.headers["Content-Length"]) < int(plain.headers["Content-Length"])
    assert zipped.json() == plain.json()


def test_small_bodies_are_not_gzipped(server_url: str) -> None:
    # Deflating a single object costs more CPU than the rest of its request; it goes as it is.
    artist = requests.get(f"{server_url}/v1/artists/{NEW_ORDER}", headers={"Accept-Encoding": "gzip"})
    assert int(artist.headers["Content-Length"]) < GZIP_MIN_BYTES
    assert "Content-Encoding" not in artist.headers


def test_token_for_any_client(server_url: str) -> None:
    response = requests.post(
        f"{server_url}/api/token", data={"grant_type": "client_credentials"}, auth=("any-id", "any-secret")
    )
    assert response.status_code == 200
    token = response.json()
    assert set(token) == {"access_token", "token_type", "expires_in"}
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600


INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE tracks; --",
    '") UNION SELECT * FROM meta --',
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    'artist:"unterminated',
    "year:1990-",
    "isrc:' OR 1=1",
    "upc:%%%",
    "🎵" * 100,
    "a" * 2000,
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_q_is_harmless(server_url: str, value: str) -> None:
    response = requests.get(f"{server_url}/v1/search", params={"q": value, "type": "track,album,artist"})
    if response.status_code == 200:
        assert {page["total"] for page in response.json().values()} == {0}
    else:
        assert_spotify_error(response, 400)


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_ids_is_refused(server_url: str, value: str) -> None:
    assert_spotify_error(requests.get(f"{server_url}/v1/tracks", params={"ids": value}), 400)
    response = requests.get(f"{server_url}/v1/albums/{requests.utils.quote(value, safe='')}")
    # The server decodes %2F before routing: a value with a slash names no route at all.
    assert_spotify_error(response, 404 if "/" in value else 400)


# One real request per documented GET route, with unknown ids in the batches so that the
# documented items admit the nulls answered in their place.
ROUTE_EXAMPLES = {
    "/v1/tracks/{id}": f"/v1/tracks/{CEREMONY}?market=DE",
    "/v1/tracks": f"/v1/tracks?ids={CEREMONY},{UNKNOWN}",
    "/v1/albums/{id}": f"/v1/albums/{SUBSTANCE}",
    "/v1/albums": f"/v1/albums?ids={SUBSTANCE},{UNKNOWN}",
    "/v1/albums/{id}/tracks": f"/v1/albums/{SUBSTANCE}/tracks?limit=5&offset=5",
    "/v1/artists/{id}": f"/v1/artists/{NEW_ORDER}",
    "/v1/artists": f"/v1/artists?ids={NEW_ORDER},{UNKNOWN}",
    "/v1/artists/{id}/albums": f"/v1/artists/{NEW_ORDER}/albums?include_groups=album,appears_on",
    "/v1/artists/{id}/top-tracks": f"/v1/artists/{NEW_ORDER}/top-tracks",
    "/v1/audio-features/{id}": f"/v1/audio-features/{CEREMONY}",
    "/v1/audio-features": f"/v1/audio-features?ids={CEREMONY},{UNKNOWN}",
    "/v1/search": "/v1/search?q=new+order&type=track,album,artist",
}


def test_every_route_documents_its_200_body(server_url: str) -> None:
    """The routes answer unvalidated catalog objects; their documented models must still fit them."""
    document = requests.get(f"{server_url}/openapi.json").json()
    assert set(ROUTE_EXAMPLES) == {path for path, operations in document["paths"].items() if "get" in operations}
    for route, url in ROUTE_EXAMPLES.items():
        schema = document["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        component = document["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
        assert component["properties"], route
        response = requests.get(server_url + url)
        assert response.status_code == 200, url
        jsonschema.validate(response.json(), {**schema, "components": document["components"]})


def test_openapi_document_and_docs(server_url: str) -> None:
    document = requests.get(f"{server_url}/openapi.json").json()
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert "/v1/albums/{id}/tracks" in document["paths"]
    assert all(op.get("summary") and op.get("description") for op in operations)
    docs = requests.get(f"{server_url}/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
