"""Running real beets against real files for the localspotify plugin tests.

``BeetsEnv`` is one temporary BEETSDIR: a config file, a library and a music folder, driven
through the real ``beet`` executable of this virtualenv, so every test sees beets exactly as a user
does (plugin loading, config, importer, file writing) and no beets global state leaks between
tests. ``OfflineMusicBrainz`` stands in for musicbrainz.org: offline, beets retries a failed
lookup with back-off for ~30 s, which would make every test with MusicBrainz enabled crawl.
``plugin_session`` loads the plugin in-process for the faster candidate and mapping tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.stub_http import JsonHandler, StubServer

BEET = Path(sys.executable).with_name("beet")


@dataclass
class BeetsEnv:
    """A temporary BEETSDIR with its own config, library and music folder."""

    root: Path

    @property
    def library_path(self) -> Path:
        return self.root / "library.db"

    @property
    def music(self) -> Path:
        return self.root / "music"

    def configure(self, *, plugins: list[str], localspotify: dict[str, Any], **extra: Any) -> None:
        config = {
            "directory": str(self.music),
            "library": str(self.library_path),
            "plugins": plugins,
            "create_backup_before_migrations": False,
            "import": {"copy": True, "write": True, "log": str(self.root / "import.log")},
            "ui": {"color": False},
            "localspotify": localspotify,
            **extra,
        }
        (self.root / "config.yaml").write_text(yaml.safe_dump(config))

    def beet(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``beet ARGS`` in this BEETSDIR; HOME points here too so no user config leaks in."""
        env = {k: v for k, v in os.environ.items() if k != "LOCALSPOTIFY_CATALOG"}
        env.update(BEETSDIR=str(self.root), HOME=str(self.root))
        result = subprocess.run(
            [str(BEET), *args], input=stdin, capture_output=True, text=True, env=env, timeout=180
        )
        if check and result.returncode != 0:
            raise AssertionError(f"beet {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def items(self, query: str = "") -> list[dict[str, Any]]:
        """Every library item's fields, read with beets' own ``Library``. Flexible fields come
        back as text: no plugin (so no field type) is loaded in the test process."""
        return _library_rows(self, "items", query)

    def albums(self, query: str = "") -> list[dict[str, Any]]:
        return _library_rows(self, "albums", query)


def _library_rows(env: BeetsEnv, kind: str, query: str) -> list[dict[str, Any]]:
    from beets.library import Library

    lib = Library(str(env.library_path), str(env.music))
    try:
        models = lib.items(query) if kind == "items" else lib.albums(query)
        return [dict(model) for model in models]
    finally:
        lib._close()


class _EmptyMusicBrainz(JsonHandler):
    """Answers every MusicBrainz web-service request with "nothing found"."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_json({"count": 0, "offset": 0, "releases": [], "recordings": [], "release-count": 0, "recording-count": 0})


@contextmanager
def offline_musicbrainz() -> Iterator[dict[str, Any]]:
    """A local MusicBrainz that knows no release; yields the ``musicbrainz:`` config for it."""
    with StubServer(_EmptyMusicBrainz) as server:
        yield {"host": f"127.0.0.1:{server.port}", "https": False, "ratelimit": 100}


def read_tags(path: Path) -> dict[str, Any]:
    """The tags in a file as mediafile reads them (the plugin's SPOTIFY_* fields included)."""
    from mediafile import MediaFile

    media = MediaFile(str(path))
    return {field: getattr(media, field) for field in media.fields()}


def reset_beets_plugin_state() -> None:
    """Forget loaded plugins and everything beets cached about them (beets 2.14.1)."""
    import beets.plugins
    from beets import metadata_plugins
    from beets.autotag.distance import get_track_length_grace
    from beets.util import cached_classproperty

    beets.plugins._instances.clear()
    beets.plugins.BeetsPlugin.listeners.clear()
    beets.plugins.BeetsPlugin._raw_listeners.clear()
    cached_classproperty.cache.clear()
    for cached in (
        metadata_plugins.find_metadata_source_plugins,
        metadata_plugins.get_metadata_source,
        metadata_plugins.get_penalty,
        get_track_length_grace,
    ):
        cached.cache_clear()


@contextmanager
def plugin_session(catalog_path: Path | None, tmp_path: Path, **plugin_config: Any) -> Iterator[Any]:
    """beets configured from scratch with only localspotify loaded, in this process.

    Yields the plugin instance; on exit beets' plugin caches are reset and its global config goes
    back to the defaults.
    """
    import beets
    import beets.plugins

    reset_beets_plugin_state()
    beets.config.clear()
    beets.config.read(user=False, defaults=True)  # defaults only: never the user's config.yaml
    beets.config["directory"] = str(tmp_path / "music")
    beets.config["plugins"] = ["localspotify"]
    beets.config["localspotify"].set({"catalog": str(catalog_path) if catalog_path else None, **plugin_config})
    beets.plugins.load_plugins()
    try:
        (plugin,) = beets.plugins.find_plugins()
        yield plugin
    finally:
        reset_beets_plugin_state()
        beets.config.clear()
        beets.config.read(user=False, defaults=True)
