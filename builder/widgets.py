"""The HTML of the tools in the pages, rendered by the same code at build time and in the browser.

At build time every widget is rendered with the example case, so a page is complete before Python
starts; in the browser the adapter keeps the form the parent types into and re-renders the parts
that change (the letter, the results) with these same functions.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from builder import templating
from builder.case import Case
from builder.case_reader import load_case
from builder.complaint import complaint_problems, one_year_check, signature_rule
from builder.form_document import get_path
from builder.gap import compute_gap
from builder.gap_facts import GapReport, Week, rounded
from builder.gap_report import Row, rows
from builder.gap_words import alert_lines, assumption_lines, headline, summary
from builder.i18n import (
    DEFAULT_LANGUAGE,
    hours_text,
    language_data,
    languages,
    long_date,
    messages,
    month_and_year,
    number,
    short_date,
    years_needed,
)
from builder.jurisdictions import State, get_state, load_states, state_name
from builder.letter_catalogue import OTHER_LETTER, catalogue, letter_info
from builder.letters import Letter, blanks, mailto_url, missing_in_words, render_letter
from builder.meeting_sheet import meeting_sheet
from builder.timeline import timeline, to_ics

EMPTY_DOCUMENT: Mapping[str, Any] = {"version": 1}
EXAMPLE_CASE = Path(__file__).with_name("data") / "example-case.json"
FORM = Path(__file__).with_name("data") / "form.json"  # the facts form's fields
COMPLAINT = "state-complaint"
LETTER_LANGUAGE = "language"  # the case's field: the language its letters are written in
# The kinds that carry the facts form: the first of them on a page shows it, the others use it.
NEEDS_FORM = frozenset({"letter", "letter-builder", "gap"})
# The week-by-week chart, in SVG units: about CSS pixels on a phone, where it is drawn about this
# wide (wider screens draw it larger). However many weeks it shows, it keeps its shape and its
# dates their size (13 units, iep.css): one date every few weeks when they are many.
CHART_WIDTH = 256
CHART_HEIGHT = 120
CHART_MARGIN = 4
CHART_DATE_BAND = 20  # below the bars, for the dates
# The widest date at that size: "May 2026" is 57 units in Helvetica's widths, a little more in
# a phone's own fonts.
CHART_DATE_WIDTH = 62
CHART_DATE_ROOM = 72  # from one date to the next
# The most room one week takes (its two bars and a gap, a third each): a date's, so that a few
# weeks are each dated.
CHART_WEEK = CHART_DATE_ROOM
# A list of rows longer than this (a long log) shows its last rows only, until the reader asks for
# all: a page with a thousand rows of fields is slow to draw and to scroll through.
LONG_LIST = 60
SHOWN_OF_LONG_LIST = 50


@dataclass(frozen=True)
class Marker:
    """A `<!-- widget: KIND ARG -->` line of a page."""

    kind: str
    argument: str


def parse_marker(text: str) -> Marker | None:
    """The widget a marker line asks for, or None if the line is not a widget marker."""
    stripped = text.strip()
    if not (stripped.startswith("<!--") and stripped.endswith("-->")):
        return None
    inner = stripped[4:-3].strip()
    label, _, rest = inner.partition(":")
    if label.strip() != "widget":
        return None
    kind, _, argument = rest.strip().partition(" ")
    return Marker(kind.strip(), argument.strip())


@cache
def example_case(language: str = DEFAULT_LANGUAGE) -> Case:
    """The worked example every widget shows before the parent types anything, in the page's
    language (example-case.<language>.json, with the same facts, else the English one)."""
    translated = EXAMPLE_CASE.with_name(f"example-case.{language}.json")
    source = (translated if translated.exists() else EXAMPLE_CASE).read_text(encoding="utf-8")
    return load_case(json.loads(source))


@cache
def form_spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FORM.read_text(encoding="utf-8"))
    return loaded


def render_widget(
    marker: Marker,
    *,
    uid: str,
    with_form: bool,
    today: dt.date,
    language: str = DEFAULT_LANGUAGE,
    root: str = "",
) -> str:
    """The pre-rendered HTML of the widget a marker asks for, in the page's `language` (KeyError
    for an unknown one). `root` leads from the page to its language's top ("../" from
    your-state/), for the links to the state pages."""
    t = messages(language)
    example = example_case(language)
    if marker.kind == "letter":
        return render_letter_widget(
            marker.argument, uid=uid, with_form=with_form, today=today, language=language
        )
    if marker.kind == "letter-builder":
        widget = render_letter_widget(
            marker.argument, uid=uid, with_form=False, today=today, language=language
        )
        return _template("letter-chooser.html.j2").render(
            uid=uid,
            letters=catalogue(),
            chosen=marker.argument,
            facts=render_case_panel(uid=f"{uid}-facts", language=language) if with_form else "",
            widget=widget,
            t=t,
        )
    if marker.kind == "gap":
        return render_gap_widget(uid=uid, with_form=with_form, language=language)
    if marker.kind == "timeline":
        body = render_timeline(example, today=today)
        return _template("timeline.html.j2").render(uid=uid, body=body, t=t)
    if marker.kind == "meeting-sheet":
        sheet = meeting_sheet(example, today=today).text
        return _template("meeting-sheet.html.j2").render(uid=uid, sheet=sheet, t=t)
    if marker.kind == "state-list":
        return _template("state-list.html.j2").render(
            states=_states_by_name(language), root=root, t=t
        )
    if marker.kind == "state-picker":
        summary = render_state_summary("", language, root=root)
        return _template("state-picker.html.j2").render(
            uid=uid, states=_states_by_name(language), summary=summary, root=root, t=t
        )
    raise KeyError(f"unknown widget kind {marker.kind!r}")


def render_letter_widget(
    name: str,
    *,
    uid: str,
    with_form: bool,
    today: dt.date,
    document: Mapping[str, Any] = EMPTY_DOCUMENT,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """A letter builder for one letter, showing the example case's letter, on a page in
    `language`; its forms show `document` (the browser passes the reader's, when the builder
    page switches letters)."""
    case = example_case(language)
    report = compute_gap(case)
    letter = render_letter(name, case, today=today, report=report)
    section = f"letter:{name}"
    letter_form = (
        render_form(section, document, uid=uid, language=language)
        if section_fieldsets(section)
        else ""
    )
    return _template("letter.html.j2").render(
        uid=uid,
        info=letter_info(name),
        letter=letter,
        meaning="",  # the example's letter is in the page's language
        blanks=blanks(letter),
        blanks_note=blanks_note(letter, language),
        readiness=render_readiness(name, case, today=today, report=report, language=language),
        letter_form=letter_form,
        mailto=mailto_url(letter),
        download_href=letter_download_href(letter),
        facts_form=render_case_panel(uid=uid, language=language) if with_form else "",
        t=messages(language),
    )


def render_meaning(letter: Letter, meaning: Letter, language: str) -> str:
    """A letter written in one language, each paragraph beside its meaning in the reader's
    (`meaning`, the same letter from the same facts in `language`). Paragraph by paragraph when
    the two have as many; else the whole of each, side by side."""
    written = [letter.subject, *letter.body.strip().split("\n\n")]
    meant = [meaning.subject, *meaning.body.strip().split("\n\n")]
    pairs = list(zip(written, meant, strict=True)) if len(written) == len(meant) else None
    if pairs is None:
        pairs = [(letter.text, meaning.text)]
    return _template("letter-meaning.html.j2").render(
        pairs=pairs, written=letter.language, meant=language, t=messages(language)
    )


def blanks_note(letter: Letter, language: str = DEFAULT_LANGUAGE) -> str:
    """What a letter still has in [brackets], said beside its Copy and Email buttons."""
    found = blanks(letter)
    if not found:
        return ""
    listed = "; ".join(f"[{blank}]" for blank in found)
    return messages(language)["letter.blanks_note"].format(blanks=listed)


def render_timeline(case: Case, *, today: dt.date) -> str:
    """The case's dates, and a calendar file (.ics) of them as a data: link, in the case's
    language."""
    language = case.language
    events = timeline(case, today=today)
    calendar = to_ics(events, stamp=today)
    return _template("timeline-body.html.j2").render(
        events=events,
        dates=[long_date(event.date, language) for event in events],
        calendar_href="data:text/calendar;charset=utf-8," + quote(calendar, safe=""),
        t=messages(language),
    )


def _states_by_name(language: str) -> list[tuple[State, str]]:
    """Every state with its name in `language`, in that language's alphabetical order."""
    named = [(state, state_name(state, language)) for state in load_states()]
    return sorted(named, key=lambda pair: pair[1].casefold())


