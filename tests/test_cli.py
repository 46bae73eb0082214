"""The localspotify command line, run in-process with click's runner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from catalog.cli import _optional_command, cli
from catalog.fixtures import REPOSITORY_ROOT


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("LOCALSPOTIFY_CATALOG", raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None):
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


def test_info_shows_counts(run, sample_catalog_path: Path) -> None:
    result = run("info", "--catalog", str(sample_catalog_path))
    assert result.exit_code == 0
    assert "tracks" in result.output and "393" in result.output
    assert "audio features:  yes" in result.output
    for suffix in ("", ".objects.sqlite", ".postings"):
        assert f"  {sample_catalog_path.name}{suffix} " in result.output


def test_catalog_comes_from_the_environment(run, sample_catalog_path: Path) -> None:
    result = run("info", env={"LOCALSPOTIFY_CATALOG": str(sample_catalog_path)})
    assert result.exit_code == 0 and str(sample_catalog_path) in result.output


def test_missing_catalog_is_one_line_with_the_fix(run, tmp_path: Path) -> None:
    result = run("info", "--catalog", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: No catalog at {tmp_path / 'none.duckdb'}. Build one with")
    assert "Traceback" not in result.output


def test_search_prints_one_line_per_item(run, sample_catalog_path: Path) -> None:
    result = run("search", "--catalog", str(sample_catalog_path), 'album:"Power, Corruption & Lies"', "--type", "album")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "albums (1 found)",
        "  New Order - Power Corruption and Lies (1983, 8 tracks) (6NTrwu1XJ56jBPx7HMksbZ)",
    ]


def test_search_json_is_spotify_shaped(run, sample_catalog_path: Path) -> None:
    result = run("search", "--catalog", str(sample_catalog_path), "blue monday", "--json")
    assert json.loads(result.output)["tracks"]["items"][0]["name"] == "Blue Monday"


def test_rejected_query_is_explained(run, sample_catalog_path: Path) -> None:
    result = run("search", "--catalog", str(sample_catalog_path), "year:1990")
    assert result.exit_code == 1 and "year: alone would scan the whole catalog" in result.output


def test_get_takes_uris_and_links(run, sample_catalog_path: Path) -> None:
    result = run("get", "--catalog", str(sample_catalog_path), "https://open.spotify.com/intl-fr/album/6iHuSGy6pq4tNGFV3ZVPtl")
    assert json.loads(result.output)["name"] == "Substance"
    missing = run("get", "--catalog", str(sample_catalog_path), "spotify:track:0000000000000000000000")
    assert missing.exit_code == 1 and "no track spotify:track:0000000000000000000000" in missing.output


def test_build_reports_a_bad_dump_in_one_line(run, tmp_path: Path) -> None:
    result = run("build", "--dump", str(tmp_path), "--catalog", str(tmp_path / "c.duckdb"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path}: has no .parquet files; --dump must be the unpacked spotify_clean_parquet folder"


def test_build_from_the_sample(run, sample_dir: Path, tmp_path: Path) -> None:
    result = run("build", "--dump", str(sample_dir), "--catalog", str(tmp_path / "c.duckdb"))
    assert result.exit_code == 0
    assert "Built" in result.output and "393 tracks, 21 albums, 258 artists" in result.output


def test_every_command_has_help_with_an_example(run) -> None:
    # Listed through the group, which loads the commands of other packages (serve, history) on use.
    context = click.Context(cli)
    names = cli.list_commands(context)
    assert {"build", "serve", "history", "picard-plugin"} <= set(names)
    for name in names:
        command = cli.get_command(context, name)
        result = run(name, "--help")
        assert result.exit_code == 0 and command is not None and command.help
        if name not in ("info", "demo"):
            assert "Example:" in result.output, name


@pytest.mark.parametrize("module", ["history.cli", "server.cli", "catalog.cli"])
def test_each_cli_module_can_be_imported_first(module: str) -> None:
    # history.cli imported on its own failed: it imports catalog.cli, which imported history.cli
    # back to register its command while history.cli was still half loaded. A fresh interpreter,
    # because this test process has imported all of them already.
    script = f"import {module}\nfrom click.testing import CliRunner\nfrom catalog.cli import cli\n" + (
        "result = CliRunner().invoke(cli, ['history', '--help'])\nprint(result.exit_code, result.output)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPOSITORY_ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("0 Usage: cli history [OPTIONS] FOLDER"), done.stdout


def test_optional_command_without_its_extra_says_what_to_install() -> None:
    command = _optional_command("history", "history.no_such_module", "history", "Import streaming history.")
    result = CliRunner().invoke(command, ["./to_read", "--es-url", "http://x"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: localspotify history needs history.no_such_module: install the history extra (uv sync --extra history).\n"
    )


def test_killed_build_removes_its_temporary_files(tmp_path: Path) -> None:
    import signal

    from catalog.synth import generate_dump

    dump = tmp_path / "dump"
    generate_dump(dump, 100_000, seed=3)
    out = tmp_path / "out"
    out.mkdir()
    build = subprocess.Popen(
        [sys.executable, "-m", "catalog", "build", "--dump", str(dump), "--catalog", str(out / "c.duckdb")],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stderr is not None
    with build.stderr:
        for line in build.stderr:
            if line.startswith("[6/"):  # well into the build: scratch files and spill exist
                build.send_signal(signal.SIGTERM)
                break
        # SIGTERM ends the build inside a DuckDB statement or between two; either way it fails.
        assert build.wait(timeout=120) != 0
        assert "failed" not in build.stderr.read()
    assert list(out.iterdir()) == []


def test_picard_plugin_is_a_localspotify_command(run, tmp_path: Path) -> None:
    import zipfile

    result = run("picard-plugin", "--zip", str(tmp_path / "plugin.zip"))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "plugin.zip") as archive:
        assert any(name.endswith("MANIFEST.toml") for name in archive.namelist())
