"""Hostile and broken input: every field of every tool takes it without harm.

The core part types each hostile value into every field of every tool at once, the way the page
does (`set_path`, `without_blanks`, `read_case`), then runs everything the page runs on it: the gap
calculator, every letter, the forms, the results, the timeline. Nothing may raise or execute, the
forms keep every value as typed, and every invalid value gets a plain message on its own field.
Then each field alone gets a value it must refuse, and every other value must still be read. The
browser part types a representative subset into the live tools, and imports broken, foreign and
hostile case files.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from builder.case import MAX_TEXT, Case, CaseError
from builder.case_reader import loads_case, read_case
from builder.case_writer import case_to_dict
from builder.form_document import (
    as_form_document,
    get_path,
    remove_item,
    set_path,
    without_blanks,
)
from builder.gap import compute_gap
from builder.i18n import text
from builder.letter_catalogue import catalogue
from builder.letters import Letter, render_letter
from builder.widgets import (
    Marker,
    form_spec,
    render_form,
    render_gap_results,
    render_readiness,
    render_state_summary,
    render_timeline,
    render_widget,
)
from tests.conftest import BuiltSite, Visit
from tests.test_browser import (
    BOOT_TIMEOUT_MS,
    READY,
    open_builder,
    settled,
    type_example_case,
)

TODAY = dt.date(2026, 11, 2)
SCRIPT_INJECTION = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
)
TEMPLATE_SYNTAX = ("{{ 7*7 }}", "{% raw %}", "{{ config }}", "${7*7}")
HOSTILE = (
    *SCRIPT_INJECTION,
    *TEMPLATE_SYNTAX,
    "x" * 100_000,
    "👩‍👩‍👧‍👦 Sam 🏳️‍🌈",  # ZWJ sequences: one family, one flag
    "سام ريفيرا",
    "סם ריברה",
    "\u202eSam Rivera",  # a right-to-left override, which could disguise text
    "Sam\x00Rivera",
    "\x07",
    "\x1b[31mred",
    "2026-02-30",
    "2026-13-01",
    "0202-09-14",  # 2026 half typed into a date field
    "-5",
    "1e309",
    "99999999999999999999",
    "9" * 5_000,  # longer than Python converts to a number
    "²",  # a digit, to str.isdigit, that int() refuses
    "",
    "   ",
    "\t\n",
)
# A case typed into every field of every tool, valid throughout; each hostile value replaces one.
BASELINE: dict[str, Any] = {
    "version": 1,
    "language": "en",
    "interpreter_language": "Spanish",
    "state": "CA",
    "parent": {
        "name": "Ana Rivera",
        "email": "ana@example.org",
        "phone": "(559) 555-0142",
        "address": "12 Oak St, Fresno, CA 93701",
    },
    "child": {
        "name": "Sam Rivera",
        "school": "Lincoln Elementary",
        "address": "12 Oak St, Fresno, CA 93701",
        "homeless": True,
        "contact": "Through the school office",
        "grade": "3",
        "birth_date": "2018-03-14",
        "student_id": "204411",
    },
    "contacts": {
        "case_manager": {"name": "Ms. Lee", "email": "lee@example.org"},
        "director": {"name": "Dr. Reyes", "email": "reyes@example.org"},
        "district": "Valley Unified School District",
        "principal": {"name": "Mr. Chen", "email": "chen@example.org"},
    },
    "iep_date": "2026-09-02",
    "cc": {"principal": True, "director": False},
    "period": {"start": "2026-10-05", "end": "2026-10-23"},
    "services": [
        {
            "name": "Speech-language therapy",
            "minutes": "30",
            "times": "2",
            "per": "week",
            "setting": "individual",
            "delivery": "pull-out",
            "start": "2026-09-01",
            "end": "2027-06-15",
            "days": {"mon": False, "tue": True, "wed": False, "thu": True, "fri": False},
            "weeks_on": "3",
            "weeks_cycle": "4",
            "cycle_days": "6",
            "made_up": {"sessions": "1"},
            "as_written": "Speech 2x30 min/wk",
            "log": [
                {
                    "date": "2026-10-06",
                    "minutes": "20",
                    "reason": "provider_absent",
                    "note": "Session cut short",
                }
            ],
        }
    ],
    "no_school": [{"start": "2026-10-12", "end": "2026-10-12", "label": "Fall holiday"}],
    "incidents": [
        {"date": "2026-10-07", "support": "Extended time on tests", "note": "Not given at all"}
    ],
    "requests": {"records_requested_on": "2026-10-01"},
    "letters_sent": [{"letter": "case-manager-note", "date": "2026-10-26", "to": "Ms. Lee"}],
    "replies": [{"date": "2026-10-28", "from": "Ms. Lee", "summary": "She will look into it."}],
    "conversations": [
        {"date": "2026-10-20", "with": "Mr. Diaz", "how": "phone", "points": ["Sessions resume."]}
    ],
    "meeting": {
        "offered": [
            {"date": "2026-12-01", "time": "3:30 pm"},
            {"date": "2026-12-02", "time": "8:00 am"},
            {"date": "2026-12-03", "time": "noon"},
        ],
        "held_on": "2026-11-10",
        "attendees": ["Ms. Okafor"],
        "agreed": ["Two make-up sessions a week."],
    },
    "compensatory": {
        "proposed_schedule": "One extra session each week until June.",
        "impact": "He stopped making progress on his speech goal.",
    },
    "refusal": {"date": "2026-10-30", "by": "Dr. Reyes", "what": "Make-up sessions were refused."},
    "complaint": {
        "violation": "The district has not provided the speech therapy in the IEP.",
        "proposed_resolution": "Make-up sessions for the minutes missed.",
        "signature": "Ana Rivera",
        "filed_on": "2026-11-02",
        "mediation": "yes",
        "due_process": False,
    },
}
# The counts of what was received, in sessions or in minutes: one is tried at a time, on a service
# without the log, since a count beside a log also checks the two against each other.
WITHOUT_LOG = {"services.0.received.sessions", "services.0.received.minutes"}
# The reader sets a whole row aside when a value it cannot do without is invalid (the form still
# shows the row as typed): these are the rows and the values each one needs.
ROWS_NEED = {
    "period": ("start", "end"),
    "services.0": ("name", "minutes", "per"),
    "services.0.log.0": ("date", "minutes"),
    "no_school.0": ("start", "end"),
    "incidents.0": ("date", "support"),
    "letters_sent.0": ("letter", "date"),
    "replies.0": ("date",),
    "conversations.0": ("date",),
    **{f"meeting.offered.{index}": ("date",) for index in range(3)},
    # The days a service is given: one box neither ticked nor not sets the days aside.
    "services.0.days": ("mon", "tue", "wed", "thu", "fri"),
}
# Values the reader uses only with another that is valid too: a bad one sets these aside with it.
NEEDED_WITH = {
    "services.0.times": ("services.0.days.", "services.0.made_up.sessions"),
    "services.0.weeks_on": ("services.0.weeks_cycle",),
    "services.0.weeks_cycle": ("services.0.weeks_on",),
}
TEXT_KINDS = ("text", "textarea", "tel")
# A letter sent is chosen from the catalogue in the form, but a case file may name any other
# letter, which is quoted as written: for the reader it is text.
FREE_TEXT_CHOICE = re.compile(r"letters_sent\.[0-9]+\.letter")
CHOICE_KINDS = ("select", "checkbox")
# What a required field left blank is told.
NEEDED = {text("case.required"), text("case.service_name_missing")}


@dataclass(frozen=True)
class Field:
    path: str
    kind: str  # text, textarea, tel, email, date, number, select, checkbox
    options: tuple[str, ...] = ()


class _Elements(HTMLParser):
    """The tags and attributes of a piece of HTML, and the fields with the values they show."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.fields: dict[str, Field] = {}
        self.values: dict[str, str] = {}
        self._open: tuple[str, str] | None = None  # the select or textarea being read
        self._options: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        self.tags.append((tag, named))
        path = named.get("data-path")
        if tag == "input" and path and named.get("type") == "checkbox":
            self.fields[path] = Field(path, "checkbox", ("True",))
            self.values[path] = str("checked" in named)
        elif tag == "input" and path:
            numeric = named.get("inputmode") == "numeric"
            self.fields[path] = Field(path, "number" if numeric else named.get("type", "text"))
            self.values[path] = named.get("value", "")
        elif tag in ("select", "textarea") and path:
            self._open, self._options = (tag, path), []
            self.values[path] = ""
        elif tag == "option" and self._open:
            self._options.append(named.get("value", ""))
            if "selected" in named:
                self.values[self._open[1]] = named.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._open and self._open[0] == "textarea":
            self.values[self._open[1]] += data

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            path = self._open[1]
            options = tuple(option for option in self._options if option)
            self.fields[path] = Field(path, tag, options)
            self._open = None


