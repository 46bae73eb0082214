"""One import run: export files → plays → enriched documents → bulk → ``processed/``.

A file is handled whole before the next: read (streaming), enrich with one batched catalog lookup,
turn into documents, index, and move to ``processed/`` only when the cluster acknowledged every one
of its documents and the file was read to its end. While one file is being indexed the next is
read and enriched on a worker thread, so the cluster and the catalog work at the same time.
Tracks the catalog lacks are looked up on Spotify's Web API when credentials are given
(history/online.py); wrong ones stop the run before anything is indexed, a Spotify that does
not answer only costs those plays their enrichment, with one warning. Ids
are deterministic, so a run stopped anywhere is finished by running the same command again: the
unmoved files are indexed again, overwriting what was there.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from elasticsearch import Elasticsearch

from catalog import Catalog

from .dashboard import install_dashboard
from .documents import FROM_CATALOG, document_id, document_json, duplicate_key, play_fields, play_time
from .elastic import ALIAS, ClusterUnavailable, Connection, bulk_loading, connect, ensure_index, index_documents
from .enrich import Enricher
from .exports import ExportFormat, Play, RecordProblem, export_format, read_export
from .online import Lookup, WebApiLookup, WebApiSettings

PROCESSED = "processed"
ACCOUNT_DATA_WARNING = (
    "{names}: account-data export (StreamingHistory*.json). It has no track ids, skips, platforms "
    "or shuffle/offline flags: plays are matched to the catalog by artist and title, and skips are "
    "guessed from the length. Request the 'Extended streaming history' at "
    "https://www.spotify.com/account/privacy/ for the full picture."
)
SPOTIFY_STOPPED_WARNING = (
    "No more lookups on Spotify's Web API in this run ({why}). Plays of the tracks the catalog lacks are indexed "
    "with the export's names from here on; once Spotify answers again, move the files back from "
    "processed/ and run the same command: their documents are updated in place (answers so far are cached)."
)

Echo = Callable[[str], None]


class ImportStopped(Exception):
    """The cluster went away mid-run; nothing of the current file was moved."""


def local_zone() -> tzinfo:
    """The machine's time zone as a named zone (so DST is right), from $TZ or /etc/localtime."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        localtime = Path("/etc/localtime")
        if localtime.is_symlink():
            name = str(localtime.resolve()).partition("zoneinfo/")[2]
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class ImportOptions:
    """How plays become documents: whose they are, in which time zone, and what is kept."""

    user: str = "unknown"
    zone: tzinfo = field(default_factory=local_zone)
    keep_ip: bool = False


@dataclass
class FileReport:
    """What happened to one export file."""

    path: Path
    plays: int = 0
    documents: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    matched: int = 0
    resolved_online: int = 0  # plays whose facts came from the Web API
    online: Lookup | None = None  # the file's tracks the catalog lacks, looked up online
    by_content_type: dict[str, int] = field(default_factory=dict)
    problems: list[RecordProblem] = field(default_factory=list)
    resolved_names: tuple[int, int] = (0, 0)  # (resolved, asked) for account-data plays
    indexed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    moved: bool = False
    seconds: float = 0.0

    @property
    def read_to_end(self) -> bool:
        return not any(p.fatal for p in self.problems)

    def summary(self) -> str:
        rate = f", {self.plays / self.seconds:,.0f} plays/s" if self.seconds else ""
        parts = [
            f"{self.path.name}: {self.plays:,} plays",
            f"{self.matched:,} matched in the catalog",
            f"{self.resolved_online:,} resolved online" if self.online is not None else "",
            ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.by_content_type.items())),
        ]
        if self.online is not None and self.online.asked:
            parts.append(online_summary(self.online))
        if self.resolved_names[1]:
            parts.append(f"{self.resolved_names[0]:,} of {self.resolved_names[1]:,} artist/title pairs resolved")
        if self.exact_duplicates or self.near_duplicates:
            parts.append(f"{self.exact_duplicates:,} exact and {self.near_duplicates:,} near duplicates")
        if self.problems:
            parts.append(f"{len(self.problems):,} unreadable record(s)")
        return "; ".join(p for p in parts if p) + rate


