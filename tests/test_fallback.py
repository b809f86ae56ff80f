"""When Python cannot start (an old browser, WebAssembly blocked), the pages still help.

The pre-rendered worked example stays, the status says what still works, and Copy, Print and
Download work on the example without Python.
"""

from __future__ import annotations

from builder.i18n import text
from tests.conftest import BuiltSite, Visit
from tests.test_browser import BOOT_TIMEOUT_MS, _prerendered_letter, letter_text, settled

# A browser without WebAssembly; print() is recorded instead of opening the print dialog.
NO_WEBASSEMBLY = """
delete window.WebAssembly;
window.print = () => {
  window.printed = document.body.classList.contains('iep-printing-letter')
    && document.querySelector('.iep-print-target') !== null;
};
"""
FAILED = '.iep-widget[data-state="failed"]'


def _open_without_webassembly(visit: Visit, site: BuiltSite, page_path: str) -> None:
    visit.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    visit.page.add_init_script(NO_WEBASSEMBLY)
    visit.page.goto(site.url + page_path)
    visit.page.wait_for_selector(FAILED)


def test_without_webassembly_the_example_letter_stays_and_copy_and_print_work(
    visit: Visit, site: BuiltSite
) -> None:
    _open_without_webassembly(visit, site, "builder/")
    page = visit.page
    status = page.locator('[data-widget="letter"] [data-role="status"]').first
    assert status.text_content() == text("widget.failed")
    prerendered = _prerendered_letter(site.html("builder"))
    assert letter_text(page) == prerendered, "the worked example is still shown"
    page.locator('[data-widget="letter"] [data-action="copy"]').first.click()
    message = page.locator('[data-widget="letter"] [data-role="message"]').first
    page.wait_for_function("element => element.textContent", arg=message.element_handle())
    assert message.text_content() == text("action.copied")
    assert page.evaluate("navigator.clipboard.readText()") == prerendered
    page.locator('[data-widget="letter"] [data-action="print"]').first.click()
    assert page.evaluate("window.printed") is True, "the letter alone is printed"
    download = page.locator('[data-widget="letter"] [data-action="download"]').first
    assert download.get_attribute("href").startswith("data:text/plain")
    assert visit.errors == []


def test_without_webassembly_the_calculator_keeps_its_worked_example(
    visit: Visit, site: BuiltSite
) -> None:
    _open_without_webassembly(visit, site, "guide/get-specific/")
    page = visit.page
    gap = page.locator('[data-widget="gap"]').first
    assert gap.locator('[data-role="status"]').text_content() == text("gap.failed")
    assert gap.locator(".iep-gap__svg").count() == 1, "the worked example's chart"
    assert gap.locator('[data-role="results"] tbody tr').count() > 0, "and its numbers"
    assert visit.errors == []


def test_when_the_python_archive_cannot_be_loaded_the_page_says_so_and_typing_stays(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.route("**/iep.zip", lambda route: route.fulfill(status=404, body="Not found"))
    page.goto(site.url + "guide/write-to-the-case-manager/")
    page.wait_for_selector(FAILED, timeout=BOOT_TIMEOUT_MS)
    status = page.locator('[data-widget="letter"] [data-role="status"]').first
    assert status.text_content() == text("widget.failed")
    field = page.locator('[data-path="child.name"]').first
    field.fill("Sam Rivera")
    settled(page)
    assert field.input_value() == "Sam Rivera", "what is typed stays in the field"
    prerendered = _prerendered_letter(site.html("guide/write-to-the-case-manager"))
    assert letter_text(page) == prerendered, "the worked example stays whole"
    assert [error for error in visit.errors if "404" not in error] == []
