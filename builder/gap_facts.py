"""What a gap is: the facts the calculator finds for each service and in total.

`builder.gap` computes them (`compute_gap`), `builder.gap_checks` adds the rules they rest on and
what to check; `gap_words` says them in the reader's language and `gap_report` lays them out.
Minutes are Fractions (a weekly total shared over days can fall between minutes); every number
shown is rounded once, by `rounded`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from builder.case import DateRange, Incident, LogEntry, Service
from builder.due import round_half_up
from builder.school_days import split, weekdays

LONG_STRETCH_SCHOOL_DAYS = 10
# A run of school days this long with nothing logged at all is a gap in itself (a full school week).
UNLOGGED_RUN_SCHOOL_DAYS = 5
# Minutes missed for these reasons are shown apart: schools usually need not make them up.
NOT_OWED_REASONS = frozenset({"student_absent"})
FLAG_KINDS = ("testing", "wrong_setting", "crammed", "outside")


@dataclass(frozen=True)
class Week:
    """One calendar week (Monday to Sunday) of one service or of the total."""

    monday: dt.date
    school_days: int
    expected_minutes: Fraction
    delivered_minutes: int | None

    @property
    def fell_short(self) -> bool:
        return self.delivered_minutes is not None and self.delivered_minutes < self.expected_minutes


@dataclass(frozen=True)
class Flag:
    """A log entry (or the part of one) that was not counted as received, and why.

    `kind` is one of FLAG_KINDS; `detail` says more for a wrong setting: "push-in" (given in the
    classroom where the IEP says pull-out), "group" (where it says individual), or "" when the
    log's reason said so.
    """

    date: dt.date
    kind: str  # testing | wrong_setting | crammed | outside
    minutes: int
    detail: str = ""
    note: str = ""


@dataclass(frozen=True)
class Shortfall:
    """A week or a month, from a dated log, that had less than the IEP called for in it."""

    kind: str  # week | month
    start: dt.date
    end: dt.date
    expected_sessions: int | None
    delivered_sessions: int
    expected_minutes: Fraction
    delivered_minutes: int


@dataclass(frozen=True)
class Alert:
    """Something in the numbers to act on or to check, as a kind and its values.

    `service` is the service's position in the report (None for the case as a whole); `field`,
    when set, is the service's field the alert is about ("received.sessions"): a page shows it
    beside that field.
    """

    kind: str
    service: int | None
    values: Mapping[str, Any] = field(default_factory=dict)
    field: str = ""


@dataclass(frozen=True)
class Assumption:
    """A rule that shaped the numbers, as a kind and the values it was applied with."""

    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentGroup:
    """The dates one support or accommodation ("extended time on tests") was not given."""

    support: str
    incidents: tuple[Incident, ...]

    @property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(incident.date for incident in self.incidents)

    @property
    def count(self) -> int:
        return len(self.incidents)


@dataclass(frozen=True)
class ServiceGap:
    service: Service
    window: DateRange | None
    school_days: int
    expected_minutes: Fraction
    expected_sessions: int | None  # whole sessions; None for a line in minutes only
    delivered_minutes: int
    delivered_sessions: int | None
    missed_minutes: Fraction
    student_absent_minutes: int
    owed_minutes: Fraction  # not provided for reasons on the school's side, less make-up given
    weeks: tuple[Week, ...]
    flags: tuple[Flag, ...]
    longest_stretch: int | None
    # Whether what was received is known day by day: a dated log, alone or with a count that
    # holds no sessions beyond the log's. Weeks that fell short and runs without service need it.
    from_log: bool
    stretches_without_service: tuple[DateRange, ...] = ()
    stretch_school_days: tuple[int, ...] = ()
    # Log entries that were counted but shorter than one session (0 < minutes < session length).
    partial_sessions: tuple[LogEntry, ...] = ()
    # Log entries with the reason student_absent inside the service's dates.
    student_absences: tuple[LogEntry, ...] = ()
    # The school days in a row without this service that trigger an early warning.
    stretch_warning_days: int = LONG_STRETCH_SCHOOL_DAYS
    # Make-up sessions already given for missed ones, in minutes (any date).
    made_up_minutes: int = 0
    # The weeks (or months) that had less than the IEP called for, from a dated log.
    shortfalls: tuple[Shortfall, ...] = ()
    # The unit the IEP's count is kept in week by week or month by month ("week", "month"), so
    # that shortfalls can be named; "" when it counts over a longer span (a year, a cycle).
    counted_by: str = ""

    @property
    def percent_delivered(self) -> int | None:
        return percent(self.delivered_minutes, self.expected_minutes)

    @property
    def has_log(self) -> bool:
        return self.service.log is not None

    @property
    def weeks_short(self) -> tuple[Week, ...]:
        return tuple(week for week in self.weeks if week.fell_short)

    @property
    def longest_stretch_range(self) -> DateRange | None:
        """The first of the longest runs of school days without this service."""
        if not self.stretches_without_service:
            return None
        longest = max(self.stretch_school_days)
        return self.stretches_without_service[self.stretch_school_days.index(longest)]

    @property
    def flagged_minutes(self) -> int:
        return sum(flag.minutes for flag in self.flags)

    @property
    def first_shortfall(self) -> dt.date | None:
        """The first day something was missing: the start of the first week or month short,
        or of the first date without service, whichever comes first."""
        starts = [item.start for item in self.shortfalls]
        starts += [run.start for run in self.dates_without_service or ()]
        return min(starts, default=None)

    @cached_property
    def dates_without_service(self) -> tuple[DateRange, ...] | None:
        """The dates the service was not provided, or None when they are not known day by day.

        The dated log's missed sessions (nothing received, for a reason on the school's side),
        one day each; and, from the runs of school days without service, each stretch of a full
        school week or more in which nothing at all was logged. Shorter runs are the normal
        spacing between sessions (Tuesday to Thursday), so they are not listed: the weeks that
        fell short are (`shortfalls`). Worked out once per gap: the letters ask for these dates
        on every keystroke, and a page keeps its gaps while the reader types anything but the
        schedule (Schedule).
        """
        if not self.from_log or self.window is None:
            return None
        window = self.window
        log = self.service.log or ()  # in any order: what is found is sorted at the end
        missed = [
            DateRange(entry.date, entry.date)
            for entry in log
            if entry.date in window and entry.minutes == 0 and entry.reason not in NOT_OWED_REASONS
        ]
        logged = sorted({entry.date for entry in log})
        unlogged: list[DateRange] = []
        runs = zip(self.stretches_without_service, self.stretch_school_days, strict=True)
        for run, school_days in runs:
            # Days off inside the run might all fall in one part of it: count them against each.
            closed = weekdays(run.start, run.end) - school_days
            inside = logged[
                bisect.bisect_left(logged, run.start) : bisect.bisect_right(logged, run.end)
            ]
            for part in split(run, inside):
                if weekdays(part.start, part.end) - closed >= UNLOGGED_RUN_SCHOOL_DAYS:
                    unlogged.append(part)
        return tuple(sorted([*missed, *unlogged], key=lambda run: run.start))


@dataclass(frozen=True)
class GapReport:
    services: tuple[ServiceGap, ...]
    period: DateRange | None
    school_days: int
    weeks: tuple[Week, ...]
    expected_minutes: Fraction
    delivered_minutes: int
    missed_minutes: Fraction
    student_absent_minutes: int
    owed_minutes: Fraction
    assumptions: tuple[Assumption, ...]
    alerts: tuple[Alert, ...]
    # Supports and accommodations not counted in minutes, grouped by support, dates in order.
    incidents: tuple[IncidentGroup, ...] = ()
    language: str = "en"
    child: str = ""  # the child's name, as the case gives it
    made_up_minutes: int = 0

    @property
    def percent_delivered(self) -> int | None:
        return percent(self.delivered_minutes, self.expected_minutes)

    @property
    def counted(self) -> tuple[ServiceGap, ...]:
        """The services with dates inside the period."""
        return tuple(gap for gap in self.services if gap.window)


def rounded(minutes: Fraction) -> int:
    """Whole minutes, half up (the one rounding every number shown goes through)."""
    return round_half_up(minutes)


def percent(delivered: int, expected: Fraction) -> int | None:
    """The share of what was called for that was received, in whole percent (None for nothing
    called for)."""
    if not expected:
        return None
    return round_half_up(100 * min(Fraction(delivered), expected) / expected)
