"""ASGI middleware that guards and caches every request before a route sees it.

Plain ASGI classes rather than ``BaseHTTPMiddleware``: they add no task or stream per request,
which matters at thousands of lookups a second. For the same reason they read the one or two
request headers they need straight from the scope's raw list (``_header``) instead of building
a ``Headers`` each, and build error responses only for the requests they refuse.
"""

from __future__ import annotations

import hashlib

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import spotify_error

MAX_BODY_BYTES = 64 * 1024
MAX_QUERY_BYTES = 8 * 1024


class RequestLimits:
    """Refuse bodies over ``max_body`` bytes (413) and query strings over ``max_query`` (414).

    A declared ``Content-Length`` is checked up front; a chunked body is read here, counted, and
    handed on to the app only when it fits.
    """

    def __init__(self, app: ASGIApp, *, max_body: int = MAX_BODY_BYTES, max_query: int = MAX_QUERY_BYTES) -> None:
        self.app = app
        self.max_body = max_body
        self.max_query = max_query

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope["query_string"]) > self.max_query:
            await spotify_error(414, f"query string is longer than {self.max_query} bytes")(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        if "chunked" in _header(scope, b"transfer-encoding").lower():
            pending = await _read_body(receive, self.max_body)
            if pending is None:
                await self._too_large(scope, receive, send)
                return

            async def replay() -> Message:
                return pending.pop(0) if pending else await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await spotify_error(413, f"request body is larger than {self.max_body} bytes")(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str:
    """The first value of the request header ``name`` (lower case, as servers pass them), or ""."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


async def _read_body(receive: Receive, limit: int) -> list[Message] | None:
    """The request's body messages, or None as soon as they add up to more than ``limit`` bytes."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > limit:
            return None
        if not message.get("more_body", False):
            return messages


class StripTrailingSlash:
    """Answer ``/v1/tracks/?ids=`` like ``/v1/tracks?ids=``: spotipy adds the slash, and a
    redirect would cost every batch call a second round trip."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
        await self.app(scope, receive, send)


class ConditionalGet:
    """``ETag`` and ``Cache-Control`` on successful GETs, and 304 for a matching ``If-None-Match``.

    The catalog never changes once built, so a response is fully determined by the catalog build,
    the server version and the URL asked for (the host included: hrefs point at it). The tag is
    computed from those alone, so a revalidation is answered without a lookup. Tags are weak
    because the same representation may travel gzipped or not.
    """

    def __init__(self, app: ASGIApp, *, seed: str, max_age: int = 3600) -> None:
        self.app = app
        self.seed = seed.encode()
        self.cache_control = f"public, max-age={max_age}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        etag = self._etag(scope)
        if _matches(_header(scope, b"if-none-match"), etag):
            not_modified = Response(status_code=304, headers={"ETag": etag, "Cache-Control": self.cache_control})
            await not_modified(scope, receive, send)
            return
        validators = [(b"etag", etag.encode()), (b"cache-control", self.cache_control.encode())]

        async def send_with_validators(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                # Replacing, not adding: static files come with an ETag of their own.
                kept = [(k, v) for k, v in message.get("headers", ()) if k not in _VALIDATORS]
                message["headers"] = kept + validators
            await send(message)

        await self.app(scope, receive, send_with_validators)

    def _etag(self, scope: Scope) -> str:
        parts = [
            self.seed,
            scope.get("scheme", "http").encode(),
            _header(scope, b"host").encode(),
            scope.get("root_path", "").encode(),
            scope["path"].encode("utf-8", "surrogateescape"),
            scope["query_string"],
        ]
        digest = hashlib.blake2b(b"\0".join(parts), digest_size=12).hexdigest()
        return f'W/"{digest}"'


_VALIDATORS = {b"etag", b"cache-control"}


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): ``W/"x"`` matches ``"x"``."""
    if not if_none_match:
        return False
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))
