"""Track facts: the few values of a track, its album, its artists and its audio features that a
bulk reader needs, read from the object store's rows without making Web API objects.

Why this exists: the history importer enriches tens of thousands of distinct tracks per run and
needs a dozen plain values of each. Making the full objects for that (``Catalog.tracks``, then
``albums``, ``artists`` and ``audio_features``) cost ~270 µs of CPU per track at 10M, nearly all
of it spent on what the importer throws away: markets, images, hrefs, copyrights, nested
simplified objects, and whole rows read for a few of their columns. Here the tracks are read once
by position, with their audio features, and batched queries select just the columns wanted of
their albums and of the credited artists (names and genres); each album's facts and each credit's
artists are made once per batch, however many of its tracks were asked for.

The records are named tuples: immutable like frozen dataclasses, but made in one C call where a
frozen dataclass sets each field through ``object.__setattr__`` (five times slower for a track's
three records, which are made once per track of a whole listening history).

Every fact equals the value the full objects give (``tests/test_track_facts.py`` compares them
for every track of the real slice), so a caller may switch between the two freely.
:meth:`TrackFacts.from_objects` is that rule written out: it makes the facts from Web API objects,
the catalog's or Spotify's own (the history importer looks up online what the catalog lacks).
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple, Sequence

from .ids import parse_id
from .objectstore import ObjectStore, artist_positions, unpack_genres
from .schema import AUDIO_FEATURE_NAMES
from .trackfile import TrackFile, unpack_features

if TYPE_CHECKING:
    from .types import Album, Artist, AudioFeatures, SimplifiedAlbum, Track


class AlbumFacts(NamedTuple):
    """A track's album: the values of the same names in ``Catalog.album``'s object.

    ``label`` is "" and ``popularity`` None where the object has none: the catalog always has a
    popularity, Spotify's Web API leaves it out for apps in development mode (since 2026).
    """

    id: str
    name: str
    album_type: str
    label: str
    popularity: int | None
    release_date: str
    total_tracks: int

    @property
    def release_year(self) -> int | None:
        """The year ``release_date`` starts with (it may be ``1987``, ``1987-08`` or ``1987-08-17``);
        None when it does not start with one."""
        year = self.release_date[:4] if self.release_date else ""
        return int(year) if year.isdigit() else None


class AudioFeatureFacts(NamedTuple):
    """A track's audio features: the values of the same names in ``Catalog.audio_features``' object."""

    tempo: float | None
    key: int | None
    mode: int | None
    time_signature: int | None
    energy: float | None
    danceability: float | None
    valence: float | None
    acousticness: float | None
    instrumentalness: float | None
    liveness: float | None
    loudness: float | None
    speechiness: float | None


class TrackFacts(NamedTuple):
    """What the catalog says about one track, in plain values.

    Each field equals its counterpart in the full objects: ``name``, ``duration_ms``,
    ``explicit``, ``popularity``, ``disc_number``, ``track_number`` those of ``Catalog.track``;
    ``isrc`` its ``external_ids["isrc"]`` (None when it has none); ``artist_ids`` and
    ``artist_names`` its ``artists``, in credit order; ``genres`` those of the credited artists'
    ``Catalog.artists`` objects, sorted, each once; ``album`` and ``audio_features`` as their
    classes say (``audio_features`` None where ``Catalog.audio_features`` gives None).
    ``popularity`` is None only for objects without one (see :class:`AlbumFacts`).
    """

    id: str
    name: str
    duration_ms: int
    explicit: bool
    popularity: int | None
    disc_number: int
    track_number: int
    isrc: str | None
    artist_ids: tuple[str, ...]
    artist_names: tuple[str, ...]
    genres: tuple[str, ...]
    album: AlbumFacts
    audio_features: AudioFeatureFacts | None

    @classmethod
    def from_objects(
        cls,
        track: Track,
        *,
        album: Album | None = None,
        artists: Sequence[Artist | None] = (),
        audio_features: AudioFeatures | None = None,
    ) -> TrackFacts:
        """The facts of a track from its Web API objects: the definition :func:`track_facts` meets.

        :param track: the full track object.
        :param album: its album's full object, for ``label`` and ``popularity``; without it the
            track's simplified album gives the rest (label "", popularity None).
        :param artists: full objects of the credited artists, for ``genres``; None in place of an
            artist that has none (Spotify answered 404), and artists left out give no genres.
        :param audio_features: the track's audio features, None when there are none.

        Pure, so anything Spotify-shaped will do::

            facts = TrackFacts.from_objects(sp.track(id), album=sp.album(album_id), artists=[sp.artist(a)])
        """
        album_facts = _album_facts(album if album is not None else track["album"])
        features = (
            AudioFeatureFacts(*(audio_features[name] for name in AudioFeatureFacts._fields))  # type: ignore[literal-required]
            if audio_features
            else None
        )
        genres = {genre for artist in artists if artist for genre in artist.get("genres") or ()}
        credited = track["artists"]
        return cls(
            id=track["id"],
            name=track["name"] or "",
            duration_ms=int(track["duration_ms"]),
            explicit=bool(track["explicit"]),
            popularity=track.get("popularity"),
            disc_number=int(track["disc_number"]),
            track_number=int(track["track_number"]),
            isrc=(track.get("external_ids") or {}).get("isrc") or None,
            artist_ids=tuple(a["id"] for a in credited),
            artist_names=tuple(a["name"] for a in credited),
            genres=tuple(sorted(genres)),
            album=album_facts,
            audio_features=features,
        )


def _album_facts(album: Album | SimplifiedAlbum) -> AlbumFacts:
    return AlbumFacts(
        id=album["id"],
        name=album["name"] or "",
        album_type=album["album_type"],
        label=album.get("label") or "",
        popularity=album.get("popularity"),
        release_date=album["release_date"],
        total_tracks=int(album["total_tracks"] or 0),
    )


CreditedArtist = tuple[str, str, tuple[str, ...]]
"""An artist as a track's facts need it: ``(id, name, genres)``."""


