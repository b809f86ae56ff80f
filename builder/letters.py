"""Letters: the catalogue in letters/catalogue.json and the Jinja2 templates in letters/<language>/.

A template is plain text. Its first line is `Subject: ...`, then a blank line, then the body.
Every fact comes from the case and its gap report; a missing fact shows as [a bracketed blank]
so a half-filled case still gives a readable draft.

The context every template receives is built here, once, from the case: the IEP's service
lines, the gap sentence and tables, the earlier letters and replies by date, the meeting, the
conversation to confirm, the refusal, the complaint's parts, and the state's rules where they
differ (California: Ed. Code 56343.5 and 56504).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from builder import templating
from builder.case import Case, DateRange, Person
from builder.complaint import one_year_check
from builder.gap import compute_gap
from builder.gap_facts import GapReport, ServiceGap, rounded
from builder.gap_report import report_lines
from builder.gap_words import child_name, flag_description, shortfalls_text, summary
from builder.i18n import (
    and_list,
    dates_text,
    day_text,
    long_date,
    mid_sentence,
    number,
    plural,
    range_text,
    text,
    weekday_date,
)
from builder.jurisdictions import State, get_state, localized
from builder.school_days import one_year_before
from builder.service_line import describe_service

LETTERS_DIR = Path(__file__).resolve().parent.parent / "letters"
REPLY_DAYS = 10
# Mail apps and browsers cut long mailto: links; past this the page offers Copy instead.
MAILTO_LIMIT = 1800
_BLANK = re.compile(r"\[([^\[\]\n]{1,80})\]")
# What the form records for an email or letter the parent wrote without one of these letters.
OTHER_LETTER = "other"


@dataclass(frozen=True)
class LetterInfo:
    """A letter of the catalogue (letters/catalogue.json); its title and description, in each
    language, are messages: title.<name>, description.<name>."""

    name: str
    step: int
    page: str
    template: str
    to: str
    cc: tuple[str, ...]
    needs: tuple[str, ...]
    reply_days: int = REPLY_DAYS
    # Whether the parent's chosen copies (the principal, the director) go on this letter: the
    # later letters, once the first notes to the case manager have gone unanswered.
    copies: bool = False


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


@cache
def catalogue() -> tuple[LetterInfo, ...]:
    """Every letter, in the order of the guide's steps (the file's order within a step)."""
    data = json.loads((LETTERS_DIR / "catalogue.json").read_text(encoding="utf-8"))
    letters = (
        LetterInfo(**{**entry, "cc": tuple(entry["cc"]), "needs": tuple(entry["needs"])})
        for entry in data["letters"]
    )
    return tuple(sorted(letters, key=lambda info: info.step))


def letter_title(name: str, language: str = "en") -> str:
    return text(f"title.{name}", language)


def known_letters() -> frozenset[str]:
    """The names of the catalogue's letters (anything else in letters_sent is shown as typed)."""
    return frozenset(info.name for info in catalogue())


def letter_info(name: str) -> LetterInfo:
    for info in catalogue():
        if info.name == name:
            return info
    known = ", ".join(info.name for info in catalogue())
    raise KeyError(f"no letter named {name!r}; the letters are: {known}")


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


def need_label(path: str, language: str = "en") -> str:
    """A fact's path (contacts.director.name) as a reader says it (the director's name)."""
    return text(f"need.{path}", language)


def reply_date(today: dt.date, days: int = REPLY_DAYS) -> dt.date:
    """The date a letter sent `today` asks for an answer by."""
    return today + dt.timedelta(days=days)


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


# -- the missed-services table of the make-up request and the complaint ------------------------


def not_counted(gap: ServiceGap, language: str) -> tuple[str, ...]:
    """Logged minutes not counted as service: 'October 27 (30 minutes: used for testing)'."""
    return tuple(
        text(
            "missed.flag",
            language,
            date=day_text(flag.date, language),
            minutes=plural("unit.minute", flag.minutes, language),
            what=flag_description(flag, language),
        )
        for flag in gap.flags
        if flag.kind != "outside"
    )


