"""Building a catalog: dump validation, atomic output, recorded metadata, version checks."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog import Catalog, CatalogIncompatible, CatalogNotFound, DumpInvalid, build_catalog
from catalog.catalog import catalog_files
from catalog.objectstore import contents, store_path
from catalog.postings import postings_path
from catalog.schema import METADATA_TABLES, TRACKS, validate_dump
from catalog.trackfile import tracks_path
from catalog.version import FORMAT_VERSION


@pytest.fixture
def dump_copy(sample_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the real slice, for breaking on purpose."""
    target = tmp_path / "spotify_clean_parquet"
    shutil.copytree(sample_dir, target)
    return target


def test_validate_counts_every_table(sample_dir: Path) -> None:
    counts = validate_dump(sample_dir)
    assert counts["tracks"] == 393 and counts["albums"] == 21 and counts["artists"] == 258
    assert counts["track_audio_features"] == 386
    assert set(counts) == {t.name for t in METADATA_TABLES} | {"track_audio_features"}


def test_missing_file_is_named(dump_copy: Path) -> None:
    (dump_copy / "album_images.parquet").unlink()
    with pytest.raises(DumpInvalid, match=r"album_images\.parquet: is missing; point --dump at"):
        validate_dump(dump_copy)


def test_wrong_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DumpInvalid, match="has no .parquet files"):
        validate_dump(tmp_path)
    with pytest.raises(DumpInvalid, match="is not a folder"):
        validate_dump(tmp_path / "nope")


def test_missing_column_is_named(dump_copy: Path) -> None:
    path = dump_copy / "tracks.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["external_id_isrc"]), path)
    with pytest.raises(DumpInvalid, match=r"tracks\.parquet: has no column 'external_id_isrc'"):
        validate_dump(dump_copy)


def test_mistyped_column_is_named(dump_copy: Path) -> None:
    path = dump_copy / "tracks.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("duration_ms")
    table = table.set_column(index, "duration_ms", table.column("duration_ms").cast(pa.string()))
    pq.write_table(table, path)
    with pytest.raises(DumpInvalid, match=r"column 'duration_ms' is string, expected int64"):
        validate_dump(dump_copy)


def test_corrupt_parquet_is_named(dump_copy: Path) -> None:
    path = dump_copy / "artists.parquet"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DumpInvalid, match=r"artists\.parquet: is not a readable parquet file"):
        validate_dump(dump_copy)


def test_audio_features_found_in_a_sibling_folder(dump_copy: Path, tmp_path: Path) -> None:
    sibling = tmp_path / "spotify_clean_audio_features_parquet"
    sibling.mkdir()
    (dump_copy / "track_audio_features.parquet").rename(sibling / "track_audio_features.parquet")
    assert validate_dump(dump_copy)["track_audio_features"] == 386


def test_catalog_without_audio_features_still_works(dump_copy: Path, tmp_path: Path) -> None:
    (dump_copy / "track_audio_features.parquet").unlink()
    path = tmp_path / "catalog.duckdb"
    build_catalog(dump_copy, path)
    with Catalog.open(path) as cat:
        assert not cat.has_audio_features
        album = cat.album("6iHuSGy6pq4tNGFV3ZVPtl")
        assert album is not None
        assert cat.audio_features([album["tracks"]["items"][0]["id"]]) == [None]


def test_build_records_counts_and_version(sample_catalog: Catalog) -> None:
    assert sample_catalog.dump_row_counts["tracks"] == 393
    assert sample_catalog.meta["format_version"] == str(FORMAT_VERSION)
    assert sample_catalog.meta["built_at"]


def test_progress_weighs_steps_by_their_measured_cost(sample_dir: Path, tmp_path: Path) -> None:
    reports: list[tuple[str, int, int, float]] = []
    build_catalog(sample_dir, tmp_path / "catalog.duckdb", progress=lambda *report: reports.append(report))
    titles = [title for title, *_ in reports]
    fractions = [fraction for *_, fraction in reports]
    assert titles[0] == "markets" and titles[-1] == "done"
    assert [number for _, number, _, _ in reports[:-1]] == list(range(1, reports[0][2] + 1))
    assert fractions[0] == 0 and fractions[-1] == 1 and fractions == sorted(fractions)
    # Steps that grow with the same table weigh what each costs per row, not the same: by row
    # counts alone, the ETA of a 10M build was a third of the time left.
    share = {title: after - before for title, before, after in zip(titles, fractions, fractions[1:])}
    assert share["track search terms"] > 10 * share["object store: term_runs"]
    assert share["object store: albums"] > 10 * share["album order"]


@pytest.mark.parametrize(
    "step",
    [
        "tracks",
        "track audio features",
        "artist albums",
        "track search terms",
        "tracks file",
        "object store: album_ids",
        "track keys",
        "object store: artist_albums",
    ],
)
def test_interrupted_build_leaves_nothing_behind(sample_dir: Path, tmp_path: Path, step: str) -> None:
    path = tmp_path / "catalog.duckdb"
    seen: list[str] = []

    def interrupt(title: str, number: int, count: int, fraction: float) -> None:
        seen.append(title)
        if title == step:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_catalog(sample_dir, path, progress=interrupt)
    # The search steps run while the object store is copied, so either side may report a step
    # after the other was interrupted; nothing that needs both is reached.
    assert step in seen and "search postings" not in seen
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("object-store-copy")]
    assert list(tmp_path.iterdir()) == []