def _form_html(document: dict[str, Any]) -> str:
    sections = ["facts", *(f"letter:{name}" for name in form_spec()["letters"])]
    return "".join(render_form(section, document, uid="t") for section in sections)


def tool_fields() -> tuple[Field, ...]:
    """Every field of every tool, read from the HTML the pages carry (one row of each list)."""
    state_picker = render_widget(Marker("state-picker", ""), uid="t", with_form=False, today=TODAY)
    found = _Elements(_form_html(BASELINE) + state_picker).fields
    found.update({path: Field(path, "number") for path in WITHOUT_LOG})
    return tuple(found[path] for path in sorted(found))


def _is_text(field: Field) -> bool:
    return field.kind in TEXT_KINDS or FREE_TEXT_CHOICE.fullmatch(field.path) is not None


def _is_blank(field: Field, value: str) -> bool:
    """Left empty: white space only, or in a text field nothing once control characters go."""
    if _is_text(field):
        value = "".join(c for c in value if c.isprintable())
    return not value.strip()


def _is_valid(field: Field, value: str) -> bool:
    """Whether `value` is acceptable in `field`: the oracle the reader is checked against."""
    if _is_blank(field, value):
        return True
    if _is_text(field):
        return len(value) <= MAX_TEXT
    if field.kind == "date":
        try:
            return 2000 <= dt.date.fromisoformat(value.strip()).year <= 2099
        except ValueError:
            return False
    if field.kind == "number":
        digits = value.strip()
        return digits.isdecimal() and len(digits.lstrip("0")) <= 4 and int(digits) <= 1000
    if field.kind in CHOICE_KINDS:
        return value in field.options
    return field.kind == "email" and "@" in value and " " not in value.strip()


