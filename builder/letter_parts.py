"""The parts the letters quote, each made from the case in the letter's language: the table
of missed services, the history of letters and replies by date, the state's own rules where
the research confirmed them (data/states.json), the reference line and the salutation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from builder.case import Case, DateRange, Person
from builder.gap_facts import GapReport, ServiceGap, rounded
from builder.gap_words import child_name, flag_description, shortfalls_text
from builder.i18n import (
    and_list,
    dates_text,
    day_text,
    long_date,
    number,
    plural,
    range_text,
    text,
)
from builder.jurisdictions import State, get_state, localized
from builder.letter_catalogue import OTHER_LETTER, known_letters
from builder.service_line import describe_service

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
    child = case.child.name or blank(text("blank.my_child", language))
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
        line = blank(text("complaint.sent.unknown", language))
    return {"sent_by": line, "agency_address": address}


def reference_line(case: Case) -> str:
    """Re: Leo Torres, date of birth March 4, 2017, grade 3, Travis Elementary School."""
    language = case.language
    child = case.child
    parts = [child.name or blank(text("blank.child_name", language))]
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


def person_line(person: Person, role: str, language: str) -> str:
    """Ms. Rachel Kim, case manager; Dr. Thomas Reyes, Director of Special Education."""
    what = text("role.case_manager", language) if role == "case_manager" else person.title
    return f"{person.name}, {what}" if what else person.name


def conversation(case: Case, today: dt.date, language: str) -> dict[str, Any]:
    talks = [talk for talk in case.conversations if talk.date <= today]
    if not talks:
        return {"date": "", "when": "", "person": "", "points": []}
    talk = max(talks, key=by_date)
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


def blank(label: str) -> str:
    return f"[{label}]"


def by_date(item: Any) -> dt.date:
    day: dt.date = item.date
    return day
