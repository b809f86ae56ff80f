"""Letters: the Jinja2 templates in letters/<language>/, filled from a case.

A template is plain text. Its first line is `Subject: ...`, then a blank line, then the body.
Every fact comes from the case and its gap report; a missing fact shows as [a bracketed blank]
so a half-filled case still gives a readable draft, and `blanks` lists what is left.

The context every template receives is built here, once, from the case: the IEP's service
lines, the gap sentence and tables, the earlier letters and replies by date, the meeting, the
conversation to confirm, the refusal, the complaint's parts, and the state's rules where the
research confirmed them. Which letters there are is `letter_catalogue`'s; the parts the letters
quote (the missed-services table, the history, the state's rules) are `letter_parts`'.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

import jinja2

from builder import templating
from builder.case import Case, Person
from builder.complaint import one_year_check
from builder.gap import compute_gap
from builder.gap_facts import GapReport, rounded
from builder.gap_report import report_lines
from builder.gap_words import summary
from builder.i18n import (
    and_list,
    long_date,
    mid_sentence,
    number,
    text,
    weekday_date,
)
from builder.jurisdictions import get_state
from builder.letter_catalogue import LETTERS_DIR, LetterInfo, letter_info, need_label, reply_date
from builder.letter_parts import (
    blank,
    by_date,
    conversation,
    history,
    missed_services_table,
    person_line,
    reference_line,
    salutation,
    state_rules,
)
from builder.school_days import one_year_before
from builder.service_line import describe_service

# Mail apps and browsers cut long mailto: links; past this the page offers Copy instead.
MAILTO_LIMIT = 1800
_BLANK = re.compile(r"\[([^\[\]\n]{1,80})\]")


@dataclass(frozen=True)
class Letter:
    name: str
    subject: str
    body: str
    to: Person
    cc: tuple[Person, ...]
    language: str = "en"

    @property
    def text(self) -> str:
        """Subject and body as one plain-text document (for Copy, Download and print)."""
        return f"{self.subject}\n\n{self.body}"


def render_letter(
    name: str, case: Case, *, today: dt.date, report: GapReport | None = None
) -> Letter:
    """The letter `name` filled from `case`, dated `today`."""
    info = letter_info(name)
    report = report if report is not None else compute_gap(case)
    template = environment(case.language).get_template(info.template)
    to = _contact(case, info.to)
    cc = _copies(case, info, to)
    rendered = template.render(_context(case, report, today, info, cc))
    subject_line, _, body = rendered.partition("\n")
    return Letter(
        name=name,
        subject=subject_line.removeprefix("Subject:").strip(),
        body=_tidy(body),
        to=to,
        cc=tuple(person for _, person in cc),
        language=case.language,
    )


def _copies(case: Case, info: LetterInfo, to: Person) -> tuple[tuple[str, Person], ...]:
    """Who the letter copies, with their role: its own (the district, for the complaint) and, on
    the later letters, those the parent chose; never the person it is addressed to, never twice."""
    roles = [*info.cc, *(case.cc if info.copies else ())]
    people: list[tuple[str, Person]] = []
    for role in roles:
        person = _contact(case, role)
        if person.name and person.name != to.name and all(person != p for _, p in people):
            people.append((role, person))
    return tuple(people)


def missing_facts(name: str, case: Case) -> tuple[str, ...]:
    """The paths of the facts `name` needs that the case does not have yet."""
    return tuple(path for path in letter_info(name).needs if not _has(case, path))


def missing_in_words(name: str, case: Case) -> tuple[str, ...]:
    """What `name` still needs, in plain words ("the case manager's name")."""
    return tuple(need_label(path, case.language) for path in missing_facts(name, case))


def blanks(letter: Letter) -> tuple[str, ...]:
    """The [bracketed blanks] still in a letter, as it says them: what to fill before sending."""
    return tuple(dict.fromkeys(_BLANK.findall(letter.text)))


def mailto_url(letter: Letter) -> str | None:
    """A mailto: link with recipient, cc, subject and body, or None when too long for one."""
    if len(letter.body) > MAILTO_LIMIT:
        return None  # quoting never shortens it: skip the work, on every keystroke
    fields = [f"subject={quote(letter.subject)}", f"body={quote(letter.body)}"]
    cc = ",".join(person.email for person in letter.cc if person.email)
    if cc:
        fields.insert(0, f"cc={quote(cc, safe='@,')}")
    url = f"mailto:{quote(letter.to.email, safe='@')}?{'&'.join(fields)}"
    return url if len(url) <= MAILTO_LIMIT else None


# -- the template context ----------------------------------------------------------------------


def _context(
    case: Case,
    report: GapReport,
    today: dt.date,
    info: LetterInfo,
    cc: tuple[tuple[str, Person], ...],
) -> dict[str, Any]:
    language = case.language
    period = case.period
    state = get_state(case.state) if case.state else None
    earlier = sorted(
        (sent for sent in case.letters_sent if sent.date <= today), key=lambda sent: sent.date
    )
    replies = sorted((reply for reply in case.replies if reply.date <= today), key=by_date)
    return {
        "case": case,
        "parent": case.parent,
        "child": case.child,
        "contacts": case.contacts,
        "gap": report,
        "gap_sentence": summary(report),
        "today": long_date(today, language),
        "reference": reference_line(case),
        "iep_date": long_date(case.iep_date, language) if case.iep_date else "",
        "as_written": [
            (describe_service(service, language), service.as_written) for service in case.services
        ],
        "cc_lines": [person_line(person, role, language) for role, person in cc],
        "typed_signature_counts": bool(state and state.takes_typed_signature),
        "reply_by": long_date(_reply_by(case, today, info), language),
        "state": state,
        "agency": state.agency if state else "",
        "state_name": state.name if state else "",
        "period_start": (
            long_date(period.start, language)
            if period
            else blank(text("blank.start_date", language))
        ),
        "service_names": and_list(
            (mid_sentence(service.name) for service in case.services), language
        ),
        "has_gap": any(gap.missed_minutes for gap in report.counted),
        "gap_lines": report_lines(report),
        "missed_table": missed_services_table(report),
        "owed_minutes": number(rounded(report.owed_minutes), language)
        if report.owed_minutes
        else "",
        "absent_minutes": report.student_absent_minutes,
        "missed_minutes": number(rounded(report.missed_minutes), language),
        "incidents": [
            text(
                "incident.line_note" if incident.note else "incident.line",
                language,
                date=long_date(incident.date, language),
                support=incident.support,
                note=incident.note,
            )
            for incident in sorted(case.incidents, key=by_date)
        ],
        "earlier_dates": and_list((long_date(sent.date, language) for sent in earlier), language),
        "earlier_count": len(earlier),
        "last_reply": long_date(replies[-1].date, language) if replies else "",
        "history": history(case, today=today),
        "conversation": conversation(case, today, language),
        "meeting": {
            "offered": [
                text(
                    "meeting.offered_time" if offer.time else "meeting.offered_day",
                    language,
                    day=weekday_date(offer.date, language),
                    time=offer.time,
                )
                for offer in case.meeting.offered
            ],
            "held_on": long_date(case.meeting.held_on, language) if case.meeting.held_on else "",
            "agreed": list(case.meeting.agreed),
            "attendees": list(case.meeting.attendees),
        },
        "refusal": {
            "date": long_date(case.refusal.date, language) if case.refusal.date else "",
            "by": case.refusal.by,
            "what": case.refusal.what,
        },
        "proposed_schedule": case.compensatory.proposed_schedule,
        "complaint": case.complaint,
        "records_from": long_date(period.start, language) if period else "",
        "one_year": _one_year(case, report, today) if info.name == "state-complaint" else {},
        **state_rules(state, case),
    }


def _one_year(case: Case, report: GapReport, today: dt.date) -> dict[str, Any]:
    """The dates the complaint alleges, for its sentence on the one-year limit (300.153(c))."""
    language = case.language
    check = one_year_check(case, today=today, report=report)
    if check.oldest is None or check.newest is None or check.all_too_old:
        return {"start": "", "end": "", "all_within": False}
    cutoff = one_year_before(today)
    return {
        "start": long_date(max(check.oldest, cutoff), language),
        "end": long_date(check.newest, language),
        "all_within": not check.too_old,
    }


def _reply_by(case: Case, today: dt.date, info: LetterInfo) -> dt.date:
    """The letter's reply date; a meeting request asks for an answer before the first time it
    offers (when that leaves at least a day), so the times offered are still open."""
    answer_by = reply_date(today, info.reply_days)
    if info.name == "meeting-request":
        offered = [offer.date for offer in case.meeting.offered if offer.date > today]
        if offered:
            day_before = min(offered) - dt.timedelta(days=1)
            if day_before > today:
                answer_by = min(answer_by, day_before)
    return answer_by


@cache
def environment(language: str) -> jinja2.Environment:
    """The letters' templates in `language`, as they are rendered (and compiled for the browser)."""
    letters = jinja2.Environment(
        loader=templating.loader(
            jinja2.FileSystemLoader(LETTERS_DIR / language), f"letters/{language}"
        ),
        autoescape=False,  # plain text for email; the page shows it as text, never as HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    letters.filters["blank"] = lambda value, label: value or blank(label)
    letters.filters["long_date"] = lambda day: long_date(day, language)
    letters.filters["mid_sentence"] = mid_sentence
    letters.filters["salute"] = lambda name: salutation(name, language)
    return letters


def _tidy(body: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in body.strip("\n").splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"


def _contact(case: Case, role: str) -> Person:
    contacts = case.contacts
    if role == "case_manager":
        return contacts.case_manager
    if role == "director":
        return contacts.director
    if role == "principal":
        return contacts.principal
    if role == "district":
        # Who gets the state complaint's copy (34 CFR 300.153(d)): the director, else the district.
        if contacts.director.name:
            return contacts.director
        return Person(name=contacts.district)
    if role == "state_agency":
        state = get_state(case.state) if case.state else None
        if state is None:
            return Person()
        return Person(name=state.agency, email=state.email_address or "")
    if role == "conversation":
        talks = sorted(case.conversations, key=by_date)
        person = talks[-1].person if talks else ""
        if not person or person == contacts.case_manager.name:
            return contacts.case_manager
        return Person(name=person)
    return Person(name=role)


def _has(case: Case, path: str) -> bool:
    value: Any = case
    for part in path.split("."):
        value = getattr(value, part, None)
    return bool(value)