def _read_values(case: Case) -> dict[str, Any]:
    """What the reader made of the case, in the form's own shape (read with `get_path`)."""
    return as_form_document(case_to_dict(case))


def _row_set_aside(hostile_path: str, other: str) -> bool:
    """Whether `other` is in the row the reader drops because the value at `hostile_path` is bad."""
    row, _, name = hostile_path.rpartition(".")
    if any(other.startswith(needed) for needed in NEEDED_WITH.get(hostile_path, ())):
        return True
    return name in ROWS_NEED.get(row, ()) and other.startswith(row + ".")


def _everything_shown(case: Case, document: dict[str, Any]) -> tuple[list[Letter], str]:
    """What the page shows for a case: its letters, and the HTML of its forms and results."""
    report = compute_gap(case)
    letters = [render_letter(info.name, case, today=TODAY, report=report) for info in catalogue()]
    html = "".join(
        (
            _form_html(document),
            render_gap_results(report, uid="t"),
            render_timeline(case, today=TODAY),
            render_state_summary(case.state),
            *(
                render_readiness(info.name, case, today=TODAY, report=report)
                for info in catalogue()
            ),
        )
    )
    return letters, html


def _one_value_everywhere(value: str, fields: tuple[Field, ...]) -> list[str]:
    """Type `value` into every field at once; what went wrong, one line per failure."""
    failures: list[str] = []

    def check(condition: bool, path: str, what: str) -> None:
        if not condition:
            failures.append(f"{path} = {value[:30]!r}: {what}")

    document = copy.deepcopy(BASELINE)
    for field in fields:
        set_path(document, field.path, value)
    try:
        case, problems = read_case(without_blanks(document))
        letters, html = _everything_shown(case, document)
    except Exception as error:  # report it as a failure of this value, and go on to the next
        return [f"{value[:30]!r}: raised {type(error).__name__}: {error}"]
    paths = {field.path for field in fields}
    for problem in problems:
        check(0 < len(problem.message) < 300, problem.path, f"not plain: {problem.message[:80]!r}")
        check(problem.path in paths, problem.path, "a message where there is no field")
    elements = _Elements(html)
    for tag, attributes in elements.tags:
        check(tag not in ("script", "img", "iframe"), "", f"a <{tag}> element came out")
        handlers = [name for name in attributes if name.startswith("on")]
        check(not handlers, "", f"an event handler came out: {handlers}")
    for field in fields:
        on_field = {problem.message for problem in problems if problem.path == field.path}
        if not _is_valid(field, value):
            check(bool(on_field), field.path, "no message beside the field")
        elif _is_blank(field, value):
            check(on_field <= NEEDED, field.path, f"a blank value was refused: {on_field}")
        else:
            check(not on_field, field.path, f"a valid value was refused: {on_field}")
        if field.kind not in CHOICE_KINDS and field.path in elements.values:
            check(elements.values[field.path] == value, field.path, "the form lost the value")
    name = Field("child.name", "text")
    if _is_valid(name, value) and not _is_blank(name, value):
        cleaned = "".join(c for c in value if c in "\n\t\u200d" or c.isprintable()).strip()
        for letter in letters:
            check(cleaned in letter.text, letter.name, "the letter does not quote it as typed")
    return failures


