"""Tracks the catalog lacks, looked up on Spotify's Web API (history/online.py), end to end.

Spotify cannot be reached from a test, so localspotify's own server stands in for it, serving the
real slice, while the plays are enriched from a small generated catalog that lacks every track
of the slice: each one must come from the "Web API". spotipy reaches the server through the two
URL settings a user has too (``--spotify-api-url``, ``--spotify-token-url``). In front of the
server sits :class:`SpotifyStandIn`, which does what the server does not: it checks the client
id and secret, as accounts.spotify.com does; counts the requests it gets; and answers 429 with
``Retry-After`` when a test says so.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from catalog import Catalog
from catalog.fixtures import build_synthetic_catalog
from history.cli import history
from history.elastic import ALIAS, Connection
from history.importer import PROCESSED, ImportOptions, Importer, import_folder, run_import
from history.online import WebApiLookup, WebApiSettings, cache_folder
from tests.history_helpers import (
    START,
    SearchEngine,
    es,
    extended_record,
    free_port,
    minutes,
    search_engine,
    track_record,
    write_json,
)
from tests.stub_http import JsonHandler, StubServer

__all__ = ["es", "search_engine"]  # fixtures, imported to be found by pytest

CLIENT_ID, CLIENT_SECRET = "local-app", "local-secret"
TOKEN = "stand-in-token"
SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
UNKNOWN = "0000000000000000000000"  # Spotify answers 404
BERLIN = ZoneInfo("Europe/Berlin")


class SpotifyStandIn:
    """accounts.spotify.com and api.spotify.com on one loopback port, in front of localspotify's
    server at ``server_url``.

    ``POST /api/token`` hands out a token for :data:`CLIENT_ID` and :data:`CLIENT_SECRET` only and
    answers anything else as Spotify does (400 ``invalid_client``); ``GET /v1/...`` needs that
    token and is passed on to the server. ``seen`` lists the paths of the API requests, in order.
    ``refusal(n)`` may give a ``Retry-After`` value for the n-th API request (from 1), which is then
    answered 429 with it instead of being passed on.
    """

    def __init__(self, server_url: str) -> None:
        self.seen: list[str] = []
        self.refusal: Callable[[int], str | None] = lambda n: None
        stand_in = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.path != "/api/token":
                    self.send_json({"error": "not_found"}, 404)
                elif self.headers.get("Authorization") != f"Basic {credentials}":
                    self.send_json({"error": "invalid_client", "error_description": "Invalid client"}, 400)
                else:
                    self.send_json({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})

            def do_GET(self) -> None:  # noqa: N802
                stand_in.seen.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.send_json({"error": {"status": 401, "message": "No token provided"}}, 401)
                    return
                retry_after = stand_in.refusal(len(stand_in.seen))
                if retry_after is not None:
                    self.send_json({"error": {"status": 429, "message": "API rate limit exceeded"}}, 429, retry_after)
                    return
                try:
                    with urllib.request.urlopen(server_url + self.path, timeout=10) as answer:
                        status, body = answer.status, answer.read()
                except urllib.error.HTTPError as exc:
                    status, body = exc.code, exc.read()
                self.send_bytes(status, body)

            def send_json(self, document: Any, status: int = 200, retry_after: str | None = None) -> None:
                self.send_bytes(status, json.dumps(document).encode(), retry_after)

            def send_bytes(self, status: int, body: bytes, retry_after: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if retry_after is not None:
                    self.send_header("Retry-After", retry_after)
                self.end_headers()
                self.wfile.write(body)

        self._server = StubServer(Handler)
        self.url = f"http://127.0.0.1:{self._server.port}"

    def settings(self, cache_dir: Path, *, client_secret: str = CLIENT_SECRET) -> WebApiSettings:
        """What a user configures to reach this stand-in instead of Spotify."""
        return WebApiSettings(
            client_id=CLIENT_ID,
            client_secret=client_secret,
            cache_dir=cache_dir,
            api_url=f"{self.url}/v1/",
            token_url=f"{self.url}/api/token",
        )

    def options(self, cache_dir: Path) -> list[str]:
        """The same as command-line options, credentials left to the caller."""
        return ["--spotify-api-url", f"{self.url}/v1/", "--spotify-token-url", f"{self.url}/api/token",
                "--spotify-cache", str(cache_dir)]  # fmt: skip

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def spotify(server_url: str) -> Iterator[SpotifyStandIn]:
    stand_in = SpotifyStandIn(server_url)
    yield stand_in
    stand_in.close()


@pytest.fixture(scope="module")
def catalog_without_them_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 generated tracks: none of the real slice's."""
    return build_synthetic_catalog(tmp_path_factory.mktemp("lacking"), 1_000)


