"""The Spotify Web API, answered from a local catalog: point a Spotify client at this server.

Routes live under ``/v1`` (where clients expect them) and, for the original clone's users,
without the prefix too; ``href`` and paging links point back at whichever was asked. Each route
parses its parameters, calls one ``Catalog`` method and returns the object unchanged: no SQL here.

What a request costs beyond the catalog is kept small, since at thousands of lookups a second the
HTTP layer, not the lookup, is what the cores spend their time on:

* The routes that read the object store are ``async def`` and run on the event loop. Their work
  is SQLite point reads and Python that holds the GIL throughout (~0.2 ms for a track at 10M, up
  to ~10 ms for twenty albums), so a thread would not run beside the loop anyway, and the hop to
  the threadpool cost ~0.25 ms of CPU: more than a track lookup. Search stays a plain ``def`` in
  the threadpool: a search takes milliseconds (several for three types at 10M), part of them in
  numpy sorts and binary searches that release the GIL, and the loop answers lookups meanwhile.
* Routes take the ``Request`` and read the catalog and their base URL from it, rather than
  through FastAPI dependencies, which FastAPI solves anew on every request.
* They return their object encoded by orjson (``responses.JSON``), unvalidated; ``response_model``
  only documents the body in the OpenAPI document (FastAPI does not apply it to a ``Response``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel
from starlette.middleware.gzip import GZipMiddleware
from typing_extensions import TypedDict

from catalog import Catalog, __version__
from catalog.cli import default_catalog_path
from catalog.ids import Kind, require_id
from catalog.types import Album, Artist, AudioFeatures, Paging, SearchResults, SimplifiedAlbum, SimplifiedTrack, Track

from .docs import assets_version, install_offline_docs
from .errors import ErrorResponse, install_error_handlers
from .middleware import MAX_BODY_BYTES, MAX_QUERY_BYTES, ConditionalGet, RequestLimits, StripTrailingSlash
from .responses import JSON

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

GZIP_MIN_BYTES = 8 * 1024
"""Smaller bodies go uncompressed. Deflating one track (2-5 KB) took 0.4M instructions with zlib's
set-up per stream, more than a quarter of the whole request, to save 2-3 KB that loopback or a LAN
does not miss. Albums, batches, pages and search results (10-100 KB) are compressed, at level 1:
half the CPU of level 5 for bodies ~20% larger."""

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
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=1)
    seed = f"{__version__} {cat.path} {cat.meta.get('built_at')} {base_url} docs {assets_version()}"
    app.add_middleware(ConditionalGet, seed=seed)
    app.add_middleware(StripTrailingSlash)
    app.add_middleware(RequestLimits)
    return app


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory server.app:app_from_env``, so each worker process opens the
    catalog itself: ``$LOCALSPOTIFY_CATALOG`` (else the default path) and ``$LOCALSPOTIFY_BASE_URL``."""
    return create_app(default_catalog_path(), base_url=os.environ.get(BASE_URL_ENV) or None)


# -- parameters ------------------------------------------------------------------------------


def _catalog(request: Request) -> Catalog:
    cat: Catalog = request.app.state.catalog
    return cat


def _base(request: Request) -> str:
    """Where hrefs point: this server's root, plus ``/v1`` when the request came through it."""
    root = request.app.state.base_url or str(request.base_url).rstrip("/")
    # The path as the scope holds it, without the root path a proxy may have put in front:
    # request.url would assemble a whole URL for the same answer.
    scope = request.scope
    path = scope["path"].removeprefix(scope.get("app_root_path", scope.get("root_path", "")).rstrip("/"))
    return root + API_PREFIX if path.startswith(API_PREFIX + "/") else root


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


def _found(obj: Any, kind: str, value: str) -> JSON:
    if obj is None:
        raise HTTPException(404, f"no {kind} with id {value!r} in the catalog")
    return JSON(obj)


# -- response bodies (for the OpenAPI document; the catalog's TypedDicts give the objects) --------


class SeveralTracks(TypedDict):
    tracks: list[Track | None]


class SeveralAlbums(TypedDict):
    albums: list[Album | None]


class SeveralArtists(TypedDict):
    artists: list[Artist | None]


class TopTracks(TypedDict):
    tracks: list[Track]


class SeveralAudioFeatures(TypedDict):
    audio_features: list[AudioFeatures | None]


# -- the Web API routes ----------------------------------------------------------------------

api = APIRouter()


@api.get("/tracks/{id}", summary="Get a track", tags=["tracks"], response_model=Track, responses=NOT_FOUND)
async def get_track(request: Request, track_id: Id, market: Market = None) -> JSON:
    """The full track object, with its simplified album and artists."""
    return _found(_catalog(request).track(track_id, market=market, base=_base(request)), "track", track_id)


@api.get("/tracks", summary="Get several tracks", tags=["tracks"], response_model=SeveralTracks, responses=ERRORS)
async def get_tracks(
    request: Request,
    ids: Annotated[str, _ids("Comma-separated track ids, at most 50", "5CRPGdCSOfstyTVK9Ja5EQ,0000000000000000000000")],
    market: Market = None,
) -> JSON:
    """`{"tracks": [...]}` in the order asked, `null` for ids the catalog lacks."""
    tracks = _catalog(request).tracks(_parse_ids(ids, "track", 50), market=market, base=_base(request))
    return JSON({"tracks": tracks})


