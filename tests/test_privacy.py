"""Privacy, proven page by page: a reader's walk through the whole site, using every tool.

The crawl visits every page of the built site the way a reader does (a first load, then links),
types into every field of every tool, adds rows, chooses each letter, copies, exports, marks a
letter sent, and imports a case file and a log. It fails on:
- any request that leaves the site's origin (http, https, ws or wss), from the page, its workers
  or the service worker;
- any cookie;
- any storage written before the parent ticks "Remember on this device": localStorage,
  sessionStorage, IndexedDB, and Cache Storage other than the site's own offline cache;
- any Content-Security-Policy violation, and any console error, on any page.

What counts as storage, precisely. One thing is allowed, only because the test proves what is in
it; anything else written before the opt-in fails the test (any IndexedDB database included), and
docs/privacy.md says the same to readers:
- the service worker (sw.js) keeps the site's own public files in one Cache Storage cache named
  `iep-follow-through-<version>`, so the guide works offline: every entry must be a GET of a file
  of the built site, by its address without a query string, so nothing typed can be in it;
- python.js keeps one snapshot of Python with our code imported, in the cache
  `python-snapshots-iep-follow-through`, so a later visit starts sooner: it must be the one entry
  there, at its version's address, and hold none of the text the walk typed (test_snapshot.py
  proves the same for text typed before Python was live);
- the case being typed is kept in the tab's session storage, under one key, so a reload or a tab
  the phone discarded keeps it; the browser erases it when the tab closes: it must be that one key,
  holding the case document (a version 1 case) and nothing else.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from builder.browser.session import STORAGE_KEY, TAB_KEY
from tests.conftest import EXAMPLE_CASE, BuiltSite
from tests.pages import in_sample
from tests.site import new_context
from tests.test_browser import ALL_READY, BOOT_TIMEOUT_MS, follow_link, settled
from tests.test_snapshot import HOLDS, KEPT, SNAPSHOTS, snapshot_address

# Records every Content-Security-Policy violation, from the first byte of each full page load.
CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', event => window.cspViolations.push(
  `${event.violatedDirective} blocked ${event.blockedURI} in ${event.sourceFile}`));
"""
# Every IndexedDB database with the number of records it holds.
RECORDS = """async () => {
    const records = {};
    for (const {name} of await indexedDB.databases()) {
        const database = await new Promise((opened, failed) => Object.assign(
            indexedDB.open(name), {onsuccess: event => opened(event.target.result),
                                   onerror: event => failed(event.target.error)}));
        const stores = [...database.objectStoreNames];
        const counts = stores.map(store => new Promise(counted => Object.assign(
            database.transaction(store).objectStore(store).count(),
            {onsuccess: event => counted(event.target.result)})));
        records[name] = (await Promise.all(counts)).reduce((sum, count) => sum + count, 0);
        database.close();
    }
    return records;
}"""
STORAGE = f"""async () => ({{
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    databases: await ({RECORDS})(),
    caches: await caches.keys(),
}})"""
CACHED_URLS = """async name => (await (await caches.open(name)).keys())
    .map(request => `${request.method} ${request.url}`)"""
# A value for each kind of field, plain and valid.
TYPED = {
    "email": "probe@example.org",
    "date": "2026-10-05",
    "tel": "555-0100",
    "numeric": "3",
}


def site_pages(site: BuiltSite) -> list[str]:
    """Every page of the built site, as the address a reader loads it by (relative to the site)."""
    names = (path.relative_to(site.directory).as_posix() for path in site.directory.rglob("*.html"))
    return sorted(name.removesuffix("index.html") for name in names)


def page_file(page: str) -> str:
    return page if page.endswith(".html") else f"{page}index.html"


def test_every_page_carries_a_policy_that_allows_only_the_site_itself(site: BuiltSite) -> None:
    for page in site_pages(site):
        html = (site.directory / page_file(page)).read_text(encoding="utf-8")
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert policy, f"{page or 'index'}: no Content-Security-Policy"
        assert html.index(policy[0]) < html.index("<script"), "before any script can run"
        assert "default-src 'self'" in policy[1]
        assert not re.search(r"https?:|wss?:|\*", policy[1]), f"{page}: names another host"
        script = re.search(r"script-src ([^;]+)", policy[1])
        assert script and "eval" not in script[1] and "unsafe-inline" not in script[1], (
            f"{page}: scripts run only from the site's files or by hash, never from text"
        )


