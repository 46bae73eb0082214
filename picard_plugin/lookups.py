"""The lookups, written once for both transports. Pure: no Qt, no Picard, no I/O.

A lookup is a generator that yields lists of :data:`Request` s and receives their results, in
order, when they are all answered::

    def lookup():
        (albums,) = yield [Search("upc:190295211592", "album")]
        tracks, artists = yield [Tracks(("5CRPGdCSOfstyTVK9Ja5EQ",)), Artists(("0yNLKJebCb8Aueb54LYya3",))]
        return ...

so its logic reads top to bottom while Picard's GUI thread never waits: a transport answers each
list asynchronously and :func:`run_lookup` resumes the generator. The requests of one list go out
together. Every result is a list of Spotify objects (``None`` in place of unknown ids, as the Web
API does), or ``None`` for a request the catalog refused (a malformed search).

The two transports execute requests as follows:

- in process, :func:`execute` calls the ``catalog.Catalog`` methods of the same names;
- over HTTP, :func:`http_calls` says which server routes answer a request (batches cut to the
  Web API's limits) and :func:`combine` joins their JSON documents back into one result;
  :func:`album_track_pages` asks for the rest of albums longer than one page.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import LocalSpotifyError, LookupCrashed
from .matching import (
    AlbumClue,
    Fit,
    SpotifyObject,
    album_tracks,
    album_votes,
    best_edition,
    normalize_barcode,
    normalize_isrc,
    pair_tracks,
    pick_track,
    rank_candidates,
)
from .settings import Settings

T = TypeVar("T")

# -- requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    """``/v1/search?q=&type=&limit=``: the items of one type, best first."""

    q: str
    type: str = "track"
    limit: int = 50


@dataclass(frozen=True)
class Tracks:
    """``/v1/tracks?ids=``: full track objects in the order asked."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Albums:
    """``/v1/albums?ids=``: full albums in the order asked, every track of each embedded."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Artists:
    """``/v1/artists?ids=``: full artists (genres) in the order asked."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class AudioFeatures:
    """``/v1/audio-features?ids=``: audio features in the order asked."""

    ids: tuple[str, ...]


Request = Search | Tracks | Albums | Artists | AudioFeatures
Lookup = Generator[list[Request], list[Any], T]
Fetch = Callable[[Sequence[Request], Callable[[list[Any] | None, LocalSpotifyError | None], None]], None]
"""A transport: ``fetch(requests, callback)`` answers later with ``callback(results, None)`` or
``callback(None, error)``."""

BATCH_LIMITS = {Tracks: 50, Albums: 20, Artists: 50, AudioFeatures: 100}
"""The most ids the Web API (and so the server) accepts per batch request."""
PAGE = 50
"""Tracks per page of ``/v1/albums/{id}/tracks``."""

# -- in process -----------------------------------------------------------------------------------


def execute(request: Request, catalog: Any) -> Any:
    """Answer one request with an open ``catalog.Catalog`` (duck-typed: this module never imports it).

    A search the catalog refuses (``QueryRejected``, ``ValueError``) answers None, as a 400 does
    over HTTP.
    """
    if isinstance(request, Search):
        try:
            return catalog.search(request.q, [request.type], limit=request.limit)[request.type + "s"]["items"]
        except Exception as exc:
            if isinstance(exc, ValueError) or type(exc).__name__ in {"QueryRejected", "InvalidId"}:
                return None
            raise
    ids = list(request.ids)
    if not ids:
        return []
    method = {Tracks: "tracks", Albums: "albums", Artists: "artists", AudioFeatures: "audio_features"}[type(request)]
    return list(getattr(catalog, method)(ids))


# -- over HTTP ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One GET to the server: a path under its root and the query parameters."""

    path: str
    params: tuple[tuple[str, str], ...] = ()


def _chunks(ids: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(ids[i : i + size]) for i in range(0, len(ids), size)]


