"""The Kibana dashboard: its saved objects, and installing them through Kibana's import API.

The shipped ``kibana/dashboard.ndjson`` is written by :func:`saved_objects` (``python -m
history.dashboard`` regenerates it; a test checks it is current), so every panel is declared in
one readable table below and every field it reads can be checked against the index mapping.

Panels are Lens visualizations stored *by value* inside the dashboard, the form Kibana itself
ships its sample dashboards in since 8.11 and the only form an ES|QL chart can take (Lens cannot
save ES|QL charts to the library). By value, one ``dashboard`` object carries everything, so an
import never half-succeeds with panels pointing at missing library items. Form-based panels read
the data view ``spotify-history``; ES|QL panels name the alias in their query (``FROM
spotify-history``) and get the ad-hoc ES|QL data view Kibana would make for it.

Every object states the saved-object version its attributes are written in
(``typeMigrationVersion``): Kibana then runs only the migrations after it on import. Without it
Kibana assumes the oldest format and its 7.x Lens migrations would misread today's state.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
import uuid
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents import mapped_fields
from .elastic import ALIAS

NDJSON = Path(__file__).with_name("kibana") / "dashboard.ndjson"
DATA_VIEW_ID = "spotify-history"
DASHBOARD_ID = "spotify-history-dashboard"
# The ad-hoc data view of an ES|QL chart: Kibana ids it by the SHA-256 of "esql-" and the index
# pattern; using the same id keeps Kibana from adding a second one when a user edits the chart.
ESQL_DATA_VIEW_ID = hashlib.sha256(f"esql-{ALIAS}".encode()).hexdigest()

# Saved-object versions the attributes below are written in (see the module docstring): the
# oldest Kibana this dashboard imports into is 8.11, the first with ES|QL charts.
CORE_MIGRATION_VERSION = "8.8.0"
DATA_VIEW_VERSION = "7.11.0"
DASHBOARD_VERSION = "8.7.0"
PANEL_VERSION = "8.11.0"

GRID_COLUMNS = 48  # the width of a Kibana dashboard grid
_RECORDS = "___records___"  # Lens's pseudo-field of count()
# Mapping types as Lens names them in a column's dataType.
_LENS_TYPES = {"keyword": "string", "long": "number", "integer": "number", "float": "number", "date": "date", "boolean": "boolean", "ip": "ip"}
_FIELDS = mapped_fields()

# How the data view shows fields wherever they appear (Discover, Lens, tables).
_MILLISECONDS = {"id": "duration", "params": {"inputFormat": "milliseconds", "outputFormat": "humanizePrecise", "outputPrecision": 1, "useShortSuffix": True}}
_PERCENT = {"id": "percent", "params": {"pattern": "0.[0]%"}}
FIELD_FORMATS: dict[str, dict[str, Any]] = {
    "listened_to_ms": _MILLISECONDS,
    "play.ms_played": _MILLISECONDS,
    "duration": _MILLISECONDS,
    "track.duration_ms": _MILLISECONDS,
    "listened_to_pct": _PERCENT,
    **{f"audio_features.{name}": _PERCENT for name in ("acousticness", "danceability", "energy", "instrumentalness", "liveness", "speechiness", "valence")},
    "audio_features.tempo": {"id": "number", "params": {"pattern": "0"}},  # beats per minute
}
FIELD_LABELS = {
    "listened_to_ms": "Time listened",
    "listened_to_pct": "Share of the track heard",
    "skipped_effective": "Skipped",
    "hourOfDay": "Hour (local)",
    "dayOfWeek": "Weekday (local)",
    "duration": "Track length",
}

# -- Lens columns ------------------------------------------------------------------------------
# A column is Lens's persisted form of one dimension; ``order_by`` of terms names another column
# of the same panel.


def _source(name: str) -> str:
    if name not in _FIELDS:
        raise KeyError(f"{name} is not in the index mapping (history/documents.py)")
    return _LENS_TYPES[_FIELDS[name]]


def _date_histogram(name: str = "@timestamp", label: str = "") -> dict[str, Any]:
    return {
        "label": label or name,
        "customLabel": bool(label),
        "dataType": _source(name),
        "operationType": "date_histogram",
        "sourceField": name,
        "isBucketed": True,
        "scale": "interval",
        "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False},
    }


def _terms(name: str, size: int, *, order_by: str | None = None, label: str = "", ascending: bool = False) -> dict[str, Any]:
    """Top ``size`` values of ``name`` by the column ``order_by``, or by value when None."""
    order = {"type": "column", "columnId": order_by} if order_by else {"type": "alphabetical", "fallback": False}
    return {
        "label": label or f"Top {size} values of {name}",
        "customLabel": bool(label),
        "dataType": _source(name),
        "operationType": "terms",
        "sourceField": name,
        "isBucketed": True,
        "scale": "ordinal",
        "params": {
            "size": size,
            "orderBy": order,
            "orderDirection": "asc" if ascending or not order_by else "desc",
            "otherBucket": False,
            "missingBucket": False,
            "parentFormat": {"id": "terms"},
        },
    }


def _filters(label: str, buckets: list[tuple[str, str]]) -> dict[str, Any]:
    """One bucket per (label, KQL query), in the order given (weekdays in calendar order)."""
    return {
        "label": label,
        "customLabel": True,
        "dataType": "string",
        "operationType": "filters",
        "isBucketed": True,
        "scale": "ordinal",
        "params": {"filters": [{"label": name, "input": {"query": query, "language": "kuery"}} for name, query in buckets]},
    }


def _metric(operation: str, name: str, label: str) -> dict[str, Any]:
    """``operation`` (sum, average, min, max, unique_count) of ``name``; the data view formats it."""
    data_type = "date" if operation in ("min", "max") and _source(name) == "date" else "number"
    return {
        "label": label,
        "customLabel": True,
        "dataType": data_type,
        "operationType": operation,
        "sourceField": name,
        "isBucketed": False,
        "scale": "ratio",
        "params": {"emptyAsNull": True},
    }


def _count(label: str = "Plays") -> dict[str, Any]:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": "count",
        "sourceField": _RECORDS,
        "isBucketed": False,
        "scale": "ratio",
        "params": {"emptyAsNull": True},
    }


# -- Lens visualizations -----------------------------------------------------------------------


def _xy(series: str, x: str, ys: list[str], *, split: str | None = None, right: tuple[str, ...] = ()) -> dict[str, Any]:
    """An XY chart of one layer; ``right`` accessors get their own axis (tempo beside 0..1 scores)."""
    layer: dict[str, Any] = {"layerId": "", "layerType": "data", "seriesType": series, "xAccessor": x, "accessors": ys}
    if split:
        layer["splitAccessor"] = split
    if right:
        layer["yConfig"] = [{"forAccessor": y, "axisMode": "right" if y in right else "left"} for y in ys]
    return {
        "legend": {"isVisible": bool(split or len(ys) > 1), "position": "bottom"},
        "valueLabels": "hide",
        "fittingFunction": "Linear",
        "preferredSeriesType": series,
        "layers": [layer],
    }


def _table(column_ids: list[str]) -> dict[str, Any]:
    return {"layerId": "", "layerType": "data", "columns": [{"columnId": c} for c in column_ids], "paging": {"enabled": True, "size": 10}}


def _donut(group: str, metric: str) -> dict[str, Any]:
    layer = {
        "layerId": "",
        "layerType": "data",
        "primaryGroups": [group],
        "metrics": [metric],
        "numberDisplay": "percent",
        "categoryDisplay": "default",
        "legendDisplay": "default",
        "nestedLegend": False,
    }
    return {"shape": "donut", "layers": [layer]}


def _heatmap(x: str, y: str, value: str) -> dict[str, Any]:
    return {
        "shape": "heatmap",
        "layerId": "",
        "layerType": "data",
        "xAccessor": x,
        "yAccessor": y,
        "valueAccessor": value,
        "legend": {"isVisible": True, "position": "right", "type": "heatmap_legend"},
        "gridConfig": {
            "type": "heatmap_grid",
            "isCellLabelVisible": False,
            "isYAxisLabelVisible": True,
            "isXAxisLabelVisible": True,
            "isYAxisTitleVisible": False,
            "isXAxisTitleVisible": False,
        },
    }


def _big_number(metric: str) -> dict[str, Any]:
    return {"layerId": "", "layerType": "data", "metricAccessor": metric}


@dataclass(frozen=True)
class LensPanel:
    """A form-based Lens panel over the data view: its columns (id → column), in display order."""

    id: str
    title: str
    visualization_type: str  # lnsXY, lnsDatatable, lnsPie, lnsHeatmap, lnsMetric
    columns: dict[str, dict[str, Any]]
    visualization: dict[str, Any]
    query: str = ""  # KQL every row must match
    w: int = 24
    h: int = 15


@dataclass(frozen=True)
class EsqlPanel:
    """A Lens panel fed by an ES|QL query; ``columns`` are what the query returns, with their types."""

    id: str
    title: str
    query: str
    columns: tuple[tuple[str, str, str], ...]  # (name, Lens type, ES|QL type)
    visualization: dict[str, Any]
    visualization_type: str = "lnsXY"
    w: int = 24
    h: int = 15


_TRACKS = 'content_type:"track"'
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

PANELS: list[LensPanel | EsqlPanel] = [
    LensPanel("time-listened", "Time listened", "lnsMetric", {"ms": _metric("sum", "listened_to_ms", "Time listened")}, _big_number("ms"), w=16, h=6),
    LensPanel("plays", "Plays", "lnsMetric", {"plays": _count()}, _big_number("plays"), w=16, h=6),
    LensPanel(
        "artists-heard", "Artists heard", "lnsMetric", {"artists": _metric("unique_count", "artist", "Artists")}, _big_number("artists"), query=_TRACKS, w=16, h=6
    ),
    LensPanel(
        "listening-over-time",
        "Listening over time",
        "lnsXY",
        {"when": _date_histogram(), "ms": _metric("sum", "listened_to_ms", "Time listened"), "what": _terms("content_type", 4, order_by="ms", label="Content")},
        _xy("bar_stacked", "when", ["ms"], split="what"),
        w=48,
    ),
    EsqlPanel(
        "hours-per-month",
        "Hours listened per month (ES|QL)",
        f"FROM {ALIAS}"
        " | EVAL month = DATE_TRUNC(1 month, @timestamp)"
        " | STATS listened_ms = SUM(listened_to_ms) BY month"
        " | EVAL hours = ROUND(listened_ms / 3600000.0, 1)"
        " | KEEP month, hours"
        " | SORT month",
        (("month", "date", "date"), ("hours", "number", "double")),
        _xy("bar", "month", ["hours"]),
    ),
    LensPanel(
        "mood-over-time",
        "Mood over time: energy, valence, danceability, tempo",
        "lnsXY",
        {
            "when": _date_histogram(),
            "energy": _metric("average", "audio_features.energy", "Energy"),
            "valence": _metric("average", "audio_features.valence", "Valence"),
            "danceability": _metric("average", "audio_features.danceability", "Danceability"),
            "tempo": _metric("average", "audio_features.tempo", "Tempo"),
        },
        _xy("line", "when", ["energy", "valence", "danceability", "tempo"], right=("tempo",)),
        query=_TRACKS,
    ),
    LensPanel(
        "top-artists",
        "Top artists",
        "lnsDatatable",
        {"artist": _terms("artist", 25, order_by="plays", label="Artist"), "plays": _count(), "ms": _metric("sum", "listened_to_ms", "Time listened")},
        _table(["artist", "plays", "ms"]),
        query=_TRACKS,
    ),
    LensPanel(
        "top-tracks",
        "Top tracks",
        "lnsDatatable",
        {
            "title": _terms("title", 25, order_by="plays", label="Track"),
            "plays": _count(),
            "heard": _metric("average", "listened_to_pct", "Heard on average"),
        },
        _table(["title", "plays", "heard"]),
        query=_TRACKS,
    ),
    LensPanel(
        "top-albums",
        "Top albums",
        "lnsDatatable",
        {"album": _terms("album", 25, order_by="plays", label="Album"), "plays": _count(), "ms": _metric("sum", "listened_to_ms", "Time listened")},
        _table(["album", "plays", "ms"]),
        query=_TRACKS,
    ),
    LensPanel(
        "top-genres",
        "Top genres",
        "lnsXY",
        {"genre": _terms("genres", 20, order_by="plays", label="Genre"), "plays": _count()},
        _xy("bar_horizontal", "genre", ["plays"]),
        query=_TRACKS,
    ),
    LensPanel(
        "hour-weekday",
        "When I listen (local time)",
        "lnsHeatmap",
        {
            "hour": _terms("hourOfDay", 24, label="Hour"),
            # Filters, not terms, so the weekdays come in calendar order rather than by count.
            "day": _filters("Weekday", [(day, f'dayOfWeek:"{day}"') for day in _WEEKDAYS]),
            "plays": _count(),
        },
        _heatmap("hour", "day", "plays"),
        w=48,
    ),
    LensPanel(
        "skips",
        "Skips",
        "lnsPie",
        {"skipped": _terms("skipped_effective", 2, order_by="plays", label="Skipped"), "plays": _count()},
        _donut("skipped", "plays"),
    ),
    EsqlPanel(
        "skip-rate-by-hour",
        "Skip rate by hour, % (ES|QL)",
        f"FROM {ALIAS}"
        ' | WHERE content_type == "track"'
        " | EVAL skip = CASE(skipped_effective, 1, 0)"
        " | STATS skips = SUM(skip), plays = COUNT(*) BY hourOfDay"
        " | EVAL skip_rate = ROUND(100.0 * skips / plays, 1)"
        " | KEEP hourOfDay, skip_rate"
        " | SORT hourOfDay",
        (("hourOfDay", "number", "integer"), ("skip_rate", "number", "double")),
        _xy("bar", "hourOfDay", ["skip_rate"]),
    ),
    LensPanel(
        "discovery",
        "Discovery: first play of each artist",
        "lnsDatatable",
        {
            # Ordered by the first play, newest first: the artists discovered most recently.
            "artist": _terms("artist", 50, order_by="first", label="Artist"),
            "first": _metric("min", "@timestamp", "First played"),
            "plays": _count(),
        },
        _table(["artist", "first", "plays"]),
        query=_TRACKS,
    ),
    LensPanel(
        "podcasts",
        "Podcasts",
        "lnsDatatable",
        {
            "show": _terms("episode.show_name", 20, order_by="ms", label="Show"),
            "ms": _metric("sum", "listened_to_ms", "Time listened"),
            "episodes": _metric("unique_count", "episode.uri", "Episodes"),
        },
        _table(["show", "ms", "episodes"]),
        query='content_type:"episode"',
    ),
    LensPanel(
        "content-types",
        "What I play",
        "lnsPie",
        {"what": _terms("content_type", 4, order_by="ms", label="Content"), "ms": _metric("sum", "listened_to_ms", "Time listened")},
        _donut("what", "ms"),
    ),
    LensPanel(
        "platforms",
        "Platforms",
        "lnsPie",
        {"platform": _terms("play.platform", 10, order_by="plays", label="Platform"), "plays": _count()},
        _donut("platform", "plays"),
    ),
]


def _with_layer(visualization: dict[str, Any], layer_id: str) -> dict[str, Any]:
    """The visualization state with its layer id filled in (the table above leaves it blank)."""
    state = json.loads(json.dumps(visualization))
    for layer in state.get("layers", [state]):
        layer["layerId"] = layer_id
    return state


def _lens_attributes(panel: LensPanel | EsqlPanel) -> dict[str, Any]:
    """The Lens saved-object attributes of one panel, as a by-value panel embeds them."""
    layer_id = f"{panel.id}-layer"
    state: dict[str, Any] = {"visualization": _with_layer(panel.visualization, layer_id), "filters": []}
    if isinstance(panel, LensPanel):
        layer = {"columns": panel.columns, "columnOrder": list(panel.columns), "incompleteColumns": {}}
        state |= {
            "query": {"query": panel.query, "language": "kuery"},
            "datasourceStates": {"formBased": {"layers": {layer_id: layer}}},
            "internalReferences": [],
            "adHocDataViews": {},
        }
        references = [{"type": "index-pattern", "id": DATA_VIEW_ID, "name": f"indexpattern-datasource-layer-{layer_id}"}]
    else:
        columns = [{"columnId": name, "fieldName": name, "meta": {"type": kind, "esType": es_type}} for name, kind, es_type in panel.columns]
        # allColumns: read by the ES|QL chart editor of Kibana 8.11; later versions do without it.
        layer = {"index": ESQL_DATA_VIEW_ID, "query": {"esql": panel.query}, "columns": columns, "allColumns": columns, "timeField": "@timestamp"}
        state |= {
            "query": {"esql": panel.query},
            "datasourceStates": {"textBased": {"layers": {layer_id: layer}}},
            # The query names the index; the ad-hoc data view only lends the time field, so the
            # dashboard's time picker applies. Nothing outside the panel is referenced.
            "internalReferences": [{"type": "index-pattern", "id": ESQL_DATA_VIEW_ID, "name": f"textBasedLanguages-datasource-layer-{layer_id}"}],
            "adHocDataViews": {
                ESQL_DATA_VIEW_ID: {
                    "id": ESQL_DATA_VIEW_ID,
                    "title": ALIAS,
                    "name": ALIAS,
                    "timeFieldName": "@timestamp",
                    "type": "esql",
                    "sourceFilters": [],
                    "fieldFormats": {},
                    "runtimeFieldMap": {},
                    "allowNoIndex": False,
                }
            },
        }
        references = []
    return {
        "title": panel.title,
        "description": "",
        "visualizationType": panel.visualization_type,
        "type": "lens",
        "references": references,
        "state": state,
    }


def _grid(panels: list[LensPanel | EsqlPanel]) -> list[dict[str, int]]:
    """Panels placed left to right in the order listed, a new row when one does not fit."""
    x = y = row_height = 0
    cells = []
    for panel in panels:
        if x + panel.w > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        cells.append({"x": x, "y": y, "w": panel.w, "h": panel.h})
        x += panel.w
        row_height = max(row_height, panel.h)
    return cells


def _data_view() -> dict[str, Any]:
    return {
        "type": "index-pattern",
        "id": DATA_VIEW_ID,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": DATA_VIEW_VERSION,
        "attributes": {
            "title": ALIAS,
            "name": ALIAS,
            "timeFieldName": "@timestamp",
            "fieldFormatMap": json.dumps(FIELD_FORMATS, sort_keys=True),
            "fieldAttrs": json.dumps({name: {"customLabel": label} for name, label in FIELD_LABELS.items()}, sort_keys=True),
            "fields": "[]",  # Kibana reads the fields from the mapping
            "runtimeFieldMap": "{}",
            "sourceFilters": "[]",
            "typeMeta": "{}",
        },
        "references": [],
    }


def saved_objects() -> list[dict[str, Any]]:
    """The data view and the dashboard, whose panels are Lens visualizations by value."""
    panels_json = []
    references = []
    for panel, grid in zip(PANELS, _grid(PANELS), strict=True):
        attributes = _lens_attributes(panel)
        panels_json.append(
            {
                "version": PANEL_VERSION,
                "type": "lens",
                "panelIndex": panel.id,
                "gridData": {**grid, "i": panel.id},
                "embeddableConfig": {"attributes": attributes, "enhancements": {}},
                "title": panel.title,
            }
        )
        # Kibana keeps a by-value panel's references on the dashboard, prefixed by the panel.
        references += [{**ref, "name": f"{panel.id}:{ref['name']}"} for ref in attributes["references"]]
    dashboard = {
        "type": "dashboard",
        "id": DASHBOARD_ID,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": DASHBOARD_VERSION,
        "attributes": {
            "title": "Spotify listening history",
            "description": "Imported by localspotify history",
            "panelsJSON": json.dumps(panels_json, sort_keys=True),
            "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "syncCursor": True, "syncTooltips": False, "hidePanelTitles": False}),
            # A history spans years: open on all of it rather than Kibana's last 15 minutes.
            "timeRestore": True,
            "timeFrom": "now-20y",
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 0},
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})},
        },
        "references": references,
    }
    return [_data_view(), dashboard]


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
