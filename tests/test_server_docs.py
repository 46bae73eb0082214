"""``/docs`` and ``/redoc`` work offline: every script, stylesheet and icon they name comes from
the server itself (FastAPI's defaults load them from a CDN, and the pages stay blank offline)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import asyncio

import httpx
import pytest
import requests

from server import create_app


class _Resources(HTMLParser):
    """Every URL a page makes the browser load: ``<script src>``, ``<link href>``, ``<img src>``."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.others: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"])
        elif tag == "link" and values.get("href"):
            (self.styles if values.get("rel") == "stylesheet" else self.others).append(values["href"])
        elif values.get("src"):
            self.others.append(values["src"])


def _resources(html: str) -> _Resources:
    parser = _Resources()
    parser.feed(html)
    return parser


def _fetch_local(base: str, url: str) -> requests.Response:
    """GET a URL the page names, which must be a path on this server (no scheme, no host)."""
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("", ""), f"{url} is not served locally"
    assert url.startswith("/docs/assets/")
    response = requests.get(base + url, timeout=10)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response


def test_swagger_ui_loads_its_assets_from_the_server(server_url: str) -> None:  # noqa: F811
    page = requests.get(f"{server_url}/docs", timeout=10)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    found = _resources(page.text)
    assert "cdn" not in page.text and "https://" not in page.text
    assert "url: '/openapi.json'" in page.text

    (script,) = found.scripts
    js = _fetch_local(server_url, script)
    assert js.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert "SwaggerUIBundle" in js.text and len(js.content) > 500_000
    # FastAPI writes OpenAPI 3.1, which Swagger UI reads from version 5 on (4.x shows an error).
    assert requests.get(f"{server_url}/openapi.json", timeout=10).json()["openapi"].startswith("3.1")
    assert 'PACKAGE_VERSION:"5.' in js.text

    (stylesheet,) = found.styles
    css = _fetch_local(server_url, stylesheet)
    assert css.headers["content-type"].startswith("text/css")
    assert ".swagger-ui" in css.text

    for other in found.others:  # the favicon
        assert _fetch_local(server_url, other).headers["content-type"] == "image/png"


def test_redoc_loads_its_script_from_the_server(server_url: str) -> None:  # noqa: F811
    page = requests.get(f"{server_url}/redoc", timeout=10)
    assert page.status_code == 200
    assert "https://" not in page.text  # no CDN, no Google Fonts
    assert 'spec-url="/openapi.json"' in page.text

    found = _resources(page.text)
    (script,) = found.scripts
    js = _fetch_local(server_url, script)
    assert js.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert "Redoc" in js.text and len(js.content) > 500_000
    assert not found.styles
    for other in found.others:
        _fetch_local(server_url, other)


def test_assets_are_cached_and_compressed(server_url: str) -> None:  # noqa: F811
    url = f"{server_url}/docs/assets/swagger-ui-bundle.js"
    first = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert first.headers["content-encoding"] == "gzip"
    assert "max-age" in first.headers["cache-control"]
    # One ETag, the server's: requests joins repeated headers with commas.
    assert "," not in first.headers["etag"]
    again = requests.get(url, headers={"If-None-Match": first.headers["etag"]}, timeout=10)
    assert again.status_code == 304


def test_unknown_asset_is_a_spotify_shaped_404(server_url: str) -> None:  # noqa: F811
    response = requests.get(f"{server_url}/docs/assets/nope.js", timeout=10)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_oauth2_redirect_page_is_served(server_url: str) -> None:  # noqa: F811
    page = requests.get(f"{server_url}/docs/oauth2-redirect", timeout=10)
    assert page.status_code == 200 and "swaggerUIRedirectOauth2" in page.text


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_pages_behind_a_proxy_prefix_name_prefixed_urls(sample_catalog_path, path: str) -> None:
    async def get_page_and_script() -> tuple[httpx.Response, _Resources, httpx.Response]:
        # The real app in-process, as a proxy serving it under /spotify calls it.
        transport = httpx.ASGITransport(app=create_app(sample_catalog_path), root_path="/spotify")
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
            page = await client.get(f"/spotify{path}")
            found = _resources(page.text)
            return page, found, await client.get(found.scripts[0])

    page, found, script = asyncio.run(get_page_and_script())
    assert page.status_code == 200
    assert all(url.startswith("/spotify/docs/assets/") for url in found.scripts + found.styles + found.others)
    assert "/spotify/openapi.json" in page.text
    assert script.status_code == 200 and len(script.content) > 500_000