def _others_survive(field: Field, value: str) -> list[str]:
    """Type `value` into `field` alone: every other value the reader took is still taken.

    When the value sets its row aside, the rows after it move up, as they do in the case read."""
    document = copy.deepcopy(BASELINE)
    if field.path in WITHOUT_LOG:
        del document["services"][0]["log"]
    expected = copy.deepcopy(document)
    row, _, name = field.path.rpartition(".")
    if name in ROWS_NEED.get(row, ()) and row.rpartition(".")[2].isdigit():
        remove_item(expected, row)
    before = _read_values(read_case(without_blanks(expected))[0])
    set_path(document, field.path, value)
    case, problems = read_case(without_blanks(document))
    after = _read_values(case)
    failures = [
        f"{field.path} = {value[:30]!r}: a message on {problem.path}"
        for problem in problems
        if problem.path != field.path and not _row_set_aside(field.path, problem.path)
    ]
    for other in tool_fields():
        skipped = other.path == field.path or _row_set_aside(field.path, other.path)
        if not skipped and get_path(after, other.path) != get_path(before, other.path):
            failures.append(f"{field.path} = {value[:30]!r}: the reader lost {other.path}")
    return failures


# For each kind of field, a value it must refuse (the others are tried everywhere at once).
REFUSED = {
    "date": "2026-02-30",
    "number": "99999999999999999999",
    "email": '"><svg onload=alert(1)>',
    "select": "<img src=x onerror=alert(1)>",
    "checkbox": "{{ 7*7 }}",
}


def test_every_field_takes_every_hostile_value_without_harm(
    trust_report: dict[str, str],
) -> None:
    fields = tool_fields()
    assert len(fields) >= 50, "every field of every tool, the state picker included"
    assert read_case(without_blanks(BASELINE))[1] == (), "the baseline case is valid"
    unfilled = [field.path for field in fields if get_path(BASELINE, field.path) is None]
    assert set(unfilled) == WITHOUT_LOG, "the baseline fills every field the form shows"
    failures: list[str] = []
    for value in HOSTILE:
        failures += _one_value_everywhere(value, fields)
    for field in fields:
        failures += _others_survive(field, REFUSED.get(field.kind, "x" * 100_000))
    tried = len(fields) * len(HOSTILE)
    trust_report["hostile values tried (core)"] = (
        f"{len(HOSTILE)} values x {len(fields)} fields = {tried}; failures: {len(failures)}"
    )
    assert failures == [], "\n".join(failures[:40])


@pytest.mark.parametrize(
    "source",
    [
        "{not json",
        "[1, 2, 3]",
        '{"version": 2}',
        '{"name": "my-app", "version": "2.0.0", "dependencies": {}}',
        '{"version": 1, "school_year_days": ' + "9" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        '{"version": 1, "child": {"name": ' + "[" * 40 + "]" * 40 + "}}",
        "",
        "\x00\x01binary",
    ],
    ids=[
        "not-json",
        "array",
        "version-2",
        "foreign",
        "huge-number",
        "deep-nesting",
        "deep-field",
        "empty",
        "binary",
    ],
)
def test_a_broken_or_foreign_case_file_gets_one_plain_reason(source: str) -> None:
    with pytest.raises(CaseError) as refused:
        loads_case(source)
    problems = refused.value.problems
    assert problems and all(0 < len(problem.message) < 300 for problem in problems)
    assert any(problem.path in ("", "version") for problem in problems), "the page refuses it"


