from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.case import Case, Incident
from builder.case_reader import load_case
from builder.complaint import complaint_problems, one_year_check
from builder.letters import render_letter
from builder.school_days import one_year_after
from tests.test_letters import GOLDEN_TODAY, realistic, realistic_document


def problems_after(change: dict[str, Any], *, today: dt.date = GOLDEN_TODAY) -> tuple[str, ...]:
    """The complaint's problems once `change` ("parent.phone": None) is applied to the case."""
    document = realistic_document()
    for path, value in change.items():
        *parents, last = path.split(".")
        node = document
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return complaint_problems(load_case(document), today=today)


def test_the_realistic_complaint_is_complete() -> None:
    assert complaint_problems(realistic(), today=GOLDEN_TODAY) == ()


def test_an_empty_case_lacks_every_element_of_300_153_b() -> None:
    problems = " ".join(complaint_problems(Case(), today=GOLDEN_TODAY))
    for element in (
        "(b)(1)",
        "(b)(2)",
        "(b)(3)",
        "(b)(4)(i)",
        "(b)(4)(ii)",
        "(b)(4)(iv)",
        "(b)(4)(v)",
    ):
        assert f"34 CFR 300.153{element}" in problems, element
    assert "(b)(4)(iii)" not in problems, "only a homeless child needs contact information"
    assert "Your state" in problems


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"state": None}, "Your state: choose it"),
        ({"state": "ZZ"}, 'no state education agency on file for "ZZ"'),
        ({"contacts.district": None}, "(b)(1)): name the school district"),
        ({"parent.name": None}, "Your name (34 CFR 300.153(b)(3))"),
        ({"child.name": None}, "Your child's name (34 CFR 300.153(b)(4)(i))"),
        ({"child.address": None}, "Your child's home address (34 CFR 300.153(b)(4)(i))"),
        ({"child.school": None}, "(34 CFR 300.153(b)(4)(ii))"),
        (
            {"complaint.proposed_resolution": None},
            "A proposed resolution (34 CFR 300.153(b)(4)(v))",
        ),
        ({"period": None, "incidents": None}, "The facts (34 CFR 300.153(b)(2))"),
        (
            {"services": None, "incidents": None},
            "The nature of the problem (34 CFR 300.153(b)(4)(iv))",
        ),
    ],
)
def test_each_missing_element_is_named_in_plain_words(change: dict[str, Any], words: str) -> None:
    problems = problems_after(change)
    assert any(words in problem for problem in problems), problems


def test_contact_information_is_any_one_of_address_phone_or_email() -> None:
    assert problems_after({"parent.address": None, "parent.phone": None}) == ()
    problems = problems_after({"parent.address": None, "parent.phone": None, "parent.email": None})
    assert problems == (
        "Your contact information (34 CFR 300.153(b)(3)): add your mailing address, phone or "
        "email, so the state can reach you.",
    )


def test_a_homeless_child_needs_contact_information_instead_of_an_address() -> None:
    problems = problems_after({"child.address": None, "child.homeless": True})
    assert len(problems) == 1 and "(34 CFR 300.153(b)(4)(iii))" in problems[0]
    assert (
        problems_after(
            {"child.address": None, "child.homeless": True, "child.contact": "(559) 555-0142"}
        )
        == ()
    )


def test_nothing_missed_in_the_period_means_no_facts_yet() -> None:
    document = realistic_document()
    document["services"] = [
        {
            "name": "Speech-language therapy",
            "minutes": 30,
            "times": 2,
            "per": "week",
            "received": {"sessions": 20},
        }
    ]
    document.pop("incidents")
    problems = complaint_problems(load_case(document), today=GOLDEN_TODAY)
    assert any("the numbers show nothing missed" in problem for problem in problems)


def test_a_draft_renders_with_blanks_even_when_incomplete() -> None:
    letter = render_letter("state-complaint", Case(), today=GOLDEN_TODAY)
    assert "Signature: ______________________________\n" in letter.body, "a line to sign by hand"
    assert complaint_problems(Case(), today=GOLDEN_TODAY)


