"""Every page at 320 CSS pixels wide and at 200% zoom: no sideways scrolling of the page (1.4.10
Reflow), the tools' fields and letter stay on screen, and no text is smaller than 12 CSS pixels
(the line below which search engines call a phone's text illegible), a chart's dates and a field's
error included, no control of a tool smaller than 24 by 24, and the tools in use pass axe at that
size too. A table may scroll inside its own wrapper; the page itself may not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import BuiltSite
from tests.pages import variants
from tests.test_accessibility import (
    BROWSER_PAGES,
    axe_violations,
    has_tool,
    import_realistic_case,
    show_error,
    themed_page,
    wait_until_live,
)

# A 1280x800 window zoomed to 200% lays the page out in 640x400 CSS pixels drawn at twice the
# density, which is exactly a 640x400 viewport with a device scale factor of 2: media queries,
# layout and scrolling see what a zoomed browser gives them.
SCREENS: dict[str, dict[str, Any]] = {
    "320px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
    "200% zoom": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
MINUTES = '[data-path$=".minutes"]'  # a field that can show an error
# The tools' tables that scroll sideways inside their wrapper (the page does not, but a number
# off to the side is as good as hidden on a phone).
TABLES_SIDEWAYS = """() => [...document.querySelectorAll('.iep-widget .md-typeset__scrollwrap')]
  .filter(wrap => wrap.checkVisibility() && wrap.scrollWidth > wrap.clientWidth + 1)
  .map(wrap => wrap.querySelector('table').className)"""
# Letters shown in a box that scrolls inside the page, on a phone.
LETTERS_IN_A_BOX = """() => [...document.querySelectorAll('.md-content [data-role="letter"]')]
  .filter(paper => paper.checkVisibility() && paper.scrollHeight > paper.clientHeight + 1)
  .map(paper => paper.closest('.iep-widget').id)"""
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
# Fields and letters of the tools (opened), outside the viewport's width.
OFF_SCREEN = """() => {
  document.querySelectorAll('.md-content details').forEach(d => d.open = true);
  const parts = '.md-content :is(input:not([type=hidden]), select, textarea, button,' +
    ' [data-role="letter"], [data-role="body"])';
  return [...document.querySelectorAll(parts)]
    .filter(el => el.checkVisibility())
    .filter(el => { const r = el.getBoundingClientRect();
                    return r.width === 0 || r.left < -1 || r.right > window.innerWidth + 1; })
    .map(el => el.dataset.path || el.dataset.action || el.dataset.role || el.tagName);
}"""

SMALLEST_TEXT_PX = 12
# Visible text of the page's content and footer drawn under SMALLEST_TEXT_PX, as "element: size";
# text in a chart at the size the chart is drawn.
SMALL_TEXT = """(smallest) => {
  const small = new Set();
  for (const part of document.querySelectorAll('.md-content, .md-footer')) {
    const texts = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
    while (texts.nextNode()) {
      const element = texts.currentNode.parentElement;
      if (!texts.currentNode.textContent.trim() || !element.checkVisibility()) continue;
      if (element.closest('.iep-visually-hidden')) continue;
      const chart = element.closest('svg');
      const scale = chart ? chart.getBoundingClientRect().width / chart.viewBox.baseVal.width : 1;
      const size = parseFloat(getComputedStyle(element).fontSize) * scale;
      const name = element.getAttribute('class') || element.tagName.toLowerCase();
      if (size < smallest) small.add(`${name}: ${size.toFixed(1)}px`);
    }
  }
  return [...small];
}"""


# Controls of the tools smaller than 24 by 24 CSS pixels, the least WCAG 2.2 allows (2.5.8)
# without counting the space around them.
SMALLEST_TARGET_PX = 24
SMALL_TARGETS = """(smallest) => [...document.querySelectorAll(
    '.md-content :is(button, input:not([type=hidden]), select, textarea, .md-button)')]
  .filter(el => el.checkVisibility())
  .map(el => [el.dataset.action || el.dataset.path || el.tagName, el.getBoundingClientRect()])
  .filter(([, box]) => box.width < smallest || box.height < smallest)
  .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""


def small_text(page: Any) -> list[str]:
    page.evaluate("document.querySelectorAll('.md-content details').forEach(d => d.open = true)")
    found: list[str] = page.evaluate(SMALL_TEXT, SMALLEST_TEXT_PX)
    return found


@pytest.mark.parametrize(("address", "screen"), variants(BROWSER_PAGES, list(SCREENS)))
def test_no_sideways_scrolling_the_tools_fit_and_the_text_is_readable(
    browser: Any, site: BuiltSite, address: str, screen: str, trust_report: dict[str, str]
) -> None:
    with themed_page(browser, site, **SCREENS[screen]) as page:
        page.goto(site.url + address)
        assert page.evaluate(SIDEWAYS) <= 1, "the page scrolls sideways"
        assert small_text(page) == [], "text too small to read"
        if has_tool(page):
            wait_until_live(page)
            assert page.evaluate(OFF_SCREEN) == [], "live tool"
            if page.locator('input[data-action="import"]').count():
                import_realistic_case(page)
                assert page.evaluate(OFF_SCREEN) == [], "with a realistic case"
            if page.locator(MINUTES).count():
                show_error(page, MINUTES, "abc")
            assert small_text(page) == [], "text too small to read in the tool in use"
            assert page.evaluate(TABLES_SIDEWAYS) == [], "a tool's table scrolls sideways"
            if screen == "320px":
                assert page.evaluate(LETTERS_IN_A_BOX) == [], "a letter scrolls in a box"
            targets = page.evaluate(SMALL_TARGETS, SMALLEST_TARGET_PX)
            assert targets == [], "controls too small to tap"
            # The tools lay out differently on a phone (the results as cards, say): axe again.
            assert axe_violations(page) == [], "WCAG 2.2 A/AA at this size"
            assert page.evaluate(SIDEWAYS) <= 1, "the page scrolls sideways with the tool in use"
    name = f"small screens: pages without sideways scrolling at {screen}"
    trust_report[name] = str(int(trust_report.get(name, "0")) + 1)
