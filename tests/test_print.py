"""What a reader prints: a letter's Print button prints that letter alone, on letter-size paper,
with no blank sheet after it, from a step page and from the letter builder; and a page printed
from the browser carries none of the tools' controls."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import BuiltSite
from tests.test_accessibility import import_realistic_case, themed_page, wait_until_live

# Visible text outside the printed letter's paper.
STRAY_TEXT = """w => {
  const paper = w.querySelector('[data-role="letter"]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const stray = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (node.textContent.trim() && parent.checkVisibility({opacityProperty: true}) &&
        !paper.contains(node) && parent.getClientRects().length)
      stray.push(node.textContent.trim().slice(0, 60));
  }
  return stray;
}"""
PRINTED_LETTERS = {
    "guide/file-a-state-complaint/": range(1, 4),
    "guide/write-to-the-case-manager/": range(1, 2),
    "builder/": range(1, 2),
    # On a Spanish page the realistic case's letter is in English, its Spanish meaning beside it
    # on screen only; the Spanish worked example is a little longer than the English one.
    "es/guide/file-a-state-complaint/": range(1, 5),
}


@pytest.mark.parametrize("address", PRINTED_LETTERS)
def test_a_printed_letter_is_the_letter_alone_on_letter_paper(
    browser: Any, site: BuiltSite, address: str, trust_report: dict[str, str]
) -> None:
    with themed_page(browser, site) as page:
        page.goto(site.url + address)
        wait_until_live(page)
        import_realistic_case(page)
        widget = page.locator('[data-widget="letter"]').first
        assert widget.locator('[data-action="print"]').count() == 1
        # What the Print button does before it opens the print dialog (page.js, printLetter).
        widget.evaluate(
            "w => { document.body.classList.add('iep-printing-letter');"
            " w.classList.add('iep-print-target'); }"
        )
        page.emulate_media(media="print")
        for hidden in (".md-header", ".md-sidebar", ".md-footer", ".iep-page-info", ".iep-form"):
            for element in page.locator(hidden).all():
                assert not element.is_visible(), f"{hidden} is printed"
        body = widget.locator('[data-role="body"]')
        assert body.is_visible() and "Daniel Alvarez" in body.text_content()
        drawn = "w => getComputedStyle(w).contentVisibility"
        assert widget.evaluate(drawn) == "visible", "printed even when it was off screen"
        stray = page.evaluate(STRAY_TEXT, widget.element_handle())
        assert stray == [], f"only the letter is printed, not {stray}"
        pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages in PRINTED_LETTERS[address], f"the letter prints on {pages} pages"
    if address == "guide/file-a-state-complaint/":
        trust_report["print: pages of the state complaint (realistic case)"] = str(pages)


# The tools' controls, and the sentences about using them on screen, visible in the content.
CONTROLS_SHOWN = """() => [...document.querySelectorAll(
    '.md-content :is(button, select, input, textarea, .md-button, .iep-tool-hint)')]
  .filter(el => el.checkVisibility())
  .map(el => el.dataset.action || el.id || el.className || el.tagName)"""


@pytest.mark.parametrize("address", ["builder/", "guide/request-an-iep-meeting/"])
def test_a_printed_page_has_no_controls(browser: Any, site: BuiltSite, address: str) -> None:
    with themed_page(browser, site) as page:
        page.goto(site.url + address)
        wait_until_live(page)
        import_realistic_case(page)
        page.emulate_media(media="print")
        assert page.evaluate(CONTROLS_SHOWN) == []
        letters = page.locator('.md-content [data-role="body"]')
        assert letters.count() and all(letter.is_visible() for letter in letters.all())