def render_state_summary(code: str, language: str = DEFAULT_LANGUAGE, *, root: str = "") -> str:
    """Who takes complaints in the chosen state, and how (only what was confirmed), with a link
    to the state's page (`root` leads from the page to its language's top)."""
    state = get_state(code) if code else None
    if state is None:
        return ""
    return _template("state-summary.html.j2").render(
        state=state,
        name=state_name(state, language),
        root=root,
        language=language,
        t=messages(language),
    )


def render_readiness(
    name: str, case: Case, *, today: dt.date, report: GapReport, language: str = DEFAULT_LANGUAGE
) -> str:
    """What a letter still needs; for the state complaint, every 300.153(b) element and the
    one-year limit, since the page offers the complaint only when it is complete."""
    complaint = name == COMPLAINT
    needs = (
        complaint_problems(case, today=today, report=report)
        if complaint
        else missing_in_words(name, case)
    )
    rules = (
        (*one_year_check(case, today=today, report=report).lines, signature_rule(case))
        if complaint
        else ()
    )
    return _template("readiness.html.j2").render(
        complaint=complaint, needs=needs, rules=rules, t=messages(language)
    )


def letter_ready(name: str, case: Case, *, today: dt.date, report: GapReport) -> bool:
    """Whether the page offers the letter's outputs (only the complaint waits to be complete)."""
    return name != COMPLAINT or not complaint_problems(case, today=today, report=report)


