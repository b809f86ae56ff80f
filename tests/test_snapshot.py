"""A snapshot of Python kept on the device (python.js, worker.js): once a tool is live, a second
worker starts Python, imports our code and keeps its memory in Cache Storage; a later visit
restores Python from it instead of starting and importing again. It holds nothing the reader
typed, replaces this site's older ones, and one that cannot be restored is replaced."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import BuiltSite, Visit
from tests.site import DEVICE_MEMORY, python_worker, snapshot_kept_at, worker_scripts
from tests.test_browser import (
    BOOT_TIMEOUT_MS,
    READY,
    letter_text,
)

SNAPSHOTS = "python-snapshots-iep-follow-through"
STEP_PAGE = "guide/write-to-the-case-manager/"
# Each snapshot kept: its address and size in bytes.
KEPT = """async name => {
    const store = await caches.open(name);
    return Promise.all((await store.keys()).map(async (request) =>
        [request.url, (await (await store.match(request)).arrayBuffer()).byteLength]));
}"""
PUT = """async ([name, url, text]) => {
    await (await caches.open(name)).put(url, new Response(text));
}"""
# Which of `needles` the kept snapshot's bytes hold (Python keeps ASCII text one byte a letter).
HOLDS = """async ([name, url, needles]) => {
    const bytes = await (await (await caches.open(name)).match(url)).arrayBuffer();
    const text = new TextDecoder("latin1").decode(bytes);
    return needles.filter((needle) => text.includes(needle));
}"""
WORKER_MARKS = """() => performance.getEntriesByType("mark").map((mark) => mark.name)"""
# Keeping a snapshot takes two workers: one makes it, then one restores it to check it and keeps it.
SNAPSHOT_WORKERS = 2
# Each Python worker (worker.js) the page starts ("new", and its name) and ends ("end"), in order,
# in window.pythonWorkers.
WORKER_LIFETIMES = """() => {
    window.pythonWorkers = [];
    const Original = window.Worker;
    window.Worker = class extends Original {
        constructor(url, options = {}) {
            super(url, options);
            this.python = String(url).endsWith("/worker.js");
            this.workerName = options.name || "page's";
            if (this.python) window.pythonWorkers.push(`new ${this.workerName}`);
        }
        terminate() {
            if (this.python) window.pythonWorkers.push(`end ${this.workerName}`);
            super.terminate();
        }
    };
}"""
# A snapshot is Python's whole memory: tens of megabytes.
SNAPSHOT_BYTES = 10_000_000


def snapshot_address(site: BuiltSite) -> str:
    version = next(site.directory.glob("assets/py/*/iep.zip")).parent.name
    return f"{site.url}assets/py/{version}/python.snapshot"


def restored(page: Any) -> bool:
    return "iep:snapshot-restored" in python_worker(page).evaluate(WORKER_MARKS)


def test_a_second_visit_restores_python_from_the_snapshot_the_first_one_kept(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.goto(site.url + STEP_PAGE)
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert not restored(page)
    assert snapshot_kept_at(page) is not None
    [(address, size)] = page.evaluate(KEPT, SNAPSHOTS)
    assert address == snapshot_address(site) and size > SNAPSHOT_BYTES
    requests = len(visit.requests)
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert restored(page)
    page.locator('[data-path="child.name"]').first.fill("Sam Rivera")
    assert "Sam Rivera" in letter_text(page)
    assert len(worker_scripts(visit.requests[requests:])) == 1, "no second worker keeps one again"
    assert visit.errors == []


def test_one_worker_makes_the_snapshot_and_ends_before_another_checks_and_keeps_it(
    visit: Visit, site: BuiltSite
) -> None:
    """Two of Python's runtimes in memory at once took about 40 MB more at the peak."""
    page = visit.page
    page.add_init_script(f"({WORKER_LIFETIMES})()")
    page.goto(site.url + STEP_PAGE)
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert snapshot_kept_at(page) is not None
    assert page.evaluate("window.pythonWorkers") == [
        "new page's",
        "new python-snapshot",
        "end python-snapshot",
        "new python-snapshot",
        "end python-snapshot",
    ]
    assert visit.errors == []


