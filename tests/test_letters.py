from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from builder.case import Case
from builder.case import DateRange as Range
from builder.case_reader import load_case, read_case
from builder.case_writer import case_to_dict
from builder.gap import compute_gap
from builder.i18n import dates_text, messages
from builder.letter_catalogue import catalogue, letter_info
from builder.letter_parts import history
from builder.letters import blanks, mailto_url, missing_facts, missing_in_words, render_letter
from tests.conftest import CASES, EXAMPLE_CASE, ROOT, run_cli

TODAY = dt.date(2026, 10, 26)
# The day the realistic case's letters are written: the Monday of Thanksgiving week.
GOLDEN_TODAY = dt.date(2026, 11, 23)
REALISTIC = EXAMPLE_CASE
GOLDEN = ROOT / "tests" / "golden"
SCHEMA = json.loads((ROOT / "builder" / "data" / "case.schema.json").read_text())
NAMES = [info.name for info in catalogue()]


def realistic_document() -> dict[str, Any]:
    """The realistic California case: two services, a log with mixed reasons, letters sent,
    a reply, a conversation, a meeting held and three times offered, goals, the complaint."""
    loaded: dict[str, Any] = json.loads(REALISTIC.read_text())
    return loaded


def realistic() -> Case:
    return load_case(realistic_document())


def check_golden(name: str, actual: str, folder: Path = GOLDEN) -> None:
    """Compare with tests/golden/<name>.txt (or `folder`'s, as tests/golden/es/ for Spanish);
    UPDATE_GOLDEN=1 rewrites the file instead."""
    path = folder / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 and read it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from {path}"


# -- the first note (walking skeleton) ---------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_letter_in_another_language_has_no_english_blank(name: str) -> None:
    """Every [blank] a letter leaves comes from its language's files, the blanks built in Python
    (the start date, the child's name) included: none reads as English's does."""
    spanish = load_case(
        json.loads((ROOT / "builder" / "data" / "example-case.es.json").read_text())
    )
    for case in (Case(language="es"), dataclasses.replace(spanish, period=None, services=())):
        in_english = dataclasses.replace(case, language="en")
        english = set(blanks(render_letter(name, in_english, today=GOLDEN_TODAY)))
        said = set(blanks(render_letter(name, case, today=GOLDEN_TODAY)))
        assert not said & english, name


def test_the_note_to_the_case_manager_quotes_the_line_and_the_numbers(
    example_document: dict[str, Any],
) -> None:
    letter = render_letter("case-manager-note", load_case(example_document), today=TODAY)
    assert letter.subject == "Sam Rivera: IEP services missed since October 5, 2026"
    assert "- Speech-language therapy, 30 minutes, 2 times per week" in letter.body
    assert "120 minutes were not provided" in letter.body
    assert "how and when the missed sessions will be provided?" in letter.body
    assert "reply by November 5, 2026" in letter.body
    assert letter.to.email == "lee@example.org"


def test_an_empty_case_gives_a_draft_with_blanks() -> None:
    letter = render_letter("case-manager-note", Case(), today=TODAY)
    assert "[child's name]" in letter.subject
    assert "Dear [case manager's name]," in letter.body


def test_hostile_text_is_kept_as_text_not_run_as_a_template(
    example_document: dict[str, Any],
) -> None:
    example_document["child"]["name"] = "{{ 7*7 }} <script>alert(1)</script>"
    letter = render_letter("case-manager-note", load_case(example_document), today=TODAY)
    assert "{{ 7*7 }} <script>alert(1)</script>'s IEP" in letter.body
    assert "49" not in letter.body


def test_hostile_text_in_the_new_fields_stays_text() -> None:
    document = realistic_document()
    document["conversations"][0]["points"] = ["{{ case.parent }} {% raw %}"]
    document["complaint"]["proposed_resolution"] = "{{ 6*7 }} and {{ 1000 + 1 }}"
    case = load_case(document)
    confirmation = render_letter("conversation-confirmation", case, today=GOLDEN_TODAY)
    assert "- {{ case.parent }} {% raw %}" in confirmation.body
    complaint = render_letter("state-complaint", case, today=GOLDEN_TODAY)
    assert "{{ 6*7 }} and {{ 1000 + 1 }}" in complaint.body and "1001" not in complaint.body