def test_numbers_that_are_not_finite_are_refused_plainly() -> None:
    case, problems = read_case(json.loads('{"version": 1, "school_year_days": 1e309}'))
    assert [problem.path for problem in problems] == ["school_year_days"]
    assert case.school_year_days == 180
    case, problems = read_case({"version": 1, "school_year_days": float("nan")})
    assert [problem.path for problem in problems] == ["school_year_days"]


# -- in the browser -----------------------------------------------------------------------------

# The fields typed into on each page: a text field, a number field, and a date field (a date input
# takes keystrokes, not text: what it makes of them is what the reader sees).
TYPED_FIELDS = (
    Field("child.name", "text"),
    Field("services.0.minutes", "number"),
    Field("period.start", "date"),
)
# Elements that could run something: any script, image or frame, and any element with a handler.
INJECTED = """() => [...document.querySelectorAll('*')].filter(element =>
    ['SCRIPT', 'IMG', 'IFRAME'].includes(element.tagName)
    || [...element.attributes].some(attribute => attribute.name.startsWith('on'))).length"""


def _open_with_guards(visit: Visit, site: BuiltSite, page_path: str) -> tuple[Any, list[str]]:
    """The tool page, ready and filled in, with every dialog it tries to open recorded."""
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    visit.page.on("dialog", refuse)
    page = open_builder(visit, site, page_path)
    type_example_case(page)
    return page, dialogs


def _typed_values(field: Field) -> tuple[str, ...]:
    """The hostile values a field can take: a date input ignores keys other than digits."""
    if field.kind == "date":
        return tuple(value for value in HOSTILE if any(c.isdigit() for c in value))
    return HOSTILE


FIELD_VALUES = """() => Object.fromEntries([...document.querySelectorAll('[data-path]')].map(
    field => [field.dataset.path,
              field.type === 'checkbox' ? String(field.checked) : field.value]))"""
# Everything checked after a value is typed, read in one call.
AFTER_TYPING = f"""([path, typed]) => {{
    const field = document.querySelector(`[data-path="${{path}}"]`);
    return {{
        shown: field.value,
        accepted: Object.assign(document.createElement('input'), {{value: typed}}).value,
        error: document.querySelector(`[data-error-for="${{path}}"]`).textContent,
        invalid: field.getAttribute('aria-invalid') === 'true',
        values: ({FIELD_VALUES})(),
        injected: ({INJECTED})(),
    }};
}}"""


def _field_values(page: Any) -> dict[str, str]:
    values: dict[str, str] = page.evaluate(f"() => ({FIELD_VALUES})()")
    return values


@pytest.mark.parametrize("page_path", ["guide/get-specific/", "builder/"])
def test_hostile_values_typed_into_the_tools_are_harmless(
    visit: Visit, site: BuiltSite, page_path: str, trust_report: dict[str, str]
) -> None:
    page, dialogs = _open_with_guards(visit, site, page_path)
    injected = page.evaluate(INJECTED)
    failures: list[str] = []
    for field in TYPED_FIELDS:
        locator = page.locator(f'[data-path="{field.path}"]').first
        before = _field_values(page)
        others = {path: value for path, value in before.items() if path != field.path}
        for value in _typed_values(field):
            if field.kind == "date":  # keystrokes: the date input makes of them what it can
                locator.fill("")
                locator.press_sequentially(value[:12])
            else:
                locator.fill(value)
            settled(page)
            after = page.evaluate(AFTER_TYPING, [field.path, value])
            what = f"{field.path} = {value[:20]!r}"
            shown, error = after["shown"], after["error"]
            if field.kind != "date" and shown != after["accepted"]:
                failures.append(f"{what}: the field shows {shown[:20]!r}")
            blank_and_needed = _is_blank(field, shown) and error in NEEDED
            if (not _is_valid(field, shown) or blank_and_needed) != bool(error):
                failures.append(f"{what}: the message beside it is {error!r}")
            if bool(error) != after["invalid"]:
                failures.append(f"{what}: aria-invalid does not match the message")
            if {path: v for path, v in after["values"].items() if path != field.path} != others:
                failures.append(f"{what}: another field changed")
            if after["injected"] != injected:
                failures.append(f"{what}: an element that could run something appeared")
        locator.fill(before[field.path])
        settled(page)
    tried = sum(len(_typed_values(field)) for field in TYPED_FIELDS)
    trust_report[f"hostile values typed in the browser ({page_path})"] = (
        f"{tried}; failures: {len(failures)}; dialogs: {len(dialogs)}; errors: {len(visit.errors)}"
    )
    assert failures == [], "\n".join(failures)
    assert dialogs == [], "nothing typed may run"
    assert visit.errors == []


