"""Running the real MusicBrainz Picard 3.0.2, offscreen, with the plugin installed and enabled.

``picard_session`` builds one Picard ``Tagger`` (the application object, main window and all)
for the test session, in a temporary config, cache and plugin folder: environment variables point
Picard there *before* Picard is first imported, and nothing of the user's Picard is read or
written. The plugin is copied into that plugins3 folder by the project's own installer, found by
Picard's plugin manager (which validates the manifest) and enabled through it, which calls
``enable(api)``.

Picard loads releases from MusicBrainz; here ``FakeMusicBrainz`` answers instead, with release
documents in the web service's JSON shape built from the real catalog slice
(:func:`musicbrainz_release`), so an album loads through Picard's own code path, track
processors included. Test modules never import Picard at module level (collection must not
import it before the environment is set): they take the ``picard_session`` fixture.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from catalog import Catalog
from picard_plugin.packaging import install_plugin, read_manifest
from tests.stub_http import JsonHandler, StubServer

PLUGIN_UUID = read_manifest()["uuid"]
SUBSTANCE = "6iHuSGy6pq4tNGFV3ZVPtl"
"""New Order, "Substance": 24 tracks on 2 discs, UPC 190295211592."""
SHALLOW_EDITIONS = ("59h727IciPDdyh4bdd0WWT", "0gvbUOhSJofzDL1DE9uWZq")
"""Yonderboi, "Shallow and Profound": two editions sharing UPC 5055489278100 (the first is the
one Spotify serves: popularity 42 against 0)."""
OUTRUN = "3bRM4GQgoFjBRRzhp87Ugb"
"""Kavinsky, "OutRun": its "Nightcall" carries the ISRC of the more popular "Nightcall" EP's."""


def _closed_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago and that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CLOSED_PORT = _closed_port()
CLOSED_PORT_URL = f"http://127.0.0.1:{CLOSED_PORT}"
"""A server URL where nothing listens: "the server is not running"."""


def mbid(kind: str, key: str) -> str:
    """A stable MusicBrainz-style id for a test entity."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"localspotify-tests:{kind}:{key}"))


# -- MusicBrainz release documents ------------------------------------------------------------------


def musicbrainz_title(spotify_title: str) -> str:
    """Titles as MusicBrainz writes them: Spotify's " - Substance Edit"-style suffixes dropped."""
    return re.sub(r"\s+-\s+.*$", "", spotify_title)


def _artist_credit(artists: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "name": a["name"],
            "joinphrase": " & " if index < len(artists) - 1 else "",
            "artist": {"id": mbid("artist", a["id"]), "name": a["name"], "sort-name": a["name"]},
        }
        for index, a in enumerate(artists)
    ]


def musicbrainz_release(
    catalog: Catalog,
    album_id: str,
    *,
    barcode: str | None = "",
    isrcs: bool = True,
    label: str | None = None,
    release_id: str | None = None,
) -> dict[str, Any]:
    """A release as MusicBrainz's web service returns it (``/ws/2/release/<id>?inc=…``), made
    from the catalog's album: its tracks on their discs with their lengths and ISRCs.

    :param barcode: the release barcode; ``""`` uses the album's UPC, None leaves it out.
    :param isrcs: False leaves the recordings without ISRCs.
    :param label: the label MusicBrainz knows, if any (None: no label info).
    """
    album = catalog.album(album_id)
    assert album is not None, album_id
    tracks = catalog.tracks([t["id"] for t in album["tracks"]["items"]])
    release_id = release_id or mbid("release", album_id)
    credit = _artist_credit(album["artists"])
    media: dict[int, dict[str, Any]] = {}
    for track in tracks:
        assert track is not None
        medium = media.setdefault(
            track["disc_number"],
            {"position": track["disc_number"], "format": "CD", "title": "", "track-offset": 0, "tracks": []},
        )
        title = musicbrainz_title(track["name"])
        medium["tracks"].append(
            {
                "id": mbid("track", track["id"]),
                "number": str(track["track_number"]),
                "position": track["track_number"],
                "title": title,
                "length": track["duration_ms"],
                "artist-credit": _artist_credit(track["artists"]),
                "recording": {
                    "id": mbid("recording", track["id"]),
                    "title": title,
                    "length": track["duration_ms"],
                    "isrcs": [track["external_ids"]["isrc"]] if isrcs and track["external_ids"].get("isrc") else [],
                    "artist-credit": _artist_credit(track["artists"]),
                    "video": False,
                },
            }
        )
    for medium in media.values():
        medium["track-count"] = len(medium["tracks"])
    document: dict[str, Any] = {
        "id": release_id,
        "title": album["name"],
        "status": "Official",
        "date": album["release_date"],
        "country": "XW",
        "artist-credit": credit,
        "label-info": [{"catalog-number": "", "label": {"id": mbid("label", label), "name": label}}] if label else [],
        "release-group": {
            "id": mbid("release-group", album_id),
            "title": album["name"],
            "primary-type": "Album",
            "secondary-types": [],
            "first-release-date": album["release_date"],
            "artist-credit": credit,
        },
        "text-representation": {"language": "eng", "script": "Latn"},
        "cover-art-archive": {"artwork": False, "count": 0, "front": False, "back": False},
        "media": [media[position] for position in sorted(media)],
    }
    if barcode is not None:
        document["barcode"] = barcode or album["external_ids"].get("upc", "")
    return document