@pytest.fixture(scope="module")
def catalog_without_them(catalog_without_them_path: Path) -> Iterator[Catalog]:
    cat = Catalog.open(catalog_without_them_path)
    yield cat
    cat.close()


def write_history(folder: Path, tracks: list[dict[str, Any]]) -> None:
    """Two plays of each track, one of a track Spotify does not know, one podcast episode."""
    plays = [track_record(START + minutes(4 * n), 200_000, tracks[n % len(tracks)]) for n in range(2 * len(tracks))]
    plays.append(
        extended_record(START + minutes(900), 30_000, spotify_track_uri=f"spotify:track:{UNKNOWN}",
                        master_metadata_track_name="Gone", master_metadata_album_artist_name="Nobody")
    )  # fmt: skip
    plays.append(
        extended_record(START + minutes(950), 600_000, spotify_episode_uri="spotify:episode:4rOoJ6Egrf8K2IrywzwOMk",
                        episode_name="Episode 1", episode_show_name="The Show")
    )  # fmt: skip
    write_json(folder / "Streaming_History_Audio_2021_0.json", plays)


# -- the lookup ---------------------------------------------------------------------------------


def test_tracks_the_catalog_lacks_get_the_facts_the_catalog_would_give(
    spotify: SpotifyStandIn, sample_catalog: Catalog, substance: list, tmp_path: Path
) -> None:
    lookup = WebApiLookup(spotify.settings(tmp_path / "cache"))
    assert lookup.check() is None
    ids = [t["id"] for t in substance]
    found = lookup.track_facts([*ids, UNKNOWN])
    # The Web API's objects give the catalog's facts, but for audio features, which are not asked
    # for (apps made since 2024-11 get 403 there).
    assert [found.facts[i] for i in ids] == [f._replace(audio_features=None) for f in sample_catalog.track_facts(ids)]
    assert (found.asked, found.unknown, found.pending, found.from_cache) == (25, 1, 0, 0)
    # One request per track; its album and each artist once, however many tracks share them.
    artists = {a["id"] for t in substance for a in t["artists"]}
    assert sorted(spotify.seen) == sorted(
        [f"/v1/tracks/{i}" for i in [*ids, UNKNOWN]] + [f"/v1/albums/{SUBSTANCE}"] + [f"/v1/artists/{a}" for a in artists]
    )
    assert found.requests == len(spotify.seen) == 25 + 1 + len(artists)
    lookup.close()


def test_albums_and_artists_the_catalog_has_are_not_asked_for(
    spotify: SpotifyStandIn, sample_catalog: Catalog, substance: list, tmp_path: Path
) -> None:
    # The usual track the catalog lacks: a new one on an album and by artists it knows.
    lookup = WebApiLookup(spotify.settings(tmp_path / "cache"), catalog=sample_catalog)
    ids = [t["id"] for t in substance]
    found = lookup.track_facts(ids)
    assert spotify.seen == [f"/v1/tracks/{i}" for i in ids]
    assert [found.facts[i] for i in ids] == [f._replace(audio_features=None) for f in sample_catalog.track_facts(ids)]
    lookup.close()


def test_a_second_run_asks_spotify_nothing(spotify: SpotifyStandIn, substance: list, tmp_path: Path) -> None:
    ids = [t["id"] for t in substance] + [UNKNOWN]
    first = WebApiLookup(spotify.settings(tmp_path / "cache"))
    resolved = first.track_facts(ids).facts
    asked = len(spotify.seen)

    again = WebApiLookup(spotify.settings(tmp_path / "cache")).track_facts(ids)

    assert len(spotify.seen) == asked
    assert (again.requests, again.from_cache, again.unknown) == (0, 25, 1)
    assert again.facts == resolved


