"""The stage every measurement shares: the built site served on 127.0.0.1, headless Chromium, and
the probes installed in each new browser context."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from builder.site_build import Runtime
from tests.conftest import chromium_path
from tests.site import CHROMIUM_FLAGS

PROBES = (Path(__file__).parent / "probes.js").read_text(encoding="utf-8")
READY = '.iep-widget[data-state="ready"]'
BOOT_TIMEOUT_MS = 180_000
LONG_TASK_MS = 50


@dataclass(frozen=True)
class Site:
    """The built site: where it is on disk, where it is served, and its runtime's paths."""

    directory: Path
    url: str
    runtime: Runtime

    def file_for(self, url: str) -> Path | None:
        """The file a request for `url` was served from (None when it is not a site file)."""
        if not url.startswith(self.url):
            return None
        relative = url[len(self.url) :].split("?", 1)[0].split("#", 1)[0]
        path = self.directory / relative
        if relative == "" or relative.endswith("/"):
            path = path / "index.html"
        return path if path.is_file() else None


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=list(CHROMIUM_FLAGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def fresh_context(browser: Browser) -> Iterator[BrowserContext]:
    """A new context: an empty HTTP cache (cold), with the probes on every page it opens."""
    context = browser.new_context()
    context.add_init_script(script=PROBES)
    try:
        yield context
    finally:
        context.close()


class RendererClock:
    """The CPU time Chromium's renderer processes have used: the work a page costs, which the
    machine's other load changes much less than the wall-clock time it takes."""

    def __init__(self, browser: Browser) -> None:
        self.session = browser.new_browser_cdp_session()

    def now(self) -> dict[int, float]:
        processes = self.session.send("SystemInfo.getProcessInfo")["processInfo"]
        return {p["id"]: p["cpuTime"] for p in processes if p["type"] == "renderer"}

    def since(self, before: dict[int, float]) -> float:
        """Milliseconds of renderer CPU time used since `before`."""
        return 1000 * sum(cpu - before.get(pid, 0.0) for pid, cpu in self.now().items())


def probe(page: Page) -> dict[str, Any]:
    """What the probes recorded on the page now shown."""
    recorded: dict[str, Any] = page.evaluate("window.__bench")
    return recorded


def wait_ready(page: Page, selector: str = READY) -> float:
    """Wait until the page is live; the time it became so, in ms since navigation start."""
    page.wait_for_selector(selector, timeout=BOOT_TIMEOUT_MS)
    page.wait_for_function("window.__bench.readyAt !== null", timeout=BOOT_TIMEOUT_MS)
    ready: float = page.evaluate("window.__bench.readyAt")
    return ready


def settle(page: Page) -> None:
    """Wait until the page has stopped downloading, including the files its service worker keeps
    for offline use after a first visit (a returning reader finds them kept)."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """async () => {
          const registration = await navigator.serviceWorker?.getRegistration();
          if (registration) await navigator.serviceWorker.ready;
        }"""
    )
    page.wait_for_load_state("networkidle")


def total_blocking_time(long_tasks: list[list[float]], until: float) -> float:
    """The main thread's blocking time (each long task's part over 50 ms) before `until`."""
    return sum(max(0.0, duration - LONG_TASK_MS) for start, duration in long_tasks if start < until)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (inclusive method, interpolated)."""
    if len(values) == 1:
        return values[0]
    cut = statistics.quantiles(values, n=100, method="inclusive")
    return cut[round(fraction * 100) - 1]


def write_python_page(
    site: Site, folder: str, main: str, *, title: str, files: dict[str, str] | None = None
) -> str:
    """A page of the served site that boots the site's own PyScript and Pyodide with `main`.

    It is written only into the benchmark's copy of the site. Returns its path in the site.
    """
    runtime = site.runtime
    page = site.directory / folder
    page.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"interpreter": f"../{runtime.pyodide_dir}/pyodide.mjs"}
    if files:
        config["files"] = files
    (page / "pyscript.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    (page / "main.py").write_text(main, encoding="utf-8")
    (page / "index.html").write_text(
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>\n"
        f'<link rel="stylesheet" href="../{runtime.pyscript_dir}/core.css">\n'
        f'<script type="module" src="../{runtime.pyscript_dir}/core.js"></script>\n'
        f'</head><body><h1>{title}</h1>\n<script type="py" src="./main.py" '
        'config="./pyscript.json"></script>\n</body></html>\n',
        encoding="utf-8",
    )
    return f"{folder}/"
