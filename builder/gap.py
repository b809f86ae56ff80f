"""The gap calculator: what the IEP called for, what was delivered, what was missed and owed.

The counting rule, the same for every service and documented in docs/how-the-numbers-work.md:
each service's amount is spread evenly over school days, so every school day carries a share
("daily rate"); what a stretch of time owes is the sum of its school days' shares.
- per week: a school day carries one fifth of the weekly amount (a week with 3 school days
  owes 3/5 of it; a week without school days owes nothing);
- per month: a school day carries 1/(weekdays in that month) of the monthly amount;
- per year: a school day carries 1/(school days in a year, 180 unless the case says otherwise);
- total: the total is spread over the weekdays of the service's own start-to-end dates.
School days are Monday to Friday inside the period and the service's dates, minus no-school days.
Exact fractions are kept until the end, so totals never drift; minutes are rounded once, at the
end, half up.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from builder.case import Case, DateRange, LogEntry, Service
from builder.i18n import long_date, number, plural, text

FULL_WEEK = 5
LOW_DELIVERY_PERCENT = 80
LONG_STRETCH_SCHOOL_DAYS = 10
# Reasons that are on the school's side are owed; a child's own absence usually is not.
NOT_OWED_REASONS = frozenset({"student_absent"})
NOT_COUNTED_REASONS = frozenset({"testing", "wrong_setting"})


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
    """A log entry that was not counted as delivered, and why."""

    date: dt.date
    kind: str  # testing | wrong_setting | crammed | outside
    minutes: int


@dataclass(frozen=True)
class ServiceGap:
    service: Service
    window: DateRange | None
    school_days: int
    expected_minutes: Fraction
    expected_sessions: Fraction | None
    delivered_minutes: int
    delivered_sessions: int | None
    missed_minutes: Fraction
    student_absent_minutes: int
    owed_minutes: Fraction
    weeks: tuple[Week, ...]
    flags: tuple[Flag, ...]
    longest_stretch: int | None
    from_log: bool

    @property
    def percent_delivered(self) -> int | None:
        if not self.expected_minutes:
            return None
        return _round(100 * min(Fraction(self.delivered_minutes), self.expected_minutes)
                      / self.expected_minutes)


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
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    sentences: tuple[str, ...]

    @property
    def percent_delivered(self) -> int | None:
        if not self.expected_minutes:
            return None
        return _round(100 * min(Fraction(self.delivered_minutes), self.expected_minutes)
                      / self.expected_minutes)

    @property
    def sentence(self) -> str:
        """The plain-language summary a letter quotes: one sentence per service."""
        return " ".join(self.sentences)


def compute_gap(case: Case) -> GapReport:
    """The gap for every service of the case over its period, and in total."""
    language = case.language
    calendar_ = SchoolCalendar(case.period, case.no_school) if case.period else None
    gaps = tuple(
        _service_gap(service, calendar_, case.school_year_days)
        for service in case.services
    )
    child = case.child.name or text("gap.your_child", language)
    weeks = _merge_weeks(gap.weeks for gap in gaps)
    expected = sum((gap.expected_minutes for gap in gaps), Fraction(0))
    delivered = sum(gap.delivered_minutes for gap in gaps)
    return GapReport(
        services=gaps,
        period=case.period,
        school_days=calendar_.count(case.period) if calendar_ and case.period else 0,
        weeks=weeks,
        expected_minutes=expected,
        delivered_minutes=delivered,
        missed_minutes=sum((gap.missed_minutes for gap in gaps), Fraction(0)),
        student_absent_minutes=sum(gap.student_absent_minutes for gap in gaps),
        owed_minutes=sum((gap.owed_minutes for gap in gaps), Fraction(0)),
        assumptions=tuple(_assumptions(case, gaps, language)),
        warnings=tuple(_warnings(gaps, language)),
        sentences=tuple(_sentence(gap, child, language) for gap in gaps if gap.window),
    )


class SchoolCalendar:
    """Which days are school days: weekdays in the period, minus the days without school."""

    def __init__(self, period: DateRange, no_school: Iterable[DateRange]) -> None:
        self.period = period
        self.no_school = tuple(no_school)

    def is_school_day(self, day: dt.date) -> bool:
        return (
            day in self.period
            and day.weekday() < FULL_WEEK
            and not any(day in closed for closed in self.no_school)
        )

    def days(self, window: DateRange) -> Iterator[dt.date]:
        """The school days inside `window`, in order."""
        for day in _dates(window.start, window.end):
            if self.is_school_day(day):
                yield day

    def count(self, window: DateRange) -> int:
        return sum(1 for _ in self.days(window))


def daily_rate(service: Service, day: dt.date, school_year_days: int) -> Fraction:
    """The share of the service's amount that one school day carries (see the module notes)."""
    amount = Fraction(service.minutes * (service.times or 1))
    if service.per == "week":
        return amount / FULL_WEEK
    if service.per == "month":
        return amount / _weekdays_in_month(day.year, day.month)
    if service.per == "year":
        return amount / school_year_days
    assert service.start and service.end  # the case reader requires them for a total
    return amount / max(1, _weekdays(service.start, service.end))


