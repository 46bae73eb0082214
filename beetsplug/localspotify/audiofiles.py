"""Files that look like a user's rip of a catalog album: tiny valid audio, tagged with mediafile.

beets only imports files that mutagen can parse, and matches on their length, so tests, the demo
and the benchmark need real audio of a chosen duration without shipping any, with tags as clean
or as messy as real libraries have. Both formats here are silence at the lowest rates their
specs allow, so a 5-minute track costs ~300 KB as MP3 and ~6 KB as FLAC, and the length mutagen
reports is exact:

- MP3: MPEG-2.5 Layer III, 8 kHz, 8 kbit/s, mono frames of 72 bytes whose side information is
  all zeros (no main data: decoders output silence).
- FLAC: 8 kHz, 8-bit mono, one CONSTANT subframe per 4096-sample block, with real CRCs.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import mediafile
from mediafile import MediaFile

from catalog.types import Album

# -- MP3 ---------------------------------------------------------------------------------

# Sync, MPEG-2.5, Layer III, no CRC | 8 kbit/s, 8 kHz, no padding | mono.
_MP3_HEADER = bytes([0xFF, 0xE3, 0x18, 0xC4])
_MP3_FRAME_BYTES = 72  # 72 * bitrate / sample rate for MPEG-2/2.5 Layer III
_MP3_FRAME_SAMPLES = 576
_MP3_RATE = 8000
_MP3_FRAME = _MP3_HEADER + bytes(_MP3_FRAME_BYTES - len(_MP3_HEADER))


def mp3_bytes(seconds: float) -> bytes:
    """Silent MP3 audio lasting ``seconds`` (rounded to whole 72 ms frames, at least 2 frames)."""
    frames = max(2, round(seconds * _MP3_RATE / _MP3_FRAME_SAMPLES))
    return _MP3_FRAME * frames


# -- FLAC --------------------------------------------------------------------------------

_FLAC_RATE = 8000
_FLAC_BLOCK = 4096


def _crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def _utf8_number(n: int) -> bytes:
    """FLAC's "UTF-8" coding of frame numbers (defined for any 31-bit value, unlike str.encode)."""
    if n < 0x80:
        return bytes([n])
    payload = []
    while True:
        payload.insert(0, 0x80 | (n & 0x3F))
        n >>= 6
        lead_bits = 6 - len(payload)  # room left in the leading byte
        if n < (1 << lead_bits):
            marker = (0xFF << (lead_bits + 1)) & 0xFF
            return bytes([marker | n, *payload])


def _flac_frame(number: int, samples: int) -> bytes:
    header = bytes([0xFF, 0xF8, 0x74, 0x02]) + _utf8_number(number) + (samples - 1).to_bytes(2, "big")
    header += bytes([_crc8(header)])
    frame = header + b"\x00\x00"  # CONSTANT subframe, no wasted bits; the 8-bit sample value 0
    return frame + _crc16(frame).to_bytes(2, "big")


def flac_bytes(seconds: float) -> bytes:
    """A silent FLAC stream lasting ``seconds`` (at least one sample)."""
    total = max(1, round(seconds * _FLAC_RATE))
    streaminfo = (
        _FLAC_BLOCK.to_bytes(2, "big") * 2
        + bytes(6)  # min/max frame size unknown
        + ((_FLAC_RATE << 44) | (0 << 41) | (7 << 36) | total).to_bytes(8, "big")  # rate, mono, 8 bit
        + bytes(16)  # MD5 unknown
    )
    out = bytearray(b"fLaC" + bytes([0x80]) + len(streaminfo).to_bytes(3, "big") + streaminfo)
    for number, start in enumerate(range(0, total, _FLAC_BLOCK)):
        out += _flac_frame(number, min(_FLAC_BLOCK, total - start))
    return bytes(out)


# -- Spotify id tags ---------------------------------------------------------------------

SPOTIFY_ID_TAGS = {
    "spotify_track_id": "SPOTIFY_TRACK_ID",
    "spotify_album_id": "SPOTIFY_ALBUM_ID",
    "spotify_artist_id": "SPOTIFY_ARTIST_ID",
}
"""MediaFile field → the tag holding it in files (TXXX frame, Vorbis comment, MP4 freeform, ASF)."""


def spotify_id_media_fields() -> dict[str, mediafile.MediaField]:
    """The MediaFile fields for the Spotify ids that MediaFile does not know yet."""
    known = set(MediaFile.fields())
    return {
        field: mediafile.MediaField(
            mediafile.MP3DescStorageStyle(tag),
            mediafile.MP4StorageStyle(f"----:com.apple.iTunes:{tag}"),
            mediafile.StorageStyle(tag),
            mediafile.ASFStorageStyle(tag),
        )
        for field, tag in SPOTIFY_ID_TAGS.items()
        if field not in known
    }