def test_a_hostile_case_file_is_shown_as_text_with_its_messages(
    visit: Visit, site: BuiltSite, tmp_path: Path
) -> None:
    page, dialogs = _open_with_guards(visit, site, "builder/")
    injected = page.evaluate(INJECTED)
    hostile = copy.deepcopy(BASELINE)
    for field in tool_fields():
        if field.path not in WITHOUT_LOG:
            set_path(hostile, field.path, SCRIPT_INJECTION[1])
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(hostile))
    page.locator('input[data-action="import"]').first.set_input_files(str(path))
    page.wait_for_function(
        "v => document.querySelector('[data-path=\"child.name\"]').value === v",
        arg=SCRIPT_INJECTION[1],
    )
    assert "need attention" in page.locator('[data-role="case-message"]').first.text_content()
    for field_path in ("services.0.per", "services.0.minutes", "period.start", "parent.email"):
        error = page.locator(f'[data-error-for="{field_path}"]').first
        assert error.text_content(), f"a message beside {field_path}"
        assert page.locator(f'[data-path="{field_path}"]').first.get_attribute("aria-invalid")
    assert SCRIPT_INJECTION[1] in page.locator('[data-role="body"]').first.text_content()
    assert page.evaluate(INJECTED) == injected
    assert dialogs == []
    assert visit.errors == []


BROKEN_FILES = {
    "a JSON array": "[1, 2, 3]",
    "a foreign JSON file": '{"name": "my-app", "version": "2.0.0"}',
    "version 2": '{"version": 2, "child": {"name": "Newer"}}',
    "deeply nested JSON": "[" * 100_000 + "]" * 100_000,
    "an empty file": "",
    "a 5 MB file": '{"version": 1, "child": {"name": "' + "x" * 5_000_000 + '"}}',
}


def test_a_malformed_or_foreign_case_file_is_explained_and_nothing_typed_is_lost(
    visit: Visit, site: BuiltSite, tmp_path: Path
) -> None:
    page, dialogs = _open_with_guards(visit, site, "builder/")
    message = page.locator('[data-role="case-message"]').first
    for name, content in BROKEN_FILES.items():
        path = tmp_path / "case.json"
        path.write_text(content)
        message.evaluate("element => { element.textContent = '' }")
        page.locator('input[data-action="import"]').first.set_input_files(str(path))
        page.wait_for_function("element => element.textContent", arg=message.element_handle())
        assert "could not be loaded" in message.text_content(), name
        assert "Nothing you typed was changed" in message.text_content(), name
        assert page.locator('[data-path="child.name"]').first.input_value() == "Sam Rivera", name
    assert "Sam Rivera" in page.locator('[data-role="body"]').first.text_content()
    assert dialogs == []
    assert visit.errors == []


SAVED = "iep-follow-through:case:v1"
DAMAGED_SAVES = {
    "not an object": "null",
    "a newer version": '{"version": 2}',
    "deeply nested": "[" * 100_000 + "]" * 100_000,
}


def test_a_damaged_saved_case_of_any_kind_is_explained_and_set_aside(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.goto(site.url + "builder/")
    for name, saved in DAMAGED_SAVES.items():
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [SAVED, saved])
        page.reload()
        page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
        message = page.locator('[data-role="case-message"]').first.text_content()
        assert "could not be read" in message, name
        assert page.evaluate("key => localStorage.getItem(key)", SAVED) is None, name
    assert visit.errors == []


def test_a_saved_case_with_bad_values_is_loaded_with_each_one_explained(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.goto(site.url + "builder/")
    saved = {"version": 1, "child": {"name": "Sam Rivera"}, "services": [{"minutes": "thirty"}]}
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [SAVED, json.dumps(saved)])
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert page.locator('[data-path="child.name"]').first.input_value() == "Sam Rivera"
    assert page.locator('[data-path="services.0.minutes"]').first.input_value() == "thirty"
    error = page.locator('[data-error-for="services.0.minutes"]').first.text_content()
    assert error == text("case.not_whole_number")
    assert "need attention" in page.locator('[data-role="case-message"]').first.text_content()
    assert visit.errors == []
