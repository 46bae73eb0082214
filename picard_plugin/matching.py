"""Which Spotify album and tracks fit what Picard knows. Pure functions: no Qt, no Picard, no I/O.

Two callers, one vocabulary. A MusicBrainz release being loaded and a cluster of files are both
an :class:`AlbumClue` (names, barcodes, Spotify ids) holding :class:`TrackClue` s (title, length,
ISRCs, disc and track number). :func:`fit_album` pairs the clue's tracks with one Spotify album's
tracks and scores the pairing; the callers rank the fits:

- the track processor (:func:`best_edition`, :func:`pick_track`) prefers the album whose UPC is
  the release barcode and, among editions sharing it, the one carrying most of the release's
  ISRCs; it never asks the user;
- the cluster action (:func:`rank_candidates`, :func:`decide`) applies a clear winner and shows
  close calls to the user.

Spotify objects are the plain dicts the Web API (and the catalog) return.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

SpotifyObject = Mapping[str, Any]

# -- text --------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-_/.,:;!?'’\"“”()\[\]{}*+~#|\\]+")
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_DASH_SUFFIX = re.compile(r"\s+[-–—]\s+.*$")
_CREDIT = re.compile(r"\s+(?:feat\.?|featuring|ft\.?|with)\s+.*$", re.IGNORECASE)
_ARTIST_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bx\b|\bvs\.?|;|/)\s*", re.IGNORECASE)


def normalize(text: str) -> str:
    """Case, accents, punctuation and ``&``/``and`` folded away: ``"Power, Corruption & Lies"``
    → ``"power corruption and lies"``."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    return " ".join(_SEPARATORS.sub(" ", text).split())


def core_title(text: str) -> str:
    """The title without what editions add: ``"Thieves like Us - 12\\" Extended"`` and
    ``"Thieves Like Us (Remastered)"`` both → ``"thieves like us"``."""
    text = _DASH_SUFFIX.sub("", _BRACKETS.sub("", text or ""))
    return normalize(text)


def title_similarity(a: str, b: str) -> float:
    """0..1: 1 for the same title up to case and punctuation, 0.9 for the same core title."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ca, cb = core_title(a), core_title(b)
    if ca and ca == cb:
        return 0.9
    ratio = SequenceMatcher(None, na, nb, autojunk=False).ratio()
    core_ratio = SequenceMatcher(None, ca, cb, autojunk=False).ratio() if ca and cb else 0.0
    return max(ratio, 0.9 * core_ratio)


def artist_names(text: str) -> list[str]:
    """``"Kavinsky feat. Lovefoxxx"``, ``"A & B"``, ``"A, B"`` → normalized single names."""
    text = _CREDIT.sub("", text or "")
    return [n for n in (normalize(part) for part in _ARTIST_SPLIT.split(text)) if n]


def artist_similarity(a: str, b: str) -> float:
    """0..1: 1 when the first credited artists agree, else how alike the full credits read."""
    names_a, names_b = artist_names(a), artist_names(b)
    if not names_a or not names_b:
        return 0.0
    if names_a[0] == names_b[0] or set(names_a) & set(names_b):
        return 1.0
    return SequenceMatcher(None, " ".join(names_a), " ".join(names_b), autojunk=False).ratio()


def duration_similarity(a_ms: int | None, b_ms: int | None) -> float | None:
    """1 within 2 s, falling linearly to 0 at 20 s; None when either length is unknown."""
    if not a_ms or not b_ms:
        return None
    diff = abs(a_ms - b_ms) / 1000
    if diff <= 2:
        return 1.0
    return max(0.0, 1 - (diff - 2) / 18)


def first_int(text: Any) -> int | None:
    """``"3"``, ``"3/12"``, ``3`` → 3; anything else (``""``, ``"A1"``) → None."""
    match = re.match(r"\s*(\d+)", str(text or ""))
    return int(match.group(1)) if match else None


# -- what Picard knows -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrackClue:
    """One MusicBrainz track or one file: what is known about it, all optional."""

    key: int
    """The caller's index for this track (its position in the album clue)."""
    title: str = ""
    artist: str = ""
    length_ms: int | None = None
    isrcs: tuple[str, ...] = ()
    disc: int | None = None
    number: int | None = None
    spotify_track_id: str = ""


