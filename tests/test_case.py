from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest

from builder.case import (
    CaseError,
    case_to_dict,
    load_case,
    loads_case,
    read_case,
)
from tests.conftest import ROOT

SCHEMA = json.loads((ROOT / "builder" / "data" / "case.schema.json").read_text())


def test_the_minimal_case_file_is_accepted_as_it_is(example_document: dict[str, Any]) -> None:
    case = load_case(example_document)
    assert case.child.name == "Sam Rivera"
    assert case.period is not None and case.period.start == dt.date(2026, 10, 5)
    assert case.services[0].received is not None
    assert case.services[0].received.sessions == 2


def test_the_minimal_case_file_matches_the_schema(example_document: dict[str, Any]) -> None:
    jsonschema.validate(example_document, SCHEMA)


def test_a_case_round_trips_through_its_document(example_document: dict[str, Any]) -> None:
    case = load_case(example_document)
    document = case_to_dict(case)
    jsonschema.validate(document, SCHEMA)
    assert load_case(document) == case


def test_a_log_is_accepted_instead_of_a_count(example_document: dict[str, Any]) -> None:
    service = example_document["services"][0]
    del service["received"]
    service["log"] = [
        {"date": "2026-10-06", "minutes": 30},
        {"date": "2026-10-08", "minutes": 0, "reason": "provider_absent"},
    ]
    case = load_case(example_document)
    log = case.services[0].log
    assert log is not None and [entry.minutes for entry in log] == [30, 0]
    jsonschema.validate(example_document, SCHEMA)


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            {"period": {"start": "2026-02-30", "end": "2026-03-02"}},
            "period.start",
            "not a real date",
        ),
        (
            {"period": {"start": "2026-10-23", "end": "2026-10-05"}},
            "period.end",
            "before the start",
        ),
        ({"parent": {"email": "ana at example"}}, "parent.email", "email address"),
        ({"version": 7}, "version", "version 7"),
        ({"colour": "blue"}, "colour", "not part of"),
        ({"state": "California"}, "state", "two-letter"),
    ],
)
def test_each_bad_value_is_named_with_its_field(
    example_document: dict[str, Any], change: dict[str, Any], path: str, words: str
) -> None:
    example_document.update(change)
    case, problems = read_case(example_document)
    assert [problem.path for problem in problems] == [path]
    assert words in problems[0].message
    assert case.child.name == "Sam Rivera", "the rest of the case is kept"


@pytest.mark.parametrize("minutes", [-30, 0, 10**9, "thirty", 2.5, True])
def test_service_minutes_must_be_a_sensible_whole_number(
    example_document: dict[str, Any], minutes: object
) -> None:
    example_document["services"][0]["minutes"] = minutes
    with pytest.raises(CaseError) as caught:
        load_case(example_document)
    assert caught.value.problems[0].path == "services.0.minutes"


def test_control_characters_are_removed_from_text(example_document: dict[str, Any]) -> None:
    example_document["child"]["name"] = "Sam\x00 \u202eRivera\x07"
    assert load_case(example_document).child.name == "Sam Rivera"


@pytest.mark.parametrize("source", ["", "{", "[1, 2]", "null", '"case"'])
def test_text_that_is_not_a_case_file_is_explained(source: str) -> None:
    with pytest.raises(CaseError) as caught:
        loads_case(source)
    assert "case file" in str(caught.value)
