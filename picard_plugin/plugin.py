"""Wiring: the plugin's state, its options, and what it registers with Picard.

``setup(api)`` is what ``enable(api)`` in ``__init__.py`` runs. One :class:`LocalSpotify` object
holds what the processor, the actions and the options page share: the settings, the transport
(rebuilt when the settings change) and the status-bar reporting.
"""

from __future__ import annotations

from typing import Any

from .actions import AlbumLookupAction, ClusterLookupAction, FileLookupAction
from .enrich import Enricher
from .errors import LocalSpotifyError
from .options import LocalSpotifyOptionsPage
from .settings import OPTIONS, TRANSPORT_CATALOG, Settings, read_settings
from .transport import InProcessTransport, ServerTransport

STATUS_TIMEOUT_MS = 8000


class LocalSpotify:
    """The enabled plugin: one per Picard session."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.enricher = Enricher(self)
        self._transport: Any = None
        self._transport_key: tuple[str, str] | None = None
        self.last_error: LocalSpotifyError | None = None

    def settings(self) -> Settings:
        return read_settings(self.api.plugin_config)

    def make_transport(self, settings: Settings) -> Any:
        if settings.transport == TRANSPORT_CATALOG:
            return InProcessTransport(settings.catalog_path)
        return ServerTransport(self.api.web_service, settings.server_url)

    def transport(self) -> Any:
        """The transport for the current settings (kept while they do not change)."""
        settings = self.settings()
        key = (
            settings.transport,
            settings.catalog_path if settings.transport == TRANSPORT_CATALOG else settings.server_url,
        )
        if key != self._transport_key:
            self.close_transport()
            self._transport = self.make_transport(settings)
            self._transport_key = key
        return self._transport

    def close_transport(self) -> None:
        if isinstance(self._transport, InProcessTransport):
            self._transport.close()
        self._transport = None
        self._transport_key = None

    def main_window(self) -> Any:
        return getattr(self.api.tagger, "window", None)

    def status(self, message: str, *, warning: bool = False) -> None:
        """Show ``message`` in Picard's status bar and log it (a warning goes to the log as one)."""
        (self.api.logger.warning if warning else self.api.logger.info)(message)
        window = self.main_window()
        if window is not None:
            # "%s" keeps a "%" in album names ("100% Trevira") from being read as a placeholder.
            window.set_statusbar_message("%s", message, echo=None, translate=None, timeout=STATUS_TIMEOUT_MS)

    def report(self, error: LocalSpotifyError) -> None:
        """Tell the user a lookup failed and how to fix it; Picard carries on."""
        self.last_error = error
        self.status(str(error), warning=True)


def setup(api: Any) -> LocalSpotify:
    """Register the options, the track processor, the actions and the options page."""
    for name, (default, title) in OPTIONS.items():
        api.plugin_config.register_option(name, default, title=title)
    plugin = LocalSpotify(api)
    api.register_track_metadata_processor(plugin.enricher.process_track)
    api.register_album_post_removal_processor(plugin.enricher.album_removed)
    for action in (ClusterLookupAction, FileLookupAction, AlbumLookupAction):
        action.plugin = plugin
    api.register_cluster_action(ClusterLookupAction)
    api.register_file_action(FileLookupAction)
    api.register_album_action(AlbumLookupAction)
    LocalSpotifyOptionsPage.plugin = plugin
    api.register_options_page(LocalSpotifyOptionsPage)
    return plugin