def test_the_mail_link_carries_recipient_subject_and_body(example_document: dict[str, Any]) -> None:
    letter = render_letter("case-manager-note", load_case(example_document), today=TODAY)
    url = mailto_url(letter)
    assert url is not None and url.startswith("mailto:lee@example.org?subject=Sam%20Rivera")
    assert "120%20minutes%20were%20not%20provided" in url


def test_every_letter_in_the_catalogue_renders_from_an_empty_case() -> None:
    for info in catalogue():
        assert render_letter(info.name, Case(), today=TODAY).body.strip()
        assert missing_facts(info.name, Case()), f"{info.name} needs nothing?"


def test_a_complete_case_lacks_nothing_for_the_first_note(example_document: dict[str, Any]) -> None:
    assert missing_facts("case-manager-note", load_case(example_document)) == ()


# -- the catalogue -----------------------------------------------------------------------------


def test_the_catalogue_has_every_letter_of_the_ladder_in_step_order() -> None:
    assert NAMES == [
        "records-request",
        "case-manager-note",
        "follow-up",
        "conversation-confirmation",
        "meeting-request",
        "meeting-summary",
        "compensatory-request",
        "director-escalation",
        "prior-written-notice-request",
        "state-complaint",
    ]
    steps = [info.step for info in catalogue()]
    assert steps == sorted(steps)


@pytest.mark.parametrize("name", NAMES)
def test_each_catalogue_entry_is_complete_and_points_at_real_files(name: str) -> None:
    info = letter_info(name)
    labels = messages("en")
    assert labels[f"title.{name}"] and labels[f"description.{name}"] and info.reply_days > 0
    assert (ROOT / "letters" / "en" / info.template).is_file()
    page = ROOT / "docs" / (info.page.rstrip("/") + ".md")
    assert page.is_file(), f"{name}: no guide page {page}"
    assert f"<!-- widget: letter {name} -->" in page.read_text(), f"{name} not on {page}"
    for path in info.needs:
        assert f"need.{path}" in labels, f"{name}: no plain words for {path}"
        value: Any = Case()
        for part in path.split("."):
            assert hasattr(value, part), f"{name}: {path} is not a case field"
            value = getattr(value, part)


@pytest.mark.parametrize("name", NAMES)
def test_each_letter_starts_with_its_subject_and_asks_for_an_answer(name: str) -> None:
    letter = render_letter(name, realistic(), today=GOLDEN_TODAY)
    assert letter.subject and "\n" not in letter.subject
    assert letter.text.startswith(letter.subject + "\n\n")
    assert "Subject:" not in letter.body
    if name == "state-complaint":
        assert "60 days after this complaint is filed" in letter.body
    elif name == "records-request":  # California: five business days (Ed. Code 56504)
        assert "within five business days" in letter.body
    elif name == "meeting-request":  # before the first time offered, December 1
        assert "let me know by November 30, 2026 which of these times works" in letter.body
    else:
        assert "December 3, 2026" in letter.body, f"{name} gives no reply date"


def test_missing_facts_are_said_in_plain_words() -> None:
    words = missing_in_words("director-escalation", Case())
    assert "the special-education director's name" in words
    assert "the dates of the letters you have already sent" in words
    assert all("." not in word.split()[0] for word in words)  # no paths like contacts.director


# -- golden letters for the realistic case -----------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_each_letter_for_the_realistic_case_matches_its_golden_file(name: str) -> None:
    check_golden(name, render_letter(name, realistic(), today=GOLDEN_TODAY).text)


@pytest.mark.parametrize("name", NAMES)
def test_no_letter_lines_up_columns_with_spaces(name: str) -> None:
    """Email programs and phones show plain text in proportional type, where columns lined up
    with spaces fall out of line: a letter's figures are in labelled lines instead."""
    body = render_letter(name, realistic(), today=GOLDEN_TODAY).body
    lined_up = [line for line in body.splitlines() if "  " in line.strip()]
    assert lined_up == []


