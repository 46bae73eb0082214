"""``/docs`` (Swagger UI) and ``/redoc`` served with their scripts and styles from this server.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so offline they stay blank, and
localspotify is meant to work offline. The assets come from the ``fastapi-offline`` package
(Swagger UI 5, which reads the OpenAPI 3.1 documents FastAPI writes, and ReDoc's standalone
bundle), mounted under ``/docs/assets``; the pages are FastAPI's documented
``get_swagger_ui_html``/``get_redoc_html`` pointed at them. The pages name no other host: no CDN,
no Google Fonts, a local favicon.
"""

from __future__ import annotations

from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
ASSETS_URL = "/docs/assets"
ASSETS_PACKAGE = "fastapi_offline"
SWAGGER_JS = "swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui.css"
REDOC_JS = "redoc.standalone.js"
FAVICON = "favicon.png"


def assets_dir() -> Path:
    """The folder holding the Swagger UI and ReDoc files (inside the installed package)."""
    return Path(str(files(ASSETS_PACKAGE).joinpath("static")))


def assets_version() -> str:
    """The asset package's version, part of the server's ETag seed: an upgrade changes the files."""
    return version(ASSETS_PACKAGE.replace("_", "-"))


def install_offline_docs(app: FastAPI) -> None:
    """Serve ``/docs``, its OAuth2 redirect page and ``/redoc`` from local assets.

    Create ``app`` with ``docs_url=None, redoc_url=None`` so FastAPI adds no CDN pages itself.

    :raises RuntimeError: when the asset folder is missing (a broken ``fastapi-offline`` install).
    """
    assert app.openapi_url is not None
    openapi_url = app.openapi_url
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")

    def urls(request: Request) -> tuple[str, str]:
        """The root path behind a proxy and the OpenAPI document's URL, as FastAPI's own pages do."""
        root = request.scope.get("root_path", "").rstrip("/")
        return f"{root}{ASSETS_URL}", f"{root}{openapi_url}"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        assets, openapi = urls(request)
        return get_swagger_ui_html(
            openapi_url=openapi,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{assets}/{SWAGGER_JS}",
            swagger_css_url=f"{assets}/{SWAGGER_CSS}",
            swagger_favicon_url=f"{assets}/{FAVICON}",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        assets, openapi = urls(request)
        return get_redoc_html(
            openapi_url=openapi,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{assets}/{REDOC_JS}",
            redoc_favicon_url=f"{assets}/{FAVICON}",
            with_google_fonts=False,
        )
