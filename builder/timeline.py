"""The case timeline: what was sent and received, and the dates that follow from it.

`timeline(case, today=...)` lists, oldest first:
- the letters sent (letters_sent), the replies, the conversations, the IEP meeting, the refusal;
- the reply each letter asks for: the letter's date + its reply days (10 unless the catalogue
  says otherwise);
- records due after a records request (requests.records_requested_on, or a records-request
  letter): 45 days (34 CFR 300.613), or sooner where the state's confirmed rule says so
  (California: five business days, Ed. Code 56504);
- after a meeting request, the date the state's confirmed meeting rule gives, if it gives one
  (California: 30 days, Ed. Code 56343.5; Texas: five school days to hold it or say why not);
- each state rule's date is counted in its kind of days, and its note says how: business days
  Monday to Friday, holidays not left out; school days Monday to Friday without the days off
  the parent entered; calendar days as they come; the note quotes the rule, so what it does not
  count is said;
- the state's decision, 60 days after the complaint is filed (34 CFR 300.152(a));
- the last day a state complaint can still reach the oldest missed service (34 CFR 300.153(c)).

`to_ics(events, stamp=...)` writes them as an RFC 5545 calendar of all-day events.
Pure core: standard library only; today and the stamp are parameters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from builder.case import Case
from builder.complaint import one_year_check
from builder.gap_facts import GapReport
from builder.i18n import long_date, plural, text
from builder.jurisdictions import DayKind, State, get_state, localized
from builder.letter_catalogue import REPLY_DAYS, known_letters, letter_info, reply_date
from builder.letter_parts import sent_phrase
from builder.school_days import add_business_days, add_school_days

RECORDS_DAYS = 45  # 34 CFR 300.613(a): in no case more than 45 days after the request
COMPLAINT_DECISION_DAYS = 60  # 34 CFR 300.152(a)
PRODID = "-//IEP Follow-Through//Case timeline 1//EN"
UID_DOMAIN = "iep-follow-through"
# The order of events that fall on the same day.
KINDS = (
    "letter_sent",
    "conversation",
    "meeting",
    "reply",
    "refusal",
    "complaint_filed",
    "reply_due",
    "records_due",
    "meeting_due",
    "decision_due",
    "one_year_limit",
)
_NO_REPLY_DATE = frozenset({"state-complaint", "records-request"})


@dataclass(frozen=True)
class TimelineEvent:
    """One dated line of the timeline: what happened or what is due, with a note in plain words."""

    date: dt.date
    kind: str  # one of KINDS
    title: str
    note: str = ""
    past: bool = False  # before the `today` the timeline was made for

    @property
    def uid(self) -> str:
        """A stable identifier made from the event's content (the same event, the same UID)."""
        content = "\x1f".join((self.date.isoformat(), self.kind, self.title, self.note))
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]
        return f"{digest}@{UID_DOMAIN}"


