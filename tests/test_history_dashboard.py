"""The Kibana dashboard: shipped saved objects that read only mapped fields, and their import.

The checker below reads the shipped ndjson the way Kibana would, not the generator's tables: every
Lens column's ``sourceField``, every KQL query (panel, column filter, filters buckets) and every
ES|QL query must name fields of the importer's mapping, with a type the operation accepts. The
negative cases mutate one panel of a copy and expect the checker to name the mistake.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from history.dashboard import DATA_VIEW_ID, NDJSON, PANELS, render_ndjson, saved_objects
from history.documents import MAPPING, mapped_fields
from history.elastic import ALIAS

FIELDS = mapped_fields(MAPPING)
NUMERIC = {"long", "integer", "float"}
AGGREGATABLE = NUMERIC | {"keyword", "date", "boolean", "ip"}  # everything mapped but text
# The mapping types each Lens operation accepts (Lens: operations/definitions/*.tsx).
LENS_OPERATIONS = {
    "date_histogram": {"date"},
    "terms": AGGREGATABLE - {"date"},
    "sum": NUMERIC,
    "average": NUMERIC,
    "median": NUMERIC,
    "min": NUMERIC | {"date"},
    "max": NUMERIC | {"date"},
    "unique_count": AGGREGATABLE,
}
LENS_DATA_TYPES = {"keyword": "string", "long": "number", "integer": "number", "float": "number", "date": "date", "boolean": "boolean", "ip": "ip"}


def shipped() -> list[dict[str, Any]]:
    return [json.loads(line) for line in NDJSON.read_text().splitlines()]


def panels_of(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    (dashboard,) = [o for o in objects if o["type"] == "dashboard"]
    return json.loads(dashboard["attributes"]["panelsJSON"])


# -- KQL: the field names of `field:value` clauses ----------------------------------------------

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def kql_fields(query: str) -> list[str]:
    return re.findall(r"([A-Za-z_@][\w.@]*)\s*:", _QUOTED.sub('""', query))


# -- ES|QL: a conservative reading of the commands the panels use -------------------------------
# It knows FROM, WHERE, EVAL, STATS … BY, KEEP, SORT and LIMIT and refuses anything else, so a
# new command in a panel makes this test grow rather than pass unchecked.

_ESQL_WORDS = {"and", "or", "not", "is", "null", "true", "false", "in", "like", "rlike", "asc", "desc", "nulls", "first", "last"}
_TIME_UNITS = re.compile(r"\b\d+\s+(?:year|month|week|day|hour|minute|second|millisecond)s?\b", re.IGNORECASE)
_IDENTIFIER = re.compile(r"[A-Za-z_@][\w.@]*(?=\s*(\()?)")
_ESQL_AGGREGATES = {"sum": NUMERIC, "avg": NUMERIC, "median": NUMERIC, "min": NUMERIC | {"date"}, "max": NUMERIC | {"date"}, "count": AGGREGATABLE, "count_distinct": AGGREGATABLE}


def _names(expression: str) -> Iterator[tuple[str, bool]]:
    """(identifier, is a function call) in an expression, strings and durations left out."""
    text = _TIME_UNITS.sub(" ", _QUOTED.sub('""', expression))
    for match in _IDENTIFIER.finditer(text):
        if match.group(0).lower() not in _ESQL_WORDS:
            yield match.group(0), match.group(1) is not None


def _split(text: str) -> list[str]:
    """Comma-separated parts, commas inside parentheses kept."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts


