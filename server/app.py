"""The Spotify Web API, answered from a local catalog: point a Spotify client at this server.

Routes live under ``/v1`` (where clients expect them) and, for the original clone's users,
without the prefix too; ``href`` and paging links point back at whichever was asked. Each route
parses its parameters, calls one ``Catalog`` method and returns the object unchanged: no SQL here.
Routes are plain ``def`` so FastAPI runs them in its threadpool (the catalog is synchronous and
gives each thread its own cursor); they return ``JSONResponse`` themselves because the catalog's
objects are already JSON-ready, and FastAPI's encoder would only walk them again.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.middleware.gzip import GZipMiddleware

from catalog import Catalog, __version__
from catalog.cli import default_catalog_path
from catalog.ids import Kind, require_id

from .docs import assets_version, install_offline_docs
from .errors import ErrorResponse, install_error_handlers
from .middleware import MAX_BODY_BYTES, MAX_QUERY_BYTES, ConditionalGet, RequestLimits, StripTrailingSlash

API_PREFIX = "/v1"
BASE_URL_ENV = "LOCALSPOTIFY_BASE_URL"

DESCRIPTION = f"""
The Spotify Web API's catalog routes, answered offline from a localspotify catalog.

* Every route is served under `{API_PREFIX}` (as documented here) and also without the prefix.
* Objects have exactly the Web API's shape; `href` and paging links point at this server.
* Batch routes answer `null` in place of ids the catalog does not hold; malformed ids, too many
  ids, a bad `limit`/`offset` or a malformed `q` are 400 errors.
* `POST /api/token` hands any client a token so that clients which insist on authenticating work
  unchanged. It grants nothing: the data is local and no route checks it.
