"""Every error the catalog raises, each explaining what is wrong and what to do next.

    CatalogError
    ├── DumpInvalid          a dump folder or file cannot be built from
    ├── CatalogNotFound      no catalog file at the given path
    ├── CatalogIncompatible  the file is not a catalog, is unfinished, or was built by another version
    ├── InvalidId            a string that cannot be a Spotify id
    └── QueryRejected        a search query that is malformed or could only be answered by a scan

Callers catch the family (``CatalogError``) at their edge and print ``str(exc)``: the message is
complete on its own, one line.
"""

from __future__ import annotations

from pathlib import Path


class CatalogError(Exception):
    """Base class of every error raised by the catalog."""


class DumpInvalid(CatalogError):
    """A dump folder or one of its parquet files is missing, unreadable or has the wrong columns."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class CatalogNotFound(CatalogError):
    """There is no catalog file where one was expected."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        super().__init__(
            f"No catalog at {self.path}. Build one with "
            f'"localspotify build --dump DUMP_DIR --catalog {self.path}" '
            '(or "localspotify demo" for a small demo catalog), or pass --catalog PATH.'
        )


class CatalogIncompatible(CatalogError):
    """The file exists but cannot be used as a catalog by this version."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(
            f"{self.path} {reason}. Rebuild it with "
            f'"localspotify build --dump DUMP_DIR --catalog {self.path}".'
        )


class InvalidId(CatalogError, ValueError):
    """A value that is not a 22-character base62 Spotify id (or a URI/URL holding one)."""

    def __init__(self, value: str, kind: str = "Spotify") -> None:
        self.value = value
        super().__init__(f"invalid {kind} id {value!r}: expected 22 characters of 0-9, a-z, A-Z")


class QueryRejected(CatalogError, ValueError):
    """A search query that is malformed or would need a full scan of a table."""

    def __init__(self, query: str, reason: str) -> None:
        self.query = query
        self.reason = reason
        super().__init__(f"search query {query!r} rejected: {reason}")
