"""The state complaint: is it complete (34 CFR 300.153(b)), and is it in time (300.153(c))?

`complaint_problems` lists, element by element, what the complaint still lacks, in plain words;
an empty tuple means it has every element and the page may offer it. `render_letter(
"state-complaint", ...)` still renders a draft with [blanks] either way.

`one_year_check` finds the dated violations in the case (missed and short sessions in the logs,
the period of a service known only by a count, minutes logged but not counted, supports not
given), the oldest and the newest, the last day a complaint can still reach the oldest one, and
what is already more than one year old. The state counts the year back from the day it
*receives* the complaint (300.153(c)), so the warning says so.

Pure core: standard library and the package's own modules; today is always a parameter.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from builder.case import Case
from builder.gap import compute_gap
from builder.gap_facts import GapReport, rounded
from builder.gap_words import shortfall_text
from builder.i18n import long_date, long_date_range, mid_sentence, plural, text
from builder.jurisdictions import get_state
from builder.school_days import one_year_after, one_year_before


@dataclass(frozen=True)
class Violation:
    """One dated thing the complaint can allege: a day, or a stretch of days, and what happened."""

    start: dt.date
    end: dt.date
    what: str

    def describe(self, language: str = "en") -> str:
        """September 24, 2026: speech-language therapy, no session."""
        return f"{long_date_range(self.start, self.end, language)}: {self.what}"


@dataclass(frozen=True)
class OneYearCheck:
    """The one-year limit of 34 CFR 300.153(c), applied to the dates in the case."""

    today: dt.date
    violations: tuple[Violation, ...]
    oldest: dt.date | None
    newest: dt.date | None
    # The last day the state can receive a complaint that still reaches the oldest date.
    last_day_for_oldest: dt.date | None
    # What is already more than one year old on `today`, in whole or in part (a stretch of days
    # that began more than a year ago): a complaint can no longer reach it, or its oldest days.
    too_old: tuple[Violation, ...]
    warning: str
    note: str
    language: str = "en"

    @property
    def all_too_old(self) -> bool:
        """True when nothing in the case can be reached any more by a complaint received today."""
        return bool(self.violations) and all(
            _too_old(item.end, self.today) for item in self.violations
        )

    @property
    def lines(self) -> tuple[str, ...]:
        """The check in plain words, for the CLI and the page."""
        return tuple(line for line in (self.summary, self.warning, self.note) if line)

    @property
    def summary(self) -> str:
        if self.oldest is None or self.newest is None or self.last_day_for_oldest is None:
            return ""
        passed = self.last_day_for_oldest < self.today
        return text(
            "complaint.one_year_summary_past" if passed else "complaint.one_year_summary",
            self.language,
            oldest=long_date(self.oldest, self.language),
            newest=long_date(self.newest, self.language),
            last_day=long_date(self.last_day_for_oldest, self.language),
        )


Result = TypeVar("Result")


def _same_case_same_answer(
    check: Callable[..., Result],
) -> Callable[..., Result]:
    """Keep the last answer: one page asks the same question of the same case several times
    (the letter, what it still needs, whether it is ready), and cases are immutable, so the
    same objects give the same answer."""
    last: list[Any] = []

    @functools.wraps(check)
    def answer(case: Case, *, today: dt.date, report: GapReport | None = None) -> Result:
        if last and last[0] is case and last[1] == today and last[2] is report:
            result: Result = last[3]
            return result
        result = check(case, today=today, report=report)
        last[:] = [case, today, report, result]
        return result

    return answer


@_same_case_same_answer
def one_year_check(case: Case, *, today: dt.date, report: GapReport | None = None) -> OneYearCheck:
    """The oldest and newest violation dates, the last day for the oldest, and what is too old."""
    language = case.language
    violations = _violations(case, report if report is not None else compute_gap(case), today)
    oldest = min((item.start for item in violations), default=None)
    newest = max((min(item.end, today) for item in violations), default=None)
    too_old = tuple(item for item in violations if _too_old(item.start, today))
    cutoff = long_date(one_year_before(today), language)
    warning = ""
    if too_old:
        all_old = all(_too_old(item.end, today) for item in violations)
        warning = text(
            "complaint.one_year_all_old" if all_old else "complaint.one_year_some_old",
            language,
            cutoff=cutoff,
            items="; ".join(
                item.describe(language)
                + (
                    ""
                    if _too_old(item.end, today)
                    else text("complaint.one_year_part", language, cutoff=cutoff)
                )
                for item in too_old
            ),
        )
    return OneYearCheck(
        today=today,
        violations=violations,
        oldest=oldest,
        newest=newest,
        last_day_for_oldest=one_year_after(oldest) if oldest else None,
        too_old=too_old,
        warning=warning,
        note=text("complaint.one_year_note", language) if violations else "",
        language=language,
    )


@_same_case_same_answer
def complaint_problems(
    case: Case, *, today: dt.date, report: GapReport | None = None
) -> tuple[str, ...]:
    """What the state complaint still lacks, element by element of 34 CFR 300.153(b), in plain
    words; empty when it has everything (and something within the one-year limit)."""
    language = case.language
    report = report if report is not None else compute_gap(case)
    problems: list[str] = []

    def lacks(key: str, **values: str) -> None:
        problems.append(text(f"complaint.lacks_{key}", language, **values))

    if not case.state:
        lacks("state")
    elif get_state(case.state) is None:
        lacks("state_unknown", code=case.state)
    missed = any(gap.window and gap.missed_minutes for gap in report.services)
    has_facts = missed or bool(case.incidents)
    # (b)(1) a statement that a public agency has violated a requirement of Part B
    if not case.contacts.district:
        lacks("district")
    if not (has_facts or case.complaint.violation):
        lacks("statement")
    # (b)(2) the facts on which the statement is based
    if not has_facts:
        if case.services and case.period:
            lacks("facts_none_missed")
        else:
            lacks("facts")
    # (b)(3) the signature and contact information of the complainant: the signature is the
    # parent's to add, typed where the state takes that, else by hand (signature_rule says which).
    if not case.parent.name:
        lacks("name")
    parent = case.parent
    if not (parent.address or parent.phone or parent.email):
        lacks("contact")
    # (b)(4)(i) the name and address of the residence of the child
    child = case.child
    if not child.name:
        lacks("child_name")
    if not child.address and not child.homeless:
        lacks("child_address")
    # (b)(4)(ii) the name of the school the child is attending
    if not child.school:
        lacks("school")
    # (b)(4)(iii) a homeless child: available contact information
    if child.homeless and not child.contact:
        lacks("homeless_contact")
    # (b)(4)(iv) the nature of the problem, with facts
    if not (case.services or case.incidents):
        lacks("problem")
    # (b)(4)(v) a proposed resolution, as far as known
    if not case.complaint.proposed_resolution:
        lacks("resolution")
    # (c) a violation not more than one year before the state receives the complaint
    check = one_year_check(case, today=today, report=report)
    if check.all_too_old:
        lacks("one_year", cutoff=long_date(one_year_before(today), language))
    return tuple(problems)


def signature_rule(case: Case) -> str:
    """How the complaint is signed in the case's state: typed, where its rule says so, else by
    hand (34 CFR 300.153(b)(3) asks for a signature; states differ on typed ones)."""
    language = case.language
    state = get_state(case.state) if case.state else None
    if state is None or state.typed_signature is None:
        name = state.name if state else text("complaint.your_state", language)
        return text("complaint.sign_by_hand", language, state=name)
    rule = state.typed_signature
    key = "complaint.typed_signature_ok" if rule.accepted else "complaint.typed_signature_not_ok"
    return text(key, language, state=state.name, citation=rule.citation)


def _violations(case: Case, report: GapReport, today: dt.date) -> tuple[Violation, ...]:
    language = case.language
    found: list[Violation] = []
    for gap in report.services:
        if gap.window is None or not gap.missed_minutes:
            continue
        service = mid_sentence(gap.service.name)
        before = len(found)
        for run in gap.dates_without_service or ():
            found.append(
                Violation(run.start, run.end, text("complaint.v_missed", language, service=service))
            )
        for short in gap.shortfalls:
            found.append(
                Violation(
                    short.start,
                    short.end,
                    text(
                        "complaint.v_short",
                        language,
                        service=service,
                        shortfall=shortfall_text(short, language).partition(": ")[2],
                    ),
                )
            )
        for entry in gap.partial_sessions:
            found.append(
                Violation(
                    entry.date,
                    entry.date,
                    text(
                        "complaint.v_partial",
                        language,
                        service=service,
                        minutes=entry.minutes,
                        length=gap.service.minutes,
                    ),
                )
            )
        for flag in gap.flags:
            if flag.kind == "outside":
                continue
            found.append(
                Violation(
                    flag.date,
                    flag.date,
                    text(
                        "complaint.v_not_counted",
                        language,
                        service=service,
                        minutes=plural("unit.minute", flag.minutes, language),
                    ),
                )
            )
        if (not gap.from_log or len(found) == before) and gap.owed_minutes:
            # A count (with or without dated entries), or a log that names no day: the whole
            # window is in question.
            found.append(
                Violation(
                    gap.window.start,
                    gap.window.end,
                    text(
                        "complaint.v_count",
                        language,
                        service=service,
                        minutes=plural("unit.minute", rounded(gap.missed_minutes), language),
                    ),
                )
            )
    for incident in case.incidents:
        found.append(
            Violation(
                incident.date,
                incident.date,
                text("complaint.v_incident", language, support=incident.support),
            )
        )
    return tuple(
        sorted(
            (item for item in found if item.start <= today),
            key=lambda item: (item.start, item.end, item.what),
        )
    )


def _too_old(day: dt.date, today: dt.date) -> bool:
    """A complaint received `today` (or later) can no longer allege what happened on `day`."""
    return one_year_after(day) < today