def timeline(
    case: Case, *, today: dt.date, report: GapReport | None = None
) -> tuple[TimelineEvent, ...]:
    """Every event of the case, oldest first (same day: in the order of KINDS)."""
    language = case.language
    events: list[tuple[dt.date, str, str, str]] = []

    def add(day: dt.date, kind: str, title: str, note: str = "") -> None:
        events.append((day, kind, title, note))

    state = get_state(case.state)
    records = state.records_deadline if state else None
    if records and not records.faster_than_federal:
        records = None
    meeting = state.meeting_rule if state else None
    for sent in case.letters_sent:
        what = sent_phrase(sent.letter, language)
        sent_on = long_date(sent.date, language)
        add(
            sent.date,
            "letter_sent",
            text(
                "timeline.sent_to" if sent.to else "timeline.sent", language, what=what, to=sent.to
            ),
        )
        if sent.letter not in _NO_REPLY_DATE:
            days = (
                letter_info(sent.letter).reply_days
                if sent.letter in known_letters()
                else REPLY_DAYS
            )
            add(
                reply_date(sent.date, days),
                "reply_due",
                text("timeline.reply_due", language, what=what),
                text("timeline.reply_due_note", language, days=days, date=sent_on),
            )
        if sent.letter == "meeting-request" and state and meeting and meeting.days:
            assert meeting.day_kind is not None  # the schema asks for it with the days
            period = plural(f"state.days.{meeting.day_kind}", meeting.days, language)
            add(
                _after(sent.date, meeting.days, meeting.day_kind, case),
                "meeting_due",
                text("timeline.meeting_due_state", language, period=period),
                _rule_note(
                    state,
                    meeting.text,
                    meeting.citation,
                    meeting.day_kind,
                    period,
                    sent_on,
                    language,
                ),
            )
    for reply in case.replies:
        add(
            reply.date,
            "reply",
            text(
                "timeline.reply", language, sender=reply.sender or text("history.someone", language)
            ),
            reply.summary,
        )
    for talk in case.conversations:
        add(
            talk.date,
            "conversation",
            text(
                "timeline.conversation",
                language,
                person=talk.person or text("history.someone", language),
            ),
            " ".join(talk.points),
        )
    if case.meeting.held_on:
        add(
            case.meeting.held_on,
            "meeting",
            text("timeline.meeting", language),
            " ".join(case.meeting.agreed),
        )
    refusal = case.refusal
    if refusal.date and refusal.what:
        add(
            refusal.date,
            "refusal",
            text(
                "timeline.refusal", language, by=refusal.by or text("history.the_school", language)
            ),
            refusal.what,
        )
    for requested in _records_requests(case):
        if state and records:
            period = plural(f"state.days.{records.day_kind}", records.days, language)
            due = _after(requested, records.days, records.day_kind, case)
            asked = long_date(requested, language)
            note = _rule_note(
                state, records.text, records.citation, records.day_kind, period, asked, language
            )
        else:
            due = requested + dt.timedelta(days=RECORDS_DAYS)
            note = text("timeline.records_due_note", language, date=long_date(requested, language))
        add(due, "records_due", text("timeline.records_due", language), note)
    filed = _complaint_filed(case)
    if filed:
        if case.complaint.filed_on:
            add(filed, "complaint_filed", text("timeline.complaint_filed", language))
        add(
            filed + dt.timedelta(days=COMPLAINT_DECISION_DAYS),
            "decision_due",
            text("timeline.decision_due", language),
            text("timeline.decision_due_note", language, date=long_date(filed, language)),
        )
    check = one_year_check(case, today=today, report=report)
    if check.oldest and check.last_day_for_oldest:
        add(
            check.last_day_for_oldest,
            "one_year_limit",
            text("timeline.one_year_limit", language),
            text(
                "timeline.one_year_limit_note", language, oldest=long_date(check.oldest, language)
            ),
        )
    unique = sorted(set(events), key=lambda event: (event[0], KINDS.index(event[1]), event[2:]))
    return tuple(
        TimelineEvent(date=day, kind=kind, title=title, note=note, past=day < today)
        for day, kind, title, note in unique
    )


def to_ics(events: Iterable[TimelineEvent], *, stamp: dt.datetime | dt.date) -> str:
    """The events as an RFC 5545 calendar: all-day VEVENTs, CRLF line ends, lines folded at 75
    octets, text escaped, UIDs made from each event's content, DTSTAMP from `stamp` (UTC;
    a naive datetime is taken as UTC)."""
    stamp_text = _utc(stamp).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    seen: set[str] = set()
    for event in events:
        if event.uid in seen:
            continue
        seen.add(event.uid)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART;VALUE=DATE:{event.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(event.date + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_escape(event.title)}",
        ]
        if event.note:
            lines.append(f"DESCRIPTION:{_escape(event.note)}")
        lines += [f"CATEGORIES:{_escape(event.kind)}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _after(start: dt.date, days: int, kind: DayKind, case: Case) -> dt.date:
    """The date `days` days of `kind` after `start`: business days Monday to Friday, school days
    also without the days off the parent entered, other days as they come."""
    if kind == "business":
        return add_business_days(start, days)
    if kind == "school":
        return add_school_days(start, days, case.no_school)
    return start + dt.timedelta(days=days)


def _rule_note(
    state: State, rule: str, citation: str, kind: DayKind, period: str, since: str, language: str
) -> str:
    """The state rule's own words (in English, said so, where not translated yet), and how the
    date was counted."""
    words = localized(state, rule, language) or f"{rule} {text('statepage.in_english', language)}"
    counted = text(f"timeline.counted.{kind}", language, period=period, date=since)
    return f"{citation}: {words} {counted}"


def _records_requests(case: Case) -> list[dt.date]:
    days = {sent.date for sent in case.letters_sent if sent.letter == "records-request"}
    if case.requests.records_requested_on:
        days.add(case.requests.records_requested_on)
    return sorted(days)


def _complaint_filed(case: Case) -> dt.date | None:
    if case.complaint.filed_on:
        return case.complaint.filed_on
    sent = [sent.date for sent in case.letters_sent if sent.letter == "state-complaint"]
    return min(sent) if sent else None


def _utc(stamp: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(stamp, dt.datetime):
        return dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.UTC)
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)


def _escape(value: str) -> str:
    """TEXT escaping of RFC 5545 3.3.11: backslash, semicolon, comma, and newlines as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded (RFC 5545 3.1), never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 1, 75  # a continuation line starts with one space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
