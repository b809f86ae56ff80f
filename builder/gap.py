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
The amount is minutes x times when the IEP gives a number of sessions, else the minutes as given
("60 minutes weekly"). Exact fractions are kept until the end, so totals never drift; minutes are
rounded once, at the end, half up.

What was delivered comes from a dated log or from a count. From a log, minutes count when given
as the IEP says; these are flagged and not counted: time used for testing, service in another
setting than the IEP's (push-in where it says pull-out, a group where it says individual, or the
reason "wrong_setting"), minutes beyond one session on one day when the IEP spreads its sessions
(2 or more times per unit), and entries dated outside the period or the service's dates.
Missed = expected - delivered (never below 0). The minutes lost to the student's own absences
are shown apart; owed = missed - those minutes (never below 0).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, cached_property, partial
from typing import Any

from builder.case import Case, DateRange, Incident, LogEntry, Service
from builder.i18n import (
    long_date,
    long_date_range,
    number,
    plural,
    short_date,
    text,
    years_needed,
)
from builder.service_line import how_much

FULL_WEEK = 5
LOW_DELIVERY_PERCENT = 80
LONG_STRETCH_SCHOOL_DAYS = 10
# A run of school days this long with nothing logged at all is a gap in itself (a full school week).
UNLOGGED_RUN_SCHOOL_DAYS = 5
# A month has about 21 weekdays: the usual spacing of a service given "N times per month".
WEEKDAYS_IN_A_MONTH = 21
# Reasons that are on the school's side are owed; a child's own absence usually is not.
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
    """A log entry (or the part of one) that was not counted as delivered, and why.

    `kind` is one of FLAG_KINDS; `detail` says more for a wrong setting: "push-in" (given in the
    classroom where the IEP says pull-out), "group" (where it says individual), or "" when the
    log's reason said so.
    """

    date: dt.date
    kind: str  # testing | wrong_setting | crammed | outside
    minutes: int
    detail: str = ""
    note: str = ""

    def description(self, language: str = "en") -> str:
        """What was wrong, in plain words: "given in a group; the IEP says individual"."""
        key = f"gap.flag_{self.kind}" + (f"_{self.detail.replace('-', '_')}" if self.detail else "")
        return text(key, language)


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
    # Runs of consecutive school days with no counted minutes (from a log; empty for a count),
    # with the number of school days of each run at the same position.
    stretches_without_service: tuple[DateRange, ...] = ()
    stretch_school_days: tuple[int, ...] = ()
    # Log entries that were counted but shorter than one session (0 < minutes < session length).
    partial_sessions: tuple[LogEntry, ...] = ()
    # Log entries with the reason student_absent inside the service's dates.
    student_absences: tuple[LogEntry, ...] = ()
    # The school days in a row without this service that trigger an early warning.
    stretch_warning_days: int = LONG_STRETCH_SCHOOL_DAYS

    @property
    def percent_delivered(self) -> int | None:
        return _percent(self.delivered_minutes, self.expected_minutes)

    @property
    def session_minutes(self) -> int | None:
        """The length of one session, when the IEP gives a number of sessions."""
        return self.service.minutes if self.service.times else None

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

    @cached_property
    def dates_without_service(self) -> tuple[DateRange, ...] | None:
        """The dates the service was not provided, or None when only a count is known.

        The dated log's missed sessions (nothing delivered, for a reason on the school's side),
        one day each; and, from the runs of school days without service, each stretch of a full
        school week or more in which nothing at all was logged. Shorter runs are the normal
        spacing between sessions (Tuesday to Thursday), so they are not listed. Worked out once
        per gap: the letters ask for these dates on every keystroke, and a page keeps its gaps
        while the reader types anything but the schedule (Schedule).
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
            for part in _split(run, inside):
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
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...]
    sentences: tuple[str, ...]
    # Supports and accommodations not counted in minutes, grouped by support, dates in order.
    incidents: tuple[IncidentGroup, ...] = ()
    language: str = "en"

    @property
    def percent_delivered(self) -> int | None:
        return _percent(self.delivered_minutes, self.expected_minutes)

    @property
    def sentence(self) -> str:
        """The plain-language summary a letter quotes: one sentence per service."""
        return " ".join(self.sentences)


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
    language = case.language
    calendar_ = schedule.calendar
    gaps = schedule.gaps
    child = case.child.name or text("gap.your_child", language)
    labels = _labels(gaps, language)
    return GapReport(
        services=gaps,
        period=case.period,
        school_days=calendar_.count(calendar_.period) if calendar_ else 0,
        weeks=_merge_weeks(gap.weeks for gap in gaps),
        expected_minutes=sum((gap.expected_minutes for gap in gaps), Fraction(0)),
        delivered_minutes=sum(gap.delivered_minutes for gap in gaps),
        missed_minutes=sum((gap.missed_minutes for gap in gaps), Fraction(0)),
        student_absent_minutes=sum(gap.student_absent_minutes for gap in gaps),
        owed_minutes=sum((gap.owed_minutes for gap in gaps), Fraction(0)),
        assumptions=tuple(_assumptions(case.school_year_days, calendar_, gaps, language)),
        warnings=tuple(_warnings(gaps, labels, language)),
        sentences=tuple(_sentence(gap, child, language) for gap in gaps if gap.window),
        incidents=group_incidents(case.incidents),
        language=language,
    )


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
            weekdays_off = [day for day in _dates(start, end) if day.weekday() < FULL_WEEK]
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
        for day in _dates(start, end):
            if day.weekday() < FULL_WEEK and day not in self.closed:
                yield day

    def count(self, window: DateRange) -> int:
        """How many school days `window` has: its weekdays in the period, less those closed."""
        start, end = max(window.start, self.period.start), min(window.end, self.period.end)
        return weekdays(start, end) - sum(1 for day in self.closed if start <= day <= end)

    @property
    def closed_weekdays(self) -> int:
        """How many weekdays of the period are days without school."""
        return len(self.closed)


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
    return amount / max(1, weekdays(service.start, service.end))


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
    sessions: int
    flags: list[Flag]
    partial: list[LogEntry]
    absences: list[LogEntry]
    absent_minutes: Fraction


def _service_gap(
    service: Service, calendar_: SchoolCalendar | None, school_year_days: int
) -> ServiceGap:
    window = _window(service, calendar_.period) if calendar_ else None
    days = tuple(calendar_.days(window)) if calendar_ and window else ()
    rates = _rates(service, days, school_year_days)
    # Days share a few rates: multiply each by its days, rather than add thousands of fractions.
    expected = sum((rate * days for rate, days in Counter(rates.values()).items()), Fraction(0))
    from_log = service.log is not None
    log = _read_log(service, window, rates) if from_log else None
    if log is not None:
        delivered = sum(log.counted.values())
        delivered_sessions: int | None = log.sessions if service.times else None
    else:
        delivered = _received_minutes(service)
        delivered_sessions = _received_sessions(service)
    missed = max(Fraction(0), expected - delivered)
    absent = log.absent_minutes if log else Fraction(0)
    stretches = _stretches(days, log.counted) if log else ()
    return ServiceGap(
        service=service,
        window=window,
        school_days=len(days),
        expected_minutes=expected,
        expected_sessions=expected / service.minutes if service.times else None,
        delivered_minutes=delivered,
        delivered_sessions=delivered_sessions,
        missed_minutes=missed,
        student_absent_minutes=_round(min(absent, missed)),
        owed_minutes=max(Fraction(0), missed - absent),
        weeks=_weeks(rates, log.counted if log else None),
        flags=tuple(log.flags) if log else (),
        longest_stretch=max((length for _, length in stretches), default=0) if log else None,
        from_log=from_log,
        stretches_without_service=tuple(run for run, _ in stretches),
        stretch_school_days=tuple(length for _, length in stretches),
        partial_sessions=tuple(log.partial) if log else (),
        student_absences=tuple(log.absences) if log else (),
        stretch_warning_days=_stretch_warning_days(service, school_year_days),
    )


def _rates(
    service: Service, days: tuple[dt.date, ...], school_year_days: int
) -> dict[dt.date, Fraction]:
    if service.per == "month":  # the one unit whose share changes from day to day
        return {day: daily_rate(service, day, school_year_days) for day in days}
    if not days:
        return {}
    rate = daily_rate(service, days[0], school_year_days)
    return dict.fromkeys(days, rate)


def _received_minutes(service: Service) -> int:
    received = service.received
    if received is None:
        return 0
    if received.minutes is not None:
        return received.minutes
    return (received.sessions or 0) * service.minutes if service.times else 0


def _received_sessions(service: Service) -> int | None:
    if not service.times:
        return None
    received = service.received
    if received is None:
        return 0
    if received.sessions is not None:
        return received.sessions
    return (received.minutes or 0) // service.minutes


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


def _read_log(service: Service, window: DateRange | None, rates: dict[dt.date, Fraction]) -> _Log:
    """Minutes that count per day, the entries that do not count, and the absences."""
    assert service.log is not None
    log = _Log({}, 0, [], [], [], Fraction(0))
    session = service.minutes if service.times else None
    spread = (service.times or 0) >= 2
    for entry in sorted(service.log, key=_entry_order):
        if window is None or entry.date not in window:
            log.flags.append(Flag(entry.date, "outside", entry.minutes, note=entry.note))
            continue
        if entry.reason in NOT_OWED_REASONS:
            # A missed session is one session long; for an IEP that gives only a total, a day
            # the child was absent sets apart that day's share.
            length = session if session is not None else rates.get(entry.date, Fraction(0))
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
            log.sessions += 1
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


def _weeks(
    rates: dict[dt.date, Fraction], delivered: dict[dt.date, int] | None
) -> tuple[Week, ...]:
    expected: dict[dt.date, Fraction] = {}
    school_days: dict[dt.date, int] = {}
    # A week's days share one or two rates (a week, or a month's): multiply, rather than add
    # fractions day by day, which is what a long log over several years would spend its time on.
    days_at_rate = Counter((_monday(day), rate) for day, rate in rates.items())
    for (monday, rate), days in days_at_rate.items():
        expected[monday] = expected.get(monday, Fraction(0)) + rate * days
        school_days[monday] = school_days.get(monday, 0) + days
    delivered_by_week: dict[dt.date, int] = {}
    for day, minutes in (delivered or {}).items():
        monday = _monday(day)
        delivered_by_week[monday] = delivered_by_week.get(monday, 0) + minutes
        expected.setdefault(monday, Fraction(0))  # a make-up on a day without school
    return tuple(
        Week(
            monday=monday,
            school_days=school_days.get(monday, 0),
            expected_minutes=expected[monday],
            delivered_minutes=None if delivered is None else delivered_by_week.get(monday, 0),
        )
        for monday in sorted(expected)
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
    if service.per == "week":
        spacing = Fraction(FULL_WEEK, service.times or 1)
    elif service.per == "month":
        spacing = Fraction(WEEKDAYS_IN_A_MONTH, service.times or 1)
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
    return _round(100 * min(Fraction(delivered), expected) / expected)


# -- words --------------------------------------------------------------------------------


def _labels(gaps: tuple[ServiceGap, ...], language: str) -> dict[int, str]:
    """Each service's name, with its dates when two services share the name."""
    names = [gap.service.name.casefold() for gap in gaps]
    labels: dict[int, str] = {}
    for index, gap in enumerate(gaps):
        label = gap.service.name
        if names.count(names[index]) > 1 and gap.window:
            start, end = gap.window.start, gap.window.end
            with_year = years_needed(start, end)
            label = text(
                "gap.label_dates",
                language,
                service=label,
                start=short_date(start, language, with_year=with_year),
                end=short_date(end, language, with_year=with_year),
            )
        labels[index] = label
    return labels


