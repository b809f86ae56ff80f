"""The case document as the page's form edits it: values at dotted paths like services.0.minutes.

The form writes exactly what was typed (text), so nothing is lost; `as_case_document` gives the
case reader the document as a case file holds it: without the fields left empty, and a list ticked
one box each (a service's days, {"tue": true}; who to copy) as the list of what is ticked
(["tue"]). `as_form_document`
turns a case file into the form's shape.
"""

from __future__ import annotations

import itertools
import json
from typing import Any


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """Write `value` at a dotted path like services.0.minutes, creating what is missing."""
    parts = path.split(".")
    node: Any = document
    for part, following in itertools.pairwise(parts):
        empty: Any = [] if following.isdigit() else {}
        if isinstance(node, list):
            index = int(part)
            while len(node) <= index:
                node.append([] if following.isdigit() else {})
            node = node[index]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = empty
            node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        index = int(last)
        while len(node) <= index:
            node.append("")
        node[index] = value
    else:
        node[last] = value


def get_path(document: Any, path: str) -> Any:
    node = document
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def without_blanks(value: Any) -> Any:
    """The document without empty strings and empty groups, as the case reader expects."""
    if isinstance(value, dict):
        cleaned = {key: without_blanks(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in ("", {}, None)}
    if isinstance(value, list):
        items = [without_blanks(item) for item in value]
        while items and items[-1] in ("", {}, None):
            items.pop()  # a row the parent has not started; earlier rows keep their numbers
        return items
    return value


def add_item(document: dict[str, Any], list_path: str) -> int:
    """Append an empty row to the list at `list_path`; the new row's index."""
    rows = get_path(document, list_path)
    index = len(rows) if isinstance(rows, list) else 0
    set_path(document, f"{list_path}.{index}", "")  # creates the list (and its parents) if needed
    get_path(document, list_path)[index] = {}
    return index


def remove_item(document: dict[str, Any], item_path: str) -> None:
    """Remove the row at `item_path` (like services.0.log.3); later rows move up."""
    list_path, _, index = item_path.rpartition(".")
    found = get_path(document, list_path)
    if isinstance(found, list) and index.isdigit() and int(index) < len(found):
        del found[int(index)]


def as_form_document(data: Any) -> dict[str, Any]:
    """A loaded case file in the shape the form edits: no-school days as ranges."""
    document: dict[str, Any] = json.loads(json.dumps(data))
    days = document.get("no_school")
    if isinstance(days, list):
        document["no_school"] = [
            {"start": day, "end": day} if isinstance(day, str) else day for day in days
        ]
    return document
