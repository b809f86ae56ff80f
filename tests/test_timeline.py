from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar

from builder.case import Case
from builder.case_reader import load_case
from builder.i18n import text
from builder.jurisdictions import get_state, localized
from builder.timeline import TimelineEvent, timeline, to_ics
from tests.test_letters import GOLDEN_TODAY, realistic_document

STAMP = dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.UTC)


def with_changes(**changes: Any) -> dict[str, Any]:
    document = realistic_document()
    document.update(changes)
    return document


def events_of(document: dict[str, Any], today: dt.date = GOLDEN_TODAY) -> tuple[TimelineEvent, ...]:
    return timeline(load_case(document), today=today)


def kinds(events: tuple[TimelineEvent, ...], kind: str) -> list[TimelineEvent]:
    return [event for event in events if event.kind == kind]


def test_the_letters_replies_and_meeting_are_on_the_timeline_in_date_order() -> None:
    events = events_of(realistic_document())
    assert [event.date for event in events] == sorted(event.date for event in events)
    sent = kinds(events, "letter_sent")
    assert [(event.date, event.title) for event in sent] == [
        (dt.date(2026, 10, 9), "Sent a note about the missed services to Ms. Rachel Kim"),
        (dt.date(2026, 10, 26), "Sent a follow-up note to Ms. Rachel Kim"),
    ]
    assert kinds(events, "reply")[0].title == "Reply from Ms. Rachel Kim"
    assert kinds(events, "reply")[0].note.startswith("The speech-language pathologist")
    assert kinds(events, "meeting")[0].date == dt.date(2026, 11, 12)
    assert kinds(events, "refusal")[0].note.startswith("make-up sessions")
    assert all(event.past for event in events if event.date < GOLDEN_TODAY)


def test_each_letter_asks_for_a_reply_ten_days_later() -> None:
    due = kinds(events_of(realistic_document()), "reply_due")
    assert [event.date for event in due] == [dt.date(2026, 10, 19), dt.date(2026, 11, 5)]
    assert due[0].note.startswith("10 days after your letter of October 9, 2026.")


def test_california_records_are_due_five_business_days_after_the_request() -> None:
    document = with_changes(requests={"records_requested_on": "2026-11-23"})
    (due,) = kinds(events_of(document), "records_due")
    # Monday November 23 + five weekdays; Thanksgiving is not taken out, and the note says so.
    assert due.date == dt.date(2026, 11, 30)
    assert "Cal. Ed. Code 56504" in due.note
    assert "a holiday in between moves it one business day later" in due.note


def test_elsewhere_records_are_due_45_days_after_the_request() -> None:
    document = with_changes(
        state="TX", letters_sent=[{"letter": "records-request", "date": "2026-11-23"}]
    )
    events = events_of(document)
    (due,) = kinds(events, "records_due")
    assert due.date == dt.date(2027, 1, 7)
    assert "34 CFR 300.613" in due.note and "45 days" in due.note
    assert kinds(events, "reply_due") == [], "the records deadline replaces the reply date"


def test_a_records_letter_and_the_same_request_date_are_one_event() -> None:
    document = with_changes(
        requests={"records_requested_on": "2026-11-23"},
        letters_sent=[{"letter": "records-request", "date": "2026-11-23"}],
    )
    assert len(kinds(events_of(document), "records_due")) == 1


def test_each_state_s_faster_records_rule_gives_the_date_in_its_kind_of_days() -> None:
    ten_days = with_changes(state="RI", requests={"records_requested_on": "2026-11-23"})
    (due,) = kinds(events_of(ten_days), "records_due")
    assert due.date == dt.date(2026, 12, 3)  # 10 calendar days
    assert due.note.startswith("200-RICR-20-30-6.9.2(C)(1)") and "10 calendar days" in due.note
    federal_length = with_changes(state="WA", requests={"records_requested_on": "2026-11-23"})
    (due,) = kinds(events_of(federal_length), "records_due")
    assert "34 CFR 300.613" in due.note, "a state rule no faster than 45 days changes nothing"


def test_texas_counts_five_school_days_without_the_days_off_entered() -> None:
    document = realistic_document() | {"state": "TX"}
    document["letters_sent"].append({"letter": "meeting-request", "date": "2026-11-20"})
    document["no_school"] = [{"start": "2026-11-23", "end": "2026-11-27", "label": "Thanksgiving"}]
    (due,) = kinds(events_of(document), "meeting_due")
    assert due.date == dt.date(2026, 12, 4)  # the week of Thanksgiving off, then Mon to Fri
    assert "19 TAC 89.1050(e)" in due.note and "5 school days" in due.title
    assert "without the days without school you entered" in due.note


def test_a_state_rule_not_yet_translated_is_quoted_in_english_and_said_to_be() -> None:
    document = realistic_document() | {"state": "TX", "language": "es"}
    document["letters_sent"].append({"letter": "meeting-request", "date": "2026-11-20"})
    (due,) = kinds(events_of(document), "meeting_due")
    assert "5 días escolares" in due.title
    texas = get_state("TX")
    assert texas is not None and texas.meeting_rule is not None
    rule = texas.meeting_rule.text
    said = localized(texas, rule, "es") or f"{rule} {text('statepage.in_english', 'es')}"
    assert said in due.note


