"""Validate objects against the published Spotify Web API OpenAPI schema.

The schema (``../shared/data/spotify-openapi``, see its SOURCE.md) is OpenAPI 3.0: converted here
to JSON Schema (``nullable``) and made strict (``additionalProperties: false``) so that a
misspelt or leaked key fails validation, not only a missing or mistyped one.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from catalog.fixtures import REPOSITORY_ROOT

SCHEMA_FILE = REPOSITORY_ROOT.parent / "shared" / "data" / "spotify-openapi" / "fixed-spotify-open-api.yml"


@functools.cache
def _document() -> dict[str, Any]:
    with SCHEMA_FILE.open(encoding="utf-8") as f:
        document = _to_json_schema(yaml.safe_load(f))
    schemas = document["components"]["schemas"]
    # A component extended by another (a ref beside other parts of an allOf) stays open; every
    # other object component rejects keys it does not declare, across its allOf parts.
    bases = {Path(ref).name for ref in _extended_refs(document)}
    for name, schema in schemas.items():
        if name not in bases and ("properties" in schema or "allOf" in schema):
            schema["unevaluatedProperties"] = False
    return document


def _extended_refs(node: Any) -> list[str]:
    found = []
    if isinstance(node, dict):
        parts = node.get("allOf")
        if isinstance(parts, list) and len(parts) > 1:
            found += [p["$ref"] for p in parts if isinstance(p, dict) and "$ref" in p]
        for value in node.values():
            found += _extended_refs(value)
    elif isinstance(node, list):
        for value in node:
            found += _extended_refs(value)
    return found


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` is JSON Schema's ``null`` type."""
    if isinstance(node, dict):
        node = {k: _to_json_schema(v) for k, v in node.items()}
        if node.pop("nullable", False):
            if "type" in node:
                node["type"] = [node["type"], "null"]
            else:
                node = {"anyOf": [{k: v for k, v in node.items()}, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_to_json_schema(v) for v in node]
    return node


def schema_exists() -> bool:
    return SCHEMA_FILE.is_file()


def validate(instance: Any, schema_name: str) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``instance`` is a valid ``schema_name`` object."""
    document = _document()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator)


def validate_response(instance: Any, path: str, method: str = "get", status: str = "200") -> None:
    """Validate a whole response body against the schema of one route of the Web API."""
    document = _document()
    response = document["paths"][path][method]["responses"][status]
    if "$ref" in response:
        response = document["components"]["responses"][Path(response["$ref"]).name]
    body = response["content"]["application/json"]["schema"]
    jsonschema.validate(instance, {**body, "components": document["components"]}, cls=jsonschema.Draft202012Validator)
