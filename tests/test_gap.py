from __future__ import annotations

from typing import Any

from builder.case import load_case
from builder.gap import compute_gap, report_to_dict


def test_the_walking_skeleton_example_misses_120_minutes(example_document: dict[str, Any]) -> None:
    report = report_to_dict(compute_gap(load_case(example_document)))
    service = report["services"][0]
    assert (service["expected_sessions"], service["delivered_sessions"]) == (6, 2)
    assert report["totals"]["expected_minutes"] == 180
    assert report["totals"]["delivered_minutes"] == 60
    assert report["totals"]["missed_minutes"] == 120
    assert report["totals"]["owed_minutes"] == 120


def test_the_sentence_a_letter_quotes(example_document: dict[str, Any]) -> None:
    report = compute_gap(load_case(example_document))
    assert report.sentence == (
        "Between October 5, 2026 and October 23, 2026 (15 school days), the IEP called for "
        "6 sessions of speech-language therapy of 30 minutes each (180 minutes). Sam Rivera "
        "received 2 sessions (60 minutes): 120 minutes were not provided."
    )


def test_a_week_without_school_owes_nothing(example_document: dict[str, Any]) -> None:
    example_document["no_school"] = [{"start": "2026-10-12", "end": "2026-10-16", "label": "Break"}]
    report = compute_gap(load_case(example_document))
    assert report.expected_minutes == 120
    assert [week.expected_minutes for week in report.weeks] == [60, 60]


def test_a_short_week_is_pro_rated_by_its_school_days(example_document: dict[str, Any]) -> None:
    example_document["no_school"] = ["2026-10-12", "2026-10-13"]
    report = compute_gap(load_case(example_document))
    assert [week.expected_minutes for week in report.weeks] == [60, 36, 60]


def test_a_monthly_service_spreads_over_the_months_weekdays(
    example_document: dict[str, Any],
) -> None:
    example_document["period"] = {"start": "2026-10-01", "end": "2026-10-31"}
    example_document["services"][0].update({"times": 4, "per": "month"})
    report = compute_gap(load_case(example_document))
    assert report.expected_minutes == 120


def test_a_log_counts_minutes_and_keeps_student_absences_apart(
    example_document: dict[str, Any],
) -> None:
    service = example_document["services"][0]
    del service["received"]
    service["log"] = [
        {"date": "2026-10-06", "minutes": 30},
        {"date": "2026-10-08", "minutes": 0, "reason": "student_absent"},
        {"date": "2026-10-13", "minutes": 20, "reason": "provider_absent"},
        {"date": "2026-10-15", "minutes": 0, "reason": "provider_absent"},
    ]
    totals = report_to_dict(compute_gap(load_case(example_document)))["totals"]
    assert totals["delivered_minutes"] == 50
    assert totals["missed_minutes"] == 130
    assert totals["student_absent_minutes"] == 30
    assert totals["owed_minutes"] == 100
