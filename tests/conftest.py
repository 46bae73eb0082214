"""Shared fixtures: real catalogs built by the project's own builder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog import Catalog
from catalog.build import BuildOptions
from catalog.fixtures import build_sample_catalog, build_synthetic_catalog, sample_dump_dir


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    path = sample_dump_dir()
    if not path.is_dir():
        pytest.skip(f"the real sample slice is not at {path} (set LOCALSPOTIFY_SAMPLE)")
    return path


@pytest.fixture(scope="session")
def sample_catalog_path(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_catalog(tmp_path_factory.mktemp("sample") / "catalog.duckdb")


@pytest.fixture(scope="session")
def sample_catalog(sample_catalog_path: Path) -> Catalog:
    cat = Catalog.open(sample_catalog_path)
    yield cat
    cat.close()


@pytest.fixture(scope="session")
def synthetic_catalog_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of 200,000 generated tracks whose postings runs count as long from 500 rows: a
    lookup or search reading too much shows, and searches take the path of a big catalog's."""
    return build_synthetic_catalog(tmp_path_factory.mktemp("synthetic"), 200_000, options=BuildOptions(top_rows=500))


@pytest.fixture(scope="session")
def synthetic_catalog(synthetic_catalog_path: Path) -> Catalog:
    cat = Catalog.open(synthetic_catalog_path)
    yield cat
    cat.close()


@pytest.fixture(scope="session")
def substance(sample_catalog: Catalog) -> list[dict[str, Any]]:
    """The 24 full track objects of New Order's "Substance" as the real slice has them, in order."""
    album = sample_catalog.album("6iHuSGy6pq4tNGFV3ZVPtl")
    assert album is not None
    tracks = sample_catalog.tracks([t["id"] for t in album["tracks"]["items"]])
    return [t for t in tracks if t is not None]


@pytest.fixture(scope="session")
def server_url(sample_catalog_path: Path) -> Iterator[str]:
    """Root URL of a live server over the sample catalog, e.g. ``http://127.0.0.1:41234``."""
    from server import create_app
    from tests.server_helpers import serve_in_thread

    with serve_in_thread(create_app(sample_catalog_path)) as url:
        yield url