@dataclass(frozen=True)
class AlbumClue:
    """A MusicBrainz release or a cluster of files."""

    title: str = ""
    artist: str = ""
    barcodes: tuple[str, ...] = ()
    spotify_album_ids: tuple[str, ...] = ()
    tracks: tuple[TrackClue, ...] = ()

    @property
    def isrcs(self) -> list[str]:
        """Every distinct ISRC of the tracks, in track order."""
        return list(dict.fromkeys(i for t in self.tracks for i in t.isrcs))


def normalize_isrc(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


def normalize_barcode(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def barcodes_equal(a: str, b: str) -> bool:
    """UPC-A and EAN-13 spell the same code with and without a leading 0."""
    a, b = normalize_barcode(a).lstrip("0"), normalize_barcode(b).lstrip("0")
    return bool(a) and a == b


# -- pairing a clue with one album -----------------------------------------------------------

PAIR_BY_ID = "id"
PAIR_BY_POSITION = "position"
PAIR_BY_NAME = "name"


@dataclass
class Pair:
    """A clue track paired with one of the album's tracks (a simplified track object)."""

    track: SpotifyObject
    how: str
    quality: float


@dataclass
class Fit:
    """How well one Spotify album fits an album clue."""

    album: SpotifyObject
    pairs: dict[int, Pair] = field(default_factory=dict)
    score: float = 0.0
    name_similarity: float | None = None
    artist_similarity: float | None = None
    barcode_match: bool = False

    @property
    def by_id(self) -> int:
        """How many clue tracks were paired by a Spotify track id or an ISRC."""
        return sum(1 for p in self.pairs.values() if p.how == PAIR_BY_ID)

    @property
    def quality(self) -> float:
        return sum(p.quality for p in self.pairs.values())

    @property
    def track_count(self) -> int:
        return len(album_tracks(self.album))


def album_tracks(album: SpotifyObject) -> list[SpotifyObject]:
    """The simplified track objects of a full album, in disc and track order."""
    return list((album.get("tracks") or {}).get("items") or [])


def album_artist_credit(album: SpotifyObject) -> str:
    return ", ".join(a["name"] for a in album.get("artists") or [])


def pair_similarity(clue: TrackClue, track: SpotifyObject) -> float:
    """0..1 from the title and the length, whichever the clue has."""
    parts = []
    if clue.title:
        parts.append(title_similarity(clue.title, track.get("name") or ""))
    duration = duration_similarity(clue.length_ms, track.get("duration_ms"))
    if duration is not None:
        parts.append(duration)
    return sum(parts) / len(parts) if parts else 0.0


def _position_matches(clue: TrackClue, track: SpotifyObject) -> bool:
    return clue.number == track.get("track_number") and (clue.disc or 1) == track.get("disc_number")


def pair_tracks(
    clues: Sequence[TrackClue], tracks: Sequence[SpotifyObject], isrc_by_track_id: Mapping[str, str]
) -> dict[int, Pair]:
    """Pair clue tracks with album tracks, each at most once, by the strongest evidence first:

    1. the Spotify track id the clue already carries, or one of its ISRCs;
    2. the same disc and track number, when the title or the length agrees too;
    3. a similar title and length (similarity at least 0.75), best pairs first.

    :param isrc_by_track_id: the ISRC of each Spotify track id known so far (simplified album
        tracks carry none).
    """
    pairs: dict[int, Pair] = {}
    free = dict(enumerate(tracks))

    def take(clue: TrackClue, index: int, how: str, quality: float) -> None:
        pairs[clue.key] = Pair(free.pop(index), how, quality)

    for clue in clues:
        if clue.spotify_track_id:
            hit = next((i for i, t in free.items() if t.get("id") == clue.spotify_track_id), None)
            if hit is not None:
                take(clue, hit, PAIR_BY_ID, 1.0)
    for clue in clues:
        if clue.key in pairs or not clue.isrcs:
            continue
        wanted = {normalize_isrc(i) for i in clue.isrcs}
        hits = [i for i, t in free.items() if isrc_by_track_id.get(t.get("id", "")) in wanted]
        if hits:
            hit = max(hits, key=lambda i: (_position_matches(clue, free[i]), pair_similarity(clue, free[i])))
            take(clue, hit, PAIR_BY_ID, 1.0)
    for clue in clues:
        if clue.key in pairs or clue.number is None:
            continue
        hit = next((i for i, t in free.items() if _position_matches(clue, t)), None)
        if hit is None:
            continue
        title = title_similarity(clue.title, free[hit].get("name") or "") if clue.title else None
        duration = duration_similarity(clue.length_ms, free[hit].get("duration_ms"))
        if (title is not None and title >= 0.5) or (duration is not None and duration >= 0.8):
            take(clue, hit, PAIR_BY_POSITION, pair_similarity(clue, free[hit]))
    scored = sorted(
        (
            (pair_similarity(clue, track), clue.key, index, clue)
            for clue in clues
            if clue.key not in pairs
            for index, track in free.items()
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    for similarity, key, index, clue in scored:
        if similarity < 0.75:
            break
        if key not in pairs and index in free:
            take(clue, index, PAIR_BY_NAME, similarity)
    return pairs


def fit_album(clue: AlbumClue, album: SpotifyObject, isrc_by_track_id: Mapping[str, str]) -> Fit:
    """Pair ``clue`` with ``album`` and score the pairing from 0 to 1.

    The score weighs how well the clue's tracks are matched (half), the album name (0.2), the
    album artist (0.15) and the track count (0.15). A name the clue lacks counts as well as its
    tracks matched, so files carrying only ISRCs can still find their album; a barcode equal to the
    album's UPC adds 0.05.
    """
    tracks = album_tracks(album)
    fit = Fit(album=album, pairs=pair_tracks(clue.tracks, tracks, isrc_by_track_id))
    if not clue.tracks:
        return fit
    coverage = fit.quality / len(clue.tracks)
    count = min(len(clue.tracks), len(tracks)) / max(len(clue.tracks), len(tracks), 1)
    if clue.title:
        fit.name_similarity = max(
            title_similarity(clue.title, album.get("name") or ""),
            # "Substance (Deluxe)" in the files, "Substance" on Spotify, and the other way round.
            0.9 * float(core_title(clue.title) == core_title(album.get("name") or "") != ""),
        )
    if clue.artist:
        fit.artist_similarity = artist_similarity(clue.artist, album_artist_credit(album))
    upc = (album.get("external_ids") or {}).get("upc") or ""
    fit.barcode_match = any(barcodes_equal(b, upc) for b in clue.barcodes)
    name = coverage if fit.name_similarity is None else fit.name_similarity
    artist = coverage if fit.artist_similarity is None else fit.artist_similarity
    fit.score = min(1.0, 0.5 * coverage + 0.2 * name + 0.15 * artist + 0.15 * count + 0.05 * fit.barcode_match)
    return fit


# -- the track processor: one edition, then one track each -------------------------------------


def _edition_rank(clue: AlbumClue, fit: Fit, order: int) -> tuple[Any, ...]:
    return (
        fit.by_id,
        round(fit.quality, 3),
        -abs(fit.track_count - len(clue.tracks)),
        fit.album.get("popularity") or 0,
        -order,
    )


def best_edition(clue: AlbumClue, albums: Sequence[SpotifyObject], isrc_by_track_id: Mapping[str, str]) -> Fit | None:
    """Of the albums sharing the release's barcode, the edition that fits it best, or None.

    Editions are ranked by how many release tracks they carry by ISRC, then by how well the
    other tracks match by position, title and length, then by the closest track count, then by
    popularity (the edition Spotify itself serves). An edition must match at least half the
    release's tracks: a barcode MusicBrainz got wrong must not tag a whole release.
    """
    fits = [(fit_album(clue, album, isrc_by_track_id), order) for order, album in enumerate(albums)]
    needed = max(1, math.ceil(len(clue.tracks) / 2))
    good = [(fit, order) for fit, order in fits if len(fit.pairs) >= needed]
    if not good:
        return None
    return max(good, key=lambda item: _edition_rank(clue, *item))[0]


def album_votes(candidates: Mapping[int, Sequence[SpotifyObject]]) -> dict[str, int]:
    """For full track objects found by ISRC per clue track: how many clue tracks each album holds.

    The album most of a release's tracks share is its Spotify counterpart; single tracks of the
    same recordings sit on singles and compilations, which get fewer votes.
    """
    votes: dict[str, int] = {}
    for tracks in candidates.values():
        for album_id in {t["album"]["id"] for t in tracks}:
            votes[album_id] = votes.get(album_id, 0) + 1
    return votes


def pick_track(
    clue: TrackClue,
    candidates: Sequence[SpotifyObject],
    votes: Mapping[str, int],
    preferred_album_id: str | None = None,
) -> SpotifyObject | None:
    """The Spotify track (full object) for one release track among those carrying its ISRCs.

    Preference: the album chosen by barcode, then the album holding most of the release's tracks,
    then the closest title and length, then popularity. A candidate whose title and length both
    disagree (an ISRC MusicBrainz got wrong) is refused.
    """

    def plausible(track: SpotifyObject) -> bool:
        title = title_similarity(clue.title, track.get("name") or "") if clue.title else None
        duration = duration_similarity(clue.length_ms, track.get("duration_ms"))
        return not (title is not None and title < 0.3 and (duration is None or duration < 0.5))

    usable = [t for t in candidates if plausible(t)]
    if not usable:
        return None
    return max(
        usable,
        key=lambda t: (
            t["album"]["id"] == preferred_album_id,
            votes.get(t["album"]["id"], 0),
            round(pair_similarity(clue, t), 2),
            t.get("popularity") or 0,
        ),
    )


# -- the cluster action: rank, then apply or ask -----------------------------------------------

MIN_SCORE = 0.6
"""Below this no album is offered at all: nothing is written."""
CONFIDENT_SCORE = 0.75
"""At or above this, and clearly ahead of the runner-up, an album is applied without asking."""
CLEAR_MARGIN = 0.05
"""How far ahead of the runner-up a confident album must be; closer calls go to the user."""


def rank_candidates(clue: AlbumClue, albums: Iterable[SpotifyObject], isrc_by_track_id: Mapping[str, str]) -> list[Fit]:
    """Every album fitted to the clue, best first (ties: more popular first, then given order)."""
    fits = [(fit_album(clue, album, isrc_by_track_id), order) for order, album in enumerate(albums)]
    fits.sort(key=lambda item: (-round(item[0].score, 4), -(item[0].album.get("popularity") or 0), item[1]))
    return [fit for fit, _ in fits]


@dataclass(frozen=True)
class Decision:
    """What to do with ranked candidates: apply ``fits[0]``, ask the user, or write nothing."""

    action: str
    fits: tuple[Fit, ...] = ()

    APPLY = "apply"
    ASK = "ask"
    NONE = "none"


def decide(fits: Sequence[Fit]) -> Decision:
    """Apply a clear winner; show every plausible candidate when the call is close; else nothing.

    A winner is clear at :data:`CONFIDENT_SCORE` or more and :data:`CLEAR_MARGIN` ahead of the
    runner-up. Two editions that fit equally well (the same UPC, names and ISRCs) are a close call:
    the user chooses, nothing is applied silently.
    """
    plausible = tuple(f for f in fits if f.score >= MIN_SCORE)
    if not plausible:
        return Decision(Decision.NONE)
    best = plausible[0]
    runner_up = plausible[1].score if len(plausible) > 1 else 0.0
    if best.score >= CONFIDENT_SCORE and best.score - runner_up >= CLEAR_MARGIN:
        return Decision(Decision.APPLY, (best,))
    return Decision(Decision.ASK, plausible[:8])
