"""Getting the plugin into Picard: the manifest, ``localspotify picard-plugin`` (install and zip),
the two install routes users take with Picard's own ``picard-cli`` (a git URL, a local folder),
and what loading the plugin imports."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from picard_plugin.cli import picard_plugin_command
from picard_plugin.packaging import (
    PLUGIN_DIR,
    default_plugins_dir,
    install_plugin,
    plugin_files,
    plugin_folder_name,
    read_manifest,
)

needs_picard = pytest.mark.skipif(importlib.util.find_spec("picard") is None, reason="needs the picard extra")
PICARD_CLI = Path(sys.executable).with_name("picard-cli")
FOLDER = plugin_folder_name()


def test_manifest_has_what_the_issue_and_picard_ask_for():
    manifest = read_manifest()
    assert manifest["name"] == "Local Spotify catalog"
    assert manifest["api"] == ["3.0"]
    for key in ("uuid", "description", "authors", "license", "homepage"):
        assert manifest[key], key
    assert FOLDER == f"local_spotify_catalog_{manifest['uuid']}"


@needs_picard
def test_manifest_passes_picards_validation():
    from picard.plugin3.manifest import PluginManifest

    with open(PLUGIN_DIR / "MANIFEST.toml", "rb") as handle:
        manifest = PluginManifest("local_spotify_catalog", handle)
    assert manifest.validate() == []


def test_installed_files_are_the_plugin_without_the_tooling(tmp_path: Path):
    target = install_plugin(tmp_path)
    assert target == tmp_path / FOLDER
    installed = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert installed == sorted(str(p) for p in plugin_files())
    assert "__init__.py" in installed and "MANIFEST.toml" in installed
    assert "cli.py" not in installed and "packaging.py" not in installed
    (target / "stale.py").write_text("")
    assert not (install_plugin(tmp_path) / "stale.py").exists()  # reinstalling replaces the copy


def test_install_refuses_to_replace_another_folder(tmp_path: Path):
    (tmp_path / FOLDER).mkdir()
    (tmp_path / FOLDER / "MANIFEST.toml").write_text('uuid = "something-else"\n')
    result = CliRunner().invoke(picard_plugin_command, ["--install", "--plugins-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "exists and is not the Local Spotify catalog plugin; remove it first" in result.output


def test_cli_install_and_zip(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(picard_plugin_command, ["--install", "--plugins-dir", str(tmp_path / "plugins3")])
    assert result.exit_code == 0, result.output
    assert f"Installed the plugin in {tmp_path / 'plugins3' / FOLDER}." in result.output
    assert (tmp_path / "plugins3" / FOLDER / "MANIFEST.toml").is_file()

    result = runner.invoke(picard_plugin_command, ["--zip", str(tmp_path / "plugin.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "plugin.zip") as archive:
        names = archive.namelist()
    assert sorted(names) == sorted(f"{FOLDER}/{p.as_posix()}" for p in plugin_files())


def test_cli_without_options_says_where_things_are(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PICARD_PLUGIN_DIR", str(tmp_path))
    result = CliRunner().invoke(picard_plugin_command, [])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"Plugin folder:          {PLUGIN_DIR}",
        f"Picard plugins3 folder: {tmp_path}",
        "Install it with --install, or package it with --zip FILE.",
    ]
    result = CliRunner().invoke(picard_plugin_command, ["--plugins-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--plugins-dir goes with --install" in result.output


def test_default_plugins_dir_on_each_platform():
    home = {"HOME": "/home/u"}
    assert default_plugins_dir(home, "linux") == Path("/home/u/.local/share/MusicBrainz/Picard/plugins3")
    assert default_plugins_dir({**home, "XDG_DATA_HOME": "/x"}, "linux") == Path("/x/MusicBrainz/Picard/plugins3")
    assert default_plugins_dir(home, "darwin") == Path(
        "/home/u/Library/Application Support/MusicBrainz/Picard/plugins3"
    )
    assert default_plugins_dir({"APPDATA": "C:/Users/u/AppData/Roaming"}, "win32") == Path(
        "C:/Users/u/AppData/Roaming/MusicBrainz/Picard/plugins3"
    )
    assert default_plugins_dir({**home, "PICARD_PLUGIN_DIR": "/p"}, "linux") == Path("/p")


def picard_environment(root: Path, **extra: str) -> dict[str, str]:
    """A Picard that reads and writes only under ``root``."""
    for name in ("config", "cache", "plugins3", "runtime", "data"):
        (root / name).mkdir(parents=True, exist_ok=True, mode=0o700)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PICARD_", "XDG_"))}
    environment.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(root),
        PICARD_CONFIG_DIR=str(root / "config"),
        PICARD_CACHE_DIR=str(root / "cache"),
        PICARD_PLUGIN_DIR=str(root / "plugins3"),
        XDG_RUNTIME_DIR=str(root / "runtime"),
        **extra,
    )
    return environment


@needs_picard
def test_default_plugins_dir_is_where_picard_looks(tmp_path: Path):
    environment = picard_environment(tmp_path, XDG_DATA_HOME=str(tmp_path / "data"))
    del environment["PICARD_PLUGIN_DIR"]
    script = "from picard.const.appdirs import plugin_folder; print(plugin_folder())"
    picard_says = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert Path(picard_says) == default_plugins_dir(environment, sys.platform)


def picard_cli(root: Path, *args: str, answer: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PICARD_CLI), "plugins", *args],
        env=picard_environment(root),
        input=answer,
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_picard
def test_picard_cli_installs_the_plugin_from_a_git_url(tmp_path: Path):
    """``picard-cli plugins install <git-url>``: Picard clones the repository, validates the
    manifest at its root and installs it under its own folder name. The plugin folder is such a
    root once published on its own (docs/picard.md); here a local repository stands for it."""
    repository = tmp_path / "repository"
    for relative in plugin_files():
        (repository / relative).parent.mkdir(parents=True, exist_ok=True)
        (repository / relative).write_bytes((PLUGIN_DIR / relative).read_bytes())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(repository)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "plugin"], check=True)

    root = tmp_path / "picard"
    result = picard_cli(root, "install", repository.as_uri(), answer="y\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Plugin {FOLDER} installed successfully" in result.stdout
    assert (root / "plugins3" / FOLDER / "MANIFEST.toml").is_file()
    listing = picard_cli(root, "list").stdout
    assert "Local Spotify catalog (enabled)" in listing


@needs_picard
def test_picard_cli_installs_the_plugin_folder_in_place(tmp_path: Path):
    root = tmp_path / "picard"
    result = picard_cli(root, "install", str(PLUGIN_DIR), answer="y\n")
    assert result.returncode == 0, result.stdout + result.stderr
    listing = picard_cli(root, "list").stdout
    assert "Local Spotify catalog (enabled)" in listing
    assert f"Path: {PLUGIN_DIR}" in listing


LOAD_SCRIPT = """
import json, sys
from pathlib import Path
from picard.tagger import minimal_init
from picard.plugin3.plugin import Plugin
app = minimal_init(sys.argv[1])
before = set(sys.modules)
plugin = Plugin(Path(sys.argv[2]), sys.argv[3])
plugin.read_manifest()
plugin.load_module()
plugin.enable(app)
module = sys.modules[plugin.module_name]
print(json.dumps({
    "new": sorted(set(sys.modules) - before),
    "enabled": module.PLUGIN is not None,
}))
"""


@needs_picard
def test_loading_the_plugin_imports_only_picard_pyqt_and_the_standard_library(tmp_path: Path):
    """In a fresh Picard process: enabling the plugin must not import catalog, DuckDB, click or
    anything else official Picard builds lack."""
    plugins = tmp_path / "plugins3"
    install_plugin(plugins)
    result = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(tmp_path / "config" / "Picard.ini"), str(plugins), FOLDER],
        env=picard_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert loaded["enabled"]
    top_level = {name.split(".")[0] for name in loaded["new"]}
    foreign = top_level - set(sys.stdlib_module_names) - {"picard", "PyQt6", "sip"}
    assert foreign == set(), foreign
    assert f"picard.plugins.{FOLDER}.transport" in loaded["new"]  # the plugin did load its modules


def test_docs_cover_every_tag_option_and_command_flag():
    from picard_plugin.settings import AUDIO_FEATURES
    from picard_plugin.tags import SPOTIFY_TAGS

    docs = (PLUGIN_DIR.parent / "docs" / "picard.md").read_text()
    for tag in SPOTIFY_TAGS:
        assert f"`{tag}`" in docs or tag in docs, tag
    for feature in AUDIO_FEATURES:
        assert feature in docs, feature
    for flag in ("--install", "--zip", "--plugins-dir"):
        assert flag in docs and flag in CliRunner().invoke(picard_plugin_command, ["--help"]).output, flag
    for route in ("picard-cli plugins install https://", "picard-cli plugins install /path", "plugins3"):
        assert route in docs, route
