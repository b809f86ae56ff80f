"""The service log as CSV: export it for a spreadsheet, import a parent's or a provider's log.

`log_to_csv` writes one row per log entry of every service, with the columns of COLUMNS.
`log_from_csv` reads what people actually have: the columns in any order, named in any case
and with common variants ("Date of service", "Duration", "Provider notes"), dates as
2026-09-14 or 9/14/2026, reasons in plain words ("student absent"), a byte-order mark, and
`;` or tab instead of `,`. Every bad row is reported as a `Problem` naming its row (as a
spreadsheet numbers it, the header being row 1) and column; the good rows are kept.
Importing replaces the log of each service the file has rows for, so importing the same file
twice never counts a session twice, and export then import gives back the same case.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace

from builder.case import (
    DELIVERIES,
    MAX_MINUTES,
    MAX_TEXT,
    REASONS,
    SETTINGS,
    YEARS,
    Case,
    LogEntry,
    Problem,
    Service,
)
from builder.case_values import clean_text
from builder.i18n import text

COLUMNS = ("service", "date", "minutes", "reason", "setting", "delivery", "note")

# Header names people use, after lower-casing and turning punctuation into spaces.
HEADER_NAMES: Mapping[str, tuple[str, ...]] = {
    "service": (
        "service",
        "services",
        "service name",
        "service type",
        "service area",
        "iep service",
        "discipline",
    ),
    "date": (
        "date",
        "date of service",
        "service date",
        "session date",
        "date of session",
        "day",
        "dos",
    ),
    "minutes": (
        "minutes",
        "mins",
        "min",
        "duration",
        "duration minutes",
        "duration mins",
        "minutes delivered",
        "minutes provided",
        "minutes received",
        "minutes of service",
        "service minutes",
        "actual minutes",
        "session minutes",
        "session length",
        "length",
        "time minutes",
    ),
    "reason": (
        "reason",
        "reason missed",
        "missed reason",
        "reason for missed session",
        "reason if missed",
        "absence reason",
        "status",
        "attendance",
        "session status",
    ),
    "setting": ("setting", "group or individual", "group individual", "individual group"),
    "delivery": (
        "delivery",
        "service delivery",
        "delivery model",
        "pull out or push in",
        "pull out push in",
        "push in pull out",
        "push in or pull out",
    ),
    "note": (
        "note",
        "notes",
        "provider note",
        "provider notes",
        "session note",
        "session notes",
        "comment",
        "comments",
        "description",
        "progress note",
        "progress notes",
    ),
}

# Plain words for each reason; "" means the session was given (no reason needed).
REASON_WORDS: Mapping[str, str] = {
    **{code.replace("_", " "): code for code in REASONS},
    "provider absence": "provider_absent",
    "provider unavailable": "provider_absent",
    "provider out": "provider_absent",
    "provider sick": "provider_absent",
    "therapist absent": "provider_absent",
    "therapist out": "provider_absent",
    "teacher absent": "provider_absent",
    "staff absent": "provider_absent",
    "no provider": "provider_absent",
    "no substitute": "provider_absent",
    "student absence": "student_absent",
    "student sick": "student_absent",
    "student unavailable": "student_absent",
    "child absent": "student_absent",
    "child sick": "student_absent",
    "absent": "student_absent",
    "school closure": "school_event",
    "school closed": "school_event",
    "assembly": "school_event",
    "field trip": "school_event",
    "early dismissal": "school_event",
    "fire drill": "school_event",
    "minimum day": "school_event",
    "event": "school_event",
    "push in": "wrong_setting",
    "in class": "wrong_setting",
    "wrong place": "wrong_setting",
    "test": "testing",
    "state testing": "testing",
    "assessment": "testing",
    "evaluation": "testing",
    "other": "unknown",
    "no reason": "unknown",
    "missed": "unknown",
    "not given": "unknown",
    "cancelled": "unknown",
    "canceled": "unknown",
    "": "",
    "delivered": "",
    "given": "",
    "provided": "",
    "present": "",
    "attended": "",
    "held": "",
    "complete": "",
    "completed": "",
    "done": "",
    "yes": "",
    "ok": "",
}
SETTING_WORDS: Mapping[str, str] = {
    "individual": "individual",
    "ind": "individual",
    "indiv": "individual",
    "one on one": "individual",
    "1 1": "individual",
    "1 on 1": "individual",
    "group": "group",
    "grp": "group",
    "small group": "group",
}
DELIVERY_WORDS: Mapping[str, str] = {
    "pull out": "pull-out",
    "pullout": "pull-out",
    "push in": "push-in",
    "pushin": "push-in",
    "in class": "push-in",
    "in classroom": "push-in",
}

HEADER_SEARCH_ROWS = 10
_WORDS = re.compile(r"[^0-9a-z]+")
_US_DATE = re.compile(r"([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{2}|[0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")
_MINUTES = re.compile(r"([0-9]+)(?:\.0+)?(?:\s*(?:m|min|mins|minute|minutes)\.?)?")
# A spreadsheet runs a cell that starts with one of these as a formula; the export puts an
# apostrophe in front, which spreadsheets hide, and the import takes it away again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def log_to_csv(case: Case) -> str:
    """Every log entry of every service, one row each, under the header COLUMNS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for service in case.services:
        for entry in service.log or ():
            writer.writerow(
                [
                    _safe_cell(service.name),
                    entry.date.isoformat(),
                    entry.minutes,
                    entry.reason or "",
                    entry.setting or "",
                    entry.delivery or "",
                    _safe_cell(entry.note),
                ]
            )
    return out.getvalue()