def _sentence(gap: ServiceGap, child: str, language: str) -> str:
    assert gap.window is not None
    service = gap.service
    values: dict[str, Any] = {
        "start": long_date(gap.window.start, language),
        "end": long_date(gap.window.end, language),
        "days": plural("unit.school_day", gap.school_days, language),
        "service": _mid_sentence(service.name),
        "child": child,
        "Child": child[:1].upper() + child[1:],  # at the start of a sentence
        "length": plural("unit.minute", service.minutes, language),
        "expected": plural("unit.minute", _round(gap.expected_minutes), language),
        "delivered": plural("unit.minute", gap.delivered_minutes, language),
        "missed": plural("unit.minute", _round(gap.missed_minutes), language),
        "absent": plural("unit.minute", gap.student_absent_minutes, language),
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
    sentence = text(key, language, **values)
    if gap.student_absent_minutes:
        sentence += " " + text("gap.sentence_absent", language, **values)
    return sentence


def _assumptions(
    school_year_days: int,
    calendar_: SchoolCalendar | None,
    gaps: tuple[ServiceGap, ...],
    language: str,
) -> Iterator[str]:
    """Every rule that shaped these numbers, and only those."""
    if calendar_ is None:
        yield text("gap.assume_no_period", language)
        return
    period = calendar_.period
    yield text(
        "gap.assume_school_days",
        language,
        start=long_date(period.start, language),
        end=long_date(period.end, language),
        days=plural("unit.school_day", calendar_.count(period), language),
    )
    if calendar_.closed:
        yield text(
            "gap.assume_closed",
            language,
            closed=plural("gap.unit_weekday", calendar_.closed_weekdays, language),
            which="; ".join(_closing(days_off, language) for days_off in calendar_.closing),
        )
    counted = [gap for gap in gaps if gap.window]
    for gap in gaps:
        if gap.window is None:
            yield text("gap.assume_outside_period", language, service=gap.service.name)
    if any(gap.window != DateRange(period.start, period.end) for gap in counted):
        yield text("gap.assume_service_dates", language)
    with_times = next((gap.service for gap in counted if gap.service.times), None)
    if with_times is not None and with_times.times:
        yield text(
            "gap.assume_times",
            language,
            service=_mid_sentence(with_times.name),
            minutes=number(with_times.minutes),
            times=number(with_times.times),
            amount=plural("unit.minute", with_times.minutes * with_times.times, language),
            unit=text(f"service.total_per_{with_times.per}", language),
        )
    yield from _unit_assumptions(school_year_days, calendar_, counted, language)
    if any(gap.service.received is not None and not gap.from_log for gap in counted):
        yield text("gap.assume_count", language)
    nothing = [gap.service.name for gap in counted if not gap.from_log and not gap.service.received]
    if nothing:
        yield text("gap.assume_nothing_entered", language, services=", ".join(nothing))
    yield from _log_assumptions(counted, language)
    yield text("gap.assume_rounding", language)


def _unit_assumptions(
    school_year_days: int, calendar_: SchoolCalendar, counted: list[ServiceGap], language: str
) -> Iterator[str]:
    units = {gap.service.per for gap in counted}
    if "week" in units:
        yield text("gap.assume_per_week", language)
        weekly = [gap for gap in counted if gap.service.per == "week"]
        if any(0 < week.school_days < FULL_WEEK for gap in weekly for week in gap.weeks):
            yield text("gap.assume_partial_weeks", language)
        if any(_has_closed_week(calendar_, gap) for gap in weekly):
            yield text("gap.assume_closed_weeks", language)
    if "month" in units:
        yield text("gap.assume_per_month", language)
    if "year" in units:
        yield text("gap.assume_per_year", language, year_days=number(school_year_days))
    if "total" in units:
        yield text("gap.assume_per_total", language)


def _log_assumptions(counted: list[ServiceGap], language: str) -> Iterator[str]:
    logged = [gap for gap in counted if gap.from_log]
    if not logged:
        return
    yield text("gap.assume_log", language)
    if any(gap.partial_sessions for gap in logged):
        yield text("gap.assume_partial_sessions", language)
    if any(gap.student_absences for gap in logged):
        yield text("gap.assume_student_absent", language)
        if any(gap.student_absences and not gap.service.times for gap in logged):
            yield text("gap.assume_student_absent_share", language)
    kinds = {flag.kind for gap in logged for flag in gap.flags}
    for kind in FLAG_KINDS:
        if kind in kinds:
            yield text(f"gap.assume_flag_{kind}", language)


def _has_closed_week(calendar_: SchoolCalendar, gap: ServiceGap) -> bool:
    """Whether the service's dates hold a week whose weekdays are all without school."""
    if gap.window is None:
        return False
    weeks_with_school = {week.monday for week in gap.weeks if week.school_days}
    start = max(gap.window.start, calendar_.period.start)
    end = min(gap.window.end, calendar_.period.end)
    # Week by week: a week counts when one of its weekdays falls inside the dates.
    return any(
        monday not in weeks_with_school
        and weekdays(max(monday, start), min(monday + dt.timedelta(days=6), end)) > 0
        for monday in _mondays(start, end)
    )


def _closing(days_off: DateRange, language: str) -> str:
    when = long_date_range(days_off.start, days_off.end, language)
    if not days_off.label:
        return when
    return text("gap.labelled_dates", language, label=days_off.label, dates=when)


def _warnings(gaps: tuple[ServiceGap, ...], labels: dict[int, str], language: str) -> Iterator[str]:
    for index, gap in enumerate(gaps):
        name = labels[index]
        percent = gap.percent_delivered
        if percent is not None and percent < LOW_DELIVERY_PERCENT:
            yield text("gap.warn_low", language, service=name, percent=percent)
        if gap.from_log and gap.expected_minutes and not gap.delivered_minutes:
            # Often a log of the misses alone, which counts every other day as missed too.
            yield text("gap.warn_nothing_logged_given", language, service=name)
        longest = gap.longest_stretch_range
        if (
            longest is not None
            and gap.longest_stretch is not None
            and gap.longest_stretch >= gap.stretch_warning_days
        ):
            yield text(
                "gap.warn_stretch",
                language,
                service=name,
                days=plural("unit.school_day", gap.longest_stretch, language),
                start=long_date(longest.start, language),
                end=long_date(longest.end, language),
            )


# -- the report as data and as text --------------------------------------------------------


def report_to_dict(report: GapReport) -> dict[str, Any]:
    """The report as JSON-ready data (minutes rounded half up to whole minutes)."""
    language = report.language
    return {
        "period": _range(report.period),
        "school_days": report.school_days,
        "services": [_service_dict(gap, language) for gap in report.services],
        "totals": {
            **_minutes_dict(report),
            "percent_delivered": report.percent_delivered,
            "weeks_short": [week.monday.isoformat() for week in report.weeks if week.fell_short],
        },
        "weeks": [_week_dict(week) for week in report.weeks],
        "incidents": [
            {
                "support": group.support,
                "count": group.count,
                "dates": [day.isoformat() for day in group.dates],
                "notes": [
                    {"date": incident.date.isoformat(), "note": incident.note}
                    for incident in group.incidents
                    if incident.note
                ],
            }
            for group in report.incidents
        ],
        "assumptions": list(report.assumptions),
        "warnings": list(report.warnings),
        "sentences": list(report.sentences),
        "sentence": report.sentence,
    }


def _service_dict(gap: ServiceGap, language: str) -> dict[str, Any]:
    service = gap.service
    longest = gap.longest_stretch_range
    return {
        "name": service.name,
        "minutes": service.minutes,
        "times": service.times,
        "per": service.per,
        "setting": service.setting,
        "delivery": service.delivery,
        "window": _range(gap.window),
        "school_days": gap.school_days,
        "from_log": gap.from_log,
        "expected_sessions": _sessions_value(gap.expected_sessions),
        "delivered_sessions": gap.delivered_sessions,
        **_minutes_dict(gap),
        "percent_delivered": gap.percent_delivered,
        "longest_stretch_school_days": gap.longest_stretch,
        "longest_stretch": None
        if longest is None
        else {**_range_dict(longest), "school_days": gap.longest_stretch},
        "stretches_without_service": [
            {**_range_dict(run), "school_days": days}
            for run, days in zip(
                gap.stretches_without_service, gap.stretch_school_days, strict=True
            )
        ],
        "weeks_short": [week.monday.isoformat() for week in gap.weeks_short],
        "weeks": [_week_dict(week) for week in gap.weeks],
        "partial_sessions": [_entry_dict(entry) for entry in gap.partial_sessions],
        "student_absences": [_entry_dict(entry) for entry in gap.student_absences],
        "flags": [
            {
                "date": flag.date.isoformat(),
                "kind": flag.kind,
                "detail": flag.detail,
                "minutes": flag.minutes,
                "description": flag.description(language),
                "note": flag.note,
            }
            for flag in gap.flags
        ],
    }


def _entry_dict(entry: LogEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "minutes": entry.minutes,
        "reason": entry.reason,
        "note": entry.note,
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
        "fell_short": week.fell_short,
    }


def _range(window: DateRange | None) -> dict[str, str] | None:
    return None if window is None else _range_dict(window)


def _range_dict(window: DateRange) -> dict[str, str]:
    return {"start": window.start.isoformat(), "end": window.end.isoformat()}


def report_table(report: GapReport) -> str:
    """The minutes per service and in total, as a plain-text table (what the CLI prints)."""
    language = report.language
    header = [text(f"gap.col_{column}", language) for column in _TABLE_COLUMNS]
    rows = [_table_row(name, result, language) for name, result in _named_results(report)]
    if not rows:
        return ""
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]

    def line(cells: list[str]) -> str:
        first, *numbers = cells
        padded = [first.ljust(widths[0])]
        padded += [cell.rjust(widths[index + 1]) for index, cell in enumerate(numbers)]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


