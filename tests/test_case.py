from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest

import builder.case_reader
from builder.case import CaseError, Problem
from builder.case_reader import KeptServices, load_case, loads_case, parse_json, read_case
from builder.case_writer import case_to_dict
from builder.i18n import text
from tests.conftest import ROOT
from tests.schema_objects import SchemaObject, resolved

SCHEMA = json.loads((ROOT / "builder" / "data" / "case.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


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


def test_a_service_unchanged_since_the_last_reading_is_not_read_again(
    example_document: dict[str, Any],
) -> None:
    example_document["services"][0]["start"] = "2026-02-30"  # a problem, kept with the service
    kept: KeptServices = {}
    first, _ = read_case(example_document, kept)
    example_document["child"]["name"] = "Mia"
    second, problems = read_case(example_document, kept)
    assert second.services[0] is first.services[0]
    assert "services.0.start" in {problem.path for problem in problems}
    assert (second, problems) == read_case(example_document), "as read afresh"


def test_a_service_is_read_again_when_its_json_changes_though_its_values_compare_equal(
    example_document: dict[str, Any],
) -> None:
    kept: KeptServices = {}
    example_document["services"][0]["minutes"] = True  # equal to 1 in Python, not a number here
    _, problems = read_case(example_document, kept)
    assert "services.0.minutes" in {problem.path for problem in problems}
    example_document["services"][0]["minutes"] = 1
    case, problems = read_case(example_document, kept)
    assert case.services[0].minutes == 1
    assert (case, problems) == read_case(example_document)


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


def test_a_year_being_typed_is_set_aside_so_no_period_spans_centuries(
    example_document: dict[str, Any],
) -> None:
    """A date field goes through 0002, 0020 and 0202 as 2026 is typed into it."""
    example_document["period"]["start"] = "0202-10-05"
    case, problems = read_case(example_document)
    assert case.period is None
    assert [(problem.path, problem.message) for problem in problems] == [
        ("period.start", "Check the year: this tool takes dates from 2000 to 2099.")
    ]


def test_a_case_file_saved_with_a_byte_order_mark_is_read(example_document: dict[str, Any]) -> None:
    """As Windows Notepad saves UTF-8 files."""
    case = loads_case("\ufeff" + json.dumps(example_document))
    assert case == load_case(example_document)


# -- the schema and the reader list the same fields -----------------------------------------------


def sample(node: dict[str, Any], keys: tuple[str | int, ...], found: list[SchemaObject]) -> Any:
    """A value with every property the schema lists, and one array item per kind of item."""
    node = resolved(SCHEMA, node)
    if node.get("type") == "object":
        found.append(SchemaObject.at(keys, node))
        properties = node["properties"]
        return {name: sample(child, (*keys, name), found) for name, child in properties.items()}
    if node.get("type") == "array":
        items = resolved(SCHEMA, node["items"])
        kinds = items.get("oneOf", [items])
        return [sample(kind, (*keys, index), found) for index, kind in enumerate(kinds)]
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    if node == SCHEMA["$defs"]["date"]:
        return "2026-10-06"
    return {"integer": node.get("minimum", 1), "boolean": True}.get(str(node.get("type")), "x")


def full_document() -> dict[str, Any]:
    document: dict[str, Any] = sample(SCHEMA, (), [])
    return document


def schema_objects() -> list[SchemaObject]:
    found: list[SchemaObject] = []
    sample(SCHEMA, (), found)
    return found


OBJECTS = schema_objects()
READER_KEY_SETS = [
    frozenset(keys)
    for constant, keys in vars(builder.case_reader).items()
    if constant.endswith("_KEYS")
]
UNKNOWN_FIELD = text("case.unknown_field")
CANDIDATE_NAMES = sorted(
    {name for found in OBJECTS for name in found.properties}
    | {name for keys in READER_KEY_SETS for name in keys}
    | {"not_in_the_schema"}
)


def inside(document: dict[str, Any], found: SchemaObject) -> dict[str, Any]:
    obj: Any = document
    for key in found.keys:  # names of fields, and indexes of lists
        obj = obj[key]
    inner: dict[str, Any] = obj
    return inner


def known_to_the_reader(found: SchemaObject) -> set[str]:
    known = set()
    for name in CANDIDATE_NAMES:
        document = full_document()
        inside(document, found).setdefault(name, "x")
        _, problems = read_case(document)
        if Problem.of(found.field(name), "case.unknown_field") not in problems:
            known.add(name)
    return known


def reported_missing(found: SchemaObject) -> set[str]:
    missing = set()
    for name in found.properties:
        document = full_document()
        del inside(document, found)[name]
        _, problems = read_case(document)
        if any(problem.path == found.field(name) for problem in problems):
            missing.add(name)
    return missing


def test_each_set_of_keys_in_the_reader_is_the_properties_of_a_schema_object() -> None:
    assert set(READER_KEY_SETS) == {found.properties for found in OBJECTS}


def test_every_object_in_the_schema_refuses_fields_it_does_not_list() -> None:
    assert [found.path for found in OBJECTS if not found.closed] == []


@pytest.mark.parametrize("found", OBJECTS, ids=lambda found: found.path)
def test_the_reader_knows_exactly_the_fields_the_schema_lists(found: SchemaObject) -> None:
    assert known_to_the_reader(found) == found.properties


@pytest.mark.parametrize("found", OBJECTS, ids=lambda found: found.path)
def test_the_reader_reports_missing_exactly_the_fields_the_schema_requires(
    found: SchemaObject,
) -> None:
    assert reported_missing(found) == found.required


def test_a_negative_number_is_told_its_range_not_that_it_is_not_a_number() -> None:
    document = {"version": 1, "services": [{"name": "Speech", "minutes": "-5", "per": "week"}]}
    _, problems = read_case(document)
    assert [(problem.path, problem.message) for problem in problems] == [
        ("services.0.minutes", "Enter a number from 1 to 10,000.")
    ]
    counted = {
        "version": 1,
        "services": [
            {
                "name": "Speech",
                "minutes": 30,
                "per": "week",
                "times": 2,
                "received": {"sessions": "-1"},
            }
        ],
    }
    assert [problem.message for problem in read_case(counted)[1]] == [
        "Enter a number of 0 or more."
    ]


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("%PDF-1.7 binary", "This is not a case file from this site: it could not be read."),
        ('{"version": 1,\n"child": {"name": "Mia"\n', "damaged near line 3"),
    ],
)
def test_a_file_that_cannot_be_read_is_said_in_plain_words(source: str, said: str) -> None:
    _, problem = parse_json(source)
    assert problem is not None and said in problem.message
    assert "JSON" not in problem.message and "column" not in problem.message


