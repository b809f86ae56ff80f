"""The results: one row per measure (median, min and max over the runs), the issue's targets next
to them, printed as a table and written as JSON."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: what it says, and whether a row's numbers meet it."""

    text: str
    met: Callable[[Row], bool]


@dataclass(frozen=True)
class Row:
    section: str
    label: str
    unit: str
    samples: list[float]
    target: Target | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.target.met(self)


def at_most(limit: float, text: str) -> Target:
    """Met when the median is at most `limit`."""
    return Target(text, lambda row: row.median <= limit)


def below(limit: float, text: str) -> Target:
    """Met when the median is under `limit`."""
    return Target(text, lambda row: row.median < limit)


def in_every_run(expected: float, text: str) -> Target:
    """Met when every run gave `expected` (a yes/no measure, or a count that must be zero)."""
    return Target(text, lambda row: all(sample == expected for sample in row.samples))


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        if row.samples:
            self.rows.append(row)

    def table(self) -> str:
        header = ("measure", "median", "min", "max", "unit", "target", "")
        lines = [header]
        section = None
        for row in self.rows:
            if row.section != section:
                section = row.section
                lines.append((f"-- {section}", "", "", "", "", "", ""))
            mark = {True: "PASS", False: "FAIL", None: ""}[row.passed]
            lines.append(
                (
                    row.label,
                    _number(row.median),
                    _number(row.low),
                    _number(row.high),
                    row.unit,
                    row.target.text if row.target else "",
                    mark,
                )
            )
        widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
        aligned = [
            "  ".join(
                cell.rjust(width) if 0 < column < 4 else cell.ljust(width)
                for column, (cell, width) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
            for line in lines
        ]
        return "\n".join(aligned)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            **self.details,
            "measures": [
                {
                    "section": row.section,
                    "label": row.label,
                    "unit": row.unit,
                    "median": row.median,
                    "min": row.low,
                    "max": row.high,
                    "samples": row.samples,
                    "target": row.target.text if row.target else None,
                    "passed": row.passed,
                    "note": row.note or None,
                }
                for row in self.rows
            ],
        }
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _number(value: float) -> str:
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"