_TABLE_COLUMNS = ("service", "expected", "delivered", "missed", "absent", "owed", "percent")


def report_lines(report: GapReport) -> str:
    """The minutes per service and in total, one labelled line each: the table a letter carries.
    Columns lined up by spaces fall out of line in the proportional type most email programs
    and phones show plain text in; labelled lines read the same in any."""
    language = report.language
    lines = [_report_line(name, result, language) for name, result in _named_results(report)]
    return "\n".join([text("gap.lines_title", language), *lines]) if lines else ""


def _named_results(report: GapReport) -> list[tuple[str, ServiceGap | GapReport]]:
    """Each counted service with its label, then the total when there are several: the rows of
    the table and of the letters' lines."""
    labels = _labels(report.services, report.language)
    results: list[tuple[str, ServiceGap | GapReport]] = [
        (labels[index], gap) for index, gap in enumerate(report.services) if gap.window
    ]
    if len(results) > 1:
        results.append((text("gap.total_row", report.language), report))
    return results


def _report_line(name: str, result: ServiceGap | GapReport, language: str) -> str:
    absent = result.student_absent_minutes
    percent = result.percent_delivered
    return text(
        "gap.line",
        language,
        service=name,
        expected=number(_round(result.expected_minutes)),
        delivered=number(result.delivered_minutes),
        missed=number(_round(result.missed_minutes)),
        absent=text("gap.line_absent", language, absent=number(absent)) if absent else "",
        owed=number(_round(result.owed_minutes)),
        percent="" if percent is None else text("gap.line_percent", language, percent=percent),
    )


