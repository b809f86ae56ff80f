"""The gap report laid out: as JSON-ready data, as a plain-text table (the CLI), as labelled lines
(what a letter carries), and as the whole text `python -m builder gap` prints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from builder.case import DateRange, LogEntry
from builder.gap_facts import GapReport, IncidentGroup, ServiceGap, Week, rounded
from builder.gap_words import (
    alert_lines,
    assumption_lines,
    flag_description,
    labels,
    sentences,
    service_title,
    shortfalls_text,
    summary,
)
from builder.i18n import long_date, number, plural, short_date, text, years_needed


@dataclass(frozen=True)
class Row:
    """One service (or the total) with its label: a row of the table, the page's results and
    the letters' lines."""

    label: str
    result: ServiceGap | GapReport
    total: bool = False


def rows(report: GapReport) -> tuple[Row, ...]:
    """Each counted service with its label, then the total when there are several."""
    names = labels(report)
    found = [Row(names[index], gap) for index, gap in enumerate(report.services) if gap.window]
    if len(found) > 1:
        found.append(Row(text("gap.total_row", report.language), report, total=True))
    return tuple(found)


def report_to_dict(report: GapReport) -> dict[str, Any]:
    """The report as JSON-ready data (minutes rounded half up to whole minutes).

    `owed_minutes` keeps its name for compatibility: it is the minutes not provided for reasons
    on the school's side (missed, less the student's absences and make-up already given)."""
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
        "assumptions": list(assumption_lines(report)),
        "warnings": list(alert_lines(report)),
        "sentences": list(sentences(report)),
        "sentence": summary(report),
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
        "expected_sessions": gap.expected_sessions,
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
        "shortfalls": [
            {
                "kind": item.kind,
                "start": item.start.isoformat(),
                "end": item.end.isoformat(),
                "expected_sessions": item.expected_sessions,
                "delivered_sessions": item.delivered_sessions,
                "expected_minutes": rounded(item.expected_minutes),
                "delivered_minutes": item.delivered_minutes,
            }
            for item in gap.shortfalls
        ],
        "weeks": [_week_dict(week) for week in gap.weeks],
        "partial_sessions": [_entry_dict(entry) for entry in gap.partial_sessions],
        "student_absences": [_entry_dict(entry) for entry in gap.student_absences],
        "flags": [
            {
                "date": flag.date.isoformat(),
                "kind": flag.kind,
                "detail": flag.detail,
                "minutes": flag.minutes,
                "description": flag_description(flag, language),
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
        "expected_minutes": rounded(result.expected_minutes),
        "delivered_minutes": result.delivered_minutes,
        "missed_minutes": rounded(result.missed_minutes),
        "student_absent_minutes": result.student_absent_minutes,
        "made_up_minutes": result.made_up_minutes,
        "owed_minutes": rounded(result.owed_minutes),
    }


def _week_dict(week: Week) -> dict[str, Any]:
    return {
        "week_of": week.monday.isoformat(),
        "school_days": week.school_days,
        "expected_minutes": rounded(week.expected_minutes),
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
    columns = _columns(report)
    header = [text(f"gap.col_{column}", language) for column in columns]
    lines = [_table_row(row, columns, language) for row in rows(report)]
    if not lines:
        return ""
    widths = [max(len(line[column]) for line in [header, *lines]) for column in range(len(header))]

    def line(cells: list[str]) -> str:
        first, *numbers = cells
        padded = [first.ljust(widths[0])]
        padded += [cell.rjust(widths[index + 1]) for index, cell in enumerate(numbers)]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(cells) for cells in lines)])


def _columns(report: GapReport) -> tuple[str, ...]:
    made_up = ("made_up",) if report.made_up_minutes else ()
    return ("service", "expected", "delivered", "missed", "absent", *made_up, "owed", "percent")


