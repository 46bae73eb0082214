"""The Elasticsearch side: connection, index template, versioned index behind an alias, bulk.

Documents go to the alias ``spotify-history``, which points at ``spotify-history-v1``; a future
mapping change creates ``-v2`` from the same composable template and moves the alias, so the
dashboard and ES|QL (``FROM spotify-history``) never see an index name change. Every document is
computed in Python (the catalog is local), so there is no ingest pipeline: it would only move work
onto the cluster. Documents arrive already serialized, and a few bulk requests are in flight at
once so every indexing thread of the cluster has work. Bulk requests retry on 429; a cluster that
stops answering ends the run with :class:`ClusterUnavailable` saying how far the file got.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from json.encoder import encode_basestring_ascii as encode_json_string
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from .documents import MAPPING

ALIAS = "spotify-history"
INDEX_VERSION = 1
INDEX = f"{ALIAS}-v{INDEX_VERSION}"
TEMPLATE = ALIAS
# History is written in bulk and read later: refreshing every 10 s (not 1 s) costs nothing.
REFRESH_INTERVAL = "10s"
CHUNK_SIZE = 1_000
# Bulk requests in flight at once. While the cluster indexes one, the next is already waiting, so
# its write threads never idle on our round trips; more would only queue on a small cluster.
CONNECTIONS = 2
# Only what the outcome of each document needs comes back: a full bulk response repeats shard
# counts and sequence numbers per document, which cost more to send and decode than to index.
BULK_RESPONSE = "errors,items.*._id,items.*.status,items.*.result,items.*.error"
MAX_ERRORS_KEPT = 5


class HistoryIndexError(Exception):
    """Base of what the Elasticsearch side raises; the message is complete and says what to do."""


class ClusterUnavailable(HistoryIndexError):
    """The cluster did not answer (refused, timed out, died mid-bulk)."""


class IndexConflict(HistoryIndexError):
    """Something already sits where the alias must go."""


@dataclass(frozen=True)
class Connection:
    """Where and how to reach the cluster; exactly one of ``url`` and ``cloud_id``."""

    url: str | None = None
    cloud_id: str | None = None
    api_key: str | None = None
    user: str | None = None
    password: str | None = None
    ca_certs: str | None = None
    request_timeout: float = 60.0

    @property
    def where(self) -> str:
        return self.url or f"cloud id {self.cloud_id}"


def connect(connection: Connection) -> Elasticsearch:
    """A client for ``connection``; it does not touch the network until first used."""
    options: dict[str, Any] = {
        "request_timeout": connection.request_timeout,
        "max_retries": 2,
        "retry_on_timeout": True,
    }
    if connection.api_key:
        options["api_key"] = connection.api_key
    elif connection.user:
        options["basic_auth"] = (connection.user, connection.password or "")
    if connection.ca_certs:
        options["ca_certs"] = connection.ca_certs
    if connection.cloud_id:
        return Elasticsearch(cloud_id=connection.cloud_id, **options)
    return Elasticsearch(connection.url, **options)


def template_body() -> dict[str, Any]:
    """The composable index template every ``spotify-history-v*`` index is created from."""
    return {
        "index_patterns": [f"{ALIAS}-v*"],
        "priority": 200,
        "template": {
            # One replica when a second node exists, so a single-node cluster stays green.
            "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1", "refresh_interval": REFRESH_INTERVAL},
            "mappings": MAPPING,
        },
        "_meta": {"description": "Spotify listening history imported by localspotify", "version": INDEX_VERSION},
    }


def ensure_index(client: Elasticsearch, where: str) -> None:
    """Install the template and create the versioned index behind the alias, unless present.

    :raises IndexConflict: when a concrete index named ``spotify-history`` exists (the original
        importer wrote to one); it must be reindexed into the alias or deleted first.
    :raises ClusterUnavailable: when the cluster does not answer.
    """
    try:
        client.indices.put_index_template(name=TEMPLATE, **template_body())
        if client.indices.exists_alias(name=ALIAS):
            _add_new_fields(client)
            return
        if client.indices.exists(index=ALIAS):
            raise IndexConflict(
                f"{where} already has an index named {ALIAS!r} (the original importer's). Reindex it "
                f"(POST _reindex {{source: {ALIAS}, dest: {INDEX}}}) and delete it, or just delete it; "
                f"the import writes through an alias of that name."
            )
        if not client.indices.exists(index=INDEX):
            client.indices.create(index=INDEX, aliases={ALIAS: {"is_write_index": True}})
        else:
            client.indices.put_alias(index=INDEX, name=ALIAS, is_write_index=True)
            _add_new_fields(client)
    except TransportError as exc:
        raise ClusterUnavailable(f"Elasticsearch at {where} does not answer ({exc}); is the URL right?") from exc
    except ApiError as exc:
        raise HistoryIndexError(f"Elasticsearch at {where} refused to set up {ALIAS}: {exc}") from exc


def _add_new_fields(client: Elasticsearch) -> None:
    """Put the mapping's fields into an index created before some of them existed (such as
    ``metadata_source``): the mapping is strict, so it would reject every document carrying one.
    Adding fields to a live index is allowed; changing one is not, and takes a new ``-v`` index."""
    client.indices.put_mapping(index=ALIAS, dynamic=MAPPING["dynamic"], properties=MAPPING["properties"])


@contextlib.contextmanager
def bulk_loading(client: Elasticsearch, where: str) -> Iterator[None]:
    """The index without periodic refreshes while the block writes to it, then refreshed once.

    Each refresh makes a small segment that must be merged later and sends the id lookups of the
    following writes to disk: up to a quarter of the cluster's work during an import (measured on
    the shared test engine). Refreshing is about what searches see, not durability: acknowledged
    documents are in the translog either way. Afterwards the template's interval is put back (not
    whatever was there, which may be another run's -1) and the index refreshed, so everything
    indexed is searchable. A run killed in the block leaves -1 behind until the next run ends. A
    cluster that refuses the setting (a key without ``manage`` on the index) is written to as is.

    :raises ClusterUnavailable: when the cluster does not answer.
    """
    tuned = _put_refresh_interval(client, where, "-1")
    try:
        yield
    except BaseException:
        with contextlib.suppress(HistoryIndexError):  # the cluster may be why the block stopped
            _end_bulk_load(client, where, tuned)
        raise
    _end_bulk_load(client, where, tuned)


def _put_refresh_interval(client: Elasticsearch, where: str, interval: str) -> bool:
    """Whether the cluster took the index's new refresh interval (False: it refused)."""
    try:
        client.indices.put_settings(index=ALIAS, settings={"index": {"refresh_interval": interval}})
    except TransportError as exc:
        raise ClusterUnavailable(f"Elasticsearch at {where} does not answer ({exc})") from exc
    except ApiError:
        return False
    return True


