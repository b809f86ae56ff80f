"""Shared fixtures: the example case of the walking skeleton and the repository's paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"


@pytest.fixture
def example_document() -> dict[str, Any]:
    """The minimal case file from issue 2: speech twice a week, two sessions in three weeks."""
    loaded: dict[str, Any] = json.loads((CASES / "example.json").read_text())
    return loaded
