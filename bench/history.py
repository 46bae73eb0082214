"""Benchmark of ``localspotify history``: a generated extended history against a real catalog.

Writes PLAYS plays as extended-history files of 15,000 records (Spotify's own file size), drawn
from tracks found in the catalog by search (plus 2% ids the catalog lacks and 3% podcast plays),
then measures, in one process:

    parse      export files → plays (ijson)
    enrich     one batched catalog lookup per file, cached across files
    documents  plays + facts → documents
    import     the whole run into a search engine, files moved to processed/ at the end
    peak RSS   of this process (the engine runs apart)

    uv run --all-extras python bench/history.py --catalog /work/bench-data/catalog-1000000.duckdb

Without ``--es-url`` it starts ../shared/search-engine/start-os.sh on a free port in a temporary
folder and stops it afterwards.
"""

from __future__ import annotations

import argparse
import cProfile
import random
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalog import Catalog  # noqa: E402
from history.elastic import ALIAS, Connection  # noqa: E402
from history.exports import Play, read_export  # noqa: E402
from history.importer import FileReport, Importer, ImportOptions, export_files, import_folder, zone_named  # noqa: E402
from tests.history_helpers import START, SearchEngine, extended_record, track_record, write_json  # noqa: E402

WORDS = "Love Night Heart Time Life Baby Girl World Home Dream Light Day Fire Way Man Soul Eyes Sun".split()
FILE_SIZE = 15_000


def catalog_tracks(cat: Catalog, wanted: int) -> list[dict]:
    """Up to ``wanted`` distinct tracks (id, names, duration), found through album search."""
    found: dict[str, dict] = {}
    for word in WORDS:
        for offset in range(0, 1001, 50):
            album_ids = [a["id"] for a in cat.search(word, ["album"], limit=50, offset=offset)["albums"]["items"]]
            for album in cat.albums(album_ids, track_limit=50):
                for track in album["tracks"]["items"] if album else []:
                    found[track["id"]] = {
                        "name": track["name"], "uri": track["uri"], "duration_ms": track["duration_ms"],
                        "artists": track["artists"][:1], "album": {"name": album["name"]},
                    }  # fmt: skip
            if len(found) >= wanted:
                return list(found.values())
    return list(found.values())


def write_history(folder: Path, tracks: list[dict], plays: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    ts = START
    records = []
    for n in range(plays):
        ts += timedelta(seconds=rng.randint(20, 400))
        roll = rng.random()
        if roll < 0.03:
            record = extended_record(
                ts, rng.randint(0, 3_600_000), spotify_episode_uri=f"spotify:episode:{n:022d}",
                episode_name=f"Episode {n % 300}", episode_show_name=f"Show {n % 12}",
            )
        elif roll < 0.05:
            record = extended_record(
                ts, rng.randint(0, 300_000), spotify_track_uri=f"spotify:track:{n:022d}",
                master_metadata_track_name="Gone", master_metadata_album_artist_name="Nobody",
            )
        else:
            # Zipf-like: a few tracks are played very often, as in a real history.
            track = tracks[min(int(rng.paretovariate(1.1)) - 1, len(tracks) - 1) if rng.random() < 0.5 else rng.randrange(len(tracks))]
            record = track_record(
                ts, rng.randint(0, track["duration_ms"]), track,
                reason_end=rng.choice(["trackdone", "fwdbtn", "endplay"]), shuffle=rng.random() < 0.4,
            )
        records.append(record)
        if len(records) == FILE_SIZE:
            write_json(folder / f"Streaming_History_Audio_{ts.year}_{n // FILE_SIZE}.json", records)
            records = []
    if records:
        write_json(folder / f"Streaming_History_Audio_{ts.year}_{plays // FILE_SIZE}.json", records)


def measure_enrichment(cat: Catalog, folder: Path) -> dict[str, float]:
    importer = Importer(cat, ImportOptions(user="bench", zone=zone_named("Europe/Berlin")), echo=lambda _: None)
    parse = enrich = build = 0.0
    plays_total = 0
    for path, fmt in export_files(folder)[0]:
        started = time.perf_counter()
        plays = [p for p in read_export(path, fmt) if isinstance(p, Play)]
        parsed = time.perf_counter()
        importer.enricher.prepare(plays)
        enriched = time.perf_counter()
        importer.documents(plays, FileReport(path))
        built = time.perf_counter()
        parse += parsed - started
        enrich += enriched - parsed
        build += built - enriched
        plays_total += len(plays)
    return {"plays": plays_total, "parse": parse, "enrich": enrich, "documents": build}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", required=True, type=Path)
    parser.add_argument("--plays", type=int, default=250_000)
    parser.add_argument("--tracks", type=int, default=20_000, help="distinct catalog tracks in the history")
    parser.add_argument("--es-url", help="an existing cluster (default: start the shared search engine)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the enrichment pass here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, Catalog.open(args.catalog) as cat:
        work = Path(tmp)
        tracks = catalog_tracks(cat, args.tracks)
        write_history(work / "to_read", tracks, args.plays)
        print(f"{args.plays:,} plays of {len(tracks):,} catalog tracks in {len(list((work / 'to_read').iterdir()))} files")

        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        timing = measure_enrichment(cat, work / "to_read")
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        plays = timing["plays"]
        for step in ("parse", "enrich", "documents"):
            print(f"{step:<10} {timing[step]:7.2f} s  {plays / timing[step]:>12,.0f} plays/s")
        enrichment = timing["enrich"] + timing["documents"]
        print(f"{'enrichment':<10} {enrichment:7.2f} s  {plays / enrichment:>12,.0f} plays/s (lookups + documents)")

        engine = None
        url = args.es_url
        if url is None:
            (work / "engine").mkdir()
            engine = SearchEngine(work / "engine")
            engine.start()
            url = engine.url
        try:
            started = time.perf_counter()
            summary = import_folder(
                work / "to_read",
                cat,
                ImportOptions(user="bench", zone=zone_named("Europe/Berlin")),
                connection=Connection(url=url),
                echo=lambda _: None,
            )
            elapsed = time.perf_counter() - started
        finally:
            if engine:
                engine.stop()
        moved = len(list((work / "to_read" / "processed").iterdir()))
        print(f"import     {elapsed:7.2f} s  {plays / elapsed:>12,.0f} plays/s  ({summary.indexed:,} documents into {ALIAS}, {moved} files moved)")
        print(f"peak RSS   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MB")


if __name__ == "__main__":
    main()