def test_the_realistic_case_is_a_valid_case_file_and_round_trips() -> None:
    document = realistic_document()
    jsonschema.validate(document, SCHEMA)
    case = load_case(document)
    again = case_to_dict(case)
    jsonschema.validate(again, SCHEMA)
    assert load_case(again) == case


# -- recipients ----------------------------------------------------------------------------------


def test_the_director_letter_goes_to_the_director_with_a_copy_to_the_case_manager() -> None:
    letter = render_letter("director-escalation", realistic(), today=GOLDEN_TODAY)
    assert letter.to.name == "Dr. Thomas Reyes"
    # The case manager, and the principal the parent chose to copy on the later letters.
    assert [person.name for person in letter.cc] == ["Ms. Rachel Kim", "Mr. David Chen"]
    assert letter.body.rstrip().endswith(
        "cc: Ms. Rachel Kim, case manager; Mr. David Chen, Principal"
    )
    url = mailto_url(letter)
    assert url is None or "cc=rkim%40valleyusd.example.org" in url or "cc=rkim@" in url


def test_the_state_complaint_goes_to_the_state_agency_with_a_copy_to_the_district() -> None:
    letter = render_letter("state-complaint", realistic(), today=GOLDEN_TODAY)
    assert letter.to.name.startswith("California Department of Education")
    assert letter.to.email == "", "CDE's email intake is not confirmed: no address"
    assert [person.name for person in letter.cc] == ["Dr. Thomas Reyes"]
    assert "as 34 CFR 300.153(d) requires" in letter.body


def test_a_state_that_takes_complaints_by_email_gets_its_address() -> None:
    document = realistic_document()
    document["state"] = "IL"
    letter = render_letter("state-complaint", load_case(document), today=GOLDEN_TODAY)
    assert letter.to.email == "statecomplaints@isbe.net"


def test_the_conversation_summary_goes_to_the_person_spoken_with() -> None:
    document = realistic_document()
    document["conversations"][0]["with"] = "Ms. Priya Shah"
    letter = render_letter("conversation-confirmation", load_case(document), today=GOLDEN_TODAY)
    assert letter.to.name == "Ms. Priya Shah"
    assert "Dear Ms. Shah," in letter.body


# -- state rules: California cites its statutes, other states make no day claims --------------


def _variant(state: str | None) -> Case:
    document = realistic_document()
    if state is None:
        document.pop("state")
    else:
        document["state"] = state
    return load_case(document)


def test_california_meeting_request_cites_the_30_days_of_56343_5() -> None:
    body = render_letter("meeting-request", realistic(), today=GOLDEN_TODAY).body
    assert "California Education Code 56343.5" in body
    assert "within 30 days of the district's receipt of the request" in body
    assert "days of school vacation in excess of five schooldays" in body
    rule = next(paragraph for paragraph in body.split("\n\n") if "56343.5" in paragraph)
    assert "school days" not in rule  # the statute says days, with its own carve-out


def test_california_records_request_cites_five_business_days_of_56504() -> None:
    body = render_letter("records-request", realistic(), today=GOLDEN_TODAY).body
    assert "California Education Code 56504" in body
    assert "receive copies within five business days after the request" in body
    assert "45 days" not in body


@pytest.mark.parametrize("state", ["AL", "NY", None])
def test_elsewhere_the_meeting_request_claims_no_number_of_days(state: str | None) -> None:
    body = render_letter("meeting-request", _variant(state), today=GOLDEN_TODAY).body
    assert "56343.5" not in body and "California" not in body
    claims = re.findall(r"within \d+ (?:school |calendar |business )?days", body)
    assert claims == []
    assert not re.search(r"\b30 days\b", body)
    assert "Tuesday, December 1, 2026, at 3:30 p.m." in body


