"""``localspotify history``: the shell command around :func:`history.importer.import_folder`.

Registered into the ``localspotify`` group with ``cli.add_command(history)``. Errors of the
cluster, Kibana, Spotify or the catalog end as one-line messages, never tracebacks.
"""

from __future__ import annotations

from pathlib import Path

import click

from catalog.cli import catalog_option, open_catalog

from .elastic import Connection, HistoryIndexError
from .importer import ImportOptions, ImportStopped, import_folder, local_zone, zone_named
from .online import DEFAULT_API_URL, DEFAULT_TOKEN_URL, WebApiError, WebApiSettings, default_cache_dir

# spotipy's own names first, then the spelling other Spotify tools use.
CLIENT_ID_ENV = ["SPOTIPY_CLIENT_ID", "SPOTIFY_CLIENT_ID"]
CLIENT_SECRET_ENV = ["SPOTIPY_CLIENT_SECRET", "SPOTIFY_CLIENT_SECRET"]


def connection_from_options(
    *,
    es_url: str | None,
    es_cloud_id: str | None,
    es_api_key: str | None,
    es_user: str | None,
    es_password: str | None,
    ca_certs: str | None,
    dry_run: bool,
) -> Connection | None:
    """The cluster to write to, None for a dry run.

    :raises ValueError: with the fix when the options clash or say nowhere to write.
    """
    if dry_run:
        return None
    if bool(es_url) == bool(es_cloud_id):
        raise ValueError("Use exactly one of --es-url (or $ES_URL) and --es-cloud-id (or $ES_CLOUD_ID), or --dry-run.")
    if es_api_key and es_user:
        raise ValueError("Use just one of --es-api-key and --es-user/--es-password.")
    return Connection(
        url=es_url, cloud_id=es_cloud_id, api_key=es_api_key, user=es_user, password=es_password, ca_certs=ca_certs
    )


def web_api_from_options(
    *,
    client_id: str | None,
    client_secret: str | None,
    cache_dir: str | Path | None = None,
    api_url: str | None = None,
    token_url: str | None = None,
) -> WebApiSettings | None:
    """Where to look up the tracks the catalog lacks; None without credentials: nothing needs them.

    :raises ValueError: with the fix when only one of the id and the secret is given.
    """
    if not client_id and not client_secret:
        return None
    if not (client_id and client_secret):
        raise ValueError(
            "Give both --spotify-client-id and --spotify-client-secret (or $SPOTIPY_CLIENT_ID and "
            "$SPOTIPY_CLIENT_SECRET), or neither to index the tracks the catalog lacks with the export's names."
        )
    return WebApiSettings(
        client_id=client_id,
        client_secret=client_secret,
        cache_dir=Path(cache_dir).expanduser() if cache_dir else default_cache_dir(),
        api_url=api_url or DEFAULT_API_URL,
        token_url=token_url or DEFAULT_TOKEN_URL,
    )


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@catalog_option
@click.option("--es-url", envvar="ES_URL", help="Elasticsearch URL, e.g. https://host:9200 ($ES_URL).")
@click.option("--es-cloud-id", envvar="ES_CLOUD_ID", help="Elastic Cloud id instead of --es-url ($ES_CLOUD_ID).")
@click.option("--es-api-key", envvar="ES_API_KEY", help="Encoded API key ($ES_API_KEY).")
@click.option("--es-user", envvar="ES_USER", help="Basic-auth user instead of an API key ($ES_USER).")
@click.option("--es-password", envvar="ES_PASSWORD", help="Basic-auth password ($ES_PASSWORD).")
@click.option("--ca-certs", type=click.Path(exists=True, dir_okay=False), help="CA bundle for a self-signed cluster.")
@click.option("--user-name", default="unknown", show_default=True, help="Whose history this is (the user field).")
@click.option("--timezone", "zone_name", help="IANA zone for hourOfDay/dayOfWeek (default: this machine's).")
@click.option("--keep-ip", is_flag=True, help="Store the export's IP addresses (dropped by default).")
@click.option("--dry-run", is_flag=True, help="Read and enrich, print what would be indexed; touch nothing.")
@click.option("--install-dashboard", is_flag=True, help="Import the Kibana dashboard (needs --kibana-url).")
@click.option("--kibana-url", envvar="KIBANA_URL", help="Kibana URL for --install-dashboard ($KIBANA_URL).")
@click.option(
    "--spotify-client-id",
    envvar=CLIENT_ID_ENV,
    help="Look up tracks the catalog lacks on Spotify's Web API as this app ($SPOTIPY_CLIENT_ID or $SPOTIFY_CLIENT_ID).",
)
@click.option(
    "--spotify-client-secret",
    envvar=CLIENT_SECRET_ENV,
    help="The app's secret ($SPOTIPY_CLIENT_SECRET or $SPOTIFY_CLIENT_SECRET).",
)
@click.option(
    "--spotify-cache",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder keeping Web API answers (default: $XDG_CACHE_HOME or ~/.cache, then localspotify/web-api).",
)
@click.option("--spotify-api-url", help=f"Web API root, for a proxy or localspotify's server (default: {DEFAULT_API_URL}).")
@click.option("--spotify-token-url", help=f"Token endpoint to go with it (default: {DEFAULT_TOKEN_URL}).")
def history(
    folder: Path,
    catalog_path: Path,
    es_url: str | None,
    es_cloud_id: str | None,
    es_api_key: str | None,
    es_user: str | None,
    es_password: str | None,
    ca_certs: str | None,
    user_name: str,
    zone_name: str | None,
    keep_ip: bool,
    dry_run: bool,
    install_dashboard: bool,
    kibana_url: str | None,
    spotify_client_id: str | None,
    spotify_client_secret: str | None,
    spotify_cache: Path | None,
    spotify_api_url: str | None,
    spotify_token_url: str | None,
) -> None:
    """Index the Spotify streaming-history files in FOLDER into Elasticsearch, enriched from the
    catalog; each fully indexed file moves to FOLDER/processed. Running it again is safe.

    Plays of tracks the catalog lacks keep the export's names, unless a Spotify app's client id
    and secret are given: then those tracks are looked up on the Web API, once each, and the
    answers kept in --spotify-cache. --dry-run asks Spotify nothing, and counts what it would ask.

    \b
    Example:
        localspotify history ./to_read --es-url https://localhost:9200 --es-api-key KEY --user-name philipp
    """
    if install_dashboard and not kibana_url:
        raise click.UsageError("--install-dashboard needs --kibana-url (or $KIBANA_URL).")
    try:
        zone = zone_named(zone_name) if zone_name else local_zone()
        connection = connection_from_options(
            es_url=es_url,
            es_cloud_id=es_cloud_id,
            es_api_key=es_api_key,
            es_user=es_user,
            es_password=es_password,
            ca_certs=ca_certs,
            dry_run=dry_run,
        )
        online = web_api_from_options(
            client_id=spotify_client_id,
            client_secret=spotify_client_secret,
            cache_dir=spotify_cache,
            api_url=spotify_api_url,
            token_url=spotify_token_url,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    with open_catalog(catalog_path) as cat:
        try:
            import_folder(
                folder,
                cat,
                ImportOptions(user=user_name, zone=zone, keep_ip=keep_ip),
                connection=connection,
                kibana_url=kibana_url if install_dashboard and not dry_run else None,
                echo=lambda line: click.echo(line, err=True),
                online=online,
            )
        except (HistoryIndexError, ImportStopped, WebApiError, RuntimeError) as exc:
            raise click.ClickException(str(exc)) from exc
