"""Facts of the tracks the local catalog lacks, from Spotify's Web API, cached on disk.

Why: a history holds tracks newer than the dump, or gone from it; without this their plays carry
only the export's names (``catalog_match: false``, ``metadata_source: export``). Given a Spotify
app's client id and secret (the client-credentials flow: no user login), each such track is
looked up once, ever: every answer, "no such track" (404) included, is kept as a file in the
cache folder, so a later run asks nothing it asked before. Only ids the catalog lacks come here.

What is asked, one id at a time (Spotify took the batch endpoints from development-mode apps in
2026), for a track the catalog lacks:

- ``GET /tracks/{id}``: names, artists, ISRC, length, numbers, the album's name, type, release
  date and size. Always.
- ``GET /albums/{id}``: the label and the album's popularity. Once per album: the tracks of one
  album share it. Not asked when the local catalog has the album.
- ``GET /artists/{id}``: genres, which the dashboard's top-genres panel reads. Once per artist.
  Not asked when the local catalog has the artist: a new release by an artist the dump knows is
  the usual track the catalog lacks.
- Not audio features: apps made since 2024-11 get 403 there.

So a new track costs one to three requests (more for several artists) the first time, and just
the track's when its album and artists were seen before or are in the catalog.

Rate limits: urllib3 retries a 429 or 5xx answer, waiting what ``Retry-After`` says. A wait
longer than :data:`MAX_RETRY_AFTER` (Spotify asks for hours when an app overran its quota), or a
Spotify that stops answering, ends online lookups for the run: the importer warns once and
indexes the rest with the export's data.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOauthError
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from catalog import Catalog, TrackFacts, parse_id

DEFAULT_API_URL = "https://api.spotify.com/v1/"
DEFAULT_TOKEN_URL = "https://accounts.spotify.com/api/token"
# Retries of one request (429, 5xx, refused connections), spaced by 0.5, 1, 2 s unless Spotify
# says how long in Retry-After.
RETRIES = 3
BACKOFF_FACTOR = 0.5
# Longest Retry-After waited for. Spotify says 1-30 s when an app sends too fast, hours when it
# overran its quota; an import should not sleep for hours, it should index what it has.
MAX_RETRY_AFTER = 60.0
TIMEOUT = 10.0
# Keys left out of cached objects: markets (~180 codes per object, half its bytes) and an album's
# page of tracks. Nothing reads them here.
_NOT_CACHED = ("available_markets", "tracks")

# spotipy logs every non-2xx answer at ERROR. A 404 is an answer here, not an error, and without a
# handler Python's last-resort handler would print one line per unknown track to stderr.
logging.getLogger("spotipy").addHandler(logging.NullHandler())


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/localspotify/web-api``, or ``~/.cache/localspotify/web-api``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "localspotify" / "web-api"


@dataclass(frozen=True)
class WebApiSettings:
    """A Spotify app's credentials and where to ask and keep answers.

    ``api_url`` and ``token_url`` are Spotify's unless overridden (a proxy, or localspotify's own
    server: ``http://HOST:PORT/v1/`` and ``http://HOST:PORT/api/token``).
    """

    client_id: str
    client_secret: str = field(repr=False)
    cache_dir: Path = field(default_factory=default_cache_dir)
    api_url: str = DEFAULT_API_URL
    token_url: str = DEFAULT_TOKEN_URL
    timeout: float = TIMEOUT


class WebApiError(Exception):
    """Base of what this module raises; the message is complete and says what to do."""


class BadCredentials(WebApiError):
    """Spotify's token endpoint refused the client id and secret."""

    def __init__(self, settings: WebApiSettings, why: str) -> None:
        super().__init__(
            f"Spotify refused the client id and secret ({why}; asked {settings.token_url}). Copy both from "
            "your app at https://developer.spotify.com/dashboard into --spotify-client-id and "
            "--spotify-client-secret (or $SPOTIPY_CLIENT_ID and $SPOTIPY_CLIENT_SECRET), or leave them out "
            "to index the tracks the catalog lacks with the export's names."
        )


class SpotifyUnavailable(WebApiError):
    """Spotify did not answer, or kept refusing (rate limit, server errors)."""


@dataclass
class Lookup:
    """What looking up one batch of track ids online came to."""

    facts: dict[str, TrackFacts] = field(default_factory=dict)  # by bare track id
    asked: int = 0
    unknown: int = 0  # Spotify has no such track (a 404, now or in an earlier run)
    pending: int = 0  # not looked up: a dry run, or Spotify stopped answering
    from_cache: int = 0  # found or unknown without a request
    requests: int = 0
    failure: str | None = None  # why Spotify stopped answering, on the batch where it did
    dry_run: bool = False  # pending ones would have been asked for