def test_search_steps_run_while_the_objects_are_copied(sample_dir: Path, tmp_path: Path) -> None:
    threads: dict[str, str] = {}
    build_catalog(
        sample_dir,
        tmp_path / "catalog.duckdb",
        progress=lambda title, *_: threads.setdefault(title, threading.current_thread().name),
    )
    copied_aside = {title for title, thread in threads.items() if thread != threading.current_thread().name}
    expected = {f"object store: {name}" for name in contents()} - {"object store: term_runs"} | {"tracks file", "track keys"}
    assert copied_aside == expected


def test_store_indexes_are_sorted_beside_the_catalog(sample_dir: Path, tmp_path: Path) -> None:
    # SQLite's sorts spill gigabytes at 256M tracks: into the build's own folder, not a /tmp that
    # may be kept in memory. The setting is the whole process's, so the build gives it back.
    folders: list[str] = []

    def look(title: str, *_: object) -> None:
        if title == "object store: upcs":  # the first index has been made
            folders.extend(p.name for p in tmp_path.iterdir() if p.is_dir())

    path = tmp_path / "catalog.duckdb"
    build_catalog(sample_dir, path, progress=look)
    assert any(name.endswith(".sort") for name in folders)
    assert sorted(tmp_path.iterdir()) == sorted(catalog_files(path))
    assert sqlite3.connect(":memory:").execute("PRAGMA temp_store_directory").fetchall() == []


COMPANIONS = {"object store": store_path, "search postings": postings_path, "tracks file": tracks_path}


@pytest.mark.parametrize("name", COMPANIONS)
def test_catalog_without_one_of_its_files_is_refused(name: str, sample_catalog_path: Path, tmp_path: Path) -> None:
    alone = tmp_path / "alone.duckdb"
    for locate in [lambda p: p, *COMPANIONS.values()]:
        if locate is not COMPANIONS[name]:
            shutil.copy(locate(sample_catalog_path), locate(alone))
    with pytest.raises(CatalogIncompatible, match=f"has no {name} beside it"):
        Catalog.open(alone)


@pytest.mark.parametrize("name", COMPANIONS)
def test_file_of_another_build_is_refused(name: str, sample_dir: Path, sample_catalog_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    build_catalog(sample_dir, other)
    shutil.copy(COMPANIONS[name](sample_catalog_path), COMPANIONS[name](other))
    with pytest.raises(CatalogIncompatible, match=f"does not belong with the {name}"):
        Catalog.open(other)


def test_truncated_postings_are_refused(sample_catalog_path: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.duckdb"
    shutil.copy(sample_catalog_path, cut)
    shutil.copy(store_path(sample_catalog_path), store_path(cut))
    whole = postings_path(sample_catalog_path).read_bytes()
    postings_path(cut).write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CatalogIncompatible, match="has an unreadable search postings .* \\(truncated: "):
        Catalog.open(cut)


def test_truncated_tracks_file_is_refused(sample_catalog_path: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.duckdb"
    for locate in (lambda p: p, store_path, postings_path):
        shutil.copy(locate(sample_catalog_path), locate(cut))
    whole = tracks_path(sample_catalog_path).read_bytes()
    tracks_path(cut).write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CatalogIncompatible, match="has an unreadable tracks file .* \\(truncated: "):
        Catalog.open(cut)


def test_rebuild_replaces_the_old_catalog_only_when_done(sample_dir: Path, dump_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "catalog.duckdb"
    build_catalog(sample_dir, path)
    (dump_copy / "tracks.parquet").write_bytes(b"not parquet")
    with pytest.raises(DumpInvalid):
        build_catalog(dump_copy, path)
    with Catalog.open(path) as cat:
        assert cat.album("6iHuSGy6pq4tNGFV3ZVPtl") is not None


def test_missing_catalog_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(CatalogNotFound, match='Build one with "localspotify build --dump DUMP_DIR'):
        Catalog.open(tmp_path / "none.duckdb")


def test_other_files_are_not_catalogs(tmp_path: Path) -> None:
    text = tmp_path / "notes.duckdb"
    text.write_text("hello")
    with pytest.raises(CatalogIncompatible, match="cannot be opened as a catalog"):
        Catalog.open(text)
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    with pytest.raises(CatalogIncompatible, match="is not a localspotify catalog"):
        Catalog.open(plain)


def test_catalog_of_another_format_version_is_refused(sample_catalog_path: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.duckdb"
    shutil.copy(sample_catalog_path, old)
    shutil.copy(store_path(sample_catalog_path), store_path(old))
    with duckdb.connect(str(old)) as con:
        con.execute("UPDATE meta SET value = '0' WHERE key = 'format_version'")
    with pytest.raises(CatalogIncompatible, match=f"catalog format 0; this version reads format {FORMAT_VERSION}. Rebuild it"):
        Catalog.open(old)


def test_tracks_schema_matches_the_real_files(sample_dir: Path) -> None:
    assert pq.read_schema(sample_dir / "tracks.parquet").names == TRACKS.column_names