def esql_columns(query: str) -> tuple[str, dict[str, str]]:
    """The index a query reads and the columns it returns (name → mapping-like type).

    :raises AssertionError: naming the field, when the query reads a field the mapping lacks or
        aggregates one of a type the function does not take.
    """
    commands = [c.strip() for c in _QUOTED.sub('""', query).split("|")]
    source = re.fullmatch(r"FROM\s+([\w.*-]+)", commands[0], re.IGNORECASE)
    assert source, f"ES|QL query does not start with FROM <index>: {query!r}"
    columns: dict[str, str] = {name: kind for name, kind in FIELDS.items()}

    def check(expression: str) -> None:
        for name, is_function in _names(expression):
            assert is_function or name in columns, f"ES|QL reads {name!r}, which is neither mapped nor computed: {query!r}"

    def computed_type(expression: str) -> str:
        head = expression.split("(")[0].strip().lower()
        if head == "date_trunc":
            return "date"
        return columns.get(expression.strip(), "float")

    for command in commands[1:]:
        verb, _, rest = command.partition(" ")
        verb = verb.upper()
        if verb in ("WHERE", "LIMIT"):
            check(rest)
        elif verb == "EVAL":
            for assignment in _split(rest):
                name, _, expression = assignment.partition("=")
                check(expression)
                columns[name.strip()] = computed_type(expression)
        elif verb == "STATS":
            by = re.split(r"\bBY\b", rest, maxsplit=1, flags=re.IGNORECASE)
            aggregates, groups = by[0], by[1] if len(by) > 1 else ""
            result: dict[str, str] = {}
            for assignment in _split(aggregates):
                name, _, expression = assignment.partition("=")
                function, _, argument = expression.strip().partition("(")
                argument = argument.rstrip(")").strip()
                accepted = _ESQL_AGGREGATES.get(function.strip().lower())
                assert accepted is not None, f"ES|QL aggregate {function!r} is unknown to this test: {query!r}"
                if argument != "*":
                    check(argument)
                    assert columns[argument] in accepted, f"ES|QL {function}({argument}) on a {columns[argument]} field: {query!r}"
                result[name.strip()] = columns[argument] if function.strip().lower() in ("min", "max") else "float"
            for group in _split(groups):
                check(group)
                assert columns[group] in AGGREGATABLE, f"ES|QL groups by {group!r}, a {columns[group]} field: {query!r}"
                result[group] = columns[group]
            columns = result
        elif verb == "KEEP":
            names = _split(rest)
            for name in names:
                check(name)
            columns = {name: columns[name] for name in names}
        elif verb == "SORT":
            for key in _split(rest):
                check(key)
        else:
            raise AssertionError(f"ES|QL command {verb} is unknown to this test: {query!r}")
    return source.group(1), columns


# -- the checker ------------------------------------------------------------------------------


def problems(objects: list[dict[str, Any]]) -> list[str]:
    """Everything wrong with the saved objects, one line each; empty when all is well."""
    found: list[str] = []
    by_key = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj["references"]:
            if (ref["type"], ref["id"]) not in by_key:
                found.append(f"{obj['id']} references a missing {ref}")
    (dashboard,) = [o for o in objects if o["type"] == "dashboard"]
    dashboard_refs = {ref["name"]: ref for ref in dashboard["references"]}
    for panel in panels_of(objects):
        where = panel["panelIndex"]
        attributes = panel["embeddableConfig"]["attributes"]
        state = attributes["state"]
        for ref in attributes["references"]:  # Kibana reads them from the dashboard, prefixed
            if dashboard_refs.get(f"{where}:{ref['name']}", {}).get("id") != ref["id"]:
                found.append(f"{where}: {ref['name']} is not among the dashboard's references")
        queries = [state["query"].get("query", "")] if "query" in state["query"] else []
        queries += [f["query"]["query"] for f in state["filters"] if "query" in f.get("query", {})]
        for layer_id, layer in state["datasourceStates"].get("formBased", {}).get("layers", {}).items():
            if f"indexpattern-datasource-layer-{layer_id}" not in {r["name"] for r in attributes["references"]}:
                found.append(f"{where}: layer {layer_id} has no data view")
            for column in layer["columns"].values():
                operation, name = column["operationType"], column.get("sourceField")
                if column.get("filter"):
                    queries.append(column["filter"]["query"])
                if operation == "filters":
                    queries += [bucket["input"]["query"] for bucket in column["params"]["filters"]]
                if operation == "count":
                    if name != "___records___":
                        found.append(f"{where}: count of {name!r}")
                    continue
                if operation not in LENS_OPERATIONS:
                    if name is not None:
                        found.append(f"{where}: operation {operation} on {name!r} is unknown to this test")
                    continue
                kind = FIELDS.get(name)
                if kind is None:
                    found.append(f"{where}: {operation} of {name!r}, which is not mapped")
                elif kind not in LENS_OPERATIONS[operation]:
                    found.append(f"{where}: {operation} of {name!r}, a {kind} field")
                elif column["isBucketed"] and column["dataType"] != LENS_DATA_TYPES[kind]:
                    found.append(f"{where}: {name!r} is a {kind} field, not {column['dataType']}")
        for query in queries:
            for name in kql_fields(query):
                if name not in FIELDS:
                    found.append(f"{where}: KQL {query!r} reads {name!r}, which is not mapped")
        for layer in state["datasourceStates"].get("textBased", {}).get("layers", {}).values():
            try:
                index, columns = esql_columns(layer["query"]["esql"])
            except AssertionError as exc:
                found.append(f"{where}: {exc}")
                continue
            if index != ALIAS:
                found.append(f"{where}: ES|QL reads {index!r}, not the alias {ALIAS!r}")
            shown = [c["fieldName"] for c in layer["columns"]]
            if shown != list(columns):
                found.append(f"{where}: the panel shows {shown} but the query returns {list(columns)}")
            view = state["adHocDataViews"].get(layer["index"], {})
            if view.get("title") != ALIAS or view.get("timeFieldName") != "@timestamp":
                found.append(f"{where}: the ES|QL layer's data view is not {ALIAS} by @timestamp")
    return found


