"""A parent's real evening (issue 22), on a phone, in Chromium, Firefox and WebKit.

Ana's son Leo: "Speech-language therapy, 30 minutes, 2 times per week" and "extended time on
tests". From September 8 to November 20 he had 9 sessions by her count, one of them only 15
minutes; school was closed on November 11; extended time was not given on a test on October 15;
she emailed the case manager on October 1. She types it as she has it, and every letter carries
the same numbers: 22 sessions called for, 255 minutes received, 405 not provided.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import BuiltSite, Visit
from tests.engines import EnginePage
from tests.site import new_context
from tests.test_browser import BOOT_TIMEOUT_MS, READY, SETTLED
from tests.test_engines import ENGINES

PHONE = (390, 844)
LIVE = f"!!document.querySelector('{READY}')"
# Put a value into a field as a reader's typing does: open the folded group it is in, set it,
# and tell the page (an input event, or a change event for a list or a box).
FILL = """((path, value) => {
  const field = document.querySelector(`[data-path="${path}"]`);
  if (!field) return false;
  for (let node = field.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  field.focus();
  if (field.type === "checkbox") field.checked = value;
  else field.value = value;
  const kind = field.tagName === "SELECT" || field.type === "checkbox" ? "change" : "input";
  field.dispatchEvent(new Event(kind, { bubbles: true }));
  return true;
})"""
ADD_ROW = """(list => {
  const button = document.querySelector(`[data-action="add"][data-list="${list}"]`);
  for (let node = button.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  button.click();
  return true;
})"""
LETTER = 'document.querySelector(\'[data-widget="letter"] [data-role="body"]\').textContent'
ANA = {
    "parent.name": "Ana Torres",
    "parent.email": "ana.torres@example.org",
    "child.name": "Leo",
    "child.school": "Travis Elementary",
    "contacts.case_manager.name": "Ms. Patel",
    "contacts.case_manager.email": "patel@example.org",
    "period.start": "2026-09-08",
    "period.end": "2026-11-20",
    "services.0.name": "Speech-language therapy",
    "services.0.minutes": "30",
    "services.0.times": "2",
    "services.0.per": "week",
    "services.0.received.sessions": "9",
}
# Rows she adds: a list, and the values of its first row.
ANA_ROWS = {
    "no_school": {"start": "2026-11-11", "end": "2026-11-11", "label": "Veterans Day"},
    "services.0.log": {"date": "2026-10-20", "minutes": "15", "note": "cut short"},
    "incidents": {"date": "2026-10-15", "support": "Extended time on tests"},
    "letters_sent": {"date": "2026-10-01", "letter": "other", "to": "Ms. Patel"},
}
NUMBERS = (
    "the IEP called for 22 sessions of speech-language therapy of 30 minutes each "
    "(660 minutes, or 11 hours). Leo received 9 sessions (255 minutes): 405 minutes were not "
    "provided."
)
# Each letter's page, and what it says beyond the numbers.
LETTERS = {
    "guide/write-to-the-case-manager/": ["October 15, 2026: Extended time on tests"],
    "guide/follow-up-in-writing/": ["I am following up on my note of October 1, 2026"],
    "guide/ask-for-make-up-services/": [
        "Not provided, not counting Leo's absences: 405 minutes",
        "Dates without service: not known by date (9 sessions received of the 22 sessions",
    ],
    "guide/escalate-to-the-director/": ["October 1, 2026: I sent a note to Ms. Patel."],
}


class Chromium(EnginePage):
    """Playwright's page, with the engines' few commands, so one walk runs in all three."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(f"() => {expression}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def resize(self, width: int, height: int) -> None:
        self.page.set_viewport_size({"width": width, "height": height})


@pytest.fixture(params=["chromium", *sorted(ENGINES)])
def phone(request: pytest.FixtureRequest) -> Iterator[EnginePage]:
    if request.param == "chromium":
        visit: Visit = request.getfixturevalue("visit")
        yield Chromium(visit.page)
        assert visit.errors == []
        return
    with ENGINES[request.param]() as page:
        yield page


def fill(page: EnginePage, path: str, value: str) -> None:
    assert page.evaluate(f"{FILL}({json.dumps(path)}, {json.dumps(value)})"), path


def add_row(page: EnginePage, rows: str, values: dict[str, str]) -> None:
    page.evaluate(f"{ADD_ROW}({json.dumps(rows)})")
    first = f"{rows}.0.{next(iter(values))}"
    page.wait_for(f"!!document.querySelector('[data-path=\"{first}\"]')")
    for name, value in values.items():
        fill(page, f"{rows}.0.{name}", value)


def open_live(page: EnginePage, url: str) -> None:
    page.goto(url)
    page.wait_for(LIVE, timeout_s=BOOT_TIMEOUT_MS / 1000)
    page.wait_for(SETTLED)


def test_anas_evening_on_a_phone_gives_one_set_of_numbers_in_every_letter(
    phone: EnginePage, site: BuiltSite
) -> None:
    phone.resize(*PHONE)
    open_live(phone, site.url + "guide/get-specific/")
    for path, value in ANA.items():
        fill(phone, path, value)
    for rows, values in ANA_ROWS.items():
        add_row(phone, rows, values)
    phone.wait_for(SETTLED)
    sentence = phone.evaluate("document.querySelector('.iep-gap__sentence').textContent")
    assert NUMBERS in sentence
    headline = phone.evaluate("document.querySelector('[data-role=\"headline\"]').textContent")
    assert "255 of 660 minutes received (39%). Not provided: 405 minutes." in headline
    # A reload keeps it all; nothing was kept beyond the tab, as she has not opted in.
    open_live(phone, site.url + "guide/get-specific/")
    assert phone.evaluate("document.querySelector('[data-path=\"child.name\"]').value") == "Leo"
    assert phone.evaluate("Object.keys(localStorage)") == []
    for page, says in LETTERS.items():
        open_live(phone, site.url + page)
        letter = phone.evaluate(LETTER)
        assert NUMBERS in letter, page
        for words in says:
            assert words in letter, (page, words)
    # The two letters she can send tonight have no blank left: every fact they need is typed.
    for page in ("guide/write-to-the-case-manager/", "guide/follow-up-in-writing/"):
        open_live(phone, site.url + page)
        assert "[" not in phone.evaluate(LETTER), page


def test_a_new_tab_starts_blank_and_local_storage_stays_empty(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.goto(site.url + "builder/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.locator('[data-path="child.name"]').first.fill("Leo")
    page.wait_for_function(f"() => {SETTLED}")
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.wait_for_function(f"() => {SETTLED}")
    assert page.locator('[data-path="child.name"]').first.input_value() == "Leo"
    tab = page.context.new_page()
    tab.goto(site.url + "builder/")
    tab.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert tab.locator('[data-path="child.name"]').first.input_value() == ""
    assert tab.evaluate("Object.keys(sessionStorage)") == []
    assert page.evaluate("Object.keys(localStorage)") == []
    tab.close()


def test_when_each_week_had_one_of_two_sessions_the_complaint_lists_the_weeks(
    browser: Any, site: BuiltSite
) -> None:
    context = new_context(browser, service_workers="block")
    page = context.new_page()
    weekly = [f"2026-09-{day:02d}" for day in (8, 15, 22, 29)] + ["2026-10-06"]
    log = [{"date": day, "minutes": 30} for day in weekly]
    case = {
        "version": 1,
        "state": "TX",
        "child": {"name": "Leo"},
        "period": {"start": "2026-09-08", "end": "2026-10-09"},
        "services": [
            {
                "name": "Speech-language therapy",
                "minutes": 30,
                "times": 2,
                "per": "week",
                "log": log,
            }
        ],
    }
    page.goto(site.url + "guide/file-a-state-complaint/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.evaluate(
        "kept => sessionStorage.setItem('iep-follow-through:tab:v1', JSON.stringify(kept))", case
    )
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.wait_for_function(f"() => {SETTLED}")
    letter = page.evaluate(f"() => {LETTER}")
    assert "5 weeks, Sep 8 to Oct 9: 1 of 2 sessions each" in letter
    assert "occurred between September 8, 2026 and October 9, 2026" in letter
    context.close()