def _table_row(name: str, result: ServiceGap | GapReport, language: str) -> list[str]:
    percent = result.percent_delivered
    return [
        name,
        number(_round(result.expected_minutes)),
        number(result.delivered_minutes),
        number(_round(result.missed_minutes)),
        number(result.student_absent_minutes),
        number(_round(result.owed_minutes)),
        "" if percent is None else text("gap.percent_value", language, percent=percent),
    ]


def report_text(report: GapReport) -> str:
    """The whole report in words and a table: what `python -m builder gap CASE` prints."""
    language = report.language
    parts = ["\n".join(report.sentences) or text("gap.text_empty", language)]
    table = report_table(report)
    if table:
        parts.append(table)
    labels = _labels(report.services, language)
    parts += [
        _service_details(gap, labels[index], language)
        for index, gap in enumerate(report.services)
        if gap.window
    ]
    if report.warnings:
        parts.append(_bullets(text("gap.heading_warnings", language), report.warnings))
    if report.incidents:
        parts.append(
            _bullets(
                text("gap.heading_incidents", language),
                [_incident_line(group, language) for group in report.incidents],
            )
        )
    parts.append(_bullets(text("gap.heading_assumptions", language), report.assumptions))
    return "\n\n".join(parts)


def _service_details(gap: ServiceGap, label: str, language: str) -> str:
    assert gap.window is not None
    service = gap.service
    # Over more than a year, a date needs its year to name one day.
    with_year = years_needed(gap.window.start, gap.window.end)
    day = partial(short_date, language=language, with_year=with_year)
    lines = [
        text(
            "gap.detail_days",
            language,
            days=plural("unit.school_day", gap.school_days, language),
            start=long_date(gap.window.start, language),
            end=long_date(gap.window.end, language),
        )
    ]
    if gap.expected_sessions is not None and gap.delivered_sessions is not None:
        lines.append(
            text(
                "gap.detail_sessions",
                language,
                expected=number(_shown_sessions(gap.expected_sessions)),
                delivered=number(gap.delivered_sessions),
            )
        )
    if not gap.from_log and service.received is not None:
        lines.append(text("gap.detail_count", language))
    if gap.from_log:
        short = gap.weeks_short
        weeks_with_school = sum(1 for week in gap.weeks if week.school_days)
        line = text(
            "gap.detail_weeks_short",
            language,
            short=number(len(short)),
            weeks=number(weeks_with_school),
        )
        if short:
            line += " " + text(
                "gap.detail_weeks_of",
                language,
                weeks=", ".join(day(week.monday) for week in short),
            )
        lines.append(line)
        longest = gap.longest_stretch_range
        if longest is not None and gap.longest_stretch:
            lines.append(
                text(
                    "gap.detail_longest",
                    language,
                    days=plural("unit.school_day", gap.longest_stretch, language),
                    start=long_date(longest.start, language),
                    end=long_date(longest.end, language),
                )
            )
        if gap.partial_sessions:
            lines.append(
                text(
                    "gap.detail_partial",
                    language,
                    sessions=", ".join(
                        text(
                            "gap.detail_partial_one",
                            language,
                            date=day(entry.date),
                            minutes=number(entry.minutes),
                            length=number(service.minutes),
                        )
                        for entry in gap.partial_sessions
                    ),
                )
            )
        if gap.student_absences:
            lines.append(
                text(
                    "gap.detail_absent",
                    language,
                    dates=", ".join(day(entry.date) for entry in gap.student_absences),
                    minutes=plural("unit.minute", gap.student_absent_minutes, language),
                )
            )
        lines += [
            text(
                "gap.detail_flag",
                language,
                date=day(flag.date),
                minutes=plural("unit.minute", flag.minutes, language),
                what=flag.description(language),
            )
            for flag in gap.flags
        ]
    title = text("gap.detail_title", language, service=label, line=how_much(service, language))
    return _bullets(title, lines)


