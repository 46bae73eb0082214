"""``serve``: checks the catalog first, warns about public addresses, and runs real workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from catalog.fixtures import REPOSITORY_ROOT
from server import cli
from tests.server_helpers import SUBSTANCE


def test_missing_catalog_fails_before_serving(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.serve, ["--catalog", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "No catalog at" in result.output


@pytest.mark.parametrize(
    ("host", "warned"), [("127.0.0.1", False), ("localhost", False), ("::1", False), ("0.0.0.0", True)]
)
def test_public_hosts_are_warned_about(
    sample_catalog_path: Path, monkeypatch: pytest.MonkeyPatch, host: str, warned: bool
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: calls.append({"app": app, **options}))
    monkeypatch.delenv(cli.CATALOG_ENV, raising=False)
    result = CliRunner().invoke(cli.serve, ["--catalog", str(sample_catalog_path), "--host", host])
    assert result.exit_code == 0, result.output
    assert ("Warning" in result.output) is warned
    assert calls == [
        {
            "app": "server.app:app_from_env",
            "factory": True,
            "host": host,
            "port": 8000,
            "workers": 1,
            "access_log": True,
            "timeout_graceful_shutdown": 10,
        }
    ]
    assert os.environ[cli.CATALOG_ENV] == str(sample_catalog_path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_server(catalog: Path, *options: str, requests_made: int) -> tuple[str, str]:
    """Run ``python -m server`` with ``options``, GET Substance ``requests_made`` times once it
    answers, stop it with Ctrl-C; return its stdout and stderr."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "--catalog", str(catalog), "--port", str(port), *options],
        cwd=REPOSITORY_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/v1/albums/{SUBSTANCE}"
        # Only a guard against a server that never starts: two workers importing FastAPI and
        # DuckDB can take long on a loaded 2-core machine.
        deadline = time.monotonic() + 120
        while True:
            try:
                response = requests.get(url, timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
                time.sleep(0.2)
        assert response.json()["name"] == "Substance"
        for _ in range(requests_made - 1):
            assert requests.get(url, timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        out, log = process.communicate(timeout=30)
    assert process.returncode == 0, log
    return out, log


def test_workers_share_one_catalog_and_stop_gracefully(sample_catalog_path: Path) -> None:
    out, log = run_server(sample_catalog_path, "--workers", "2", requests_made=21)  # spread over both workers
    assert log.count("Application startup complete") == 2
    assert log.count("Application shutdown complete") == 2
    assert out.count(f'"GET /v1/albums/{SUBSTANCE} HTTP/1.1" 200') == 21


def test_access_log_can_be_turned_off(sample_catalog_path: Path) -> None:
    out, log = run_server(sample_catalog_path, "--no-access-log", requests_made=3)
    assert "Application startup complete" in log
    assert SUBSTANCE not in out + log