def track_facts(
    store: ObjectStore, tracks: TrackFile, track_ids: Sequence[str], *, artists: dict[int, CreditedArtist]
) -> list[TrackFacts | None]:
    """The facts of each track in ``track_ids`` (ids, URIs or links), in the order asked; None in
    place of ids the catalog lacks and of invalid ones.

    ``artists`` holds artists by position, from earlier calls: those found there are not read
    again, and those read are added.
    """
    ids = [parse_id(t, "track") for t in track_ids]
    rows = tracks.rows_by_id(i for i in ids if i).values()
    album_rows = store.album_fact_rows({row["album_pos"] for row in rows})
    # An album's tracks mostly share one credit: each distinct one is worked out once per batch.
    credit_positions = {packed: artist_positions(packed) for packed in {row["artists"] for row in rows}}
    # A bulk reader meets the same artists again and again: each is read once while it is remembered.
    unknown = {pos for positions in credit_positions.values() for pos in positions if pos not in artists}
    if unknown:
        found = store.credited_artists(unknown)
        artists.update((pos, (i, name, tuple(unpack_genres(genres)))) for pos, (i, name, genres) in found.items())
    credits = {packed: _credit(positions, artists) for packed, positions in credit_positions.items()}
    albums: dict[int, AlbumFacts] = {}
    by_id: dict[str, TrackFacts] = {}
    # Runs once per track of a whole listening history: plain unpacking, no helper calls, and few
    # container objects (the garbage collector walks each one that outlives a batch).
    for row in rows:
        album_pos = row["album_pos"]
        album = albums.get(album_pos)
        if album is None:
            album_id, album_name, album_type, label, album_popularity, release_date, total_tracks = album_rows[album_pos]
            album = albums[album_pos] = AlbumFacts(
                album_id, album_name or "", album_type, label or "", int(album_popularity or 0), release_date,
                int(total_tracks or 0),
            )  # fmt: skip
        packed_features = row["features"]
        features = None if packed_features is None else AudioFeatureFacts._make(_facts_features(unpack_features(packed_features)))
        by_id[row["id"]] = TrackFacts(
            row["id"], row["name"] or "", int(row["duration_ms"]), bool(row["explicit"]), int(row["popularity"] or 0),
            int(row["disc_number"]), int(row["track_number"]), row["isrc"] or None, *credits[row["artists"]], album, features,
        )  # fmt: skip
    return [by_id.get(i) if i else None for i in ids]


def _credit(positions: list[int], artists: dict[int, CreditedArtist]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A credit's artist ids, artist names and genres (sorted, each once), as TrackFacts holds them."""
    credited = [artists[p] for p in positions if p in artists]
    genres = {genre for _, _, artist_genres in credited for genre in artist_genres}
    return tuple(a[0] for a in credited), tuple(a[1] for a in credited), tuple(sorted(genres))


# The features AudioFeatureFacts holds, in its field order, out of all of a track's.
_facts_features = itemgetter(*(AUDIO_FEATURE_NAMES.index(name) for name in AudioFeatureFacts._fields))
