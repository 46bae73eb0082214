"""``localspotify picard-plugin``: install the Picard plugin, or package it as a zip.

Registered by ``catalog/cli.py``. Needs only click and the standard library (no Picard).
"""

from __future__ import annotations

from pathlib import Path

import click

from .packaging import PLUGIN_DIR, PluginInstallError, build_zip, default_plugins_dir, install_plugin


@click.command("picard-plugin")
@click.option("--install", "do_install", is_flag=True, help="Copy the plugin into Picard's plugins3 folder.")
@click.option(
    "--plugins-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where --install copies it (default: $PICARD_PLUGIN_DIR, else Picard's own plugins3 folder).",
)
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plugin into this zip file, to unpack into a plugins3 folder.",
)
def picard_plugin_command(do_install: bool, plugins_dir: Path | None, zip_path: Path | None) -> None:
    """Install the MusicBrainz Picard 3 plugin "Local Spotify catalog", or package it as a zip.

    Without options, print where the plugin and Picard's plugins3 folder are. After installing,
    enable the plugin in Picard (Options > Plugins), then run "localspotify serve" while tagging.

    \b
    Example:
        localspotify picard-plugin --install
        localspotify picard-plugin --zip local_spotify_catalog.zip
    """
    if plugins_dir is not None and not do_install:
        raise click.UsageError("--plugins-dir goes with --install")
    if zip_path is not None:
        build_zip(zip_path)
        click.echo(f"Wrote {zip_path}: unpack it into Picard's plugins3 folder ({default_plugins_dir()}).")
    if do_install:
        try:
            target = install_plugin(plugins_dir)
        except (PluginInstallError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Installed the plugin in {target}.")
        click.echo(
            'Enable it in Picard (Options > Plugins, or: picard-cli plugins enable "Local Spotify catalog"), '
            "then run: localspotify serve"
        )
    if zip_path is None and not do_install:
        click.echo(f"Plugin folder:          {PLUGIN_DIR}")
        click.echo(f"Picard plugins3 folder: {default_plugins_dir()}")
        click.echo("Install it with --install, or package it with --zip FILE.")
