"""Offline: after a first visit, the guide and its tools work with the network off.

Each test builds its own copy of the site under a sub-path, as GitHub Pages serves a project site,
and serves it on its own port: the offline test then shuts that server down, so nothing at all can
come from the network, and the update test rewrites the copy's service worker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from builder.build.site_build import LATER_STDLIB
from tests.conftest import EXAMPLE_CASE, BuiltSite, OwnSite
from tests.site import new_context, snapshot_kept_at
from tests.test_browser import (
    ALL_READY,
    BOOT_TIMEOUT_MS,
    READY,
    follow_link,
    later_modules_fetched_in_the_worker,
    letter_text,
)
from tests.test_snapshot import SNAPSHOTS, restored

LADDER = (
    "",
    "guide/get-specific/",
    "guide/keep-a-log/",
    "guide/write-to-the-case-manager/",
    "guide/follow-up-in-writing/",
    "guide/request-an-iep-meeting/",
    "guide/ask-for-make-up-services/",
    "guide/escalate-to-the-director/",
    "guide/file-a-state-complaint/",
    "guide/beyond/mediation/",
    "guide/beyond/due-process/",
    "guide/beyond/section-504-and-ocr/",
    "guide/beyond/getting-help/",
    "builder/",
    "privacy/",
    # the same offline copy in Spanish: a link into it loads the page whole, from the cache
    "es/",
    "es/guide/get-specific/",
    "es/builder/",
)
CACHE_NAMES = "async () => (await caches.keys()).sort()"
# The newest worker's state once settled (activated, or redundant if it failed), and the cache
# names then (an activating worker deletes the older caches).
SETTLED = """async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    const worker = registration.installing || registration.waiting || registration.active;
    const settled = () => ['activated', 'redundant'].includes(worker.state);
    if (!settled()) {
        await new Promise(done => worker.addEventListener('statechange',
            () => settled() && done()));
    }
    return [worker.state, (await caches.keys()).sort()];
}"""


# State pages made from the data, kept for offline use like the guide's (a sample: sw.js lists
# them all, test_the_service_worker_keeps_every_file_a_reader_loads).
STATE_PAGES = ("states/texas/", "es/states/california/", "states/alabama/")


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = new_context(browser)
    yield context
    context.close()


def _recording(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def _controlled_after_first_visit(page: Any, url: str) -> None:
    """The first visit: the worker installs (keeping every file), then controls the page; and
    python.js keeps its snapshot of Python."""
    page.goto(url)
    page.wait_for_function(ALL_READY, timeout=BOOT_TIMEOUT_MS)
    assert snapshot_kept_at(page) is not None
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    page.wait_for_function(ALL_READY, timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def test_after_a_first_visit_the_whole_ladder_works_with_the_network_off(
    own_site: OwnSite, context: Any, trust_report: dict[str, str]
) -> None:
    page = context.new_page()
    errors = _recording(page)
    _controlled_after_first_visit(page, own_site.url + "guide/get-specific/")
    assert page.evaluate(CACHE_NAMES) == [f"iep-follow-through-{own_site.version}", SNAPSHOTS]
    own_site.server.shutdown()  # from here on, nothing can come from the network
    context.set_offline(True)
    page.goto(own_site.url)  # a fresh load, not only instant navigation
    assert "IEP Follow-Through" in page.title()
    for step in [*LADDER[1:], *STATE_PAGES]:
        follow_link(page, own_site.url + step)
        assert page.locator("h1").count() == 1, step
    page.goto(own_site.url + "guide/file-a-state-complaint/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert restored(page), "Python restored from the snapshot kept on the device"
    page.locator('input[data-action="import"]').first.set_input_files(str(EXAMPLE_CASE))
    child = json.loads((EXAMPLE_CASE).read_text())["child"]["name"]
    page.wait_for_function(
        "name => document.querySelector('[data-role=\"body\"]').textContent.includes(name)",
        arg=child,
    )
    assert child in letter_text(page)
    assert "Case file loaded" in page.locator('[data-role="case-message"]').first.text_content()
    later = next(own_site.directory.glob(f"assets/py/*/{LATER_STDLIB}"))
    assert later_modules_fetched_in_the_worker(page) == later.stat().st_size
    assert errors == []
    trust_report["offline run of the whole ladder"] = f"{len(LADDER)} pages, passed"


def test_a_network_that_never_answers_gets_the_kept_pages_after_a_few_seconds(
    own_site: OwnSite, context: Any
) -> None:
    waited = re.search(r"const NETWORK_WAIT_MS = (\d+);", own_site.worker.read_text())
    assert waited, "sw.js says how long it waits for the network"
    page = context.new_page()
    errors = _recording(page)
    _controlled_after_first_visit(page, own_site.url + "guide/get-specific/")
    # Stopped, but still listening: connections open and nothing ever answers, as on a weak
    # signal or behind a captive portal.
    own_site.server.shutdown()
    page.goto(own_site.url + "guide/write-to-the-case-manager/", timeout=5 * int(waited[1]))
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert restored(page), "Python restored from the snapshot kept on the device"
    assert errors == []


def test_a_new_version_of_the_site_replaces_the_old_cache(own_site: OwnSite, context: Any) -> None:
    page = context.new_page()
    errors = _recording(page)
    _controlled_after_first_visit(page, own_site.url + "builder/")
    old = f"iep-follow-through-{own_site.version}"
    page.evaluate("async () => { await caches.open('another-site-on-this-origin'); }")
    assert page.evaluate(CACHE_NAMES) == ["another-site-on-this-origin", old, SNAPSHOTS]
    new_version = "0" * 12
    own_site.worker.write_text(own_site.worker.read_text().replace(own_site.version, new_version))
    page.evaluate("async () => { await (await navigator.serviceWorker.ready).update(); }")
    expected = ["another-site-on-this-origin", f"iep-follow-through-{new_version}", SNAPSHOTS]
    assert page.evaluate(SETTLED) == ["activated", expected]
    kept = page.evaluate(
        """async name => (await (await caches.open(name)).keys()).map(request => request.url)""",
        f"iep-follow-through-{new_version}",
    )
    assert own_site.url + "builder/" in kept
    assert any(url.endswith("pyodide.asm.wasm") for url in kept)
    own_site.server.shutdown()
    context.set_offline(True)
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert errors == []


def test_the_service_worker_keeps_every_file_a_reader_loads(site: BuiltSite) -> None:
    worker = (site.directory / "sw.js").read_text()
    found = re.search(r"const FILES = (\[.*?\]);", worker, re.S)
    assert found, "the build wrote the list of files into sw.js"
    listed = set(json.loads(found[1]))
    pages = {
        f"{path.parent.relative_to(site.directory).as_posix()}/"
        for path in site.directory.rglob("index.html")
    }
    files = {
        path.relative_to(site.directory).as_posix()
        for path in site.directory.rglob("*")
        if path.is_file()
    }
    runtime = {name for name in files if name.startswith(("assets/runtime/", "assets/py/"))}
    assert pages <= listed, "every page, by the address a reader loads it by"
    assert runtime <= listed, "the whole runtime"
    assert listed <= files | pages, "nothing that is not a file of the site"
    assert "sw.js" not in listed and not [name for name in listed if name.endswith(".map")]
    assert not list(site.directory.glob("assets/py/*/sw.js")), "only at the root"
