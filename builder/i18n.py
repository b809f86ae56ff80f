"""Every string a reader sees in the tools, looked up by key in builder/data/i18n/<language>/."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "en"
MESSAGES = Path(__file__).with_name("data") / "i18n"  # a folder per language


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
        if resource.name.endswith(".json"):
            merged.update(json.loads(resource.read_text(encoding="utf-8")))
    return merged


def plural(key: str, count: float | int, language: str = DEFAULT_LANGUAGE) -> str:
    """`count` with the singular or plural form of `key` ("1 session", "6 sessions")."""
    one, many = messages(language)[key].split("|")
    form = one if count == 1 else many
    return form.format(n=number(count))


def number(value: float | int) -> str:
    """A count as a reader writes it: 1,350 and 2.5, never 2.50 or 6.0."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


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
