"""The ``localspotify`` command: build, inspect and query a catalog from the shell.

Each command opens the catalog, calls one or two methods and prints the result; library errors
become one-line messages with the next step, never tracebacks.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

import click
from picard_plugin.cli import picard_plugin_command

from .build import BuildOptions, build_catalog
from .catalog import Catalog, catalog_files
from .errors import CatalogError
from .version import __version__

DEFAULT_CATALOG = Path("~/.local/share/localspotify/catalog.duckdb")
CATALOG_ENV = "LOCALSPOTIFY_CATALOG"

F = TypeVar("F", bound=Callable[..., Any])


def default_catalog_path() -> Path:
    """``$LOCALSPOTIFY_CATALOG``, else ``~/.local/share/localspotify/catalog.duckdb``."""
    return Path(os.environ.get(CATALOG_ENV) or DEFAULT_CATALOG).expanduser()


def catalog_option(func: F) -> F:
    """``--catalog PATH`` for every command that reads or writes a catalog."""
    return click.option(
        "--catalog",
        "catalog_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=CATALOG_ENV,
        default=DEFAULT_CATALOG,
        show_default=True,
        help=f"Catalog file (default: ${CATALOG_ENV}, then {DEFAULT_CATALOG}).",
    )(func)


def open_catalog(path: Path) -> Catalog:
    try:
        return Catalog.open(path.expanduser())
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from exc


class StepProgress:
    """Progress of a multi-step job on stderr: one updating line on a terminal, else one line per step."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()

    def __call__(self, title: str, number: int, count: int, fraction: float) -> None:
        elapsed = time.monotonic() - self.started
        eta = f" ETA {_duration(elapsed / fraction * (1 - fraction))}" if 0.02 < fraction < 1 else ""
        line = f"[{number}/{count}] {title:<30} {fraction:4.0%}  elapsed {_duration(elapsed)}{eta}"
        if self.tty:
            click.echo(f"\r{line:<80}", err=True, nl=fraction >= 1)
        else:
            click.echo(line, err=True)


class RowProgress:
    """Progress of the synthetic generator: rows per table, with an ETA over all rows."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < 5 and done < total:
            return
        self.last = now
        fraction = done / total if total else 1.0
        elapsed = now - self.started
        line = f"{table:<22} {done:>13,}/{total:,} {fraction:4.0%}  elapsed {_duration(elapsed)}"
        click.echo(f"\r{line:<80}" if self.tty else line, err=True, nl=not self.tty or done >= total)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


# Commands that live in other packages, installed with an extra: name → (module, extra, summary).
# They are imported when the group is asked for them, not when this module is: each imports this
# module (for catalog_option), so importing one of them first would otherwise be circular.
_OPTIONAL_COMMANDS = {
    "serve": ("server.cli", "server", "Serve the catalog as the Spotify Web API (needs the server extra)."),
    "history": ("history.cli", "history", "Import Spotify streaming history into Elasticsearch (needs the history extra)."),
}


class _Group(click.Group):
    """The ``localspotify`` group: the optional commands join it on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_OPTIONAL_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _OPTIONAL_COMMANDS and cmd_name not in self.commands:
            self.add_command(_optional_command(cmd_name, *_OPTIONAL_COMMANDS[cmd_name]))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="localspotify")
