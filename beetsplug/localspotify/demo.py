"""``localspotify demo``'s beets part: a real, quiet ``beet import`` against a demo catalog.

Shows the plugin doing its job with nothing downloaded: a catalog built from the real sample
slice when it is present (else a small generated dump), a folder of small audio files whose tags
are as imperfect as real rips, one ``beet import -q`` in a throwaway BEETSDIR, then what beets
wrote.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from catalog import Catalog
from catalog.fixtures import build_sample_catalog, build_synthetic_catalog, sample_dump_dir

from .audiofiles import album_file_specs, noisy_specs, write_album_files

_DEMO_ALBUMS = 3
_SYNTHETIC_TRACKS = 20_000
# From the real slice: a 2-disc album, a various-artists compilation, an album with guests.
_SAMPLE_ALBUMS = ("6iHuSGy6pq4tNGFV3ZVPtl", "4RpgjxgSxcRwGNuWnImneN", "2Js9F9O6V6mDZTal95Iner")


def demo_catalog(workdir: Path) -> Path:
    """A catalog for the demo: the real sample slice if it is there, else a generated one."""
    if sample_dump_dir().is_dir():
        return build_sample_catalog(workdir / "sample.duckdb")
    return build_synthetic_catalog(workdir / "synthetic", _SYNTHETIC_TRACKS)


def write_demo_albums(cat: Catalog, folder: Path, *, count: int = _DEMO_ALBUMS, seed: int = 7) -> list[str]:
    """Write ``count`` albums as files with messy tags: the sample's showcase albums when the
    catalog has them, else popular mid-sized ones. Returns the album ids, in folder order.
    """
    rng = random.Random(seed)
    albums = [a for a in cat.albums(_SAMPLE_ALBUMS) if a is not None]
    if not albums:
        found = cat.search("the", ["album"], limit=50)["albums"]["items"]  # any common word
        wanted = [a["id"] for a in found if 4 <= a["total_tracks"] <= 16][:count]
        albums = [a for a in cat.albums(wanted) if a is not None]
    for number, album in enumerate(albums[:count], 1):
        write_album_files(folder / f"{number:02d}", noisy_specs(album_file_specs(album), rng))
    return [a["id"] for a in albums[:count]]


def run_beets_demo(workdir: Path) -> None:
    """Build a demo catalog, write noisy files, ``beet import -q`` them and print the result.

    Each run starts from an empty library: a library kept from an earlier run would skip the
    albums as already imported and show that run's result instead.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    catalog_path = demo_catalog(workdir)
    incoming, beetsdir = workdir / "incoming", workdir / "beets"
    for folder in (incoming, beetsdir, workdir / "music"):
        shutil.rmtree(folder, ignore_errors=True)
    beetsdir.mkdir()
    with Catalog.open(catalog_path) as cat:
        album_ids = write_demo_albums(cat, incoming)
    print(f"Wrote {len(album_ids)} albums with messy tags to {incoming}")

    config = {
        "directory": str(workdir / "music"),
        "library": str(beetsdir / "library.db"),
        "plugins": ["localspotify"],
        "create_backup_before_migrations": False,
        "import": {"copy": True, "write": True},
        "localspotify": {"catalog": str(catalog_path)},
    }
    (beetsdir / "config.yaml").write_text(yaml.safe_dump(config))
    env = dict(os.environ, BEETSDIR=str(beetsdir))
    beet = [str(Path(sys.executable).with_name("beet"))]
    print(f"$ BEETSDIR={beetsdir} beet import -q {incoming}")
    subprocess.run([*beet, "import", "-q", str(incoming)], env=env, check=True, stdout=subprocess.DEVNULL)
    listing = "$albumartist - $album ($year) [$spotify_album_id] $disctotal disc(s), label $label, UPC $barcode"
    print("\nTagged albums:")
    subprocess.run([*beet, "ls", "-a", "-f", listing], env=env, check=True)
    print("\nTagged tracks (first of each album):")
    track_format = "$track. $artist - $title  ISRC $isrc  bpm $bpm  key $initial_key  [$spotify_track_id]"
    subprocess.run([*beet, "ls", "-f", track_format, "track:1"], env=env, check=True)
