"""The Kibana dashboard: its saved objects, and installing them through Kibana's import API.

The shipped ``kibana/dashboard.ndjson`` is written by :func:`saved_objects` (``python -m
history.dashboard`` regenerates it; a test checks it is current), so every panel is declared in
one readable table below and every field it reads can be checked against the index mapping.
Panels are aggregation-based visualizations: Kibana 7.10 to 8.x imports them without migration
surprises, and their ``visState`` names its fields plainly.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from base64 import b64encode
from pathlib import Path
from typing import Any

from .elastic import ALIAS

NDJSON = Path(__file__).with_name("kibana") / "dashboard.ndjson"
DATA_VIEW_ID = "spotify-history"
DASHBOARD_ID = "spotify-history-dashboard"


def _terms(field: str, size: int, schema: str = "segment", order_by: str = "1") -> dict[str, Any]:
    return {"type": "terms", "schema": schema, "params": {"field": field, "size": size, "order": "desc", "orderBy": order_by}}


_COUNT = {"type": "count", "schema": "metric", "params": {}}
_HOURS = {
    "type": "sum",
    "schema": "metric",
    "params": {"field": "listened_to_ms", "customLabel": "Time listened (ms)"},
}
_OVER_TIME = {
    "type": "date_histogram",
    "schema": "segment",
    "params": {"field": "@timestamp", "interval": "auto", "min_doc_count": 1},
}

# (id, title, vis type, aggregations, query): one row per panel.
PANELS: list[tuple[str, str, str, list[dict[str, Any]], str]] = [
    ("listening-over-time", "Listening over time", "histogram", [_HOURS, _OVER_TIME], ""),
    ("top-artists", "Top artists", "table", [_COUNT, _terms("artist", 25, "bucket")], 'content_type:"track"'),
    ("top-tracks", "Top tracks", "table", [_COUNT, _terms("title", 25, "bucket")], 'content_type:"track"'),
    ("top-albums", "Top albums", "table", [_COUNT, _terms("album", 25, "bucket")], 'content_type:"track"'),
    ("top-genres", "Top genres", "horizontal_bar", [_COUNT, _terms("genres", 20)], ""),
    (
        "hour-weekday",
        "When I listen (local time)",
        "heatmap",
        [_COUNT, _terms("hourOfDay", 24), _terms("dayOfWeek", 7, "group")],
        "",
    ),
    ("skips", "Skips", "pie", [_COUNT, _terms("skipped_effective", 2)], ""),
    (
        "discovery",
        "Discovery: first play of each artist",
        "table",
        [
            {"type": "min", "schema": "metric", "params": {"field": "@timestamp", "customLabel": "First played"}},
            _COUNT,
            # Ordered by the first play, newest first: the artists discovered most recently.
            _terms("artist", 50, "bucket", order_by="1"),
        ],
        'content_type:"track"',
    ),
    ("podcasts", "Podcasts", "table", [_HOURS, _terms("episode.show_name", 20, "bucket")], 'content_type:"episode"'),
    ("content-types", "What I play", "pie", [_HOURS, _terms("content_type", 4)], ""),
    ("platforms", "Platforms", "pie", [_COUNT, _terms("play.platform", 10)], ""),
]


def _visualization(vis_id: str, title: str, vis_type: str, aggs: list[dict[str, Any]], query: str) -> dict[str, Any]:
    vis_state = {
        "title": title,
        "type": vis_type,
        "params": {"addLegend": True, "addTooltip": True},
        "aggs": [{"id": str(n), "enabled": True, **agg} for n, agg in enumerate(aggs, start=1)],
    }
    search_source = {
        "query": {"query": query, "language": "kuery"},
        "filter": [],
        "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index",
    }
    return {
        "type": "visualization",
        "id": vis_id,
        "attributes": {
            "title": title,
            "visState": json.dumps(vis_state),
            "uiStateJSON": "{}",
            "description": "",
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(search_source)},
        },
        "references": [
            {"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": DATA_VIEW_ID}
        ],
    }


def saved_objects() -> list[dict[str, Any]]:
    """Data view, one visualization per panel, and the dashboard laying them out two per row."""
    data_view = {
        "type": "index-pattern",
        "id": DATA_VIEW_ID,
        "attributes": {"title": ALIAS, "timeFieldName": "@timestamp"},
        "references": [],
    }
    visualizations = [_visualization(*panel) for panel in PANELS]
    panels = [
        {
            "panelIndex": str(n),
            "gridData": {"x": 24 * (n % 2), "y": 15 * (n // 2), "w": 24, "h": 15, "i": str(n)},
            "embeddableConfig": {},
            "panelRefName": f"panel_{n}",
        }
        for n in range(len(visualizations))
    ]
    dashboard = {
        "type": "dashboard",
        "id": DASHBOARD_ID,
        "attributes": {
            "title": "Spotify listening history",
            "description": "Imported by localspotify history",
            "panelsJSON": json.dumps(panels),
            "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
            "timeRestore": False,
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})},
        },
        "references": [
            {"name": f"panel_{n}", "type": "visualization", "id": vis["id"]} for n, vis in enumerate(visualizations)
        ],
    }
    return [data_view, *visualizations, dashboard]


def render_ndjson() -> str:
    return "".join(json.dumps(obj, sort_keys=True) + "\n" for obj in saved_objects())


def install_dashboard(kibana_url: str, *, api_key: str | None = None, user: str | None = None, password: str | None = None) -> int:
    """Import the dashboard into Kibana (overwriting an earlier version); returns how many objects.

    :raises RuntimeError: with Kibana's answer when the import is refused or Kibana is unreachable.
    """
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dashboard.ndjson\"\r\n"
        f"Content-Type: application/ndjson\r\n\r\n{NDJSON.read_text()}\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"kbn-xsrf": "localspotify", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    elif user:
        headers["Authorization"] = "Basic " + b64encode(f"{user}:{password or ''}".encode()).decode()
    request = urllib.request.Request(
        f"{kibana_url.rstrip('/')}/api/saved_objects/_import?overwrite=true", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"Kibana at {kibana_url} refused the dashboard: {exc.code} {exc.read().decode()[:500]}") from exc
    except urllib.error.URLError as exc:
        raise RuntimeError(f"Kibana at {kibana_url} does not answer ({exc.reason})") from exc
    if not answer.get("success"):
        raise RuntimeError(f"Kibana at {kibana_url} imported the dashboard with errors: {answer.get('errors')}")
    return int(answer.get("successCount", 0))


if __name__ == "__main__":
    NDJSON.parent.mkdir(exist_ok=True)
    NDJSON.write_text(render_ndjson())
    print(f"wrote {NDJSON}")
