"""A real search engine and generated Spotify export files for the history tests.

``SearchEngine`` runs ``../shared/search-engine/start-os.sh`` (OpenSearch 2.4.1 that the official
``elasticsearch`` client accepts) on a free loopback port in its own home folder; it can be
stopped and started again on the same home, as the kill-mid-run test needs. The export writers
produce every file format Spotify hands out, with the quirks the importer must survive.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from elasticsearch import Elasticsearch

from catalog.fixtures import REPOSITORY_ROOT
from history.elastic import ALIAS, TEMPLATE

START_SCRIPT = REPOSITORY_ROOT.parent / "shared" / "search-engine" / "start-os.sh"
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SearchEngine:
    """One engine process on 127.0.0.1:``port`` keeping its data in ``home``."""

    home: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with (self.home / "engine.log").open("ab") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                ["bash", str(START_SCRIPT), str(self.home), str(self.port)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the search engine exited with {self.process.returncode}; see {self.home}/engine.log")
            try:
                with urllib.request.urlopen(f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=5s", timeout=10):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the search engine did not start within {STARTUP_SECONDS} s; see {self.home}/engine.log")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def require_java() -> None:
    if shutil.which("java") is None:
        pytest.skip("java is not installed: the history tests need it to run the search engine (Java 17)")
    if not START_SCRIPT.is_file():
        pytest.skip(f"the search engine is not at {START_SCRIPT}")


@pytest.fixture(scope="session")
def search_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchEngine]:
    """The engine shared by the history tests; each test uses its own alias-free cleanup."""
    require_java()
    engine = SearchEngine(tmp_path_factory.mktemp("engine"))
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture
def es(search_engine: SearchEngine) -> Iterator[Elasticsearch]:
    """A client of the shared engine, which holds none of the importer's indices or templates yet."""
    client = Elasticsearch(search_engine.url, request_timeout=30)
    client.indices.delete(index=f"{ALIAS}*", allow_no_indices=True, ignore_unavailable=True)
    client.options(ignore_status=404).indices.delete_index_template(name=TEMPLATE)
    yield client
    client.close()


# -- export files -----------------------------------------------------------------------------

START = datetime(2021, 3, 1, 20, 15, 0, tzinfo=timezone.utc)


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def extended_record(ts: datetime, ms_played: int, **fields: Any) -> dict[str, Any]:
    """One extended-history record with every field present, as Spotify writes them."""
    record: dict[str, Any] = {
        "ts": iso(ts),
        "platform": "android",
        "ms_played": ms_played,
        "conn_country": "DE",
        "ip_addr": "192.0.2.10",
        "master_metadata_track_name": None,
        "master_metadata_album_artist_name": None,
        "master_metadata_album_album_name": None,
        "spotify_track_uri": None,
        "episode_name": None,
        "episode_show_name": None,
        "spotify_episode_uri": None,
        "audiobook_title": None,
        "audiobook_uri": None,
        "audiobook_chapter_uri": None,
        "audiobook_chapter_title": None,
        "reason_start": "trackdone",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": False,
        "offline": False,
        "offline_timestamp": 0,
        "incognito_mode": False,
    }
    record.update(fields)
    return record


def track_record(ts: datetime, ms_played: int, track: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return extended_record(
        ts,
        ms_played,
        master_metadata_track_name=track["name"],
        master_metadata_album_artist_name=track["artists"][0]["name"],
        master_metadata_album_album_name=track["album"]["name"],
        spotify_track_uri=track["uri"],
        **fields,
    )


def write_json(path: Path, records: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=1))
    return path


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def kill_engine(engine: SearchEngine) -> None:
    """SIGKILL the engine without waiting (used from inside a bulk callback).

    Not SIGTERM: a graceful shutdown may finish the requests already sent, so whether the run is
    interrupted would depend on how long the shutdown takes.
    """
    assert engine.process is not None
    os.kill(engine.process.pid, signal.SIGKILL)
