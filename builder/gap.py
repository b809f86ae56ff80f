"""The gap calculator: what the IEP called for, what was received, and what was not provided.

This module computes facts; `gap_words` makes sentences of them in the reader's language and
`gap_report` lays them out (JSON, tables, text). What the IEP called for is counted in whole
sessions by `builder.due` (docs/how-the-numbers-work.md).

What was received comes from a dated log, from a count, or from both:
- a log: minutes count when given as the IEP says. These are flagged and not counted: time used
  for testing, service in another setting than the IEP's (push-in where it says pull-out, a
  group where it says individual, or the reason "wrong_setting"), minutes beyond one session on
  one day when the IEP spreads its sessions (2 or more times per unit), and entries dated outside
  the period or the service's dates. A school day with nothing logged counts as no service.
- a count: the sessions (or minutes) received in the period.
- both: the count is every session received; the log's dated sessions are some of them (a short
  one, one logged as testing), and its missed entries say why a session was missed. A count
  below the log's sessions is pointed out, and the log's are counted.
Missed = expected - received (never below 0). The minutes lost to the student's own absences
are shown apart, and make-up sessions already given are taken off: what is left is what was not
provided for reasons on the school's side (`owed_minutes`, a name kept for the case file and the
JSON report; it is a request's starting point, not a sum the law promises).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from builder.case import Case, DateRange, Incident, LogEntry, Received, Service
from builder.due import Due, DueUnit, due, round_half_up
from builder.school_days import (
    FULL_WEEK,
    SchoolCalendar,
    monday,
    mondays,
    split,
    weekdays,
)

LOW_DELIVERY_PERCENT = 80
LONG_STRETCH_SCHOOL_DAYS = 10
# A run of school days this long with nothing logged at all is a gap in itself (a full school week).
UNLOGGED_RUN_SCHOOL_DAYS = 5
# A month has about 21 weekdays: the usual spacing of a service given "N times per month".
WEEKDAYS_IN_A_MONTH = 21
# Minutes missed for these reasons are shown apart: schools usually need not make them up.
NOT_OWED_REASONS = frozenset({"student_absent"})
NOT_COUNTED_REASONS = frozenset({"testing", "wrong_setting"})
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
        return _percent(self.delivered_minutes, self.expected_minutes)

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
        return _percent(self.delivered_minutes, self.expected_minutes)

    @property
    def counted(self) -> tuple[ServiceGap, ...]:
        """The services with dates inside the period."""
        return tuple(gap for gap in self.services if gap.window)


@dataclass(frozen=True)
class Schedule:
    """What the minutes depend on: the school calendar and the services. Its service gaps are
    the long part of the work; a page keeps them while the reader types anything else (a name, a
    letter's facts), since equal schedules give equal gaps."""

    period: DateRange | None
    no_school: tuple[DateRange, ...]
    school_year_days: int
    services: tuple[Service, ...]

    @classmethod
    def of(cls, case: Case) -> Schedule:
        return cls(case.period, case.no_school, case.school_year_days, case.services)

    @cached_property
    def calendar(self) -> SchoolCalendar | None:
        return SchoolCalendar(self.period, self.no_school) if self.period else None

    @cached_property
    def gaps(self) -> tuple[ServiceGap, ...]:
        """Each service's gap over the period, worked out day by day."""
        return tuple(
            _service_gap(service, self.calendar, self.school_year_days) for service in self.services
        )


def compute_gap(case: Case, schedule: Schedule | None = None) -> GapReport:
    """The gap for every service of the case over its period, and in total. `schedule`, if
    given, is one equal to the case's, kept with its gaps already worked out."""
    schedule = Schedule.of(case) if schedule is None else schedule
    calendar = schedule.calendar
    gaps = schedule.gaps
    return GapReport(
        services=gaps,
        period=case.period,
        school_days=calendar.count(calendar.period) if calendar else 0,
        weeks=_merge_weeks(gap.weeks for gap in gaps),
        expected_minutes=sum((gap.expected_minutes for gap in gaps), Fraction(0)),
        delivered_minutes=sum(gap.delivered_minutes for gap in gaps),
        missed_minutes=sum((gap.missed_minutes for gap in gaps), Fraction(0)),
        student_absent_minutes=sum(gap.student_absent_minutes for gap in gaps),
        owed_minutes=sum((gap.owed_minutes for gap in gaps), Fraction(0)),
        made_up_minutes=sum(gap.made_up_minutes for gap in gaps),
        assumptions=tuple(_assumptions(case.school_year_days, calendar, gaps)),
        alerts=tuple(_alerts(gaps)),
        incidents=group_incidents(case.incidents),
        language=case.language,
        child=case.child.name,
    )


def group_incidents(incidents: Iterable[Incident]) -> tuple[IncidentGroup, ...]:
    """Incidents grouped by support (same words, any capitals or spacing), each by date."""
    groups: dict[str, list[Incident]] = {}
    for incident in incidents:
        groups.setdefault(" ".join(incident.support.casefold().split()), []).append(incident)
    ordered = [
        sorted(group, key=lambda incident: (incident.date, incident.note, incident.support))
        for group in groups.values()
    ]
    ordered.sort(key=lambda group: (group[0].date, group[0].support.casefold()))
    return tuple(IncidentGroup(group[0].support, tuple(group)) for group in ordered)


def rounded(minutes: Fraction) -> int:
    """Whole minutes, half up (the one rounding every number shown goes through)."""
    return round_half_up(minutes)


# -- one service --------------------------------------------------------------------------


@dataclass
class _Log:
    """What a log says about one service, read once."""

    counted: dict[dt.date, int]
    sessions: dict[dt.date, int]  # sessions counted each day (a short one included)
    dated: int  # sessions given inside the dates, counted or not (what a count includes)
    dated_minutes: int  # their minutes as logged
    flags: list[Flag]
    partial: list[LogEntry]
    absences: list[LogEntry]
    absent_minutes: Fraction


@dataclass(frozen=True)
class _Received:
    minutes: int
    sessions: int | None
    by_date: bool  # known day by day


def _service_gap(
    service: Service, calendar: SchoolCalendar | None, school_year_days: int
) -> ServiceGap:
    window = _window(service, calendar.period) if calendar else None
    called = (
        due(service, calendar, window, school_year_days)
        if calendar and window
        else Due(0 if service.times else None, Fraction(0), {}, ())
    )
    log = _read_log(service, window, called.by_day) if service.log is not None else None
    received = _received(service, log)
    expected = called.minutes
    missed = max(Fraction(0), expected - received.minutes)
    absent = log.absent_minutes if log else Fraction(0)
    made_up = _made_up_minutes(service)
    by_date = received.by_date and log is not None
    stretches = _stretches(tuple(called.by_day), log.counted) if by_date and log else ()
    return ServiceGap(
        service=service,
        window=window,
        school_days=len(called.by_day),
        expected_minutes=expected,
        expected_sessions=called.sessions,
        delivered_minutes=received.minutes,
        delivered_sessions=received.sessions,
        missed_minutes=missed,
        student_absent_minutes=rounded(min(absent, missed)),
        owed_minutes=max(Fraction(0), missed - absent - made_up),
        weeks=_weeks(called.by_day, log.counted if by_date and log else None),
        flags=tuple(log.flags) if log else (),
        longest_stretch=max((length for _, length in stretches), default=0) if by_date else None,
        from_log=by_date,
        stretches_without_service=tuple(run for run, _ in stretches),
        stretch_school_days=tuple(length for _, length in stretches),
        partial_sessions=tuple(log.partial) if log else (),
        student_absences=tuple(log.absences) if log else (),
        stretch_warning_days=_stretch_warning_days(service, school_year_days),
        made_up_minutes=made_up,
        shortfalls=_shortfalls(called.units, log) if by_date and log else (),
        counted_by=called.units[0].kind if called.units else "",
    )


def _received(service: Service, log: _Log | None) -> _Received:
    """What was received: from the log, the count, or the count with the log's dated sessions."""
    count = service.received
    session = service.minutes if service.times else None
    if log is not None:
        counted = sum(log.counted.values())
        sessions = sum(log.sessions.values())
    if count is None:
        if log is None:
            return _Received(0, 0 if session else None, by_date=False)
        return _Received(counted, sessions if session else None, by_date=True)
    if count.minutes is not None:
        total = count.minutes
        undated = total - (log.dated_minutes if log else 0)
        if log is None:
            return _Received(total, _sessions_in(count, total, session), by_date=False)
        minutes = max(0, undated) + counted
        return _Received(minutes, _sessions_in(count, minutes, session), by_date=undated <= 0)
    assert session is not None and count.sessions is not None  # the case reader sees to it
    if log is None:
        return _Received(count.sessions * session, count.sessions, by_date=False)
    undated_sessions = max(0, count.sessions - log.dated)
    return _Received(
        undated_sessions * session + counted,
        undated_sessions + sessions,
        by_date=undated_sessions == 0,
    )


def _sessions_in(count: Received, minutes: int, session: int | None) -> int | None:
    if session is None:
        return None
    return count.sessions if count.sessions is not None else minutes // session


def _made_up_minutes(service: Service) -> int:
    made_up = service.made_up
    if made_up is None:
        return 0
    if made_up.minutes is not None:
        return made_up.minutes
    return (made_up.sessions or 0) * service.minutes


def _entry_order(entry: LogEntry) -> tuple[Any, ...]:
    """A total order on log entries, so the results never depend on the order of the log."""
    return (
        entry.date,
        -entry.minutes,
        entry.reason or "",
        entry.setting or "",
        entry.delivery or "",
        entry.note,
    )


def _read_log(
    service: Service, window: DateRange | None, shares: Mapping[dt.date, Fraction]
) -> _Log:
    """Minutes that count per day, the entries that do not count, and the absences."""
    assert service.log is not None
    log = _Log({}, {}, 0, 0, [], [], [], Fraction(0))
    session = service.minutes if service.times else None
    spread = (service.times or 0) >= 2
    for entry in sorted(service.log, key=_entry_order):
        if window is None or entry.date not in window:
            log.flags.append(Flag(entry.date, "outside", entry.minutes, note=entry.note))
            continue
        if entry.minutes:
            log.dated += 1
            log.dated_minutes += entry.minutes
        if entry.reason in NOT_OWED_REASONS:
            # A missed session is one session long; for an IEP that gives only a total, a day
            # the child was absent sets apart that day's share.
            length = session if session is not None else shares.get(entry.date, Fraction(0))
            if entry.minutes < length:
                log.absent_minutes += length - entry.minutes
                log.absences.append(entry)
        kind, detail = _not_counted(service, entry)
        if kind and entry.minutes:
            log.flags.append(Flag(entry.date, kind, entry.minutes, detail, entry.note))
            continue
        if session is not None and 0 < entry.minutes < session:
            log.partial.append(entry)
        minutes = entry.minutes
        already = log.counted.get(entry.date, 0)
        if spread and session is not None and already + minutes > session:
            counted_here = max(0, session - already)
            log.flags.append(Flag(entry.date, "crammed", minutes - counted_here, note=entry.note))
            minutes = counted_here
        if minutes:
            log.sessions[entry.date] = log.sessions.get(entry.date, 0) + 1
        log.counted[entry.date] = already + minutes
    return log


def _not_counted(service: Service, entry: LogEntry) -> tuple[str, str]:
    """("testing" | "wrong_setting" | "", detail) for one log entry."""
    if entry.reason == "testing":
        return "testing", ""
    if entry.delivery == "push-in" and service.delivery == "pull-out":
        return "wrong_setting", "push-in"
    if entry.setting == "group" and service.setting == "individual":
        return "wrong_setting", "group"
    if entry.reason == "wrong_setting":
        return "wrong_setting", ""
    return "", ""


def _shortfalls(units: tuple[DueUnit, ...], log: _Log) -> tuple[Shortfall, ...]:
    """The weeks (or months) whose counted minutes fell below what they called for."""
    days = sorted(log.counted)
    found = []
    for unit in units:
        inside = days[bisect.bisect_left(days, unit.start) : bisect.bisect_right(days, unit.end)]
        minutes = sum(log.counted[day] for day in inside)
        if minutes < unit.minutes:
            found.append(
                Shortfall(
                    kind=unit.kind,
                    start=unit.start,
                    end=unit.end,
                    expected_sessions=unit.sessions,
                    delivered_sessions=sum(log.sessions.get(day, 0) for day in inside),
                    expected_minutes=unit.minutes,
                    delivered_minutes=minutes,
                )
            )
    return tuple(found)


def _weeks(
    shares: Mapping[dt.date, Fraction], delivered: dict[dt.date, int] | None
) -> tuple[Week, ...]:
    expected: dict[dt.date, Fraction] = {}
    school_days: dict[dt.date, int] = {}
    # A week's days share a few values: multiply, rather than add fractions day by day, which is
    # what a long log over several years would spend its time on.
    days_at_share = Counter((monday(day), share) for day, share in shares.items())
    for (first, share), days in days_at_share.items():
        expected[first] = expected.get(first, Fraction(0)) + share * days
        school_days[first] = school_days.get(first, 0) + days
    delivered_by_week: dict[dt.date, int] = {}
    for day, minutes in (delivered or {}).items():
        first = monday(day)
        delivered_by_week[first] = delivered_by_week.get(first, 0) + minutes
        expected.setdefault(first, Fraction(0))  # a make-up on a day without school
    return tuple(
        Week(
            monday=first,
            school_days=school_days.get(first, 0),
            expected_minutes=expected[first],
            delivered_minutes=None if delivered is None else delivered_by_week.get(first, 0),
        )
        for first in sorted(expected)
    )


def _merge_weeks(weeks_per_service: Iterable[tuple[Week, ...]]) -> tuple[Week, ...]:
    merged: dict[dt.date, Week] = {}
    for weeks in weeks_per_service:
        for week in weeks:
            before = merged.get(week.monday)
            if before is None:
                merged[week.monday] = week
                continue
            delivered = (
                None
                if before.delivered_minutes is None or week.delivered_minutes is None
                else before.delivered_minutes + week.delivered_minutes
            )
            merged[week.monday] = Week(
                monday=week.monday,
                school_days=max(before.school_days, week.school_days),
                expected_minutes=before.expected_minutes + week.expected_minutes,
                delivered_minutes=delivered,
            )
    return tuple(merged[first] for first in sorted(merged))


def _stretches(
    days: tuple[dt.date, ...], counted: dict[dt.date, int]
) -> tuple[tuple[DateRange, int], ...]:
    """Runs of school days in a row without counted minutes, with their length in school days.

    Service on any day ends a run, even on a day without school (a make-up on a Saturday).
    """
    served = sorted(day for day, minutes in counted.items() if minutes)
    runs: list[tuple[DateRange, int]] = []
    start: dt.date | None = None
    end: dt.date | None = None
    previous: dt.date | None = None
    length = 0
    for day in days:
        after_previous = bisect.bisect_right(served, previous) if previous else len(served)
        served_between = after_previous < len(served) and served[after_previous] < day
        served_today = bool(counted.get(day))
        if (served_between or served_today) and start is not None and end is not None:
            runs.append((DateRange(start, end), length))
            start, length = None, 0
        if not served_today:
            start = start or day
            end, length = day, length + 1
        previous = day
    if start is not None and end is not None:
        runs.append((DateRange(start, end), length))
    return tuple(runs)


def _stretch_warning_days(service: Service, school_year_days: int) -> int:
    """School days in a row without the service that call for a warning.

    10, or for a service the IEP schedules less often than every 5 school days (once a month,
    say), twice the usual spacing between its sessions, so a monthly service is not flagged
    for doing what the IEP says.
    """
    times = service.times or 1
    if service.per == "week":
        weeks = Fraction(service.weeks_cycle or 1, service.weeks_on or 1)
        spacing = Fraction(FULL_WEEK, times) * weeks
    elif service.per == "month":
        spacing = Fraction(WEEKDAYS_IN_A_MONTH, times)
    elif service.per == "day":
        spacing = Fraction(1, times)
    elif service.per == "cycle" and service.cycle_days:
        spacing = Fraction(service.cycle_days, times)
    elif service.times and service.per == "year":
        spacing = Fraction(school_year_days, service.times)
    elif service.times and service.start and service.end:
        spacing = Fraction(weekdays(service.start, service.end), service.times)
    else:  # a yearly or overall total without sessions: assume it is given weekly
        spacing = Fraction(FULL_WEEK)
    return max(LONG_STRETCH_SCHOOL_DAYS, -(-2 * spacing // 1))


def _window(service: Service, period: DateRange) -> DateRange | None:
    start = max(period.start, service.start) if service.start else period.start
    end = min(period.end, service.end) if service.end else period.end
    return DateRange(start, end) if start <= end else None


def _percent(delivered: int, expected: Fraction) -> int | None:
    if not expected:
        return None
    return round_half_up(100 * min(Fraction(delivered), expected) / expected)


# -- what shaped the numbers, and what to check ------------------------------------------------


def _assumptions(
    school_year_days: int, calendar: SchoolCalendar | None, gaps: tuple[ServiceGap, ...]
) -> Iterable[Assumption]:
    """Every rule that shaped these numbers, and only those."""
    if calendar is None:
        yield Assumption("no_period")
        return
    period = calendar.period
    yield Assumption(
        "school_days",
        {"start": period.start, "end": period.end, "days": calendar.count(period)},
    )
    if calendar.closed:
        yield Assumption(
            "closed", {"weekdays": calendar.closed_weekdays, "closing": calendar.closing}
        )
    counted = [gap for gap in gaps if gap.window]
    for gap in gaps:
        if gap.window is None:
            yield Assumption("outside_period", {"service": gap.service.name})
    if any(gap.window != DateRange(period.start, period.end) for gap in counted):
        yield Assumption("service_dates")
    yield from _unit_assumptions(school_year_days, calendar, counted)
    yield from _received_assumptions(counted)
    yield Assumption("rounding")


def _unit_assumptions(
    school_year_days: int, calendar: SchoolCalendar, counted: list[ServiceGap]
) -> Iterable[Assumption]:
    services = [gap.service for gap in counted]
    weekly = [gap for gap in counted if gap.service.per == "week"]
    if any(service.per == "week" and service.days for service in services):
        yield Assumption("per_week_days")
    if any(gap.service.per == "week" and not gap.service.days for gap in weekly):
        yield Assumption("per_week")
        if any(0 < week.school_days < FULL_WEEK for gap in weekly for week in gap.weeks):
            sessions = any(gap.service.times for gap in weekly)
            yield Assumption("short_weeks_sessions" if sessions else "short_weeks_minutes")
    if any(_has_closed_week(calendar, gap) for gap in weekly):
        yield Assumption("closed_weeks")
    pattern = next((s for s in services if s.per == "week" and s.weeks_on), None)
    if pattern is not None:
        yield Assumption(
            "weeks_pattern",
            {"service": pattern.name, "on": pattern.weeks_on, "cycle": pattern.weeks_cycle},
        )
    units = {service.per for service in services}
    if "day" in units:
        yield Assumption("per_day")
    if "cycle" in units:
        cycle = next(s for s in services if s.per == "cycle")
        yield Assumption("per_cycle", {"service": cycle.name, "days": cycle.cycle_days})
    if "month" in units:
        yield Assumption("per_month")
    if "year" in units:
        yield Assumption("per_year", {"year_days": school_year_days})
    if "total" in units:
        yield Assumption("per_total")
    if any(service.times and service.per not in ("week", "day") for service in services) or any(
        service.weeks_on for service in services
    ):
        yield Assumption("whole_sessions")


def _received_assumptions(counted: list[ServiceGap]) -> Iterable[Assumption]:
    counts = [gap for gap in counted if gap.service.received is not None]
    if any(gap.service.log is None for gap in counts):
        yield Assumption("count")
    if any(gap.service.log is not None for gap in counts):
        yield Assumption("count_and_log")
    nothing = [
        gap.service.name for gap in counted if gap.service.log is None and not gap.service.received
    ]
    if nothing:
        yield Assumption("nothing_entered", {"services": tuple(nothing)})
    logged = [gap for gap in counted if gap.has_log]
    if any(gap.from_log for gap in logged):
        yield Assumption("log")
    if any(gap.partial_sessions for gap in logged):
        yield Assumption("partial_sessions")
    if any(gap.student_absences for gap in logged):
        yield Assumption("student_absent")
        if any(gap.student_absences and not gap.service.times for gap in logged):
            yield Assumption("student_absent_share")
    kinds = {flag.kind for gap in logged for flag in gap.flags}
    for kind in FLAG_KINDS:
        if kind in kinds:
            yield Assumption(f"flag_{kind}")
    if any(gap.made_up_minutes for gap in counted):
        yield Assumption("made_up")


def _has_closed_week(calendar: SchoolCalendar, gap: ServiceGap) -> bool:
    """Whether the service's dates hold a week whose weekdays are all without school."""
    if gap.window is None:
        return False
    weeks_with_school = {week.monday for week in gap.weeks if week.school_days}
    start = max(gap.window.start, calendar.period.start)
    end = min(gap.window.end, calendar.period.end)
    # Week by week: a week counts when one of its weekdays falls inside the dates.
    return any(
        first not in weeks_with_school
        and weekdays(max(first, start), min(first + dt.timedelta(days=6), end)) > 0
        for first in mondays(start, end)
    )


def _alerts(gaps: tuple[ServiceGap, ...]) -> Iterable[Alert]:
    for index, gap in enumerate(gaps):
        yield from _count_alerts(index, gap)
        percent = gap.percent_delivered
        if percent is not None and percent < LOW_DELIVERY_PERCENT:
            yield Alert("low", index, {"percent": percent})
        if gap.from_log and gap.expected_minutes and not gap.delivered_minutes:
            # Often a log of the misses alone, which counts every other day as missed too.
            yield Alert("nothing_logged_given", index)
        longest = gap.longest_stretch_range
        if (
            longest is not None
            and gap.longest_stretch is not None
            and gap.longest_stretch >= gap.stretch_warning_days
        ):
            yield Alert(
                "stretch",
                index,
                {"days": gap.longest_stretch, "start": longest.start, "end": longest.end},
            )


def _count_alerts(index: int, gap: ServiceGap) -> Iterable[Alert]:
    """A count that cannot be right beside the log or the IEP: said beside the count."""
    service = gap.service
    count = service.received
    if count is None or gap.window is None:
        return
    in_minutes = count.minutes is not None
    where = "received.minutes" if in_minutes else "received.sessions"
    if service.log is not None:
        logged = sum(1 for entry in service.log if entry.minutes and entry.date in gap.window)
        logged_minutes = sum(entry.minutes for entry in service.log if entry.date in gap.window)
        if in_minutes and count.minutes is not None and count.minutes < logged_minutes:
            yield Alert(
                "count_below_log_minutes",
                index,
                {"count": count.minutes, "logged": logged_minutes},
                where,
            )
        elif not in_minutes and count.sessions is not None and count.sessions < logged:
            yield Alert(
                "count_below_log", index, {"count": count.sessions, "logged": logged}, where
            )
    if in_minutes:
        if gap.delivered_minutes > gap.expected_minutes:
            yield Alert(
                "count_above_due_minutes",
                index,
                {"count": gap.delivered_minutes, "due": rounded(gap.expected_minutes)},
                where,
            )
    elif (
        gap.expected_sessions is not None
        and gap.delivered_sessions is not None
        and gap.delivered_sessions > gap.expected_sessions
    ):
        yield Alert(
            "count_above_due",
            index,
            {"count": gap.delivered_sessions, "due": gap.expected_sessions},
            where,
        )