def missed_services_table(report: GapReport) -> str:
    """Per service: the IEP line, dates without service, the weeks that fell short, partial
    sessions and the minutes not provided.

    One labelled block per service rather than columns: date lists are long, and email on a
    phone wraps wide columns out of line. Minutes logged but not counted and the child's own
    absences are listed too, so the figure can be checked line by line.
    """
    language = report.language
    blocks = []
    for gap in report.counted:
        if not gap.missed_minutes:
            continue
        lines = [describe_service(gap.service, language)]
        lines += [f"- {line}" for line in _missed_lines(gap, report)]
        blocks.append("\n".join(lines))
    if not blocks:
        return ""
    if len(blocks) > 1:
        blocks.append(
            text(
                "missed.total_owed",
                language,
                minutes=number(rounded(report.owed_minutes), language),
                child=child_name(report),
            )
        )
    return "\n\n".join(blocks)


def _missed_lines(gap: ServiceGap, report: GapReport) -> list[str]:
    language = report.language
    child = child_name(report)
    assert gap.window is not None
    lines = []
    missed = gap.dates_without_service
    if missed is None:
        lines.append(
            text(
                "missed.count_only",
                language,
                dates=range_text(gap.window.start, gap.window.end, language),
                received=_received_words(gap, language),
                expected=_expected_words(gap, language),
            )
        )
    else:
        dates = dates_text(missed, language)
        lines.append(text("missed.dates", language, dates=dates or text("missed.none", language)))
    short = shortfalls_text(gap, language)
    if short:
        lines.append(text("missed.short", language, shortfalls=short))
    partial = and_list(
        (
            text(
                "missed.partial_session",
                language,
                date=day_text(entry.date, language),
                minutes=number(entry.minutes, language),
                length=number(gap.service.minutes, language),
            )
            for entry in gap.partial_sessions
        ),
        language,
        separator="; ",
    )
    if partial or missed is not None:
        lines.append(
            text("missed.partial", language, partial=partial or text("missed.none", language))
        )
    flagged = not_counted(gap, language)
    if flagged:
        lines.append(text("missed.not_counted", language, lines="; ".join(flagged)))
    if gap.student_absences:
        days = dates_text((DateRange(e.date, e.date) for e in gap.student_absences), language)
        lines.append(text("missed.absent", language, dates=days, child=child))
    if gap.made_up_minutes:
        lines.append(
            text("missed.made_up", language, minutes=number(gap.made_up_minutes, language))
        )
    lines.append(
        text(
            "missed.owed",
            language,
            minutes=number(rounded(gap.owed_minutes), language),
            child=child,
        )
    )
    return lines


def _received_words(gap: ServiceGap, language: str) -> str:
    if gap.delivered_sessions is not None:
        return plural("unit.session", gap.delivered_sessions, language)
    return plural("unit.minute", gap.delivered_minutes, language)


def _expected_words(gap: ServiceGap, language: str) -> str:
    if gap.expected_sessions is not None:
        return plural("unit.session", gap.expected_sessions, language)
    return plural("unit.minute", rounded(gap.expected_minutes), language)


def sent_phrase(letter: str, language: str) -> str:
    """What a sent letter was, for a sentence: 'a request for an IEP team meeting'."""
    if letter in known_letters() or letter == OTHER_LETTER:
        return text(f"sent.{letter}", language)
    return letter


