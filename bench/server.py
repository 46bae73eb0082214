"""Benchmark: the Web API server under load, side by side with the original clone's approach.

Starts ``python -m server`` (``--workers N``) on a catalog and drives it from a second process on
loopback: keep-alive connections on one event loop, asking for random ids and for beets-style
searches, for a fixed time each. With ``--dump``, the same id lookups then go to the
original clone's approach: a tiny FastAPI app answering ``/v1/tracks/{id}`` with DuckDB straight
over the dump's raw parquet files.

    uv run --all-extras python bench/server.py --catalog /tmp/catalog.duckdb --dump /tmp/dump --workers 2

Ids come from ``--ids-from`` (any parquet file with an ``id`` column, e.g. the dump's
``tracks.parquet``), else the dump's ``tracks.parquet``, else search results from the catalog.
Prints a markdown table per scenario: requests/s, p50/p99 latency, the CPU time per request of
the server and of the load generator (both share the machine's cores), the load average, and the
share of CPU time the hypervisor stole for other virtual machines during the scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402  (the baseline and the id sampling read parquet directly)
import httptools  # noqa: E402  (the server extra's HTTP parser, here parsing the responses)
import uvloop  # noqa: E402

from catalog import Catalog  # noqa: E402
from steal import machine_times, steal_share  # noqa: E402  (bench/steal.py, beside this script)

SAMPLE_WORDS = ["a", "the", "love", "you", "me", "de", "la", "my", "in", "night", "remix", "live", "i", "on", "feat"]


@dataclass
class Result:
    scenario: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    server_cpu_ms: float
    """Server CPU time (all its processes, user + system) per request, warm-up included."""
    client_cpu_ms: float
    """The load generator's CPU time per request: what it took from the cores the server runs on."""
    load: float
    """The 1-minute load average at the end, this benchmark's own processes included."""
    steal: float
    """Share of the machine's CPU time the hypervisor gave to other machines during the scenario."""

    def row(self) -> str:
        ordered = sorted(self.latencies_ms) or [float("nan")]
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        rate = self.requests / self.seconds
        return (
            f"| {self.scenario} | {self.requests:,} | {rate:,.0f} | {statistics.median(ordered):.2f} "
            f"| {p99:.2f} | {self.server_cpu_ms:.2f} | {self.client_cpu_ms:.2f} | {self.load:.1f} | {self.steal:.0%} "
            f"| {self.errors} |"
        )


# -- the load generator (runs in its own process) ----------------------------------------------


class _Connection(asyncio.Protocol):
    """One keep-alive connection that sends its next request as soon as the last answer is complete.

    The client must cost the server as little CPU as possible, since both share the machine's
    cores: one event loop, requests pre-encoded, responses parsed by httptools' C parser without
    their bodies being kept (nor gunzipped) and no per-request object beyond the parser's callbacks.
    """

    def __init__(self, requests: list[bytes], rng: random.Random, expect: int, start: float, stop: float) -> None:
        self.requests = requests
        self.rng = rng
        self.expect = expect
        self.start = start
        self.stop = stop
        self.parser = httptools.HttpResponseParser(self)
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.sent_at = 0.0
        self.sent = 0
        self.errors = 0
        self.latencies: list[float] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        self.sent += 1
        self.sent_at = time.perf_counter()
        self.transport.write(self.rng.choice(self.requests))

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        now = time.perf_counter()
        if self.sent_at >= self.start:
            self.latencies.append((now - self.sent_at) * 1000)
            self.errors += self.parser.get_status_code() != self.expect
        if now < self.stop:
            self._send()
        else:
            assert self.transport is not None
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is None and time.perf_counter() < self.stop:
            exc = ConnectionError("the server closed the connection")
        if exc is not None:
            self.done.set_exception(exc)
        else:
            self.done.set_result(None)


