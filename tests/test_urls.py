"""Image and preview URLs: kept compactly in the catalog, given back exactly as the dump has them.

Most of the dump's URLs repeat a long prefix around a hash; the catalog keeps the hash alone when
the URL is a standard one (see ``catalog.objects``), and any other URL whole.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from catalog import Catalog, build_catalog
from catalog.objects import IMAGE_RENDITIONS, IMAGE_URL, PREVIEW_URL_PREFIX, PREVIEW_URL_SUFFIX
from catalog.objectstore import store_path

STANDARD_PREVIEW = re.compile(re.escape(PREVIEW_URL_PREFIX) + "[0-9a-f]{40}" + re.escape(PREVIEW_URL_SUFFIX))


def dump_previews(dump: Path) -> dict[str, str | None]:
    return dict(duckdb.sql(f"SELECT id, preview_url FROM read_parquet('{dump / 'tracks.parquet'}')").fetchall())


def dump_images(dump: Path, kind: str) -> dict[str, set[tuple[str, int, int]]]:
    """Each album's or artist's distinct images (url, width, height), by Spotify id."""
    rows = duckdb.sql(
        f"""SELECT o.id, i.url, i.width, i.height
            FROM read_parquet('{dump / f'{kind}_images.parquet'}') i
            JOIN read_parquet('{dump / f'{kind}s.parquet'}') o ON o.rowid = i.{kind}_rowid"""
    ).fetchall()
    images: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
    for owner, url, width, height in rows:
        images[owner].add((url, width, height))
    return images


def is_standard(images: set[tuple[str, int, int]]) -> bool:
    """Whether a set of images is standard renditions of one hash, as the catalog's rule says."""
    renditions = {(code, width, height) for code, width, height in IMAGE_RENDITIONS.values()}
    return len({url[-24:] for url, _, _ in images}) == 1 and all(
        url.startswith(IMAGE_URL) and len(url) == len(IMAGE_URL) + 40 and (url[len(IMAGE_URL) : -24], w, h) in renditions
        for url, w, h in images
    )


def test_every_preview_url_is_the_dumps(sample_dir: Path, sample_catalog: Catalog) -> None:
    previews = dump_previews(sample_dir)
    tracks = sample_catalog.tracks(list(previews))
    assert {t["id"]: t["preview_url"] for t in tracks if t} == previews


@pytest.mark.parametrize("kind", ["album", "artist"])
def test_every_image_is_the_dumps_widest_first(sample_dir: Path, sample_catalog: Catalog, kind: str) -> None:
    expected = dump_images(sample_dir, kind)
    lookup = sample_catalog.albums if kind == "album" else sample_catalog.artists
    objects = [o for o in lookup(list(expected)) if o]
    assert len(objects) == len(expected)
    for obj in objects:
        images = [(i["url"], i["width"], i["height"]) for i in obj["images"]]
        assert set(images) == expected[obj["id"]] and len(images) == len(expected[obj["id"]])
        assert [w for _, w, _ in images] == sorted((w for _, w, _ in images), reverse=True)


def test_standard_urls_are_stored_as_hashes(sample_dir: Path, sample_catalog_path: Path) -> None:
    store = sqlite3.connect(f"{store_path(sample_catalog_path).as_uri()}?mode=ro", uri=True)
    standard_previews = sum(1 for url in dump_previews(sample_dir).values() if url and STANDARD_PREVIEW.fullmatch(url))
    assert standard_previews > 300
    with Catalog.open(sample_catalog_path) as cat:
        rows = cat._tracks.rows_at(range(len(cat._tracks))).values()
    assert sum(row["preview_hash"] is not None for row in rows) == standard_previews
    assert all(row["preview_url"] is None for row in rows)
    for kind in ("album", "artist"):
        images = dump_images(sample_dir, kind)
        compact = dict(store.execute(f"SELECT id, images LIKE '@%' FROM {kind}s").fetchall())
        assert compact == {owner: int(is_standard(owner_images)) for owner, owner_images in images.items()} | {
            owner: 0 for owner in compact.keys() - images.keys()
        }
    # The real slice has both kinds of artist image sets.
    assert {is_standard(i) for i in dump_images(sample_dir, "artist").values()} == {True, False}
    store.close()


def test_unusual_urls_are_kept_whole(sample_dir: Path, tmp_path: Path) -> None:
    """URLs that only look standard (another client id, upper-case or short hashes, other hosts)
    come back exactly as the dump has them."""
    dump = tmp_path / "dump"
    shutil.copytree(sample_dir, dump)
    table = pq.read_table(dump / "tracks.parquet")
    previews = table.column("preview_url").to_pylist()
    digest = "1bb0a1d87134607c9417e68cb6895529bfc945a7"
    unusual = [
        f"{PREVIEW_URL_PREFIX}{digest}?cid=00000000000000000000000000000000",
        f"{PREVIEW_URL_PREFIX}{digest.upper()}{PREVIEW_URL_SUFFIX}",
        f"{PREVIEW_URL_PREFIX}{digest[:-2]}{PREVIEW_URL_SUFFIX}",
        f"http://p.scdn.co/mp3-preview/{digest}{PREVIEW_URL_SUFFIX}",
        "",
    ]
    previews[: len(unusual)] = unusual
    column = table.schema.get_field_index("preview_url")
    pq.write_table(table.set_column(column, "preview_url", [previews]), dump / "tracks.parquet")
    build_catalog(dump, tmp_path / "catalog.duckdb")
    with Catalog.open(tmp_path / "catalog.duckdb") as cat:
        ids = table.column("id").to_pylist()
        tracks = cat.tracks(ids)
        assert [t["preview_url"] for t in tracks if t] == previews
