"""What the local catalog knows about the plays of one export file, in a few batched lookups.

The catalog answers many ids per statement, so a file's distinct track ids are looked up together
(:meth:`~catalog.Catalog.track_facts`: the few values a document needs, not full Web API
objects), never once per play. Facts are kept across files: a track heard in every year's file is
looked up once per run. Account-data plays carry no ids; they are resolved by artist and title
through catalog search, once per distinct pair.

With a :class:`~history.online.WebApiLookup`, the ids of a file the catalog lacks (each once)
are then looked up on Spotify's Web API; their facts are held like the catalog's, marked as
coming from the Web API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from catalog import Catalog, CatalogError

from .documents import FROM_WEB_API, CatalogFacts
from .exports import Play
from .online import Lookup, WebApiLookup

# Ids per catalog call: large enough that statement overhead vanishes, small enough to bound memory.
BATCH = 5_000
_TRACK_URI = "spotify:track:"


@dataclass
class Resolution:
    """How the account-data plays of a file were matched to catalog tracks by name."""

    asked: int = 0
    resolved: int = 0
    online: Lookup | None = None  # the file's tracks the catalog lacks, looked up on the Web API


@dataclass
class Enricher:
    """Catalog facts for plays, cached for the whole run (with their JSON: see
    :class:`~history.documents.CatalogFacts`).

    Facts are keyed by track URI, the form plays carry, so finding a play's facts is one dict
    lookup: a history has a dozen plays per track, and this runs for each of them.
    """

    catalog: Catalog
    online: WebApiLookup | None = None
    _facts: dict[str, CatalogFacts | None] = field(default_factory=dict)
    _names: dict[tuple[str, str], str | None] = field(default_factory=dict)  # → track URI

    def prepare(self, plays: Sequence[Play]) -> Resolution:
        """Look up every track of ``plays`` not seen before (and resolve id-less music plays by
        name), then those the catalog lacks online; afterwards :meth:`facts` answers from memory."""
        resolution = self._resolve_names(plays)
        uris = {p.uri for p in plays} | set(self._names.values())
        wanted = sorted(u for u in uris - self._facts.keys() if u and u.startswith(_TRACK_URI))
        for start in range(0, len(wanted), BATCH):
            self._look_up(wanted[start : start + BATCH])
        if self.online is not None:
            resolution.online = self._look_up_online([u for u in wanted if self._facts[u] is None])
        return resolution

    @property
    def tracks_looked_up(self) -> int:
        """Distinct tracks looked up in the catalog so far, found or not."""
        return len(self._facts)

    def facts(self, play: Play) -> CatalogFacts | None:
        """Document fields from the catalog (or the Web API) for this play; None when neither knows
        its track (or it is no track)."""
        uri = play.uri
        if uri is None and play.artist_name and play.track_name:  # account data: what its names resolved to
            uri = self._names.get((play.artist_name, play.track_name))
        return self._facts.get(uri) if uri else None

    def _look_up(self, uris: list[str]) -> None:
        # Bare ids: the catalog takes URIs too, but reads a bare id faster.
        for uri, facts in zip(uris, self.catalog.track_facts([uri[len(_TRACK_URI) :] for uri in uris])):
            self._facts[uri] = CatalogFacts.of(facts) if facts is not None else None

    def _look_up_online(self, uris: list[str]) -> Lookup:
        assert self.online is not None
        lookup = self.online.track_facts(uris)
        for uri in uris:
            facts = lookup.facts.get(uri[len(_TRACK_URI) :])
            if facts is not None:
                self._facts[uri] = CatalogFacts.of(facts, FROM_WEB_API)
        return lookup

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
        return items[0]["uri"] if items else None


def _quote(value: str) -> str:
    # Spotify's syntax has no escape for a double quote inside a quoted value.
    return value.replace('"', " ")
