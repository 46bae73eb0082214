"""Every error the server answers, in the Web API's one shape: ``{"error": {"status", "message"}}``.

Spotify clients read ``error.message`` (spotipy puts it in ``SpotifyException``), so nothing may
leave the server as FastAPI's ``{"detail": …}`` or a bare HTML page. Input the catalog refuses
(``InvalidId``, ``QueryRejected`` and the ``ValueError`` it raises for a bad limit or offset) and
FastAPI's own validation errors (422) are the client's fault: 400, never 500.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from .responses import JSON


class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorResponse(BaseModel):
    """The body of every error response (documented in the OpenAPI document)."""

    error: ErrorDetail


def spotify_error(status: int, message: str) -> JSON:
    """A response with ``status`` and the Web API's error body; also an ASGI app on its own."""
    return JSON({"error": {"status": status, "message": message}}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception raised while answering a request to a Spotify-shaped response."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValueError, _bad_input)
    app.add_exception_handler(Exception, _server_error)


async def _http_error(request: Request, exc: Exception) -> JSON:
    assert isinstance(exc, HTTPException)
    response = spotify_error(exc.status_code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSON:
    assert isinstance(exc, RequestValidationError)
    return spotify_error(400, "; ".join(_describe(error) for error in exc.errors()))


def _describe(error: dict[str, Any]) -> str:
    """``invalid limit: Input should be less than or equal to 50`` from one pydantic error."""
    name = error["loc"][-1] if error.get("loc") else "request"
    if error.get("type") == "missing":
        return f"missing parameter {name}"
    return f"invalid {name}: {error['msg']}"


async def _bad_input(request: Request, exc: Exception) -> JSON:
    return spotify_error(400, str(exc))


async def _server_error(request: Request, exc: Exception) -> JSON:
    # Starlette logs the traceback after this response is sent; the client learns nothing internal.
    return spotify_error(500, "internal server error")