def _service_gap(
    service: Service, calendar_: SchoolCalendar | None, school_year_days: int
) -> ServiceGap:
    window = _window(service, calendar_.period) if calendar_ else None
    days = tuple(calendar_.days(window)) if calendar_ and window else ()
    rates = {day: daily_rate(service, day, school_year_days) for day in days}
    expected = sum(rates.values(), Fraction(0))
    delivered_by_day, flags, absent = _read_log(service, window, rates) if service.log is not None else ({}, (), 0)
    if service.log is not None:
        delivered = sum(delivered_by_day.values())
    elif service.received is not None:
        received = service.received
        delivered = (
            received.minutes if received.minutes is not None
            else (received.sessions or 0) * service.minutes
        )
    else:
        delivered = 0
    missed = max(Fraction(0), expected - delivered)
    student_absent = min(absent, _round(missed))
    from_log = service.log is not None
    return ServiceGap(
        service=service,
        window=window,
        school_days=len(days),
        expected_minutes=expected,
        expected_sessions=expected / service.minutes if service.times else None,
        delivered_minutes=delivered,
        delivered_sessions=_delivered_sessions(service, delivered_by_day, delivered),
        missed_minutes=missed,
        student_absent_minutes=student_absent,
        owed_minutes=max(Fraction(0), missed - student_absent),
        weeks=_weeks(rates, delivered_by_day if from_log else None),
        flags=flags,
        longest_stretch=_longest_stretch(days, delivered_by_day) if from_log else None,
        from_log=from_log,
    )


def _read_log(
    service: Service, window: DateRange | None, rates: dict[dt.date, Fraction]
) -> tuple[dict[dt.date, int], tuple[Flag, ...], int]:
    """Minutes that count per day, the entries that do not count, and minutes missed by absence."""
    assert service.log is not None
    counted: dict[dt.date, int] = {}
    flags: list[Flag] = []
    absent = 0
    spread = (service.times or 1) > 1
    for entry in sorted(service.log, key=lambda entry: entry.date):
        if window is None or entry.date not in window:
            flags.append(Flag(entry.date, "outside", entry.minutes))
            continue
        if entry.reason in NOT_OWED_REASONS:
            absent += max(0, _session_length(service, entry, rates) - entry.minutes)
        not_counted = _not_counted_kind(service, entry)
        if not_counted and entry.minutes:
            flags.append(Flag(entry.date, not_counted, entry.minutes))
            continue
        already = counted.get(entry.date, 0)
        minutes = entry.minutes
        if spread and already + minutes > service.minutes:
            extra = already + minutes - max(already, service.minutes)
            flags.append(Flag(entry.date, "crammed", extra))
            minutes -= extra
        counted[entry.date] = already + minutes
    return counted, tuple(flags), absent


def _not_counted_kind(service: Service, entry: LogEntry) -> str | None:
    if entry.reason == "testing":
        return "testing"
    wrong_delivery = entry.delivery and service.delivery and entry.delivery != service.delivery
    wrong_setting = entry.setting and service.setting and entry.setting != service.setting
    if entry.reason == "wrong_setting" or wrong_delivery or wrong_setting:
        return "wrong_setting"
    return None