class FakeMusicBrainz:
    """Answers Picard's MusicBrainz requests for the release documents it holds; 404 otherwise."""

    def __init__(self) -> None:
        self.releases: dict[str, dict[str, Any]] = {}
        releases = self.releases

        class Handler(JsonHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                match = re.match(r"/ws/2/release/([0-9a-f-]+)", self.path)
                document = releases.get(match.group(1)) if match else None
                self.send_json(document or {"error": "Not Found"}, 200 if document else 404)

        self.server = StubServer(Handler)

    @property
    def port(self) -> int:
        return self.server.port

    def add(self, release: dict[str, Any]) -> str:
        self.releases[release["id"]] = release
        return release["id"]

    def close(self) -> None:
        self.server.close()


# -- the Picard session -----------------------------------------------------------------------------


class LogCapture(logging.Handler):
    """Keeps the records of Picard's ``main`` logger (it does not propagate to the root logger)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


@dataclass
class PicardSession:
    """The running Picard and what tests need of it."""

    tagger: Any
    plugin: Any
    """Picard's ``Plugin`` object for the installed plugin (state, manifest, module name)."""
    musicbrainz: FakeMusicBrainz
    root: Path
    log: LogCapture
    saved_environment: dict[str, str | None] = field(default_factory=dict)
    status_history: list[str] = field(default_factory=list)
    """Every message the status bar showed since the last :meth:`clear`."""

    @property
    def module(self) -> Any:
        """The plugin package as Picard loaded it (``picard.plugins.<folder>``)."""
        return sys.modules[self.plugin.module_name]

    def submodule(self, name: str) -> Any:
        return sys.modules[f"{self.plugin.module_name}.{name}"]

    @property
    def state(self) -> Any:
        """The enabled plugin's ``LocalSpotify`` object."""
        return self.module.PLUGIN

    @property
    def api(self) -> Any:
        return self.state.api

    def configure(self, **options: Any) -> None:
        """Set the plugin's options as the options page does (``api.plugin_config``), from the defaults."""
        defaults = {name: default for name, (default, _) in self.submodule("settings").OPTIONS.items()}
        for name, value in {**defaults, **options}.items():
            self.api.plugin_config[name] = value

    def status_shown(self, text: str) -> str:
        """The status-bar message containing ``text`` (Picard's own messages come and go around
        the plugin's, so the history is searched, not only the current message); fails if none."""
        process_events()
        shown = [m for m in self.status_history if text in m]
        assert shown, f"the status bar never showed {text!r}; it showed {self.status_history}"
        return shown[-1]

    def clear(self) -> None:
        """Remove every album, cluster and file, as "Remove" on everything does."""
        process_events()
        self.tagger.remove(list(self.tagger.albums.values()))
        self.tagger.remove([c for c in self.tagger.clusters])
        self.tagger.remove_files(list(self.tagger.files.values()))
        process_events()
        self.log.records.clear()
        self.status_history.clear()


def process_events(seconds: float = 0.0) -> None:
    from PyQt6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + seconds
    while True:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if time.monotonic() >= deadline:
            return
        time.sleep(0.005)


def wait_until(predicate: Callable[[], Any], *, timeout: float = 60.0, what: str = "the condition") -> Any:
    """Run Picard's event loop until ``predicate()`` is true; its value. Fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        process_events()
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.005)


PICARD_SETTINGS = {
    "browser_integration": False,
    "save_images_to_tags": False,
    "save_images_to_files": False,
    "cluster_new_files": False,
    "analyze_new_files": False,
    "rename_files": False,
    "move_files": False,
    "enable_tagger_scripts": False,
    "write_id3v23": False,
    "server_host": "127.0.0.1",
}


_SESSION: PicardSession | None = None
_USERS = 0


@pytest.fixture(scope="session")
def picard_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PicardSession]:
    """One real Picard for the session, offscreen, in temporary folders, with the plugin enabled.

    Each test module imports this fixture, which makes one fixture per module; they all share the
    one Picard (a process holds one Qt application), torn down after the last of them.
    """
    global _SESSION, _USERS
    if _SESSION is None:
        _SESSION = _start_picard(tmp_path_factory.mktemp("picard"))
    _USERS += 1
    try:
        yield _SESSION
    finally:
        _USERS -= 1
        if _USERS == 0:
            _stop_picard(_SESSION)


def _start_picard(root: Path) -> PicardSession:
    folders = {name: root / name for name in ("config", "cache", "plugins3", "runtime", "home")}
    for folder in folders.values():
        folder.mkdir(mode=0o700)
    environment = {
        "QT_QPA_PLATFORM": "offscreen",
        "PICARD_CONFIG_DIR": str(folders["config"]),
        "PICARD_CACHE_DIR": str(folders["cache"]),
        "PICARD_PLUGIN_DIR": str(folders["plugins3"]),
        "XDG_RUNTIME_DIR": str(folders["runtime"]),
        "XDG_CONFIG_HOME": str(folders["home"] / "config"),
        "XDG_DATA_HOME": str(folders["home"] / "data"),
        "XDG_CACHE_HOME": str(folders["home"] / "cache"),
    }
    saved_environment = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    install_plugin(folders["plugins3"])

    import argparse

    from picard import log
    from picard.config import get_config
    from picard.tagger import Tagger, setup_application

    musicbrainz = FakeMusicBrainz()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    setup_application()
    arguments = argparse.Namespace(
        audit=None,
        config_file=str(folders["config"] / "Picard.ini"),
        debug=False,
        debug_opts=None,
        no_player=True,
        no_plugins=False,
        no_restore=True,
        processable=[],
    )
    tagger = Tagger(arguments, None, False, pipe_handler=None)
    for signum, handler in handlers.items():  # Picard takes these over; pytest needs them back
        signal.signal(signum, handler)
    config = get_config()
    for name, value in {**PICARD_SETTINGS, "server_port": musicbrainz.port}.items():
        config.setting[name] = value
    # Picard spaces MusicBrainz requests a second apart (musicbrainz.org's rule); the stand-in
    # needs no such courtesy, and each test loads at least one release.
    from picard.webservice import ratecontrol

    hostkey = ("127.0.0.1", musicbrainz.port)
    ratecontrol.set_minimum_delay(hostkey, 0)
    ratecontrol.REQUEST_DELAY[hostkey] = 0
    capture = LogCapture()
    logging.getLogger("main").addHandler(capture)
    log.set_verbosity(logging.INFO)

    manager = tagger.get_plugin_manager()
    (plugin,) = [p for p in manager.plugins if p.uuid == PLUGIN_UUID]
    manager.enable_plugin(plugin)
    session = PicardSession(tagger=tagger, plugin=plugin, musicbrainz=musicbrainz, root=root, log=capture)
    session.saved_environment = saved_environment
    tagger.window.statusBar().messageChanged.connect(
        lambda message: session.status_history.append(message) if message else None
    )
    return session


def _stop_picard(session: PicardSession) -> None:
    session.clear()
    session.tagger.get_plugin_manager().disable_plugin(session.plugin)
    session.tagger.exit()
    logging.getLogger("main").removeHandler(session.log)
    session.musicbrainz.close()
    for name, value in session.saved_environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def picard(picard_session: PicardSession, server_url: str) -> Iterator[PicardSession]:
    """Picard with the plugin on its defaults, pointed at the live test server; emptied afterwards.

    Test modules using it also import ``server_url`` from ``tests.server_helpers``.
    """
    picard_session.configure(server_url=server_url)
    yield picard_session
    picard_session.clear()


# -- files ---------------------------------------------------------------------------------------


def add_files(session: PicardSession, paths: Sequence[Path]) -> list[Any]:
    """Add files to Picard and wait until it has read them all; Picard's ``File`` objects in order."""
    session.tagger.add_files([str(p) for p in paths])

    def loaded() -> bool:
        files = [session.tagger.files.get(str(p)) for p in paths]
        return all(f is not None and f.state.name in ("NORMAL", "CHANGED", "ERROR") for f in files)

    wait_until(loaded, what=f"Picard to load {len(paths)} files")
    return [session.tagger.files[str(p)] for p in paths]


def cluster_files(session: PicardSession, files: Sequence[Any]) -> Any:
    """Picard's "Cluster" on these files; the one cluster they end up in."""
    done: list[bool] = []
    session.tagger.cluster(list(files), callback=lambda: done.append(True))
    wait_until(lambda: done, what="clustering")
    clusters = {id(f.parent_item): f.parent_item for f in files}
    assert len(clusters) == 1, f"the files ended up in {len(clusters)} clusters"
    return next(iter(clusters.values()))


def save_files(session: PicardSession, files: Sequence[Any]) -> None:
    """Picard's "Save" on these files; waits until every one is written."""
    session.tagger.save(list(files))
    wait_until(
        lambda: all(f.state.name == "NORMAL" for f in files) and session.tagger._saving_files_count == 0,
        what="Picard to save the files",
    )


def read_tags(path: Path) -> dict[str, list[str]]:
    """The file's tags as mutagen reads them, keyed by lowercase Picard-style names.

    ID3 ``TXXX:<desc>`` frames become ``<desc>``; standard frames keep their ID (``TIT2``, ``TSRC``
    …); Vorbis comments are lowercased.
    """
    import mutagen

    audio = mutagen.File(path)
    assert audio is not None and audio.tags is not None, path
    tags: dict[str, list[str]] = {}
    if path.suffix == ".mp3":
        for key, frame in audio.tags.items():
            name = key[5:] if key.startswith("TXXX:") else key.split(":")[0]
            tags[name.lower() if key.startswith("TXXX:") else name] = [str(t) for t in getattr(frame, "text", [])]
    else:
        for key, values in audio.tags.as_dict().items():
            tags[key.lower()] = list(values)
    return tags