def http_calls(request: Request) -> list[Call]:
    """The server routes answering ``request``; batch requests are cut to :data:`BATCH_LIMITS`."""
    if isinstance(request, Search):
        return [Call("/v1/search", (("q", request.q), ("type", request.type), ("limit", str(request.limit))))]
    route = {Tracks: "tracks", Albums: "albums", Artists: "artists", AudioFeatures: "audio-features"}[type(request)]
    return [
        Call(f"/v1/{route}", (("ids", ",".join(chunk)),)) for chunk in _chunks(request.ids, BATCH_LIMITS[type(request)])
    ]


def combine(request: Request, documents: Sequence[Any]) -> Any:
    """One result from the JSON documents of ``http_calls(request)`` (None for a refused call)."""
    if isinstance(request, Search):
        document = documents[0]
        return None if document is None else document[request.type + "s"]["items"]
    key = {Tracks: "tracks", Albums: "albums", Artists: "artists", AudioFeatures: "audio_features"}[type(request)]
    result: list[Any] = []
    for document, chunk in zip(documents, _chunks(request.ids, BATCH_LIMITS[type(request)])):
        result.extend(document[key] if document is not None else [None] * len(chunk))
    return result


def album_track_pages(albums: Sequence[SpotifyObject | None]) -> list[tuple[int, Call]]:
    """For full albums whose embedded track list stops at the first page: ``(index, call)`` for
    each further page of ``/v1/albums/{id}/tracks``."""
    calls = []
    for index, album in enumerate(albums):
        if not album:
            continue
        tracks = album.get("tracks") or {}
        for offset in range(len(tracks.get("items") or []), tracks.get("total") or 0, PAGE):
            calls.append(
                (index, Call(f"/v1/albums/{album['id']}/tracks", (("offset", str(offset)), ("limit", str(PAGE)))))
            )
    return calls


def add_track_pages(albums: list[Any], pages: Iterable[tuple[int, Any]]) -> list[Any]:
    """Append the fetched pages (``(album index, paging document)``, in offset order) to the albums."""
    for index, page in pages:
        album = dict(albums[index])
        tracks = dict(album["tracks"])
        tracks["items"] = list(tracks["items"]) + list(page["items"] if page else [])
        # Now one page holding every track, as the catalog's own full albums are.
        tracks.update(limit=max(len(tracks["items"]), 1), next=None)
        album["tracks"] = tracks
        albums[index] = album
    return albums


# -- running a lookup ----------------------------------------------------------------------------


def run_lookup(lookup: Lookup[T], fetch: Fetch, done: Callable[[T | None, LocalSpotifyError | None], None]) -> None:
    """Drive ``lookup`` with ``fetch``; ``done(result, None)`` at the end or ``done(None, error)``.

    ``done`` is called exactly once. An exception escaping the lookup's own code becomes
    :class:`~.errors.LookupCrashed`, so a bug never leaves an album waiting forever.
    """

    def advance(results: list[Any] | None) -> None:
        try:
            requests = next(lookup) if results is None else lookup.send(results)
        except StopIteration as stop:
            done(stop.value, None)
            return
        except Exception as exc:  # a bug in the lookup itself: report, never hang
            done(None, LookupCrashed(exc))
            return
        fetch(requests, answered)

    def answered(results: list[Any] | None, error: LocalSpotifyError | None) -> None:
        if error is not None:
            lookup.close()
            done(None, error)
        else:
            advance(results or [])

    advance(None)


def run_sync(lookup: Lookup[T], catalog: Any) -> T:
    """Run ``lookup`` to the end against an open catalog in this thread (tests, scripts)."""
    results: list[Any] | None = None
    try:
        while True:
            requests = next(lookup) if results is None else lookup.send(results)
            results = [execute(request, catalog) for request in requests]
    except StopIteration as stop:
        return stop.value


# -- enriching a MusicBrainz release --------------------------------------------------------------


