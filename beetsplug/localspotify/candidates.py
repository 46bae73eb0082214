"""Find the catalog release (or track) a set of files belongs to, using every signal they carry.

beets asks each source for a few candidates and then scores them itself: a release this module
does not return can never be chosen, and a flood of poor ones only slows beets down. So exact
identifiers come first, as beets' ``tidal`` plugin does, and text search runs only when the files
carry none the catalog knows:

1. Spotify album ids in the files (``spotify_album_id``, or ``mb_albumid`` as beets' built-in
   ``spotify`` plugin writes it);
2. Spotify track ids (``spotify_track_id`` / ``mb_trackid``): the albums most of them belong to;
3. ISRCs: every track carrying them (``tracks_by_isrc``), then the albums most of them share;
4. the barcode (``albums_by_upc``; editions may share one);
5. names: an ``album:`` + ``artist:`` search without edition suffix ("(Deluxe Edition)",
   " - Remastered 2015") or featured artists, which finds everything the stricter variants would
   (those run only when its page is full), then the album alone and the files' track titles
   (which find the release even with a missing or wrong album tag).

Whatever found them, candidates are ranked by a local score of album name, artist, track count
and track titles/durations, so a small ``limit`` keeps the right one. Only public ``Catalog``
methods are used; the catalog normalises case, accents, punctuation, ``&`` and ``feat.`` itself,
and the Python normaliser here serves only the local scoring.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jellyfish import levenshtein_distance

from catalog import Catalog, CatalogError, parse_id
from catalog.types import Album, SimplifiedAlbum, Track

VA_NAMES = frozenset({"various artists", "various", "va", "v a", "verschiedene interpreten"})
# Search results per query, and how many full albums are fetched for the final ranking.
_SEARCH_PAGE = 10
_MIN_FETCH = 10
# Search results scoring this far below the best (0..1 quick score) are not fetched in full.
_FETCH_MARGIN = 0.3
# Seconds two editions' track lengths may differ by and still be twins (see ``indistinguishable``).
_TWIN_LENGTH = 1.0
# A text candidate this good (0..1) makes further fallback queries pointless.
_GOOD_ENOUGH = 0.9
# Words per searched value: the catalog refuses queries of more than 12 tokens.
_MAX_ALBUM_WORDS, _MAX_ARTIST_WORDS, _MAX_TITLE_WORDS = 7, 4, 7
# Titles compared per album: enough to recognise a release, bounded for 100-track DJ mixes.
_MAX_TITLES = 40


class Tagged(Protocol):
    """What candidate search reads from a file: beets' ``Item`` (or any mapping) fits."""

    def get(self, key: str, default: Any = None) -> Any: ...


# -- names ----------------------------------------------------------------------------------

_EDITION_WORDS = (
    r"edition|deluxe|remaster(?:ed)?|expanded|anniversary|version|bonus|special|reissue|mono|stereo"
    r"|explicit|clean|super|collector'?s|complete|definitive|legacy"
)
_EDITION_SUFFIX = re.compile(
    rf"\s*(?:[(\[][^)\]]*\b(?:{_EDITION_WORDS})\b[^)\]]*[)\]]|\s[-–]\s[^-–]*\b(?:{_EDITION_WORDS})\b.*)\s*$",
    re.IGNORECASE,
)
_CREDIT_SUFFIX = re.compile(r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]|\s+(?:feat\.?|ft\.?|featuring)\s.*$", re.I)
_ARTIST_SEPARATOR = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bfeat\.?|\bft\.?|\bfeaturing\b|\bwith\b|\bx\b|\bvs\.?)\s*", re.I)
_CREDIT_WORDS = frozenset({"feat", "ft", "featuring"})


def without_edition(name: str) -> str:
    """``"Substance (Deluxe Edition)"`` / ``"Substance - Remastered 2015"`` → ``"Substance"``."""
    while (shorter := _EDITION_SUFFIX.sub("", name)) != name and shorter:
        name = shorter
    return name