class AnswerCache:
    """Web API answers on disk: ``DIR/<tracks|albums|artists>/<id>.json`` holds the object (without
    markets and track pages), or ``null`` where Spotify answered 404. Delete the folder to ask again.

    One file per object, so a run reads only the answers it needs and a write is atomic (written
    aside, then renamed). Ids differ in case only, but on a case-insensitive file system two of
    them sharing a file would need a coincidence of ~1 in 10^34 per pair.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, kind: str, object_id: str) -> tuple[bool, dict[str, Any] | None]:
        """``(True, object or None)`` when the answer is cached, ``(False, None)`` when not."""
        try:
            text = (self.folder / kind / f"{object_id}.json").read_text(encoding="utf-8")
            return True, json.loads(text)
        except (OSError, ValueError):
            return False, None  # not cached; an unreadable entry is asked for again and rewritten

    def put(self, kind: str, object_id: str, answer: dict[str, Any] | None) -> None:
        path = self.folder / kind / f"{object_id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        aside.write_text(json.dumps(_slim(answer), ensure_ascii=False), encoding="utf-8")
        aside.replace(path)


def cache_folder(settings: WebApiSettings) -> Path:
    """Where the answers of ``settings.api_url`` are kept: Spotify's in the cache folder itself,
    another API's (a proxy, localspotify's own server) in ``other-apis/<host>`` inside it, so
    that neither is ever taken for the other."""
    host = urlsplit(settings.api_url).netloc
    if host == urlsplit(DEFAULT_API_URL).netloc:
        return settings.cache_dir
    return settings.cache_dir / "other-apis" / (host.replace(":", "_") or "unnamed")


class _RetryAfterAtMost(Retry):
    """urllib3's retries, except that a ``Retry-After`` longer than :data:`MAX_RETRY_AFTER` ends
    them at once, as if none were left (``MaxRetryError``, which spotipy turns into a
    ``SpotifyException`` 429) instead of sleeping through it."""

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        if response is not None and self.respect_retry_after_header and response.status in self.RETRY_AFTER_STATUS_CODES:
            wait = self.get_retry_after(response)
            if wait is not None and wait > MAX_RETRY_AFTER:
                asked = response.headers.get("Retry-After")
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After: {asked} (rate limit; waits above {MAX_RETRY_AFTER:.0f} s are not waited for)"))
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _session() -> requests.Session:
    """A session that retries as :data:`RETRIES` says, honouring ``Retry-After`` (429, 503).

    spotipy builds the same from ``Spotify(retries=, status_retries=, backoff_factor=)``, but
    with urllib3's plain ``Retry``, which sleeps through a ``Retry-After`` of up to six hours
    (its ``retry_after_max``) and then retries."""
    retry = _RetryAfterAtMost(
        total=RETRIES,
        read=False,  # a read that timed out is not sent again: a slow Spotify is an unavailable one
        status=RETRIES,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),  # POST: the token request, which is idempotent
        backoff_factor=BACKOFF_FACTOR,
        respect_retry_after_header=True,
    )
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class WebApiLookup:
    """Track facts from Spotify's Web API for ids the catalog lacks, one id at a time, cached.

    ``offline=True`` (a dry run) answers from the cache only and counts the rest as pending.
    After Spotify stops answering, :attr:`failure` says why and nothing more is asked this run.
    With a ``catalog``, albums and artists it has are taken from it instead of asked for.

    Example::

        lookup = WebApiLookup(WebApiSettings(client_id, client_secret))
        lookup.check()                                  # raises BadCredentials
        found = lookup.track_facts(["0000000000000000000000", "5CRPGdCSOfstyTVK9Ja5EQ"])
        found.facts["5CRPGdCSOfstyTVK9Ja5EQ"].name      # 'Ceremony'
    """

    def __init__(self, settings: WebApiSettings, *, offline: bool = False, catalog: Catalog | None = None) -> None:
        self.settings = settings
        self.offline = offline
        self.catalog = catalog
        self.failure: str | None = None
        self.requests = 0
        self.cache = AnswerCache(cache_folder(settings))
        self._session = _session()
        self._auth = SpotifyClientCredentials(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            requests_session=self._session,
            requests_timeout=settings.timeout,
            cache_handler=MemoryCacheHandler(),  # not spotipy's default: a .cache file in the working directory
        )
        # spotipy has no option for either URL: it reads these two attributes (see docs/history.md).
        self._auth.OAUTH_TOKEN_URL = settings.token_url
        self._client = spotipy.Spotify(
            auth_manager=self._auth, requests_session=self._session, requests_timeout=settings.timeout
        )
        self._client.prefix = settings.api_url if settings.api_url.endswith("/") else f"{settings.api_url}/"

    def check(self) -> str | None:
        """Ask for a token now, so wrong credentials stop a run before anything is indexed.

        Returns None when Spotify accepted the credentials, else why it could not be asked (it
        did not answer); then :attr:`failure` is set and nothing will be asked this run.

        :raises BadCredentials: when Spotify refused the client id or secret.
        """
        try:
            self._auth.get_access_token(as_dict=False)
        except SpotifyOauthError as exc:
            # Spotify says e.g. "Invalid client secret"; a wrong token URL gives a page of HTML.
            why = str(exc.error_description or exc.error or exc)
            raise BadCredentials(self.settings, why if len(why) <= 200 else f"{why[:200]}…") from exc
        except requests.RequestException as exc:
            self.failure = _why(exc, self.settings.token_url)
        return self.failure

    def track_facts(self, track_ids: Sequence[str]) -> Lookup:
        """The facts of the tracks in ``track_ids`` (bare ids or ``spotify:track:`` URIs, none
        twice) that Spotify knows, with counts of the rest. Never raises for Spotify's sake: when
        it stops answering, the ids not yet asked are counted as pending and the batch's
        :attr:`Lookup.failure` says why (once per run)."""
        lookup = Lookup(asked=len(track_ids), dry_run=self.offline)
        requests_before = self.requests
        for value in track_ids:
            track_id = parse_id(value, "track")
            if track_id is None:
                lookup.unknown += 1
                continue
            before = self.requests
            try:
                facts = self._facts(track_id)
            except _NotAsked:
                lookup.pending += 1
                continue
            except SpotifyUnavailable as exc:
                self.failure = lookup.failure = str(exc)
                lookup.pending += 1
                continue
            lookup.from_cache += self.requests == before
            if facts is None:
                lookup.unknown += 1
            else:
                lookup.facts[track_id] = facts
        lookup.requests = self.requests - requests_before
        return lookup

    def close(self) -> None:
        self._session.close()

    def _facts(self, track_id: str) -> TrackFacts | None:
        track = self._answer("tracks", track_id)
        if track is None:
            return None
        album = self._object("albums", track["album"]["id"])
        artists = [self._object("artists", artist["id"]) for artist in track["artists"] if artist.get("id")]
        return TrackFacts.from_objects(track, album=album, artists=artists)  # type: ignore[arg-type]

    def _object(self, kind: str, object_id: str) -> dict[str, Any] | None:
        """The catalog's object of ``kind`` (``albums``, ``artists``) when it has it, else :meth:`_answer`."""
        if self.catalog is not None:
            # No embedded tracks: facts read only the album's own fields.
            local = self.catalog.albums([object_id], track_limit=0) if kind == "albums" else self.catalog.artists([object_id])
            if local[0] is not None:
                return local[0]  # type: ignore[return-value]
        return self._answer(kind, object_id)

    def _answer(self, kind: str, object_id: str) -> dict[str, Any] | None:
        """Spotify's object of ``kind`` (``tracks``, ``albums``, ``artists``), None for a 404.

        :raises _NotAsked: when it is not cached and must not be asked (dry run, Spotify gone).
        :raises SpotifyUnavailable: when Spotify did not answer or kept refusing.
        """
        cached, answer = self.cache.get(kind, object_id)
        if cached:
            return answer
        if self.offline or self.failure:
            raise _NotAsked
        self.requests += 1
        ask = {"tracks": self._client.track, "albums": self._client.album, "artists": self._client.artist}[kind]
        try:
            answer = ask(object_id)
        except spotipy.SpotifyException as exc:
            if exc.http_status != 404:
                raise SpotifyUnavailable(_why(exc, self.settings.api_url)) from exc
            answer = None
        except (requests.RequestException, SpotifyOauthError) as exc:
            raise SpotifyUnavailable(_why(exc, self.settings.api_url)) from exc
        self.cache.put(kind, object_id, answer)
        return answer


class _NotAsked(Exception):
    """An answer not in the cache that may not be asked for."""


def _slim(answer: dict[str, Any] | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    slim = {key: value for key, value in answer.items() if key not in _NOT_CACHED}
    if isinstance(slim.get("album"), dict):
        slim["album"] = {key: value for key, value in slim["album"].items() if key not in _NOT_CACHED}
    return slim


def _why(exc: Exception, url: str) -> str:
    """A short reason for a failed request, without the urllib3 chain requests puts in its text."""
    host = urlsplit(url).netloc or url
    if isinstance(exc, spotipy.SpotifyException):
        if exc.reason is not None and "Max Retries" in str(exc.msg):
            return f"{host} kept refusing: {exc.reason}"
        return f"{host} answered HTTP {exc.http_status}: {str(exc.msg).splitlines()[-1].strip()}"
    if isinstance(exc, requests.Timeout):
        return f"{host} did not answer in time"
    if isinstance(exc, requests.ConnectionError):
        return f"could not connect to {host}"
    if isinstance(exc, requests.RetryError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return f"{host} kept refusing: {reason or exc}"
    return f"{host}: {exc}"
