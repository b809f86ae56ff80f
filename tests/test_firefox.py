"""The tools in a second browser engine: Firefox, as it is released, where Python's snapshot is
kept on any device, since Firefox does not say how much memory it has."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import BuiltSite
from tests.firefox import FirefoxPage, firefox_page, firefox_path
from tests.site import SNAPSHOT_DONE
from tests.test_browser import READY, SETTLED

pytestmark = pytest.mark.browser

PAGE = "guide/write-to-the-case-manager/"
STATE = "document.querySelector('.iep-widget').dataset.state"
LIVE = f"!!document.querySelector('{READY}')"
NAME_FIELD = "document.querySelector('[data-path=\"child.name\"]')"
LETTER = 'document.querySelector(\'[data-widget="letter"] [data-role="body"]\').textContent'
SNAPSHOT_MARK = """(() => {
  const marks = performance.getEntriesByType("mark");
  const mark = marks.find((mark) => mark.name.startsWith("iep:snapshot"));
  return mark && [mark.name, mark.detail];
})()"""


@pytest.fixture
def firefox() -> Iterator[FirefoxPage]:
    binary = firefox_path()
    if binary is None:
        pytest.fail("no Firefox found: `make test` installs Debian's firefox-esr where it can")
    with firefox_page(binary) as page:
        yield page


def off_origin(page: FirefoxPage, site: BuiltSite) -> list[str]:
    """What the page asked for from anywhere but the site (data: addresses are not requests)."""
    origin = urlsplit(site.url).netloc
    asked = [urlsplit(url) for url in page.requests]
    return [url.geturl() for url in asked if url.scheme != "data" and url.netloc != origin]


def test_in_firefox_what_is_typed_while_python_starts_is_kept_and_reaches_the_letter(
    firefox: FirefoxPage, site: BuiltSite
) -> None:
    firefox.goto(site.url + PAGE, wait="interactive")
    firefox.evaluate(f"{NAME_FIELD}.focus()")
    firefox.type("Sam")
    assert firefox.evaluate(STATE) == "loading"
    firefox.wait_for(LIVE)
    firefox.type(" Rivera")
    firefox.wait_for(SETTLED)
    assert firefox.evaluate(f"{NAME_FIELD}.value") == "Sam Rivera"
    assert "Sam Rivera" in firefox.evaluate(LETTER)
    assert firefox.errors == []
    assert off_origin(firefox, site) == []


def test_firefox_keeps_a_snapshot_of_python_and_the_next_visit_restores_it(
    firefox: FirefoxPage, site: BuiltSite
) -> None:
    firefox.goto(site.url + PAGE)
    firefox.wait_for(LIVE)
    kept, _ = firefox.wait_for(f"({SNAPSHOT_DONE})()")
    assert kept, firefox.evaluate(SNAPSHOT_MARK)
    firefox.goto(site.url + PAGE)
    firefox.wait_for(LIVE)
    assert firefox.evaluate(SNAPSHOT_MARK) == [
        "iep:snapshot-not-kept",
        "this visit restored one",
    ]
    firefox.evaluate(f"{NAME_FIELD}.focus()")
    firefox.type("Sam")
    firefox.wait_for(SETTLED)
    assert "Sam" in firefox.evaluate(LETTER)
    assert firefox.errors == []