def without_credits(title: str) -> str:
    """``"Start Again (feat. Logic)"`` → ``"Start Again"``: credits live in artist tags too."""
    return _CREDIT_SUFFIX.sub("", title) or title


def primary_artist(artist: str) -> str:
    """The first name of a credit: ``"OneRepublic feat. Logic"`` → ``"OneRepublic"``."""
    return _ARTIST_SEPARATOR.split(artist, maxsplit=1)[0] or artist


def tokens(text: str) -> list[str]:
    """Lower-case, accent-free words without credit words, for comparing names locally."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("&", " and ")
    text = re.sub(r"['’`.]", "", text)
    return [w for w in re.split(r"[^\w]+|_", text) if w and w not in _CREDIT_WORDS]


def similarity(a: str, b: str) -> float:
    """0..1 likeness of two names after normalisation (1 = same words)."""
    left, right = " ".join(tokens(a)), " ".join(tokens(b))
    if left == right:
        return 1.0
    if not left or not right:
        return 0.0
    return _ratio(left, right)


def _ratio(left: str, right: str) -> float:
    """1 minus the edit distance per character; beets' own distance is built the same way.

    A C-speed edit distance rather than ``difflib``: a 40-track album against 40 files is 1,600
    comparisons, which took ``SequenceMatcher`` over 100 ms at the tail.
    """
    return 1.0 - levenshtein_distance(left, right) / max(len(left), len(right), 1)


def _quoted(value: str, max_words: int) -> str:
    return '"' + " ".join(value.replace('"', " ").split()[:max_words]) + '"'


def is_various(artist: str) -> bool:
    return " ".join(tokens(artist)) in VA_NAMES


# -- what the files say -----------------------------------------------------------------------


@dataclass(frozen=True)
class FileTrack:
    title: str
    length: float


@dataclass(frozen=True)
class FileAlbum:
    """The album-level picture of a group of files, as the ranking needs it."""

    album: str
    artist: str
    tracks: tuple[FileTrack, ...]

    @classmethod
    def from_items(cls, items: Sequence[Tagged], artist: str, album: str) -> FileAlbum:
        return cls(
            album=album or "",
            artist="" if is_various(artist or "") else artist or "",
            tracks=tuple(FileTrack(i.get("title") or "", float(i.get("length") or 0)) for i in items),
        )


def _values(items: Iterable[Tagged], *fields: str) -> list[str]:
    """Non-empty values of ``fields`` across items, first field first, in item order."""
    return [v for field in fields for i in items if (v := (i.get(field) or "").strip())]


def _spotify_ids(items: Iterable[Tagged], kind: str, *fields: str) -> list[str]:
    """Spotify ids of ``kind`` in these fields; MusicBrainz UUIDs there are simply skipped."""
    return [p for v in _values(items, *fields) if (p := parse_id(v, kind))]  # type: ignore[arg-type]


# -- scoring ------------------------------------------------------------------------------------


def _artist_similarity(wanted: str, artists: Sequence[dict[str, Any]]) -> float:
    if not wanted:
        return 1.0  # nothing to compare: neither for nor against
    names = [a["name"] for a in artists]
    if not names:
        return 0.0
    return max(similarity(wanted, ", ".join(names)), similarity(primary_artist(wanted), names[0]))


def _count_similarity(files: FileAlbum, total: int) -> float:
    n = len(files.tracks)
    return 1.0 - min(1.0, abs(total - n) / max(n, 1))


def quick_album_score(album: SimplifiedAlbum, files: FileAlbum) -> float:
    """0..1 from what a search result carries: album name, artists, track count.

    Names are compared without edition suffixes, the full names breaking ties between editions.
    """
    name = 0.5
    if files.album:
        name = 0.9 * similarity(without_edition(files.album), without_edition(album["name"]))
        name += 0.1 * similarity(files.album, album["name"])
    artist = _artist_similarity(files.artist, album["artists"])
    return (3 * name + 2 * artist + _count_similarity(files, album["total_tracks"])) / 6


def _title_match(track: FileTrack, titles: dict[str, list[float]]) -> float:
    """How well one file's title (and length) matches the best of an album's tracks."""
    key = " ".join(tokens(without_credits(track.title)))
    if not key:
        return 0.0
    lengths = titles.get(key)
    if lengths is None:
        return 0.8 * _best_ratio(key, titles)
    if track.length and not any(abs(track.length - length) <= 10 for length in lengths):
        return 0.7
    return 1.0


def _best_ratio(key: str, others: Iterable[str]) -> float:
    """The best ``_ratio`` of ``key`` to any of ``others``."""
    return max((_ratio(key, other) for other in others), default=0.0)


def album_score(album: Album, files: FileAlbum) -> float:
    """0..1 likeness of a full album to the files: names, count, and the titles and lengths."""
    titles: dict[str, list[float]] = {}
    for track in album["tracks"]["items"]:
        titles.setdefault(" ".join(tokens(without_credits(track["name"]))), []).append(track["duration_ms"] / 1000)
    checked = files.tracks[:_MAX_TITLES]
    tracks = sum(_title_match(t, titles) for t in checked) / len(checked) if checked else 0.0
    return (6 * quick_album_score(album, files) + 4 * tracks) / 10


def track_score(track: Track, wanted: FileTrack, artist: str, album: str) -> float:
    """0..1 likeness of a track to one file: title, artist, length, then album as a tie-break."""
    title = similarity(without_credits(wanted.title), without_credits(track["name"]))
    artist_sim = _artist_similarity("" if is_various(artist) else artist, track["artists"])
    length = 1.0 - min(1.0, abs(wanted.length - track["duration_ms"] / 1000) / 30) if wanted.length else 0.5
    album_sim = similarity(without_edition(album), without_edition(track["album"]["name"])) if album else 0.5
    return (4 * title + 3 * artist_sim + 2 * length + album_sim) / 10


# -- searching ----------------------------------------------------------------------------------


# Recent search pages per catalog: beets asks again for the same files (``tag_album`` after a
# preview, "search again", an album and then its items), and the catalog is read-only.
_RECENT: weakref.WeakKeyDictionary[Catalog, OrderedDict[tuple[str, str], list[Any]]] = weakref.WeakKeyDictionary()
_RECENT_SIZE = 256
_RECENT_LOCK = threading.Lock()


def _search(cat: Catalog, query: str, kind: str) -> list[Any]:
    """One page of search results; a query the catalog refuses (too many words) finds nothing."""
    key = (query, kind)
    with _RECENT_LOCK:
        recent = _RECENT.setdefault(cat, OrderedDict())
        if (found := recent.get(key)) is not None:
            recent.move_to_end(key)
            return found
    try:
        found = cat.search(query, [kind], limit=_SEARCH_PAGE)[f"{kind}s"]["items"]
    except CatalogError:
        found = []
    with _RECENT_LOCK:
        recent[key] = found
        while len(recent) > _RECENT_SIZE:
            recent.popitem(last=False)
    return found


def _run_queries(cat: Catalog, queries: Sequence[tuple[str, str, bool]], score: Any) -> list[Any]:
    """Run (query, type, narrower) searches in order until a result is good enough.

    The first query is the loosest of its family: queries flagged ``narrower`` can only find
    a subset of its results (searches match every word), so when its page is not full they are
    skipped. Returns the results in search order.
    """
    results: list[Any] = []
    complete = False
    for number, (query, kind, narrower) in enumerate(queries):
        if complete and narrower:
            continue
        page = _search(cat, query, kind)
        results.extend(page)
        complete = complete or (number == 0 and len(page) < _SEARCH_PAGE)
        if max(map(score, page), default=0.0) >= _GOOD_ENOUGH:  # scores every result
            break
    return results


def _unique(queries: Iterable[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    seen: set[tuple[str, str]] = set()
    return [q for q in queries if q[:2] not in seen and not seen.add(q[:2])]  # type: ignore[func-returns-value]


def album_queries(files: FileAlbum, items: Sequence[Tagged]) -> list[tuple[str, str, bool]]:
    """(query, type, narrower) triples to try in order, without repeats.

    Searches match every word, so the shortened album name with the first artist comes first:
    it finds everything the full name and credit would, and an edition suffix or a guest the
    catalog's name lacks costs no empty search. The stricter variants run only when its page is
    full (the right release may have been cut off), then the album alone and track titles.
    """
    albums = list(dict.fromkeys(a for a in (without_edition(files.album), files.album) if a.strip()))
    artists = list(dict.fromkeys(a for a in (primary_artist(files.artist), files.artist) if a.strip()))
    queries: list[tuple[str, str, bool]] = []
    for n, album in enumerate(albums):
        for m, artist in enumerate(artists):
            query = f"album:{_quoted(album, _MAX_ALBUM_WORDS)} artist:{_quoted(artist, _MAX_ARTIST_WORDS)}"
            queries.append((query, "album", n + m > 0))
    for album in albums:
        queries.append((f"album:{_quoted(album, _MAX_ALBUM_WORDS)}", "album", not artists and album != albums[0]))
    # Track titles find the release even when the album tag is missing or wrong.
    titled = [i for i in items if (i.get("title") or "").strip()][:3]
    for item in titled:
        title = _quoted(without_credits(item.get("title")), _MAX_TITLE_WORDS)
        track_artist = item.get("artist") or files.artist
        if track_artist and not is_various(track_artist):
            queries.append((f"track:{title} artist:{_quoted(primary_artist(track_artist), _MAX_ARTIST_WORDS)}", "track", False))
        elif files.album:
            queries.append((f"track:{title} album:{_quoted(without_edition(files.album), _MAX_ALBUM_WORDS)}", "track", False))
    return _unique(queries)


def _ranked_albums(cat: Catalog, ids: Sequence[str], files: FileAlbum, limit: int) -> list[Album]:
    albums = [a for a in cat.albums(list(ids)) if a is not None]
    return sorted(albums, key=lambda a: -album_score(a, files))[:limit]


def _by_support(cat: Catalog, album_votes: Counter[str], files: FileAlbum, limit: int) -> list[Album]:
    """Albums most files point to (by id or ISRC), the best-scoring first among equals."""
    if not album_votes:
        return []
    top = [album_id for album_id, _ in album_votes.most_common(max(limit * 2, _MIN_FETCH))]
    albums = [a for a in cat.albums(top) if a is not None]
    return sorted(albums, key=lambda a: (-album_votes[a["id"]], -album_score(a, files)))[:limit]


def _votes_by_track(tracks: Iterable[Track | None]) -> Counter[str]:
    return Counter(t["album"]["id"] for t in tracks if t is not None)


def _isrc_votes(cat: Catalog, items: Sequence[Tagged]) -> Counter[str]:
    votes: Counter[str] = Counter()
    for isrc in dict.fromkeys(_values(items, "isrc")):
        # One vote per album per ISRC, however many times the album repeats the recording.
        votes.update({t["album"]["id"] for t in cat.tracks_by_isrc(isrc)})
    return votes


def album_candidates(
    cat: Catalog, items: Sequence[Tagged], artist: str, album: str, *, limit: int
) -> list[Album]:
    """Up to ``limit`` full album objects for a group of files, the likeliest first."""
    files = FileAlbum.from_items(items, artist, album)

    if album_ids := _spotify_ids(items, "album", "spotify_album_id", "mb_albumid"):
        if found := _by_support(cat, Counter(album_ids), files, limit):
            return found
    if track_ids := _spotify_ids(items, "track", "spotify_track_id", "mb_trackid"):
        if found := _by_support(cat, _votes_by_track(cat.tracks(list(dict.fromkeys(track_ids)))), files, limit):
            return found
    if found := _by_support(cat, _isrc_votes(cat, items), files, limit):
        return found
    for barcode in dict.fromkeys(_values(items, "barcode")):
        if found := cat.albums_by_upc(barcode):
            return sorted(found, key=lambda a: -album_score(a, files))[:limit]

    pool: dict[str, float] = {}

    def score(result: Any) -> float:
        album = result.get("album", result)  # a track result stands for its album
        if (known := pool.get(album["id"])) is None:
            known = pool[album["id"]] = quick_album_score(album, files)
        return known

    _run_queries(cat, album_queries(files, items), score)
    # Full albums (every track) only for results the quick score leaves in the running.
    floor = max(pool.values(), default=0.0) - _FETCH_MARGIN
    best = [i for i in sorted(pool, key=lambda i: -pool[i]) if pool[i] >= floor][: max(limit * 2, _MIN_FETCH)]
    return _ranked_albums(cat, best, files, limit)


def track_candidates(cat: Catalog, item: Tagged, artist: str, title: str, *, limit: int) -> list[Track]:
    """Up to ``limit`` full track objects for one file (a singleton), the likeliest first."""
    wanted = FileTrack(title or item.get("title") or "", float(item.get("length") or 0))
    album = item.get("album") or ""
    artist = artist or item.get("artist") or ""

    def ranked(tracks: Iterable[Track | None]) -> list[Track]:
        unique = {t["id"]: t for t in tracks if t is not None}
        return sorted(unique.values(), key=lambda t: -track_score(t, wanted, artist, album))[:limit]

    if track_ids := _spotify_ids([item], "track", "spotify_track_id", "mb_trackid"):
        if found := ranked(cat.tracks(track_ids)):
            return found
    if isrc := (item.get("isrc") or "").strip():
        if found := ranked(cat.tracks_by_isrc(isrc)):
            return found
    if not wanted.title.strip():
        return []

    # Loosest first (as for albums): the title without credits and the first artist.
    titles = list(dict.fromkeys([without_credits(wanted.title), wanted.title]))
    artists = [a for a in dict.fromkeys([primary_artist(artist), artist]) if a.strip() and not is_various(a)]
    queries = [
        (f"track:{_quoted(t, _MAX_TITLE_WORDS)} artist:{_quoted(a, _MAX_ARTIST_WORDS)}", "track", n + m > 0)
        for n, t in enumerate(titles)
        for m, a in enumerate(artists)
    ] + [(f"track:{_quoted(t, _MAX_TITLE_WORDS)}", "track", not artists and n > 0) for n, t in enumerate(titles)]
    found = _run_queries(cat, _unique(queries), lambda t: track_score(t, wanted, artist, album))
    return ranked(found)



# -- editions the files cannot tell apart ------------------------------------------------------


def _visible(album: Any) -> tuple[Any, ...]:
    """What beets' distance can compare of a candidate (an ``AlbumInfo``), ids and lengths aside."""
    fields = ("album", "artist", "va", "year", "month", "day", "label", "catalognum", "albumdisambig",
              "media", "mediums", "country")
    tracks = tuple((t.title, t.artist, t.medium, t.medium_index, t.index) for t in album.tracks)
    return (*(album.get(f) for f in fields), tracks)


