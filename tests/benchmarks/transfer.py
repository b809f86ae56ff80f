"""Bytes a first visit transfers, raw and gzip-compressed, and which runtime files a tool page
really requests (the rest of what the site ships never runs); and what a tool page still
downloads after the home page has had the browser fetch Python's files ahead.

A first visit registers the service worker that keeps the site for offline use (when the site has
one); what it downloads after the page has loaded is counted apart, since the reader's data plan
pays for it too.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from playwright.sync_api import Browser, Request

from builder.build.site_build import LATER_STDLIB
from tests.benchmarks.harness import Site, fresh_context, own_profile, settle, wait_ready

READING_PAGE = "glossary/"
WIDGET_PAGE = "guide/get-specific/"
# What static hosts such as GitHub Pages use; Python's own default (9) compresses a little harder.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Files:
    requests: int
    raw: int
    gzipped: int
    paths: tuple[str, ...]  # each file requested, relative to the site root


@dataclass(frozen=True)
class Transfer:
    page: Files  # what the page asked for
    offline: Files  # what the service worker downloaded to keep the site for offline use


def page_transfer(browser: Browser, site: Site, path: str, *, widget: bool) -> Transfer:
    """A cold first visit to `path`: every request until the network is idle (on a tool page,
    once the widget is live; with a service worker, once it has kept its files)."""
    with fresh_context(browser) as context:
        page = context.new_page()
        requests: list[Request] = []
        context.on("requestfinished", lambda request: requests.append(request))
        page.goto(site.url + path)
        if widget:
            wait_ready(page)
        settle(page)
        # The page's requests, its workers' included: in a new context the first request for a
        # file comes over the network (a repeat is the cache's answer). Sizes cannot tell here:
        # Playwright gives a worker's own script no body size.
        by_page = list(dict.fromkeys(r.url for r in requests if r.service_worker is None))
        # The service worker's downloads: only bodies that came over the network, not those the
        # HTTP cache the page has just filled answered.
        by_worker = [
            request.url
            for request in requests
            if request.service_worker is not None and _over_network(request)
        ]
    return Transfer(_files(site, by_page), _files(site, by_worker))


def tool_page_after_home(browser: Browser, site: Site) -> Files:
    """What a tool page still downloads when the reader came from the home page, which has the
    browser fetch Python's files ahead. In a browser profile of its own, with a disk cache as a
    regular profile has: a private context's cache is too small to keep Pyodide's 9.6 MB file."""
    with own_profile(browser) as context:
        page = context.new_page()
        page.goto(site.url)
        page.wait_for_load_state("networkidle")  # the home page's fetches are done
        requests: list[Request] = []
        context.on("requestfinished", lambda request: requests.append(request))
        page.goto(site.url + WIDGET_PAGE)
        wait_ready(page)
        page.wait_for_load_state("networkidle")
        downloaded = [
            request.url
            for request in requests
            if request.service_worker is None and _over_network(request)
        ]
    return _files(site, list(dict.fromkeys(downloaded)))


def _over_network(request: Request) -> bool:
    """Whether the response's body came over the network, not from a cache."""
    return request.sizes()["responseBodySize"] > 0


def _files(site: Site, urls: list[str]) -> Files:
    files = [file for file in (site.file_for(url) for url in urls) if file is not None]
    return Files(
        requests=len(urls),
        raw=sum(file.stat().st_size for file in files),
        gzipped=sum(_gzipped_size(file) for file in files),
        paths=tuple(file.relative_to(site.directory).as_posix() for file in files),
    )


def never_requested(site: Site, transfer: Transfer) -> list[str]:
    """Runtime files the site ships (Pyodide's, and our archive and scripts) that a tool page's
    first visit did not request; the standard library's later zip aside, which is fetched only
    if Python imports one of its modules."""
    folders = (site.directory / site.runtime.pyodide_dir, site.directory / site.runtime.python_dir)
    shipped = {
        path.relative_to(site.directory).as_posix()
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file() and path.name != LATER_STDLIB
    }
    return sorted(shipped - set(transfer.page.paths))


@cache
def _gzipped_size(file: Path) -> int:
    return len(gzip.compress(file.read_bytes(), compresslevel=GZIP_LEVEL))