def history(case: Case, *, today: dt.date) -> tuple[str, ...]:
    """The written record so far, oldest first, one entry each (letters, replies, the meeting and
    what was agreed, conversations, refusals), up to `today`. An entry may carry indented lines."""
    language = case.language
    entries: list[tuple[dt.date, int, str]] = []
    refusal = case.refusal
    told_by = None
    if refusal.date and refusal.what:
        # A refusal heard in a conversation is one entry: "Ms. Lee let me know on the phone that..."
        told_by = next(
            (
                talk
                for talk in case.conversations
                if talk.date == refusal.date and (not refusal.by or talk.person == refusal.by)
            ),
            None,
        )
        who = (
            refusal.by
            or (told_by.person if told_by else "")
            or text("history.the_school", language)
        )
        how = _how(told_by.how, language) if told_by else ""
        entries.append(
            (
                refusal.date,
                4,
                text(
                    "history.refusal",
                    language,
                    by=who,
                    how=f" {how}" if how else "",
                    what=refusal.what,
                ),
            )
        )
    team = _team_named(case)
    for sent in case.letters_sent:
        phrase = sent_phrase(sent.letter, language)
        if team and sent.letter == "meeting-request":
            phrase = text("sent.meeting-request_team", language, team=team)
        key = "history.sent_to" if sent.to else "history.sent"
        entries.append((sent.date, 0, text(key, language, what=phrase, to=sent.to)))
    for talk in case.conversations:
        if talk is told_by:
            continue
        how = _how(talk.how, language)
        entries.append(
            (
                talk.date,
                1,
                text(
                    "history.conversation",
                    language,
                    person=talk.person or text("history.someone", language),
                    how=f" {how}" if how else "",
                ),
            )
        )
    meeting = case.meeting
    if meeting.held_on:
        agreed = "history.meeting_agreed" if meeting.agreed else "history.meeting"
        heading = text(f"{agreed}_team", language, team=team) if team else text(agreed, language)
        lines = [heading]
        lines.extend(f"  - {point}" for point in meeting.agreed)
        entries.append((meeting.held_on, 2, "\n".join(lines)))
    for reply in case.replies:
        who = reply.sender or text("history.someone", language)
        if reply.summary:
            line = text("history.reply", language, sender=who, summary=reply.summary)
        else:
            line = text("history.reply_no_summary", language, sender=who)
        entries.append((reply.date, 3, line))
    return tuple(
        f"{long_date(day, language)}: {line}"
        for day, _, line in sorted(entries, key=lambda entry: (entry[0], entry[1]))
        if day <= today
    )


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
    replies = sorted((reply for reply in case.replies if reply.date <= today), key=_by_date)
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
        "cc_lines": [_person_line(person, role, language) for role, person in cc],
        "typed_signature_counts": bool(state and state.takes_typed_signature),
        "reply_by": long_date(_reply_by(case, today, info), language),
        "state": state,
        "agency": state.agency if state else "",
        "state_name": state.name if state else "",
        "period_start": (
            long_date(period.start, language)
            if period
            else _blank(text("blank.start_date", language))
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
            for incident in sorted(case.incidents, key=_by_date)
        ],
        "earlier_dates": and_list((long_date(sent.date, language) for sent in earlier), language),
        "earlier_count": len(earlier),
        "last_reply": long_date(replies[-1].date, language) if replies else "",
        "history": history(case, today=today),
        "conversation": _conversation(case, today, language),
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


# -- the state's own rules, where the research confirmed them (data/states.json) ---------------


def state_rules(state: State | None, case: Case) -> dict[str, Any]:
    """What the letters take from the case's state, in the letter's language: the records rule
    when it is shorter than the federal 45 days, the rule for a meeting the parent asks for, the
    IEP team's name, and how the complaint is sent. Elsewhere (no state, or nothing confirmed)
    the federal wording: every structured fact in the data is CONFIRMED (its schema says so)."""
    language = case.language
    records = state.records_deadline if state else None
    if records and not records.faster_than_federal:
        records = None
    meeting = state.meeting_rule if state else None
    team = state.team_name if state else None
    child = case.child.name or _blank(text("blank.my_child", language))
    return {
        "records_rule": _records_sentence(state, language) if state and records else "",
        "records_copies": bool(records and records.copies),
        "meeting_rule": (
            (localized(state, meeting.letter, language) or "").replace("{child}", child)
            if state and meeting and meeting.letter
            else ""
        ),
        "iep_team_a": (team and state and localized(state, team.letter_a, language))
        or text("team.a", language),
        "iep_team_the": (team and state and localized(state, team.letter_the, language))
        or text("team.the", language),
        **_sending(state, language),
    }


def _team_named(case: Case) -> str | None:
    """The IEP team as the case's state names it in a sentence's middle ("the ARD committee (IEP
    team)"; in Spanish the form after "del"), or None where the state uses "IEP team"."""
    state = get_state(case.state) if case.state else None
    if state is None or state.team_name is None:
        return None
    team = state.team_name
    # Which of the state's two forms fits this language's history sentences ("Meeting of {team}"
    # takes "the ARD committee"; "Reunión del {team}" takes "comité de ARD"): a message says.
    form = text("team.history_form", case.language)
    return localized(state, team.letter_the if form == "the" else team.letter_a, case.language)


