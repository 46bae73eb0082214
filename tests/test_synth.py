"""The synthetic dump generator: exact schema, determinism, realistic ratios and every quirk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from catalog.errors import DumpInvalid
from catalog.schema import METADATA_TABLES, TRACK_AUDIO_FEATURES, validate_dump
from catalog.synth import generate_dump

TRACKS = 40_000  # enough for one of every rare quirk (the rarest is one album in 6,800)
ALL_TABLES = (*METADATA_TABLES, TRACK_AUDIO_FEATURES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], list[tuple[str, int, int]]]:
    out = tmp_path_factory.mktemp("synth") / "dump"
    calls: list[tuple[str, int, int]] = []
    counts = generate_dump(out, TRACKS, seed=42, progress=lambda table, done, total: calls.append((table, done, total)))
    return out, counts, calls


@pytest.fixture(scope="module")
def dump(generated: tuple[Path, dict[str, int], list[tuple[str, int, int]]]) -> Path:
    return generated[0]


@pytest.fixture(scope="module")
def db(dump: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    for table in ALL_TABLES:
        con.execute(f"CREATE VIEW {table.name} AS SELECT * FROM read_parquet('{dump / table.file_name}')")
    yield con
    con.close()


def one(db: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row[0] if len(row) == 1 else row


# --- layout ------------------------------------------------------------------------------------


def test_writes_exactly_the_dump_files_and_they_validate(generated: tuple[Path, dict[str, int], list]) -> None:
    dump, counts, _ = generated
    assert sorted(p.name for p in dump.iterdir()) == sorted(t.file_name for t in ALL_TABLES)
    assert validate_dump(dump) == counts
    assert counts["tracks"] == TRACKS


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_arrow_schema_is_exactly_the_dump_schema(dump: Path, table) -> None:
    assert pq.read_schema(dump / table.file_name).remove_metadata() == table.arrow_schema


def test_a_broken_dump_is_rejected(dump: Path, tmp_path: Path) -> None:
    for table in METADATA_TABLES[1:]:
        (tmp_path / table.file_name).write_bytes((dump / table.file_name).read_bytes())
    with pytest.raises(DumpInvalid, match="artists.parquet"):
        validate_dump(tmp_path)


def test_progress_reports_every_phase_up_to_its_total(generated: tuple[Path, dict[str, int], list]) -> None:
    _, counts, calls = generated
    assert {table for table, _, _ in calls} == {"available_markets", "artists", "tracks"}
    assert ("tracks", TRACKS, TRACKS) in calls
    assert ("artists", counts["artists"], counts["artists"]) in calls
    done = [d for table, d, _ in calls if table == "tracks"]
    assert done == sorted(done)


def test_tiny_dump_has_exactly_the_requested_tracks(tmp_path: Path) -> None:
    counts = generate_dump(tmp_path, 1)
    assert counts["tracks"] == 1 and counts["albums"] == 1
    assert pq.read_table(tmp_path / "albums.parquet").column("total_tracks").to_pylist() == [1]
    with pytest.raises(ValueError):
        generate_dump(tmp_path / "none", 0)


def test_files_are_sorted_and_keys_resolve(db: duckdb.DuckDBPyConnection) -> None:
    for table, key in (("artists", "rowid"), ("albums", "rowid"), ("tracks", "rowid"), ("available_markets", "rowid")):
        assert one(db, f"SELECT count(*) FROM (SELECT {key} - lag({key}) OVER () AS step FROM {table}) WHERE step <= 0") == 0
    assert one(db, "SELECT count(*) FROM (SELECT track_rowid - lag(track_rowid) OVER () AS step FROM track_artists) WHERE step < 0") == 0
    for child, column, parent in (
        ("tracks", "album_rowid", "albums"),
        ("track_artists", "track_rowid", "tracks"),
        ("track_artists", "artist_rowid", "artists"),
        ("artist_albums", "artist_rowid", "artists"),
        ("artist_albums", "album_rowid", "albums"),
        ("album_images", "album_rowid", "albums"),
        ("artist_images", "artist_rowid", "artists"),
        ("artist_genres", "artist_rowid", "artists"),
        ("tracks", "available_markets_rowid", "available_markets"),
        ("albums", "available_markets_rowid", "available_markets"),
    ):
        assert one(db, f"SELECT count(*) FROM {child} ANTI JOIN {parent} ON {parent}.rowid = {child}.{column}") == 0, child


def test_ids_look_like_spotify_ids_and_are_unique(db: duckdb.DuckDBPyConnection) -> None:
    for table in ("artists", "albums", "tracks"):
        total, distinct, valid = one(
            db, f"SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE regexp_full_match(id, '[0-7][0-9A-Za-z]{{21}}')) FROM {table}"
        )
        assert total == distinct == valid, table


# --- ratios ------------------------------------------------------------------------------------


def test_ratios_match_the_real_dump(generated: tuple[Path, dict[str, int], list]) -> None:
    _, counts, _ = generated
    assert counts["tracks"] / counts["albums"] == pytest.approx(4.37, abs=0.35)
    assert counts["tracks"] / counts["artists"] == pytest.approx(16.6, abs=0.2)
    assert counts["track_artists"] / counts["tracks"] == pytest.approx(1.36, abs=0.08)
    assert counts["album_images"] / counts["albums"] == pytest.approx(3.0, abs=0.02)
    assert counts["artist_genres"] / counts["artists"] == pytest.approx(0.14, abs=0.05)
    assert counts["artist_images"] / counts["artists"] == pytest.approx(26_777_840 / 15_430_442, abs=0.25)
    assert counts["track_audio_features"] / counts["tracks"] == pytest.approx(0.997, abs=0.002)
    assert 16 <= counts["available_markets"] < counts["albums"]


# --- quirks of albums ----------------------------------------------------------------------------


def test_taken_down_items_have_empty_names(db: duckdb.DuckDBPyConnection) -> None:
    assert one(db, "SELECT count(*) FROM tracks WHERE name = ''") == TRACKS // 4000
    assert one(db, "SELECT count(*) FROM albums WHERE name = ''") >= 1
    assert one(db, "SELECT count(*) FROM tracks WHERE name IS NULL") == 0


def test_nullable_album_columns_have_nulls_and_labels_can_be_empty(db: duckdb.DuckDBPyConnection) -> None:
    upc, c, p, amg, label = one(
        db,
        "SELECT count(*) FILTER (WHERE external_id_upc IS NULL), count(*) FILTER (WHERE copyright_c IS NULL), "
        "count(*) FILTER (WHERE copyright_p IS NULL), count(external_id_amgid), count(*) FILTER (WHERE label = '') FROM albums",
    )
    assert upc > 0 and c > 0 and p > 0 and label > 0
    assert amg == 0


def test_album_types_and_total_tracks(db: duckdb.DuckDBPyConnection) -> None:
    assert {r[0] for r in db.execute("SELECT DISTINCT album_type FROM albums").fetchall()} == {"album", "single", "compilation"}
    assert one(
        db,
        "SELECT count(*) FROM albums a LEFT JOIN (SELECT album_rowid, count(*) AS n FROM tracks GROUP BY 1) t "
        "ON t.album_rowid = a.rowid WHERE a.total_tracks IS DISTINCT FROM t.n",
    ) == 0


def test_release_dates_match_their_precision(db: duckdb.DuckDBPyConnection) -> None:
    assert one(
        db,
        "SELECT count(*) FROM albums WHERE NOT CASE release_date_precision "
        "WHEN 'year' THEN regexp_full_match(release_date, '\\d{4}') "
        "WHEN 'month' THEN regexp_full_match(release_date, '\\d{4}-\\d{2}') "
        "WHEN 'day' THEN regexp_full_match(release_date, '\\d{4}-\\d{2}-\\d{2}') ELSE false END",
    ) == 0
    assert one(db, "SELECT count(DISTINCT release_date_precision) FROM albums") == 3
    assert one(db, "SELECT count(*) FROM albums WHERE release_date = '0000'") >= 1
    assert one(db, "SELECT count(*) FROM albums WHERE release_date > '0000' AND release_date < '1900'") >= 1
    assert one(db, "SELECT max(release_date) FROM albums") < "2025-05"


def test_upcs_keep_leading_zeros_and_editions_share_some(db: duckdb.DuckDBPyConnection) -> None:
    bad, leading_zero = one(
        db,
        "SELECT count(*) FILTER (WHERE NOT regexp_full_match(external_id_upc, '\\d{12,14}')), "
        "count(*) FILTER (WHERE external_id_upc LIKE '0%') FROM albums WHERE external_id_upc IS NOT NULL",
    )
    assert bad == 0 and leading_zero > 0
    # a re-release keeps the UPC, the title and the artist of the original
    assert one(
        db,
        "SELECT count(*) FROM (SELECT external_id_upc FROM albums a JOIN artist_albums aa ON aa.album_rowid = a.rowid "
        "AND aa.index_in_album = 0 WHERE external_id_upc IS NOT NULL AND name <> '' GROUP BY 1 "
        "HAVING count(DISTINCT a.rowid) > 1 AND count(DISTINCT name) = 1 AND count(DISTINCT aa.artist_rowid) = 1)",
    ) > 0


def test_editions_of_one_album_by_the_same_artist(db: duckdb.DuckDBPyConnection) -> None:
    editions = db.execute(
        "WITH lead AS (SELECT a.rowid, a.name, aa.artist_rowid FROM albums a JOIN artist_albums aa "
        "ON aa.album_rowid = a.rowid AND aa.index_in_album = 0 WHERE a.album_type = 'album' AND a.name <> '') "
        "SELECT e.name FROM lead e JOIN lead o ON o.artist_rowid = e.artist_rowid AND o.rowid < e.rowid "
        "AND e.name = o.name || regexp_extract(e.name, ' \\((Deluxe|Remastered|Expanded|Super Deluxe|Special|Bonus|Anniversary|[0-9]{4} Remaster).*\\)$')"
    ).fetchall()
    suffixes = {re.search(r"\((\w+)", name).group(1) for (name,) in editions if "(" in name}
    assert {"Deluxe", "Remastered", "Expanded"} <= suffixes
    # the same title by different artists
    assert one(
        db,
        "SELECT count(*) FROM (SELECT a.name FROM albums a JOIN artist_albums aa ON aa.album_rowid = a.rowid "
        "AND aa.index_in_album = 0 WHERE a.name <> '' GROUP BY 1 HAVING count(DISTINCT aa.artist_rowid) > 5)",
    ) > 0


def test_images_come_widest_first_with_some_exact_duplicates(db: duckdb.DuckDBPyConnection) -> None:
    assert db.execute("SELECT DISTINCT n FROM (SELECT count(*) AS n FROM album_images GROUP BY album_rowid) ORDER BY n").fetchall() == [(3,), (6,)]
    assert one(db, "SELECT count(*) FROM albums ANTI JOIN album_images ON album_rowid = albums.rowid") == 0
    widths = [w for (w,) in db.execute("SELECT width FROM album_images LIMIT 300").fetchall()]
    assert widths == [640, 300, 64] * 100
    assert one(db, "SELECT count(*) FROM (SELECT * FROM album_images GROUP BY ALL HAVING count(*) > 1)") > 0
    assert one(db, "SELECT count(*) FROM album_images WHERE NOT regexp_full_match(url, 'https://i\\.scdn\\.co/image/ab67616d0000(b273|1e02|4851)[0-9a-f]{24}')") == 0
    assert db.execute("SELECT DISTINCT n FROM (SELECT count(*) AS n FROM artist_images GROUP BY artist_rowid)").fetchall() == [(3,)]
    assert {w for (w,) in db.execute("SELECT DISTINCT width FROM artist_images").fetchall()} == {640, 320, 160}


def test_markets(db: duckdb.DuckDBPyConnection) -> None:
    assert db.execute("SELECT * FROM available_markets WHERE rowid = 1").fetchall() == [(1, "unavailable")]
    assert one(db, "SELECT count(*) FROM available_markets WHERE rowid > 1 AND NOT regexp_full_match(available_markets, '[A-Z]{2}(,[A-Z]{2})*')") == 0
    assert one(db, "SELECT count(*) FROM albums WHERE available_markets_rowid = 1") > 0


# --- album artists and compilations --------------------------------------------------------------


def test_album_artists_are_indexed_from_zero(db: duckdb.DuckDBPyConnection) -> None:
    assert one(
        db,
        "SELECT count(*) FROM (SELECT album_rowid, list(DISTINCT index_in_album ORDER BY index_in_album) AS idx FROM artist_albums "
        "WHERE is_appears_on = 0 AND is_implicit_appears_on = 0 GROUP BY 1) WHERE idx <> range(len(idx))",
    ) == 0
    assert one(db, "SELECT count(*) FROM albums ANTI JOIN artist_albums ON album_rowid = albums.rowid AND index_in_album = 0") == 0
    assert one(db, "SELECT count(*) FROM artist_albums WHERE (is_appears_on = 1 OR is_implicit_appears_on = 1) AND index_in_album IS NOT NULL") == 0
    assert one(db, "SELECT count(*) FROM artist_albums WHERE is_appears_on = 0 AND is_implicit_appears_on = 0 AND index_in_album IS NULL") == 0


def test_various_artists_compilations(db: duckdb.DuckDBPyConnection) -> None:
    various = one(db, "SELECT rowid FROM artists WHERE name = 'Various Artists'")
    rows = db.execute(
        "SELECT a.rowid, count(*) FILTER (WHERE aa.is_appears_on = 0 AND aa.is_implicit_appears_on = 0), "
        f"count(*) FILTER (WHERE aa.is_appears_on = 1) FROM albums a JOIN artist_albums aa ON aa.album_rowid = a.rowid "
        f"WHERE a.album_type = 'compilation' AND a.rowid IN (SELECT album_rowid FROM artist_albums WHERE artist_rowid = {various}) GROUP BY 1"
    ).fetchall()
    assert len(rows) > 5
    assert all(album_artists == 1 and appears_on > 1 for _, album_artists, appears_on in rows)
    # its tracks are credited to the real artists, never to "Various Artists"
    assert one(db, f"SELECT count(*) FROM track_artists WHERE artist_rowid = {various}") == 0
    # compilations curated by a real artist exist too
    assert one(
        db,
        f"SELECT count(*) FROM albums a JOIN artist_albums aa ON aa.album_rowid = a.rowid AND aa.index_in_album = 0 "
        f"WHERE a.album_type = 'compilation' AND aa.artist_rowid <> {various}",
    ) > 0


def test_featured_artists_are_implicit_appearances(db: duckdb.DuckDBPyConnection) -> None:
    # every artist credited on a non-compilation track but not an album artist has an implicit row
    missing = one(
        db,
        "WITH credits AS (SELECT DISTINCT t.album_rowid, ta.artist_rowid FROM tracks t JOIN track_artists ta ON ta.track_rowid = t.rowid "
        "JOIN albums a ON a.rowid = t.album_rowid WHERE a.album_type <> 'compilation'), "
        "album_artists AS (SELECT album_rowid, artist_rowid FROM artist_albums WHERE index_in_album IS NOT NULL) "
        "SELECT count(*) FROM (SELECT * FROM credits EXCEPT SELECT * FROM album_artists) c "
        "ANTI JOIN artist_albums aa ON aa.album_rowid = c.album_rowid AND aa.artist_rowid = c.artist_rowid AND aa.is_implicit_appears_on = 1",
    )
    assert missing == 0
    assert one(db, "SELECT count(*) FROM artist_albums WHERE is_implicit_appears_on = 1") > 0


def test_duplicated_link_rows(db: duckdb.DuckDBPyConnection) -> None:
    pairs, duplicated = one(
        db,
        "SELECT count(*), count(*) FILTER (WHERE n > 1) FROM (SELECT count(*) AS n FROM artist_albums GROUP BY artist_rowid, album_rowid)",
    )
    assert 0 < duplicated / pairs < 0.002
    assert 0 < one(db, "SELECT count(*) FROM (SELECT * FROM track_artists GROUP BY ALL HAVING count(*) > 1)") < TRACKS / 1000


# --- quirks of tracks ----------------------------------------------------------------------------


def test_isrcs_are_shared_by_copies_of_one_recording(db: duckdb.DuckDBPyConnection) -> None:
    missing = one(db, "SELECT count(*) FROM tracks WHERE external_id_isrc IS NULL")
    assert missing == TRACKS // 2500
    assert one(db, "SELECT count(*) FROM tracks WHERE NOT regexp_full_match(external_id_isrc, '[A-Z]{2}[A-Z0-9]{3}[0-9]{7}')") == 0
    # the same recording on a single, an album and a compilation: same ISRC, title and artists
    shared = db.execute(
        "WITH copies AS (SELECT t.external_id_isrc AS isrc, t.name, a.album_type, "
        "(SELECT list(artist_rowid ORDER BY artist_rowid) FROM track_artists WHERE track_rowid = t.rowid) AS artists "
        "FROM tracks t JOIN albums a ON a.rowid = t.album_rowid WHERE t.external_id_isrc IS NOT NULL AND t.name <> '') "
        "SELECT isrc, count(*), count(DISTINCT name), count(DISTINCT artists), list(DISTINCT album_type) FROM copies "
        "GROUP BY 1 HAVING count(*) > 1"
    ).fetchall()
    assert len(shared) > TRACKS / 50
    assert all(names == 1 and artists == 1 for _, _, names, artists, _ in shared)
    assert any(set(types) == {"single", "album", "compilation"} for *_, types in shared)


def test_track_values(db: duckdb.DuckDBPyConnection) -> None:
    zero_duration, explicit, popular, max_popularity, no_preview, fetched = one(
        db,
        "SELECT count(*) FILTER (WHERE duration_ms = 0), list(DISTINCT explicit ORDER BY explicit), "
        "avg((popularity > 0)::INT), max(popularity), avg((preview_url IS NULL)::INT), "
        "min(fetched_at) > 1735689600000 AND max(fetched_at) < 1767225600000 FROM tracks",
    )
    assert zero_duration == TRACKS // 3333
    assert explicit == [0, 1]
    assert 0.05 < popular < 0.4 and max_popularity <= 100
    assert 0.1 < no_preview < 0.6
    assert fetched
    assert one(db, "SELECT count(*) FROM tracks WHERE preview_url IS NOT NULL AND NOT regexp_full_match(preview_url, "
                   "'https://p\\.scdn\\.co/mp3-preview/[0-9a-f]{40}\\?cid=[0-9a-f]{32}')") == 0


def test_multi_disc_albums_restart_track_numbers(db: duckdb.DuckDBPyConnection) -> None:
    assert one(db, "SELECT count(*) FROM tracks WHERE disc_number > 1 AND track_number = 1") > 0
    assert one(
        db,
        "SELECT count(*) FROM (SELECT album_rowid, disc_number, list(track_number ORDER BY rowid) AS numbers FROM tracks GROUP BY 1, 2) "
        "WHERE numbers <> range(1, len(numbers) + 1)",
    ) == 0


def test_popularity_is_mostly_zero_with_a_long_tail(db: duckdb.DuckDBPyConnection) -> None:
    for table in ("artists", "albums", "tracks"):
        zero, top = one(db, f"SELECT avg((popularity = 0)::INT), max(popularity) FROM {table}")
        assert zero > 0.5 and top >= 80, table


def test_names_carry_credits_versions_accents_and_scripts(db: duckdb.DuckDBPyConnection) -> None:
    def count(pattern: str) -> int:
        row = db.execute("SELECT count(*) FROM tracks WHERE regexp_matches(name, ?)", [pattern]).fetchone()
        assert row is not None
        return row[0]

    for pattern in (r"\(feat\. ", r"\(ft\. ", r" - Remastered \d{4}$", r" - Live$", r"\(Radio Edit\)", r" & ", r"[éöñ]", r"[?!,']"):
        assert count(pattern) > 0, pattern
    assert count(r"[\x{0400}-\x{04FF}\x{3040}-\x{30FF}\x{4E00}-\x{9FFF}\x{AC00}-\x{D7AF}]") > 0


def test_common_words_and_shared_names(db: duckdb.DuckDBPyConnection) -> None:
    assert one(db, "SELECT avg(regexp_matches(lower(name), '\\blove\\b')::INT) FROM tracks") > 0.03
    assert one(db, "SELECT count(*) FROM (SELECT name FROM artists GROUP BY 1 HAVING count(*) > 1)") > 10
    # a standard recorded by many different artists
    assert one(
        db,
        "SELECT max(n) FROM (SELECT t.name, count(DISTINCT ta.artist_rowid) AS n FROM tracks t "
        "JOIN track_artists ta ON ta.track_rowid = t.rowid GROUP BY 1)",
    ) > 20


def test_genres(db: duckdb.DuckDBPyConnection) -> None:
    genres = {g for (g,) in db.execute("SELECT DISTINCT genre FROM artist_genres").fetchall()}
    assert {"pop", "rock", "hip hop"} <= genres
    assert len(genres) <= 768
    assert one(db, "SELECT count(*) FROM (SELECT * FROM artist_genres GROUP BY ALL HAVING count(*) > 1)") == 0


# --- audio features ------------------------------------------------------------------------------


def test_audio_features(db: duckdb.DuckDBPyConnection) -> None:
    rows, tracks_with_features = one(db, "SELECT count(*), count(DISTINCT track_id) FROM track_audio_features")
    assert rows == tracks_with_features
    assert one(db, "SELECT count(*) FROM track_audio_features ANTI JOIN tracks ON tracks.id = track_id") == 0
    assert one(db, "SELECT count(*) FROM tracks ANTI JOIN track_audio_features ON tracks.id = track_id") > 0
    silent = db.execute("SELECT * FROM track_audio_features WHERE null_response = '1'").fetchall()
    assert len(silent) > 0 and all(value is None for row in silent for value in row[4:])
    assert one(db, "SELECT count(DISTINCT null_response) FROM track_audio_features") == 2
    assert one(
        db,
        "SELECT count(*) FROM track_audio_features f JOIN tracks t ON t.id = f.track_id "
        "WHERE f.null_response = '0' AND f.duration_ms <> t.duration_ms::VARCHAR",
    ) == 0
    ranges = one(
        db,
        "SELECT min(tempo::DOUBLE) >= 60 AND max(tempo::DOUBLE) < 190, min(key::INT) = -1 AND max(key::INT) = 11, "
        "list(DISTINCT mode ORDER BY mode) = ['0', '1'], min(time_signature::INT) >= 1 AND max(time_signature::INT) <= 5, "
        "max(loudness::DOUBLE) < 0, min(least(danceability::DOUBLE, energy::DOUBLE, speechiness::DOUBLE, acousticness::DOUBLE, "
        "instrumentalness::DOUBLE, liveness::DOUBLE, valence::DOUBLE)) >= 0, "
        "max(greatest(danceability::DOUBLE, energy::DOUBLE, speechiness::DOUBLE, acousticness::DOUBLE, "
        "instrumentalness::DOUBLE, liveness::DOUBLE, valence::DOUBLE)) <= 1 "
        "FROM track_audio_features WHERE null_response = '0'",
    )
    assert all(ranges)
    assert one(db, "SELECT count(*) FROM track_audio_features WHERE regexp_matches(acousticness || instrumentalness, 'e-0')") > 0
    # rowids in file order, tracks in shuffled order: the file is not sorted by track
    ids = [i for (i,) in db.execute("SELECT track_id FROM track_audio_features").fetchall()]
    assert ids != sorted(ids)
    rowids = [int(r) for (r,) in db.execute("SELECT rowid FROM track_audio_features").fetchall()]
    assert rowids == sorted(rowids) and len(set(rowids)) == len(rowids)
    feature_order = [t for (t,) in db.execute("SELECT t.rowid FROM track_audio_features f JOIN tracks t ON t.id = f.track_id ORDER BY f.rowid::BIGINT").fetchall()]
    assert feature_order != sorted(feature_order)


# --- determinism ---------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_rows(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_dump(first, 3_000, seed=7)
    generate_dump(second, 3_000, seed=7)
    generate_dump(other, 3_000, seed=8)
    for table in ALL_TABLES:
        assert (first / table.file_name).read_bytes() == (second / table.file_name).read_bytes(), table.name
    assert pq.read_table(first / "tracks.parquet") != pq.read_table(other / "tracks.parquet")
    assert pq.read_table(first / "artists.parquet").column("name") != pq.read_table(other / "artists.parquet").column("name")