def test_a_california_meeting_request_shows_the_30_days_with_the_statute_s_carve_out() -> None:
    document = realistic_document()
    document["letters_sent"].append({"letter": "meeting-request", "date": "2026-11-23"})
    (due,) = kinds(events_of(document), "meeting_due")
    assert due.date == dt.date(2026, 12, 23)
    assert "56343.5" in due.note and "in excess of five schooldays" in due.note
    document["state"] = "NY"
    assert kinds(events_of(document), "meeting_due") == []


def test_the_state_decision_is_due_60_days_after_filing() -> None:
    document = realistic_document()
    document["complaint"]["filed_on"] = "2026-11-30"
    events = events_of(document)
    assert kinds(events, "complaint_filed")[0].date == dt.date(2026, 11, 30)
    (due,) = kinds(events, "decision_due")
    assert due.date == dt.date(2027, 1, 29)
    assert "34 CFR 300.152(a)" in due.note and "exceptional circumstances" in due.note


def test_a_sent_complaint_letter_also_starts_the_60_days() -> None:
    document = realistic_document()
    document["letters_sent"].append({"letter": "state-complaint", "date": "2026-12-01"})
    (due,) = kinds(events_of(document), "decision_due")
    assert due.date == dt.date(2027, 1, 30)


def test_the_last_day_to_reach_the_oldest_date_is_on_the_timeline() -> None:
    (limit,) = kinds(events_of(realistic_document()), "one_year_limit")
    assert limit.date == dt.date(2027, 9, 14)
    assert "September 14, 2026" in limit.note and "receives" in limit.note


def test_an_empty_case_has_an_empty_timeline_and_an_empty_calendar_opens() -> None:
    assert timeline(Case(), today=GOLDEN_TODAY) == ()
    calendar = icalendar.Calendar.from_ical(to_ics((), stamp=STAMP))
    assert calendar.walk("VEVENT") == []


# -- the calendar file -------------------------------------------------------------------------


def full_events() -> tuple[TimelineEvent, ...]:
    document = realistic_document()
    document["requests"] = {"records_requested_on": "2026-11-23"}
    document["complaint"]["filed_on"] = "2026-11-30"
    return events_of(document)


def test_the_calendar_opens_with_icalendar_and_has_every_event() -> None:
    events = full_events()
    calendar = icalendar.Calendar.from_ical(to_ics(events, stamp=STAMP))
    assert str(calendar["PRODID"]).startswith("-//IEP Follow-Through//")
    assert str(calendar["VERSION"]) == "2.0"
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == len(events)
    for vevent, event in zip(vevents, events, strict=True):
        assert vevent.decoded("DTSTART") == event.date
        assert vevent.decoded("DTEND") == event.date + dt.timedelta(days=1)
        assert str(vevent["SUMMARY"]) == event.title
        assert str(vevent.get("DESCRIPTION", "")) == event.note
        assert vevent.decoded("DTSTAMP") == STAMP
        assert str(vevent["UID"]) == event.uid


def test_the_calendar_uses_crlf_and_folds_lines_at_75_octets() -> None:
    source = to_ics(full_events(), stamp=STAMP)
    assert source.endswith("\r\n")
    lines = source.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines), "long notes are folded"


def test_text_is_escaped_and_folding_never_splits_a_character() -> None:
    note = 'Señora López; said: "yes, on Tuesday"\nthen left. ' + "é" * 80 + " 🎉" * 10
    event = TimelineEvent(dt.date(2026, 11, 23), "reply", "Reply, with; a \\ backslash", note)
    source = to_ics([event], stamp=STAMP)
    assert "SUMMARY:Reply\\, with\\; a \\\\ backslash\r\n" in source
    for line in source.split("\r\n"):
        line.encode("utf-8").decode("utf-8")  # every folded piece is whole UTF-8
        assert len(line.encode("utf-8")) <= 75
    (vevent,) = icalendar.Calendar.from_ical(source).walk("VEVENT")
    assert str(vevent["DESCRIPTION"]) == note
    assert str(vevent["SUMMARY"]) == "Reply, with; a \\ backslash"


def test_uids_are_stable_and_made_from_the_content() -> None:
    first = to_ics(full_events(), stamp=STAMP)
    again = to_ics(full_events(), stamp=STAMP + dt.timedelta(days=3))
    uids = [line for line in first.split("\r\n") if line.startswith("UID:")]
    assert uids == [line for line in again.split("\r\n") if line.startswith("UID:")]
    assert len(set(uids)) == len(uids)
    event = full_events()[0]
    moved = TimelineEvent(event.date + dt.timedelta(days=1), event.kind, event.title, event.note)
    assert moved.uid != event.uid


def test_the_stamp_is_written_in_utc() -> None:
    pacific = dt.timezone(dt.timedelta(hours=-8))
    source = to_ics(full_events()[:1], stamp=dt.datetime(2026, 11, 23, 10, 30, tzinfo=pacific))
    assert "DTSTAMP:20261123T183000Z\r\n" in source
    naive = to_ics(full_events()[:1], stamp=dt.datetime(2026, 11, 23, 18, 30))
    assert "DTSTAMP:20261123T183000Z\r\n" in naive
    day = to_ics(full_events()[:1], stamp=dt.date(2026, 11, 23))
    assert "DTSTAMP:20261123T000000Z\r\n" in day


def test_the_same_event_twice_is_written_once() -> None:
    event = full_events()[0]
    source = to_ics([event, event], stamp=STAMP)
    assert source.count("BEGIN:VEVENT") == 1