def test_answers_of_another_api_are_cached_apart(spotify: SpotifyStandIn, server_url: str, substance: list, tmp_path: Path) -> None:
    ceremony = substance[0]["id"]
    WebApiLookup(spotify.settings(tmp_path / "cache")).track_facts([ceremony])
    other = SpotifyStandIn(server_url)  # another host (port): a proxy, or the real Spotify
    try:
        lookup = WebApiLookup(other.settings(tmp_path / "cache"))
        assert lookup.track_facts([ceremony]).requests > 0
        assert other.seen[0] == f"/v1/tracks/{ceremony}"
    finally:
        other.close()
    assert lookup.cache.folder == tmp_path / "cache" / "other-apis" / urlsplit(other.url).netloc.replace(":", "_")
    spotify_settings = WebApiSettings(CLIENT_ID, CLIENT_SECRET, cache_dir=tmp_path / "cache")
    assert cache_folder(spotify_settings) == tmp_path / "cache"  # Spotify's own answers stay where they were


def test_ids_spotify_does_not_know_are_cached_as_misses(spotify: SpotifyStandIn, tmp_path: Path) -> None:
    lookup = WebApiLookup(spotify.settings(tmp_path / "cache"))
    assert lookup.track_facts([UNKNOWN]).unknown == 1
    assert spotify.seen == [f"/v1/tracks/{UNKNOWN}"]
    assert (lookup.cache.folder / "tracks" / f"{UNKNOWN}.json").read_text() == "null"
    assert lookup.track_facts([UNKNOWN]).unknown == 1
    assert spotify.seen == [f"/v1/tracks/{UNKNOWN}"]


def test_retry_after_is_waited_for_then_the_request_is_sent_again(spotify: SpotifyStandIn, substance: list, tmp_path: Path) -> None:
    spotify.refusal = lambda n: "1" if n == 1 else None
    ceremony = substance[0]["id"]
    started = time.monotonic()
    found = WebApiLookup(spotify.settings(tmp_path / "cache")).track_facts([ceremony])
    assert time.monotonic() - started >= 1
    assert found.facts[ceremony].name == "Ceremony"
    assert spotify.seen[:2] == [f"/v1/tracks/{ceremony}"] * 2


def test_a_long_retry_after_ends_lookups_for_the_run_with_one_warning(
    spotify: SpotifyStandIn, catalog_without_them: Catalog, substance: list, tmp_path: Path
) -> None:
    # Spotify answers the first track, its album and its artists, then asks to wait an hour (what
    # it does when an app overran its quota): the import does not sleep, it indexes what it has.
    first_track, second_track = sorted(substance[:2], key=lambda t: t["uri"])  # looked up in this order
    spotify.refusal = lambda n: "3600" if n > 2 + len(first_track["artists"]) else None
    folder = tmp_path / "to_read"
    write_json(
        folder / "Streaming_History_Audio_2021_0.json",
        [track_record(START + minutes(n), 60_000, track) for n, track in enumerate([first_track, second_track] * 2)],
    )
    write_json(folder / "Streaming_History_Audio_2021_1.json", [track_record(START + minutes(1000), 90_000, substance[5])])
    lookup = WebApiLookup(spotify.settings(tmp_path / "cache"))
    lines: list[str] = []
    started = time.monotonic()

    summary = run_import(folder, Importer(catalog_without_them, ImportOptions(zone=BERLIN), echo=lines.append, online=lookup), client=None)

    assert time.monotonic() - started < 10
    warnings = [line for line in lines if line.startswith("warning:")]
    assert warnings == [
        f"warning: No more lookups on Spotify's Web API in this run (127.0.0.1:{spotify.url.rsplit(':', 1)[1]} kept "
        "refusing: Retry-After: 3600 (rate limit; waits above 60 s are not waited for)). Plays of the tracks the "
        "catalog lacks are indexed with the export's names from here on; once Spotify answers again, move the files "
        "back from processed/ and run the same command: their documents are updated in place (answers so far are cached)."
    ]
    assert len(spotify.seen) == 3 + len(first_track["artists"])  # nothing asked after the refusal, here or in the next file
    first, second = summary.files
    assert (first.resolved_online, len(first.online.facts), first.online.pending) == (2, 1, 1)  # type: ignore[union-attr]
    assert f"{first.path.name}: 4 plays; 0 matched in the catalog; 2 resolved online; 4 track; 1 of 2 tracks the catalog lacks found online (1 not looked up, " in "\n".join(lines)
    assert (second.resolved_online, second.online.pending, second.online.requests) == (0, 1, 0)  # type: ignore[union-attr]


# -- the commands -------------------------------------------------------------------------------