@pytest.mark.parametrize("state", ["AL", "NY", None])
def test_elsewhere_the_records_request_uses_the_federal_45_days(state: str | None) -> None:
    body = render_letter("records-request", _variant(state), today=GOLDEN_TODAY).body
    assert "56504" not in body and "business days" not in body and "five" not in body
    assert "34 CFR 300.613" in body
    assert "without unnecessary delay, before any IEP meeting, and in no case more than 45" in body
    assert "let me know by December 3, 2026" in body


def test_in_texas_the_meeting_request_names_the_ard_committee() -> None:
    letter = render_letter("meeting-request", _variant("TX"), today=GOLDEN_TODAY)
    assert letter.subject == "Daniel Alvarez: request for an ARD committee (IEP team) meeting"


# -- what each letter carries ----------------------------------------------------------------


def test_a_parent_who_names_her_language_is_offered_an_interpreter_and_notices_in_it() -> None:
    case = load_case(json.loads(EXAMPLE_CASE.read_text()) | {"interpreter_language": "Vietnamese"})
    meeting = render_letter("meeting-request", case, today=GOLDEN_TODAY).body
    assert "an interpreter for the meeting (Vietnamese)" in meeting
    assert "(34 CFR 300.322(e))" in meeting
    notice = render_letter("prior-written-notice-request", case, today=GOLDEN_TODAY).body
    assert "the notice in my native language (Vietnamese), as 34 CFR 300.503(c)" in notice
    without = load_case(json.loads(EXAMPLE_CASE.read_text()))
    for name in ("meeting-request", "prior-written-notice-request"):
        body = render_letter(name, without, today=GOLDEN_TODAY).body
        assert "interpreter" not in body and "native language" not in body


def test_the_follow_up_refers_to_the_earlier_letters_and_the_reply_by_date() -> None:
    body = render_letter("follow-up", realistic(), today=GOLDEN_TODAY).body
    assert "my notes of October 9, 2026 and October 26, 2026" in body
    assert "Thank you for your reply of October 28, 2026." in body


def test_the_follow_up_ignores_letters_dated_after_today() -> None:
    body = render_letter("follow-up", realistic(), today=dt.date(2026, 10, 20)).body
    assert "my note of October 9, 2026 about" in body
    assert "October 26" not in body


def test_the_make_up_request_has_the_table_of_missed_services() -> None:
    body = render_letter("compensatory-request", realistic(), today=GOLDEN_TODAY).body
    assert (
        "- Dates without service: September 24; October 6, 8 and 13; November 3, 5 and 19" in body
    )
    assert "- Partial sessions: October 22 (15 of 30 minutes)" in body
    assert "- Not provided, not counting Daniel Alvarez's absences: 285 minutes" in body
    assert "- Not provided, not counting Daniel Alvarez's absences: 120 minutes" in body
    assert "In all, not provided, not counting Daniel Alvarez's absences: 405 minutes" in body
    assert "Dates without service: not known by date" in body  # the occupational therapy count
    assert "Missed while Daniel Alvarez was absent (shown apart): October 20" in body
    assert "I propose this schedule: One extra 30-minute" in body
    assert "in addition to the regular sessions" in body


def test_the_director_letter_lists_what_happened_by_date() -> None:
    body = render_letter("director-escalation", realistic(), today=GOLDEN_TODAY).body
    assert "- October 9, 2026: I sent a note about the missed services to Ms. Rachel Kim." in body
    assert "- October 28, 2026: reply from Ms. Rachel Kim:" in body
    assert "- November 12, 2026: IEP team meeting. We agreed that:\n  - A substitute" in body
    assert "Ms. Rachel Kim let me know on the phone that the school will not provide" in body
    assert "how the 405 minutes that were not provided" in body


def test_the_prior_written_notice_request_lists_the_elements_of_300_503_b() -> None:
    body = render_letter("prior-written-notice-request", realistic(), today=GOLDEN_TODAY).body
    assert "On November 20, 2026, you let me know that the school will not provide make-up" in body
    assert "34 CFR 300.503" in body
    for words in (
        "description of the action the school refuses to take",
        "why the school refuses",
        "evaluation procedure, assessment, record, or report",
        "procedural safeguards",
        "sources I can contact",
        "other options the IEP team considered, and why they were rejected",
        "other factors relevant",
    ):
        assert words in body