def boundaries(node: dict[str, Any], keys: tuple[str | int, ...]) -> Iterator[Boundary]:
    """Every value at the edge of what the schema allows, for each field with a bound or a list
    of choices: each choice and one that is not, each end of a range and one past it, the
    longest text and one character more (fields with a pattern or format of their own aside)."""
    node = resolved(SCHEMA, node)
    if node.get("type") == "object":
        for name, child in node["properties"].items():
            yield from boundaries(child, (*keys, name))
    elif node.get("type") == "array":
        items = resolved(SCHEMA, node["items"])
        for index, kind in enumerate(items.get("oneOf", [items])):
            yield from boundaries(kind, (*keys, index))
    elif "enum" in node:
        yield from (Boundary(keys, choice) for choice in [*node["enum"], "not-a-choice"])
    elif node.get("type") == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        for edge in (low, high):
            if edge is not None:
                yield from (
                    Boundary(keys, edge),
                    Boundary(keys, edge + (1 if edge == high else -1)),
                )
    elif node.get("format") == "email":
        domain, longest = "@example.org", node["maxLength"]
        for length in (longest, longest + 1):
            yield Boundary(keys, "x" * (length - len(domain)) + domain)
    elif "maxLength" in node and not {"pattern", "format"} & node.keys():
        longest = node["maxLength"]
        yield from (Boundary(keys, "x" * longest), Boundary(keys, "x" * (longest + 1)))


@dataclass(frozen=True)
class Boundary:
    keys: tuple[str | int, ...]
    value: Any

    @property
    def path(self) -> str:
        return ".".join(map(str, self.keys))

    def document(self) -> dict[str, Any]:
        document = valid_document()
        obj: Any = document
        for key in self.keys[:-1]:
            obj = obj[key]
        obj[self.keys[-1]] = self.value
        # A rule across two fields, which JSON Schema cannot say: fewer weeks on than the cycle
        # has. Its bound is tried against the longest cycle.
        if self.keys[-1] == "weeks_on":
            obj["weeks_cycle"] = SCHEMA["$defs"]["service"]["properties"]["weeks_cycle"]["maximum"]
        return document


BOUNDARIES = list(boundaries(SCHEMA, ()))


def valid_document() -> dict[str, Any]:
    """The full document, with the values whose shape the sample cannot guess made valid."""
    document = full_document()
    document["state"] = "CA"
    for person in (document["parent"], *document["contacts"].values()):
        if isinstance(person, dict):
            person["email"] = "someone@example.org"
    document["services"][0]["days"] = {"mon": True}  # as many days as its 1 time a week
    return document


def test_the_document_the_bounds_are_tried_in_is_valid_to_both() -> None:
    assert list(VALIDATOR.iter_errors(valid_document())) == []
    assert read_case(valid_document())[1] == ()


@pytest.mark.parametrize("boundary", BOUNDARIES, ids=lambda b: f"{b.path}={str(b.value)[:12]}")
def test_the_reader_and_the_schema_agree_on_every_bound_and_choice(boundary: Boundary) -> None:
    document = boundary.document()
    schema_takes = not list(VALIDATOR.iter_errors(document))
    _, problems = read_case(document)
    reader_takes = not [problem for problem in problems if problem.path == boundary.path]
    assert reader_takes == schema_takes


def test_every_bound_in_the_schema_is_tried() -> None:
    fields = {boundary.path for boundary in BOUNDARIES}
    assert {"services.0.minutes", "services.0.per", "language", "parent.name"} <= fields
    assert len(BOUNDARIES) >= 60