@api.get("/albums/{id}", summary="Get an album", tags=["albums"], response_model=Album, responses=NOT_FOUND)
async def get_album(request: Request, album_id: Id, market: Market = None) -> JSON:
    """The full album object; its first 50 tracks are embedded, `tracks.next` pages on."""
    album = _catalog(request).album(album_id, market=market, base=_base(request), track_limit=50)
    return _found(album, "album", album_id)


@api.get("/albums", summary="Get several albums", tags=["albums"], response_model=SeveralAlbums, responses=ERRORS)
async def get_albums(
    request: Request,
    ids: Annotated[str, _ids("Comma-separated album ids, at most 20", "6iHuSGy6pq4tNGFV3ZVPtl")],
    market: Market = None,
) -> JSON:
    """`{"albums": [...]}` in the order asked, `null` for ids the catalog lacks."""
    albums = _catalog(request).albums(_parse_ids(ids, "album", 20), market=market, base=_base(request), track_limit=50)
    return JSON({"albums": albums})


@api.get(
    "/albums/{id}/tracks",
    summary="Get an album's tracks",
    tags=["albums"],
    response_model=Paging[SimplifiedTrack],
    responses=NOT_FOUND,
)
async def get_album_tracks(
    request: Request,
    album_id: Id,
    market: Market = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Tracks per page")] = 20,
    offset: Offset = 0,
) -> JSON:
    """One page of simplified tracks in disc and track order."""
    page = _catalog(request).album_tracks(album_id, limit=limit, offset=offset, market=market, base=_base(request))
    return _found(page, "album", album_id)


@api.get("/artists/{id}", summary="Get an artist", tags=["artists"], response_model=Artist, responses=NOT_FOUND)
async def get_artist(request: Request, artist_id: Id) -> JSON:
    """The full artist object: genres, followers, images, popularity."""
    return _found(_catalog(request).artist(artist_id, base=_base(request)), "artist", artist_id)


@api.get("/artists", summary="Get several artists", tags=["artists"], response_model=SeveralArtists, responses=ERRORS)
async def get_artists(
    request: Request,
    ids: Annotated[str, _ids("Comma-separated artist ids, at most 50", "0yNLKJebCb8Aueb54LYya3")],
) -> JSON:
    """`{"artists": [...]}` in the order asked, `null` for ids the catalog lacks."""
    return JSON({"artists": _catalog(request).artists(_parse_ids(ids, "artist", 50), base=_base(request))})


@api.get(
    "/artists/{id}/albums",
    summary="Get an artist's albums",
    tags=["artists"],
    response_model=Paging[SimplifiedAlbum],
    responses=NOT_FOUND,
)
async def get_artist_albums(
    request: Request,
    artist_id: Id,
    include_groups: Annotated[
        str | None, Query(description="Comma-separated: album, single, compilation, appears_on (default: all)")
    ] = None,
    market: Market = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Albums per page")] = 20,
    offset: Offset = 0,
) -> JSON:
    """Albums, singles, compilations, then appears-on, newest first within each group."""
    groups = [g.strip() for g in (include_groups or "").split(",") if g.strip()] or None
    page = _catalog(request).artist_albums(
        artist_id, include_groups=groups, limit=limit, offset=offset, market=market, base=_base(request)
    )
    return _found(page, "artist", artist_id)


@api.get(
    "/artists/{id}/top-tracks",
    summary="Get an artist's top tracks",
    tags=["artists"],
    response_model=TopTracks,
    responses=NOT_FOUND,
)
async def get_artist_top_tracks(request: Request, artist_id: Id, market: Market = None) -> JSON:
    """`{"tracks": [...]}`: the artist's ten most popular tracks."""
    tracks = _catalog(request).artist_top_tracks(artist_id, market=market, base=_base(request))
    return _found(None if tracks is None else {"tracks": tracks}, "artist", artist_id)


@api.get(
    "/audio-features/{id}",
    summary="Get a track's audio features",
    tags=["tracks"],
    response_model=AudioFeatures,
    responses=NOT_FOUND,
)
async def get_audio_features(request: Request, track_id: Id) -> JSON:
    """Danceability, energy, tempo and the rest, as numbers."""
    (features,) = _catalog(request).audio_features([require_id(track_id, "track")], base=_base(request))
    return _found(features, "audio features for track", track_id)


@api.get(
    "/audio-features",
    summary="Get several tracks' audio features",
    tags=["tracks"],
    response_model=SeveralAudioFeatures,
    responses=ERRORS,
)
async def get_several_audio_features(
    request: Request,
    ids: Annotated[str, _ids("Comma-separated track ids, at most 100", "5CRPGdCSOfstyTVK9Ja5EQ")],
) -> JSON:
    """`{"audio_features": [...]}` in the order asked, `null` where the catalog has none."""
    features = _catalog(request).audio_features(_parse_ids(ids, "track", 100), base=_base(request))
    return JSON({"audio_features": features})


@api.get("/search", summary="Search", tags=["search"], response_model=SearchResults, responses=ERRORS)
def search(
    request: Request,
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
) -> JSON:
    """One paging object per type asked (`tracks`, `albums`, `artists`), best matches first."""
    text = q if q is not None else query
    if text is None:
        raise HTTPException(400, "missing parameter q")
    kinds = [t.strip() for t in types.split(",")]
    return JSON(_catalog(request).search(text, kinds, limit=limit, offset=offset, market=market, base=_base(request)))


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
