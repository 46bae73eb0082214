"""Benchmark of ``localspotify history``: a generated extended history against a real catalog.

Writes PLAYS plays as extended-history files of 15,000 records (Spotify's own file size), drawn
from tracks found in the catalog by search (plus 2% ids the catalog lacks and 3% podcast plays),
then measures, in one process:

    parse       export files → plays
    enrich      catalog enrichment: one batched lookup per file of the tracks not seen before
                (cached across files, facts serialized once per track), then each play's facts
    documents   ids, duplicates, time fields, the play's own fields, JSON with the facts spliced in
    import      the whole run into a search engine (all of the above again, from a cold cache,
                overlapped with indexing), files moved to processed/ at the end
    peak RSS    of this process (the engine runs apart)

    uv run --all-extras python bench/history.py --catalog /work/bench-data/catalog-1000000.duckdb

Each step shows its wall time and the CPU seconds this process spent in it, the import also the
engine's CPU seconds: on a machine others are using, the CPU figures say what the work costs and
the wall time what the machine could give it. The steps are timed without the profiler;
``--profile FILE`` profiles a second pass over them. Without ``--es-url`` it starts
../shared/search-engine/start-os.sh on a free port in a temporary folder and stops it afterwards
(its CPU time is read from /proc); ``--no-import`` stops after the steps.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalog import Catalog  # noqa: E402
from history.elastic import ALIAS, Connection  # noqa: E402
from history.exports import Play, read_export  # noqa: E402
from history.importer import (  # noqa: E402
    FileReport,
    Importer,
    ImportOptions,
    collector_paused,
    export_files,
    import_folder,
    zone_named,
)
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


class Clock:
    """Wall and CPU seconds (this process, all threads) since the last :meth:`lap`."""

    def __init__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = (wall - self._wall, cpu - self._cpu)
        self._wall, self._cpu = wall, cpu
        return lap


@dataclass
class Steps:
    """``[wall, cpu]`` seconds of each step over all files, and what they worked on."""

    seconds: dict[str, list[float]]
    plays: int
    distinct_ids: int


def measure_steps(cat: Catalog, folder: Path) -> Steps:
    """Time each step over all files, with a fresh importer (cold caches)."""
    importer = Importer(cat, ImportOptions(user="bench", zone=zone_named("Europe/Berlin")), echo=lambda _: None)
    steps = ("parse", "lookups", "facts", "documents")
    timing = {step: [0.0, 0.0] for step in steps}
    plays_read = 0
    clock = Clock()
    for path, fmt in export_files(folder)[0]:
        with collector_paused():  # as Importer.prepare does
            clock.lap()
            plays = [p for p in read_export(path, fmt) if isinstance(p, Play)]
            laps = [clock.lap()]
            importer.enricher.prepare(plays)
            laps.append(clock.lap())
            for play in plays:
                importer.enricher.facts(play)
            laps.append(clock.lap())
            importer.documents(plays, FileReport(path))
            laps.append(clock.lap())
        for step, (wall, cpu) in zip(steps, laps):
            timing[step][0] += wall
            timing[step][1] += cpu
        plays_read += len(plays)
    timing["enrich"] = [a + b for a, b in zip(timing["lookups"], timing["facts"])]
    return Steps(timing, plays_read, importer.enricher.tracks_looked_up)


def engine_cpu_seconds(engine: SearchEngine | None) -> float | None:
    """CPU seconds the engine process has used so far (Linux), None when it is not ours to read."""
    if engine is None or engine.process is None:
        return None
    try:
        fields = Path(f"/proc/{engine.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", required=True, type=Path)
    parser.add_argument("--plays", type=int, default=250_000)
    parser.add_argument("--tracks", type=int, default=20_000, help="distinct catalog tracks in the history")
    parser.add_argument("--es-url", help="an existing cluster (default: start the shared search engine)")
    parser.add_argument("--profile", type=Path, help="also write a cProfile of the steps here")
    parser.add_argument("--no-import", action="store_true", help="time the steps only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, Catalog.open(args.catalog) as cat:
        work = Path(tmp)
        tracks = catalog_tracks(cat, args.tracks)
        write_history(work / "to_read", tracks, args.plays)
        print(f"{args.plays:,} plays of {len(tracks):,} catalog tracks in {len(list((work / 'to_read').iterdir()))} files")

        steps = measure_steps(cat, work / "to_read")
        timing, plays = steps.seconds, steps.plays
        print(f"{'step':<10} {'wall s':>7}  {'plays/s':>12}  {'cpu s':>7}")
        for step in ("parse", "enrich", "documents"):
            wall, cpu = timing[step]
            print(f"{step:<10} {wall:7.2f}  {plays / wall:>12,.0f}  {cpu:7.2f}")
        lookups = timing["lookups"]
        print(
            f"{'':<10} (enrich: lookups {lookups[0]:.2f} s for {steps.distinct_ids:,} distinct ids, "
            f"{lookups[1] / steps.distinct_ids * 1e6:,.0f} us of CPU each; each play's facts {timing['facts'][0]:.2f} s)"
        )
        total = [sum(timing[step][i] for step in ("parse", "enrich", "documents")) for i in (0, 1)]
        print(f"{'all three':<10} {total[0]:7.2f}  {plays / total[0]:>12,.0f}  {total[1]:7.2f}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(measure_steps, cat, work / "to_read")
            profiler.dump_stats(args.profile)
        if args.no_import:
            return

        engine = None
        url = args.es_url
        if url is None:
            (work / "engine").mkdir()
            engine = SearchEngine(work / "engine")
            engine.start()
            url = engine.url
        try:
            engine_before = engine_cpu_seconds(engine)
            clock = Clock()
            summary = import_folder(
                work / "to_read",
                cat,
                ImportOptions(user="bench", zone=zone_named("Europe/Berlin")),
                connection=Connection(url=url),
                echo=lambda _: None,
            )
            wall, cpu = clock.lap()
            engine_after = engine_cpu_seconds(engine)
        finally:
            if engine:
                engine.stop()
        moved = len(list((work / "to_read" / "processed").iterdir()))
        engine_cpu = f", engine {engine_after - engine_before:.2f}" if engine_before is not None and engine_after else ""
        print(f"import     {wall:7.2f}  {plays / wall:>12,.0f}  {cpu:7.2f}{engine_cpu}  "
              f"({summary.indexed:,} documents into {ALIAS}, {moved} files moved)")
        print(f"peak RSS   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MB")


if __name__ == "__main__":
    main()