def barcode_variants(barcode: str) -> list[str]:
    """The spellings a UPC may have in the catalog: MusicBrainz stores EAN-13 or UPC-A, Spotify
    keeps leading zeros (``00602537292066``)."""
    digits = normalize_barcode(barcode)
    core = digits.lstrip("0")
    if not core:
        return []
    variants = [digits] + [core.zfill(n) for n in (12, 13, 14) if len(core) <= n]
    return list(dict.fromkeys(variants))


@dataclass
class TrackMatch:
    """The Spotify track found for one clue track, with its album."""

    track: SpotifyObject
    """The full track object."""
    album: SpotifyObject | None
    """The full album object (label, popularity), None if it could not be fetched."""


@dataclass
class Enrichment:
    """What a lookup found for a release: a match per clue track key, plus artists and features."""

    matches: dict[int, TrackMatch] = field(default_factory=dict)
    artists: dict[str, SpotifyObject | None] = field(default_factory=dict)
    features: dict[str, SpotifyObject | None] = field(default_factory=dict)
    edition: SpotifyObject | None = None
    """The album chosen by the release barcode, if any."""


def enrich_release(clue: AlbumClue, settings: Settings) -> Lookup[Enrichment]:
    """Find the Spotify track of every track of a MusicBrainz release.

    1. The barcode: albums with that UPC, their tracks' ISRCs, and :func:`~.matching.best_edition`
       (most ISRCs, then position/title/length, then popularity). Usually this alone matches the
       whole release in three requests.
    2. The ISRCs of tracks still unmatched: every track carrying each, and
       :func:`~.matching.pick_track` prefers the edition, then the album holding most of the
       release, then title and length.
    3. Tracks without a usable ISRC: by position, title and length on the album most of the
       release matched.
    4. The details the options ask for: albums (label, popularity), artists (genres), audio features.
    """
    full: dict[str, SpotifyObject] = {}
    albums: dict[str, SpotifyObject] = {}
    matched: dict[int, str] = {}
    edition: SpotifyObject | None = None

    variants = [v for barcode in clue.barcodes for v in barcode_variants(barcode)]
    if variants:
        found = yield [Search(f"upc:{v}", "album", 20) for v in variants]
        ids = list(dict.fromkeys(a["id"] for items in found if items for a in items))
        if ids:
            (editions,) = yield [Albums(tuple(ids))]
            editions = [a for a in editions if a]
            albums.update((a["id"], a) for a in editions)
            edition_track_ids = tuple(dict.fromkeys(t["id"] for a in editions for t in album_tracks(a)))
            (tracks,) = yield [Tracks(edition_track_ids)]
            full.update((t["id"], t) for t in tracks if t)
            fit = best_edition(clue, editions, _isrc_index(full.values()))
            if fit is not None:
                edition = fit.album
                matched.update((key, pair.track["id"]) for key, pair in fit.pairs.items())

    unmatched = [t for t in clue.tracks if t.key not in matched and t.isrcs]
    if unmatched:
        isrcs = list(dict.fromkeys(normalize_isrc(i) for t in unmatched for i in t.isrcs if normalize_isrc(i)))
        found = yield [Search(f"isrc:{isrc}", "track", 50) for isrc in isrcs]
        by_isrc = {
            isrc: [t for t in items or [] if normalize_isrc((t.get("external_ids") or {}).get("isrc", "")) == isrc]
            for isrc, items in zip(isrcs, found)
        }
        candidates = {
            t.key: list({c["id"]: c for i in t.isrcs for c in by_isrc.get(normalize_isrc(i), [])}.values())
            for t in unmatched
        }
        votes = album_votes(candidates)
        for clue_track in unmatched:
            pick = pick_track(clue_track, candidates[clue_track.key], votes, edition["id"] if edition else None)
            if pick is not None:
                full[pick["id"]] = pick
                matched[clue_track.key] = pick["id"]

    leftover = [t for t in clue.tracks if t.key not in matched]
    home = _home_album(clue, matched, full) if leftover and edition is None else None
    if home is not None:
        if home not in albums:
            (fetched,) = yield [Albums((home,))]
            albums.update((a["id"], a) for a in fetched if a)
        if home in albums:
            taken = set(matched.values())
            free = [t for t in album_tracks(albums[home]) if t["id"] not in taken]
            pairs = pair_tracks(leftover, free, {})
            missing = tuple(p.track["id"] for p in pairs.values() if p.track["id"] not in full)
            if missing:
                (tracks,) = yield [Tracks(missing)]
                full.update((t["id"], t) for t in tracks if t)
            matched.update((key, p.track["id"]) for key, p in pairs.items() if p.track["id"] in full)

    result = Enrichment(edition=edition)
    matched_tracks = {key: full[track_id] for key, track_id in matched.items() if track_id in full}
    missing_albums = tuple(
        dict.fromkeys(t["album"]["id"] for t in matched_tracks.values() if t["album"]["id"] not in albums)
    )
    artist_ids = tuple(
        dict.fromkeys(
            a["id"]
            for t in matched_tracks.values()
            for a in [*(t.get("artists") or []), *(t["album"].get("artists") or [])]
        )
    )
    track_ids = tuple(dict.fromkeys(t["id"] for t in matched_tracks.values()))
    requests: list[Request] = []
    if missing_albums:
        requests.append(Albums(missing_albums))
    if settings.wants_artists and artist_ids:
        requests.append(Artists(artist_ids))
    if settings.wants_audio_features and track_ids:
        requests.append(AudioFeatures(track_ids))
    answers = iter((yield requests) if requests else [])
    if missing_albums:
        albums.update((a["id"], a) for a in next(answers) if a)
    if settings.wants_artists and artist_ids:
        result.artists = dict(zip(artist_ids, next(answers)))
    if settings.wants_audio_features and track_ids:
        result.features = dict(zip(track_ids, next(answers)))
    result.matches = {
        key: TrackMatch(track=track, album=albums.get(track["album"]["id"])) for key, track in matched_tracks.items()
    }
    return result