def generate_load(
    port: int, paths: list[str], expect: int, concurrency: int, seconds: float, warmup: float
) -> tuple[int, int, int, list[float], float]:
    """Hit ``paths`` at random from ``concurrency`` keep-alive connections; return all requests
    sent, then the requests, errors (a status other than ``expect``) and latencies (ms) of the
    ``seconds`` after ``warmup``, and this process's CPU seconds."""
    # Clients such as requests and spotipy ask for gzip; so does this one.
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: gzip\r\n\r\n".encode() for path in paths
    ]

    async def run() -> list[_Connection]:
        loop = asyncio.get_running_loop()
        start = time.perf_counter() + warmup
        connections = [
            _Connection(requests, random.Random(seed), expect, start, start + seconds) for seed in range(concurrency)
        ]
        for connection in connections:
            await loop.create_connection(lambda c=connection: c, "127.0.0.1", port)
        # A generous bound, only so that a server that stops answering ends the benchmark.
        await asyncio.wait_for(asyncio.gather(*(c.done for c in connections)), warmup + seconds + 120)
        return connections

    cpu_before = time.process_time()
    connections = uvloop.run(run())
    cpu = time.process_time() - cpu_before
    latencies = [ms for connection in connections for ms in connection.latencies]
    sent = sum(connection.sent for connection in connections)
    return sent, len(latencies), sum(connection.errors for connection in connections), latencies, cpu


def measure(
    scenario: str,
    server: subprocess.Popen[bytes],
    port: int,
    paths: list[str],
    args: argparse.Namespace,
    expect: int = 200,
) -> Result:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        cpu_before, machine_before = cpu_seconds(server.pid), machine_times()
        sent, requests, errors, latencies, client_cpu = pool.submit(
            generate_load, port, paths, expect, args.concurrency, args.seconds, args.warmup
        ).result()
        cpu_ms = (cpu_seconds(server.pid) - cpu_before) * 1000 / max(sent, 1)
        steal = steal_share(machine_before, machine_times())
    result = Result(
        scenario, requests, errors, args.seconds, latencies, cpu_ms, client_cpu * 1000 / max(sent, 1),
        os.getloadavg()[0], steal,
    )
    print(result.row(), flush=True)
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and all its descendants (Linux ``/proc``).

    Unlike requests/s, this does not depend on what else the machine is running."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # the process has ended
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


# -- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], port: int, ready_path: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server command for the duration of the block, from when ``ready_path`` answers."""
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                connection.request("GET", ready_path)
                connection.getresponse().read()
                break
            except OSError as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"{' '.join(command)} did not start:\n{log.read().decode()[-2000:]}") from exc
                time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def baseline_app(dump: Path) -> Any:
    """The original clone's approach: every lookup a DuckDB query over the raw parquet files."""
    from fastapi import FastAPI, HTTPException

    connection = duckdb.connect()
    files = {name: str(dump / f"{name}.parquet") for name in ("tracks", "albums", "track_artists", "artists")}
    app = FastAPI()

    @app.get("/v1/tracks/{track_id}")
    def track(track_id: str) -> dict[str, Any]:
        cursor = connection.cursor()
        rows = cursor.execute(
            """SELECT t.*, a.name AS album_name, a.release_date, a.album_type
               FROM read_parquet(?) t JOIN read_parquet(?) a ON a.rowid = t.album_rowid
               WHERE t.id = ?""",
            [files["tracks"], files["albums"], track_id],
        ).fetchall()
        if not rows:
            raise HTTPException(404)
        names = [d[0] for d in cursor.description]
        found = dict(zip(names, rows[0], strict=True))
        found["artists"] = [
            {"id": artist_id, "name": name}
            for artist_id, name in cursor.execute(
                """SELECT ar.id, ar.name FROM read_parquet(?) ta JOIN read_parquet(?) ar ON ar.rowid = ta.artist_rowid
                   WHERE ta.track_rowid = ?""",
                [files["track_artists"], files["artists"], found["rowid"]],
            ).fetchall()
        ]
        return found

    return app


# -- what to ask -------------------------------------------------------------------------------