def test_the_state_complaint_carries_every_element_of_300_153_b() -> None:
    body = render_letter("state-complaint", realistic(), today=GOLDEN_TODAY).body
    # (1) a statement that a public agency violated a requirement of Part B
    assert "Valley Unified School District has violated a requirement of Part B" in body
    assert "34 CFR 300.323(c)(2)" in body
    # (2) and (4)(iv) the facts and the nature of the problem: the gap, the table, the dates
    assert "315 minutes were not provided" in body
    assert "- Dates without service: September 24" in body
    assert "- October 9, 2026: I sent a note about the missed services" in body
    # (3) signature and contact information
    assert "Signature: Maria Alvarez" in body
    assert "Address: 1420 Orchard Lane" in body and "Phone: (559) 555-0142" in body
    # (4)(i) the child's name and address of residence; (ii) the school
    assert (
        "Name: Daniel Alvarez\nDate of birth: March 14, 2018\nGrade: 3\n"
        "Address of residence: 1420 Orchard Lane"
    ) in body
    assert "School: Jefferson Elementary School" in body
    # (4)(v) a proposed resolution
    assert "4. Proposed resolution\n\nThat the district provide the missed minutes" in body
    # (d) the copy to the district at the same time
    assert "At the same time as I file this complaint with the state, I am sending a copy" in body


def test_a_homeless_child_gets_contact_information_in_the_complaint() -> None:
    document = realistic_document()
    document["child"] = {
        "name": "Daniel Alvarez",
        "school": "Jefferson Elementary School",
        "homeless": True,
        "contact": "Through his mother: (559) 555-0142",
    }
    body = render_letter("state-complaint", load_case(document), today=GOLDEN_TODAY).body
    assert "Contact information for the child: Through his mother: (559) 555-0142" in body
    assert "McKinney-Vento" in body


# -- small pieces -------------------------------------------------------------------------------


def test_dates_are_grouped_by_month_and_ranges_are_kept() -> None:
    days = [
        Range(dt.date(2026, 10, 6), dt.date(2026, 10, 6)),
        Range(dt.date(2026, 9, 24), dt.date(2026, 9, 24)),
        Range(dt.date(2026, 10, 8), dt.date(2026, 10, 8)),
        Range(dt.date(2026, 10, 13), dt.date(2026, 10, 16)),
        Range(dt.date(2026, 10, 28), dt.date(2026, 11, 4)),
    ]
    assert dates_text(days, "en") == (
        "September 24; October 6 and 8; October 13 to 16; October 28 to November 4"
    )
    assert dates_text([], "en") == ""


def test_dates_across_a_new_year_carry_their_year() -> None:
    days = [
        Range(dt.date(2026, 12, 15), dt.date(2026, 12, 15)),
        Range(dt.date(2027, 1, 5), dt.date(2027, 1, 5)),
    ]
    assert dates_text(days, "en") == "December 15, 2026; January 5, 2027"


def test_the_history_is_in_date_order_and_stops_at_today() -> None:
    lines = history(realistic(), today=dt.date(2026, 10, 27))
    assert lines == (
        "October 9, 2026: I sent a note about the missed services to Ms. Rachel Kim.",
        "October 26, 2026: I sent a follow-up note to Ms. Rachel Kim.",
    )