def _twins(a: Any, b: Any) -> bool:
    # Lengths within a second: beets forgives 10 s (track_length_grace) before it counts any.
    return _visible(a) == _visible(b) and all(
        abs((s.length or 0) - (t.length or 0)) <= _TWIN_LENGTH for s, t in zip(a.tracks, b.tracks)
    )


def indistinguishable(albums: Sequence[Any], items: Sequence[Tagged]) -> set[str]:
    """Ids of candidates (``AlbumInfo``) identical to another in everything beets compares.

    Twin editions (same name, credits, date, label, track list and lengths; often even the same
    UPC and ISRCs) differ only by their ids: unless the files carry a Spotify or MusicBrainz album
    or track id, which one they are is a guess. Files with such ids never get here as twins, since
    the id lookup returns only the albums they name.
    """
    if _values(items, "spotify_album_id", "mb_albumid", "spotify_track_id", "mb_trackid"):
        return set()
    # Only albums of one name and length can be twins; reading every field of every pair through
    # beets' attribute dictionaries cost more than the search.
    groups: dict[tuple[str, int], list[Any]] = {}
    for album in albums:
        groups.setdefault((album.album, len(album.tracks)), []).append(album)
    return {a.album_id for group in groups.values() for a in group for b in group if a is not b and _twins(a, b)}
