"""How well and how fast the beets plugin matches albums: quality on hundreds, end-to-end on a few.

    uv run --all-extras python bench/beets_match.py --catalog /work/bench-data/catalog-10000000.duckdb

Evaluation set: every album of the real sample slice (from a catalog built from it when
``--catalog`` does not hold them) plus ``--generated`` albums drawn at random from the catalog's
own dump (``meta.dump_path``). Each album is rendered as tags twice, clean and noisy (case,
punctuation, accents, "feat." variants, edition suffixes, missing album artist or track numbers,
lengths ±2 s; see ``beetsplug.localspotify.audiofiles.noisy_specs``), and matched in-process the
way ``beet import`` does: the plugin's ``candidates`` then beets' ``tag_album`` (distance and
recommendation). "applied" means beets would apply it under ``-q`` (a strong recommendation).
Then ``--imports`` albums go through a real ``beet import -q`` on generated MP3 files with clean
tags (timing: process start, plugin load, matching, copying and writing tags).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
from beets.autotag import Recommendation
from beets.autotag.match import tag_album
from beets.autotag.source import Source
from beets.library import Item

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beetsplug.localspotify.audiofiles import FileSpec, album_file_specs, noisy_specs, write_album_files  # noqa: E402
from catalog import Catalog  # noqa: E402
from catalog.fixtures import build_sample_catalog, sample_dump_dir  # noqa: E402
from tests.beets_helpers import BeetsEnv, plugin_session  # noqa: E402


@dataclass
class Tally:
    albums: int = 0
    right_first: int = 0
    tracks_right: int = 0
    applied: int = 0
    wrong_applied: int = 0
    candidate_ms: list[float] = field(default_factory=list)
    beets_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def _items(specs: list[FileSpec]) -> list[Item]:
    return [Item(length=s.seconds, **{k: v for k, v in s.tags.items() if v is not None}) for s in specs]


def evaluate(plugin, album: dict, specs: list[FileSpec], tally: Tally) -> None:
    items = _items(specs)
    source = Source.from_items(items)
    started = time.perf_counter()
    plugin.candidates(items, source.artist, source.name, source.va_likely)
    tally.candidate_ms.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    proposal = tag_album(source)  # runs the candidate search again, as beets does, then scores
    tally.beets_ms.append((time.perf_counter() - started) * 1000)

    tally.albums += 1
    best = proposal.candidates[0] if proposal.candidates else None
    right = best is not None and best.info.album_id == album["id"]
    expected = {id(item): t["id"] for item, t in zip(items, album["tracks"]["items"])}
    tracks_right = right and all(expected[id(i)] == info.track_id for i, info in best.mapping.items())
    applied = proposal.recommendation == Recommendation.strong
    tally.right_first += right
    tally.tracks_right += tracks_right
    tally.applied += applied
    tally.wrong_applied += applied and not right
    if not tracks_right or not applied:
        found = f"{best.info.album} ({best.info.album_id}, {best.distance.distance:.3f})" if best else "nothing"
        tally.misses.append(f"{album['name']!r} ({album['id']}) as {specs[0].tags['album']!r}: {found} {proposal.recommendation.name}")


def generated_album_ids(cat: Catalog, count: int, rng: random.Random) -> list[str]:
    dump = Path(cat.meta.get("dump_path", ""))
    if count <= 0 or not (dump / "albums.parquet").is_file():
        return []
    ids = pq.read_table(dump / "albums.parquet", columns=["id"]).column("id").to_pylist()
    return rng.sample(ids, min(count, len(ids)))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else 0.0)


def report(name: str, tally: Tally) -> None:
    n = max(tally.albums, 1)
    print(
        f"{name:<16} {tally.albums:>5} albums  right album first {tally.right_first / n:6.1%}  "
        f"right album+tracks {tally.tracks_right / n:6.1%}  applied (-q) {tally.applied / n:6.1%}  "
        f"wrong applied {tally.wrong_applied}  candidates p50/p95 {percentile(tally.candidate_ms, 50):.0f}/"
        f"{percentile(tally.candidate_ms, 95):.0f} ms  beets tag_album p50/p95 {percentile(tally.beets_ms, 50):.0f}/"
        f"{percentile(tally.beets_ms, 95):.0f} ms"
    )


def quality(catalog_path: Path, album_ids_by_set: dict[str, list[str]], seed: int, workdir: Path) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    rng = random.Random(seed)
    with Catalog.open(catalog_path) as cat, plugin_session(catalog_path, workdir) as plugin:
        for set_name, ids in album_ids_by_set.items():
            for album in cat.albums(ids):
                if album is None or not album["name"] or not album["tracks"]["items"]:
                    continue
                clean = album_file_specs(album)
                evaluate(plugin, album, clean, tallies.setdefault(f"{set_name} clean", Tally()))
                evaluate(plugin, album, noisy_specs(clean, rng), tallies.setdefault(f"{set_name} noisy", Tally()))
    return tallies


def end_to_end(catalog_path: Path, album_ids: list[str], workdir: Path) -> None:
    """Real ``beet import -q`` of clean-tagged MP3 files, one album per run; prints seconds per album."""
    with Catalog.open(catalog_path) as cat:
        albums = [a for a in cat.albums(album_ids) if a]
    for number, album in enumerate(albums):
        env = BeetsEnv(workdir / f"beets-{number}")
        env.root.mkdir(parents=True)
        env.configure(plugins=["localspotify"], localspotify={"catalog": str(catalog_path)})
        folder = workdir / f"in-{number}" / "album"
        write_album_files(folder, album_file_specs(album))
        started = time.perf_counter()
        env.beet("import", "-q", str(folder.parent))
        seconds = time.perf_counter() - started
        tagged = {a["mb_albumid"] for a in env.albums()}
        print(f"  beet import -q: {album['name'][:50]!r} ({len(album['tracks']['items'])} tracks) "
              f"{seconds:.1f} s, {'applied' if tagged == {album['id']} else 'NOT applied: ' + str(tagged)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, help="catalog with generated albums (default: sample only)")
    parser.add_argument("--generated", type=int, default=200, help="generated albums to evaluate (default 200)")
    parser.add_argument("--imports", type=int, default=3, help="real beet import runs (default 3)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="beets-match-") as tmp:
        workdir = Path(tmp)
        sample_ids = pq.read_table(sample_dump_dir() / "albums.parquet", columns=["id"]).column("id").to_pylist()
        sets: list[tuple[Path, dict[str, list[str]]]] = []
        generated: list[str] = []
        if args.catalog:
            with Catalog.open(args.catalog) as cat:
                generated = generated_album_ids(cat, args.generated, random.Random(args.seed))
                has_sample = any(cat.albums(sample_ids))
            sets.append((args.catalog, {"generated": generated, **({"real slice": sample_ids} if has_sample else {})}))
        if not sets or "real slice" not in sets[0][1]:
            sets.append((build_sample_catalog(workdir / "sample.duckdb"), {"real slice": sample_ids}))

        for catalog_path, ids in sets:
            print(f"catalog {catalog_path}")
            started = time.perf_counter()
            for name, tally in quality(catalog_path, ids, args.seed, workdir).items():
                report(name, tally)
                for miss in tally.misses[:10]:
                    print(f"    {miss}")
            print(f"  ({time.perf_counter() - started:.0f} s)")
        target = (args.catalog, generated) if generated else (sets[-1][0], sample_ids)
        print(f"end to end on {target[0]}:")
        end_to_end(target[0], target[1][: args.imports], workdir)


if __name__ == "__main__":
    main()