def cli() -> None:
    """The whole Spotify catalog on your own disk: build it once, then query it offline."""


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@cli.command()
@click.option(
    "--dump",
    "dump_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The unpacked spotify_clean_parquet folder.",
)
@click.option(
    "--audio-features",
    type=click.Path(path_type=Path),
    help="track_audio_features.parquet or its folder (default: looked for beside the dump).",
)
@catalog_option
@click.option("--memory-limit", default="5GB", show_default=True, help="DuckDB memory limit; the rest spills to disk.")
@click.option("--threads", default=2, show_default=True, help="DuckDB worker threads.")
def build(dump_dir: Path, audio_features: Path | None, catalog_path: Path, memory_limit: str, threads: int) -> None:
    """Build the catalog from the parquet dump (once; takes a while on the full dump).

    \b
    Example:
        localspotify build --dump ~/data/spotify_clean_parquet
    """
    # `kill` (SIGTERM) unwinds like Ctrl-C, so the build's temporary files are removed either way.
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        counts = build_catalog(
            dump_dir,
            catalog_path.expanduser(),
            audio_features=audio_features,
            options=BuildOptions(memory_limit=memory_limit, threads=threads),
            progress=StepProgress(),
        )
    except CatalogError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Built {catalog_path} from {counts['tracks']:,} tracks, {counts['albums']:,} albums, {counts['artists']:,} artists.")


@cli.command()
@click.option("--tracks", "track_count", default=10_000, show_default=True, help="How many tracks to generate.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder to write the dump into.")
@click.option("--seed", default=42, show_default=True, help="Same seed, same dump.")
def synth(track_count: int, out: Path, seed: int) -> None:
    """Generate a synthetic dump with the real schema and quirks (for tests and benchmarks).

    \b
    Example:
        localspotify synth --tracks 1000000 --out /tmp/dump-1m
    """
    from .synth import generate_dump

    counts = generate_dump(out, track_count, seed=seed, progress=RowProgress())
    click.echo(f"Wrote {sum(counts.values()):,} rows in {len(counts)} files to {out}")


@cli.command()
@catalog_option
def info(catalog_path: Path) -> None:
    """Show where the catalog came from, when it was built and how many rows it holds."""
    with open_catalog(catalog_path) as cat:
        click.echo(f"catalog:         {cat.path}")
        for key in ("built_at", "localspotify_version", "format_version", "dump_path", "build_seconds"):
            click.echo(f"{key + ':':<17}{cat.meta.get(key, '')}")
        click.echo(f"audio features:  {'yes' if cat.has_audio_features else 'no'}")
        for table, count in cat.dump_row_counts.items():
            click.echo(f"  {table:<22}{count:>14,}")
        click.echo("files (move or copy them together):")
        for file in catalog_files(cat.path):
            click.echo(f"  {file.name:<37}{file.stat().st_size / 1e9:>8.2f} GB")


@cli.command()
@click.argument("query")
@click.option("--type", "types", default="track", show_default=True, help="Comma-separated: track,album,artist.")
@click.option("--limit", default=10, show_default=True)
@click.option("--offset", default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the Spotify-shaped JSON.")
@catalog_option
def search(query: str, types: str, limit: int, offset: int, as_json: bool, catalog_path: Path) -> None:
    """Search the catalog with Spotify's query syntax.

    \b
    Example:
        localspotify search 'blue monday artist:"New Order"' --type track,album
    """
    with open_catalog(catalog_path) as cat:
        try:
            results = cat.search(query, types.split(","), limit=limit, offset=offset)
        except (CatalogError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
        return
    for key, page in results.items():
        click.echo(f"{key} ({page['total']:,} found)")
        for item in page["items"]:
            click.echo(f"  {describe(item)}")


@cli.command()
@click.argument("spotify_id")
@click.option("--type", "kind", type=click.Choice(["track", "album", "artist"]), default=None, help="Needed only for bare ids.")
@catalog_option
def get(spotify_id: str, kind: str | None, catalog_path: Path) -> None:
    """Print one object as Spotify JSON: a track, album or artist id, URI or link.

    \b
    Example:
        localspotify get spotify:album:6iHuSGy6pq4tNGFV3ZVPtl
    """
    kind = kind or next((k for k in ("track", "album", "artist") if f"{k}:" in spotify_id or f"/{k}/" in spotify_id), None)
    if kind is None:
        raise click.ClickException("a bare id needs --type track|album|artist")
    with open_catalog(catalog_path) as cat:
        try:
            obj = getattr(cat, kind)(spotify_id)
        except CatalogError as exc:
            raise click.ClickException(str(exc)) from exc
    if obj is None:
        raise click.ClickException(f"no {kind} {spotify_id} in {catalog_path}")
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False))