def test_bad_credentials_stop_the_run_before_anything_is_indexed(
    spotify: SpotifyStandIn, sample_catalog_path: Path, substance: list, tmp_path: Path
) -> None:
    write_history(tmp_path / "to_read", substance)
    result = CliRunner().invoke(
        history,
        [str(tmp_path / "to_read"), "--catalog", str(sample_catalog_path), "--es-url", f"http://127.0.0.1:{free_port()}",
         "--spotify-client-id", CLIENT_ID, "--spotify-client-secret", "wrong", *spotify.options(tmp_path / "cache")],
    )  # fmt: skip
    # Nothing listens at the --es-url: the credentials were checked before the cluster was touched.
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: Spotify refused the client id and secret (Invalid client; asked {spotify.url}/api/token). Copy both "
        "from your app at https://developer.spotify.com/dashboard into --spotify-client-id and --spotify-client-secret "
        "(or $SPOTIPY_CLIENT_ID and $SPOTIPY_CLIENT_SECRET), or leave them out to index the tracks the catalog lacks "
        "with the export's names."
    )
    assert spotify.seen == [] and not (tmp_path / "to_read" / PROCESSED).exists()


def test_cli_dry_run_counts_what_it_would_look_up_and_asks_nothing(
    spotify: SpotifyStandIn, catalog_without_them_path: Path, substance: list, tmp_path: Path
) -> None:
    write_history(tmp_path / "to_read", substance)
    catalog = str(catalog_without_them_path)
    # The credentials come from spotipy's environment variables.
    env = {"SPOTIPY_CLIENT_ID": CLIENT_ID, "SPOTIPY_CLIENT_SECRET": CLIENT_SECRET}
    args = [str(tmp_path / "to_read"), "--catalog", catalog, "--dry-run", "--timezone", "UTC", *spotify.options(tmp_path / "cache")]

    before = CliRunner().invoke(history, args, env=env)
    assert before.exit_code == 0, before.output
    assert "Spotify Web API: 0 of 25 tracks the catalog lacks found online (25 would be looked up, 0 requests, 0 tracks from the cache)" in before.output
    assert spotify.seen == []

    # Answers cached by a real run are used by a dry run: its documents show what the run will index.
    WebApiLookup(spotify.settings(tmp_path / "cache")).track_facts([t["id"] for t in substance] + [UNKNOWN])
    asked = len(spotify.seen)
    after = CliRunner().invoke(history, args, env=env)
    assert "Spotify Web API: 24 of 25 tracks the catalog lacks found online (1 unknown to Spotify, 0 requests, 25 tracks from the cache)" in after.output
    assert '"metadata_source": "spotify_web_api"' in after.output and "48 resolved online" in after.output
    assert len(spotify.seen) == asked


