"""Shared fixtures: the example case, the built and served site, and a recorded browser page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
# The site's worked example, a realistic California case: the golden letters are rendered from it.
EXAMPLE_CASE = ROOT / "builder" / "data" / "example-case.json"


@pytest.fixture
def example_document() -> dict[str, Any]:
    """The minimal case file from issue 2: speech twice a week, two sessions in three weeks."""
    loaded: dict[str, Any] = json.loads((CASES / "example.json").read_text())
    return loaded


@dataclass(frozen=True)
class BuiltSite:
    directory: Path
    url: str

    def html(self, page: str) -> str:
        return (self.directory / page / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The whole site, built with `mkdocs build --strict` and served on 127.0.0.1."""
    from tests.site import build_site, serving

    directory = tmp_path_factory.mktemp("site")
    with serving(directory) as (_, url):
        result = build_site(directory, url)
        assert result.returncode == 0, result.stdout + result.stderr
        yield BuiltSite(directory, url)


# Where GitHub Pages serves a project site: the tests that need a site of their own build it there.
SUBPATH = "iep-follow-through/"


@dataclass
class OwnSite:
    """A copy of the site, built for one test under SUBPATH and served on a port of its own, so the
    test may stop its server (to cut the network off) or rewrite its files."""

    directory: Path
    url: str
    server: ThreadingHTTPServer

    @property
    def version(self) -> str:
        found = re.search(r'const VERSION = "([0-9a-f]{12})"', self.worker.read_text())
        assert found, "the built sw.js carries its version"
        return found[1]

    @property
    def worker(self) -> Path:
        return self.directory / "sw.js"


@pytest.fixture
def own_site(tmp_path: Path) -> Iterator[OwnSite]:
    from tests.site import build_site, serving

    with serving(tmp_path) as (server, base):
        result = build_site(tmp_path / SUBPATH, base + SUBPATH)
        assert result.returncode == 0, result.stdout + result.stderr
        yield OwnSite(tmp_path / SUBPATH, base + SUBPATH, server)


def chromium_path() -> str | None:
    """Playwright's own browser (None) when one is installed, as in CI; else Debian's Chromium.

    Playwright's comes first because its version is the one Playwright was released with, while
    /usr/bin/chromium on other systems may be any version, or a launcher for a snap.
    """
    managed = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    if any(managed.glob("chromium*")) or not Path("/usr/bin/chromium").exists():
        return None
    return "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.site import CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=list(CHROMIUM_FLAGS),
        )
        yield launched
        launched.close()


@dataclass
class Visit:
    """A browser page that records every request and console error while a test uses it."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser: Any, site: BuiltSite) -> Iterator[Visit]:
    # The offline and privacy tests check the service worker in contexts of their own; here it
    # would only download the whole site into every test's cache.
    from tests.site import new_context

    context = new_context(browser, accept_downloads=True, service_workers="block")
    page = context.new_page()
    recorded = Visit(page)
    page.on("request", lambda request: recorded.requests.append(request.url))
    page.on("pageerror", lambda error: recorded.errors.append(str(error)))
    page.on(
        "console",
        lambda message: recorded.errors.append(message.text) if message.type == "error" else None,
    )
    yield recorded
    context.close()
    off_origin = [url for url in recorded.requests if not _same_origin(url, site.url)]
    assert off_origin == [], "requests left the site's origin"


def _same_origin(url: str, base: str) -> bool:
    return url.startswith(base) or url.startswith(("data:", "blob:"))


# A test's markers come from the fixtures it uses, so that `-m "not browser and not site"` never
# starts a browser or builds the site, whoever wrote the test.
BROWSER_FIXTURES = frozenset({"browser", "engine", "firefox", "phone"})
SITE_FIXTURES = frozenset({"site", "own_site"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if used & SITE_FIXTURES:
            item.add_marker(pytest.mark.site)


# The numbers issue 6 asks the suite to report: tests record them, the end of the run prints them.
TRUST_REPORT = pytest.StashKey[dict[str, str]]()


@pytest.fixture(scope="session")
def trust_report(pytestconfig: pytest.Config) -> dict[str, str]:
    """Where a test records a number for the trust report ("pages crawled": "27")."""
    return pytestconfig.stash.setdefault(TRUST_REPORT, {})


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    report = config.stash.get(TRUST_REPORT, {})
    if report:
        terminalreporter.section("trust report")
        for name, value in report.items():
            terminalreporter.write_line(f"{name}: {value}")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m builder ARGS` from the repository, as an advocate runs it."""
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