# -- the shipped dashboard --------------------------------------------------------------------


def test_shipped_dashboard_is_the_generated_one() -> None:
    # Regenerate with: uv run python -m history.dashboard
    assert NDJSON.read_text() == render_ndjson()


def test_shipped_dashboard_reads_only_mapped_fields_of_the_right_type() -> None:
    assert problems(shipped()) == []


def test_dashboard_has_every_panel_the_issue_asks_for_as_lens() -> None:
    panels = panels_of(shipped())
    assert {p["type"] for p in panels} == {"lens"} and len(panels) == len(PANELS)
    titles = " / ".join(p["title"] for p in panels)
    for wanted in ("over time", "Top artists", "Top tracks", "Top albums", "Top genres", "When I listen", "Skip", "Discovery", "Podcasts"):
        assert wanted in titles
    esql = [p for p in panels if "textBased" in p["embeddableConfig"]["attributes"]["state"]["datasourceStates"]]
    assert esql and all(
        layer["query"]["esql"].startswith(f"FROM {ALIAS} ")
        for p in esql
        for layer in p["embeddableConfig"]["attributes"]["state"]["datasourceStates"]["textBased"]["layers"].values()
    )


def test_objects_declare_the_version_their_attributes_are_written_in() -> None:
    # Without it Kibana would run every Lens migration since 7.7 on today's state on import.
    for obj in shipped():
        assert {"type", "id", "attributes", "references", "typeMigrationVersion", "coreMigrationVersion"} <= obj.keys()
    assert len(saved_objects()) == len(shipped())


def test_data_view_is_the_alias_with_durations_and_percentages_formatted() -> None:
    (data_view,) = [o for o in shipped() if o["type"] == "index-pattern"]
    attributes = data_view["attributes"]
    assert (data_view["id"], attributes["title"], attributes["timeFieldName"]) == (DATA_VIEW_ID, "spotify-history", "@timestamp")
    formats = json.loads(attributes["fieldFormatMap"])
    assert formats["listened_to_ms"]["id"] == "duration" and formats["listened_to_ms"]["params"]["inputFormat"] == "milliseconds"
    assert formats["listened_to_pct"]["id"] == "percent"
    assert set(formats) | set(json.loads(attributes["fieldAttrs"])) <= set(FIELDS)


# -- the checker fails on a wrong dashboard ----------------------------------------------------


