"""The case document as the page's form edits it: values at dotted paths like services.0.minutes.

The form writes exactly what was typed (text), so nothing is lost; `without_blanks` gives the case
reader the document without the fields left empty.
"""

from __future__ import annotations

from typing import Any


def set_path(document: dict[str, Any], path: str, value: str) -> None:
    """Write `value` at a dotted path like services.0.minutes, creating what is missing."""
    parts = path.split(".")
    node: Any = document
    for part, following in zip(parts, parts[1:], strict=False):
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
