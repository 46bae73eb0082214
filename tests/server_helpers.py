"""A real uvicorn server on 127.0.0.1, serving the catalog built from the real sample slice.

Test modules import the ``server_url`` fixture from here. The server runs in a thread on a
socket bound here to a free port, so there is no race for the port and no subprocess to clean up.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from server import create_app

SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
"""New Order, "Substance": 24 tracks, the first "Ceremony"."""
SHARED_UPC = "5055489278100"
"""Two editions of "Shallow and Profound" carry this UPC."""


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 until the block ends; yields its root URL (no trailing slash)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def server_url(sample_catalog_path: Path) -> Iterator[str]:
    """Root URL of a live server over the sample catalog, e.g. ``http://127.0.0.1:41234``."""
    with serve_in_thread(create_app(sample_catalog_path)) as url:
        yield url
