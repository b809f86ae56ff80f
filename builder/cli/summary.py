"""One line per family and service, for an advocate with many families: `python -m builder summary`.

Each row carries the numbers of one service (what the IEP called for, what was received, what was
not provided), the letters sent so far and the next date on the case's timeline; with `check`,
the next letter of the ladder and what it still needs. Pure: the command line reads the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from builder.case import Case
from builder.complaint import complaint_problems
from builder.gap import compute_gap
from builder.gap_facts import ServiceGap, rounded
from builder.gap_words import labels
from builder.i18n import text
from builder.letters import missing_in_words
from builder.timeline import timeline

# The letters that climb the ladder, in order; the others answer a moment (a conversation, a
# meeting, a refusal) and are not "next" in the same way.
LADDER = (
    "case-manager-note",
    "follow-up",
    "meeting-request",
    "compensatory-request",
    "director-escalation",
    "state-complaint",
)
COLUMNS = (
    "file",
    "child",
    "school",
    "state",
    "period_start",
    "period_end",
    "service",
    "sessions_called_for",
    "sessions_received",
    "minutes_called_for",
    "minutes_received",
    "minutes_missed",
    "minutes_student_absent",
    "minutes_made_up",
    "minutes_not_provided_school_side",
    "percent_received",
    "letters_sent",
    "last_letter_sent",
    "next_date",
    "next_on_timeline",
)
CHECK_COLUMNS = ("next_letter", "next_letter_needs")
# The service's name and numbers, left empty for a family with no service counted.
SERVICE_COLUMNS = COLUMNS.index("letters_sent") - COLUMNS.index("service")


def header(language: str = "en", *, check: bool = False) -> list[str]:
    """The column names, in the reader's language."""
    columns = (*COLUMNS, *CHECK_COLUMNS) if check else COLUMNS
    return [text(f"summary.col_{column}", language) for column in columns]


def summary_rows(
    case: Case, *, file: str, today: dt.date, check: bool = False
) -> Iterator[list[str]]:
    """The rows of one family: one per service (one row with no numbers when it has none)."""
    report = compute_gap(case)
    family = _family(case, file, today)
    after = _next_letter(case, today) if check else []
    names = labels(report)
    counted = [(names[index], gap) for index, gap in enumerate(report.services) if gap.window]
    if not counted:
        yield [*family[:6], *[""] * SERVICE_COLUMNS, *family[6:], *after]
        return
    for label, gap in counted:
        yield [*family[:6], label, *_numbers(gap), *family[6:], *after]


def _family(case: Case, file: str, today: dt.date) -> list[str]:
    period = case.period
    sent = sorted(case.letters_sent, key=lambda letter: letter.date)
    last = f"{sent[-1].letter} {sent[-1].date.isoformat()}" if sent else ""
    coming = next((event for event in timeline(case, today=today) if not event.past), None)
    return [
        file,
        case.child.name,
        case.child.school,
        case.state,
        period.start.isoformat() if period else "",
        period.end.isoformat() if period else "",
        str(len(sent)),
        last,
        coming.date.isoformat() if coming else "",
        coming.title if coming else "",
    ]


def _numbers(gap: ServiceGap) -> list[str]:
    percent = gap.percent_delivered
    return [
        "" if gap.expected_sessions is None else str(gap.expected_sessions),
        "" if gap.delivered_sessions is None else str(gap.delivered_sessions),
        str(rounded(gap.expected_minutes)),
        str(gap.delivered_minutes),
        str(rounded(gap.missed_minutes)),
        str(gap.student_absent_minutes),
        str(gap.made_up_minutes),
        str(rounded(gap.owed_minutes)),
        "" if percent is None else str(percent),
    ]


def _next_letter(case: Case, today: dt.date) -> list[str]:
    """The ladder's next letter after the highest one sent, and what it still needs."""
    sent = {letter.letter for letter in case.letters_sent}
    climbed = [index for index, name in enumerate(LADDER) if name in sent]
    following = LADDER[max(climbed) + 1 :] if climbed else LADDER
    if not following:
        return ["", ""]
    name = following[0]
    needs = (
        complaint_problems(case, today=today)
        if name == "state-complaint"
        else missing_in_words(name, case)
    )
    return [name, "; ".join(needs)]
