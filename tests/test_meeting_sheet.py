from __future__ import annotations

import datetime as dt

from builder.case import Case
from builder.case_reader import load_case
from builder.meeting_sheet import meeting_sheet
from tests.test_letters import GOLDEN_TODAY, check_golden, realistic, realistic_document


def test_the_sheet_asks_the_pointed_questions() -> None:
    sheet = meeting_sheet(realistic(), today=GOLDEN_TODAY)
    assert sheet.questions == (
        "How many sessions of speech-language therapy have been provided since the IEP began?",
        "Who provides speech-language therapy, and on which days and at what times?",
        "How many sessions of occupational therapy have been provided since the IEP began?",
        "Who provides occupational therapy, and on which days and at what times?",
        "May I see the service logs for each service?",
        "The 405 minutes not provided (not counting absences): how will the team decide what is "
        "made up, who will provide the sessions, when, and by what date?",
        "What does the progress data show for each goal?",
    )


def test_the_sheet_carries_the_services_the_numbers_and_the_missed_table() -> None:
    sheet = meeting_sheet(realistic(), today=GOLDEN_TODAY)
    assert sheet.services[0] == (
        "Speech-language therapy, 30 minutes, 2 times per week (individual, pull-out)"
    )
    assert "315 minutes were not provided" in sheet.summary[0]
    assert "- Dates without service: September 24; October 6, 8 and 13" in sheet.missed_table
    assert (
        "In all, not provided, not counting Daniel Alvarez's absences: 405 minutes"
        in sheet.missed_table
    )


def test_the_sheet_lists_each_goal_with_its_progress_notes() -> None:
    sheet = meeting_sheet(realistic(), today=GOLDEN_TODAY)
    assert [goal.goal[:30] for goal in sheet.goals] == [
        "By May 2027, Daniel will produ",
        "By May 2027, Daniel will use a",
    ]
    assert sheet.goals[0].notes == (
        'November 6, 2026: Progress report: "Emerging". 45% accuracy (baseline in May: 40%).',
    )


def test_progress_notes_are_in_date_order() -> None:
    document = realistic_document()
    document["goals"][0]["progress_notes"].insert(
        0, {"date": "2027-01-29", "note": "Progress report: 60% accuracy."}
    )
    sheet = meeting_sheet(load_case(document), today=GOLDEN_TODAY)
    assert [note[:16] for note in sheet.goals[0].notes] == ["November 6, 2026", "January 29, 2027"]


def test_the_sheet_names_a_coming_meeting_but_not_a_past_one() -> None:
    assert meeting_sheet(realistic(), today=GOLDEN_TODAY).meeting == ""
    sheet = meeting_sheet(realistic(), today=dt.date(2026, 11, 10))
    assert sheet.meeting == "For the IEP meeting on November 12, 2026"


def test_the_printed_sheet_matches_its_golden_file() -> None:
    check_golden("meeting-sheet", meeting_sheet(realistic(), today=GOLDEN_TODAY).text)


def test_an_empty_case_still_gives_the_questions() -> None:
    sheet = meeting_sheet(Case(), today=GOLDEN_TODAY)
    assert sheet.title == "Meeting sheet: my child's IEP"
    assert len(sheet.questions) == 5
    assert "May I see the service logs for each service?" in sheet.text
    assert sheet.missed_table == "" and sheet.goals == ()