def online_summary(lookup: Lookup) -> str:
    """``2 of 5 tracks the catalog lacks found online (1 unknown to Spotify, 2 not looked up; 4
    requests, 1 track from the cache)``; in a dry run the tracks not looked up "would be"."""
    found = f"{len(lookup.facts):,} of {lookup.asked:,} tracks the catalog lacks found online"
    rest = [f"{lookup.unknown:,} unknown to Spotify" if lookup.unknown else ""]
    if lookup.pending:
        rest.append(f"{lookup.pending:,} would be looked up" if lookup.dry_run else f"{lookup.pending:,} not looked up")
    rest.append(f"{lookup.requests:,} requests, {lookup.from_cache:,} tracks from the cache")
    return f"{found} ({', '.join(r for r in rest if r)})"


@dataclass
class ImportSummary:
    files: list[FileReport] = field(default_factory=list)

    @property
    def indexed(self) -> int:
        return sum(f.indexed for f in self.files)

    @property
    def online(self) -> Lookup | None:
        """The run's Web API lookups added up; None when none were made."""
        lookups = [f.online for f in self.files if f.online is not None]
        if not lookups:
            return None
        total = Lookup(dry_run=lookups[0].dry_run)
        for lookup in lookups:
            total.facts.update(lookup.facts)
            total.asked += lookup.asked
            total.unknown += lookup.unknown
            total.pending += lookup.pending
            total.from_cache += lookup.from_cache
            total.requests += lookup.requests
        return total


