"""``localspotify serve``: run the Web API server over a catalog with uvicorn.

The catalog is checked once here so that a wrong path fails with the usual one-line message
before any worker starts; then uvicorn imports the app factory in each worker process, which
opens the catalog itself (read-only, so any number of workers share one file).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click
import uvicorn

from catalog.cli import CATALOG_ENV, catalog_option, open_catalog

from .app import BASE_URL_ENV

LOOPBACK_NAMES = {"localhost"}


@click.command()
@catalog_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; all but loopback is public.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Worker processes.")
@click.option("--base-url", help="Public URL for hrefs when a proxy stands in front (default: the URL requested).")
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="One line per request on stdout; it costs ~0.04 ms of CPU each (a proxy in front may log already).",
)
def serve(catalog_path: Path, host: str, port: int, workers: int, base_url: str | None, access_log: bool) -> None:
    """Serve the catalog as the Spotify Web API (under /v1 and unprefixed) for Spotify clients.

    Point clients at http://HOST:PORT/v1/ and their token URL at http://HOST:PORT/api/token.
    OpenAPI docs are at /docs.

    \b
    Example:
        localspotify serve --workers 2
    """
    open_catalog(catalog_path).close()
    if not _is_loopback(host):
        click.secho(
            f"Warning: binding {host} makes the catalog reachable from other machines; "
            "the server has no authentication.",
            fg="yellow",
            err=True,
        )
    os.environ[CATALOG_ENV] = str(catalog_path.expanduser())
    if base_url:
        os.environ[BASE_URL_ENV] = base_url
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        timeout_graceful_shutdown=10,
    )


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
