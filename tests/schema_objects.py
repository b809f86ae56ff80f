"""The objects a JSON Schema describes, for tests that hold a reader to its schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SchemaObject:
    """An object the schema describes, and where a sample document puts one."""

    keys: tuple[str | int, ...]
    properties: frozenset[str]
    required: frozenset[str]  # always, or when another field is there (dependentRequired)
    closed: bool  # additionalProperties: false

    @classmethod
    def at(cls, keys: tuple[str | int, ...], node: dict[str, Any]) -> SchemaObject:
        return cls(
            keys,
            frozenset(node["properties"]),
            frozenset(node.get("required", ()))
            | {name for names in node.get("dependentRequired", {}).values() for name in names},
            node.get("additionalProperties") is False,
        )

    @property
    def path(self) -> str:
        return ".".join(map(str, self.keys)) or "top level"

    def field(self, name: str) -> str:
        return ".".join(map(str, (*self.keys, name)))


def resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node`, with its $ref followed into the schema's $defs."""
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node
