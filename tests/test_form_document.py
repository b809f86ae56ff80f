from __future__ import annotations

from typing import Any

from builder.case_reader import read_case
from builder.form_document import (
    add_item,
    as_form_document,
    get_path,
    remove_item,
    set_path,
    without_blanks,
)


def test_typed_values_land_at_their_paths_creating_lists_and_groups() -> None:
    document: dict[str, Any] = {"version": 1}
    set_path(document, "child.name", "Sam")
    set_path(document, "services.0.minutes", "30")
    set_path(document, "services.0.received.sessions", "2")
    set_path(document, "services.1.name", "OT")
    assert document == {
        "version": 1,
        "child": {"name": "Sam"},
        "services": [{"minutes": "30", "received": {"sessions": "2"}}, {"name": "OT"}],
    }
    assert get_path(document, "services.0.received.sessions") == "2"
    assert get_path(document, "services.5.name") is None
    assert get_path(document, "child.name.first") is None


def test_a_value_replaces_text_where_a_group_is_now_needed() -> None:
    document: dict[str, Any] = {"version": 1, "period": "oops"}
    set_path(document, "period.start", "2026-10-05")
    assert document["period"] == {"start": "2026-10-05"}


def test_blank_fields_are_left_out_but_row_numbers_are_kept() -> None:
    document = {
        "version": 1,
        "parent": {"name": "", "email": ""},
        "services": [{"name": "", "minutes": ""}, {"name": "OT", "minutes": "abc", "per": ""}, {}],
    }
    cleaned = without_blanks(document)
    assert cleaned == {"version": 1, "services": [{}, {"name": "OT", "minutes": "abc"}]}
    _, problems = read_case(cleaned)
    assert "services.1.minutes" in {problem.path for problem in problems}


def test_rows_are_added_and_removed_and_later_rows_move_up() -> None:
    document: dict[str, Any] = {"version": 1, "services": [{"name": "Speech"}]}
    assert add_item(document, "services.0.log") == 0
    set_path(document, "services.0.log.0.date", "2026-10-06")
    assert add_item(document, "services.0.log") == 1
    set_path(document, "services.0.log.1.date", "2026-10-08")
    remove_item(document, "services.0.log.0")
    assert document["services"][0]["log"] == [{"date": "2026-10-08"}]
    assert add_item(document, "no_school") == 0
    assert document["no_school"] == [{}]


def test_a_loaded_file_shows_single_days_off_as_ranges() -> None:
    document = as_form_document(
        {"version": 1, "no_school": ["2026-11-26", {"start": "2026-12-21", "end": "2027-01-01"}]}
    )
    assert document["no_school"][0] == {"start": "2026-11-26", "end": "2026-11-26"}
    assert read_case(without_blanks(document))[1] == ()
