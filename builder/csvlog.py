"""The service log as CSV: export it for a spreadsheet, import a parent's or a provider's log.

`log_to_csv` writes one row per log entry of every service, with the columns of COLUMNS, in the
reader's language. `log_from_csv` reads what people actually have, in any of the site's
languages: the columns in any order, named in any case and with common variants ("Date of
service", "Duration", "Provider notes", "Fecha del servicio", "Duración"), dates as 2026-09-14
or 9/14/2026, reasons in plain words ("student absent", "ausente"), a byte-order mark, and `;`
or tab instead of `,`. Every bad row is reported as a `Problem` naming its row (as a
spreadsheet numbers it, the header being row 1) and column, in the reader's language; the good
rows are kept.
Importing replaces the log of each service the file has rows for, so importing the same file
twice never counts a session twice, and export then import gives back the same case.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache

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
from builder.i18n import DEFAULT_LANGUAGE, languages, messages, number, text

COLUMNS = ("service", "date", "minutes", "reason", "setting", "delivery", "note")

# The words a file may use, by language, are messages (builder/data/i18n/<language>/csv.json),
# each a list split by "|": the names of each column ("csv.column.date"), the words for each
# reason, setting and delivery ("csv.reason.student_absent"; "csv.reason.given" for a session
# given) and for minutes ("30 min"). A file is read in any language; the export writes the first
# of each list in the reader's language.
CHOICES: Mapping[str, tuple[str, ...]] = {
    "reason": REASONS,
    "setting": SETTINGS,
    "delivery": DELIVERIES,
}

HEADER_SEARCH_ROWS = 10
_WORDS = re.compile(r"[^0-9a-z]+")
_US_DATE = re.compile(r"([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{2}|[0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")
# A spreadsheet runs a cell that starts with one of these as a formula; the export puts an
# apostrophe in front, which spreadsheets hide, and the import takes it away again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def log_to_csv(case: Case, language: str = DEFAULT_LANGUAGE) -> str:
    """Every log entry of every service, one row each, under the header COLUMNS, in the words
    of `language` (the first of each list: the import reads them back)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_listed(f"csv.column.{column}", language)[0] for column in COLUMNS)
    for service in case.services:
        for entry in service.log or ():
            writer.writerow(
                [
                    _safe_cell(service.name),
                    entry.date.isoformat(),
                    entry.minutes,
                    _choice_word("reason", entry.reason, language),
                    _choice_word("setting", entry.setting, language),
                    _choice_word("delivery", entry.delivery, language),
                    _safe_cell(entry.note),
                ]
            )
    return out.getvalue()


def _choice_word(column: str, code: str | None, language: str) -> str:
    return _listed(f"csv.{column}.{code}", language)[0] if code else ""