def test_cli_needs_both_the_id_and_the_secret(sample_catalog_path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        history, [str(tmp_path), "--catalog", str(sample_catalog_path), "--dry-run", "--spotify-client-id", CLIENT_ID],
        env={"SPOTIPY_CLIENT_SECRET": None, "SPOTIFY_CLIENT_SECRET": None},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Give both --spotify-client-id and --spotify-client-secret" in result.output


def test_beet_spotifyhistory_takes_the_credentials_from_its_config(
    spotify: SpotifyStandIn, sample_catalog_path: Path, substance: list, tmp_path: Path
) -> None:
    from tests.beets_helpers import BeetsEnv

    env = BeetsEnv(tmp_path / "beets")
    env.music.mkdir(parents=True)
    history_config = {
        "es_url": f"http://127.0.0.1:{free_port()}", "spotify_client_id": CLIENT_ID, "spotify_client_secret": "wrong",
        "spotify_api_url": f"{spotify.url}/v1/", "spotify_token_url": f"{spotify.url}/api/token",
        "spotify_cache": str(tmp_path / "cache"),
    }  # fmt: skip
    env.configure(plugins=["localspotify"], localspotify={"catalog": str(sample_catalog_path), "history": history_config})
    write_history(tmp_path / "to_read", substance)

    result = env.beet("spotifyhistory", str(tmp_path / "to_read"), check=False)

    assert result.returncode != 0
    assert "spotifyhistory: Spotify refused the client id and secret (Invalid client" in result.stderr
    assert "Traceback" not in result.stderr


# -- into the search engine ---------------------------------------------------------------------


def count(es: Elasticsearch, **query: Any) -> int:
    es.indices.refresh(index=ALIAS)
    return es.count(index=ALIAS, query=query or {"match_all": {}})["count"]


def test_import_indexes_plays_of_tracks_the_catalog_lacks_enriched_online(
    es: Elasticsearch, search_engine: SearchEngine, spotify: SpotifyStandIn, catalog_without_them: Catalog,
    sample_catalog: Catalog, substance: list, tmp_path: Path,
) -> None:  # fmt: skip
    folder = tmp_path / "to_read"
    write_history(folder, substance)
    online = spotify.settings(tmp_path / "cache")
    lines: list[str] = []
    import_folder(folder, catalog_without_them, ImportOptions(user="philipp", zone=BERLIN),
                  connection=Connection(url=search_engine.url), echo=lines.append, online=online)  # fmt: skip

    assert count(es) == 48 + 2
    assert count(es, term={"metadata_source": "spotify_web_api"}) == 48
    assert count(es, term={"metadata_source": "export"}) == 2  # the unknown track, the episode
    assert count(es, term={"catalog_match": False}) == 50  # the catalog knew none of them
    ceremony = substance[0]
    (hit,) = es.search(index=ALIAS, query={"term": {"track.id": ceremony["id"]}}, size=1)["hits"]["hits"]
    doc = hit["_source"]
    (facts,) = sample_catalog.track_facts([ceremony["id"]])
    assert facts is not None
    assert (doc["title"], doc["artist"], doc["track"]["isrc"], doc["track"]["album"]["label"]) == (
        "Ceremony", ["New Order"], "GBAAP0000867", "Rhino",
    )  # fmt: skip
    assert doc["genres"] == list(facts.genres) and doc["listened_to_pct"] == min(200_000 / facts.duration_ms, 1.0)
    assert "audio_features" not in doc
    genres = es.search(index=ALIAS, size=0, aggs={"g": {"terms": {"field": "genres", "size": 50}}})["aggregations"]["g"]
    assert "new wave" in {b["key"] for b in genres["buckets"]}
    assert lines[0] == f"Spotify Web API: tracks the catalog lacks are looked up online (answers cached in {tmp_path / 'cache'})"
    assert any(line.startswith("Spotify Web API: 24 of 25 tracks the catalog lacks found online (1 unknown to Spotify") for line in lines)

    # Again, from processed/: the same documents, and not one request to Spotify.
    asked = len(spotify.seen)
    for path in (folder / PROCESSED).iterdir():
        path.replace(folder / path.name)
    import_folder(folder, catalog_without_them, ImportOptions(user="philipp", zone=BERLIN),
                  connection=Connection(url=search_engine.url), echo=lines.append, online=online)  # fmt: skip
    assert len(spotify.seen) == asked
    assert count(es) == 50 and count(es, term={"metadata_source": "spotify_web_api"}) == 48


def test_unreachable_spotify_leaves_the_export_data_and_warns_once(
    es: Elasticsearch, search_engine: SearchEngine, catalog_without_them: Catalog, substance: list, tmp_path: Path
) -> None:
    folder = tmp_path / "to_read"
    write_history(folder, substance)
    port = free_port()  # nothing listens there
    online = WebApiSettings(CLIENT_ID, CLIENT_SECRET, cache_dir=tmp_path / "cache",
                            api_url=f"http://127.0.0.1:{port}/v1/", token_url=f"http://127.0.0.1:{port}/api/token")  # fmt: skip
    lines: list[str] = []
    import_folder(folder, catalog_without_them, ImportOptions(zone=BERLIN), connection=Connection(url=search_engine.url),
                  echo=lines.append, online=online)  # fmt: skip

    assert [line for line in lines if "warning" in line] == [
        f"warning: No more lookups on Spotify's Web API in this run (could not connect to 127.0.0.1:{port}). Plays of "
        "the tracks the catalog lacks are indexed with the export's names from here on; once Spotify answers again, "
        "move the files back from processed/ and run the same command: their documents are updated in place "
        "(answers so far are cached)."
    ]
    assert count(es) == count(es, term={"metadata_source": "export"}) == 50  # nothing lost
    (hit,) = es.search(index=ALIAS, query={"term": {"play.uri": substance[0]["uri"]}}, size=1)["hits"]["hits"]
    assert (hit["_source"]["title"], hit["_source"]["catalog_match"]) == ("Ceremony", False)
    assert [p.name for p in (folder / PROCESSED).iterdir()] == ["Streaming_History_Audio_2021_0.json"]
    assert "Spotify Web API: 0 of 25 tracks the catalog lacks found online (25 not looked up, 0 requests, 0 tracks from the cache)" in lines
