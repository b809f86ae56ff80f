"""Calendar arithmetic: business days and the one-year limits (builder/school_days.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.school_days import add_business_days, one_year_after, one_year_before


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 11, 23), dt.date(2026, 11, 30)),  # Monday -> next Monday
        (dt.date(2026, 11, 20), dt.date(2026, 11, 27)),  # Friday -> next Friday
        (dt.date(2026, 11, 21), dt.date(2026, 11, 27)),  # Saturday -> Friday
        (dt.date(2026, 11, 22), dt.date(2026, 11, 27)),  # Sunday -> Friday
    ],
)
def test_business_days_count_monday_to_friday(start: dt.date, end: dt.date) -> None:
    assert add_business_days(start, 5) == end


def test_february_29_is_followed_by_february_28() -> None:
    assert one_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert one_year_after(dt.date(2025, 3, 1)) == dt.date(2026, 3, 1)
    assert one_year_before(dt.date(2025, 2, 28)) == dt.date(2024, 2, 28)
