"""The two transports in a real Picard: the live server through Picard's web service, and the
catalog in process on Picard's worker threads, answering the same requests the same way."""

# ruff: noqa: F811 (pytest fixtures are imported, then named as parameters)
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from catalog import Catalog
from tests.picard_helpers import CLOSED_PORT_URL, PicardSession, picard_session, wait_until  # noqa: F401

pytestmark = pytest.mark.skipif(importlib.util.find_spec("picard") is None, reason="needs the picard extra")

ASOT = "2FmeMbrSobUISc2dBWfrnD"
"""102 tracks: the server embeds 50, the transport pages through the rest."""


def fetch(transport: Any, requests: list[Any]) -> tuple[Any, Any]:
    answers: list[tuple[Any, Any]] = []
    transport.fetch(requests, lambda results, error: answers.append((results, error)))
    wait_until(lambda: answers, what="the transport to answer")
    assert len(answers) == 1
    return answers[0]


def without_hrefs(value: Any) -> Any:
    """Objects compared across transports: hrefs point at the server in one, at Spotify in the other."""
    if isinstance(value, dict):
        return {
            k: without_hrefs(v)
            for k, v in value.items()
            if k not in ("href", "next", "previous", "track_href", "analysis_url")
        }
    if isinstance(value, list):
        return [without_hrefs(v) for v in value]
    return value


def test_server_and_in_process_transports_agree(
    picard_session: PicardSession,
    server_url: str,
    sample_catalog: Catalog,
    sample_catalog_path: Path,
):
    transport = picard_session.submodule("transport")
    lookups = picard_session.submodule("lookups")
    track_ids = tuple(t["id"] for t in sample_catalog.album(ASOT)["tracks"]["items"])
    requests = [
        lookups.Albums((ASOT, "0000000000000000000000")),
        lookups.Tracks(track_ids),  # three batches of at most 50
        lookups.Search("isrc:GBAAP0001115", "track", 50),
        lookups.Search('album:"unterminated', "album", 5),
        lookups.AudioFeatures(track_ids[:3]),
        lookups.Artists(("0yNLKJebCb8Aueb54LYya3",)),
    ]
    over_http, error = fetch(transport.ServerTransport(picard_session.api.web_service, server_url), requests)
    assert error is None
    in_process_transport = transport.InProcessTransport(str(sample_catalog_path))
    try:
        in_process, error = fetch(in_process_transport, requests)
    finally:
        in_process_transport.close()
    assert error is None
    albums = over_http[0]
    assert albums[1] is None
    assert [t["id"] for t in albums[0]["tracks"]["items"]] == list(track_ids)  # all 102, in order
    assert [t["id"] for t in over_http[1]] == list(track_ids)
    assert [t["album"]["id"] for t in over_http[2]] == ["6iHuSGy6pq4tNGFV3ZVPtl"]
    assert without_hrefs(over_http) == without_hrefs(in_process)


def test_server_transport_reports_an_unreachable_server(picard_session: PicardSession):
    transport = picard_session.submodule("transport")
    lookups = picard_session.submodule("lookups")
    errors = picard_session.submodule("errors")
    results, error = fetch(
        transport.ServerTransport(picard_session.api.web_service, CLOSED_PORT_URL),
        [lookups.Search(f"isrc:GBAAP000{n:04d}") for n in range(5)],
    )
    assert results is None
    assert isinstance(error, errors.ServerUnreachable)
    assert str(error).startswith(f"Local Spotify catalog: no server answers at {CLOSED_PORT_URL} (connection refused).")


def test_standalone_recordings_are_enriched_too(
    picard_session: PicardSession, server_url: str, sample_catalog: Catalog
):
    """A recording loaded on its own (no release) has no album to hold: its tags arrive a moment later."""
    picard_session.configure(server_url=server_url)
    track = sample_catalog.track("6hHc7Pks7wtBIW8Z6A0iFq")
    recording = {
        "id": "5b3e1f2a-1111-4c4c-9a9a-0123456789ab",
        "title": "Blue Monday",
        "length": track["duration_ms"],
        "isrcs": [track["external_ids"]["isrc"]],
        "artist-credit": [
            {
                "name": "New Order",
                "joinphrase": "",
                "artist": {"id": "f1106b17-dcbb-45f6-b938-199ccfab50cc", "name": "New Order", "sort-name": "New Order"},
            }
        ],
    }
    try:
        nat = picard_session.tagger.load_nat(recording["id"], node=recording)
        wait_until(lambda: nat.metadata["spotify_track_id"], what="the recording's Spotify tags")
        assert nat.metadata["spotify_track_id"] == track["id"]
        assert nat.metadata["bpm"] == "130"
    finally:
        picard_session.clear()