def test_the_snapshot_holds_nothing_the_reader_typed(visit: Visit, site: BuiltSite) -> None:
    """Typed before Python is live, and after: the page has it, the snapshot does not."""
    page = visit.page
    page.goto(site.url + "builder/")
    page.locator('[data-path="child.name"]').first.fill("Quillon Early")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.locator('[data-path="parent.name"]').first.fill("Marisol Later")
    assert "Quillon Early" in letter_text(page)
    assert snapshot_kept_at(page) is not None
    typed = ["Quillon Early", "Marisol Later"]
    assert page.evaluate(HOLDS, [SNAPSHOTS, snapshot_address(site), typed]) == []
    assert visit.errors == []


@pytest.mark.parametrize(
    ("memory", "kept"), [(2, False), (4, True), (None, True)], ids=["2 GB", "4 GB", "unreported"]
)
def test_a_device_with_little_memory_keeps_no_snapshot(
    visit: Visit, site: BuiltSite, memory: int | None, kept: bool
) -> None:
    """Making one takes about 160 MB more for a moment: a phone short of memory may close the
    tab. Chromium says how much memory a device has; Safari and Firefox do not."""
    page = visit.page
    page.add_init_script(f"({DEVICE_MEMORY})({'null' if memory is None else memory})")
    page.goto(site.url + STEP_PAGE)
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("navigator.deviceMemory") == memory
    assert (snapshot_kept_at(page) is not None) is kept
    assert len(page.evaluate(KEPT, SNAPSHOTS)) == int(kept)
    assert len(worker_scripts(visit.requests)) == 1 + SNAPSHOT_WORKERS * int(kept)
    page.locator('[data-path="child.name"]').first.fill("Sam Rivera")
    assert "Sam Rivera" in letter_text(page)
    assert visit.errors == []


def test_the_snapshot_waits_while_the_reader_types(visit: Visit, site: BuiltSite) -> None:
    """Its worker shares the processor with Python's answers, so it starts at a pause."""
    page = visit.page
    page.goto(site.url + STEP_PAGE)
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.locator('[data-path="child.name"]').first.click()
    page.keyboard.type("Samantha Alexandra Rivera-Okonkwo", delay=80)
    assert len(worker_scripts(visit.requests)) == 1, "no second worker while the reader types"
    assert snapshot_kept_at(page) is not None
    assert visit.errors == []


def test_a_new_snapshot_replaces_this_sites_older_ones_only(visit: Visit, site: BuiltSite) -> None:
    page = visit.page
    page.goto(site.url + "glossary/")  # no tool: nothing is kept here
    older = f"{site.url}assets/py/000000000000/python.snapshot"
    another_site = f"{site.url}another-site/assets/py/000000000000/python.snapshot"
    for address in (older, another_site):
        page.evaluate(PUT, [SNAPSHOTS, address, "another version's snapshot"])
    page.goto(site.url + STEP_PAGE)
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert snapshot_kept_at(page) is not None
    kept = sorted(address for address, _ in page.evaluate(KEPT, SNAPSHOTS))
    assert kept == [another_site, snapshot_address(site)]
    assert visit.errors == []


def test_a_snapshot_python_cannot_restore_is_replaced_and_python_starts_anew(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.goto(site.url + "glossary/")
    page.evaluate(PUT, [SNAPSHOTS, snapshot_address(site), "not a snapshot"])
    page.goto(site.url + STEP_PAGE)
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert not restored(page)
    page.locator('[data-path="child.name"]').first.fill("Sam Rivera")
    assert "Sam Rivera" in letter_text(page)
    assert snapshot_kept_at(page) is not None
    [(_, size)] = page.evaluate(KEPT, SNAPSHOTS)
    assert size > SNAPSHOT_BYTES
    assert visit.errors == []
