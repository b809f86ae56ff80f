"""The state's confirmed rules in the letters (issue #27): a case with a state gets that state's
rule, and the federal rule elsewhere; the letters name the IEP team as the state's rules do, and
the complaint goes to its agency by a way the agency is confirmed to accept."""

from __future__ import annotations

import re

import pytest

from builder.case import Case
from builder.case_reader import load_case
from builder.jurisdictions import load_states
from builder.letters import blanks, render_letter
from tests.test_letters import GOLDEN_TODAY, realistic_document

# The letters that name the IEP team, and how they name it.
TEAM_LETTERS = (
    "meeting-request",
    "compensatory-request",
    "director-escalation",
    "prior-written-notice-request",
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def case_in(state: str | None, language: str = "en") -> Case:
    document = realistic_document() | {"language": language}
    if state is None:
        document.pop("state")
    else:
        document["state"] = state
    return load_case(document)


def body(name: str, state: str | None, language: str = "en") -> str:
    return render_letter(name, case_in(state, language), today=GOLDEN_TODAY).text


def test_a_california_records_request_cites_ed_code_56504() -> None:
    text = body("records-request", "CA")
    assert "California Education Code 56504" in text
    assert "five business days" in text and "receive copies" in text
    assert "300.613" not in text


@pytest.mark.parametrize("name", TEAM_LETTERS)
@pytest.mark.parametrize(
    ("language", "team", "generic"),
    [("en", "ARD committee", "IEP team"), ("es", "comité de ARD", "equipo del IEP")],
)
def test_a_texas_case_names_the_ard_committee_where_a_letter_names_the_team(
    name: str, language: str, team: str, generic: str
) -> None:
    texas = body(name, "TX", language)
    assert team in texas
    # "IEP team" only as the gloss beside the state's name: "the ARD committee (IEP team)"
    assert texas.count(generic) == texas.count(f"({generic})")
    assert team not in body(name, "CA", language)


def test_a_texas_meeting_request_cites_its_five_school_days() -> None:
    text = body("meeting-request", "TX")
    assert "19 TAC 89.1050(e)" in text and "within five school days" in text
    assert "Entiendo que, según 19 TAC 89.1050(e)" in body("meeting-request", "TX", "es")


def test_a_texas_complaint_goes_by_email_to_the_one_address_tea_counts() -> None:
    text = body("state-complaint", "TX")
    assert "To: Texas Education Agency (TEA)" in text
    assert "Sent by email to spedcomplaints@tea.texas.gov" in text


def test_a_california_complaint_goes_by_mail_to_the_confirmed_address() -> None:
    text = body("state-complaint", "CA")
    assert "1430 N Street, Suite 2401, Sacramento, CA 95814-5901\nSent by mail" in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_state_with_no_confirmed_rule_gets_the_federal_wording(language: str) -> None:
    """Alabama: nothing confirmed. The records request cites 34 CFR 300.613's 45 days, the
    meeting request no number of days, the letters the IEP team, and the complaint asks the
    parent to find out how the agency takes complaints."""
    records = body("records-request", "AL", language)
    assert "34 CFR 300.613" in records and "45" in records
    meeting = body("meeting-request", "AL", language)
    assert not re.search(r"\b(?:within|dentro de los) \d+", meeting)
    assert ("an IEP team meeting" if language == "en" else "reunión del equipo del IEP") in meeting
    complaint = render_letter("state-complaint", case_in("AL", language), today=GOLDEN_TODAY)
    ask = "how you send it" if language == "en" else "cómo la envía"
    assert any(blank.startswith(ask) for blank in blanks(complaint))


@pytest.mark.parametrize(
    ("state", "rule", "days"),
    [
        ("RI", "200-RICR-20-30-6.9.2(C)(1)", "10 calendar days"),
        ("IL", "105 ILCS 10/5(c)", "10 business days"),
        ("CT", "10-76d-18", "ten school days"),
        ("MA", "603 CMR 23.07(2)", "ten days"),
    ],
)
def test_a_records_request_cites_the_state_deadline_shorter_than_45_days(
    state: str, rule: str, days: str
) -> None:
    text = body("records-request", state)
    assert rule in text and days in text and "300.613" not in text


def test_a_45_day_state_rule_leaves_the_federal_sentence() -> None:
    for code in ("WA", "OH", "NC", "DE", "NH"):
        assert "34 CFR 300.613" in body("records-request", code), code


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_state_gives_complete_letters_with_only_confirmed_addresses(language: str) -> None:
    """For each of the 52: the letters render, in each language, with nothing left as a
    placeholder, and the only email address a letter shows is the state's confirmed one (the
    parent's and the school's own aside)."""
    own = set(EMAIL.findall(" ".join(str(v) for v in realistic_document().values())))
    for state in load_states():
        for name in ("records-request", "meeting-request", "state-complaint", *TEAM_LETTERS[1:]):
            text = body(name, state.code, language)
            assert "{" not in text and "}" not in text, (state.code, name)
            shown = set(EMAIL.findall(text)) - own
            assert shown <= {state.email_address} - {None}, (state.code, name, shown)
            if state.contact is None or not state.contact.mail:
                assert "Sent by mail\n" not in text or state.filing_methods.mail == "confirmed"