def _same_origin(url: str, site: BuiltSite) -> bool:
    return url.startswith(site.url) or url.startswith(("data:", "blob:"))


def _fields(page: Any) -> list[dict[str, str]]:
    fields: list[dict[str, str]] = page.evaluate(
        """() => [...document.querySelectorAll('[data-path]')]
            .filter(field => field.checkVisibility()).map(field => ({
            path: field.dataset.path,
            kind: field.tagName === 'INPUT'
                ? (field.inputMode === 'numeric' ? 'numeric' : field.type)
                : field.tagName.toLowerCase(),
            option: field.tagName === 'SELECT' ? field.options[field.options.length - 1].value : '',
        }))"""
    )
    return fields


def _use_every_tool(page: Any, used: set[str], tmp_path: Path) -> None:
    """Type into every field, add a row to every list, and press what a reader presses."""
    unfold = "document.querySelectorAll('.md-content details').forEach(d => d.open = true)"
    page.evaluate(unfold)  # every folded group of facts, as a reader opens them
    for list_path in page.evaluate(
        """() => [...document.querySelectorAll('[data-action="add"]')]
            .filter(button => button.checkVisibility()).map(button => button.dataset.list)"""
    ):
        page.evaluate(unfold)  # adding a row redraws the form, its empty groups folded
        page.locator(f'[data-action="add"][data-list="{list_path}"]:visible').first.click()
        settled(page)
    page.evaluate(unfold)
    for field in _fields(page):
        locator = page.locator(f'[data-path="{field["path"]}"]:visible').first
        if field["kind"] == "checkbox":
            locator.check()
        elif field["kind"] == "select":
            locator.select_option(field["option"])
        else:
            locator.fill(TYPED.get(field["kind"], f"Probe {field['path']}"))
    for copy in page.locator('[data-action="copy"]').all():
        copy.click()
    for action in ("export", "csv-export"):
        if page.locator(f'[data-action="{action}"]').count():
            with page.expect_download():
                page.locator(f'[data-action="{action}"]').first.click()
            used.add(action)
    if page.locator('[data-action="mark-sent"]').count():
        page.locator('[data-action="mark-sent"]').first.click()
    if "import" not in used and page.locator('input[data-action="import"]').count():
        page.locator('input[data-action="import"]').first.set_input_files(str(EXAMPLE_CASE))
        page.wait_for_function(
            "() => document.querySelector('[data-role=\"case-message\"]').textContent"
        )
        used.add("import")
    if "csv-import" not in used and page.locator('input[data-action="csv-import"]').count():
        log = tmp_path / "log.csv"
        log.write_text("Date,Minutes,Reason\n2026-10-06,30,\n2026-10-08,0,provider absent\n")
        page.locator('input[data-action="csv-import"]').first.set_input_files(str(log))
        page.wait_for_selector('[data-path="services.0.log.1.date"]')
        used.add("csv-import")
    chooser = page.locator('[data-action="choose-letter"]')
    if chooser.count():
        for letter in chooser.locator("option").evaluate_all(
            "options => options.map(o => o.value)"
        ):
            chooser.select_option(letter)
            page.wait_for_selector(f'[data-widget="letter"][data-letter="{letter}"]')
            page.wait_for_function(ALL_READY)
        used.add("choose-letter")


def _storage_written(page: Any, site: BuiltSite, version: str) -> list[str]:
    """Everything stored on the device that the reader did not ask for."""
    found = page.evaluate(STORAGE)
    written = [f"cookie {cookie['name']}" for cookie in page.context.cookies()]
    written += [f"localStorage {key}" for key in found["local"]]
    written += [f"sessionStorage {key}" for key in found["session"] if key != TAB_KEY]
    if TAB_KEY in found["session"]:
        kept = json.loads(page.evaluate("key => sessionStorage.getItem(key)", TAB_KEY))
        if not (isinstance(kept, dict) and kept.get("version") == 1):
            written.append(f"sessionStorage {TAB_KEY}: not the case document")
    written += [
        f"IndexedDB {name}: {records} records" for name, records in found["databases"].items()
    ]
    written += [
        f"Cache Storage {name}"
        for name in found["caches"]
        if name not in (f"iep-follow-through-{version}", SNAPSHOTS)
    ]
    return written


