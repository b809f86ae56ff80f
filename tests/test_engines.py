"""The tools in two more browser engines, as they are released: Firefox, and WebKit (Safari's
engine). Neither says how much memory a device has, so both keep Python's snapshot on any device."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import pytest

from tests.conftest import BuiltSite, OwnSite
from tests.engines import (
    EnginePage,
    FirefoxPage,
    firefox_page,
    firefox_path,
    webkit_page,
    webkit_paths,
)
from tests.site import RESTORED_MARK, SNAPSHOT_DONE, SNAPSHOT_MARK
from tests.test_browser import READY, SETTLED

PAGE = "guide/write-to-the-case-manager/"
STATE = "document.querySelector('.iep-widget').dataset.state"
LIVE = f"!!document.querySelector('{READY}')"
NAME_FIELD = "document.querySelector('[data-path=\"child.name\"]')"
LETTER = 'document.querySelector(\'[data-widget="letter"] [data-role="body"]\').textContent'


def _firefox() -> AbstractContextManager[EnginePage]:
    binary = firefox_path()
    if binary is None:
        pytest.fail("no Firefox found: `make test` installs Debian's firefox-esr where it can")
    return firefox_page(binary)


def _webkit() -> AbstractContextManager[EnginePage]:
    paths = webkit_paths()
    if paths is None:
        pytest.fail(
            "no WebKitGTK WebDriver or Xvfb found: `make test` installs Debian's "
            "webkit2gtk-driver and xvfb where it can"
        )
    return webkit_page(paths)


ENGINES: dict[str, Callable[[], AbstractContextManager[EnginePage]]] = {
    "firefox": _firefox,
    "webkit": _webkit,
}


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> Iterator[EnginePage]:
    with ENGINES[request.param]() as page:
        yield page


@pytest.fixture
def firefox() -> Iterator[FirefoxPage]:
    with _firefox() as page:
        assert isinstance(page, FirefoxPage)
        yield page


def type_a_name_once_live(page: EnginePage, name: str) -> None:
    """Type the child's name once the tool is live, and wait for Python's answer."""
    page.wait_for(LIVE)
    page.evaluate(f"{NAME_FIELD}.focus()")
    page.type(name)
    page.wait_for(SETTLED)


def test_what_is_typed_while_python_starts_is_kept_and_reaches_the_letter(
    engine: EnginePage, site: BuiltSite
) -> None:
    engine.goto(site.url + PAGE)
    engine.evaluate(f"{NAME_FIELD}.focus()")
    engine.type("Sam")
    assert engine.evaluate(STATE) == "loading"
    engine.wait_for(LIVE)
    engine.type(" Rivera")
    engine.wait_for(SETTLED)
    assert engine.evaluate(f"{NAME_FIELD}.value") == "Sam Rivera"
    assert "Sam Rivera" in engine.evaluate(LETTER)


def test_on_a_spanish_page_the_letter_is_spanish_then_english_with_its_meaning(
    engine: EnginePage, site: BuiltSite
) -> None:
    engine.goto(site.url + "es/" + PAGE)
    type_a_name_once_live(engine, "Sam")
    assert "Sam" in engine.evaluate(LETTER) and "Apreciable" in engine.evaluate(LETTER)
    engine.evaluate(
        "(() => { const field = document.querySelector('[data-path=\"language\"]');"
        " field.value = 'en'; field.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )
    engine.wait_for(SETTLED)
    engine.wait_for("document.querySelector('[data-role=\"meaning\"]') !== null")
    letter = engine.evaluate(LETTER)
    assert "Dear " in letter and "Apreciable" not in letter
    meaning = "document.querySelector('[data-role=\"meaning\"]').textContent"
    assert "Apreciable" in engine.evaluate(meaning)


def test_a_snapshot_of_python_is_kept_and_the_next_visit_restores_it(
    engine: EnginePage, site: BuiltSite
) -> None:
    engine.goto(site.url + PAGE)
    engine.wait_for(LIVE)
    kept, _ = engine.wait_for(f"({SNAPSHOT_DONE})()")
    assert kept, engine.evaluate(SNAPSHOT_MARK)
    engine.goto(site.url + PAGE)
    engine.wait_for(LIVE)
    assert engine.evaluate(SNAPSHOT_MARK) == RESTORED_MARK
    type_a_name_once_live(engine, "Sam")
    assert "Sam" in engine.evaluate(LETTER)


def test_after_a_first_visit_a_tool_works_with_the_network_off(
    engine: EnginePage, own_site: OwnSite
) -> None:
    engine.goto(own_site.url + "guide/get-specific/")
    engine.wait_for(LIVE)
    kept, _ = engine.wait_for(f"({SNAPSHOT_DONE})()")
    assert kept
    engine.evaluate("navigator.serviceWorker.ready.then(() => true)")
    own_site.server.shutdown()
    own_site.server.server_close()  # from here on, every connection is refused
    engine.goto(own_site.url + PAGE)
    type_a_name_once_live(engine, "Sam")
    assert "Sam" in engine.evaluate(LETTER)
    assert engine.evaluate(SNAPSHOT_MARK) == RESTORED_MARK


def test_in_firefox_a_tool_asks_for_nothing_from_elsewhere_and_logs_no_error(
    firefox: FirefoxPage, site: BuiltSite
) -> None:
    firefox.goto(site.url + PAGE)
    type_a_name_once_live(firefox, "Sam")
    origin = urlsplit(site.url).netloc
    asked = [urlsplit(url) for url in firefox.requests]
    # data: addresses (the theme's icons) are not requests
    elsewhere = [url.geturl() for url in asked if url.scheme != "data" and url.netloc != origin]
    assert elsewhere == []
    assert any(url.path.endswith("/pyodide.asm.wasm") for url in asked)  # the worker's are seen
    assert firefox.errors == []
