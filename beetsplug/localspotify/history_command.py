"""``beet spotifyhistory FOLDER``: the listening-history import inside beets.

The same job as ``localspotify history`` (see history/importer.py), with its options also read
from the ``localspotify.history`` section of the beets config, and one thing only beets can do:
``--update-library`` writes ``play_count``, ``skip_count`` and ``last_played`` (the fields beets'
lastimport and mpdstats use) to library items, from the totals in the index.

Options win over the config, which wins over the environment where there is one: the Spotify
app's id and secret fall back to spotipy's ``$SPOTIPY_CLIENT_ID``/``$SPOTIPY_CLIENT_SECRET`` (or
``$SPOTIFY_CLIENT_ID``/``$SPOTIFY_CLIENT_SECRET``), as ``localspotify history`` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from beets import ui
from beets.dbcore import types
from beets.exceptions import UserError

if TYPE_CHECKING:
    from beets.library import Library

    from history.elastic import TrackPlays

    from . import LocalSpotifyPlugin

# Same names and types as beets' mpdstats (lastimport sets play_count the same way).
PLAY_COUNT_TYPES: dict[str, types.Type] = {
    "play_count": types.INTEGER,
    "skip_count": types.INTEGER,
    "last_played": types.DATE,
}
CONFIG_DEFAULTS: dict[str, Any] = {
    "es_url": None,
    "es_cloud_id": None,
    "es_api_key": None,
    "es_user": None,
    "es_password": None,
    "ca_certs": None,
    "user_name": "unknown",
    "timezone": None,
    "keep_ip": False,
    "kibana_url": None,
    "spotify_client_id": None,
    "spotify_client_secret": None,
    "spotify_cache": None,
    "spotify_api_url": None,
    "spotify_token_url": None,
}
SECRETS = ("es_api_key", "es_password", "spotify_client_secret")
# Settings read from the environment when neither an option nor the config gives them; the same
# names as ``localspotify history`` reads (history/cli.py).
ENVIRONMENT = {
    "spotify_client_id": ("SPOTIPY_CLIENT_ID", "SPOTIFY_CLIENT_ID"),
    "spotify_client_secret": ("SPOTIPY_CLIENT_SECRET", "SPOTIFY_CLIENT_SECRET"),
}


class HistoryOpts(Protocol):
    es_url: str | None
    es_cloud_id: str | None
    es_api_key: str | None
    es_user: str | None
    es_password: str | None
    ca_certs: str | None
    user_name: str | None
    timezone: str | None
    keep_ip: bool | None
    dry_run: bool
    install_dashboard: bool
    kibana_url: str | None
    update_library: bool
    spotify_client_id: str | None
    spotify_client_secret: str | None
    spotify_cache: str | None
    spotify_api_url: str | None
    spotify_token_url: str | None


def spotifyhistory_command(plugin: LocalSpotifyPlugin) -> ui.Subcommand:
    """The ``spotifyhistory`` subcommand; its defaults live in ``localspotify.history``."""
    plugin.config["history"].add(CONFIG_DEFAULTS)
    for secret in SECRETS:
        plugin.config["history"][secret].redact = True
    command = ui.Subcommand("spotifyhistory", help="index a Spotify streaming-history export into Elasticsearch")
    command.parser.set_usage("%prog FOLDER [options]")
    add = command.parser.add_option
    add("--es-url", help="Elasticsearch URL (default: localspotify.history.es_url)")
    add("--es-cloud-id", help="Elastic Cloud id instead of --es-url")
    add("--es-api-key", help="encoded API key")
    add("--es-user", help="basic-auth user instead of an API key")
    add("--es-password", help="basic-auth password")
    add("--ca-certs", help="CA bundle for a self-signed cluster")
    add("--user-name", help="whose history this is (default: unknown)")
    add("--timezone", help="IANA zone for hourOfDay/dayOfWeek (default: this machine's)")
    add("--keep-ip", action="store_true", default=None, help="store the export's IP addresses (default: drop them)")
    add("--dry-run", action="store_true", default=False, help="read and enrich only; index and move nothing")
    add("--install-dashboard", action="store_true", default=False, help="import the Kibana dashboard")
    add("--kibana-url", help="Kibana URL for --install-dashboard")
    add("--update-library", action="store_true", default=False,
        help="write play_count, skip_count and last_played to library items (default: no)")  # fmt: skip
    add("--spotify-client-id",
        help="look up tracks the catalog lacks on Spotify's Web API as this app (default: $SPOTIPY_CLIENT_ID)")
    add("--spotify-client-secret", help="the app's secret (default: $SPOTIPY_CLIENT_SECRET)")
    add("--spotify-cache", help="folder keeping Web API answers (default: ~/.cache/localspotify/web-api)")
    add("--spotify-api-url", help="Web API root, for a proxy or localspotify's server (default: Spotify's)")
    add("--spotify-token-url", help="token endpoint to go with it (default: Spotify's)")  # fmt: skip
    command.func = lambda lib, opts, args: run_spotifyhistory(plugin, lib, opts, args)
    return command


def _setting(plugin: LocalSpotifyPlugin, opts: HistoryOpts, name: str) -> Any:
    value = getattr(opts, name)
    if value is None:
        value = plugin.config["history"][name].get()
    if value is None:
        value = next((os.environ[env] for env in ENVIRONMENT.get(name, ()) if os.environ.get(env)), None)
    return value


def run_spotifyhistory(plugin: LocalSpotifyPlugin, lib: Library, opts: HistoryOpts, args: list[str]) -> None:
    # Imported here so that the rest of the plugin works without the Elasticsearch client.
    try:
        from history.cli import connection_from_options, web_api_from_options
        from history.elastic import HistoryIndexError, connect, track_play_counts
        from history.importer import ImportOptions, ImportStopped, import_folder, local_zone, zone_named
        from history.online import WebApiError
    except ImportError as exc:
        raise UserError(f"spotifyhistory needs {exc.name}: install localspotify's history extra") from exc
    if len(args) != 1 or not Path(args[0]).is_dir():
        raise UserError("spotifyhistory needs one folder of export files, e.g. beet spotifyhistory ./to_read")
    settings = {name: _setting(plugin, opts, name) for name in CONFIG_DEFAULTS}
    try:
        zone = zone_named(settings["timezone"]) if settings["timezone"] else local_zone()
        connection = connection_from_options(
            es_url=settings["es_url"], es_cloud_id=settings["es_cloud_id"], es_api_key=settings["es_api_key"],
            es_user=settings["es_user"], es_password=settings["es_password"], ca_certs=settings["ca_certs"],
            dry_run=opts.dry_run,
        )  # fmt: skip
        online = web_api_from_options(
            client_id=settings["spotify_client_id"], client_secret=settings["spotify_client_secret"],
            cache_dir=settings["spotify_cache"], api_url=settings["spotify_api_url"],
            token_url=settings["spotify_token_url"],
        )  # fmt: skip
    except ValueError as exc:
        raise UserError(f"spotifyhistory: {exc}") from exc
    if opts.install_dashboard and not settings["kibana_url"]:
        raise UserError("spotifyhistory: --install-dashboard needs --kibana-url (or localspotify.history.kibana_url)")
    user = str(settings["user_name"])
    try:
        import_folder(
            Path(args[0]),
            plugin.catalog,
            ImportOptions(user=user, zone=zone, keep_ip=bool(settings["keep_ip"])),
            connection=connection,
            kibana_url=settings["kibana_url"] if opts.install_dashboard and connection else None,
            echo=ui.print_,
            online=online,
        )
        if opts.update_library and connection is not None:
            updated = update_library(lib, track_play_counts(connect(connection), user))
            ui.print_(f"play counts written to {updated} library item(s)")
    except (HistoryIndexError, ImportStopped, WebApiError, RuntimeError) as exc:
        raise UserError(f"spotifyhistory: {exc}") from exc


@dataclass
class Totals:
    play_count: int = 0
    skip_count: int = 0
    last_played: float = 0.0

    def add(self, plays: TrackPlays) -> None:
        self.play_count += plays.play_count
        self.skip_count += plays.skip_count
        self.last_played = max(self.last_played, plays.last_played)


def update_library(lib: Library, counts: Iterable[TrackPlays]) -> int:
    """Write play totals to items matched by ISRC (all releases of the recording), else by track id.

    Returns how many items changed.
    """
    by_id: dict[str, Totals] = {}
    by_isrc: dict[str, Totals] = {}
    for plays in counts:
        by_id.setdefault(plays.track_id, Totals()).add(plays)
        if plays.isrc:
            by_isrc.setdefault(plays.isrc, Totals()).add(plays)
    updated = 0
    with lib.transaction():
        for item in lib.items():
            totals = by_isrc.get((item.get("isrc") or "").upper()) or by_id.get(item.get("spotify_track_id") or "")
            if totals is None:
                continue
            item.update({"play_count": totals.play_count, "skip_count": totals.skip_count, "last_played": totals.last_played})
            item.store()
            updated += 1
    return updated
