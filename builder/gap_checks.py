"""What shaped the gap's numbers, and what in them to act on or check: the calculator's
assumptions (each rule it applied, with its values) and alerts (low delivery, long runs without
service, a count that disagrees with the log). Facts only; `gap_words` says them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from builder.case import DateRange
from builder.gap_facts import FLAG_KINDS, Alert, Assumption, ServiceGap, rounded
from builder.school_days import FULL_WEEK, SchoolCalendar, mondays, weekdays

LOW_DELIVERY_PERCENT = 80


def assumptions(
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


def alerts(gaps: tuple[ServiceGap, ...]) -> Iterable[Alert]:
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
