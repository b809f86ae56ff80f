"""The calculator's week-by-week chart, as builder/widgets.py draws it: the same shape and
readable dates however many weeks it shows, and dates that name one week each."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from html.parser import HTMLParser
from typing import Any

import pytest

from builder.case_reader import load_case
from builder.gap import compute_gap
from builder.widgets import (
    CHART_DATE_ROOM,
    CHART_DATE_WIDTH,
    CHART_HEIGHT,
    CHART_WIDTH,
    Marker,
    render_gap_results,
    render_headline,
    render_letter_widget,
    render_state_summary,
    render_widget,
)
from tests.conftest import EXAMPLE_CASE


class Chart(HTMLParser):
    """The chart's view box, bars and dates, and the labels of the weeks' table."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.view_box = ""
        self.bars: list[tuple[float, float]] = []  # x, width
        self.dates: list[tuple[float, str]] = []  # x, text
        self.week_rows: list[str] = []  # the table after the chart
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "svg":
            self.view_box = named["viewbox"]
        elif tag == "rect":
            self.bars.append((float(named["x"]), float(named["width"])))
        elif tag == "text":
            self._in = named["x"]
        elif tag == "th" and named.get("scope") == "row" and self.view_box:
            self._in = "row"

    def handle_data(self, data: str) -> None:
        if self._in == "row":
            self.week_rows.append(data)
        elif self._in is not None:
            self.dates.append((float(self._in), data))
        self._in = None


def chart_of_weeks(weeks: int) -> Chart:
    """The calculator's results for the worked example over `weeks` weeks from its start."""
    data: dict[str, Any] = json.loads(EXAMPLE_CASE.read_text(encoding="utf-8"))
    start = dt.date.fromisoformat(data["period"]["start"])
    data["period"]["end"] = (start + dt.timedelta(weeks=weeks - 1, days=4)).isoformat()
    return Chart(render_gap_results(compute_gap(load_case(data)), uid="t"))


@pytest.mark.parametrize("weeks", [1, 3, 10, 13, 40, 41, 150, 400])
def test_the_chart_keeps_its_shape_and_its_dates_fit_however_many_weeks(weeks: int) -> None:
    chart = chart_of_weeks(weeks)
    assert chart.view_box == f"0 0 {CHART_WIDTH} {CHART_HEIGHT}"
    assert chart.bars, "bars drawn"
    for x, width in chart.bars:
        assert width > 0
        assert x >= 0
        assert x + width <= CHART_WIDTH
    starts = [x for x, _ in chart.dates]
    assert starts[0] == min(x for x, _ in chart.bars), "the first week is dated"
    assert all(x + CHART_DATE_WIDTH <= CHART_WIDTH for x in starts), "every date inside the chart"
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert all(gap >= CHART_DATE_ROOM for gap in gaps), "no date on another"
    assert len(chart.dates) >= min(weeks, 3), "dates across the whole chart"


def test_a_few_weeks_are_each_dated() -> None:
    assert [text for _, text in chart_of_weeks(3).dates] == ["Sep 14", "Sep 21", "Sep 28"]


def test_over_a_year_the_dates_carry_their_year() -> None:
    chart = chart_of_weeks(60)
    assert chart.dates[0][1] == "Sep 2026"
    assert chart.week_rows[0] == "Sep 14, 2026"
    assert "Sep 13, 2027" in chart.week_rows
    assert len(set(chart.week_rows)) == len(chart.week_rows), "each date names one week"


def test_within_a_year_the_dates_are_short() -> None:
    chart = chart_of_weeks(40)
    assert chart.dates[0][1] == "Sep 14"
    assert chart.week_rows[0] == "Sep 14"


def test_received_bars_and_their_key_need_every_service_logged() -> None:
    data: dict[str, Any] = json.loads(EXAMPLE_CASE.read_text(encoding="utf-8"))
    assert [bool(service.get("log")) for service in data["services"]] == [True, False]
    mixed = render_gap_results(compute_gap(load_case(data)), uid="t")
    assert "iep-bar--delivered" not in mixed and "iep-key--delivered" not in mixed
    assert "once every service has a dated log" in mixed
    data["services"] = data["services"][:1]
    logged = render_gap_results(compute_gap(load_case(data)), uid="t")
    assert "iep-bar--delivered" in logged and "iep-key--delivered" in logged
    assert "once every service has a dated log" not in logged


# -- the results, as the page shows them --------------------------------------------------------


def test_two_services_with_one_name_are_told_apart_on_the_page_as_in_the_letters() -> None:
    case = load_case(
        {
            "version": 1,
            "period": {"start": "2026-09-28", "end": "2026-10-23"},
            "services": [
                {"name": "Speech", "minutes": 30, "times": 2, "per": "week", "end": "2026-10-09"},
                {"name": "Speech", "minutes": 30, "times": 3, "per": "week", "start": "2026-10-12"},
            ],
        }
    )
    html = render_gap_results(compute_gap(case), uid="t")
    assert '<th scope="row" role="rowheader">Speech (Sep 28 to Oct 9)</th>' in html
    assert '<th scope="row" role="rowheader">Speech (Oct 12 to Oct 23)</th>' in html


def test_the_headline_says_the_numbers_in_one_line() -> None:
    report = compute_gap(load_case(json.loads(EXAMPLE_CASE.read_text())))
    assert render_headline(report, yours=False) == (
        "<strong>Worked example:</strong> 465 of 900 minutes received (52%). "
        "Not provided: 435 minutes."
    )
    assert render_headline(report, yours=True).startswith("<strong>Your numbers:</strong> ")


def test_a_letter_with_blanks_says_which_beside_its_buttons() -> None:
    html = render_letter_widget("follow-up", uid="t", with_form=False, today=dt.date(2026, 11, 23))
    assert 'data-role="blanks" hidden' in html, "the worked example has no blanks"


def test_how_a_state_takes_complaints_is_in_the_pages_language() -> None:
    assert "Confirmed: by mail, by fax." in render_state_summary("CA")
    assert "Confirmado: por correo postal, por fax." in render_state_summary("CA", "es")
    listed = render_widget(
        Marker("state-list", ""),
        uid="s",
        with_form=False,
        today=dt.date(2026, 11, 23),
        language="es",
    )
    assert '<a href="states/north-carolina/">Carolina del Norte</a>' in listed
