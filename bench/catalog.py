"""Benchmark: build and lookup figures of the catalog, side by side with two baselines.

For each size it generates a synthetic dump (the project's generator), builds the catalog, and
times the same lookups three ways in one run:

* **catalog**: ``catalog.Catalog`` (what every part of localspotify uses);
* **raw parquet**: DuckDB straight over the dump's parquet files, as the original clone did;
* **sqlite**: an SQLite table of the same rows with B-tree indexes on id, ISRC, UPC and album.

    uv run python bench/catalog.py --sizes 1000000,10000000,50000000 --workdir /work/bench-data

Generated dumps and catalogs are kept in ``--workdir`` and reused by later runs. Results print as
a markdown table (paste into docs/benchmarks.md) and are saved as JSON beside the data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from catalog import Catalog  # noqa: E402
from catalog.catalog import catalog_files  # noqa: E402

Op = Callable[[int], Any]


# -- running and measuring ------------------------------------------------------------------


def run_measured(args: list[str]) -> tuple[float, float]:
    """Run a command; return (seconds, peak RSS in GB) of that process alone."""
    started = time.monotonic()
    process = subprocess.Popen(args, cwd=REPO)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed with status {status}")
    return time.monotonic() - started, usage.ru_maxrss / 1024 / 1024


def latency(op: Op, repeat: int) -> dict[str, float]:
    """p50 and p95 in milliseconds over ``repeat`` calls (one warm-up call first)."""
    op(0)
    samples = []
    for i in range(repeat):
        started = time.perf_counter()
        op(i)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))]}


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


# -- inputs ---------------------------------------------------------------------------------


def sample_keys(dump: Path, count: int, seed: int) -> dict[str, list[Any]]:
    """Random track ids, album ids, ISRCs, UPCs and search queries drawn from the dump."""
    con = duckdb.connect()
    tracks = f"read_parquet('{dump}/tracks.parquet')"
    albums = f"read_parquet('{dump}/albums.parquet')"
    artists = f"read_parquet('{dump}/artists.parquet')"
    track_artists = f"read_parquet('{dump}/track_artists.parquet')"
    picked = con.execute(
        f"""SELECT t.id, t.name, t.external_id_isrc, a.id, a.name, a.external_id_upc, ar.name
            FROM (SELECT * FROM {tracks} USING SAMPLE reservoir({count} ROWS) REPEATABLE ({seed})) t
            JOIN {albums} a ON a.rowid = t.album_rowid
            LEFT JOIN {track_artists} ta ON ta.track_rowid = t.rowid
            LEFT JOIN {artists} ar ON ar.rowid = ta.artist_rowid
            WHERE t.name <> '' AND a.name <> ''
            QUALIFY row_number() OVER (PARTITION BY t.id) = 1"""
    ).fetchall()
    rng = random.Random(seed)
    rng.shuffle(picked)
    queries = []
    for i, (_, title, _, _, album, _, artist) in enumerate(picked):
        artist = artist or ""
        queries.append(
            [f"{title} {artist}", f'track:"{title}" artist:"{artist}"', f'album:"{album}"', title][i % 4]
        )
    return {
        "track_ids": [p[0] for p in picked],
        "album_ids": [p[3] for p in picked],
        "isrcs": [p[2] for p in picked if p[2]],
        "upcs": [p[5] for p in picked if p[5]],
        "queries": queries,
        "titles": [p[1] for p in picked],
    }


# -- the three ways ---------------------------------------------------------------------------


def catalog_ops(cat: Catalog, keys: dict[str, list[Any]]) -> dict[str, Op]:
    def pick(name: str, i: int) -> Any:
        values = keys[name]
        return values[i % len(values)]

    return {
        "id lookup": lambda i: cat.track(pick("track_ids", i)),
        "batch of 50 ids": lambda i: cat.tracks([pick("track_ids", i * 50 + k) for k in range(50)]),
        "album with tracks": lambda i: cat.album(pick("album_ids", i)),
        "ISRC": lambda i: cat.tracks_by_isrc(pick("isrcs", i)),
        "UPC": lambda i: cat.albums_by_upc(pick("upcs", i)),
        "search": lambda i: cat.search(pick("queries", i), ["track", "album", "artist"], limit=10),
    }


def raw_parquet_ops(dump: Path, keys: dict[str, list[Any]]) -> dict[str, Op]:
    """The original clone's approach: DuckDB over the unsorted parquet files, joined per request."""
    con = duckdb.connect()
    # Its joins spill; keep that beside the benchmark data, not in the current directory.
    con.execute(f"SET temp_directory = '{dump.parent / 'raw-parquet-spill'}'")
    for name in ("tracks", "albums", "artists", "track_artists", "artist_albums"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{dump}/{name}.parquet')")
    track_sql = """SELECT t.*, a.name AS album_name, list(ar.name) AS artists FROM tracks t
                   JOIN albums a ON a.rowid = t.album_rowid
                   LEFT JOIN track_artists ta ON ta.track_rowid = t.rowid
                   LEFT JOIN artists ar ON ar.rowid = ta.artist_rowid
                   WHERE t.id IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL"""

    def pick(name: str, i: int) -> Any:
        values = keys[name]
        return values[i % len(values)]

    def album(i: int) -> Any:
        return con.execute(
            """SELECT a.*, t.* FROM albums a JOIN tracks t ON t.album_rowid = a.rowid
               WHERE a.id = ? ORDER BY t.disc_number, t.track_number""",
            [pick("album_ids", i)],
        ).fetchall()

    return {
        "id lookup": lambda i: con.execute(track_sql, [[pick("track_ids", i)]]).fetchall(),
        "batch of 50 ids": lambda i: con.execute(track_sql, [[pick("track_ids", i * 50 + k) for k in range(50)]]).fetchall(),
        "album with tracks": album,
        "ISRC": lambda i: con.execute("SELECT * FROM tracks WHERE external_id_isrc = ?", [pick("isrcs", i)]).fetchall(),
        "UPC": lambda i: con.execute("SELECT * FROM albums WHERE external_id_upc = ?", [pick("upcs", i)]).fetchall(),
        "search": lambda i: con.execute(
            "SELECT * FROM tracks WHERE name ILIKE ? ORDER BY popularity DESC LIMIT 10", [f"%{pick('titles', i)}%"]
        ).fetchall(),
    }


def build_sqlite(dump: Path, path: Path) -> float:
    """Load tracks, albums, artists and track_artists into SQLite with B-tree indexes."""
    if path.exists():
        return float(json.loads(path.with_suffix(".json").read_text())["seconds"])
    started = time.monotonic()
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    source = duckdb.connect()
    for name, columns in {
        "tracks": "rowid, id, name, album_rowid, track_number, disc_number, duration_ms, explicit, popularity, external_id_isrc",
        "albums": "rowid, id, name, album_type, external_id_upc, label, release_date, total_tracks, popularity",
        "artists": "rowid, id, name, popularity",
        "track_artists": "track_rowid, artist_rowid",
    }.items():
        names = [c.strip() for c in columns.split(",")]
        db.execute(f"CREATE TABLE {name} ({', '.join('r_' + c if c == 'rowid' else c for c in names)})")
        reader = source.sql(f"SELECT {columns} FROM read_parquet('{dump}/{name}.parquet')").to_arrow_reader(200_000)
        for batch in reader:
            db.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(names))})", zip(*(c.to_pylist() for c in batch.columns)))
        db.commit()
    for statement in (
        "CREATE UNIQUE INDEX tracks_id ON tracks(id)",
        "CREATE INDEX tracks_isrc ON tracks(external_id_isrc)",
        "CREATE INDEX tracks_album ON tracks(album_rowid, disc_number, track_number)",
        "CREATE UNIQUE INDEX tracks_rowid ON tracks(r_rowid)",
        "CREATE UNIQUE INDEX albums_id ON albums(id)",
        "CREATE UNIQUE INDEX albums_rowid ON albums(r_rowid)",
        "CREATE INDEX albums_upc ON albums(external_id_upc)",
        "CREATE UNIQUE INDEX artists_rowid ON artists(r_rowid)",
        "CREATE INDEX track_artists_track ON track_artists(track_rowid)",
    ):
        db.execute(statement)
    db.commit()
    db.close()
    tmp.rename(path)
    seconds = time.monotonic() - started
    path.with_suffix(".json").write_text(json.dumps({"seconds": seconds}))
    return seconds


