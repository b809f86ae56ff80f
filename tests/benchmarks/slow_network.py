"""A step page's first paint on a slow phone network: Lighthouse's mobile preset (150 ms round
trips, 1.6 Mbit/s down, 750 kbit/s up, "roughly the bottom 25% of 4G connections"), emulated by
Chromium request by request, from a server that compresses every file as a static host does.

Only the first paint: on such a network the tool's Python (6.7 MB) takes over half a minute to
download, which the transfer rows already count."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, ClassVar

from playwright.sync_api import Browser

from tests.benchmarks.boot import STEP_PAGE
from tests.benchmarks.harness import fresh_context, probe
from tests.benchmarks.transfer import GZIP_LEVEL
from tests.site import QuietHandler

SLOW_MOBILE = {
    "offline": False,
    "latency": 150,  # ms
    "downloadThroughput": 1_600_000 / 8,  # bytes a second
    "uploadThroughput": 750_000 / 8,
}
PAINT_TIMEOUT_MS = 60_000
# The first paint, the letter's first frame, and the worker (created at the first frame).
FIRST_PAINT = """() => performance.getEntriesByName('first-contentful-paint').length > 0
    && window.__bench.letterFrame !== null && window.__bench.workerCreated !== null"""


class CompressingHandler(QuietHandler):
    """Sends every file gzip-compressed, as a static host such as GitHub Pages does."""

    compressed: ClassVar[dict[Path, bytes]] = {}  # the site does not change while it is served

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        if path not in self.compressed:
            self.compressed[path] = gzip.compress(path.read_bytes(), GZIP_LEVEL, mtime=0)
        body = self.compressed[path]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@dataclass(frozen=True)
class SlowLoad:
    """A first visit to the step page on the slow network, in ms since its navigation started."""

    first_paint: float
    letter_whole: bool  # the whole pre-rendered letter was in that first paint, with a box
    runtime_asked: float | None  # the page created its Python worker


def slow_network_run(browser: Browser, url: str) -> SlowLoad:
    """The step page from `url`, served by CompressingHandler, until its first paint."""
    with fresh_context(browser) as context:
        page = context.new_page()
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", SLOW_MOBILE)
        page.goto(url + STEP_PAGE, wait_until="commit")
        page.wait_for_function(FIRST_PAINT, timeout=PAINT_TIMEOUT_MS)
        recorded = probe(page)
        first_paint: float = page.evaluate(
            "performance.getEntriesByName('first-contentful-paint')[0].startTime"
        )
        # Python is still downloading, so the letter is still the one the page arrived with.
        letter = page.evaluate("document.querySelector('[data-role=\"body\"]').textContent")
        return SlowLoad(
            first_paint=first_paint,
            letter_whole=recorded["letterInDom"] <= first_paint
            and bool(recorded["letterRendered"])
            and recorded["letterText"] == letter,
            runtime_asked=recorded["workerCreated"],
        )
