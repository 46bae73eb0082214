"""beets' built-in ``spotify`` plugin, pointed at a ``localspotify serve`` server: ``plugins: spotifylocal``.

The built-in plugin keeps the Web API's addresses in class attributes (``oauth_token_url``,
``search_url``, ``album_url``, ``track_url``, ``audio_features_url``); this subclass sets them
from one option, ``spotifylocal.url``, and changes nothing else about tagging, ``beet spotify``
or ``beet spotifysync``: the same requests, the same mapping, the same fields. For users who
want the built-in plugin's exact behaviour over HTTP, e.g. with the server on another machine;
``plugins: localspotify`` reads the catalog in-process and sets more fields (see docs/beets.md).

Differences from ``plugins: spotify``, all about running against a local server:

- no request at startup: the built-in plugin authenticates while beets loads plugins, so every
  ``beet`` command would fail without a running server. Here the token is asked for when an
  import begins (which also checks the server), or on the first 401;
- an unreachable server is reported once, on one line with the next step, when an import
  begins; the import goes on with the other sources instead of logging a traceback per album;
- ``client_id``/``client_secret`` default to ``localspotify`` (the server accepts any), so
  beets' own Spotify app credentials are never sent to it, and the token is kept in
  ``spotifylocal_token.json``, not beside a real Spotify token;
- ``data_source_mismatch_penalty`` defaults to 0.0, as for ``localspotify``: with MusicBrainz
  also enabled, beets' 0.5 makes ``beet import -q`` skip even perfect matches.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

import beets
import requests
from beets.exceptions import UserError

from beetsplug.spotify import APIError, SpotifyPlugin

if TYPE_CHECKING:
    from beets.importer import ImportSession
    from beets.metadata_plugins import SearchParams

    from beetsplug._typing import JSONDict

NAME = "spotifylocal"
DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULTS = {
    "url": DEFAULT_URL,
    "client_id": "localspotify",
    "client_secret": "localspotify",
    "tokenfile": "spotifylocal_token.json",
}


class SpotifyLocalPlugin(SpotifyPlugin):
    # The built-in plugin's source name: its id pattern, `data_source:Spotify` queries and
    # `beet mbsync` all key on it (a subclass would otherwise be "SpotifyLocal").
    data_source = "Spotify"
    DEFAULT_DATA_SOURCE_MISMATCH_PENALTY = 0.0

    def __init__(self) -> None:
        # Defaults added before the built-in plugin adds its own take precedence over them
        # (confuse reads sources in the order added); the user's config wins over both.
        beets.config[NAME].add(DEFAULTS)
        self._server_error: str | None = None
        super().__init__()
        self.register_listener("import_begin", self._check_server)

    @property
    def server_url(self) -> str:
        """``spotifylocal.url`` without a trailing slash, e.g. ``http://127.0.0.1:8000``."""
        return self.config["url"].as_str().rstrip("/")

    def setup(self) -> None:
        """Point the built-in plugin's URLs at the server; reuse a saved token, fetch none yet.

        Called by the built-in ``__init__`` once the config is in place.
        """
        root = self.server_url
        self.oauth_token_url = f"{root}/api/token"
        self.search_url = f"{root}/v1/search"
        self.album_url = f"{root}/v1/albums/"
        self.track_url = f"{root}/v1/tracks"
        self.audio_features_url = f"{root}/v1/audio-features"
        # localspotify serve checks no token; a server that does answers 401, and the built-in
        # plugin then authenticates and retries.
        self.access_token = ""
        try:
            with open(self._tokenfile()) as f:
                self.access_token = json.load(f)["access_token"]
        except (OSError, ValueError, KeyError):
            pass

    def _check_server(self, session: ImportSession) -> None:
        # Say it once, up front; the import goes on with the other sources.
        try:
            self._authenticate()
        except (requests.RequestException, UserError) as exc:
            reason = f"{type(exc).__name__}" if isinstance(exc, requests.RequestException) else str(exc)
            self._server_error = (
                f"no Spotify Web API server answers at {self.server_url} ({reason.splitlines()[0]}). "
                f'Start one with "localspotify serve --catalog PATH", or point {NAME}.url at it.'
            )
            self._log.error("{}", self._server_error)  # beets prefixes "spotifylocal: "
        else:
            self._server_error = None

    def get_search_response(self, params: SearchParams) -> list[JSONDict]:
        if self._server_error is not None:
            return []
        return list(super().get_search_response(params))

    def _handle_response(
        self,
        method: Literal["get", "post", "put", "delete"],
        url: str,
        params: Any = None,
        retry_count: int = 0,
        max_retries: int = 3,
    ) -> JSONDict:
        if self._server_error is not None:
            raise APIError(self._server_error)
        return super()._handle_response(method, url, params, retry_count, max_retries)