def render_gap_widget(*, uid: str, with_form: bool, language: str = DEFAULT_LANGUAGE) -> str:
    """The gap calculator, showing the example case's numbers."""
    results = render_gap_results(compute_gap(example_case(language)), uid=uid)
    return _template("gap.html.j2").render(
        uid=uid,
        facts_form=render_case_panel(uid=uid, language=language) if with_form else "",
        results=results,
        t=messages(language),
    )


def render_form(
    section: str,
    document: Mapping[str, Any],
    *,
    uid: str,
    problems: Mapping[str, str] | None = None,
    live: bool = False,
    shown_whole: Collection[str] = (),
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """One part of the form showing what the case document holds: "facts" (what every tool
    shares), or "letter:NAME" (the facts one letter needs beyond them).

    `live` is for the browser: its buttons work at once (the build's wait for Python). A list
    longer than LONG_LIST shows its last rows only, unless its path is in `shown_whole`.
    """
    t = messages(language)
    titles = {info.name: t[f"title.{info.name}"] for info in catalogue()}

    def value(path: str) -> str:
        found = get_path(document, path)
        if found is None and path == LETTER_LANGUAGE:
            return language  # until the reader chooses, the letters speak the page's language
        return "" if found is None or isinstance(found, dict | list) else str(found)

    def count(path: str, minimum: int) -> int:
        found = get_path(document, path)
        return max(minimum, len(found) if isinstance(found, list) else 0)

    def first_shown(path: str, rows: int) -> int:
        return 0 if rows <= LONG_LIST or path in shown_whole else rows - SHOWN_OF_LONG_LIST

    def service_name(index: int) -> str:
        return value(f"services.{index}.name") or unnamed(index)

    def unnamed(index: int) -> str:
        return t["form.unnamed_service"].format(n=index + 1)

    def service_heading(key: str, index: int) -> Markup:
        """A heading naming a service; the page's script keeps the name as it is typed."""
        name = Markup('<span data-service-name="{}" data-unnamed="{}">{}</span>').format(
            index, unnamed(index), service_name(index)
        )
        return Markup(escape(t[key]).replace("{name}", name))

    def any_filled(specs: list[dict[str, Any]], prefix: str) -> bool:
        return any(
            get_path(document, prefix + spec["path"]) not in (None, "", {}, []) for spec in specs
        )

    def rows_in(fieldset: dict[str, Any]) -> int:
        """How many rows a folded group holds (over each service, for the log)."""
        path = fieldset["repeat"]["path"]
        if not fieldset.get("each_service"):
            return count(path, 0)
        return sum(count(f"services.{index}.{path}", 0) for index in range(count("services", 1)))

    def options(kind: str) -> list[tuple[str, str]]:
        """A select's values and labels; the letters' come from their catalogue."""
        if kind == "letters":
            return [*titles.items(), (OTHER_LETTER, t["form.sent.other"])]
        if kind == "languages":
            return [(code, language_data(code)["name"]) for code in languages()]
        if kind == "weekdays":
            return [(day, t[f"form.weekday.{day}"]) for day in form_spec()["options"][kind]]
        return [(option, t[f"form.{kind}.{option}"]) for option in form_spec()["options"][kind]]

    return _template("form-section.html.j2").render(
        section=section,
        fieldsets=section_fieldsets(section),
        uid=uid,
        form=form_spec(),
        t=t,
        options=options,
        value=value,
        count=count,
        first_shown=first_shown,
        service_name=service_name,
        service_heading=service_heading,
        any_filled=any_filled,
        rows_in=rows_in,
        problems=problems or {},
        live=live,
    )


def section_fieldsets(section: str) -> list[dict[str, Any]]:
    """The fieldsets of one form section (an unknown letter has none of its own)."""
    kind, _, letter = section.partition(":")
    spec = form_spec()
    fieldsets: list[dict[str, Any]] = spec["letters"].get(letter, []) if letter else spec[kind]
    return fieldsets


def render_case_panel(
    *, uid: str, document: Mapping[str, Any] = EMPTY_DOCUMENT, language: str = DEFAULT_LANGUAGE
) -> str:
    """The facts form, the numbers' headline, and the case tools (remember, export, import,
    forget)."""
    example = compute_gap(example_case(language))
    return _template("case-panel.html.j2").render(
        uid=uid,
        facts_form=render_form("facts", document, uid=uid, language=language),
        headline=render_headline(example, yours=False),
        t=messages(language),
    )


def render_headline(report: GapReport, *, yours: bool) -> str:
    """The numbers in one line, labelled as the reader's own or as the worked example, in the
    report's language."""
    label = messages(report.language)["gap.headline_yours" if yours else "gap.headline_example"]
    return str(Markup("<strong>{}</strong> {}").format(label, headline(report)))


def render_gap_results(report: GapReport, *, uid: str) -> str:
    """The results part of the calculator: sentence, table, chart and its table, warnings, in
    the report's language."""
    language = report.language
    t = messages(language)
    return _template("gap-results.html.j2").render(
        uid=uid,
        sentence=summary(report),
        rows=[_row(row, language) for row in rows(report)],
        warnings=alert_lines(report),
        assumptions=assumption_lines(report),
        weeks_part=_weeks_part(report.weeks, uid, language),
        t=t,
    )


@lru_cache(maxsize=8)
def _weeks_part(weeks: tuple[Week, ...], uid: str, language: str) -> str:
    """The week-by-week chart and its table. Kept while the weeks stay the same, as they do
    while the reader types a name or a letter's facts: a long period has hundreds of weeks."""
    t = messages(language)
    over_a_year = bool(weeks) and years_needed(weeks[0].monday, weeks[-1].monday)
    rows = [
        {
            "label": short_date(week.monday, language, with_year=over_a_year),
            "school_days": week.school_days,
            "expected": number(rounded(week.expected_minutes), language),
            "delivered": t["gap.not_logged"]
            if week.delivered_minutes is None
            else number(week.delivered_minutes, language),
        }
        for week in weeks
    ]
    chart = _chart(weeks, language, by_month=over_a_year)
    return _template("gap-weeks.html.j2").render(uid=uid, weeks=rows, chart=chart, t=t)


def _row(row: Row, language: str) -> dict[str, Any]:
    result = row.result
    percent = result.percent_delivered
    return {
        "name": row.label,
        "expected": number(rounded(result.expected_minutes), language),
        "delivered": number(result.delivered_minutes, language),
        "missed": number(rounded(result.missed_minutes), language),
        "absent": number(result.student_absent_minutes, language),
        "made_up": number(result.made_up_minutes, language) if result.made_up_minutes else "",
        "owed": number(rounded(result.owed_minutes), language),
        "owed_hours": hours_text(rounded(result.owed_minutes), language),
        "percent": "" if percent is None else f"{percent}%",
        "total": row.total,
    }


def _chart(weeks: tuple[Week, ...], language: str, *, by_month: bool) -> dict[str, Any]:
    """Bar geometry for the week-by-week chart (the table beside it carries the same numbers),
    its weeks dated Sep 14, or by_month Sep 2026."""
    top = max(
        [rounded(week.expected_minutes) for week in weeks]
        + [week.delivered_minutes or 0 for week in weeks]
        + [1]
    )
    plot = CHART_HEIGHT - CHART_DATE_BAND
    room = min(CHART_WEEK, (CHART_WIDTH - 2 * CHART_MARGIN) / max(len(weeks), 1))
    bar = room / 3
    dated_every = math.ceil(CHART_DATE_ROOM / room)
    last_date_x = CHART_WIDTH - CHART_MARGIN - CHART_DATE_WIDTH
    date = partial(month_and_year if by_month else short_date, language=language)
    bars = []
    for index, week in enumerate(weeks):
        x = CHART_MARGIN + index * room
        expected = rounded(week.expected_minutes) * plot // top
        delivered = None if week.delivered_minutes is None else week.delivered_minutes * plot // top
        bars.append(
            {
                "x": round(x, 2),
                "delivered_x": round(x + bar, 2),
                "expected_y": plot - expected,
                "expected_height": expected,
                "delivered_y": None if delivered is None else plot - delivered,
                "delivered_height": delivered,
                "label": None if index % dated_every or x > last_date_x else date(week.monday),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bar_width": round(bar, 2),
        "bars": bars,
        "received": any(week.delivered_minutes is not None for week in weeks),
    }


def letter_download_href(letter: Letter) -> str:
    """The data: URL the Download link carries, so it works before and without Python. In
    base64, which is encoded at C speed, where percent-encoding is a Python loop over every
    byte of the letter, on every keystroke."""
    encoded = base64.b64encode(letter.text.encode("utf-8")).decode("ascii")
    return "data:text/plain;charset=utf-8;base64," + encoded


@cache
def environment() -> jinja2.Environment:
    """The tools' templates, as they are rendered (and compiled for the browser)."""
    return jinja2.Environment(
        loader=templating.loader(jinja2.PackageLoader("builder", "templates"), "widgets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _template(name: str) -> jinja2.Template:
    return environment().get_template(name)