def _panel(objects: list[dict[str, Any]], panel_id: str, change: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
    """A copy of ``objects`` with ``change`` applied to the state of panel ``panel_id``."""
    objects = copy.deepcopy(objects)
    (dashboard,) = [o for o in objects if o["type"] == "dashboard"]
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    (panel,) = [p for p in panels if p["panelIndex"] == panel_id]
    change(panel["embeddableConfig"]["attributes"]["state"])
    dashboard["attributes"]["panelsJSON"] = json.dumps(panels)
    return objects


def _column(state: dict[str, Any], column_id: str) -> dict[str, Any]:
    (layer,) = state["datasourceStates"]["formBased"]["layers"].values()
    return layer["columns"][column_id]


def _esql(state: dict[str, Any], old: str, new: str) -> None:
    (layer,) = state["datasourceStates"]["textBased"]["layers"].values()
    assert old in layer["query"]["esql"]
    layer["query"]["esql"] = layer["query"]["esql"].replace(old, new)


MISTAKES: dict[str, tuple[str, Callable[[dict[str, Any]], None], str]] = {
    "terms on an unmapped field": ("top-artists", lambda s: _column(s, "artist").update(sourceField="artist_name"), "'artist_name', which is not mapped"),
    "sum of a keyword": ("top-albums", lambda s: _column(s, "ms").update(sourceField="album"), "sum of 'album', a keyword field"),
    "average of a text subfield": ("top-tracks", lambda s: _column(s, "heard").update(sourceField="title.text"), "a text field"),
    "date histogram on a number": ("listening-over-time", lambda s: _column(s, "when").update(sourceField="hourOfDay"), "date_histogram of 'hourOfDay'"),
    "terms typed as another type": ("hour-weekday", lambda s: _column(s, "hour").update(dataType="string"), "'hourOfDay' is a integer field, not string"),
    "panel query on an unmapped field": ("top-genres", lambda s: s["query"].update(query='contentType:"track"'), "reads 'contentType'"),
    "filters bucket on an unmapped field": (
        "hour-weekday",
        lambda s: _column(s, "day")["params"]["filters"][0]["input"].update(query='weekday:"Monday"'),
        "reads 'weekday'",
    ),
    "ES|QL on an unmapped field": ("skip-rate-by-hour", lambda s: _esql(s, "BY hourOfDay", "BY hour_of_day"), "'hour_of_day'"),
    "ES|QL sum of a keyword": ("hours-per-month", lambda s: _esql(s, "SUM(listened_to_ms)", "SUM(user)"), "SUM(user) on a keyword field"),
    "ES|QL from another index": ("hours-per-month", lambda s: _esql(s, f"FROM {ALIAS}", "FROM spotify-history-v1"), "reads 'spotify-history-v1'"),
    "ES|QL columns the panel does not show": ("skip-rate-by-hour", lambda s: _esql(s, "KEEP hourOfDay, skip_rate", "KEEP skip_rate, hourOfDay"), "the panel shows"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_checker_names_a_wrong_field_in_a_mutated_copy(mistake: str) -> None:
    panel_id, change, expected = MISTAKES[mistake]
    found = problems(_panel(shipped(), panel_id, change))
    assert any(expected in line and line.startswith(panel_id) for line in found), found


def test_checker_names_a_reference_to_a_missing_data_view() -> None:
    objects = [o for o in shipped() if o["type"] != "index-pattern"]
    assert any("references a missing" in line for line in problems(objects))


# -- install ----------------------------------------------------------------------------------


def test_install_dashboard_posts_the_ndjson_to_kibanas_import_api() -> None:
    from history.dashboard import install_dashboard
    from tests.stub_http import JsonHandler, StubServer

    seen: dict[str, Any] = {}

    class FakeKibana(JsonHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.update(path=self.path, xsrf=self.headers.get("kbn-xsrf"), auth=self.headers.get("Authorization"), body=body)
            self.send_json({"success": True, "successCount": len(saved_objects())})

    with StubServer(FakeKibana) as kibana:
        imported = install_dashboard(f"http://127.0.0.1:{kibana.port}/", api_key="KEY")
    assert imported == len(saved_objects())
    assert seen["path"] == "/api/saved_objects/_import?overwrite=true"
    assert seen["xsrf"] and seen["auth"] == "ApiKey KEY"
    assert NDJSON.read_bytes() in seen["body"]


def test_install_dashboard_reports_kibanas_import_errors() -> None:
    from history.dashboard import install_dashboard
    from tests.stub_http import JsonHandler, StubServer

    class RefusingKibana(JsonHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_json({"success": False, "successCount": 1, "errors": [{"id": "spotify-history-dashboard", "error": {"type": "missing_references"}}]})

    with StubServer(RefusingKibana) as kibana, pytest.raises(RuntimeError, match="missing_references"):
        install_dashboard(f"http://127.0.0.1:{kibana.port}", user="elastic", password="pw")