# -- the one-year limit ------------------------------------------------------------------------


def test_the_one_year_check_finds_the_oldest_and_newest_dates() -> None:
    check = one_year_check(realistic(), today=GOLDEN_TODAY)
    # The occupational therapy is known only by a count: its whole period is in question.
    assert check.oldest == dt.date(2026, 9, 14)
    assert check.newest == dt.date(2026, 11, 20)
    assert check.last_day_for_oldest == dt.date(2027, 9, 14)
    assert check.too_old == () and check.warning == ""
    assert "receives your complaint" in check.note
    assert not check.all_too_old
    described = [item.describe() for item in check.violations]
    assert "September 24, 2026: speech-language therapy, no session" in described
    assert (
        "October 22, 2026: speech-language therapy, short session (15 of 30 minutes)" in described
    )
    assert "October 21, 2026: Extended time on tests (time and a half) not provided" in described
    assert "October 20, 2026: speech-language therapy, no session" not in described  # absent


def test_dates_older_than_one_year_are_warned_about() -> None:
    today = dt.date(2027, 10, 10)
    check = one_year_check(realistic(), today=today)
    # The count's period (in part), the weeks that fell short, the days without service.
    assert [item.start for item in check.too_old] == [
        dt.date(2026, 9, 14),
        dt.date(2026, 9, 21),
        dt.date(2026, 9, 24),
        dt.date(2026, 10, 5),
        dt.date(2026, 10, 6),
        dt.date(2026, 10, 8),
    ]
    assert "September 21, 2026 to September 25, 2026: speech-language therapy, 1 of 2" in (
        check.warning
    )
    assert "reach back only to October 10, 2026" in check.warning
    assert "September 24, 2026: speech-language therapy, no session" in check.warning
    assert "(the days before October 10, 2026)" in check.warning  # the count's period, in part
    assert not check.all_too_old
    assert complaint_problems(realistic(), today=today) == ()


def test_when_everything_is_older_than_one_year_the_complaint_is_not_offered() -> None:
    today = dt.date(2028, 1, 4)
    check = one_year_check(realistic(), today=today)
    assert check.all_too_old
    assert check.warning.startswith("Every date in this case is more than one year old.")
    assert "could reach the oldest one, September 14, 2026, was September 14, 2027" in (
        check.summary
    )
    problems = complaint_problems(realistic(), today=today)
    assert problems == (
        "The one-year limit (34 CFR 300.153(c)): every date in this case is before January 4, "
        "2027, more than one year ago, so a complaint received now cannot include it.",
    )


def test_only_incidents_still_count_as_dated_violations() -> None:
    case = Case(incidents=load_case(realistic_document()).incidents)
    check = one_year_check(case, today=GOLDEN_TODAY)
    assert check.oldest == check.newest == dt.date(2026, 10, 21)


def test_an_empty_case_has_nothing_to_check() -> None:
    check = one_year_check(Case(), today=GOLDEN_TODAY)
    assert check.oldest is None and check.last_day_for_oldest is None
    assert check.lines == ()


def test_the_day_exactly_one_year_back_is_still_in_time() -> None:
    day = dt.date(2025, 11, 23)
    case = Case(incidents=(Incident(day, "Aide"),))
    assert one_year_check(case, today=GOLDEN_TODAY).too_old == ()
    later = GOLDEN_TODAY + dt.timedelta(days=1)
    assert len(one_year_check(case, today=later).too_old) == 1


@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
    offset=st.integers(min_value=0, max_value=800),
)
def test_too_old_means_one_year_after_it_is_before_today(day: dt.date, offset: int) -> None:
    today = day + dt.timedelta(days=offset)
    check = one_year_check(Case(incidents=(Incident(day, "Aide"),)), today=today)
    assert check.last_day_for_oldest == one_year_after(day)
    assert bool(check.too_old) == (one_year_after(day) < today)
    assert 365 <= (one_year_after(day) - day).days <= 366
