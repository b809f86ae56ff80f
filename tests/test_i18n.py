from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

import pytest

from builder import i18n
from builder.case_reader import load_case
from builder.gap import compute_gap
from builder.gap_report import report_text
from builder.i18n import (
    language_data,
    long_date,
    long_date_range,
    messages,
    number,
    plural,
    short_date,
    text,
)
from builder.letters import render_letter
from builder.meeting_sheet import meeting_sheet
from tests.conftest import ROOT

FOLDER = ROOT / "builder" / "data" / "i18n"


def test_no_message_is_defined_in_two_files() -> None:
    """The files of a language are merged, so a key in two files would silently lose one text."""
    for language in FOLDER.iterdir():
        counts = Counter(
            key for part in language.glob("*.json") for key in json.loads(part.read_text())
        )
        assert [key for key, count in counts.items() if count > 1] == [], language.name


def test_every_message_key_used_in_the_templates_exists() -> None:
    known = messages("en")
    used = {
        key
        for template in (ROOT / "builder" / "templates").glob("*.j2")
        for key in re.findall(r't\["([a-z_.\-]+)"\]', template.read_text())
    }
    assert sorted(used - set(known)) == []


def test_counts_dates_and_plurals_read_as_a_parent_writes_them() -> None:
    assert number(1350) == "1,350"
    assert number(2.5) == "2.5"
    assert number(6.0) == "6"
    assert plural("unit.session", 1) == "1 session"
    assert plural("unit.session", 6) == "6 sessions"
    assert long_date(dt.date(2026, 10, 5)) == "October 5, 2026"
    assert short_date(dt.date(2026, 10, 5)) == "Oct 5"
    october = dt.date(2026, 10, 5), dt.date(2026, 10, 23)
    assert long_date_range(*october) == "October 5, 2026 to October 23, 2026"
    assert long_date_range(october[0], october[0]) == "October 5, 2026"
    assert text("case.out_of_range", low=1, high="10,000") == "Enter a number from 1 to 10,000."


def test_every_figure_is_written_the_way_its_language_writes_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A language that writes 2.000 for two thousand (language.json) gets it in every text
    made from the numbers: the gap, its table, the letters, the meeting sheet."""
    english = language_data("en")
    spanish = {**language_data("es"), "thousands": ".", "decimal": ","}
    monkeypatch.setattr(
        i18n, "language_data", lambda language="en": spanish if language == "es" else english
    )
    case = load_case(
        {
            "version": 1,
            "language": "es",
            "child": {"name": "Sam"},
            "period": {"start": "2026-09-01", "end": "2026-12-18"},
            "services": [
                {
                    "name": "Lectura",
                    "minutes": 2000,
                    "per": "total",
                    "received": {"minutes": 500},
                    "start": "2026-09-01",
                    "end": "2026-12-18",
                }
            ],
        }
    )
    report = compute_gap(case)
    written = [
        report_text(report),
        meeting_sheet(case, today=dt.date(2026, 12, 21)).text,
        render_letter("compensatory-request", case, today=dt.date(2026, 12, 21)).text,
    ]
    for said in written:
        assert "1.500" in said and "1,500" not in said
