"""Why a lookup could not be answered, as messages a Picard user can act on.

Standard library only. Every message is built here, in the exception class, so the status bar,
the log and the options page's "Test" button explain a failure the same way::

    LocalSpotifyError                 a lookup failed; Picard carries on without Spotify data
    ├── ServerUnreachable             nothing answers at the server URL (it is not running)
    ├── ServerFailed                  the server answered with an error or with something unreadable
    ├── CatalogUnavailable            the in-process catalog cannot be imported or opened
    └── LookupCrashed                 a bug in the plugin: the message carries the exception
"""

from __future__ import annotations

from urllib.parse import urlsplit

SERVE_COMMAND = "localspotify serve --catalog PATH"


class LocalSpotifyError(Exception):
    """A lookup in the local Spotify catalog failed. ``str(error)`` is the user-facing message."""


class ServerUnreachable(LocalSpotifyError):
    """Nothing answers at the configured server URL: most likely ``localspotify serve`` is not running."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        port = urlsplit(url).port
        command = SERVE_COMMAND + (f" --port {port}" if port and port != 8000 else "")
        super().__init__(
            f"Local Spotify catalog: no server answers at {url} ({reason}). "
            f'Start it with "{command}", or change the server URL in Options > Plugins > Local Spotify catalog.'
        )


class ServerFailed(LocalSpotifyError):
    """The server answered, but with an error status or a body that is not the expected JSON."""

    def __init__(self, url: str, status: int | None, detail: str) -> None:
        self.url = url
        self.status = status
        answer = f"answered {status}" if status else "answered"
        super().__init__(
            f"Local Spotify catalog: the server at {url} {answer}: {detail}. "
            "Check the server's console; restarting it with an up-to-date localspotify usually helps."
        )


class CatalogUnavailable(LocalSpotifyError):
    """The in-process transport cannot import the ``catalog`` package or open the catalog file."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Local Spotify catalog: the in-process catalog is unavailable: {detail}. "
            f'Use the server transport instead ("{SERVE_COMMAND}", then choose "Local server" in '
            "Options > Plugins > Local Spotify catalog)."
        )


class LookupCrashed(LocalSpotifyError):
    """An unexpected exception inside the plugin's own lookup code (a bug worth reporting)."""

    def __init__(self, exc: BaseException) -> None:
        self.original = exc
        super().__init__(f"Local Spotify catalog: the lookup failed unexpectedly ({type(exc).__name__}: {exc})")