# -- writing and tagging -----------------------------------------------------------------

_WRITERS = {"mp3": mp3_bytes, "flac": flac_bytes}


def write_audio_file(path: Path, seconds: float, tags: Mapping[str, Any] | None = None) -> Path:
    """Write a silent file of ``seconds`` at ``path`` (format from the suffix) and tag it.

    ``tags`` are mediafile field names (``title``, ``artist``, ``track``, ``isrc``, …, and the
    plugin's ``spotify_*_id``); None values are skipped, so callers can pass a partial tag set.

    :raises ValueError: for a suffix other than ``.mp3`` or ``.flac``.
    """
    writer = _WRITERS.get(path.suffix.lower().lstrip("."))
    if writer is None:
        raise ValueError(f"cannot write {path.name}: use a .mp3 or .flac name")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(writer(seconds))
    if tags:
        # MediaFile silently drops fields it does not know: teach it the Spotify id tags first.
        for field, descriptor in spotify_id_media_fields().items():
            MediaFile.add_field(field, descriptor)
        media = MediaFile(str(path))
        media.update({k: v for k, v in tags.items() if v is not None})
        media.save()
    return path


# -- tags as a ripper would have written them ------------------------------------------------


@dataclass(frozen=True)
class FileSpec:
    """One file to write: its name in the album folder, its length and its tags."""

    name: str
    seconds: float
    tags: dict[str, Any]


def album_file_specs(album: Album, *, suffix: str = ".mp3") -> list[FileSpec]:
    """Clean tags for every track of ``album``: names, numbers and year, no identifiers."""
    artists = ", ".join(a["name"] for a in album["artists"])
    items = album["tracks"]["items"]
    discs = max((t["disc_number"] for t in items), default=1)
    return [
        FileSpec(
            name=f"{t['disc_number']}-{t['track_number']:02d}{suffix}",
            seconds=t["duration_ms"] / 1000,
            tags={
                "title": t["name"],
                "artist": ", ".join(a["name"] for a in t["artists"]),
                "albumartist": artists,
                "album": album["name"],
                "track": t["track_number"],
                "tracktotal": sum(1 for x in items if x["disc_number"] == t["disc_number"]),
                "disc": t["disc_number"],
                "disctotal": discs,
                "year": int(album["release_date"][:4]) or None,
            },
        )
        for t in items
    ]


_EDITIONS = (" (Deluxe Edition)", " - Remastered 2015", " [Expanded Edition]", " (Special Edition)")


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _messy_name(text: str, rng: random.Random) -> str:
    """The same name as a careless tagger types it: case, punctuation and accents vary."""
    text = rng.choice([str.lower, str.upper, str.title, str])(text)
    if rng.random() < 0.5:
        text = re.sub(r"[.,!?'’]", "", text)
    if rng.random() < 0.5:
        text = text.replace("&", "and") if "&" in text else text.replace(" and ", " & ")
    return _strip_accents(text) if rng.random() < 0.5 else text


def _messy_credit(artist: str, rng: random.Random) -> str:
    """``"A, B"`` → ``"A feat. B"``, ``"A ft. B"`` or ``"A & B"``."""
    if ", " not in artist:
        return _messy_name(artist, rng)
    first, rest = artist.split(", ", 1)
    return _messy_name(f"{first}{rng.choice([' feat. ', ' ft. ', ' & ', ' featuring '])}{rest}", rng)


def noisy_specs(specs: Sequence[FileSpec], rng: random.Random) -> list[FileSpec]:
    """The same files with the imperfect tags real libraries have.

    Names lose case, punctuation and accents; featured artists are written "feat."/"ft."/"&";
    the album may gain an edition suffix; the album artist or the track numbers may be missing;
    lengths are off by up to 2 seconds.
    """
    if not specs:
        return []
    album = _messy_name(specs[0].tags["album"], rng) + (rng.choice(_EDITIONS) if rng.random() < 0.3 else "")
    albumartist = None if rng.random() < 0.3 else _messy_name(specs[0].tags["albumartist"], rng)
    drop_numbers = rng.random() < 0.2
    noisy = []
    for spec in specs:
        tags = dict(spec.tags, album=album, title=_messy_name(spec.tags["title"], rng))
        tags["artist"] = _messy_credit(spec.tags["artist"], rng)
        tags["albumartist"] = albumartist
        if drop_numbers:
            tags.update(track=None, tracktotal=None, disc=None, disctotal=None)
        noisy.append(replace(spec, seconds=max(1.0, spec.seconds + rng.uniform(-2, 2)), tags=tags))
    return noisy


def write_album_files(folder: Path, specs: Sequence[FileSpec]) -> list[Path]:
    """Write every spec as a silent tagged file in ``folder``; returns the paths in order."""
    return [write_audio_file(folder / spec.name, spec.seconds, spec.tags) for spec in specs]
