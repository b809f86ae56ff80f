"""The one-page sheet a parent brings to the IEP meeting.

`meeting_sheet(case, today=...)` gives plain data (the pointed questions to ask, the IEP's service
lines, the gap in numbers, the missed-services table, the IEP goals with the progress-report notes
the parent recorded) and `.text`, a plain-text page to print. Every string comes from the
message files (builder/data/i18n/<language>/letters.json), so a second language is a set of
files. Pure core: today is a parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from builder.case import Case
from builder.gap import compute_gap
from builder.gap_facts import GapReport, rounded
from builder.gap_words import sentences
from builder.i18n import long_date, mid_sentence, number, text
from builder.letter_parts import missed_services_table
from builder.service_line import describe_service


@dataclass(frozen=True)
class GoalProgress:
    """An IEP goal as written, and what each progress report said, oldest first."""

    goal: str
    notes: tuple[str, ...]  # "November 6, 2026: Progress report: Emerging."


@dataclass(frozen=True)
class MeetingSheet:
    title: str
    prepared: str
    meeting: str  # "Meeting on November 12, 2026", or "" when no date is known
    services: tuple[str, ...]
    summary: tuple[str, ...]  # the gap sentences, one per service
    missed_table: str
    # What the child lost (skills, progress on goals), in the parent's words, beside the minutes.
    impact: str
    questions: tuple[str, ...]
    goals: tuple[GoalProgress, ...]
    language: str = "en"

    @property
    def text(self) -> str:
        """The sheet as plain text, to print or copy."""
        language = self.language
        parts = [
            "\n".join(line for line in (self.title, self.prepared, self.meeting) if line),
        ]

        def section(heading: str, lines: list[str]) -> None:
            if lines:
                parts.append("\n".join([text(heading, language), *lines]))

        section("sheet.heading_services", [f"- {line}" for line in self.services])
        section("sheet.heading_summary", list(self.summary))
        if self.missed_table:
            parts.append(f"{text('sheet.heading_missed', language)}\n\n{self.missed_table}")
            section("sheet.heading_impact", [self.impact or text("sheet.impact_hint", language)])
        section(
            "sheet.heading_questions",
            [f"{index}. {question}" for index, question in enumerate(self.questions, 1)],
        )
        goal_lines: list[str] = []
        for index, goal in enumerate(self.goals, 1):
            goal_lines.append(f"{index}. {goal.goal}")
            goal_lines.extend(f"   - {note}" for note in goal.notes)
            if not goal.notes:
                goal_lines.append(f"   - {text('sheet.goal_no_notes', language)}")
            goal_lines.append(f"   - {text('sheet.goal_ask', language)}")
        section("sheet.heading_goals", goal_lines)
        section("sheet.heading_notes", [text("sheet.notes_hint", language), "-", "-", "-"])
        return "\n\n".join(parts) + "\n"


def meeting_sheet(case: Case, *, today: dt.date, report: GapReport | None = None) -> MeetingSheet:
    """The sheet for the next IEP meeting, filled from the case, prepared `today`."""
    language = case.language
    report = report if report is not None else compute_gap(case)
    child = case.child.name or text("gap.your_child", language)
    meeting_day = _meeting_day(case, today)
    return MeetingSheet(
        title=text("sheet.title", language, child=child),
        prepared=text("sheet.prepared", language, date=long_date(today, language)),
        meeting=(
            text("sheet.meeting_on", language, date=long_date(meeting_day, language))
            if meeting_day
            else ""
        ),
        services=tuple(describe_service(service, language) for service in case.services),
        summary=sentences(report),
        missed_table=missed_services_table(report),
        impact=case.compensatory.impact,
        questions=_questions(case, report, language),
        goals=tuple(
            GoalProgress(
                goal=goal.goal,
                notes=tuple(
                    text(
                        "sheet.goal_note",
                        language,
                        date=long_date(note.date, language),
                        note=note.note,
                    )
                    for note in sorted(goal.progress_notes, key=lambda note: note.date)
                ),
            )
            for goal in case.goals
        ),
        language=language,
    )


def _questions(case: Case, report: GapReport, language: str) -> tuple[str, ...]:
    questions: list[str] = []
    for service in case.services:
        name = mid_sentence(service.name)
        questions.append(text("sheet.q_sessions", language, service=name))
        questions.append(text("sheet.q_who", language, service=name))
    if not case.services:
        questions.append(text("sheet.q_sessions_any", language))
        questions.append(text("sheet.q_who_any", language))
    questions.append(text("sheet.q_logs", language))
    owed = rounded(report.owed_minutes)
    if owed:
        questions.append(text("sheet.q_make_up_minutes", language, minutes=number(owed, language)))
    else:
        questions.append(text("sheet.q_make_up", language))
    questions.append(text("sheet.q_progress", language))
    return tuple(questions)


def _meeting_day(case: Case, today: dt.date) -> dt.date | None:
    """The meeting the sheet is for: the meeting date, when it is today or later."""
    held = case.meeting.held_on
    if held and held >= today:
        return held
    return None