def sample_ids(args: argparse.Namespace, cat: Catalog) -> list[str]:
    source = args.ids_from or (args.dump / "tracks.parquet" if args.dump else None)
    if source is not None:
        rows = duckdb.execute(
            f"SELECT id FROM read_parquet(?) USING SAMPLE {int(args.ids)} ROWS", [str(source)]
        ).fetchall()
        return [r[0] for r in rows]
    found: set[str] = set()
    for word in SAMPLE_WORDS:
        for offset in range(0, 1000, 50):
            page = cat.search(word, ["track"], limit=50, offset=offset)["tracks"]
            found.update(t["id"] for t in page["items"])
            if not page["next"] or len(found) >= args.ids:
                break
    return sorted(found)[: args.ids]


def search_queries(cat: Catalog, ids: list[str], count: int) -> list[str]:
    """Queries as beets' spotify plugin sends them, ``title artist:"X"`` and ``album:"Y" artist:"X"``,
    less those the catalog refuses (over 12 words) so that every request measured is a search."""
    queries = []
    for track in cat.tracks(ids[:count]):
        if track is None or not track["name"] or not track["artists"]:
            continue
        artist = track["artists"][0]["name"].replace('"', "")
        album = track["album"]["name"].replace('"', "")
        queries += [f'{track["name"]} artist:"{artist}"', f'album:"{album}" artist:"{artist}"']
    return [q for q in queries if _accepted(cat, q)]


def _accepted(cat: Catalog, query: str) -> bool:
    try:
        cat.search(query, ["track"], limit=1)
    except ValueError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, required=True, help="The catalog to serve.")
    parser.add_argument("--dump", type=Path, help="The parquet dump, for the original clone's approach.")
    parser.add_argument("--ids-from", type=Path, help="A parquet file with an id column to sample track ids from.")
    parser.add_argument("--ids", type=int, default=5000, help="How many distinct ids to ask for.")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument("--concurrency", type=int, default=16, help="Client connections.")
    parser.add_argument("--seconds", type=float, default=10, help="Measured time per scenario.")
    parser.add_argument("--warmup", type=float, default=2, help="Unmeasured time before each scenario.")
    args = parser.parse_args()

    with Catalog.open(args.catalog) as cat:
        ids = sample_ids(args, cat)
        queries = search_queries(cat, ids, 250)
    print(
        f"{len(ids):,} ids, {len(queries):,} queries; {args.workers} workers, {args.concurrency} connections, "
        f"{args.seconds:g} s per scenario, {os.cpu_count()} CPUs\n"
    )
    print("| scenario | requests | requests/s | p50 ms | p99 ms | server CPU ms/req | client CPU ms/req | load | steal | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

    by_id = [f"/v1/tracks/{quote(i)}" for i in ids]
    batches = [",".join(random.Random(n).sample(ids, min(20, len(ids)))) for n in range(1000)]
    scenarios = [
        # The whole HTTP stack (routing, threadpool, error body) and no SQL: the server's own cost.
        ("malformed id (400, no lookup)", ["/v1/tracks/not-an-id"], 400),
        ("track by id", by_id, 200),
        ("several tracks (20 ids)", [f"/v1/tracks?ids={batch}" for batch in batches], 200),
        ("search", [f"/v1/search?{urlencode({'q': q, 'type': _search_type(q), 'limit': 10})}" for q in queries], 200),
    ]
    port = free_port()
    command = [sys.executable, "-m", "server", "--catalog", str(args.catalog), "--port", str(port)]
    with running([*command, "--workers", str(args.workers)], port, by_id[0]) as server:
        for name, paths, expect in scenarios:
            measure(f"catalog server: {name}", server, port, paths, args, expect)
    if args.dump:
        port = free_port()
        command = [sys.executable, __file__, "--serve-baseline", str(args.dump), "--port", str(port)]
        with running(command, port, by_id[0]) as server:
            measure("original clone (raw parquet): track by id", server, port, by_id, args)


def _search_type(query: str) -> str:
    return "album" if query.startswith("album:") else "track"


def serve_baseline() -> None:
    """``bench/server.py --serve-baseline DUMP --port P``: the baseline app, one process like the original."""
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--serve-baseline", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(baseline_app(args.serve_baseline), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    if "--serve-baseline" in sys.argv:
        serve_baseline()
    else:
        main()