def _records_sentence(state: State, language: str) -> str:
    """The state's records sentence in the letter's language; where it is not translated yet,
    the same rule in the language's own words, from its days and citation."""
    records = state.records_deadline
    assert records is not None
    if records.letter and (written := localized(state, records.letter, language)):
        return written
    period = plural(f"state.days.{records.day_kind}", records.days, language)
    return text("state.records_letter", language, citation=records.citation, period=period)


def _sending(state: State | None, language: str) -> dict[str, str]:
    """How the complaint goes to the agency (sent_by), and the agency's postal address when it
    goes by mail: a way the agency is confirmed to accept, email first (the easiest to prove),
    or a blank that says to ask which ways it accepts. No state: nothing (the agency is a blank)."""
    if state is None:
        return {"sent_by": "", "agency_address": ""}
    methods = state.filing_methods.confirmed()
    contact = state.contact
    address = ""
    if "email" in methods and state.email_address:
        line = text("complaint.sent.email_to", language, address=state.email_address)
    elif "email" in methods:
        line = text("complaint.sent.email", language)
    elif "mail" in methods:
        line = text("complaint.sent.mail", language)
        address = (contact.mail if contact else None) or ""
    elif "fax" in methods and contact and contact.fax:
        line = text("complaint.sent.fax_to", language, number=contact.fax)
    elif methods:
        line = text(f"complaint.sent.{methods[0]}", language)
    else:
        line = _blank(text("complaint.sent.unknown", language))
    return {"sent_by": line, "agency_address": address}


def reference_line(case: Case) -> str:
    """Re: Leo Torres, date of birth March 4, 2017, grade 3, Travis Elementary School."""
    language = case.language
    child = case.child
    parts = [child.name or _blank(text("blank.child_name", language))]
    if child.birth_date:
        parts.append(
            text("reference.birth_date", language, date=long_date(child.birth_date, language))
        )
    if child.grade:
        parts.append(text("reference.grade", language, grade=child.grade))
    if child.school:
        parts.append(child.school)
    if child.student_id:
        parts.append(text("reference.student_id", language, id=child.student_id))
    return text("reference.line", language, parts=", ".join(parts))


def salutation(name: str, language: str = "en") -> str:
    """How a letter greets a person: "Ms. Kim" for "Ms. Rachel Kim"; a name without a title
    stays whole."""
    words = name.split()
    titles = {title.casefold() for title in text("salutation.titles", language).split("|")}
    if len(words) > 2 and words[0].casefold().rstrip(".") + "." in titles | {
        title.rstrip(".") + "." for title in titles
    }:
        return f"{words[0]} {words[-1]}"
    return name


def _person_line(person: Person, role: str, language: str) -> str:
    """Ms. Rachel Kim, case manager; Dr. Thomas Reyes, Director of Special Education."""
    what = text("role.case_manager", language) if role == "case_manager" else person.title
    return f"{person.name}, {what}" if what else person.name


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


def _conversation(case: Case, today: dt.date, language: str) -> dict[str, Any]:
    talks = [talk for talk in case.conversations if talk.date <= today]
    if not talks:
        return {"date": "", "when": "", "person": "", "points": []}
    talk = max(talks, key=_by_date)
    on = (
        text("conversation.today", language)
        if talk.date == today
        else text("conversation.on_date", language, date=long_date(talk.date, language))
    )
    return {
        "date": long_date(talk.date, language),
        "when": " ".join(part for part in (_how(talk.how, language), on) if part),
        "person": talk.person,
        "points": list(talk.points),
    }


def _how(how: str | None, language: str) -> str:
    return text(f"conversation.how_{how}", language) if how else ""


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
    letters.filters["blank"] = lambda value, label: value or _blank(label)
    letters.filters["long_date"] = lambda day: long_date(day, language)
    letters.filters["mid_sentence"] = mid_sentence
    letters.filters["salute"] = lambda name: salutation(name, language)
    return letters


def _blank(label: str) -> str:
    return f"[{label}]"


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
        talks = sorted(case.conversations, key=_by_date)
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


def _by_date(item: Any) -> dt.date:
    day: dt.date = item.date
    return day
