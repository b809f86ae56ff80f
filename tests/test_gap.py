from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import Any

import jsonschema
import pytest

from builder.case import Case, DateRange, LogEntry, Service
from builder.case_reader import load_case, read_case
from builder.gap import compute_gap
from builder.gap_facts import GapReport, rounded
from builder.gap_report import report_table, report_text, report_to_dict
from builder.gap_words import (
    alert_lines,
    assumption_lines,
    field_alerts,
    flag_description,
    sentences,
    summary,
)
from builder.school_days import SchoolCalendar
from tests.conftest import CASES, ROOT

OCT_5 = dt.date(2026, 10, 5)


def document(*services: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A case file over October 5 to 23, 2026 (three full school weeks) with `services`."""
    return {
        "version": 1,
        "child": {"name": "Sam"},
        "period": {"start": "2026-10-05", "end": "2026-10-23"},
        "services": list(services),
        **fields,
    }


def speech(**fields: Any) -> dict[str, Any]:
    return {"name": "Speech-language therapy", "minutes": 30, "times": 2, "per": "week", **fields}


def gap_of(doc: dict[str, Any]) -> GapReport:
    return compute_gap(load_case(doc))


def totals(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = report_to_dict(gap_of(doc))["totals"]
    return result


# -- the walking skeleton -------------------------------------------------------------------


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
    assert summary(report) == (
        "Between October 5, 2026 and October 23, 2026 (15 school days), the IEP called for "
        "6 sessions of speech-language therapy of 30 minutes each (180 minutes). Sam Rivera "
        "received 2 sessions (60 minutes): 120 minutes were not provided."
    )


def test_a_week_without_school_owes_nothing(example_document: dict[str, Any]) -> None:
    example_document["no_school"] = [{"start": "2026-10-12", "end": "2026-10-16", "label": "Break"}]
    report = compute_gap(load_case(example_document))
    assert report.expected_minutes == 120
    assert [week.expected_minutes for week in report.weeks] == [60, 60]


def test_a_short_week_calls_for_its_share_in_whole_sessions(
    example_document: dict[str, Any],
) -> None:
    # 2 sessions x 3 school days / 5 = 1.2: one session. With 4 days, 1.6: still two.
    example_document["no_school"] = ["2026-10-12", "2026-10-13"]
    report = compute_gap(load_case(example_document))
    assert [week.expected_minutes for week in report.weeks] == [60, 30, 60]
    assert report.services[0].expected_sessions == 5
    example_document["no_school"] = ["2026-10-12"]
    report = compute_gap(load_case(example_document))
    assert [week.expected_minutes for week in report.weeks] == [60, 60, 60]


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
    result = totals(example_document)
    assert result["delivered_minutes"] == 50
    assert result["missed_minutes"] == 130
    assert result["student_absent_minutes"] == 30
    assert result["owed_minutes"] == 100


# -- every way an IEP counts time -----------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        # 30 minutes x 2 per week = 60 a week; 15 school days x 12 = 180.
        (speech(), 180),
        # "60 minutes weekly": the same amount written without sessions.
        ({"name": "OT", "minutes": 60, "per": "week"}, 180),
        # "120 minutes monthly": October 2026 has 22 weekdays; 15 of them are in the period.
        ({"name": "OT", "minutes": 120, "per": "month"}, Fraction(120 * 15, 22)),
        # 30 minutes x 4 per month: 4 x 15/22 = 2.7, so 3 whole sessions.
        ({"name": "OT", "minutes": 30, "times": 4, "per": "month"}, 90),
        # "1,350 minutes per year" over 180 school days: 7.5 a day.
        ({"name": "Counseling", "minutes": 1350, "per": "year"}, Fraction(225, 2)),
        # 20 minutes x 45 times per year: 45 x 15/180 = 3.75, so 4 whole sessions.
        ({"name": "Counseling", "minutes": 20, "times": 45, "per": "year"}, 80),
        # 600 minutes in all from October 1 to November 30 (43 weekdays), 15 of them here.
        (
            {
                "name": "Social skills",
                "minutes": 600,
                "per": "total",
                "start": "2026-10-01",
                "end": "2026-11-30",
            },
            Fraction(600 * 15, 43),
        ),
        # 30 minutes x 10 times in all over the same dates: 10 x 15/43 = 3.5 (3.49), 3 sessions.
        (
            {
                "name": "Social skills",
                "minutes": 30,
                "times": 10,
                "per": "total",
                "start": "2026-10-01",
                "end": "2026-11-30",
            },
            90,
        ),
    ],
)
def test_every_way_an_iep_counts_time(service: dict[str, Any], expected: Fraction) -> None:
    report = gap_of(document(service))
    assert report.expected_minutes == expected
    assert report.services[0].school_days == 15


def test_a_yearly_amount_uses_the_case_school_year() -> None:
    doc = document({"name": "Counseling", "minutes": 1350, "per": "year"}, school_year_days=175)
    assert gap_of(doc).expected_minutes == Fraction(1350 * 15, 175)


def test_a_holiday_does_not_cut_a_monthly_count() -> None:
    doc = document(
        {"name": "OT", "minutes": 120, "per": "month"},
        period={"start": "2026-09-01", "end": "2026-10-31"},
        no_school=[{"start": "2026-09-07", "end": "2026-09-07", "label": "Labor Day"}],
    )
    report = gap_of(doc)
    # Two whole months: 120 each, Labor Day or not.
    assert report.expected_minutes == 240
    sessions = document(
        {"name": "OT", "minutes": 30, "times": 4, "per": "month"},
        period={"start": "2026-09-01", "end": "2026-10-30"},
        no_school=["2026-09-07"],
    )
    gap = gap_of(sessions).services[0]
    # September whole (4), October to the 30th: 21 of its 22 weekdays, 3.8, so 4.
    assert (gap.expected_sessions, gap.expected_minutes) == (8, 240)


def test_a_service_counts_only_between_its_own_dates() -> None:
    report = gap_of(document(speech(start="2026-10-12")))
    gap = report.services[0]
    assert gap.window == DateRange(dt.date(2026, 10, 12), dt.date(2026, 10, 23))
    assert (gap.school_days, gap.expected_minutes) == (10, 120)
    assert "counted only between those dates" in " ".join(assumption_lines(report))


def test_an_iep_changed_in_the_middle_of_the_period_counts_both_lines() -> None:
    before = speech(
        end="2026-10-09",
        log=[
            {"date": "2026-10-06", "minutes": 30},
            {"date": "2026-10-08", "minutes": 30},
            {"date": "2026-10-13", "minutes": 30},  # logged under the old line by mistake
        ],
    )
    after = speech(
        times=3,
        start="2026-10-12",
        log=[
            {"date": "2026-10-13", "minutes": 30},
            {"date": "2026-10-15", "minutes": 30},
            {"date": "2026-10-20", "minutes": 30},
        ],
    )
    report = gap_of(document(before, after))
    old, new = report.services
    assert (old.expected_minutes, old.delivered_minutes, old.missed_minutes) == (60, 60, 0)
    assert [(flag.date, flag.kind) for flag in old.flags] == [(dt.date(2026, 10, 13), "outside")]
    # 10 school days x 30 x 3 / 5 = 180 minutes, 6 sessions; 3 given.
    assert (new.expected_minutes, new.delivered_minutes, new.missed_minutes) == (180, 90, 90)
    assert new.expected_sessions == 6
    assert report.expected_minutes == 240
    assert len(sentences(report)) == 2
    assert "October 12, 2026 and October 23, 2026" in sentences(report)[1]
    # The table tells the two lines apart by their dates.
    assert "Speech-language therapy (Oct 12 to Oct 23)" in report_table(report)


def test_a_service_outside_the_period_is_not_counted_and_says_so() -> None:
    report = gap_of(document(speech(start="2026-11-02", end="2026-12-18")))
    assert report.services[0].window is None
    assert report.expected_minutes == 0
    assert sentences(report) == ()
    assert any("outside the period" in line for line in assumption_lines(report))


def test_group_and_pull_out_are_kept_as_written() -> None:
    case = load_case(document(speech(setting="group", delivery="push-in")))
    assert (case.services[0].setting, case.services[0].delivery) == ("group", "push-in")
    assert ": 30 minutes, 2 times per week, group, push-in\n" in report_text(compute_gap(case))


def test_a_count_of_sessions_needs_a_session_length() -> None:
    doc = document({"name": "OT", "minutes": 60, "per": "week", "received": {"sessions": 2}})
    case, problems = read_case(doc)
    assert [problem.path for problem in problems] == ["services.0.received.sessions"]
    assert case.services[0].received is None


def test_a_count_of_minutes_works_for_a_total() -> None:
    doc = document({"name": "OT", "minutes": 60, "per": "week", "received": {"minutes": 120}})
    gap = gap_of(doc).services[0]
    assert (gap.delivered_minutes, gap.missed_minutes, gap.delivered_sessions) == (120, 60, None)


# -- the school calendar --------------------------------------------------------------------


def test_the_calendar_precomputes_its_closed_weekdays() -> None:
    calendar = SchoolCalendar(
        DateRange(OCT_5, dt.date(2026, 10, 23)),
        [
            DateRange(dt.date(2026, 10, 9), dt.date(2026, 10, 12), "Long weekend"),
            DateRange(dt.date(2026, 12, 21), dt.date(2027, 1, 1), "Winter break"),
        ],
    )
    assert calendar.closed == {dt.date(2026, 10, 9), dt.date(2026, 10, 12)}
    assert calendar.closed_weekdays == 2
    assert [days_off.label for days_off in calendar.closing] == ["Long weekend"]
    assert calendar.count(calendar.period) == 13
    assert not calendar.is_school_day(dt.date(2026, 10, 10))  # a Saturday


def test_no_days_off_means_no_clause_about_them() -> None:
    report = gap_of(document(speech(received={"sessions": 6})))
    text = " ".join(assumption_lines(report))
    assert "without school" not in text
    assert " 0 " not in text
    assert assumption_lines(report)[0] == (
        "School days are the weekdays (Monday to Friday) from October 5, 2026 to "
        "October 23, 2026: 15 school days."
    )


def test_days_off_are_named_with_their_labels() -> None:
    doc = document(
        speech(received={"sessions": 6}),
        no_school=[
            {"start": "2026-10-12", "end": "2026-10-12", "label": "Indigenous Peoples' Day"},
            "2026-10-13",
        ],
    )
    assert assumption_lines(gap_of(doc))[1] == (
        "Days without school that you entered were not counted as school days (2 weekdays): "
        "Indigenous Peoples' Day (October 12, 2026); October 13, 2026."
    )


def test_only_the_pro_rating_rules_that_apply_are_explained() -> None:
    def said(doc: dict[str, Any]) -> str:
        return " ".join(assumption_lines(gap_of(doc)))

    plain = said(document(speech(received={"sessions": 6})))
    assert "each week with 5 school days" in plain
    assert "a 4-day week" not in plain and "calls for nothing" not in plain
    short_week = said(document(speech(received={"sessions": 6}), no_school=["2026-10-12"]))
    assert "a 4-day week" in short_week and "calls for nothing" not in short_week
    closed_week = said(
        document(
            speech(received={"sessions": 6}),
            no_school=[{"start": "2026-10-12", "end": "2026-10-16", "label": "Fall break"}],
        )
    )
    assert "A week without school days calls for nothing." in closed_week
    assert "a 4-day week" not in closed_week
    assert "monthly" not in closed_week and "yearly" not in closed_week


# -- the log and its flags ------------------------------------------------------------------


def logged(*entries: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return document(speech(setting="individual", delivery="pull-out", log=list(entries), **fields))


def test_entries_that_are_not_service_are_flagged_and_not_counted() -> None:
    gap = gap_of(
        logged(
            {"date": "2026-10-06", "minutes": 30, "reason": "testing"},
            {"date": "2026-10-07", "minutes": 30, "delivery": "push-in"},
            {"date": "2026-10-08", "minutes": 30, "setting": "group"},
            {"date": "2026-10-09", "minutes": 30, "reason": "wrong_setting"},
            {"date": "2026-10-13", "minutes": 60, "note": "two sessions at once"},
            {"date": "2026-10-15", "minutes": 30},
            {"date": "2026-10-15", "minutes": 30},
            {"date": "2026-10-26", "minutes": 30},
            {"date": "2026-10-02", "minutes": 30},
        )
    ).services[0]
    assert [(flag.date.day, flag.kind, flag.detail, flag.minutes) for flag in gap.flags] == [
        (2, "outside", "", 30),
        (6, "testing", "", 30),
        (7, "wrong_setting", "push-in", 30),
        (8, "wrong_setting", "group", 30),
        (9, "wrong_setting", "", 30),
        (13, "crammed", "", 30),
        (15, "crammed", "", 30),
        (26, "outside", "", 30),
    ]
    assert gap.delivered_minutes == 60  # one session on the 13th, one on the 15th
    assert gap.delivered_sessions == 2
    assert gap.owed_minutes == 120
    descriptions = [flag_description(flag, "en") for flag in gap.flags]
    assert "given in the classroom (push-in); the IEP says pull-out" in descriptions
    assert "given in a group; the IEP says individual" in descriptions
    assert "the time was used for testing, not for the service" in descriptions


def test_more_service_than_the_iep_is_not_flagged() -> None:
    gap = gap_of(
        document(
            speech(
                setting="group",
                delivery="push-in",
                log=[
                    {
                        "date": "2026-10-06",
                        "minutes": 30,
                        "setting": "individual",
                        "delivery": "pull-out",
                    },
                ],
            )
        )
    ).services[0]
    assert gap.flags == ()
    assert gap.delivered_minutes == 30


def test_one_session_a_week_or_a_total_is_never_crammed() -> None:
    for service in (
        speech(times=1, log=[{"date": "2026-10-06", "minutes": 60}]),
        {
            "name": "OT",
            "minutes": 60,
            "per": "week",
            "log": [{"date": "2026-10-06", "minutes": 60}],
        },
    ):
        gap = gap_of(document(service)).services[0]
        assert gap.flags == ()
        assert gap.delivered_minutes == 60


def test_testing_that_replaced_a_session_is_owed_without_a_flag() -> None:
    gap = gap_of(logged({"date": "2026-10-06", "minutes": 0, "reason": "testing"})).services[0]
    assert gap.flags == ()
    assert gap.owed_minutes == 180


def test_short_sessions_and_stretches_without_service_are_listed() -> None:
    gap = gap_of(
        logged(
            {"date": "2026-10-06", "minutes": 30},
            {"date": "2026-10-08", "minutes": 20, "note": "fire drill"},
            {"date": "2026-10-22", "minutes": 30},
            {"date": "2026-10-13", "minutes": 0, "reason": "provider_absent"},
        )
    ).services[0]
    assert [entry.date.day for entry in gap.partial_sessions] == [8]
    assert gap.stretches_without_service == (
        DateRange(dt.date(2026, 10, 5), dt.date(2026, 10, 5)),
        DateRange(dt.date(2026, 10, 7), dt.date(2026, 10, 7)),
        DateRange(dt.date(2026, 10, 9), dt.date(2026, 10, 21)),
        DateRange(dt.date(2026, 10, 23), dt.date(2026, 10, 23)),
    )
    assert gap.stretch_school_days == (1, 1, 9, 1)
    assert gap.longest_stretch == 9
    assert [week.monday.day for week in gap.weeks_short] == [5, 12, 19]


def test_a_make_up_on_a_day_without_school_counts_and_ends_a_stretch() -> None:
    gap = gap_of(
        logged(
            {"date": "2026-10-10", "minutes": 30, "note": "Saturday make-up"},
        )
    ).services[0]
    assert gap.delivered_minutes == 30
    assert gap.stretch_school_days == (5, 10)
    assert [week.delivered_minutes for week in gap.weeks] == [30, 0, 0]


def test_a_count_has_no_stretches_or_partial_sessions(example_document: dict[str, Any]) -> None:
    gap = compute_gap(load_case(example_document)).services[0]
    assert (gap.longest_stretch, gap.stretches_without_service, gap.partial_sessions) == (
        None,
        (),
        (),
    )
    assert all(week.delivered_minutes is None for week in gap.weeks)


def test_a_student_absence_from_a_total_sets_apart_that_days_share() -> None:
    doc = document(
        {
            "name": "OT",
            "minutes": 60,
            "per": "week",
            "log": [
                {"date": "2026-10-06", "minutes": 0, "reason": "student_absent"},
                {"date": "2026-10-07", "minutes": 60},
            ],
        }
    )
    gap = gap_of(doc).services[0]
    assert (gap.missed_minutes, gap.student_absent_minutes, gap.owed_minutes) == (120, 12, 108)
    assert "that day's share" in " ".join(assumption_lines(gap_of(doc)))


def test_extra_sessions_later_make_up_for_earlier_ones() -> None:
    entries = [{"date": f"2026-10-{day:02d}", "minutes": 30} for day in (5, 6, 7, 8, 9)]
    entries += [{"date": "2026-10-13", "minutes": 30}]
    gap = gap_of(logged(*entries)).services[0]
    assert (gap.delivered_minutes, gap.missed_minutes, gap.percent_delivered) == (180, 0, 100)
    assert "received 6 sessions (180 minutes)." in summary(gap_of(logged(*entries)))


# -- warnings, incidents, assumptions --------------------------------------------------------


def test_ten_school_days_without_service_and_low_delivery_warn_early() -> None:
    report = gap_of(logged({"date": "2026-10-05", "minutes": 30}))
    assert alert_lines(report) == (
        "Speech-language therapy: only 17% of the IEP's minutes were received.",
        "Speech-language therapy: 14 school days in a row without this service "
        "(October 6, 2026 to October 23, 2026).",
    )


def test_a_monthly_service_given_monthly_is_not_a_long_stretch() -> None:
    doc = document(
        {
            "name": "OT",
            "minutes": 120,
            "per": "month",
            "log": [
                {"date": "2026-09-15", "minutes": 120},
                {"date": "2026-10-14", "minutes": 120},
            ],
        },
        period={"start": "2026-09-01", "end": "2026-10-31"},
    )
    report = gap_of(doc)
    # September 16 to October 13: 20 school days, less than twice a month's spacing.
    assert report.services[0].longest_stretch == 20
    assert alert_lines(report) == ()


def test_incidents_are_reported_beside_the_minutes_grouped_by_support() -> None:
    doc = document(
        speech(received={"sessions": 6}),
        incidents=[
            {"date": "2026-10-20", "support": "Extended time on tests", "note": "Math test"},
            {"date": "2026-10-07", "support": "Visual schedule"},
            {"date": "2026-10-06", "support": "extended  time on tests"},
        ],
    )
    report = gap_of(doc)
    assert [(group.support, group.count) for group in report.incidents] == [
        ("extended  time on tests", 2),
        ("Visual schedule", 1),
    ]
    assert report.incidents[0].dates == (dt.date(2026, 10, 6), dt.date(2026, 10, 20))
    data = report_to_dict(report)["incidents"]
    assert data[0]["dates"] == ["2026-10-06", "2026-10-20"]
    assert data[0]["notes"] == [{"date": "2026-10-20", "note": "Math test"}]
    assert "- Visual schedule: 1 time (October 7, 2026)" in report_text(report)


def test_report_to_dict_carries_everything_as_json(example_document: dict[str, Any]) -> None:
    doc = logged(
        {"date": "2026-10-06", "minutes": 20},
        {"date": "2026-10-08", "minutes": 30, "reason": "testing"},
        {"date": "2026-10-13", "minutes": 0, "reason": "student_absent"},
    )
    data = report_to_dict(gap_of(doc))
    json.dumps(data)  # JSON-ready
    service = data["services"][0]
    for key in ("expected_minutes", "delivered_minutes", "missed_minutes", "owed_minutes"):
        assert key in data["totals"] and key in service
    assert service["partial_sessions"] == [
        {"date": "2026-10-06", "minutes": 20, "reason": None, "note": ""}
    ]
    assert service["flags"][0]["description"] == (
        "the time was used for testing, not for the service"
    )
    # October 7 to 23: the testing on the 8th was not service.
    assert service["longest_stretch"] == {
        "start": "2026-10-07",
        "end": "2026-10-23",
        "school_days": 13,
    }
    assert service["student_absences"][0]["date"] == "2026-10-13"
    assert service["weeks_short"] == ["2026-10-05", "2026-10-12", "2026-10-19"]


def test_the_text_report_has_words_table_details_and_assumptions() -> None:
    report = gap_of(
        logged(
            {"date": "2026-10-06", "minutes": 30},
            {"date": "2026-10-08", "minutes": 0, "reason": "student_absent"},
            {"date": "2026-10-13", "minutes": 30, "reason": "testing"},
        )
    )
    printed = report_text(report)
    sentence, table, details, *rest = printed.split("\n\n")
    assert sentence == summary(report)
    assert sentence.endswith("Of these, 30 minutes were missed while Sam was absent.")
    assert table.splitlines()[0].split() == [
        "Service",
        "IEP",
        "minutes",
        "Received",
        "Missed",
        "Student",
        "absent",
        "Not",
        "provided",
        "(school",
        "side)",
        "%",
        "received",
    ]
    assert table.splitlines()[2].split()[-6:] == ["180", "30", "150", "30", "120", "17%"]
    assert (
        "- Fell short: week of Oct 5: 1 of 2 sessions; "
        "2 weeks, Oct 12 to Oct 23: 0 of 2 sessions each"
    ) in details
    assert "- Not counted: Oct 13, 30 minutes: the time was used for testing" in details
    assert rest[0].startswith("Early warnings:")
    assert rest[-1].startswith("How this was counted:")


def test_over_more_than_a_year_the_details_dates_carry_their_year() -> None:
    entries = (
        {"date": "2026-10-08", "minutes": 20},
        {"date": "2027-10-07", "minutes": 0, "reason": "student_absent"},
        {"date": "2027-10-12", "minutes": 30, "reason": "testing"},
    )
    two_years = document(
        speech(setting="individual", delivery="pull-out", log=list(entries)),
        period={"start": "2026-10-05", "end": "2027-10-22"},
    )
    over_a_year = report_text(gap_of(two_years))
    assert "Oct 8, 2026 (20 of 30 minutes)" in over_a_year
    assert "Oct 7, 2027" in over_a_year
    assert "Not counted: Oct 12, 2027, 30 minutes" in over_a_year
    assert "week of Oct 5, 2026: 1 of 2 sessions; 54 weeks, Oct 12, 2026 to" in over_a_year
    within_a_year = report_text(gap_of(logged({"date": "2026-10-08", "minutes": 20})))
    assert "Oct 8 (20 of 30 minutes)" in within_a_year


def test_a_log_of_misses_alone_is_warned_that_unlogged_days_count_as_missed() -> None:
    misses_only = gap_of(logged({"date": "2026-10-06", "minutes": 0, "reason": "provider_absent"}))
    warning = "Speech-language therapy: the log shows no session given."
    assert any(line.startswith(warning) for line in alert_lines(misses_only))
    with_a_session = gap_of(logged({"date": "2026-10-06", "minutes": 30}))
    assert not any(line.startswith(warning) for line in alert_lines(with_a_session))


def test_an_empty_case_still_gives_a_report() -> None:
    report = compute_gap(Case())
    assert report.expected_minutes == 0
    assert assumption_lines(report) == (
        "Enter the first and last day of the period you are reviewing to compute what the IEP "
        "called for.",
    )
    assert report_text(report).startswith("Nothing to count yet")


# -- the semester case ----------------------------------------------------------------------


def test_the_fall_semester_headline_numbers() -> None:
    document = json.loads((CASES / "semester.json").read_text())
    jsonschema.validate(document, json.loads((ROOT / "builder/data/case.schema.json").read_text()))
    case = load_case(document)
    report = compute_gap(case)
    speech_gap, ot, reading = report.services
    # School days: August 24 to December 18, 2026 is 17 full weeks, 85 weekdays; minus Labor
    # Day (Sep 7), Veterans Day (Nov 11) and Thanksgiving break (Nov 25-27) = 80 school days.
    # Winter break starts on December 21, after the period, so it changes nothing.
    assert report.school_days == 80
    # Speech, 30 minutes x 2 per week: 2 sessions in each of the 16 weeks with 4 or 5 school
    # days, and 1 in Thanksgiving week (2 school days: 2 x 2/5 = 0.8) = 33 sessions, 990
    # minutes. The log has 33 Tuesdays and Thursdays. Counted: 22 full sessions (660) plus the
    # 20-minute session on Sep 24 = 680 minutes in 23 sessions. Not counted: Oct 1 (group, IEP
    # says individual), Oct 27 (testing), and the second half of the 60 minutes on Dec 10
    # (crammed): 3 flags. Missed 990 - 680 = 310; the two sick days (Sep 10, Nov 17) are
    # 2 x 30 = 60 student-absent minutes; not provided for the school's reasons 310 - 60 = 250.
    # 680/990 = 69%. With no service from Sep 30 (after Sep 29) to Oct 28 (before Oct 29):
    # 3 + 15 + 3 = 21 school days in a row.
    assert (speech_gap.expected_minutes, speech_gap.expected_sessions) == (990, 33)
    assert (speech_gap.delivered_minutes, speech_gap.delivered_sessions) == (680, 23)
    assert (speech_gap.missed_minutes, speech_gap.student_absent_minutes) == (310, 60)
    assert speech_gap.owed_minutes == 250
    assert speech_gap.percent_delivered == 69
    assert [flag.kind for flag in speech_gap.flags] == ["wrong_setting", "testing", "crammed"]
    assert speech_gap.longest_stretch == 21
    assert speech_gap.longest_stretch_range == DateRange(
        dt.date(2026, 9, 30), dt.date(2026, 10, 28)
    )
    # OT, 120 minutes monthly: whole months call for 120 whatever their holidays; August
    # (6 of its 21 weekdays) and December (14 of 23) for their share: 120 x (6/21 + 3 +
    # 14/23) = 467.33 minutes; 360 received (a count: all of the rest not provided).
    assert rounded(ot.expected_minutes) == 467
    assert (ot.delivered_minutes, rounded(ot.owed_minutes)) == (360, 107)
    # Reading, 45 x 4 = 180 a week: 80 x 36 = 2,880 (64 sessions); 2,370 received.
    assert (reading.expected_minutes, reading.delivered_minutes) == (2880, 2370)
    assert (reading.student_absent_minutes, reading.owed_minutes) == (90, 420)
    assert len(reading.flags) == 6
    data = report_to_dict(report)["totals"]
    assert data == {
        "expected_minutes": 4337,
        "delivered_minutes": 3410,
        "missed_minutes": 927,
        "student_absent_minutes": 150,
        "made_up_minutes": 0,
        "owed_minutes": 777,
        "percent_delivered": 79,
        "weeks_short": data["weeks_short"],
    }
    assert [(group.support, group.count) for group in report.incidents] == [
        ("Extended time on tests", 2)
    ]
    assert len(alert_lines(report)) == 3


# -- speed ----------------------------------------------------------------------------------


def test_ten_thousand_log_entries_compute() -> None:
    start = dt.date(2026, 1, 5)
    entries = tuple(
        LogEntry(
            start + dt.timedelta(days=index % 360),
            10 + index % 40,
            reason=("student_absent", None, "testing", None)[index % 4],
        )
        for index in range(10_000)
    )
    case = Case(
        period=DateRange(start, dt.date(2026, 12, 31)),
        no_school=tuple(
            DateRange(start + dt.timedelta(days=d), start + dt.timedelta(days=d))
            for d in range(0, 360, 3)
        ),
        services=(Service("Speech", 30, "week", times=3, log=entries),),
    )
    report = compute_gap(case)
    assert report.delivered_minutes > 0
    assert report.owed_minutes <= report.missed_minutes


# -- a count and dated entries together, make-up, and counts that cannot be right ----------------


def ana(**service: Any) -> dict[str, Any]:
    """Ana's case (issue 22): 9 sessions by her count, one of them 15 minutes, one holiday."""
    facts = {"received": {"sessions": 9}, "log": [{"date": "2026-10-20", "minutes": 15}]}
    return document(
        speech(**{**facts, **service}),
        period={"start": "2026-09-08", "end": "2026-11-20"},
        no_school=[{"start": "2026-11-11", "end": "2026-11-11", "label": "Veterans Day"}],
        child={"name": "Leo"},
    )


def test_a_count_with_one_dated_short_session_means_what_the_parent_means() -> None:
    report = gap_of(ana())
    gap = report.services[0]
    # 8 full sessions and the short one: 8 x 30 + 15 = 255 minutes, 9 sessions.
    assert (gap.expected_sessions, gap.expected_minutes) == (22, 660)
    assert (gap.delivered_sessions, gap.delivered_minutes) == (9, 255)
    assert (gap.missed_minutes, gap.owed_minutes) == (405, 405)
    assert [entry.date.day for entry in gap.partial_sessions] == [20]
    # Which weeks fell short is not known: 8 sessions have no date.
    assert not gap.from_log and gap.shortfalls == () and gap.dates_without_service is None
    assert summary(report) == (
        "Between September 8, 2026 and November 20, 2026 (53 school days), the IEP called for "
        "22 sessions of speech-language therapy of 30 minutes each (660 minutes, or 11 hours). "
        "Leo received 9 sessions (255 minutes): 405 minutes were not provided."
    )
    assert report.alerts[0].kind == "low"


def test_dated_entries_of_a_count_can_be_missed_sessions_and_sessions_not_counted() -> None:
    gap = gap_of(
        ana(
            log=[
                {"date": "2026-10-20", "minutes": 15},
                {"date": "2026-10-22", "minutes": 30, "reason": "testing"},
                {"date": "2026-10-27", "minutes": 0, "reason": "student_absent"},
            ]
        )
    ).services[0]
    # 9 sessions: 7 undated (210), the short one (15), the testing one (not counted).
    assert (gap.delivered_sessions, gap.delivered_minutes) == (8, 225)
    assert gap.student_absent_minutes == 30
    assert gap.owed_minutes == 660 - 225 - 30


def test_a_count_with_every_session_dated_is_a_log() -> None:
    gap = gap_of(
        ana(
            received={"sessions": 2},
            log=[{"date": "2026-09-08", "minutes": 30}, {"date": "2026-09-10", "minutes": 30}],
        )
    ).services[0]
    assert gap.from_log and gap.delivered_minutes == 60
    assert gap.shortfalls[0].start == dt.date(2026, 9, 14)


def test_a_count_below_the_log_is_said_beside_the_count_and_the_log_is_used() -> None:
    doc = ana(
        received={"sessions": 1},
        log=[{"date": "2026-09-08", "minutes": 30}, {"date": "2026-09-10", "minutes": 30}],
    )
    report = gap_of(doc)
    assert report.services[0].delivered_sessions == 2
    assert field_alerts(report) == {
        "services.0.received.sessions": "The log lists 2 sessions given: more than the 1 counted "
        "here. Count every session your child had, dated or not."
    }
    assert alert_lines(report)[0].startswith("Speech-language therapy: you counted 1 sessions")


def test_more_sessions_than_the_iep_called_for_is_pointed_out() -> None:
    report = gap_of(document(speech(received={"sessions": 40})))
    assert field_alerts(report) == {
        "services.0.received.sessions": "That is more than the 6 sessions the IEP called for in "
        "these dates. Check the count, or the dates above."
    }
    assert report.services[0].percent_delivered == 100


def test_make_up_sessions_already_given_are_taken_off_what_was_not_provided() -> None:
    report = gap_of(ana(made_up={"sessions": 4}))
    gap = report.services[0]
    assert (gap.made_up_minutes, gap.missed_minutes, gap.owed_minutes) == (120, 405, 285)
    assert summary(report).endswith("120 minutes of them have since been made up.")
    assert "Made up" in report_table(report)


def test_the_weeks_that_fell_short_are_named_in_whole_sessions() -> None:
    entries = [
        {"date": day, "minutes": 30}
        for day in ("2026-10-05", "2026-10-12", "2026-10-14", "2026-10-19")
    ]
    gap = gap_of(logged(*entries)).services[0]
    assert [
        (item.start.day, item.delivered_sessions, item.expected_sessions) for item in gap.shortfalls
    ] == [
        (5, 1, 2),
        (19, 1, 2),
    ]
    assert gap.first_shortfall == dt.date(2026, 10, 5)
