"""What an IEP service line called for over the dates reviewed: whole sessions, counted the way a
state investigator counts them, by the rule docs/how-the-numbers-work.md and *Get specific* teach.

- **Per week, on known days** ("Tuesdays and Thursdays"): one session on each of those days that
  is a school day. A day without school removes the session that fell on it, and no other.
- **Per week, days not known:** each week calls for the IEP's number of sessions. A week with
  fewer than 5 school days calls for its share, sessions x school days / 5, rounded to the
  nearest whole session (a half rounds up): with 2 a week, a 4-day week still calls for 2 and a
  2-day week for 1. A week without school calls for none.
- **In some weeks only** ("in 3 of every 4 weeks"): the weeks' sessions as above, times 3/4,
  rounded once.
- **Per school day:** the IEP's number on each school day.
- **Per cycle of N school days** (a 6-day rotation): sessions x school days / N, rounded.
- **Per month:** each month calls for the IEP's number, whatever days without school it has (the
  school plans a month's sessions around its calendar), but not more sessions than it has school
  days; a month without school calls for none. A month only partly inside the dates calls for its
  share by weekdays, rounded.
- **Per year:** sessions x school days / the school days of a year (180 unless the case says),
  rounded.
- **In all, between two dates:** sessions x the weekdays reviewed / the weekdays of the service's
  own dates, rounded, and not more than the school days.

A line written in minutes only ("60 minutes weekly") takes the same shares in minutes, kept exact:
it has no sessions to round. Each school day carries a share of the minutes (`Due.by_day`): the
week-by-week picture, the runs without service and the weeks that fell short are read from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from builder.case import WEEKDAYS, DateRange, Service
from builder.school_days import (
    FULL_WEEK,
    SchoolCalendar,
    monday,
    month_range,
    weekdays,
    weekdays_in_month,
)


@dataclass(frozen=True)
class DueUnit:
    """A week or a month of a service's dates, with what it called for."""

    kind: str  # week | month
    start: dt.date  # its first day inside the dates reviewed
    end: dt.date
    sessions: int | None  # None for a line in minutes only
    minutes: Fraction


@dataclass(frozen=True)
class Due:
    """What one service called for over its dates: whole sessions and minutes, day by day."""

    sessions: int | None  # None for a line in minutes only
    minutes: Fraction
    by_day: Mapping[dt.date, Fraction]  # every school day, with its share of the minutes
    # The weeks (weekly and daily services) or months (monthly ones), each with its own count;
    # empty where the IEP counts over a longer span (a year, a cycle, some weeks only).
    units: tuple[DueUnit, ...]