def sqlite_ops(path: Path, keys: dict[str, list[Any]]) -> dict[str, Op]:
    db = sqlite3.connect(path)
    track_sql = """SELECT t.*, a.name, group_concat(ar.name) FROM tracks t
                   JOIN albums a ON a.r_rowid = t.album_rowid
                   LEFT JOIN track_artists ta ON ta.track_rowid = t.r_rowid
                   LEFT JOIN artists ar ON ar.r_rowid = ta.artist_rowid
                   WHERE t.id = ? GROUP BY t.r_rowid"""

    def pick(name: str, i: int) -> Any:
        values = keys[name]
        return values[i % len(values)]

    return {
        "id lookup": lambda i: db.execute(track_sql, [pick("track_ids", i)]).fetchall(),
        "batch of 50 ids": lambda i: [db.execute(track_sql, [pick("track_ids", i * 50 + k)]).fetchall() for k in range(50)],
        "album with tracks": lambda i: db.execute(
            """SELECT a.*, t.* FROM albums a JOIN tracks t ON t.album_rowid = a.r_rowid
               WHERE a.id = ? ORDER BY t.disc_number, t.track_number""",
            [pick("album_ids", i)],
        ).fetchall(),
        "ISRC": lambda i: db.execute("SELECT * FROM tracks WHERE external_id_isrc = ?", [pick("isrcs", i)]).fetchall(),
        "UPC": lambda i: db.execute("SELECT * FROM albums WHERE external_id_upc = ?", [pick("upcs", i)]).fetchall(),
    }