def test_a_letter_name_not_in_the_catalogue_is_shown_as_typed() -> None:
    document = realistic_document()
    document["letters_sent"] = [{"letter": "an email about speech", "date": "2026-10-01"}]
    lines = history(load_case(document), today=GOLDEN_TODAY)
    assert lines[0] == "October 1, 2026: I sent an email about speech."


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_command_line_prints_every_letter_like_the_golden_file(name: str) -> None:
    result = run_cli("letter", name, str(REALISTIC), "--date", GOLDEN_TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    assert result.stderr == ""  # the realistic case lacks nothing


def test_the_command_line_notes_what_a_letter_still_needs(tmp_path: Path) -> None:
    result = run_cli(
        "letter", "meeting-summary", str(CASES / "example.json"), "--date", "2026-11-23"
    )
    assert result.returncode == 0
    assert "note: this letter still needs the date of the IEP meeting" in result.stderr


def test_check_says_what_each_letter_lacks_in_plain_words() -> None:
    result = run_cli("check", str(CASES / "example.json"), "--date", "2026-11-23")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Note to the case manager (case-manager-note): ready" in out
    assert "Follow-up when nothing changed (follow-up): still needs\n" in out
    assert "  - the dates of the letters you have already sent" in out
    assert "State complaint (state-complaint): not ready to file yet" in out
    # No state in this case: the complaint is signed by hand.
    assert "Print the complaint and sign it by hand before you send it" in out
    assert "One-year limit (34 CFR 300.153(c)):" in out
    assert "receives your complaint" in out
    assert "contacts.director" not in out


def test_check_on_the_realistic_case_finds_everything_and_says_how_to_send() -> None:
    result = run_cli("check", str(REALISTIC), "--date", "2026-11-23")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "still needs" not in out
    assert "ready to file: it has every element of 34 CFR 300.153(b)" in out
    assert "only if the state receives it by September 14, 2027" in out
    assert "Send a copy to the school district at the same time" in out
    assert "by mail, by fax (https://www.cde.ca.gov/sp/se/qa/cmplntproc.asp)" in out


# -- the case file's sections for the letters --------------------------------------------------


def test_the_letter_sections_report_bad_values_by_field() -> None:
    document = realistic_document()
    document["goals"].append({"progress_notes": [{"date": "2026-11-06"}]})
    document["meeting"]["offered"].append({"time": "noon"})
    document["conversations"][0]["how"] = "letter"
    document["replies"][0]["date"] = "2026-13-01"
    document["complaint"]["filed_on"] = "soon"
    document["meeting"]["agreed"].append(7)
    case, problems = read_case(document)
    assert {problem.path for problem in problems} == {
        "goals.2.goal",
        "goals.2.progress_notes.0.note",
        "meeting.offered.3.date",
        "conversations.0.how",
        "replies.0.date",
        "complaint.filed_on",
        "meeting.agreed.3",
    }
    assert len(case.goals) == 2 and len(case.meeting.offered) == 3
    assert case.complaint.signature == "Maria Alvarez", "the rest of the section is kept"


def test_a_log_of_only_the_sessions_given_still_shows_a_long_gap() -> None:
    document = realistic_document()
    document["services"][0]["log"] = [
        {"date": "2026-09-15", "minutes": 30},
        {"date": "2026-09-17", "minutes": 30},
        {"date": "2026-10-06", "minutes": 30},
        {"date": "2026-10-08", "minutes": 0, "reason": "provider_absent"},
    ]
    gap = compute_gap(load_case(document)).services[0]
    runs = gap.dates_without_service
    assert runs is not None
    assert (
        dates_text(runs, "en") == "September 18 to October 5; October 8; October 9 to November 20"
    )


def test_the_state_complaint_states_its_dates_against_the_one_year_limit() -> None:
    body = render_letter("state-complaint", realistic(), today=GOLDEN_TODAY).body
    assert (
        "The violations described above occurred between September 14, 2026 and November 20, "
        "2026, less than one year before the date of this letter. The year is counted back from "
        "the day the state receives the complaint (34 CFR 300.153(c))." in body
    )
    later = render_letter("state-complaint", realistic(), today=dt.date(2027, 10, 10)).body
    assert "that occurred between October 10, 2026 and November 20, 2026, less than one" in later
    assert "the earlier dates are given as background." in later
    too_late = render_letter("state-complaint", realistic(), today=dt.date(2028, 1, 4)).body
    assert "300.153(c)" not in too_late
