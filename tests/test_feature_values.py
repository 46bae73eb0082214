"""Audio features come back as exactly the numbers the dump's strings spell, bit for bit."""

from __future__ import annotations

import math
import shutil
import struct
from pathlib import Path

import pyarrow.parquet as pq

from catalog import Catalog, build_catalog
from catalog.trackfile import FEATURE_SCALE
from catalog.schema import AUDIO_FEATURE_NAMES, FLOAT_AUDIO_FEATURES


def same_number(a: float | int | None, b: float | int | None) -> bool:
    """Equal as stored bits: tells -0.0 from 0.0, and NaN equals NaN."""
    if a is None or b is None:
        return a is b
    return struct.pack("<d", a) == struct.pack("<d", b)


def parse(name: str, text: str | None, *, keep_nan: bool = False) -> float | int | None:
    """A feature's value as its string spells it; NaN has no JSON spelling and comes back as null."""
    if text is None:
        return None
    value = float(text) if name in FLOAT_AUDIO_FEATURES else int(text)
    return None if math.isnan(value) and not keep_nan else value


def dump_features(dump: Path, *, keep_nan: bool = False) -> dict[str, dict[str, float | int | None]]:
    """The features of every track as the dump spells them, parsed by Python."""
    table = pq.read_table(dump / "track_audio_features.parquet").to_pylist()
    return {
        row["track_id"]: {name: parse(name, row[name], keep_nan=keep_nan) for name in AUDIO_FEATURE_NAMES}
        for row in table
        if row["null_response"] != "1"
    }


def assert_features_match(cat: Catalog, expected: dict[str, dict[str, float | int | None]]) -> None:
    ids = list(expected)
    for track_id, features, facts in zip(ids, cat.audio_features(ids), cat.track_facts(ids)):
        assert features is not None, track_id
        for name, value in expected[track_id].items():
            assert same_number(features[name], value), (track_id, name, features[name], value)
            if name in facts.audio_features._fields:
                assert same_number(getattr(facts.audio_features, name), value), (track_id, name)


def test_every_feature_of_the_real_slice_is_the_dumps(sample_dir: Path, sample_catalog: Catalog) -> None:
    expected = dump_features(sample_dir)
    assert len(expected) > 300
    assert_features_match(sample_catalog, expected)


def test_unusual_values_come_back_exactly(sample_dir: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    shutil.copytree(sample_dir, dump)
    table = pq.read_table(dump / "track_audio_features.parquet")
    odd = ["1.23e-05", "-0.0", "0", "NaN", "0.1234567", "123456789.5", "-60.000001", "1e300", "2.5e-300"]
    columns = {}
    for name in ("instrumentalness", "loudness", "tempo"):
        values = table.column(name).to_pylist()
        values[: len(odd)] = odd if name != "tempo" else list(reversed(odd))
        columns[name] = values
    for name, values in columns.items():
        table = table.set_column(table.schema.get_field_index(name), name, [values])
    pq.write_table(table, dump / "track_audio_features.parquet")
    build_catalog(dump, tmp_path / "catalog.duckdb")
    expected = dump_features(dump)
    assert sum(f["loudness"] == 0 and math.copysign(1, f["loudness"]) < 0 for f in expected.values()) == 1
    with Catalog.open(tmp_path / "catalog.duckdb") as cat:
        assert_features_match(cat, expected)
    with_nan = dump_features(dump, keep_nan=True)
    assert stored_sizes(tmp_path / "catalog.duckdb") == {track_id: packed_size(f) for track_id, f in with_nan.items()}


def stored_sizes(catalog_path: Path) -> dict[str, int]:
    """The bytes each track's packed features take in the tracks file, by track id."""
    with Catalog.open(catalog_path) as cat:
        rows = cat._tracks.rows_at(range(len(cat._tracks))).values()
    return {row["id"]: len(row["features"]) for row in rows if row["features"] is not None}


def packed_size(features: dict[str, float | int | None]) -> int:
    """The bytes the tracks file should take for these features: a 4-byte header, a byte for key, mode
    and time signature, 4 for the duration and for a number of whole millionths, 8 for any other."""
    size = 4
    for name, value in features.items():
        if value is None:
            continue
        if name not in FLOAT_AUDIO_FEATURES:
            size += 1 if name in ("key", "mode", "time_signature") else 4
        else:
            millionths = abs(value) < 2147 and round(value * FEATURE_SCALE) / FEATURE_SCALE == value
            negative_zero = value == 0 and math.copysign(1, value) < 0
            size += 4 if millionths and not negative_zero else 8
    return size


def test_features_with_few_decimals_are_stored_in_millionths(sample_dir: Path, sample_catalog_path: Path) -> None:
    # The tracks file keeps 0.0569 as the 4-byte integer 56900, and a value millionths cannot spell
    # exactly, such as 1.13e-05, as its 8-byte double; both come back as the dump's.
    expected = dump_features(sample_dir)
    sizes = stored_sizes(sample_catalog_path)
    assert sizes == {track_id: packed_size(features) for track_id, features in expected.items()}
    assert min(sizes.values()) == 47 < max(sizes.values())
