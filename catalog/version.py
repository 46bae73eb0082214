"""The package version and the catalog file format version it reads and writes."""

__version__ = "0.1.0"

# Bump whenever the catalog's tables or their meaning change: a catalog built with another format
# version is refused with a message telling the user to rebuild it.
FORMAT_VERSION = 12