def log_from_csv(
    source: str, case: Case, *, service: str | None = None, language: str | None = None
) -> tuple[Case, tuple[Problem, ...]]:
    """The case with the logs in the CSV text `source`, and the problems found in it.

    Rows go to the service named in their service column; without that column, to the
    service named `service` (or to the case's only service). When two services share a name
    (the IEP changed during the period), a row goes to the one whose dates hold its date.
    """
    language = language or case.language
    problems: list[Problem] = []
    try:
        rows = list(_rows(source))
    except csv.Error:  # a cell longer than any log's (the csv module's limit), say
        return case, (Problem.of("", "csv.unreadable"),)
    found = _header(rows)
    if found is None:
        first = next((row for row in rows if any(cell.strip() for cell in row)), None)
        if first is None:
            return case, (Problem.of("", "csv.empty"),)
        names = ", ".join(cell.strip() for cell in first if cell.strip()) or "-"
        return case, (Problem.of("", "csv.no_header", found=names),)
    at, columns = found
    header = rows[at]
    fallback = service
    if "service" not in columns:
        fallback = _default_service(case, service, language, problems)
        if fallback is None:
            return case, tuple(problems)
    logs: dict[int, list[LogEntry]] = {}
    for number, cells in enumerate(rows[at + 1 :], start=at + 2):
        if not any(cell.strip() for cell in cells):
            continue
        read = _Row(number, cells, header, columns, language)
        entry = read.entry()
        target = read.service(case, entry, fallback)
        problems += read.problems
        if entry is not None and target is not None and not read.problems:
            logs.setdefault(target, []).append(entry)
    services = tuple(
        replace(item, log=tuple(logs[index]), received=None) if index in logs else item
        for index, item in enumerate(case.services)
    )
    return replace(case, services=services), tuple(problems)


