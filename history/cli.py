"""``localspotify history``: the shell command around :func:`history.importer.import_folder`.

Registered into the ``localspotify`` group with ``cli.add_command(history)``. Errors of the
cluster, Kibana or the catalog end as one-line messages, never tracebacks.
"""

from __future__ import annotations

from pathlib import Path

import click

from catalog.cli import catalog_option, open_catalog

from .elastic import Connection, HistoryIndexError
from .importer import ImportOptions, ImportStopped, import_folder, local_zone, zone_named


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
) -> None:
    """Index the Spotify streaming-history files in FOLDER into Elasticsearch, enriched from the
    catalog; each fully indexed file moves to FOLDER/processed. Running it again is safe.

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
            )
        except (HistoryIndexError, ImportStopped, RuntimeError) as exc:
            raise click.ClickException(str(exc)) from exc
