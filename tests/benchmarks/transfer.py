"""Bytes a first visit transfers, raw and gzip-compressed, and which runtime files a tool page
really requests (the rest of what the site ships never runs).

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

from tests.benchmarks.harness import Site, fresh_context, settle, wait_ready

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
        # Only bodies that came over the network: not those a cache answered (revalidated).
        fetched = [request for request in requests if request.sizes()["responseBodySize"] > 0]
        by_page = [request.url for request in fetched if request.service_worker is None]
        by_worker = [request.url for request in fetched if request.service_worker is not None]
    return Transfer(_files(site, by_page), _files(site, by_worker))


def _files(site: Site, urls: list[str]) -> Files:
    files = [file for file in (site.file_for(url) for url in urls) if file is not None]
    return Files(
        requests=len(urls),
        raw=sum(file.stat().st_size for file in files),
        gzipped=sum(_gzipped_size(file) for file in files),
        paths=tuple(file.relative_to(site.directory).as_posix() for file in files),
    )


def never_requested(site: Site, transfer: Transfer) -> list[str]:
    """Runtime files the site ships that a tool page's first visit did not request."""
    runtime = site.directory / "assets" / "runtime"
    shipped = {
        path.relative_to(site.directory).as_posix() for path in runtime.rglob("*") if path.is_file()
    }
    return sorted(shipped - set(transfer.page.paths))


@cache
def _gzipped_size(file: Path) -> int:
    return len(gzip.compress(file.read_bytes(), compresslevel=GZIP_LEVEL))