def _snapshot_strays(page: Any, site: BuiltSite) -> list[str]:
    """What in the snapshots' cache is not this site's one snapshot, or is something typed."""
    address = snapshot_address(site)
    # Kept once the reader pauses (python.js): the walk pauses only at its end.
    deadline = time.monotonic() + BOOT_TIMEOUT_MS / 1000
    while not (kept := [url for url, _ in page.evaluate(KEPT, SNAPSHOTS)]):
        assert time.monotonic() < deadline, "no snapshot of Python was kept"
        page.wait_for_timeout(250)
    if kept != [address]:
        return [f"snapshots kept: {kept}"]
    holding: list[str] = page.evaluate(
        HOLDS, [SNAPSHOTS, address, [TYPED["email"], "Probe child.name"]]
    )
    return holding


def _site_version(site: BuiltSite) -> str:
    found = re.search(r'const VERSION = "([0-9a-f]{12})"', (site.directory / "sw.js").read_text())
    assert found, "the built sw.js carries its version"
    return found[1]


def _cached_only_site_files(page: Any, site: BuiltSite, version: str) -> list[str]:
    """What in the offline cache is not a GET of one of the site's own files."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    cached = page.evaluate(CACHED_URLS, f"iep-follow-through-{version}")
    assert cached, "the site's files are kept for offline use"
    files = {path.relative_to(site.directory).as_posix() for path in site.directory.rglob("*")}
    stray = []
    for entry in cached:
        method, url = entry.split(" ", 1)
        name = url.removeprefix(site.url)
        known = page_file(name) in files if not name or name.endswith("/") else name in files
        if method != "GET" or urlsplit(url).query or not url.startswith(site.url) or not known:
            stray.append(entry)
    return stray


def test_a_walk_through_every_page_and_tool_sends_and_stores_nothing(
    browser: Any, site: BuiltSite, tmp_path: Path, trust_report: dict[str, str]
) -> None:
    context = new_context(browser, accept_downloads=True)
    requests: list[str] = []
    from_worker: list[str] = []
    errors: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.on(
        "request",
        lambda request: from_worker.append(request.url) if request.service_worker else None,
    )
    page = context.new_page()
    page.on("websocket", lambda socket: requests.append(socket.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(CSP_VIOLATIONS)
    version = _site_version(site)
    pages = site_pages(site)
    used: set[str] = set()
    stored: list[str] = []
    violations: list[str] = []
    page.goto(site.url)
    for address in pages:
        follow_link(page, site.url + address)
        # Tools: used on every page in English, and on a sample in each other language.
        if page.locator(".iep-widget").count() and in_sample(address):
            _use_every_tool(page, used, tmp_path)
        elif page.locator(".iep-widget").count():
            page.wait_for_function(ALL_READY)
        stored += [
            f"{address or 'index'}: {item}" for item in _storage_written(page, site, version)
        ]
        violations += page.evaluate("window.cspViolations")
    stray = _cached_only_site_files(page, site, version) + _snapshot_strays(page, site)
    off_origin = [url for url in requests if not _same_origin(url, site)]
    trust_report["pages crawled"] = f"{len(pages)} (every tool used: {', '.join(sorted(used))})"
    trust_report["requests off-origin"] = (
        f"{len(off_origin)} of {len(requests)} ({len(from_worker)} from the service worker)"
    )
    trust_report["storage before opt-in"] = (
        f"{len(stored)} (offline cache: site files only; Python's snapshot: nothing typed; "
        "the tab's session storage: the case only)"
    )
    assert used >= {"import", "csv-import", "export", "csv-export", "choose-letter"}
    assert from_worker, "the service worker's requests are watched too"
    assert off_origin == [], "requests left the site's origin"
    assert stored == [], "stored before the parent opted in"
    assert stray == [], "the caches hold only the site's own files and Python's snapshot"
    assert violations == [], "Content-Security-Policy violations"
    assert errors == [], "console errors"
    follow_link(page, site.url + "builder/")
    page.locator('[data-action="remember"]').first.check()
    settled(page)
    assert page.evaluate("Object.keys(localStorage)") == [STORAGE_KEY], "the case, and only it"
    page.locator('[data-action="ask-forget"]').first.click()
    page.locator('[data-role="forget-confirm"] [data-action="forget"]').first.click()
    settled(page)
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.length") == 0
    context.close()