def _table_row(row: Row, columns: tuple[str, ...], language: str) -> list[str]:
    result = row.result
    percent = result.percent_delivered
    cells = {
        "service": row.label,
        "expected": number(rounded(result.expected_minutes), language),
        "delivered": number(result.delivered_minutes, language),
        "missed": number(rounded(result.missed_minutes), language),
        "absent": number(result.student_absent_minutes, language),
        "made_up": number(result.made_up_minutes, language),
        "owed": number(rounded(result.owed_minutes), language),
        "percent": "" if percent is None else text("gap.percent_value", language, percent=percent),
    }
    return [cells[column] for column in columns]


def report_lines(report: GapReport) -> str:
    """The minutes per service and in total, one labelled line each: the table a letter carries.
    Columns lined up by spaces fall out of line in the proportional type most email programs
    and phones show plain text in; labelled lines read the same in any."""
    language = report.language
    lines = [_report_line(row, language) for row in rows(report)]
    return "\n".join([text("gap.lines_title", language), *lines]) if lines else ""


def _report_line(row: Row, language: str) -> str:
    result = row.result
    absent = result.student_absent_minutes
    made_up = result.made_up_minutes
    percent = result.percent_delivered
    return text(
        "gap.line",
        language,
        service=row.label,
        expected=number(rounded(result.expected_minutes), language),
        delivered=number(result.delivered_minutes, language),
        missed=number(rounded(result.missed_minutes), language),
        absent=text("gap.line_absent", language, absent=number(absent, language)) if absent else "",
        made_up=text("gap.line_made_up", language, made_up=number(made_up, language))
        if made_up
        else "",
        percent="" if percent is None else text("gap.line_percent", language, percent=percent),
    )


def report_text(report: GapReport) -> str:
    """The whole report in words and a table: what `python -m builder gap CASE` prints."""
    language = report.language
    parts = ["\n".join(sentences(report)) or text("gap.text_empty", language)]
    table = report_table(report)
    if table:
        parts.append(table)
    names = labels(report)
    parts += [
        _service_details(gap, names[index], language)
        for index, gap in enumerate(report.services)
        if gap.window
    ]
    warnings = alert_lines(report)
    if warnings:
        parts.append(_bullets(text("gap.heading_warnings", language), warnings))
    if report.incidents:
        parts.append(
            _bullets(
                text("gap.heading_incidents", language),
                [incident_line(group, language) for group in report.incidents],
            )
        )
    parts.append(_bullets(text("gap.heading_assumptions", language), assumption_lines(report)))
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
                expected=number(gap.expected_sessions, language),
                delivered=number(gap.delivered_sessions, language),
            )
        )
    if not gap.from_log and service.received is not None and gap.counted_by:
        lines.append(text(f"gap.detail_count_{gap.counted_by}", language))
    if gap.shortfalls:
        lines.append(
            text("gap.detail_shortfalls", language, shortfalls=shortfalls_text(gap, language))
        )
    longest = gap.longest_stretch_range
    if gap.from_log and longest is not None and gap.longest_stretch:
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
                        minutes=number(entry.minutes, language),
                        length=number(service.minutes, language),
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
    if gap.made_up_minutes:
        lines.append(
            text(
                "gap.detail_made_up",
                language,
                minutes=plural("unit.minute", gap.made_up_minutes, language),
            )
        )
    lines += [
        text(
            "gap.detail_flag",
            language,
            date=day(flag.date),
            minutes=plural("unit.minute", flag.minutes, language),
            what=flag_description(flag, language),
        )
        for flag in gap.flags
    ]
    return _bullets(service_title(gap, label, language), lines)


def incident_line(group: IncidentGroup, language: str) -> str:
    """Extended time on tests: 2 times (October 3, 2026; October 17, 2026)."""
    return text(
        "gap.incident_line",
        language,
        support=group.support,
        times=plural("gap.unit_time", group.count, language),
        dates="; ".join(long_date(day, language) for day in group.dates),
    )


def _bullets(title: str, lines: Iterable[str]) -> str:
    return "\n".join([title, *(f"- {line}" for line in lines)])