def round_half_up(value: Fraction) -> int:
    """The nearest whole number, a half rounded up: 1.5 gives 2, 0.4 gives 0."""
    return int((value + Fraction(1, 2)) // 1)


def due(
    service: Service, calendar: SchoolCalendar, window: DateRange, school_year_days: int
) -> Due:
    """What `service` called for over `window` (its dates inside the period), by the rule above."""
    days = tuple(calendar.days(window))
    length = Fraction(service.minutes)
    times = service.times
    per = service.per
    if per == "week":
        if service.days:
            grouped = _by_group(days, monday, "week", lambda part: _on_days(part, service.days))
        else:
            grouped = _by_group(days, monday, "week", lambda part: _week_share(times, part))
        weekly = _in_minutes(grouped, length, whole=times is not None)
        if service.weeks_on and service.weeks_cycle:
            return _scaled(weekly, Fraction(service.weeks_on, service.weeks_cycle), length)
        return weekly
    if per == "day":
        daily = _by_group(days, monday, "week", lambda part: _each_day(times, part))
        return _in_minutes(daily, length, whole=times is not None)
    if per == "month":
        monthly = _by_group(
            days, _month_key, "month", lambda part: _month_share(times, part, window)
        )
        return _in_minutes(monthly, length, whole=times is not None)
    if per == "year":
        share = Fraction(len(days), school_year_days)
    elif per == "cycle":
        assert service.cycle_days  # the case reader requires it for a cycle
        share = Fraction(len(days), service.cycle_days)
    else:  # total: the service's own dates, which the case reader requires
        assert service.start and service.end
        share = Fraction(
            weekdays(window.start, window.end), max(1, weekdays(service.start, service.end))
        )
    amount = _amount(times, share, cap=len(days))
    minutes = amount * length
    by_day = dict.fromkeys(days, minutes / len(days)) if days else {}
    return Due(amount if isinstance(amount, int) else None, minutes, by_day, ())


# An amount is a number of sessions (int) for a line with sessions; for a line in minutes only, a
# multiple of its minutes (Fraction): "60 minutes weekly" in a 4-day week calls for 4/5 of 60.
Amount = int | Fraction
# Days grouped into weeks or months: each group's days, and what it called for.
Groups = list[tuple[tuple[dt.date, ...], Amount]]


def _amount(times: int | None, share: Fraction, *, cap: int) -> Amount:
    """Whole sessions for a line with sessions, at most one a school day; else the exact share
    (none at all when the window has no school day: nothing can be given in it)."""
    if times is None:
        return share if cap else Fraction(0)
    return min(cap, round_half_up(times * share))


def _week_share(times: int | None, part: tuple[dt.date, ...]) -> Amount:
    share = Fraction(len(part), FULL_WEEK)
    return share if times is None else round_half_up(times * share)


def _each_day(times: int | None, part: tuple[dt.date, ...]) -> Amount:
    return len(part) * times if times else Fraction(len(part))


def _on_days(part: tuple[dt.date, ...], days: tuple[str, ...]) -> Amount:
    return sum(1 for day in part if WEEKDAYS[day.weekday()] in days)


def _month_key(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_share(times: int | None, part: tuple[dt.date, ...], window: DateRange) -> Amount:
    """A month's count, or its share by weekdays when it is only partly inside the dates."""
    first, last = month_range(part[0].year, part[0].month)
    inside = weekdays(max(first, window.start), min(last, window.end))
    share = Fraction(inside, weekdays_in_month(part[0].year, part[0].month))
    return _amount(times, share, cap=len(part))


def _by_group(
    days: tuple[dt.date, ...],
    key: Callable[[dt.date], Hashable],
    kind: str,
    amount: Callable[[tuple[dt.date, ...]], Amount],
) -> tuple[str, Groups]:
    groups: dict[Hashable, list[dt.date]] = {}
    for day in days:
        groups.setdefault(key(day), []).append(day)
    return kind, [(tuple(part), amount(tuple(part))) for part in groups.values()]


def _in_minutes(grouped: tuple[str, Groups], length: Fraction, *, whole: bool) -> Due:
    """The groups' amounts in minutes, each spread evenly over its school days (what matters is
    what each group adds up to), and their total."""
    kind, groups = grouped
    by_day: dict[dt.date, Fraction] = {}
    units = []
    for part, amount in groups:
        minutes = amount * length
        units.append(
            DueUnit(kind, part[0], part[-1], amount if isinstance(amount, int) else None, minutes)
        )
        by_day.update(dict.fromkeys(part, minutes / len(part)))
    sessions = sum(unit.sessions or 0 for unit in units) if whole else None
    return Due(sessions, sum((unit.minutes for unit in units), Fraction(0)), by_day, tuple(units))


def _scaled(weekly: Due, factor: Fraction, length: Fraction) -> Due:
    """A weekly count given in some weeks only: its sessions x the factor, rounded once. Which
    weeks are off is not known, so no week is said to have fallen short."""
    if weekly.sessions is None:
        amount: Amount = weekly.minutes / length * factor
    else:
        amount = round_half_up(weekly.sessions * factor)
    minutes = amount * length
    ratio = minutes / weekly.minutes if weekly.minutes else Fraction(0)
    by_day = {day: share * ratio for day, share in weekly.by_day.items()}
    return Due(amount if isinstance(amount, int) else None, minutes, by_day, ())