* Request bodies over {MAX_BODY_BYTES // 1024} KB are refused (413), query strings over
  {MAX_QUERY_BYTES // 1024} KB too (414).
* Errors are `{{"error": {{"status": …, "message": …}}}}` with the matching HTTP status.
"""

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Malformed id or parameter"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"model": ErrorResponse, "description": "The catalog has no such object"},
}


def create_app(catalog: str | Path | Catalog, *, base_url: str | None = None) -> FastAPI:
    """The server for a catalog file (opened read-only here, closed at shutdown) or an open ``Catalog``.

    :param base_url: the public root that hrefs point at (``https://music.example.com``) when a
        proxy stands in front; by default the URL each request arrived at.
    :raises CatalogNotFound, CatalogIncompatible: when ``catalog`` is a path that cannot be opened.

    >>> uvicorn.run(create_app("catalog.duckdb"))  # doctest: +SKIP
    """
    owned = not isinstance(catalog, Catalog)
    cat = catalog if isinstance(catalog, Catalog) else Catalog.open(catalog)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            cat.close()

    app = FastAPI(
        title="localspotify",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by install_offline_docs, without a CDN
        redoc_url=None,
    )
    app.state.catalog = cat
    app.state.base_url = base_url.rstrip("/") if base_url else None
    app.include_router(api, prefix=API_PREFIX)
    app.include_router(api, include_in_schema=False)
    app.include_router(accounts)
    install_error_handlers(app)
    install_offline_docs(app)
    # Added innermost first: limits run before anything else, gzip last before the routes.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)
    seed = f"{__version__} {cat.path} {cat.meta.get('built_at')} {base_url} docs {assets_version()}"
    app.add_middleware(ConditionalGet, seed=seed)
    app.add_middleware(StripTrailingSlash)
    app.add_middleware(RequestLimits)
    return app


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory server.app:app_from_env``, so each worker process opens the
    catalog itself: ``$LOCALSPOTIFY_CATALOG`` (else the default path) and ``$LOCALSPOTIFY_BASE_URL``."""
    return create_app(default_catalog_path(), base_url=os.environ.get(BASE_URL_ENV) or None)


# -- dependencies ----------------------------------------------------------------------------
# async so that FastAPI resolves them on the event loop, not with a threadpool hop each.


async def _catalog(request: Request) -> Catalog:
    cat: Catalog = request.app.state.catalog
    return cat


async def _base(request: Request) -> str:
    """Where hrefs point: this server's root, plus ``/v1`` when the request came through it."""
    root = request.app.state.base_url or str(request.base_url).rstrip("/")
    path = request.url.path.removeprefix(request.base_url.path.rstrip("/"))
    return root + API_PREFIX if path.startswith(API_PREFIX + "/") else root


CatalogDep = Annotated[Catalog, Depends(_catalog)]
Base = Annotated[str, Depends(_base)]
Id = Annotated[str, PathParam(alias="id", description="A Spotify id (a URI or open.spotify.com link works too)")]
Market = Annotated[
    str | None,
    Query(description="ISO 3166-1 alpha-2 country code: `available_markets` narrowed to it, `is_playable` set"),
]
Offset = Annotated[int, Query(ge=0, description="Index of the first item")]


def _ids(description: str, example: str) -> Any:
    return Query(description=description, examples=[example])


def _parse_ids(ids: str, kind: Kind, most: int) -> list[str]:
    """The bare ids of a comma-separated ``ids`` parameter; 400 for too many or a malformed one."""
    values = ids.split(",")
    if len(values) > most:
        raise HTTPException(400, f"too many ids requested: {len(values)}, at most {most}")
    return [require_id(value, kind) for value in values]


def _found(obj: Any, kind: str, value: str) -> JSONResponse:
    if obj is None:
        raise HTTPException(404, f"no {kind} with id {value!r} in the catalog")
    return JSONResponse(obj)


# -- the Web API routes ----------------------------------------------------------------------

api = APIRouter()


@api.get("/tracks/{id}", summary="Get a track", tags=["tracks"], responses=NOT_FOUND)
def get_track(cat: CatalogDep, base: Base, track_id: Id, market: Market = None) -> JSONResponse:
    """The full track object, with its simplified album and artists."""
    return _found(cat.track(track_id, market=market, base=base), "track", track_id)


@api.get("/tracks", summary="Get several tracks", tags=["tracks"], responses=ERRORS)
def get_tracks(
    cat: CatalogDep,
    base: Base,
    ids: Annotated[str, _ids("Comma-separated track ids, at most 50", "5CRPGdCSOfstyTVK9Ja5EQ,0000000000000000000000")],
    market: Market = None,
) -> JSONResponse:
    """`{"tracks": [...]}` in the order asked, `null` for ids the catalog lacks."""
    return JSONResponse({"tracks": cat.tracks(_parse_ids(ids, "track", 50), market=market, base=base)})


@api.get("/albums/{id}", summary="Get an album", tags=["albums"], responses=NOT_FOUND)
def get_album(cat: CatalogDep, base: Base, album_id: Id, market: Market = None) -> JSONResponse:
    """The full album object; its first 50 tracks are embedded, `tracks.next` pages on."""
    return _found(cat.album(album_id, market=market, base=base, track_limit=50), "album", album_id)


@api.get("/albums", summary="Get several albums", tags=["albums"], responses=ERRORS)
def get_albums(
    cat: CatalogDep,
    base: Base,
    ids: Annotated[str, _ids("Comma-separated album ids, at most 20", "6iHuSGy6pq4tNGFV3ZVPtl")],
    market: Market = None,
) -> JSONResponse:
    """`{"albums": [...]}` in the order asked, `null` for ids the catalog lacks."""
    albums = cat.albums(_parse_ids(ids, "album", 20), market=market, base=base, track_limit=50)
    return JSONResponse({"albums": albums})


@api.get("/albums/{id}/tracks", summary="Get an album's tracks", tags=["albums"], responses=NOT_FOUND)
def get_album_tracks(
    cat: CatalogDep,
    base: Base,
    album_id: Id,
    market: Market = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Tracks per page")] = 20,
    offset: Offset = 0,
) -> JSONResponse:
    """One page of simplified tracks in disc and track order."""
    page = cat.album_tracks(album_id, limit=limit, offset=offset, market=market, base=base)
    return _found(page, "album", album_id)


@api.get("/artists/{id}", summary="Get an artist", tags=["artists"], responses=NOT_FOUND)
def get_artist(cat: CatalogDep, base: Base, artist_id: Id) -> JSONResponse:
    """The full artist object: genres, followers, images, popularity."""
    return _found(cat.artist(artist_id, base=base), "artist", artist_id)


@api.get("/artists", summary="Get several artists", tags=["artists"], responses=ERRORS)
def get_artists(
    cat: CatalogDep,
    base: Base,
    ids: Annotated[str, _ids("Comma-separated artist ids, at most 50", "0yNLKJebCb8Aueb54LYya3")],
) -> JSONResponse:
    """`{"artists": [...]}` in the order asked, `null` for ids the catalog lacks."""
    return JSONResponse({"artists": cat.artists(_parse_ids(ids, "artist", 50), base=base)})


@api.get("/artists/{id}/albums", summary="Get an artist's albums", tags=["artists"], responses=NOT_FOUND)
def get_artist_albums(
    cat: CatalogDep,
    base: Base,
    artist_id: Id,
    include_groups: Annotated[
        str | None, Query(description="Comma-separated: album, single, compilation, appears_on (default: all)")
    ] = None,
    market: Market = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Albums per page")] = 20,
    offset: Offset = 0,
) -> JSONResponse:
    """Albums, singles, compilations, then appears-on, newest first within each group."""
    groups = [g.strip() for g in (include_groups or "").split(",") if g.strip()] or None
    page = cat.artist_albums(artist_id, include_groups=groups, limit=limit, offset=offset, market=market, base=base)
    return _found(page, "artist", artist_id)


@api.get("/artists/{id}/top-tracks", summary="Get an artist's top tracks", tags=["artists"], responses=NOT_FOUND)
def get_artist_top_tracks(cat: CatalogDep, base: Base, artist_id: Id, market: Market = None) -> JSONResponse:
    """`{"tracks": [...]}`: the artist's ten most popular tracks."""
    tracks = cat.artist_top_tracks(artist_id, market=market, base=base)
    return _found(None if tracks is None else {"tracks": tracks}, "artist", artist_id)


@api.get("/audio-features/{id}", summary="Get a track's audio features", tags=["tracks"], responses=NOT_FOUND)
def get_audio_features(cat: CatalogDep, base: Base, track_id: Id) -> JSONResponse:
    """Danceability, energy, tempo and the rest, as numbers."""
    (features,) = cat.audio_features([require_id(track_id, "track")], base=base)
    return _found(features, "audio features for track", track_id)


@api.get("/audio-features", summary="Get several tracks' audio features", tags=["tracks"], responses=ERRORS)
def get_several_audio_features(
    cat: CatalogDep,
    base: Base,
    ids: Annotated[str, _ids("Comma-separated track ids, at most 100", "5CRPGdCSOfstyTVK9Ja5EQ")],
) -> JSONResponse:
    """`{"audio_features": [...]}` in the order asked, `null` where the catalog has none."""
    return JSONResponse({"audio_features": cat.audio_features(_parse_ids(ids, "track", 100), base=base)})


@api.get("/search", summary="Search", tags=["search"], responses=ERRORS)
def search(
    cat: CatalogDep,
    base: Base,
    types: Annotated[str, Query(alias="type", description="Comma-separated: track, album, artist")],
    q: Annotated[
        str | None,
        Query(
            description="Required. Free words plus `track:`, `album:`, `artist:`, `year:1990` or `year:1990-1999`, "
            '`isrc:`, `upc:`, `genre:`; quote values with spaces: `album:"Power, Corruption & Lies"`',
            examples=['blue monday artist:"New Order"'],
        ),
    ] = None,
    # Spotify's own paging links spell it query=, so following `next` sends that.
    query: Annotated[str | None, Query(include_in_schema=False)] = None,
    market: Market = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Results per type")] = 20,
    offset: Annotated[int, Query(ge=0, le=1000, description="Index of the first result")] = 0,
) -> JSONResponse:
    """One paging object per type asked (`tracks`, `albums`, `artists`), best matches first."""
    text = q if q is not None else query
    if text is None:
        raise HTTPException(400, "missing parameter q")
    kinds = [t.strip() for t in types.split(",")]
    return JSONResponse(cat.search(text, kinds, limit=limit, offset=offset, market=market, base=base))


# -- the accounts service --------------------------------------------------------------------

accounts = APIRouter()


class Token(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


@accounts.post("/api/token", summary="Get an access token (grants nothing)", tags=["accounts"])
async def token() -> Token:
    """Answers Spotify's client-credentials flow for any client id and secret, so that clients
    which insist on authenticating work unchanged. Point their token URL here (spotipy:
    `SpotifyClientCredentials.OAUTH_TOKEN_URL`). No route checks the token: the data is local."""
    return Token(access_token=secrets.token_urlsafe(32), token_type="Bearer", expires_in=3600)
