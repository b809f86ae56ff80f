"""Letters: the catalogue in letters/catalogue.json and the Jinja2 templates in letters/<language>/.

A template is plain text. Its first line is `Subject: ...`, then a blank line, then the body.
Every fact comes from the case and its gap report; a missing fact shows as [a bracketed blank]
so a half-filled case still gives a readable draft.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from builder.case import Case, Person, Service
from builder.gap import GapReport, compute_gap, rounded
from builder.i18n import long_date, number, plural, text

LETTERS_DIR = Path(__file__).resolve().parent.parent / "letters"
REPLY_DAYS = 10
# Mail apps and browsers cut long mailto: links; past this the page offers Copy instead.
MAILTO_LIMIT = 1800


@dataclass(frozen=True)
class LetterInfo:
    name: str
    title: str
    description: str
    step: int
    page: str
    template: str
    to: str
    cc: tuple[str, ...]
    needs: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    name: str
    subject: str
    body: str
    to: Person
    cc: tuple[Person, ...]

    @property
    def text(self) -> str:
        """Subject and body as one plain-text document (for Copy, Download and print)."""
        return f"{self.subject}\n\n{self.body}"


@cache
def catalogue() -> tuple[LetterInfo, ...]:
    """Every letter, in the order of the guide's steps."""
    data = json.loads((LETTERS_DIR / "catalogue.json").read_text(encoding="utf-8"))
    letters = (
        LetterInfo(
            **{**entry, "cc": tuple(entry["cc"]), "needs": tuple(entry["needs"])}
        )
        for entry in data["letters"]
    )
    return tuple(sorted(letters, key=lambda info: info.step))


def letter_info(name: str) -> LetterInfo:
    for info in catalogue():
        if info.name == name:
            return info
    known = ", ".join(info.name for info in catalogue())
    raise KeyError(f"no letter named {name!r}; the letters are: {known}")


def render_letter(
    name: str, case: Case, *, today: dt.date, report: GapReport | None = None
) -> Letter:
    """The letter `name` filled from `case`, dated `today`."""
    info = letter_info(name)
    report = report if report is not None else compute_gap(case)
    template = _environment(case.language).get_template(info.template)
    rendered = template.render(_context(case, report, today))
    subject_line, _, body = rendered.partition("\n")
    return Letter(
        name=name,
        subject=subject_line.removeprefix("Subject:").strip(),
        body=_tidy(body),
        to=_contact(case, info.to),
        cc=tuple(_contact(case, role) for role in info.cc),
    )


def missing_facts(name: str, case: Case) -> tuple[str, ...]:
    """The paths of the facts `name` needs that the case does not have yet."""
    return tuple(path for path in letter_info(name).needs if not _has(case, path))


def mailto_url(letter: Letter) -> str | None:
    """A mailto: link with recipient, cc, subject and body, or None when too long for one."""
    fields = [f"subject={quote(letter.subject)}", f"body={quote(letter.body)}"]
    cc = ",".join(person.email for person in letter.cc if person.email)
    if cc:
        fields.insert(0, f"cc={quote(cc, safe='@,')}")
    url = f"mailto:{quote(letter.to.email, safe='@')}?{'&'.join(fields)}"
    return url if len(url) <= MAILTO_LIMIT else None


def describe_service(service: Service, language: str) -> str:
    """The service line as the IEP writes it: Speech-language therapy, 30 minutes, 2 times per week."""
    how_often = (
        text(f"service.times_per_{service.per}", language, times=number(service.times))
        if service.times
        else text(f"service.total_per_{service.per}", language)
    )
    parts = [service.name, plural("unit.minute", service.minutes, language), how_often]
    where = [text(f"service.{value}", language) for value in (service.setting, service.delivery)
             if value]
    line = ", ".join(part for part in parts if part)
    return f"{line} ({', '.join(where)})" if where else line


def gap_table(report: GapReport, language: str) -> str:
    """The missed-services table, in plain text that survives email."""
    header = [text(f"table.{column}", language) for column in _TABLE_COLUMNS]
    rows = [
        [
            gap.service.name,
            number(rounded(gap.expected_minutes)),
            number(gap.delivered_minutes),
            number(rounded(gap.missed_minutes)),
            number(rounded(gap.owed_minutes)),
        ]
        for gap in report.services
        if gap.window
    ]
    if not rows:
        return ""
    if len(rows) > 1:
        rows.append(
            [
                text("table.total", language),
                number(rounded(report.expected_minutes)),
                number(report.delivered_minutes),
                number(rounded(report.missed_minutes)),
                number(rounded(report.owed_minutes)),
            ]
        )
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]

    def line(cells: list[str]) -> str:
        first, *numbers = cells
        padded = [first.ljust(widths[0])]
        padded += [cell.rjust(widths[index + 1]) for index, cell in enumerate(numbers)]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


_TABLE_COLUMNS = ("service", "expected", "delivered", "missed", "owed")


def _context(case: Case, report: GapReport, today: dt.date) -> dict[str, Any]:
    language = case.language
    period = case.period
    return {
        "case": case,
        "parent": case.parent,
        "child": case.child,
        "contacts": case.contacts,
        "gap": report,
        "today": long_date(today, language),
        "reply_by": long_date(today + dt.timedelta(days=REPLY_DAYS), language),
        "period_start": long_date(period.start, language) if period else _blank("start date"),
        "period_end": long_date(period.end, language) if period else _blank("end date"),
        "service_lines": [describe_service(service, language) for service in case.services]
        or [_blank("the service line from the IEP")],
        "gap_table": gap_table(report, language),
        "owed_minutes": number(rounded(report.owed_minutes)),
        "missed_minutes": number(rounded(report.missed_minutes)),
    }


@cache
def _environment(language: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(LETTERS_DIR / language),
        autoescape=False,  # plain text for email; the page shows it as text, never as HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["blank"] = lambda value, label: value or _blank(label)
    environment.filters["long_date"] = lambda day: long_date(day, language)
    return environment


def _blank(label: str) -> str:
    return f"[{label}]"


def _tidy(body: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in body.strip("\n").splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip("\n") + "\n"


def _contact(case: Case, role: str) -> Person:
    contacts = case.contacts
    people = {"case_manager": contacts.case_manager, "director": contacts.director}
    return people.get(role, Person(name=role))


def _has(case: Case, path: str) -> bool:
    value: Any = case
    for part in path.split("."):
        value = getattr(value, part, None)
    return bool(value)
