"""Putting the plugin where Picard finds it, or in a zip to hand around. Standard library only.

Picard 3 loads every folder of its ``plugins3`` directory that holds a valid ``MANIFEST.toml``
(``$PICARD_PLUGIN_DIR`` overrides where that directory is). :func:`install_plugin` copies the
plugin there under the folder name Picard's own installer would give it
(``<name>_<uuid>``, ``picard/plugin3/manager/install.py``); :func:`build_zip` writes the same
folder into a zip to unpack there. The tooling modules (this one and ``cli.py``) stay behind:
Picard never needs them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any

import tomllib

PLUGIN_DIR = Path(__file__).resolve().parent
"""This folder: the plugin as shipped with localspotify."""
TOOLING = frozenset({"packaging.py", "cli.py"})
"""Files of this folder that are not part of the installed plugin."""
PICARD_ORGANIZATION, PICARD_APPLICATION = "MusicBrainz", "Picard"


class PluginInstallError(Exception):
    """The plugin cannot be installed at the requested place."""


def read_manifest(folder: Path = PLUGIN_DIR) -> dict[str, Any]:
    """The plugin's ``MANIFEST.toml`` as a dict."""
    with open(folder / "MANIFEST.toml", "rb") as manifest:
        return tomllib.load(manifest)


def plugin_folder_name(manifest: dict[str, Any] | None = None) -> str:
    """``local_spotify_catalog_<uuid>``: the name Picard's installer gives the plugin's folder."""
    manifest = manifest or read_manifest()
    name = re.sub(r"[^a-z0-9]+", "_", manifest["name"].lower()).strip("_")[:50] or "plugin"
    return f"{name}_{manifest['uuid']}"


def plugin_files(folder: Path = PLUGIN_DIR) -> list[Path]:
    """The files making up the installed plugin, relative to ``folder``: the manifest and the
    Python modules, without the tooling and without caches."""
    files = [Path("MANIFEST.toml")]
    files += sorted(
        path.relative_to(folder)
        for path in folder.rglob("*.py")
        if path.name not in TOOLING and "__pycache__" not in path.parts
    )
    return files


def default_plugins_dir(environ: dict[str, str] | None = None, platform: str | None = None) -> Path:
    """Picard's ``plugins3`` folder, found as Picard finds it (``picard/const/appdirs.py``):
    ``$PICARD_PLUGIN_DIR``, else Qt's application data location for MusicBrainz/Picard plus
    ``plugins3``.

    That location is ``~/.local/share/MusicBrainz/Picard`` on Linux (``$XDG_DATA_HOME`` honoured),
    ``~/Library/Application Support/MusicBrainz/Picard`` on macOS and
    ``%APPDATA%\\MusicBrainz\\Picard`` on Windows.
    """
    environ = dict(os.environ) if environ is None else environ
    platform = platform or sys.platform
    if environ.get("PICARD_PLUGIN_DIR"):
        return Path(environ["PICARD_PLUGIN_DIR"]).expanduser()
    home = Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    if platform.startswith("win"):
        base = Path(environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / PICARD_ORGANIZATION / PICARD_APPLICATION / "plugins3"


def install_plugin(plugins_dir: Path | None = None, *, source: Path = PLUGIN_DIR) -> Path:
    """Copy the plugin into ``plugins_dir`` (default: :func:`default_plugins_dir`); returns its folder.

    An earlier copy of this plugin (the same UUID) is replaced; a different folder of the same
    name is left alone.

    :raises PluginInstallError: when the target folder exists but is not this plugin.
    """
    manifest = read_manifest(source)
    target = (plugins_dir or default_plugins_dir()) / plugin_folder_name(manifest)
    if target.exists():
        try:
            same = read_manifest(target).get("uuid") == manifest["uuid"]
        except (OSError, tomllib.TOMLDecodeError):
            same = False
        if not same:
            raise PluginInstallError(f"{target} exists and is not the Local Spotify catalog plugin; remove it first")
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for relative in plugin_files(source):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, target / relative)
    return target


def build_zip(out_path: Path, *, source: Path = PLUGIN_DIR) -> Path:
    """Write the plugin folder into the zip ``out_path`` (to unpack into ``plugins3``); returns it."""
    folder = plugin_folder_name(read_manifest(source))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative in plugin_files(source):
            archive.write(source / relative, f"{folder}/{relative.as_posix()}")
    return out_path