def _end_bulk_load(client: Elasticsearch, where: str, tuned: bool) -> None:
    if tuned:
        _put_refresh_interval(client, where, REFRESH_INTERVAL)
    try:
        client.indices.refresh(index=ALIAS)
    except TransportError as exc:
        raise ClusterUnavailable(f"Elasticsearch at {where} does not answer ({exc})") from exc
    except ApiError as exc:
        raise HistoryIndexError(f"Elasticsearch at {where} refused to refresh {ALIAS}: {exc}") from exc


@dataclass
class BulkResult:
    """What the cluster acknowledged of one batch of documents."""

    created: int = 0
    updated: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return self.created + self.updated

    def add(self, other: BulkResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.failed += other.failed
        self.errors.extend(other.errors[: MAX_ERRORS_KEPT - len(self.errors)])


Progress = Callable[[int], None]
"""Called with the count of acknowledged documents after each bulk chunk."""

Source = str | Mapping[str, Any]
"""A document, or its JSON (already serialized: see :func:`history.documents.document_json`)."""


def index_documents(
    client: Elasticsearch,
    documents: Sequence[tuple[str, Source]],
    *,
    where: str,
    on_chunk: Progress | None = None,
) -> BulkResult:
    """Index ``(id, document)`` pairs through the alias; per-document failures are counted, not raised.

    Chunks of :data:`CHUNK_SIZE` go out :data:`CONNECTIONS` at a time; ``on_chunk`` is called
    after each, in order.

    :raises ClusterUnavailable: when the cluster stops answering; ``args[1]`` is the count
        acknowledged before it did.
    """
    result = BulkResult()
    chunks = [documents[start : start + CHUNK_SIZE] for start in range(0, len(documents), CHUNK_SIZE)]
    pool = ThreadPoolExecutor(max_workers=CONNECTIONS, thread_name_prefix="history-bulk")
    try:
        for outcome in pool.map(partial(_index_chunk, client), chunks):
            result.add(outcome)
            if on_chunk:
                on_chunk(result.acknowledged)
    except TransportError as exc:
        raise ClusterUnavailable(f"Elasticsearch at {where} stopped answering ({exc})", result.acknowledged) from exc
    finally:
        pool.shutdown(cancel_futures=True)
    return result


def _index_chunk(client: Elasticsearch, documents: Sequence[tuple[str, Source]]) -> BulkResult:
    """One bulk request (retried on 429 with back-off), counted per document."""
    result = BulkResult()
    for ok, item in helpers.streaming_bulk(
        client,
        documents,
        expand_action_callback=_bulk_lines,
        chunk_size=len(documents),
        max_retries=5,
        initial_backoff=1,
        raise_on_error=False,
        index=ALIAS,
        filter_path=BULK_RESPONSE,
    ):
        outcome = item["index"]
        if ok:
            if outcome.get("result") == "created":
                result.created += 1
            else:
                result.updated += 1
        else:
            result.failed += 1
            if len(result.errors) < MAX_ERRORS_KEPT:
                result.errors.append(f"{outcome.get('_id')}: {outcome.get('error')}")
    return result


def _bulk_lines(document: tuple[str, Source]) -> tuple[bytes, Source]:
    """The action line and the source of one ``(id, document)`` in a bulk request.

    The index is in the request's URL, so the action line holds only the id and is written here:
    the client's generic action expansion and its JSON encoding of each action dict cost more than
    the rest of its work on a document. The client passes bytes and strings through unencoded.
    """
    doc_id, source = document
    return b'{"index":{"_id":%s}}' % encode_json_string(doc_id).encode(), source


@dataclass(frozen=True)
class TrackPlays:
    """Listening totals of one track for one user, from the index."""

    track_id: str
    isrc: str | None
    play_count: int
    skip_count: int
    last_played: float  # epoch seconds


def track_play_counts(client: Elasticsearch, user: str) -> Iterator[TrackPlays]:
    """Plays, skips and last play of every catalog-matched track of ``user``, from all indexed plays.

    Read from the index (a composite aggregation, paged) rather than from this run's files, so the
    counts are totals however many runs imported them.
    """
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {
            "size": 1000,
            "sources": [
                {"id": {"terms": {"field": "track.id"}}},
                {"isrc": {"terms": {"field": "track.isrc", "missing_bucket": True}}},
            ],
        }
        if after:
            composite["after"] = after
        response = client.search(
            index=ALIAS,
            size=0,
            query={"bool": {"filter": [{"term": {"user": user}}, {"term": {"content_type": "track"}}]}},
            aggs={
                "tracks": {
                    "composite": composite,
                    "aggs": {
                        "skips": {"filter": {"term": {"skipped_effective": True}}},
                        "last": {"max": {"field": "@timestamp"}},
                    },
                }
            },
        )
        buckets = response["aggregations"]["tracks"]["buckets"]
        for bucket in buckets:
            skips = bucket["skips"]["doc_count"]
            yield TrackPlays(
                track_id=bucket["key"]["id"],
                isrc=bucket["key"]["isrc"],
                play_count=bucket["doc_count"] - skips,
                skip_count=skips,
                last_played=bucket["last"]["value"] / 1000,
            )
        after = response["aggregations"]["tracks"].get("after_key")
        if not buckets or not after:
            return
