"""Typing while Python starts: the field keeps the reader's focus, so no keystroke is lost."""

from __future__ import annotations

from typing import Any

from tests.conftest import BuiltSite, Visit
from tests.test_browser import BOOT_TIMEOUT_MS, READY, settled


def test_typing_goes_on_in_the_same_field_when_the_widget_comes_alive(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    held: list[Any] = []
    # Python starts only once the reader has begun typing.
    page.route("**/worker.js", lambda route: held.append(route))
    page.goto(site.url + "guide/write-to-the-case-manager/", wait_until="domcontentloaded")
    field = page.locator('[data-path="child.name"]').first
    field.click()
    page.keyboard.type("Sam")
    assert page.locator(".iep-widget").first.get_attribute("data-state") == "loading"
    for route in held:
        route.continue_()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.keyboard.type(" Rivera")
    assert field.input_value() == "Sam Rivera"
    settled(page)
    assert "Sam Rivera" in (page.locator('[data-role="body"]').first.text_content() or "")
    assert visit.errors == []