# -- one size ---------------------------------------------------------------------------------


def bench_size(tracks: int, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    dump = workdir / f"dump-{tracks}"
    catalog_path = workdir / f"catalog-{tracks}.duckdb"
    result: dict[str, Any] = {"tracks": tracks}
    if not (dump / "track_audio_features.parquet").exists():
        seconds, rss = run_measured(
            [sys.executable, "-m", "catalog", "synth", "--tracks", str(tracks), "--out", str(dump)]
        )
        result["synth"] = {"seconds": seconds, "peak_rss_gb": rss}
    # A build's figures are kept beside its catalog, so a later run that reuses it still reports them.
    build_figures = catalog_path.with_suffix(".build.json")
    if args.rebuild or not catalog_path.exists():
        seconds, rss = run_measured(
            [sys.executable, "-m", "catalog", "build", "--dump", str(dump), "--catalog", str(catalog_path)]
        )
        build_figures.write_text(json.dumps({"seconds": seconds, "peak_rss_gb": rss}))
    if build_figures.exists():
        result["build"] = json.loads(build_figures.read_text())
    result["dump_gb"] = folder_size(dump) / 1e9
    result["catalog_gb"] = sum(folder_size(p) for p in catalog_files(catalog_path)) / 1e9
    keys = sample_keys(dump, max(args.repeat, 200) * 2, seed=7)
    with Catalog.open(catalog_path) as cat:
        result["catalog"] = {name: latency(op, args.repeat) for name, op in catalog_ops(cat, keys).items()}
    result["raw_parquet"] = {
        name: latency(op, args.baseline_repeat) for name, op in raw_parquet_ops(dump, keys).items()
    }
    if args.sqlite:
        sqlite_path = workdir / f"sqlite-{tracks}.db"
        result["sqlite_build_seconds"] = build_sqlite(dump, sqlite_path)
        result["sqlite_gb"] = folder_size(sqlite_path) / 1e9
        result["sqlite"] = {name: latency(op, args.repeat) for name, op in sqlite_ops(sqlite_path, keys).items()}
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| tracks | build | peak RSS | catalog / dump size | lookup | catalog p50 / p95 | raw parquet p50 | × | SQLite p50 | × |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        build = r.get("build", {})
        first = True
        for name, cat in r["catalog"].items():
            raw = r["raw_parquet"].get(name)
            lite = r.get("sqlite", {}).get(name)
            head = (
                f"| {r['tracks']:,} | {build.get('seconds', float('nan')):.0f} s | {build.get('peak_rss_gb', float('nan')):.1f} GB "
                f"| {r['catalog_gb']:.2f} / {r['dump_gb']:.2f} GB"
                if first
                else "| | | |"
            )
            first = False
            raw_cell = f"{raw['p50']:.0f} ms | {raw['p50'] / cat['p50']:.0f}×" if raw else "– | –"
            lite_cell = f"{lite['p50']:.2f} ms | {lite['p50'] / cat['p50']:.2f}×" if lite else "– | –"
            lines.append(f"{head} | {name} | {cat['p50']:.2f} / {cat['p95']:.2f} ms | {raw_cell} | {lite_cell} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000", help="comma-separated track counts")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/localspotify-bench"))
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per catalog lookup")
    parser.add_argument("--baseline-repeat", type=int, default=5, help="timed calls per raw-parquet lookup")
    parser.add_argument("--no-sqlite", dest="sqlite", action="store_false", help="skip the SQLite baseline")
    parser.add_argument("--rebuild", action="store_true", help="rebuild catalogs that already exist")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"== {size:,} tracks", file=sys.stderr)
        results.append(bench_size(size, args.workdir, args))
        (args.workdir / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nMachine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, DuckDB {duckdb.__version__}")
    print(f"Command: uv run python bench/catalog.py {' '.join(sys.argv[1:])}\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
