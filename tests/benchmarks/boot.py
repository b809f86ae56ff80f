"""Booting a step page: first paint, the pre-rendered letter, time to live (cold and warm) next
to the bare-Pyodide floor, and how long the main thread is blocked on the way."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace

from playwright.sync_api import Browser, Page

from builder.build.site_build import NODE_MODULES, STDLIB
from tests.benchmarks.harness import (
    READY,
    RendererClock,
    Site,
    fresh_context,
    probe,
    settle,
    total_blocking_time,
    wait_ready,
    write_worker_page,
)
from tests.site import python_worker, snapshot_kept_at

STEP_PAGE = "guide/write-to-the-case-manager/"
SPANISH_STEP_PAGE = "es/" + STEP_PAGE  # the same page and tool, in Spanish
FLOOR_PAGE = "bench-floor/"
# For reference: the same floor with the standard library as Pyodide releases it (source, which
# Python compiles as it imports), rather than the site's compiled copy.
RELEASED_FLOOR_PAGE = "bench-floor-released/"
FLOOR_READY = 'body[data-state="ready"]'
# The floor's worker: the same self-hosted Pyodide and standard library, started in a module
# worker as the site's worker.js starts it (START_PYODIDE), then one trivial line of Python; none
# of our code, archive or imports.
FLOOR_WORKER = """self.addEventListener("message", ({ data }) => {
  startPyodide(data.start)
    .then((runtime) => {
      performance.mark("iep:pyodide-started"); // as worker.js marks it
      return runtime.runPython("1");
    })
    .then(
      () => self.postMessage({ started: true }),
      (error) => self.postMessage({ failed: String(error) }),
    );
});
"""
# The Python worker's own clock, and the marks worker.js (and the floor's worker) make as it starts.
WORKER_MARKS = """() => ({
  origin: performance.timeOrigin,
  marks: performance.getEntriesByType("mark")
    .filter((mark) => mark.name.startsWith("iep:"))
    .map((mark) => [mark.name.slice(4), mark.startTime]),
})"""


@dataclass(frozen=True)
class Load:
    """One page load, in ms since its navigation started."""

    ready: float
    blocking: float
    longest_task: float
    cpu: float  # ms of renderer CPU time until live
    first_paint: float | None = None
    letter_in_dom: float | None = None
    letter_frame: float | None = None
    letter_complete: bool = False
    runtime_asked: float | None = None  # the page creates its Python worker
    # When the worker's script started running, and each mark it made (pyodide-started, ...)
    worker_marks: dict[str, float] = field(default_factory=dict)
    snapshot_kept: float | None = None  # a first visit: when the snapshot was kept, if it was

    @property
    def restored(self) -> bool:
        """Python was restored from a snapshot kept by an earlier visit."""
        return "snapshot-restored" in self.worker_marks


@dataclass(frozen=True)
class BootRun:
    widget_cold: Load
    widget_warm: Load
    floor_cold: Load
    floor_warm: Load
    released_cold: Load
    released_warm: Load
    spanish_cold: Load
    spanish_warm: Load


def write_floors(site: Site) -> None:
    write_worker_page(site, FLOOR_PAGE.rstrip("/"), FLOOR_WORKER, title="Bare Pyodide floor")
    folder = RELEASED_FLOOR_PAGE.rstrip("/")
    write_worker_page(
        site, folder, FLOOR_WORKER, title="Bare Pyodide floor, as released", stdlib=STDLIB
    )
    shutil.copyfile(NODE_MODULES / "pyodide" / STDLIB, site.directory / folder / STDLIB)


def boot_run(browser: Browser, site: Site, clock: RendererClock, *, floor_first: bool) -> BootRun:
    """Cold then warm, for the step page (in English and in Spanish) and the floors; which goes
    first alternates by run."""
    pages = [
        (STEP_PAGE, None),
        (SPANISH_STEP_PAGE, None),
        (FLOOR_PAGE, FLOOR_READY),
        (RELEASED_FLOOR_PAGE, FLOOR_READY),
    ]
    if floor_first:
        pages.reverse()
    loads = {path: _cold_and_warm(browser, site, clock, path, ready) for path, ready in pages}
    return BootRun(
        *loads[STEP_PAGE],
        *loads[FLOOR_PAGE],
        *loads[RELEASED_FLOOR_PAGE],
        *loads[SPANISH_STEP_PAGE],
    )


def _cold_and_warm(
    browser: Browser, site: Site, clock: RendererClock, path: str, ready: str | None = None
) -> tuple[Load, Load]:
    with fresh_context(browser) as context:
        page = context.new_page()
        loads = []
        for _ in range(2):  # the second load finds the first one's files in the browser's caches
            before = clock.now()
            page.goto(site.url + path)
            ready_at = wait_ready(page, ready or READY)
            load = _measure(page, ready_at, clock.since(before))
            settle(page)
            if ready is None and not load.restored:  # a tool page keeps a snapshot of Python
                load = replace(load, snapshot_kept=snapshot_kept_at(page))
            loads.append(load)
        return loads[0], loads[1]


def _measure(page: Page, ready: float, cpu: float) -> Load:
    recorded = probe(page)
    paints = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)"
    )
    final = page.evaluate(
        "(document.querySelector('[data-role=\"body\"]') || {}).textContent || null"
    )
    return Load(
        ready=ready,
        blocking=total_blocking_time(recorded["longTasks"], ready),
        longest_task=max((d for start, d in recorded["longTasks"] if start < ready), default=0.0),
        cpu=cpu,
        first_paint=paints[0] if paints else None,
        letter_in_dom=recorded["letterInDom"],
        letter_frame=recorded["letterFrame"],
        # The letter painted in that frame was the whole pre-rendered letter, and had a box.
        letter_complete=bool(recorded["letterRendered"]) and recorded["letterText"] == final,
        runtime_asked=recorded["workerCreated"],
        worker_marks=_worker_marks(page),
    )


def _worker_marks(page: Page) -> dict[str, float]:
    """The Python worker's start ("running") and its marks, in ms since the page's navigation."""
    worker = python_worker(page)
    if worker is None:
        return {}
    seen = worker.evaluate(WORKER_MARKS)
    offset = seen["origin"] - page.evaluate("performance.timeOrigin")
    return {"running": offset, **{name: offset + time for name, time in seen["marks"]}}
