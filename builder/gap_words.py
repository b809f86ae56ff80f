"""The gap in words, in the report's language: the sentence a letter quotes, the services' labels,
what to check, and how the numbers were counted. `gap` computes the facts; this module only says
them (builder/data/i18n/<language>/gap.json holds the words).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from builder.case import DateRange
from builder.gap_facts import Alert, Assumption, Flag, GapReport, ServiceGap, Shortfall, rounded
from builder.i18n import (
    and_list,
    at_start,
    long_date,
    long_date_range,
    mid_sentence,
    minutes_text,
    month_and_year,
    number,
    plural,
    short_date,
    text,
    years_needed,
)
from builder.service_line import how_much


def labels(report: GapReport) -> tuple[str, ...]:
    """Each service's name, with its dates when two services share the name."""
    language = report.language
    names = [gap.service.name.casefold() for gap in report.services]
    found = []
    for index, gap in enumerate(report.services):
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
        found.append(label)
    return tuple(found)


def child_name(report: GapReport) -> str:
    return report.child or text("gap.your_child", report.language)


def sentences(report: GapReport) -> tuple[str, ...]:
    """One sentence per counted service: what the IEP called for and what was received."""
    return tuple(sentence(gap, report) for gap in report.counted)


def summary(report: GapReport) -> str:
    """The plain-language summary a letter quotes: one sentence per service."""
    return " ".join(sentences(report))


def sentence(gap: ServiceGap, report: GapReport) -> str:
    assert gap.window is not None
    language = report.language
    child = child_name(report)
    service = gap.service
    values: dict[str, Any] = {
        "start": long_date(gap.window.start, language),
        "end": long_date(gap.window.end, language),
        "days": plural("unit.school_day", gap.school_days, language),
        "service": mid_sentence(service.name),
        "child": child,
        "Child": at_start(child),
        "length": plural("unit.minute", service.minutes, language),
        "expected": minutes_text(rounded(gap.expected_minutes), language, inside=True),
        "delivered": minutes_text(gap.delivered_minutes, language, inside=True),
        "missed": minutes_text(rounded(gap.missed_minutes), language),
        "absent": plural("unit.minute", gap.student_absent_minutes, language),
        "made_up": plural("unit.minute", gap.made_up_minutes, language),
    }
    if gap.expected_sessions is not None and gap.delivered_sessions is not None:
        values["expected_sessions"] = plural("unit.session", gap.expected_sessions, language)
        values["delivered_sessions"] = plural("unit.session", gap.delivered_sessions, language)
        key = "gap.sentence_sessions"
    else:
        key = "gap.sentence_minutes"
    if not gap.missed_minutes:
        key += "_met"
    said = text(key, language, **values)
    if gap.student_absent_minutes:
        said += " " + text("gap.sentence_absent", language, **values)
    if gap.made_up_minutes and gap.missed_minutes:
        said += " " + text("gap.sentence_made_up", language, **values)
    return said


def headline(report: GapReport) -> str:
    """The numbers in one line, for a page to keep in view while the facts change:
    255 of 660 minutes received (39%). Not provided: 405 minutes."""
    language = report.language
    if not report.counted:
        return text("gap.headline_empty", language)
    percent = report.percent_delivered
    return text(
        "gap.headline",
        language,
        delivered=number(report.delivered_minutes, language),
        expected=plural("unit.minute", rounded(report.expected_minutes), language),
        percent="" if percent is None else text("gap.headline_percent", language, percent=percent),
        missed=minutes_text(rounded(report.missed_minutes), language),
    )


def flag_description(flag: Flag, language: str) -> str:
    """What was wrong, in plain words: "given in a group; the IEP says individual"."""
    key = f"gap.flag_{flag.kind}" + (f"_{flag.detail.replace('-', '_')}" if flag.detail else "")
    return text(key, language)


def shortfall_text(shortfall: Shortfall, language: str, *, with_year: bool = False) -> str:
    """week of September 8: 1 of 2 sessions (30 of 60 minutes)."""
    if shortfall.kind == "month":
        when = text("gap.month_of", language, month=month_and_year(shortfall.start, language))
    else:
        first = shortfall.start - dt.timedelta(days=shortfall.start.weekday())
        when = text(
            "gap.week_of_date",
            language,
            date=short_date(first, language, with_year=with_year),
        )
    expected = rounded(shortfall.expected_minutes)
    minutes = text(
        "gap.shortfall_minutes",
        language,
        delivered=number(shortfall.delivered_minutes, language),
        expected=plural("unit.minute", expected, language),
    )
    if shortfall.expected_sessions is None:
        return text("gap.shortfall", language, when=when, what=minutes)
    sessions = text(
        "gap.shortfall_sessions",
        language,
        delivered=number(shortfall.delivered_sessions, language),
        expected=plural("unit.session", shortfall.expected_sessions, language),
    )
    if shortfall.delivered_sessions < shortfall.expected_sessions:
        return text("gap.shortfall", language, when=when, what=sessions)
    # As many sessions as called for, but some short: the minutes say what is missing.
    return text("gap.shortfall_both", language, when=when, sessions=sessions, minutes=minutes)


