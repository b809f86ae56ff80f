"""Invariants of the gap calculator, checked on generated cases (exact, with Fractions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.case import (
    DELIVERIES,
    PER_UNITS,
    REASONS,
    SETTINGS,
    WEEKDAYS,
    Case,
    DateRange,
    LogEntry,
    Received,
    Service,
)
from builder.gap import compute_gap
from builder.gap_facts import GapReport, ServiceGap, rounded
from builder.gap_report import report_to_dict
from builder.school_days import SchoolCalendar, weekdays

DAY0 = dt.date(2026, 8, 3)  # a Monday
SPAN = 200

settings.register_profile("gap", deadline=None, max_examples=150)
settings.load_profile("gap")


def day(offset: int) -> dt.date:
    return DAY0 + dt.timedelta(days=offset)


days = st.integers(-10, SPAN + 10).map(day)


@st.composite
def date_ranges(draw: st.DrawFn, longest: int) -> DateRange:
    start = draw(st.integers(0, SPAN))
    length = draw(st.integers(0, longest))
    return DateRange(day(start), day(start + length), draw(st.sampled_from(["", "Break"])))


log_entries = st.builds(
    LogEntry,
    date=days,
    minutes=st.integers(0, 120),
    reason=st.none() | st.sampled_from(REASONS),
    setting=st.none() | st.sampled_from(SETTINGS),
    delivery=st.none() | st.sampled_from(DELIVERIES),
    note=st.sampled_from(["", "note"]),
)


@st.composite
def counts(draw: st.DrawFn, times: int | None, most: int) -> Received:
    sessions = draw(st.none() | st.integers(0, most // 30)) if times else None
    minutes = (
        draw(st.integers(0, most)) if sessions is None else draw(st.none() | st.integers(0, most))
    )
    return Received(sessions=sessions, minutes=minutes)


@st.composite
def services(draw: st.DrawFn) -> Service:
    per = draw(st.sampled_from(PER_UNITS))
    times = draw(st.none() | st.integers(1, 5))
    dates = (
        draw(date_ranges(longest=150))
        if per == "total"
        else draw(st.none() | date_ranges(longest=150))
    )
    how = draw(st.sampled_from(["log", "count", "count_and_log", "nothing"]))
    log = tuple(draw(st.lists(log_entries, max_size=25))) if "log" in how else None
    received = draw(counts(times, 3000)) if "count" in how else None
    days: tuple[str, ...] = ()
    weeks_on = weeks_cycle = None
    if per == "week" and times and times <= 5 and draw(st.booleans()):
        days = tuple(
            sorted(
                draw(st.sets(st.sampled_from(WEEKDAYS), min_size=times, max_size=times)),
                key=WEEKDAYS.index,
            )
        )
    elif per == "week" and draw(st.booleans()):
        weeks_cycle = draw(st.integers(2, 6))
        weeks_on = draw(st.integers(1, weeks_cycle - 1))
    return Service(
        days=days,
        weeks_on=weeks_on,
        weeks_cycle=weeks_cycle,
        cycle_days=draw(st.integers(2, 10)) if per == "cycle" else None,
        made_up=draw(st.none() | counts(times, 300)),
        name=draw(st.sampled_from(["Speech", "OT", "Reading"])),
        minutes=draw(st.integers(1, 120)),
        per=per,
        times=times,
        setting=draw(st.none() | st.sampled_from(SETTINGS)),
        delivery=draw(st.none() | st.sampled_from(DELIVERIES)),
        start=dates.start if dates else None,
        end=dates.end if dates else None,
        received=received,
        log=log,
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    return Case(
        period=draw(date_ranges(longest=120)),
        no_school=tuple(draw(st.lists(date_ranges(longest=10), max_size=4))),
        school_year_days=draw(st.sampled_from([180, 175])),
        services=tuple(draw(st.lists(services(), min_size=1, max_size=3))),
    )


def results(report: GapReport) -> list[ServiceGap | GapReport]:
    return [*report.services, report]


def close(case: Case, *closed: DateRange) -> Case:
    return dataclasses.replace(case, no_school=case.no_school + closed)


@given(cases())
def test_owed_is_at_most_missed_and_missed_at_most_expected(case: Case) -> None:
    for result in results(compute_gap(case)):
        assert 0 <= result.owed_minutes <= result.missed_minutes <= result.expected_minutes
        assert 0 <= result.student_absent_minutes <= rounded(result.missed_minutes)


@given(cases())
def test_delivered_plus_missed_is_expected_unless_more_was_delivered(case: Case) -> None:
    report = compute_gap(case)
    for gap in report.services:
        if gap.delivered_minutes <= gap.expected_minutes:
            assert gap.delivered_minutes + gap.missed_minutes == gap.expected_minutes
        else:
            assert gap.missed_minutes == 0
    if all(gap.delivered_minutes <= gap.expected_minutes for gap in report.services):
        assert report.delivered_minutes + report.missed_minutes == report.expected_minutes


@given(cases())
def test_owed_student_absences_and_make_up_add_up_to_missed(case: Case) -> None:
    for gap in compute_gap(case).services:
        if gap.made_up_minutes:
            assert rounded(gap.owed_minutes) <= max(
                0,
                rounded(gap.missed_minutes) - gap.student_absent_minutes - gap.made_up_minutes + 1,
            )
            continue
        shown = rounded(gap.owed_minutes) + gap.student_absent_minutes
        if gap.service.times:  # whole sessions set apart: exact after rounding
            assert shown == rounded(gap.missed_minutes)
        else:  # a day's share set apart: each figure rounded on its own
            assert abs(shown - rounded(gap.missed_minutes)) <= 1


@given(cases(), st.integers(0, SPAN), st.integers(0, 6))
def test_a_day_or_week_without_school_never_raises_expected_or_owed(
    case: Case, start: int, length: int
) -> None:
    closed = DateRange(day(start), day(start + length))
    before = compute_gap(case)
    after = compute_gap(close(case, closed))
    # A logged absence on a day now closed is no longer set apart: that may raise what is owed.
    absent_on_closed = any(
        entry.date in closed for service in case.services for entry in service.log or ()
    )
    for old, new in zip(results(before), results(after), strict=True):
        assert new.expected_minutes <= old.expected_minutes
        assert absent_on_closed or new.owed_minutes <= old.owed_minutes
        assert new.missed_minutes <= old.missed_minutes
        assert new.delivered_minutes == old.delivered_minutes


@given(cases(), st.integers(2, 5))
def test_expected_scales_with_the_minutes(case: Case, factor: int) -> None:
    def scaled(service: Service) -> Service:
        return dataclasses.replace(service, minutes=service.minutes * factor)

    bigger = dataclasses.replace(case, services=tuple(scaled(s) for s in case.services))
    before, after = compute_gap(case), compute_gap(bigger)
    for old, new in zip(before.services, after.services, strict=True):
        assert new.expected_minutes == factor * old.expected_minutes
    assert after.expected_minutes == factor * before.expected_minutes


@given(st.data(), cases())
def test_results_do_not_depend_on_the_order_of_the_log(data: st.DataObject, case: Case) -> None:
    shuffled = dataclasses.replace(
        case,
        services=tuple(
            dataclasses.replace(service, log=tuple(data.draw(st.permutations(service.log))))
            if service.log
            else service
            for service in case.services
        ),
    )
    assert report_to_dict(compute_gap(shuffled)) == report_to_dict(compute_gap(case))


@given(cases(), st.integers(0, SPAN // 7))
def test_a_week_with_no_school_days_expects_nothing(case: Case, week: int) -> None:
    monday = day(7 * week)
    report = compute_gap(close(case, DateRange(monday, monday + dt.timedelta(days=4))))
    for weeks in [report.weeks, *(gap.weeks for gap in report.services)]:
        for shown in weeks:
            if shown.monday == monday:
                assert shown.school_days == 0
                assert shown.expected_minutes == 0


@given(cases())
def test_percent_and_stretches_stay_in_bounds(case: Case) -> None:
    report = compute_gap(case)
    for result in results(report):
        percent = result.percent_delivered
        assert percent is None or 0 <= percent <= 100
    for gap in report.services:
        assert sum(gap.stretch_school_days) <= gap.school_days
        assert all(
            gap.window and run.start in gap.window and run.end in gap.window
            for run in gap.stretches_without_service
        )
        ends = [(run.start, run.end) for run in gap.stretches_without_service]
        assert ends == sorted(ends)
        assert all(a[1] < b[0] for a, b in itertools.pairwise(ends))
        if gap.from_log:
            assert gap.longest_stretch == max(gap.stretch_school_days, default=0)
        assert all(0 < entry.minutes < gap.service.minutes for entry in gap.partial_sessions)
        if gap.from_log:  # every logged minute is either counted or flagged
            logged = sum(entry.minutes for entry in gap.service.log or ())
            assert gap.delivered_minutes + gap.flagged_minutes == logged


@given(cases())
def test_expected_is_the_sum_of_the_weeks(case: Case) -> None:
    report = compute_gap(case)
    for result in results(report):
        assert sum((week.expected_minutes for week in result.weeks), Fraction(0)) == (
            result.expected_minutes
        )


@given(cases())
def test_a_week_without_school_is_named_exactly_when_one_falls_in_a_weekly_service(
    case: Case,
) -> None:
    """The calculator checks week by week; here each day is checked, the plain definition."""
    report = compute_gap(case)
    expected = False
    for gap in report.services:
        if gap.service.per != "week" or gap.window is None:
            continue
        weeks = {week.monday for week in gap.weeks if week.school_days}
        assert case.period is not None
        start, end = max(gap.window.start, case.period.start), min(gap.window.end, case.period.end)
        span = range((end - start).days + 1)
        dates = [start + dt.timedelta(days=offset) for offset in span]
        expected |= any(
            date.weekday() < 5 and date - dt.timedelta(days=date.weekday()) not in weeks
            for date in dates
        )
    named = any(assumption.kind == "closed_weeks" for assumption in report.assumptions)
    assert named == expected


@given(date_ranges(SPAN), st.lists(date_ranges(14), max_size=4), date_ranges(SPAN))
def test_counting_school_days_agrees_with_listing_them(
    period: DateRange, no_school: list[DateRange], window: DateRange
) -> None:
    calendar = SchoolCalendar(period, no_school)
    assert calendar.count(window) == len(tuple(calendar.days(window)))
    length = (window.end - window.start).days + 1
    every_day = (window.start + dt.timedelta(days=n) for n in range(length))
    assert weekdays(window.start, window.end) == sum(1 for d in every_day if d.weekday() < 5)


@given(cases())
def test_sessions_called_for_are_whole_and_minutes_follow_them(case: Case) -> None:
    for gap in compute_gap(case).services:
        if gap.service.times:
            assert isinstance(gap.expected_sessions, int)
            assert gap.expected_minutes == gap.expected_sessions * gap.service.minutes
        else:
            assert gap.expected_sessions is None


@given(cases())
def test_a_count_with_a_log_never_counts_less_than_the_log_alone(case: Case) -> None:
    with_log_only = dataclasses.replace(
        case,
        services=tuple(dataclasses.replace(service, received=None) for service in case.services),
    )
    for both, alone in zip(
        compute_gap(case).services, compute_gap(with_log_only).services, strict=True
    ):
        if both.service.log is not None and both.service.received is not None:
            assert both.delivered_minutes >= alone.delivered_minutes