def _isrc_index(tracks: Iterable[SpotifyObject]) -> dict[str, str]:
    """Track id → normalized ISRC, for full track objects."""
    return {t["id"]: normalize_isrc(isrc) for t in tracks if (isrc := (t.get("external_ids") or {}).get("isrc"))}


def _home_album(clue: AlbumClue, matched: Mapping[int, str], full: Mapping[str, SpotifyObject]) -> str | None:
    """The album holding at least half of the release's tracks matched so far, if one does."""
    counts = Counter(full[track_id]["album"]["id"] for track_id in matched.values() if track_id in full)
    if not counts:
        return None
    album_id, count = counts.most_common(1)[0]
    return album_id if count >= max(1, math.ceil(len(clue.tracks) / 2)) else None


# -- finding the album for a cluster of files ----------------------------------------------------


def _quoted(value: str) -> str:
    return '"' + value.replace('"', " ").strip()[:200] + '"'


@dataclass
class Candidates:
    """Albums fitted to a cluster, best first, with the ISRC knowledge used to fit them."""

    fits: list[Fit]
    isrc_by_track_id: dict[str, str]


MAX_CANDIDATES = 12
MAX_ISRC_SEARCHES = 60


def find_candidates(clue: AlbumClue) -> Lookup[Candidates]:
    """The albums that may be a cluster of files, fitted and ranked (:func:`~.matching.rank_candidates`).

    Evidence gathered in one round: Spotify album and track ids the files carry, their barcodes,
    their ISRCs, and name searches (``album:"…" artist:"…"``, the album alone, or the files'
    track titles when there is no album name). The most supported albums (up to
    :data:`MAX_CANDIDATES`) are then fetched and fitted.
    """
    track_ids = tuple(dict.fromkeys(t.spotify_track_id for t in clue.tracks if t.spotify_track_id))
    isrcs = [normalize_isrc(i) for i in clue.isrcs if normalize_isrc(i)][:MAX_ISRC_SEARCHES]
    variants = [v for barcode in clue.barcodes[:3] for v in barcode_variants(barcode)]
    names: list[Search] = []
    if clue.title:
        if clue.artist:
            names.append(Search(f"album:{_quoted(clue.title)} artist:{_quoted(clue.artist)}", "album", 10))
        names.append(Search(f"album:{_quoted(clue.title)}", "album", 10))
    else:
        for clue_track in [t for t in clue.tracks if t.title][:3]:
            artist = f" artist:{_quoted(clue_track.artist)}" if clue_track.artist else ""
            names.append(Search(f"track:{_quoted(clue_track.title)}{artist}", "track", 10))

    requests: list[Request] = [Albums(clue.spotify_album_ids), Tracks(track_ids)]
    requests += [Search(f"upc:{v}", "album", 20) for v in variants]
    requests += [Search(f"isrc:{isrc}", "track", 50) for isrc in isrcs]
    requests += names
    answers = yield requests
    known_albums, id_tracks = answers[0] or [], answers[1] or []
    upc_found = answers[2 : 2 + len(variants)]
    isrc_found = answers[2 + len(variants) : 2 + len(variants) + len(isrcs)]
    name_found = answers[2 + len(variants) + len(isrcs) :]

    evidence: dict[str, float] = {}
    albums = {a["id"]: a for a in known_albums if a}

    def support(album_id: str, weight: float) -> None:
        evidence[album_id] = evidence.get(album_id, 0.0) + weight

    for album_id in albums:
        support(album_id, 1000)
    found_tracks = [t for t in id_tracks if t] + [t for items in isrc_found for t in items or []]
    for found in found_tracks:
        support(found["album"]["id"], 10)
    for items in upc_found:
        for album in items or []:
            support(album["id"], 50)
    for items in name_found:
        for rank, item in enumerate(items or []):
            support(item["album"]["id"] if item.get("type") == "track" else item["id"], 3 / (1 + rank))
    top = sorted(evidence, key=lambda album_id: -evidence[album_id])[:MAX_CANDIDATES]
    wanted = tuple(album_id for album_id in top if album_id not in albums)
    if wanted:
        (fetched,) = yield [Albums(wanted)]
        albums.update((a["id"], a) for a in fetched if a)
    isrc_by_track_id = _isrc_index(found_tracks)
    fits = rank_candidates(clue, [albums[a] for a in top if a in albums], isrc_by_track_id)
    return Candidates(fits=fits, isrc_by_track_id=isrc_by_track_id)