def shortfalls_text(gap: ServiceGap, language: str) -> str:
    """The weeks (or months) that fell short, runs of the same shortfall together:
    weeks of September 8 to October 26: 1 of 2 sessions each; week of November 9: 0 of 2."""
    if not gap.shortfalls:
        return ""
    with_year = years_needed(gap.shortfalls[0].start, gap.shortfalls[-1].end)
    parts = []
    for run in _runs(gap.shortfalls):
        if len(run) == 1:
            parts.append(shortfall_text(run[0], language, with_year=with_year))
            continue
        first, last = run[0], run[-1]
        monthly = first.kind == "month"
        parts.append(
            text(
                "gap.months_run" if monthly else "gap.weeks_run",
                language,
                start=month_and_year(first.start, language)
                if monthly
                else short_date(first.start, language, with_year=with_year),
                end=month_and_year(last.end, language)
                if monthly
                else short_date(last.end, language, with_year=with_year),
                count=number(len(run), language),
                what=shortfall_text(first, language).partition(": ")[2],
            )
        )
    return "; ".join(parts)


def _runs(shortfalls: Iterable[Shortfall]) -> list[list[Shortfall]]:
    """Consecutive weeks (or months) with the same numbers, grouped."""
    runs: list[list[Shortfall]] = []
    for item in shortfalls:
        last = runs[-1][-1] if runs else None
        if last is not None and _same_numbers(last, item) and _next_unit(last) == _unit_start(item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _same_numbers(a: Shortfall, b: Shortfall) -> bool:
    return (a.expected_sessions, a.delivered_sessions, a.expected_minutes, a.delivered_minutes) == (
        b.expected_sessions,
        b.delivered_sessions,
        b.expected_minutes,
        b.delivered_minutes,
    )


def _unit_start(item: Shortfall) -> dt.date:
    if item.kind == "month":
        return item.start.replace(day=1)
    return item.start - dt.timedelta(days=item.start.weekday())


def _next_unit(item: Shortfall) -> dt.date:
    start = _unit_start(item)
    if item.kind == "month":
        return (start + dt.timedelta(days=32)).replace(day=1)
    return start + dt.timedelta(weeks=1)


def alert_lines(report: GapReport) -> tuple[str, ...]:
    """What to act on or check, one line each, named by service."""
    names = labels(report)
    return tuple(alert_text(alert, report, names) for alert in report.alerts)


def alert_text(alert: Alert, report: GapReport, names: tuple[str, ...] | None = None) -> str:
    """One alert in words; `names` are the services' labels (worked out when not given)."""
    language = report.language
    values = dict(alert.values)
    if alert.service is not None:
        values["service"] = (names or labels(report))[alert.service]
    for key in ("start", "end"):
        if isinstance(values.get(key), dt.date):
            values[key] = long_date(values[key], language)
    if alert.kind == "stretch":
        values["days"] = plural("unit.school_day", values["days"], language)
    for key in ("count", "logged", "due"):
        if isinstance(values.get(key), int):
            values[key] = number(values[key], language)
    return text(f"gap.alert_{alert.kind}", language, **values)


def field_alerts(report: GapReport) -> dict[str, str]:
    """The alerts about one field of a service, by the field's path in the case file
    (services.0.received.sessions), for a page to show beside the field."""
    found: dict[str, str] = {}
    for alert in report.alerts:
        if not alert.field or alert.service is None:
            continue
        path = report.services[alert.service].service.path
        if path:
            found.setdefault(f"{path}.{alert.field}", _field_text(alert, report))
    return found


def _field_text(alert: Alert, report: GapReport) -> str:
    language = report.language
    values = {
        key: number(value, language)
        for key, value in alert.values.items()
        if isinstance(value, int)
    }
    return text(f"gap.field_{alert.kind}", language, **values)


def assumption_lines(report: GapReport) -> tuple[str, ...]:
    """Every rule that shaped the numbers, in words."""
    return tuple(assumption_text(item, report.language) for item in report.assumptions)


def assumption_text(assumption: Assumption, language: str) -> str:
    values = dict(assumption.values)
    kind = assumption.kind
    if kind == "school_days":
        values = {
            "start": long_date(values["start"], language),
            "end": long_date(values["end"], language),
            "days": plural("unit.school_day", values["days"], language),
        }
    elif kind == "closed":
        values = {
            "closed": plural("gap.unit_weekday", values["weekdays"], language),
            "which": "; ".join(_closing(days_off, language) for days_off in values["closing"]),
        }
    elif kind == "nothing_entered":
        values = {"services": and_list(values["services"], language)}
    elif kind == "per_year":
        values = {"year_days": number(values["year_days"], language)}
    elif kind in ("weeks_pattern", "per_cycle"):
        values = {
            key: number(value, language) if isinstance(value, int) else mid_sentence(str(value))
            for key, value in values.items()
        }
    return text(f"gap.assume_{kind}", language, **values)


def _closing(days_off: DateRange, language: str) -> str:
    when = long_date_range(days_off.start, days_off.end, language)
    if not days_off.label:
        return when
    return text("gap.labelled_dates", language, label=days_off.label, dates=when)


def service_title(gap: ServiceGap, label: str, language: str) -> str:
    """Speech-language therapy: 30 minutes, 2 times per week, individual, pull-out."""
    return text("gap.detail_title", language, service=label, line=how_much(gap.service, language))
