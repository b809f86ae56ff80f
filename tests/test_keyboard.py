"""The tools with the keyboard alone: every control reached with Tab in reading order, with a
visible focus indicator; the facts typed, log rows added and removed, the case remembered and the
letter copied from the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import BuiltSite
from tests.test_accessibility import themed_page, wait_until_live
from tests.test_browser import settled

TAB_LIMIT = 600
# Dates are typed the way a US reader types them; the clipboard can be read back.
LADDER_CONTEXT: dict[str, Any] = {
    "locale": "en-US",
    "permissions": ["clipboard-read", "clipboard-write"],
}
# Where the tools' controls live: each widget, and the builder's letter chooser with its facts.
TOOL_CONTROLS = """() => {
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary,' +
    ' [tabindex]';
  return [...document.querySelectorAll('.md-content :is(.iep-widget, .iep-letter-chooser)')]
    .flatMap(root => [...root.querySelectorAll(focusable)])
    .filter((el, index, all) => all.indexOf(el) === index && !el.disabled && el.tabIndex >= 0 &&
      el.checkVisibility({visibilityProperty: true}));
}"""
# The focused element, described, with the styles that can show focus; kept for later checks.
STEP = """() => {
  const el = document.activeElement;
  (window.iepTabbed ||= []).push(el);
  const style = getComputedStyle(el);
  return {
    name: el.dataset.path || el.dataset.action || el.getAttribute('aria-label') ||
          el.textContent.trim().slice(0, 40) || el.tagName,
    focus: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(' '),
  };
}"""
# The same styles once focus has left, for each control the walk reached.
UNFOCUSED = """() => {
  document.activeElement.blur();
  return window.iepTabbed.map(el => {
    const style = getComputedStyle(el);
    return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(' ');
  });
}"""


def tab_through(page: Any) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until every tool control has had the focus."""
    page.evaluate("window.iepTabbed = []; document.activeElement.blur(); window.scrollTo(0, 0)")
    controls = page.evaluate_handle(TOOL_CONTROLS)
    steps = []
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        steps.append(page.evaluate(STEP))
        if page.evaluate("c => c.every(el => window.iepTabbed.includes(el))", controls):
            return steps
    pytest.fail(f"{TAB_LIMIT} presses of Tab did not reach every control of the tools")


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


@pytest.mark.parametrize("address", ["builder/", "guide/get-specific/"])
def test_tab_reaches_every_control_in_reading_order_with_visible_focus(
    browser: Any, site: BuiltSite, address: str, trust_report: dict[str, str]
) -> None:
    with themed_page(browser, site) as page:
        page.goto(site.url + address)
        wait_until_live(page)
        page.evaluate(
            "document.querySelectorAll('.md-content details').forEach(d => d.open = true)"
        )
        steps = tab_through(page)
        assert page.evaluate("window.iepTabbed[0].matches('.md-skip')"), "first: skip to content"
        in_tools = page.evaluate(
            f"() => {{ const c = ({TOOL_CONTROLS})();"
            " return window.iepTabbed.map(el => c.indexOf(el)); }"
        )
        # A date field takes three presses of Tab (month, day, year): the same control in a row.
        order = [index for index in in_tools if index >= 0]
        assert order == sorted(order), "the focus follows the reading order"
        unfocused = page.evaluate(UNFOCUSED)
        invisible = [
            step["name"]
            for step, index, rest in zip(steps, in_tools, unfocused, strict=True)
            if index >= 0 and step["focus"] == rest
        ]
        assert invisible == [], f"no visible focus on {invisible}"
        trust_report[f"keyboard: controls reached with Tab on {address}"] = str(len(set(order)))


def test_the_ladder_with_the_keyboard_alone(browser: Any, site: BuiltSite) -> None:
    """Facts typed, a log row added and removed, the case remembered, the letter copied."""
    with themed_page(browser, site, **LADDER_CONTEXT) as page:
        page.goto(site.url + "guide/keep-a-log/")
        wait_until_live(page)
        typed = {
            "parent.name": "Ana Rivera",
            "child.name": "Sam Rivera",
            "contacts.case_manager.name": "Ms. Lee",
            "contacts.case_manager.email": "lee@example.org",
            "period.start": "10052026",  # a date field takes the month, day and year as typed
            "period.end": "10232026",
            "services.0.name": "Speech-language therapy",
            "services.0.minutes": "30",
            "services.0.times": "2",
            "services.0.per": "w",  # a closed select picks the option that starts with w: week
        }
        for path, keys in typed.items():
            tab_to(page, f'[data-path="{path}"]')
            page.keyboard.type(keys)
        assert page.locator('[data-path="period.start"]').first.input_value() == "2026-10-05"
        assert page.locator('[data-path="services.0.per"]').first.input_value() == "week"

        tab_to(page, '[id$="-log-group"] > summary')  # the folded log opens from the keyboard
        page.keyboard.press("Enter")
        tab_to(page, '[data-action="add"][data-list="services.0.log"]')
        page.keyboard.press("Enter")
        settled(page)
        assert page.evaluate("document.activeElement.dataset.path") == "services.0.log.0.date"
        page.keyboard.type("10062026")
        page.keyboard.press("Tab")
        page.keyboard.type("30")
        tab_to(page, '[data-action="remove"][data-item="services.0.log.0"]')
        page.keyboard.press(" ")
        settled(page)
        assert page.evaluate("document.activeElement.dataset.list") == "services.0.log"
        assert page.locator('[data-path="services.0.log.0.date"]').count() == 0

        tab_to(page, '[data-action="remember"]')
        page.keyboard.press(" ")
        settled(page)
        assert page.locator('[data-action="remember"]').first.is_checked()
        assert "Sam Rivera" in page.evaluate("JSON.stringify(localStorage)")

        letter = page.locator('[data-widget="letter"]').first
        tab_to(page, '[data-widget="letter"] [data-action="copy"]')
        page.keyboard.press("Enter")
        # The school's name is still a blank: Copy asks first, and its Yes has the focus.
        assert page.evaluate("document.activeElement.dataset.action") == "anyway"
        page.keyboard.press("Enter")
        message = letter.locator('[data-role="message"]')
        page.wait_for_function("el => el.textContent !== ''", arg=message.element_handle())
        assert message.text_content() == letter.get_attribute("data-copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith(letter.locator('[data-role="subject"]').text_content())
        assert "Sam Rivera" in copied