def zone_named(name: str) -> ZoneInfo:
    """:raises ValueError: naming the zone when it is not an IANA time zone like Europe/Berlin."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}: use an IANA name like Europe/Berlin") from exc


def export_files(folder: Path) -> tuple[list[tuple[Path, ExportFormat]], list[Path]]:
    """The export files directly in ``folder`` (not ``processed/``), and the JSON files that are not."""
    found, other = [], []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        fmt = export_format(path)
        if fmt is not None:
            found.append((path, fmt))
        elif path.suffix.lower() == ".json":
            other.append(path)
    return found, other


class Importer:
    """Imports export files for one user; holds the run-wide caches (catalog facts, duplicates)."""

    def __init__(
        self, catalog: Catalog, options: ImportOptions, *, echo: Echo = print, online: WebApiLookup | None = None
    ) -> None:
        self.options = options
        self.echo = echo
        self.enricher = Enricher(catalog, online)
        self._emitted: set[str] = set()
        # (user, ts, content) → id of the first play seen, to flag the export's near-repeats.
        self._first_of: dict[tuple[Any, ...], str] = {}

    def read(self, path: Path, fmt: ExportFormat) -> tuple[list[Play], FileReport]:
        """Parse and enrich one file; its documents come from :meth:`documents`."""
        started = time.perf_counter()
        report = FileReport(path)
        plays: list[Play] = []
        for item in read_export(path, fmt):
            if isinstance(item, RecordProblem):
                report.problems.append(item)
            else:
                plays.append(item)
        resolution = self.enricher.prepare(plays)
        report.plays = len(plays)
        report.resolved_names = (resolution.resolved, resolution.asked)
        report.online = resolution.online
        report.seconds = time.perf_counter() - started
        return plays, report

    def prepare(self, path: Path, fmt: ExportFormat) -> tuple[FileReport, list[tuple[str, str]]]:
        """:meth:`read` and :meth:`documents` of one file: everything before indexing it."""
        with collector_paused():
            plays, report = self.read(path, fmt)
            return report, self.documents(plays, report)

    def documents(self, plays: Sequence[Play], report: FileReport) -> list[tuple[str, str]]:
        """``(id, document as JSON)`` of each play, minus exact repeats; counts land in ``report``.

        A file's documents are built before its bulk starts, so a failure can say "N of M"."""
        return list(self._documents(plays, report))

    def _documents(self, plays: Sequence[Play], report: FileReport) -> Iterator[tuple[str, str]]:
        user, zone, keep_ip = self.options.user, self.options.zone, self.options.keep_ip
        zone_name, source, facts_of = str(zone), report.path.name, self.enricher.facts
        counts = report.by_content_type
        for play in plays:
            time_fields = play_time(play.ts, zone)
            doc_id = document_id(user, play, time_fields)
            if doc_id in self._emitted:
                report.exact_duplicates += 1  # the same play twice in the export: one document
                continue
            self._emitted.add(doc_id)
            first = self._first_of.setdefault(duplicate_key(user, play), doc_id)
            duplicate_of = first if first != doc_id else None
            report.near_duplicates += duplicate_of is not None
            facts = facts_of(play)
            if facts is not None:
                if facts.source == FROM_CATALOG:
                    report.matched += 1
                else:
                    report.resolved_online += 1
            counts[play.content_type] = counts.get(play.content_type, 0) + 1
            report.documents += 1
            fields = play_fields(
                play,
                time_fields,
                user=user,
                zone_name=zone_name,
                matched=facts is not None,
                duration=facts.duration if facts else None,
                keep_ip=keep_ip,
                duplicate_of=duplicate_of,
                source_file=source,
            )
            yield doc_id, document_json(fields, facts)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block, then as it was before.

    Preparing a file makes hundreds of thousands of objects (plays, facts, documents) that live
    until the file is indexed, and none of them is in a reference cycle: a full collection after
    a whole run finds nothing to free. The collector still walks every live object each time its
    allocation counters trip: about a fifth of the importer's CPU with its default thresholds
    (bench/history.py, 250,000 plays: parse, enrich and documents took 15.8-16.5 CPU seconds
    paused, 19.3-19.7 not, in alternating runs). Reference counting frees everything as before;
    a cycle made meanwhile waits for the collector's next run. Process-wide: files are prepared
    one at a time, on one thread.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _prepared_ahead(
    importer: Importer, files: Sequence[tuple[Path, ExportFormat]]
) -> Iterator[tuple[FileReport, list[tuple[str, str]]]]:
    """:meth:`Importer.prepare` of each file in order, the next one running on a worker thread
    while the caller indexes the one it was given. One worker, so files are still prepared one
    after the other (duplicates are flagged in file order) and at most two files' documents are
    held at once."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="history-prepare") as worker:
        ahead: Future[tuple[FileReport, list[tuple[str, str]]]] | None = None
        for path, fmt in files:
            following = worker.submit(importer.prepare, path, fmt)
            if ahead is not None:
                yield ahead.result()
            ahead = following
        if ahead is not None:
            yield ahead.result()


def run_import(
    folder: Path,
    importer: Importer,
    *,
    client: Elasticsearch | None,
    where: str = "",
    on_chunk: Callable[[Path, int], None] | None = None,
) -> ImportSummary:
    """Import every export file in ``folder``; ``client=None`` is a dry run that indexes and moves nothing.

    :raises ImportStopped: when the cluster stops answering; files already moved stay moved.
    """
    echo = importer.echo
    files, other = export_files(folder)
    for path in other:
        echo(f"skipped {path.name}: not a Spotify streaming-history file")
    account = [p.name for p, fmt in files if fmt.is_account_data]
    if account:
        echo("warning: " + ACCOUNT_DATA_WARNING.format(names=", ".join(account)))
    summary = ImportSummary()
    finished = time.perf_counter()
    for report, documents in _prepared_ahead(importer, files):
        summary.files.append(report)
        for problem in report.problems:
            echo(f"unreadable: {problem}")
        if report.online is not None and report.online.failure:
            echo("warning: " + SPOTIFY_STOPPED_WARNING.format(why=report.online.failure))
        if client is None:
            if documents:
                doc_id, doc = documents[0]
                first = json.dumps(json.loads(doc), ensure_ascii=False, sort_keys=True)
                echo(f"first document ({doc_id}): {first}")
        else:
            _index_file(client, where, documents, report, on_chunk)
        # Wall time since the previous file was done: this one was read while that one was indexed.
        now = time.perf_counter()
        report.seconds, finished = now - finished, now
        if client is not None and report.failed == 0 and report.read_to_end:
            processed = folder / PROCESSED
            processed.mkdir(exist_ok=True)
            report.path.replace(processed / report.path.name)
            report.moved = True
        echo(report.summary() + _outcome(report, dry_run=client is None))
    return summary


def _index_file(
    client: Elasticsearch,
    where: str,
    documents: list[tuple[str, str]],
    report: FileReport,
    on_chunk: Callable[[Path, int], None] | None,
) -> None:
    callback = (lambda done: on_chunk(report.path, done)) if on_chunk else None
    try:
        result = index_documents(client, documents, where=where, on_chunk=callback)
    except ClusterUnavailable as exc:
        raise ImportStopped(
            f"Elasticsearch at {where} stopped answering after {exc.args[1]:,} of {len(documents):,} documents of "
            f"{report.path.name}; that file was not moved; run the same command again."
        ) from exc
    report.indexed, report.failed, report.errors = result.acknowledged, result.failed, result.errors


def _outcome(report: FileReport, *, dry_run: bool) -> str:
    if dry_run:
        return f" -> would index {report.documents:,} documents (dry run)"
    if report.moved:
        return f" -> indexed {report.indexed:,}, moved to {PROCESSED}/"
    why = (
        f"{report.failed:,} document(s) rejected, e.g. {report.errors[0]}"
        if report.failed
        else "the file could not be read to its end"
    )
    return f" -> indexed {report.indexed:,}, NOT moved: {why}"



def import_folder(
    folder: Path,
    catalog: Catalog,
    options: ImportOptions,
    *,
    connection: Connection | None,
    kibana_url: str | None = None,
    echo: Echo = print,
    on_chunk: Callable[[Path, int], None] | None = None,
    online: WebApiSettings | None = None,
) -> ImportSummary:
    """The whole job behind ``localspotify history`` and ``beet spotifyhistory``.

    ``connection=None`` is a dry run. With ``kibana_url`` the dashboard is imported after the plays.
    With ``online``, tracks the catalog lacks are looked up on Spotify's Web API; a dry run asks
    nothing and only reads the answers cached by earlier runs (it counts what it would look up).

    :raises BadCredentials: when Spotify refuses ``online``'s credentials; nothing is indexed then.
    :raises HistoryIndexError: when the cluster cannot be set up.
    :raises ImportStopped: when it stops answering mid-run.
    :raises RuntimeError: when Kibana refuses the dashboard.
    """
    lookup = _web_api_lookup(online, catalog, dry_run=connection is None, echo=echo) if online else None
    try:
        importer = Importer(catalog, options, echo=echo, online=lookup)
        if connection is None:
            summary = run_import(folder, importer, client=None)
        else:
            client = connect(connection)
            ensure_index(client, connection.where)
            with bulk_loading(client, connection.where):
                summary = run_import(folder, importer, client=client, where=connection.where, on_chunk=on_chunk)
    finally:
        if lookup is not None:
            lookup.close()
    if lookup is not None and (total := summary.online) is not None:
        echo(f"Spotify Web API: {online_summary(total)}")
    if connection is None:
        return summary
    echo(f"{summary.indexed:,} documents indexed into {ALIAS} at {connection.where}")
    if kibana_url:
        count = install_dashboard(
            kibana_url, api_key=connection.api_key, user=connection.user, password=connection.password
        )
        echo(f"dashboard installed in Kibana at {kibana_url} ({count} saved objects)")
    return summary


def _web_api_lookup(settings: WebApiSettings, catalog: Catalog, *, dry_run: bool, echo: Echo) -> WebApiLookup:
    """The lookup of tracks the catalog lacks, its credentials checked (except in a dry run, which
    asks Spotify nothing).

    :raises BadCredentials: when Spotify refuses them.
    """
    lookup = WebApiLookup(settings, offline=dry_run, catalog=catalog)
    if dry_run:
        echo(f"Spotify Web API: dry run, nothing is asked; answers cached in {settings.cache_dir} are used")
        return lookup
    try:
        why = lookup.check()
    except BaseException:
        lookup.close()
        raise
    if why:
        echo("warning: " + SPOTIFY_STOPPED_WARNING.format(why=why))
    else:
        echo(f"Spotify Web API: tracks the catalog lacks are looked up online (answers cached in {settings.cache_dir})")
    return lookup
