"""The stage every measurement shares: the built site served on 127.0.0.1, headless Chromium, and
the probes installed in each new browser context."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from builder.build.site_build import STDLIB, Runtime, with_content_security_policy
from tests.conftest import chromium_path
from tests.site import CHROMIUM_FLAGS

PROBES = (Path(__file__).parent / "probes.js").read_text(encoding="utf-8")
READY = '.iep-widget[data-state="ready"]'
FAILED = '[data-state="failed"]'  # a tool whose Python could not start, or a bench page's worker
IDLE = "() => !document.documentElement.hasAttribute('data-iep-busy')"
BOOT_TIMEOUT_MS = 180_000
LONG_TASK_MS = 50
# A bench page's own script: it starts ./worker.js the way the site's python.js starts worker.js
# (a module worker, sent the addresses of the self-hosted pyodide.mjs and of the standard library)
# and shows its answer.
PAGE_SCRIPT = """const tag = document.querySelector("script[data-pyodide]");
const pyodide = new URL(tag.dataset.pyodide, document.baseURI).href;
const stdlib = new URL(tag.dataset.stdlib, document.baseURI).href;
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
worker.addEventListener("message", ({ data }) => {
  if (data.result !== undefined) document.body.dataset.result = data.result;
  if (data.failed) document.body.dataset.error = data.failed;
  document.body.dataset.state = data.started ? "ready" : "failed";
});
worker.postMessage({ start: { pyodide, stdlib } });
"""
# Every bench page's worker starts with this: Pyodide started as the site's worker.js starts it,
# from the self-hosted runtime and the standard library whose addresses the page sent.
START_PYODIDE = """async function startPyodide({ pyodide, stdlib }) {
  const { loadPyodide } = await import(pyodide);
  return loadPyodide({ indexURL: new URL(".", pyodide).href, stdLibURL: stdlib });
}

"""


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


@contextmanager
def own_profile(browser: Browser) -> Iterator[BrowserContext]:
    """A browser of its own, with a new profile on disk as a reader's is (`fresh_context`'s is in
    memory): its caches are as large as a regular profile's, and Cache Storage is kept on disk."""
    with tempfile.TemporaryDirectory() as profile:
        context = browser.browser_type.launch_persistent_context(
            profile, executable_path=chromium_path(), args=list(CHROMIUM_FLAGS)
        )
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
    # A failure ends the wait at once, rather than after the timeout.
    page.wait_for_selector(f"{selector}, {FAILED}", timeout=BOOT_TIMEOUT_MS)
    if page.locator(FAILED).count():
        error = page.evaluate("document.body.dataset.error || ''")
        raise RuntimeError(f"Python did not start on {page.url} {error}".rstrip())
    page.wait_for_function("() => window.__bench.readyAt !== null", timeout=BOOT_TIMEOUT_MS)
    ready: float = page.evaluate("window.__bench.readyAt")
    return ready


def wait_idle(page: Page) -> None:
    """Wait until Python has answered all the reader has done and the answers are drawn."""
    page.wait_for_function(IDLE, timeout=BOOT_TIMEOUT_MS)


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


def write_worker_page(
    site: Site, folder: str, worker: str, *, title: str, stdlib: str | None = None
) -> str:
    """A bare page of the served site that starts the site's own Pyodide in a module Web Worker
    running `worker` (after START_PYODIDE), as a tool page starts ours; its body gets
    data-state="ready" (and the worker's result, if any, in data-result) when the worker says
    Python is up. The worker is sent the address of the site's compiled standard library, or of
    `stdlib` (relative to the page) if given.

    It is written only into the benchmark's copy of the site, as files (the site's policy allows
    no inline script). Returns its path in the site.
    """
    stdlib = stdlib or f"../{site.runtime.python_dir}/{STDLIB}"
    page = site.directory / folder
    page.mkdir(parents=True, exist_ok=True)
    (page / "page.js").write_text(PAGE_SCRIPT, encoding="utf-8")
    (page / "worker.js").write_text(START_PYODIDE + worker, encoding="utf-8")
    html = (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>\n"
        # As on a tool page: an async module in <head>, which starts the worker as it arrives.
        '<script type="module" async src="./page.js" '
        f'data-pyodide="../{site.runtime.pyodide_dir}/pyodide.mjs" '
        f'data-stdlib="{stdlib}"></script>\n'
        f"</head><body><h1>{title}</h1></body></html>\n"
    )
    (page / "index.html").write_text(with_content_security_policy(html), encoding="utf-8")
    return f"{folder}/"
