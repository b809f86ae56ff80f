"""Every string a reader sees in the tools, looked up by key in builder/data/i18n/<language>/.

A language is a folder of files, nothing in the code: its messages (JSON files of keys and texts,
with `{placeholders}`), and `language.json`, how it writes numbers and which counts take its "one"
form. Plurals follow CLDR's categories as i18next JSON writes them, a format translation tools
read (Weblate's "i18next JSON file v4"): `unit.session_one` and `unit.session_other`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Protocol

DEFAULT_LANGUAGE = "en"
MESSAGES = Path(__file__).with_name("data") / "i18n"  # a folder per language
# A figure of this many minutes or more gets its hours beside it: 660 minutes (11 hours).
HOURS_FROM_MINUTES = 600


LANGUAGE_FILE = "language.json"  # how a language writes numbers and counts (not messages)


@cache
def languages() -> tuple[str, ...]:
    """The languages the site has: one folder each, English first."""
    found = sorted(folder.name for folder in MESSAGES.iterdir() if folder.is_dir())
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


@cache
def language_data(language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A language's name, its "one" counts and its number separators (language.json)."""
    loaded: dict[str, Any] = json.loads((MESSAGES / language / LANGUAGE_FILE).read_text("utf-8"))
    return loaded


@cache
def messages(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The message catalogue of one language, falling back to English for missing keys."""
    english = _read(DEFAULT_LANGUAGE)
    if language == DEFAULT_LANGUAGE:
        return english
    return {**english, **_read(language)}


def text(key: str, language: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The message `key` in `language`, with `{name}` fields filled from `values`."""
    return messages(language)[key].format(**values)


def _read(language: str) -> dict[str, str]:
    """All the files of one language's folder (one per part of the tools), merged."""
    folder = MESSAGES / language
    merged: dict[str, str] = {}
    for resource in sorted(folder.iterdir(), key=lambda resource: resource.name):
        if resource.name.endswith(".json") and resource.name != LANGUAGE_FILE:
            merged.update(json.loads(resource.read_text(encoding="utf-8")))
    return merged


def plural(key: str, count: float | int, language: str = DEFAULT_LANGUAGE) -> str:
    """`count` with the form of `key` its language uses for it ("1 session", "6 sessions")."""
    category = "one" if count in language_data(language)["plural_one"] else "other"
    found = messages(language)
    form = found.get(f"{key}_{category}", found[f"{key}_other"])
    return form.format(n=number(count, language))


def number(value: float | int, language: str = DEFAULT_LANGUAGE) -> str:
    """A count as a reader writes it: 1,350 and 2.5, never 2.50 or 6.0."""
    if isinstance(value, float) and not value.is_integer():
        shown = f"{value:,.1f}".rstrip("0").rstrip(".")
    else:
        shown = f"{int(value):,}"
    data = language_data(language)
    # Through a placeholder, so that a language writing 1.350,5 swaps the two cleanly.
    return shown.replace(",", "\0").replace(".", data["decimal"]).replace("\0", data["thousands"])


def long_date(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """October 5, 2026."""
    month = messages(language)["month.names"].split("|")[day.month - 1]
    return messages(language)["date.long"].format(month=month, day=day.day, year=day.year)


def long_date_range(start: date, end: date, language: str = DEFAULT_LANGUAGE) -> str:
    """October 5, 2026 to October 23, 2026 (one date when the range is one day)."""
    if start == end:
        return long_date(start, language)
    return text(
        "date.range", language, start=long_date(start, language), end=long_date(end, language)
    )


def short_date(day: date, language: str = DEFAULT_LANGUAGE, *, with_year: bool = False) -> str:
    """Oct 5; Oct 5, 2026 with its year."""
    key = "date.short_with_year" if with_year else "date.short"
    return messages(language)[key].format(
        month=_short_month(day, language), day=day.day, year=day.year
    )


def years_needed(first: date, last: date) -> bool:
    """Whether dates from `first` to `last` need their year to name one day: over a year, a
    month and a day come round again."""
    return (last - first).days >= 365


def month_and_year(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """Oct 2026."""
    return messages(language)["date.month_and_year"].format(
        month=_short_month(day, language), year=day.year
    )


def _short_month(day: date, language: str) -> str:
    return messages(language)["month.short_names"].split("|")[day.month - 1]


# -- phrasing: how a language writes lists, names and dates in a sentence ----------------------


def mid_sentence(name: str) -> str:
    """'Speech-language therapy' reads 'speech-language therapy' mid-sentence; 'OT' stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def at_start(name: str) -> str:
    """'my child' reads 'My child' at the start of a sentence; a name stays as written."""
    return name[:1].upper() + name[1:]


def and_list(
    items: Iterable[str], language: str = DEFAULT_LANGUAGE, *, separator: str = ", "
) -> str:
    """a, b and c (the list's own words, joined the way the language joins them)."""
    words = [item for item in items if item]
    if len(words) < 2:
        return "".join(words)
    return text("list.and", language, head=separator.join(words[:-1]), last=words[-1])


def month_name(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    return messages(language)["month.names"].split("|")[day.month - 1]


def day_text(day: date, language: str = DEFAULT_LANGUAGE, *, with_year: bool = False) -> str:
    """October 22 (the long date without its year, unless asked)."""
    if with_year:
        return long_date(day, language)
    return text("date.month_day", language, month=month_name(day, language), day=day.day)


def weekday_date(day: date, language: str = DEFAULT_LANGUAGE) -> str:
    """Tuesday, December 1, 2026."""
    weekday = text("date.weekday_names", language).split("|")[day.weekday()]
    return text("date.weekday_long", language, weekday=weekday, date=long_date(day, language))


def range_text(
    start: date, end: date, language: str = DEFAULT_LANGUAGE, *, with_year: bool = False
) -> str:
    """October 2 to 14, or October 28 to November 4."""
    if start == end:
        return day_text(start, language, with_year=with_year)
    if (start.year, start.month) == (end.year, end.month):
        key = "date.range_in_month_year" if with_year else "date.range_in_month"
        return text(
            key,
            language,
            month=month_name(start, language),
            start=start.day,
            end=end.day,
            year=start.year,
        )
    return text(
        "date.range",
        language,
        start=day_text(start, language, with_year=with_year),
        end=day_text(end, language, with_year=with_year),
    )


class Span(Protocol):
    """A day or a stretch of days (a case's DateRange)."""

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


def dates_text(spans: Iterable[Span], language: str = DEFAULT_LANGUAGE) -> str:
    """September 24; October 6, 8 and 13; November 3 to 5 (the year only when it changes)."""
    ordered = sorted((span.start, span.end) for span in spans)
    if not ordered:
        return ""
    years = {start.year for start, _ in ordered} | {end.year for _, end in ordered}
    with_year = len(years) > 1
    chunks: list[tuple[date, list[int]] | tuple[date, date]] = []
    for start, end in ordered:
        last = chunks[-1] if chunks else None
        if start != end:
            chunks.append((start, end))
        elif (
            last is not None
            and isinstance(last[1], list)
            and (last[0].year, last[0].month) == (start.year, start.month)
        ):
            last[1].append(start.day)
        else:
            chunks.append((start, [start.day]))
    parts = []
    for first, rest in chunks:
        if isinstance(rest, date):
            parts.append(range_text(first, rest, language, with_year=with_year))
        else:
            listed = and_list((str(day) for day in rest), language)
            key = "date.days_in_month_year" if with_year else "date.days_in_month"
            parts.append(
                text(key, language, month=month_name(first, language), days=listed, year=first.year)
            )
    return "; ".join(parts)


def minutes_text(minutes: int, language: str = DEFAULT_LANGUAGE, *, inside: bool = False) -> str:
    """405 minutes, and for a large figure its hours beside it: 660 minutes (11 hours); `inside`
    brackets already: 660 minutes, or 11 hours."""
    shown = plural("unit.minute", minutes, language)
    in_hours = hours_text(minutes, language)
    if not in_hours:
        return shown
    key = "unit.minutes_or_hours" if inside else "unit.minutes_with_hours"
    return text(key, language, minutes=shown, hours=in_hours)


def hours_text(minutes: int, language: str = DEFAULT_LANGUAGE) -> str:
    """6 hours 45 minutes, for a figure large enough to be read in hours; else ""."""
    if minutes < HOURS_FROM_MINUTES:
        return ""
    hours, rest = divmod(minutes, 60)
    in_hours = plural("unit.hour", hours, language)
    if not rest:
        return in_hours
    return text(
        "unit.hours_and_minutes",
        language,
        hours=in_hours,
        minutes=plural("unit.minute", rest, language),
    )