def _session_length(service: Service, entry: LogEntry, rates: dict[dt.date, Fraction]) -> int:
    if service.times:
        return service.minutes
    return _round(rates.get(entry.date, Fraction(0)))


def _delivered_sessions(
    service: Service, delivered_by_day: dict[dt.date, int], delivered: int
) -> int | None:
    if not service.times:
        return None
    if service.received is not None and service.received.sessions is not None:
        return service.received.sessions
    return delivered // service.minutes


def _weeks(rates: dict[dt.date, Fraction], delivered: dict[dt.date, int] | None) -> tuple[Week, ...]:
    by_week: dict[dt.date, list[dt.date]] = {}
    for day in rates:
        by_week.setdefault(_monday(day), []).append(day)
    delivered_by_week: dict[dt.date, int] = {}
    for day, minutes in (delivered or {}).items():
        delivered_by_week[_monday(day)] = delivered_by_week.get(_monday(day), 0) + minutes
    return tuple(
        Week(
            monday=monday,
            school_days=len(days),
            expected_minutes=sum((rates[day] for day in days), Fraction(0)),
            delivered_minutes=None if delivered is None else delivered_by_week.get(monday, 0),
        )
        for monday, days in sorted(by_week.items())
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
    return tuple(merged[monday] for monday in sorted(merged))


def _longest_stretch(days: tuple[dt.date, ...], delivered: dict[dt.date, int]) -> int:
    longest = current = 0
    for day in days:
        current = 0 if delivered.get(day) else current + 1
        longest = max(longest, current)
    return longest


def _window(service: Service, period: DateRange) -> DateRange | None:
    start = max(period.start, service.start) if service.start else period.start
    end = min(period.end, service.end) if service.end else period.end
    return DateRange(start, end) if start <= end else None


def _sentence(gap: ServiceGap, child: str, language: str) -> str:
    assert gap.window is not None
    service = gap.service
    values: dict[str, Any] = {
        "start": long_date(gap.window.start, language),
        "end": long_date(gap.window.end, language),
        "days": plural("unit.school_day", gap.school_days, language),
        "service": _mid_sentence(service.name),
        "child": child,
        "length": plural("unit.minute", service.minutes, language),
        "expected": plural("unit.minute", _round(gap.expected_minutes), language),
        "delivered": plural("unit.minute", gap.delivered_minutes, language),
        "missed": plural("unit.minute", _round(gap.missed_minutes), language),
    }
    if gap.expected_sessions is not None and gap.delivered_sessions is not None:
        values["expected_sessions"] = plural(
            "unit.session", _shown_sessions(gap.expected_sessions), language
        )
        values["delivered_sessions"] = plural("unit.session", gap.delivered_sessions, language)
        key = "gap.sentence_sessions"
    else:
        key = "gap.sentence_minutes"
    if not gap.missed_minutes:
        key += "_met"
    return text(key, language, **values)


def _assumptions(case: Case, gaps: tuple[ServiceGap, ...], language: str) -> Iterator[str]:
    if case.period is None:
        yield text("gap.assume_no_period", language)
        return
    yield text(
        "gap.assume_school_days",
        language,
        start=long_date(case.period.start, language),
        end=long_date(case.period.end, language),
        closed=plural("unit.school_day", _closed_weekdays(case), language),
    )
    units = {gap.service.per for gap in gaps}
    for unit in ("week", "month", "year", "total"):
        if unit in units:
            yield text(f"gap.assume_per_{unit}", language, year_days=case.school_year_days)
    if any(not gap.from_log for gap in gaps):
        yield text("gap.assume_count", language)
    if any(gap.from_log for gap in gaps):
        yield text("gap.assume_log", language)
    if any(gap.flags for gap in gaps):
        yield text("gap.assume_flags", language)
    yield text("gap.assume_rounding", language)


def _warnings(gaps: tuple[ServiceGap, ...], language: str) -> Iterator[str]:
    for gap in gaps:
        name = gap.service.name
        percent = gap.percent_delivered
        if percent is not None and percent < LOW_DELIVERY_PERCENT:
            yield text("gap.warn_low", language, service=name, percent=percent)
        if gap.longest_stretch is not None and gap.longest_stretch >= LONG_STRETCH_SCHOOL_DAYS:
            yield text(
                "gap.warn_stretch",
                language,
                service=name,
                days=plural("unit.school_day", gap.longest_stretch, language),
            )


def report_to_dict(report: GapReport) -> dict[str, Any]:
    """The report as JSON-ready data (minutes rounded half up to whole minutes)."""
    return {
        "period": _range(report.period),
        "school_days": report.school_days,
        "services": [_service_dict(gap) for gap in report.services],
        "totals": {
            **_minutes_dict(report),
            "percent_delivered": report.percent_delivered,
        },
        "weeks": [_week_dict(week) for week in report.weeks],
        "assumptions": list(report.assumptions),
        "warnings": list(report.warnings),
        "sentence": report.sentence,
    }


def _service_dict(gap: ServiceGap) -> dict[str, Any]:
    return {
        "name": gap.service.name,
        "window": _range(gap.window),
        "school_days": gap.school_days,
        "expected_sessions": _sessions_value(gap.expected_sessions),
        "delivered_sessions": gap.delivered_sessions,
        **_minutes_dict(gap),
        "percent_delivered": gap.percent_delivered,
        "longest_stretch_school_days": gap.longest_stretch,
        "weeks_short": [week.monday.isoformat() for week in gap.weeks if week.fell_short],
        "weeks": [_week_dict(week) for week in gap.weeks],
        "flags": [
            {"date": flag.date.isoformat(), "kind": flag.kind, "minutes": flag.minutes}
            for flag in gap.flags
        ],
    }


def _minutes_dict(result: ServiceGap | GapReport) -> dict[str, int]:
    return {
        "expected_minutes": _round(result.expected_minutes),
        "delivered_minutes": result.delivered_minutes,
        "missed_minutes": _round(result.missed_minutes),
        "student_absent_minutes": result.student_absent_minutes,
        "owed_minutes": _round(result.owed_minutes),
    }


def _week_dict(week: Week) -> dict[str, Any]:
    return {
        "week_of": week.monday.isoformat(),
        "school_days": week.school_days,
        "expected_minutes": _round(week.expected_minutes),
        "delivered_minutes": week.delivered_minutes,
    }


def _range(window: DateRange | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def _sessions_value(sessions: Fraction | None) -> float | int | None:
    if sessions is None:
        return None
    shown = _shown_sessions(sessions)
    return int(shown) if shown.is_integer() else shown


def _shown_sessions(sessions: Fraction) -> float:
    """Sessions to one decimal: pro-rated weeks can owe part of a session."""
    return float(round(sessions, 1))


def rounded(minutes: Fraction) -> int:
    """Whole minutes, half up (the one rounding every number shown goes through)."""
    return _round(minutes)


def _round(value: Fraction) -> int:
    return int((value + Fraction(1, 2)) // 1)


def _mid_sentence(name: str) -> str:
    """'Speech-language therapy' reads 'speech-language therapy' mid-sentence; 'OT' stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _closed_weekdays(case: Case) -> int:
    assert case.period is not None
    period = case.period
    return sum(
        1
        for day in _dates(period.start, period.end)
        if day.weekday() < FULL_WEEK and any(day in closed for closed in case.no_school)
    )


def _dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def _weekdays(start: dt.date, end: dt.date) -> int:
    return sum(1 for day in _dates(start, end) if day.weekday() < FULL_WEEK)


def _weekdays_in_month(year: int, month: int) -> int:
    last = calendar.monthrange(year, month)[1]
    return _weekdays(dt.date(year, month, 1), dt.date(year, month, last))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


__all__ = [
    "Flag",
    "GapReport",
    "SchoolCalendar",
    "ServiceGap",
    "Week",
    "compute_gap",
    "daily_rate",
    "report_to_dict",
    "rounded",
]