def describe(item: dict[str, Any]) -> str:
    """One line for a track, album or artist object."""
    artists = ", ".join(a["name"] for a in item.get("artists", []))
    if item["type"] == "track":
        return f"{artists} - {item['name']} [{item['album']['name']}] ({item['id']})"
    if item["type"] == "album":
        return f"{artists} - {item['name']} ({item['release_date'][:4]}, {item['total_tracks']} tracks) ({item['id']})"
    return f"{item['name']} ({item['followers']['total']:,} followers) ({item['id']})"


@cli.command()
@click.option("--tracks", "track_count", default=20_000, show_default=True, help="Size of the generated demo dump.")
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(tempfile.gettempdir()) / "localspotify-demo",
    show_default=True,
    help="Where the demo dump and catalog go.",
)
def demo(track_count: int, workdir: Path) -> None:
    """Build a demo catalog and use it: queries, then a real beet import tagging audio files.

    Nothing is downloaded: the catalog comes from the project's synthetic dump generator, and the
    beets part (with the beets extra installed) writes its own small audio files.
    """
    from .synth import generate_dump

    dump_dir = workdir / "dump"
    catalog_path = workdir / "catalog.duckdb"
    click.echo(f"Generating a {track_count:,}-track synthetic dump in {dump_dir} …")
    generate_dump(dump_dir, track_count, progress=RowProgress())
    click.echo(f"Building {catalog_path} …")
    build_catalog(dump_dir, catalog_path, progress=StepProgress())
    with open_catalog(catalog_path) as cat:
        show_demo(cat)
    click.echo(f"\nTry it yourself:\n  localspotify search --catalog {catalog_path} 'love artist:john'")
    try:
        from beetsplug.localspotify.demo import run_beets_demo
    except ImportError:
        click.echo("\nInstall the beets extra (uv sync --extra beets) to see beet import tag files from a catalog.")
        return
    click.echo("\n--- beets: tagging files with messy tags from a catalog ---")
    run_beets_demo(workdir / "beets")


def show_demo(cat: Catalog) -> None:
    """A search, an album and a track from the catalog, printed the way the CLI prints them."""
    top = cat.search("love", ["album", "track"], limit=3)
    click.echo(f"\nsearch 'love': {top['albums']['total']:,} albums, {top['tracks']['total']:,} tracks")
    for item in top["albums"]["items"] + top["tracks"]["items"]:
        click.echo(f"  {describe(item)}")
    if not top["albums"]["items"]:
        return
    album = cat.album(top["albums"]["items"][0]["id"])
    assert album is not None
    click.echo(f"\nalbum {album['uri']}: {describe(album)}")
    for t in album["tracks"]["items"]:
        click.echo(f"  {t['disc_number']}-{t['track_number']:02d} {t['name']} ({t['duration_ms'] // 1000}s)")
    track = cat.track(album["tracks"]["items"][0]["id"])
    assert track is not None
    click.echo(f"\ntrack {track['uri']}: ISRC {track['external_ids'].get('isrc')}, popularity {track['popularity']}")


def _optional_command(name: str, module: str, extra: str, summary: str) -> click.Command:
    """The command ``name`` of ``module``; without the extra it needs, a command of the same name
    that says what to install."""
    try:
        command: click.Command = getattr(importlib.import_module(module), name)
        return command
    except ImportError as exc:
        missing = exc.name

    @click.command(name, help=summary, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def stand_in() -> None:
        raise click.ClickException(
            f"localspotify {name} needs {missing}: install the {extra} extra (uv sync --extra {extra})."
        )

    return stand_in


cli.add_command(picard_plugin_command)


def main() -> None:
    cli()
