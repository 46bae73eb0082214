"""localspotify's catalog: the whole Spotify catalog on your own disk, answered in-process.

    from catalog import Catalog
    cat = Catalog.open(path)
    cat.track(id), cat.album(id), cat.search('artist:"New Order" blue monday')
"""

from typing import TYPE_CHECKING, Any

from .catalog import Catalog
from .errors import (
    CatalogError,
    CatalogIncompatible,
    CatalogNotFound,
    DumpInvalid,
    InvalidId,
    QueryRejected,
)
from .facts import AlbumFacts, AudioFeatureFacts, TrackFacts
from .ids import parse_id
from .version import FORMAT_VERSION, __version__

__all__ = [
    "FORMAT_VERSION",
    "AlbumFacts",
    "AudioFeatureFacts",
    "Catalog",
    "CatalogError",
    "CatalogIncompatible",
    "CatalogNotFound",
    "DumpInvalid",
    "InvalidId",
    "QueryRejected",
    "TrackFacts",
    "__version__",
    "build_catalog",
    "parse_id",
]

if TYPE_CHECKING:
    from .build import build_catalog


def __getattr__(name: str) -> Any:
    # The builder pulls in pyarrow; readers (a beets start, a server worker) should not pay for it.
    if name == "build_catalog":
        from .build import build_catalog

        return build_catalog
    raise AttributeError(f"module 'catalog' has no attribute {name!r}")
