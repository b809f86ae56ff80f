"""The worked examples in docs/how-the-numbers-work.md, and in its Spanish twin (run with
--lang es), print what the code prints."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import jsonschema
import pytest

from builder.cli.commands import main
from tests.conftest import ROOT

PAGE = ROOT / "docs" / "how-the-numbers-work.md"
# Each page, and the language the command line prints its examples in.
PAGES = {"en": PAGE, "es": PAGE.with_suffix(".es.md")}
SCHEMA = json.loads((ROOT / "builder" / "data" / "case.schema.json").read_text())
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def examples(page: Path = PAGE) -> list[tuple[str, str]]:
    """Each ```json block with the ```text block that follows it."""
    blocks = [(kind, body) for kind, body in FENCE.findall(page.read_text(encoding="utf-8"))]
    pairs = []
    for (kind, body), (next_kind, next_body) in itertools.pairwise(blocks):
        if kind == "json" and next_kind == "text":
            pairs.append((body, next_body))
    return pairs


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_the_page_has_four_to_six_worked_examples(page: Path) -> None:
    assert 4 <= len(examples(page)) <= 6
    kinds = [kind for kind, _ in FENCE.findall(page.read_text(encoding="utf-8"))]
    assert kinds.count("json") == len(examples(page)), "every case is followed by its numbers"


def test_the_page_has_the_guide_front_matter() -> None:
    front = PAGE.read_text(encoding="utf-8").split("---\n")[1]
    fields = dict(line.split(": ", 1) for line in front.strip().splitlines())
    assert set(fields) == {"title", "description", "jurisdiction", "last_reviewed", "sources"}
    assert fields["jurisdiction"] == '"Applies everywhere: this page explains arithmetic, not law"'
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields["last_reviewed"])


@pytest.mark.parametrize(
    ("language", "case", "printed"),
    [(language, *example) for language, page in PAGES.items() for example in examples(page)],
)
def test_each_example_prints_exactly_these_numbers(
    language: str, case: str, printed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(case)
    jsonschema.validate(document, SCHEMA)
    path = tmp_path / "case.json"
    path.write_text(case, encoding="utf-8")
    assert main(["gap", str(path), "--lang", language]) == 0
    output = capsys.readouterr().out
    assert printed.strip("\n") in output
