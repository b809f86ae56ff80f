"""What the IEP called for: whole sessions, by the rule docs/how-the-numbers-work.md teaches."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from builder.case import DateRange, Service
from builder.due import due, round_half_up
from builder.school_days import SchoolCalendar

# Ana's dates: Tuesday September 8 (the day after Labor Day) to Friday November 20, 2026: 11
# weeks, the first of 4 weekdays. Veterans Day, Wednesday November 11, is a day without school.
PERIOD = DateRange(dt.date(2026, 9, 8), dt.date(2026, 11, 20))
VETERANS_DAY = DateRange(dt.date(2026, 11, 11), dt.date(2026, 11, 11))


def called_for(service: Service, *closed: DateRange, period: DateRange = PERIOD) -> int | None:
    calendar = SchoolCalendar(period, closed)
    return due(service, calendar, period, 180).sessions


def speech(**fields: object) -> Service:
    return Service("Speech-language therapy", 30, "week", times=2, **fields)  # type: ignore[arg-type]


def test_weeks_times_sessions_as_the_guide_teaches() -> None:
    """11 school weeks x 2 = 22: the 4-day weeks still call for 2 (2 x 4/5 = 1.6)."""
    assert called_for(speech(), VETERANS_DAY) == 22


@pytest.mark.parametrize(
    ("closed_days", "sessions"),
    [(0, 2), (1, 2), (2, 1), (3, 1), (4, 0), (5, 0)],
)
def test_a_short_week_calls_for_its_share_rounded_to_whole_sessions(
    closed_days: int, sessions: int
) -> None:
    week = DateRange(dt.date(2026, 10, 5), dt.date(2026, 10, 9))
    closed = (
        [DateRange(week.start, week.start + dt.timedelta(days=closed_days - 1))]
        if closed_days
        else []
    )
    assert called_for(speech(), *closed, period=week) == sessions


def test_on_known_days_a_closure_removes_only_a_session_that_fell_on_it() -> None:
    tuesdays_and_thursdays = speech(days=("tue", "thu"))
    # Veterans Day is a Wednesday: no session lost.
    assert called_for(tuesdays_and_thursdays, VETERANS_DAY) == 22
    # A Thursday off loses one.
    thursday = DateRange(dt.date(2026, 11, 12), dt.date(2026, 11, 12))
    assert called_for(tuesdays_and_thursdays, thursday) == 21
    # Mondays, Wednesdays and Fridays: the first week has no Monday (Labor Day was the 7th,
    # before the dates), and Veterans Day takes one Wednesday: 33 - 1 - 1.
    three = Service("Reading", 45, "week", times=3, days=("mon", "wed", "fri"))
    assert called_for(three, VETERANS_DAY) == 31


def test_a_monthly_count_is_not_cut_by_a_holiday() -> None:
    four_a_month = Service("OT", 30, "month", times=4)
    october = DateRange(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    columbus_day = DateRange(dt.date(2026, 10, 12), dt.date(2026, 10, 12))
    assert called_for(four_a_month, columbus_day, period=october) == 4
    assert called_for(four_a_month, period=october) == 4
    # Ana's dates: September from the 8th (17 of its 22 weekdays: 3.1, so 3), October whole
    # (4), November to the 20th (15 of 21: 2.9, so 3).
    assert called_for(four_a_month, VETERANS_DAY) == 10


def test_a_month_never_calls_for_more_sessions_than_it_has_school_days() -> None:
    daily_ish = Service("Aide check-in", 10, "month", times=20)
    december = DateRange(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    winter_break = DateRange(dt.date(2026, 12, 21), dt.date(2026, 12, 31))
    # 14 school days before the break (December 1 is a Tuesday).
    assert called_for(daily_ish, winter_break, period=december) == 14
    month_off = DateRange(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert called_for(daily_ish, month_off, period=december) == 0


def test_some_weeks_only_a_daily_service_and_a_rotation() -> None:
    three_of_four = speech(weeks_on=3, weeks_cycle=4)
    assert called_for(three_of_four, VETERANS_DAY) == 17  # 22 x 3/4 = 16.5
    daily = Service("Check-in", 10, "day", times=1)
    assert called_for(daily, VETERANS_DAY) == 53  # the school days
    six_day = Service("PT", 30, "cycle", times=2, cycle_days=6)
    assert called_for(six_day, VETERANS_DAY) == 18  # 53 / 6 x 2 = 17.7


def test_a_yearly_and_an_overall_count_take_their_share() -> None:
    yearly = Service("Counseling", 30, "year", times=30)
    assert called_for(yearly, VETERANS_DAY) == 9  # 53 / 180 x 30 = 8.8
    overall = Service(
        "Social skills",
        30,
        "total",
        times=10,
        start=dt.date(2026, 9, 8),
        end=dt.date(2026, 12, 18),
    )
    # The dates reviewed hold 54 of the service's 74 weekdays (holidays do not cut a total).
    assert called_for(overall, VETERANS_DAY) == 7


def test_a_line_in_minutes_only_keeps_its_exact_share() -> None:
    weekly = Service("OT", 60, "week")
    week = DateRange(dt.date(2026, 11, 9), dt.date(2026, 11, 13))
    calendar = SchoolCalendar(week, [VETERANS_DAY])
    called = due(weekly, calendar, week, 180)
    assert called.sessions is None
    assert called.minutes == 48  # 4/5 of 60


def test_a_window_with_no_school_day_calls_for_nothing() -> None:
    """An overall total of minutes over one day without school: none could be given, so none are
    called for, and the weeks (which hold no school day) add up to it."""
    day = DateRange(dt.date(2026, 8, 3), dt.date(2026, 8, 3))
    total = Service("Speech", 1, "total", start=day.start, end=day.end)
    called = due(total, SchoolCalendar(day, (day,)), day, 180)
    assert called.minutes == Fraction(0)
    assert called.by_day == {}


def test_each_school_day_carries_a_share_and_the_shares_add_up() -> None:
    calendar = SchoolCalendar(PERIOD, [VETERANS_DAY])
    for service in (speech(), speech(days=("tue", "thu")), Service("OT", 30, "month", times=4)):
        called = due(service, calendar, PERIOD, 180)
        assert sum(called.by_day.values(), Fraction(0)) == called.minutes
        assert len(called.by_day) == 53
        assert sum(unit.minutes for unit in called.units) == called.minutes


def test_a_half_rounds_up() -> None:
    assert [round_half_up(Fraction(n, 10)) for n in (4, 5, 15, 16, 25)] == [0, 1, 2, 2, 3]
