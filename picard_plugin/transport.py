"""The two ways a lookup reaches the catalog; both answer on Picard's GUI thread, never block it.

- :class:`ServerTransport` (the default, and the only one official Picard builds can use): the
  project's own server (``localspotify serve``) over HTTP, through Picard's asynchronous web
  service, with the server's host exempted from Picard's 1-request-per-second default throttle.
- :class:`InProcessTransport`: when this Picard's Python can import the ``catalog`` package
  (Picard run from the localspotify environment), the catalog file is opened read-only and queried
  on Picard's worker threads. ``catalog`` is imported only when this transport is first used.

Both implement ``fetch(requests, callback)`` (see :data:`.lookups.Fetch`).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from picard.util import thread
from picard.webservice import ratecontrol
from PyQt6.QtCore import QUrl
from PyQt6.QtNetwork import QNetworkReply, QNetworkRequest

from .errors import CatalogUnavailable, LocalSpotifyError, ServerFailed, ServerUnreachable
from .lookups import Albums, Call, Request, add_track_pages, album_track_pages, combine, execute, http_calls

Callback = Callable[[list[Any] | None, LocalSpotifyError | None], None]


class ServerTransport:
    """Requests to a localspotify server, sent through Picard's ``WebService``.

    :param web_service: ``api.web_service``.
    :param base_url: the server root, e.g. ``http://127.0.0.1:8000``.
    """

    def __init__(self, web_service: Any, base_url: str) -> None:
        self.web_service = web_service
        self.base_url = base_url.rstrip("/")
        # Picard spaces requests to any host it does not know by a second; a local server needs no
        # such courtesy (ratecontrol's documented hook for plugins).
        ratecontrol.set_minimum_delay_for_url(self.base_url, 0)

    def describe(self) -> str:
        return f"the local server at {self.base_url}"

    def fetch(self, requests: Sequence[Request], callback: Callback) -> None:
        """Send every call of every request at once; answer when all have come back."""
        plan = [http_calls(request) for request in requests]
        flat = [call for calls in plan for call in calls]

        def answered(documents: list[Any] | None, error: LocalSpotifyError | None) -> None:
            if error is not None:
                callback(None, error)
                return
            assert documents is not None
            results, position = [], 0
            for request, calls in zip(requests, plan):
                results.append(combine(request, documents[position : position + len(calls)]))
                position += len(calls)
            self._complete_albums(requests, results, callback)

        self._get_all(flat, answered)

    def _complete_albums(self, requests: Sequence[Request], results: list[Any], callback: Callback) -> None:
        """Fetch the further track pages of albums longer than 50 tracks, then answer."""
        pages = [
            (index, album_index, call)
            for index, request in enumerate(requests)
            if isinstance(request, Albums) and results[index]
            for album_index, call in album_track_pages(results[index])
        ]
        if not pages:
            callback(results, None)
            return

        def answered(documents: list[Any] | None, error: LocalSpotifyError | None) -> None:
            if error is not None:
                callback(None, error)
                return
            assert documents is not None
            for index, request in enumerate(requests):
                mine = [(a, doc) for (i, a, _), doc in zip(pages, documents) if i == index]
                if mine:
                    results[index] = add_track_pages(list(results[index]), mine)
            callback(results, None)

        self._get_all([call for _, _, call in pages], answered)

    def _get_all(self, calls: Sequence[Call], callback: Callback) -> None:
        """GET every call in parallel; the documents in call order, None for a refused (4xx) call.

        The first transport failure (no server, a 5xx, unreadable JSON) answers for all.
        """
        if not calls:
            callback([], None)
            return
        documents: list[Any] = [None] * len(calls)
        state = {"left": len(calls), "failed": False}
        pending: list[Any] = []

        def handler(index: int, document: Any, reply: Any, error: Any) -> None:
            if state["failed"]:
                return
            failure: LocalSpotifyError | None = None
            if error:
                status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute) if reply else None
                if status and 400 <= int(status) < 500:
                    document = None  # a refused search or id: no result, not a failure
                elif status:
                    failure = ServerFailed(self.base_url, int(status), _error_message(document, reply))
                else:
                    reason = reply.errorString() if reply else str(error)
                    failure = ServerUnreachable(self.base_url, _short_reason(error, reason))
            elif not isinstance(document, dict):
                failure = ServerFailed(self.base_url, None, "a response that is not a JSON object")
            if failure is not None:
                state["failed"] = True
                for task in pending:  # the rest would fail the same way: do not send them
                    self.web_service.abort_task(task)
                callback(None, failure)
                return
            documents[index] = document
            state["left"] -= 1
            if state["left"] == 0:
                callback(documents, None)

        for index, call in enumerate(calls):
            task = self.web_service.get_url(
                url=QUrl(self.base_url + call.path),
                unencoded_queryargs=dict(call.params),
                handler=partial(handler, index),
                parse_response_type="json",
                priority=True,
                important=False,
                cacheloadcontrol=QNetworkRequest.CacheLoadControl.AlwaysNetwork,
            )
            pending.append(task)


def _short_reason(error: Any, reason: str) -> str:
    if error == QNetworkReply.NetworkError.ConnectionRefusedError:
        return "connection refused"
    return reason or str(error)


def _error_message(document: Any, reply: Any) -> str:
    """The ``{"error": {"message"}}`` of a Spotify-shaped error body, else Qt's description."""
    try:
        body = document if isinstance(document, dict) else json.loads(bytes(document or b"").decode("utf-8"))
        return str(body["error"]["message"])
    except (ValueError, TypeError, KeyError):
        return reply.errorString() if reply else "an error"


class InProcessTransport:
    """Requests answered by a ``catalog.Catalog`` opened in this process, on Picard's worker threads.

    :param path: the catalog file.
    """

    def __init__(self, path: str) -> None:
        self.path = str(Path(path).expanduser()) if path else ""
        self._catalog: Any = None
        self._lock = threading.Lock()

    def describe(self) -> str:
        return f"the catalog file {self.path}"

    def fetch(self, requests: Sequence[Request], callback: Callback) -> None:
        def work() -> list[Any]:
            catalog = self._open()
            return [execute(request, catalog) for request in requests]

        def done(result: list[Any] | None = None, error: BaseException | None = None) -> None:
            if error is None:
                callback(result, None)
            elif isinstance(error, LocalSpotifyError):
                callback(None, error)
            else:
                callback(None, CatalogUnavailable(f"{type(error).__name__}: {error}"))

        thread.run_task(work, done, traceback=False)

    def _open(self) -> Any:
        """The catalog, opened on first use (``catalog`` and DuckDB are imported only here)."""
        with self._lock:
            if self._catalog is None:
                if not self.path:
                    raise CatalogUnavailable("no catalog file is set")
                try:
                    module = importlib.import_module("catalog")
                except ImportError as exc:
                    raise CatalogUnavailable(
                        f"this Picard cannot import the catalog package ({exc}); official Picard builds never can"
                    ) from exc
                try:
                    self._catalog = module.Catalog.open(self.path)
                except module.CatalogError as exc:
                    raise CatalogUnavailable(str(exc)) from exc
            return self._catalog

    def close(self) -> None:
        with self._lock:
            if self._catalog is not None:
                self._catalog.close()
                self._catalog = None


def catalog_importable() -> bool:
    """Whether the in-process transport can work here, checked without importing DuckDB."""
    return importlib.util.find_spec("catalog") is not None and importlib.util.find_spec("duckdb") is not None