class _Row:
    """One data row: its cells read into a LogEntry, or problems naming row and column."""

    def __init__(
        self,
        number: int,
        cells: list[str],
        header: list[str],
        columns: dict[str, int],
        language: str,
    ) -> None:
        self.number = number
        self.cells = cells
        self.header = header
        self.columns = columns
        self.language = language
        self.problems: list[Problem] = []

    def cell(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.cells):
            return ""
        return _unsafe_cell(self.cells[index].strip())

    def fail(self, name: str, key: str, **values: object) -> None:
        index = self.columns.get(name, len(self.header))
        column = self.header[index].strip() if index < len(self.header) else name
        where = text("csv.where", self.language, row=self.number, column=column)
        self.problems.append(Problem.of(where, key, **values))

    def entry(self) -> LogEntry | None:
        day = self.date()
        reason = self.choice("reason", REASON_WORDS, "csv.unknown_reason", REASONS)
        minutes = self.minutes(reason)
        setting = self.choice("setting", SETTING_WORDS, "csv.unknown_setting", SETTINGS)
        delivery = self.choice("delivery", DELIVERY_WORDS, "csv.unknown_delivery", DELIVERIES)
        note = clean_text(self.cell("note"))
        if len(note) > MAX_TEXT:
            self.fail("note", "case.text_too_long", limit=MAX_TEXT)
        if day is None or minutes is None or self.problems:
            return None
        return LogEntry(
            date=day,
            minutes=minutes,
            reason=reason or None,
            setting=setting or None,
            delivery=delivery or None,
            note=note,
        )

    def date(self) -> dt.date | None:
        value = self.cell("date")
        if not value:
            self.fail("date", "case.required")
            return None
        value = value.split("T")[0].split(" ")[0]
        iso = _ISO_DATE.fullmatch(value)
        us = _US_DATE.fullmatch(value)
        try:
            if iso:
                day = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif us:
                year = int(us[3]) + (2000 if len(us[3]) == 2 else 0)
                day = dt.date(year, int(us[1]), int(us[2]))
            else:
                self.fail("date", "csv.not_date", value=value)
                return None
        except ValueError:
            self.fail("date", "case.no_such_date", value=value)
            return None
        if day.year not in YEARS:
            self.fail("date", "case.year_out_of_range", first=YEARS[0], last=YEARS[-1])
            return None
        return day

    def minutes(self, reason: str | None) -> int | None:
        value = self.cell("minutes").lower()
        if not value:
            if reason:  # "student absent" with the minutes left empty: nothing was given
                return 0
            self.fail("minutes", "case.required")
            return None
        match = _MINUTES.fullmatch(value)
        if match is None:
            self.fail("minutes", "csv.not_minutes", value=value)
            return None
        digits = match[1].lstrip("0") or "0"
        # The length first: Python refuses to convert thousands of digits.
        if len(digits) > len(str(MAX_MINUTES)) or int(digits) > MAX_MINUTES:
            self.fail("minutes", "case.out_of_range", low=0, high=f"{MAX_MINUTES:,}")
            return None
        return int(digits)

    def choice(
        self, name: str, words: Mapping[str, str], key: str, codes: tuple[str, ...]
    ) -> str | None:
        if name not in self.columns:
            return ""
        value = self.cell(name)
        if not value:
            return ""
        code = words.get(_words(value))
        if code is None and value in codes:
            code = value
        if code is None:
            choices = ", ".join(each.replace("_", " ") for each in codes)
            self.fail(name, key, value=value, choices=choices)
            return None
        return code

    def service(self, case: Case, entry: LogEntry | None, fallback: str | None) -> int | None:
        name = _words(self.cell("service") or fallback or "")
        if not name:
            self.fail("service", "case.required")
            return None
        matches = [
            index for index, service in enumerate(case.services) if _words(service.name) == name
        ]
        if not matches:
            known = ", ".join(service.name for service in case.services) or "-"
            self.fail("service", "csv.unknown_service", value=self.cell("service"), known=known)
            return None
        if entry is None or len(matches) == 1:
            return matches[0]
        return min(matches, key=lambda index: _distance(case.services[index], entry.date))


def _rows(source: str) -> Iterator[list[str]]:
    source = source.lstrip("\ufeff")
    start = "\n".join(source.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = max((",", ";", "\t"), key=start.count)
    return csv.reader(io.StringIO(source, newline=""), delimiter=delimiter)


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """The header row (a title line or two above it is skipped) and its columns."""
    for at, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _columns(row)
        if "date" in columns and "minutes" in columns:
            return at, columns
    return None


def _columns(header: list[str]) -> dict[str, int]:
    """Which cell of a row holds each of COLUMNS: the best-known name wins, then the first."""
    columns: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _words(cell)
        for column, names in HEADER_NAMES.items():
            if name in names and names.index(name) < ranks.get(column, len(names)):
                columns[column], ranks[column] = index, names.index(name)
    return columns


def _default_service(
    case: Case, name: str | None, language: str, problems: list[Problem]
) -> str | None:
    """The service name rows without a service column go to, or None with a problem."""
    names = {_words(service.name) for service in case.services}
    if name is None:
        if len(names) == 1:
            return case.services[0].name
        problems.append(Problem.of("", "csv.which_service"))
        return None
    if _words(name) in names:
        return name
    known = ", ".join(service.name for service in case.services) or "-"
    problems.append(Problem.of("", "csv.unknown_service_named", value=name, known=known))
    return None


def _distance(service: Service, day: dt.date) -> int:
    """0 when the service's dates hold `day`, else how many days away they are."""
    if service.start and day < service.start:
        return (service.start - day).days
    if service.end and day > service.end:
        return (day - service.end).days
    return 0


def _words(value: str) -> str:
    return _WORDS.sub(" ", value.lower()).strip()


def _guarded(value: str) -> bool:
    """Whether a spreadsheet would take the cell for a formula, or it looks guarded already."""
    return value.startswith(_FORMULA_START) or (value.startswith("'") and _guarded(value[1:]))


def _safe_cell(value: str) -> str:
    return "'" + value if _guarded(value) else value


def _unsafe_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and _guarded(value[1:]) else value