def _incident_line(group: IncidentGroup, language: str) -> str:
    return text(
        "gap.incident_line",
        language,
        support=group.support,
        times=plural("gap.unit_time", group.count, language),
        dates="; ".join(long_date(day, language) for day in group.dates),
    )


def _bullets(title: str, lines: Iterable[str]) -> str:
    return "\n".join([title, *(f"- {line}" for line in lines)])


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


def _dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def _split(run: DateRange, cuts: list[dt.date]) -> list[DateRange]:
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


def weekdays(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from `start` to `end`, both included (0 when end < start)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full_weeks, rest = divmod(days, 7)
    first = start.weekday()
    return full_weeks * FULL_WEEK + sum(1 for offset in range(rest) if (first + offset) % 7 < 5)


@cache
def _weekdays_in_month(year: int, month: int) -> int:
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return weekdays(dt.date(year, month, 1), next_month - dt.timedelta(days=1))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _mondays(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """The Monday of each week from `start`'s to `end`'s."""
    monday = _monday(start)
    while monday <= end:
        yield monday
        monday += dt.timedelta(weeks=1)


__all__ = [
    "FLAG_KINDS",
    "Flag",
    "GapReport",
    "IncidentGroup",
    "SchoolCalendar",
    "ServiceGap",
    "Week",
    "compute_gap",
    "daily_rate",
    "group_incidents",
    "report_lines",
    "report_table",
    "report_text",
    "report_to_dict",
    "rounded",
]