@dataclass
class AlbumDetails:
    """Full objects for one chosen album: its tracks (ISRC, popularity), artists and features."""

    album: SpotifyObject
    tracks: dict[str, SpotifyObject | None] = field(default_factory=dict)
    artists: dict[str, SpotifyObject | None] = field(default_factory=dict)
    features: dict[str, SpotifyObject | None] = field(default_factory=dict)


def album_details(album: SpotifyObject, settings: Settings) -> Lookup[AlbumDetails]:
    """Everything the cluster action writes that the album object itself lacks, in one round."""
    track_ids = tuple(t["id"] for t in album_tracks(album))
    artist_ids = tuple(dict.fromkeys(a["id"] for t in [album, *album_tracks(album)] for a in t.get("artists") or []))
    requests: list[Request] = [Tracks(track_ids)]
    if settings.wants_artists:
        requests.append(Artists(artist_ids))
    if settings.wants_audio_features:
        requests.append(AudioFeatures(track_ids))
    answers = iter((yield requests))
    details = AlbumDetails(album=album, tracks=dict(zip(track_ids, next(answers))))
    if settings.wants_artists:
        details.artists = dict(zip(artist_ids, next(answers)))
    if settings.wants_audio_features:
        details.features = dict(zip(track_ids, next(answers)))
    return details
