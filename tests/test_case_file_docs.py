"""The case file page documents every field of the schema."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "builder" / "data" / "case.schema.json").read_text())
PAGE = (ROOT / "docs" / "case-file.md").read_text()


def resolved(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def leaf_paths(node: dict[str, Any], path: str = "") -> list[str]:
    node = resolved(node)
    items = resolved(node.get("items", {}))
    if node.get("type") == "array" and "properties" in items:
        return leaf_paths(items, path + "[]")
    properties = node.get("properties")
    if not properties:
        return [path]
    return [
        found
        for key, child in properties.items()
        for found in leaf_paths(child, f"{path}.{key}" if path else key)
    ]


def test_every_field_of_the_schema_is_explained_on_the_page() -> None:
    missing = [
        path
        for path in leaf_paths(SCHEMA)
        if f"`{path}`" not in PAGE and f"`.{path.rsplit('.', 1)[-1]}`" not in PAGE
    ]
    assert missing == []
