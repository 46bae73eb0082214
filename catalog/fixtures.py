"""Catalogs for tests, the demo and the docs, built by the project's own code.

The real slice of the dump lives in ``../shared/data/spotify-sample`` beside the repository (CI
checks it out there too); ``LOCALSPOTIFY_SAMPLE`` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from .build import BuildOptions, build_catalog

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]


def sample_dump_dir() -> Path:
    """Where the real 393-track slice of the dump is (it may be absent; check ``.is_dir()``)."""
    override = os.environ.get("LOCALSPOTIFY_SAMPLE")
    if override:
        return Path(override)
    return REPOSITORY_ROOT.parent / "shared" / "data" / "spotify-sample"


def build_sample_catalog(catalog_path: Path) -> Path:
    """Build a catalog from the real sample slice at ``catalog_path`` and return the path."""
    build_catalog(sample_dump_dir(), catalog_path)
    return catalog_path


def build_synthetic_catalog(workdir: Path, tracks: int, *, seed: int = 42, options: BuildOptions = BuildOptions()) -> Path:
    """Generate a synthetic dump of ``tracks`` tracks in ``workdir/dump`` and build its catalog."""
    from .synth import generate_dump

    dump = workdir / "dump"
    generate_dump(dump, tracks, seed=seed)
    catalog_path = workdir / "catalog.duckdb"
    build_catalog(dump, catalog_path, options=options)
    return catalog_path
