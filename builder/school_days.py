"""Calendar arithmetic: weekdays, weeks, months and the school days of a period.

A school day is a weekday (Monday to Friday) inside the period, minus the days without school.
Every module that counts days counts them here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache

from builder.case import DateRange

FULL_WEEK = 5


class SchoolCalendar:
    """Which days are school days: weekdays in the period, minus the days without school.

    The closed days are worked out once, so asking about a day costs a set lookup.
    """

    def __init__(self, period: DateRange, no_school: Iterable[DateRange]) -> None:
        self.period = period
        self.no_school = tuple(no_school)
        closed: set[dt.date] = set()
        closing: list[DateRange] = []
        for days_off in self.no_school:
            start, end = max(days_off.start, period.start), min(days_off.end, period.end)
            weekdays_off = [day for day in dates(start, end) if day.weekday() < FULL_WEEK]
            if weekdays_off:
                closing.append(DateRange(start, end, days_off.label))
            closed.update(weekdays_off)
        self.closed: frozenset[dt.date] = frozenset(closed)
        # The no-school entries that close at least one weekday of the period, cut to it.
        self.closing: tuple[DateRange, ...] = tuple(closing)

    def is_school_day(self, day: dt.date) -> bool:
        return day in self.period and day.weekday() < FULL_WEEK and day not in self.closed

    def days(self, window: DateRange) -> Iterator[dt.date]:
        """The school days inside `window`, in order."""
        start, end = max(window.start, self.period.start), min(window.end, self.period.end)
        for day in dates(start, end):
            if day.weekday() < FULL_WEEK and day not in self.closed:
                yield day

    def count(self, window: DateRange) -> int:
        """How many school days `window` has: its weekdays in the period, less those closed."""
        start, end = max(window.start, self.period.start), min(window.end, self.period.end)
        return weekdays(start, end) - sum(1 for day in self.closed if start <= day <= end)

    def closed_in(self, window: DateRange) -> int:
        """How many weekdays of `window` (inside the period) are days without school."""
        return sum(1 for day in self.closed if window.start <= day <= window.end)

    @property
    def closed_weekdays(self) -> int:
        """How many weekdays of the period are days without school."""
        return len(self.closed)


def weekdays(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from `start` to `end`, both included (0 when end < start)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full_weeks, rest = divmod(days, 7)
    first = start.weekday()
    return full_weeks * FULL_WEEK + sum(1 for offset in range(rest) if (first + offset) % 7 < 5)


@cache
def weekdays_in_month(year: int, month: int) -> int:
    return weekdays(*month_range(year, month))


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), next_month - dt.timedelta(days=1)


def monday(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def mondays(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """The Monday of each week from `start`'s to `end`'s."""
    current = monday(start)
    while current <= end:
        yield current
        current += dt.timedelta(weeks=1)


def dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every day from `start` to `end`, both included."""
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The date `days` business days after `start`, counting Monday to Friday only.

    Holidays are not left out: a holiday in between moves the real date one day later.
    """
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < FULL_WEEK:
            counted += 1
    return day


def add_school_days(start: dt.date, days: int, no_school: Iterable[DateRange]) -> dt.date:
    """The date `days` school days after `start`: Monday to Friday, without the days off given.
    Days off not given (a holiday the parent did not enter) move the real date later."""
    closed = tuple(no_school)
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < FULL_WEEK and not any(day in run for run in closed):
            counted += 1
    return day


def split(run: DateRange, cuts: list[dt.date]) -> list[DateRange]:
    """The parts of `run` between the (sorted) dates in `cuts`, those dates left out."""
    parts = []
    start = run.start
    for cut in cuts:
        if cut > start:
            parts.append(DateRange(start, cut - dt.timedelta(days=1)))
        start = cut + dt.timedelta(days=1)
    if start <= run.end:
        parts.append(DateRange(start, run.end))
    return parts


def one_year_after(day: dt.date) -> dt.date:
    """The same date one year later (February 29 becomes February 28, the earlier reading)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def one_year_before(day: dt.date) -> dt.date:
    """The earliest date one year back that a span ending on `day` still reaches."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28) + dt.timedelta(days=1)
