"""The gap calculator: what the IEP called for, what was received, and what was not provided.

This module computes the facts `gap_facts` defines (`gap_checks` adds the rules they rest on and
what to check); `gap_words` makes sentences of them in the reader's language and `gap_report`
lays them out (JSON, tables, text). What the IEP called for is counted in whole
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
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

from builder.case import Case, DateRange, Incident, LogEntry, Received, Service
from builder.due import Due, DueUnit, due
from builder.gap_checks import alerts, assumptions
from builder.gap_facts import (
    LONG_STRETCH_SCHOOL_DAYS,
    NOT_OWED_REASONS,
    Flag,
    GapReport,
    IncidentGroup,
    ServiceGap,
    Shortfall,
    Week,
    rounded,
)
from builder.school_days import (
    FULL_WEEK,
    SchoolCalendar,
    monday,
    weekdays,
)

# A month has about 21 weekdays: the usual spacing of a service given "N times per month".
WEEKDAYS_IN_A_MONTH = 21


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
        assumptions=tuple(assumptions(case.school_year_days, calendar, gaps)),
        alerts=tuple(alerts(gaps)),
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
