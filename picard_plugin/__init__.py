"""Local Spotify catalog: a MusicBrainz Picard 3 plugin (plugin API 3.0) over a localspotify catalog.

Picard loads this folder as a plugin (``MANIFEST.toml`` beside this file) and calls
:func:`enable` with its ``PluginApi``. The modules, by job:

- ``matching``, ``lookups``, ``tags``, ``clues``, ``settings``, ``errors``: pure logic and data
  (standard library only), tested without Qt;
- ``transport``: the local server over Picard's web service, or the catalog in process;
- ``enrich``: the track metadata processor and the album action;
- ``actions``, ``dialog``: "Look up in local Spotify catalog" on clusters and files;
- ``options``: the options page; ``plugin``: the wiring.

At load time the plugin imports only Picard, PyQt6 and the standard library; ``catalog`` (and so
DuckDB) is imported only if the user picks the in-process transport. Importing this package
outside Picard (``packaging`` and ``cli`` do, for ``localspotify picard-plugin``) imports nothing
of Picard either: the Picard-facing modules load inside :func:`enable`.
"""

from __future__ import annotations

from typing import Any

PLUGIN: Any = None
"""The enabled plugin's state (``plugin.LocalSpotify``), None while disabled."""


def enable(api: Any) -> None:
    """Called by Picard when the plugin is enabled."""
    global PLUGIN
    from .plugin import setup

    PLUGIN = setup(api)


def disable() -> None:
    """Called by Picard when the plugin is disabled: close the in-process catalog, if open."""
    global PLUGIN
    if PLUGIN is not None:
        PLUGIN.close_transport()
        PLUGIN = None
