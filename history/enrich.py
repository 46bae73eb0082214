"""What the local catalog knows about the plays of one export file, in a few batched lookups.

The catalog answers many ids per statement, so a file's distinct track ids are looked up together
(tracks, then their albums, artists and audio features), never once per play. Facts are kept
across files: a track heard in every year's file is looked up once per run. Account-data plays
carry no ids; they are resolved by artist and title through catalog search, once per distinct
pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from catalog import Catalog, CatalogError

from .documents import CatalogFacts, track_facts
from .exports import Play

# Ids per catalog call: large enough that statement overhead vanishes, small enough to bound memory.
BATCH = 5_000


@dataclass
class Resolution:
    """How the account-data plays of a file were matched to catalog tracks by name."""

    asked: int = 0
    resolved: int = 0


@dataclass
class Enricher:
    """Catalog facts for plays, cached by track id for the whole run (with their JSON: see
    :class:`~history.documents.CatalogFacts`)."""

    catalog: Catalog
    _facts: dict[str, CatalogFacts | None] = field(default_factory=dict)
    _names: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def prepare(self, plays: Sequence[Play]) -> Resolution:
        """Look up every track id of ``plays`` not seen before (and resolve id-less music plays by
        name); afterwards :meth:`track_id` and :meth:`facts` answer from memory."""
        resolution = self._resolve_names(plays)
        wanted = sorted({tid for p in plays if (tid := self.track_id(p)) and tid not in self._facts})
        for start in range(0, len(wanted), BATCH):
            self._look_up(wanted[start : start + BATCH])
        return resolution

    @property
    def tracks_looked_up(self) -> int:
        """Distinct track ids looked up in the catalog so far, found or not."""
        return len(self._facts)

    def track_id(self, play: Play) -> str | None:
        """The catalog track id of a play: its own, or the one its names resolved to."""
        return play.track_id or (
            self._names.get((play.artist_name, play.track_name))
            if play.uri is None and play.artist_name and play.track_name
            else None
        )

    def facts(self, play: Play) -> CatalogFacts | None:
        """Document fields from the catalog for this play; None when the catalog lacks its track."""
        track_id = self.track_id(play)
        return self._facts.get(track_id) if track_id else None

    def _look_up(self, ids: list[str]) -> None:
        tracks = self.catalog.tracks(ids)
        present = [t for t in tracks if t is not None]
        album_ids = _distinct(t["album"]["id"] for t in present)
        artist_ids = _distinct(a["id"] for t in present for a in t["artists"])
        # Only the album's own fields (label, popularity) are wanted: track_limit=0 skips reading
        # its tracklist, which would cost one range scan per album.
        albums = dict(zip(album_ids, self.catalog.albums(album_ids, track_limit=0)))
        artists = dict(zip(artist_ids, self.catalog.artists(artist_ids)))
        features = dict(zip(ids, self.catalog.audio_features(ids)))
        for track_id, track in zip(ids, tracks):
            self._facts[track_id] = (
                CatalogFacts.of(track_facts(track, albums.get(track["album"]["id"]), artists, features.get(track_id)))
                if track is not None
                else None
            )

    def _resolve_names(self, plays: Iterable[Play]) -> Resolution:
        pairs = {
            (p.artist_name, p.track_name)
            for p in plays
            if p.uri is None and p.content_type == "track" and p.artist_name and p.track_name
        }
        resolution = Resolution(asked=len(pairs))
        for artist, title in pairs - self._names.keys():
            self._names[(artist, title)] = self._search(artist, title)
        resolution.resolved = sum(1 for pair in pairs if self._names[pair])
        return resolution

    def _search(self, artist: str, title: str) -> str | None:
        query = f'track:"{_quote(title)}" artist:"{_quote(artist)}"'
        try:
            items = self.catalog.search(query, ["track"], limit=1)["tracks"]["items"]
        except CatalogError:
            return None  # a title the query language cannot express stays unresolved
        return items[0]["id"] if items else None


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _quote(value: str) -> str:
    # Spotify's syntax has no escape for a double quote inside a quoted value.
    return value.replace('"', " ")