def log_from_csv(
    source: str, case: Case, *, service: str | None = None, language: str = DEFAULT_LANGUAGE
) -> tuple[Case, tuple[Problem, ...]]:
    """The case with the logs in the CSV text `source`, and the problems found in it.

    Rows go to the service named in their service column; without that column, to the
    service named `service` (or to the case's only service). When two services share a name
    (the IEP changed during the period), a row goes to the one whose dates hold its date.
    Where a problem is ("row 4, Minutes") is said in the reader's `language`.
    """
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
        fallback = _default_service(case, service, problems)
        if fallback is None:
            return case, tuple(problems)
    logs: dict[int, list[LogEntry]] = {}
    for row_number, cells in enumerate(rows[at + 1 :], start=at + 2):
        if not any(cell.strip() for cell in cells):
            continue
        read = _Row(row_number, cells, header, columns, language)
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
        """A problem in the cell of column `name`, named as the file names it (or, when the
        file has no such column, as the reader's language does)."""
        index = self.columns.get(name, len(self.header))
        if index < len(self.header):
            column = self.header[index].strip()
        else:
            column = _listed(f"csv.column.{name}", self.language)[0]
        where = text("csv.where", self.language, row=self.number, column=column)
        self.problems.append(Problem.of(where, key, **values))

    def entry(self) -> LogEntry | None:
        day = self.date()
        reason = self.choice("reason", "csv.unknown_reason")
        minutes = self.minutes(reason)
        setting = self.choice("setting", "csv.unknown_setting")
        delivery = self.choice("delivery", "csv.unknown_delivery")
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
        match = _minutes_pattern().fullmatch(value)
        if match is None:
            self.fail("minutes", "csv.not_minutes", value=value)
            return None
        digits = match[1].lstrip("0") or "0"
        # The length first: Python refuses to convert thousands of digits.
        if len(digits) > len(str(MAX_MINUTES)) or int(digits) > MAX_MINUTES:
            high = number(MAX_MINUTES, self.language)
            self.fail("minutes", "case.out_of_range", low=0, high=high)
            return None
        return int(digits)

    def choice(self, name: str, key: str) -> str | None:
        """The code of the reason, setting or delivery cell `name` ("" when empty), or None
        with a problem."""
        if name not in self.columns:
            return ""
        value = self.cell(name)
        if not value:
            return ""
        code = _codes(name).get(_words(value))
        if code is None:
            # English's words are the case file's codes (provider_absent): said with spaces.
            words = (_choice_word(name, each, self.language) for each in CHOICES[name])
            choices = ", ".join(word.replace("_", " ") for word in words)
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
        for column, known in _header_ranks().items():
            rank = known.get(name)
            if rank is not None and rank < ranks.get(column, len(known)):
                columns[column], ranks[column] = index, rank
    return columns


def _listed(key: str, language: str) -> list[str]:
    """A message that is a list of words, split at "|"."""
    return messages(language)[key].split("|")


@cache
def _header_ranks() -> dict[str, dict[str, int]]:
    """For each of COLUMNS, the names that mean it in any language, with how well known each
    is: its place in its language's list (the first is the best known)."""
    ranks: dict[str, dict[str, int]] = {column: {} for column in COLUMNS}
    for language in languages():
        for column in COLUMNS:
            for rank, name in enumerate(_listed(f"csv.column.{column}", language)):
                known = ranks[column]
                known[_words(name)] = min(rank, known.get(_words(name), rank))
    return ranks


@cache
def _codes(column: str) -> dict[str, str]:
    """The words for each code of a reason, setting or delivery cell, in any language; a
    session given has the reason "" (no reason)."""
    codes: dict[str, str] = {}
    for language in languages():
        if column == "reason":
            codes.update((_words(word), "") for word in _listed("csv.reason.given", language))
        for code in CHOICES[column]:
            codes.update((_words(word), code) for word in _listed(f"csv.{column}.{code}", language))
    return codes


@cache
def _minutes_pattern() -> re.Pattern[str]:
    """A number of minutes, with or without a word for minutes after it: "30", "30 min"."""
    units = {word for language in languages() for word in _listed("csv.minute_words", language)}
    alternatives = "|".join(re.escape(word) for word in sorted(units, key=len, reverse=True))
    return re.compile(rf"([0-9]+)(?:\.0+)?(?:\s*(?:{alternatives})\.?)?")


def _default_service(case: Case, name: str | None, problems: list[Problem]) -> str | None:
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
    """How a name or a word is compared: lower case, without accents, punctuation as spaces
    ("Razón", "razon" and "RAZON" are one word; so are "pull-out" and "pull out")."""
    letters = unicodedata.normalize("NFKD", value.lower())
    plain = "".join(char for char in letters if not unicodedata.combining(char))
    return _WORDS.sub(" ", plain).strip()


def _guarded(value: str) -> bool:
    """Whether a spreadsheet would take the cell for a formula, or it looks guarded already."""
    return value.startswith(_FORMULA_START) or (value.startswith("'") and _guarded(value[1:]))


def _safe_cell(value: str) -> str:
    return "'" + value if _guarded(value) else value


def _unsafe_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and _guarded(value[1:]) else value
