"""The site under a sub-path, as GitHub Pages serves a project site (`https://OWNER.github.io/REPO/`).

The site is built for `<server>/iep-follow-through/` and the server serves the folder above it, so
a root-absolute URL (`/assets/...`) reaches the server root, which on Pages is someone else's site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.build.site_build import pyscript_files
from tests.conftest import SUBPATH, BuiltSite, Visit
from tests.site import worker_scripts
from tests.test_browser import follow_link, letter_text, open_builder, type_example_case

# Every runtime file a page loads, and the version or content hash its folder name carries.
VERSIONED = re.compile(
    r"assets/(?:py/[0-9a-f]{12}|runtime/(?:pyodide|pyscript|micropython)-\d+\.\d+\.\d+)/"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """Overrides conftest's `site` for this module, so `visit` fails on a request outside it."""
    from tests.site import build_site, serving

    parent = tmp_path_factory.mktemp("pages")
    with serving(parent) as (_, base):
        result = build_site(parent / SUBPATH, f"{base}{SUBPATH}")
        assert result.returncode == 0, result.stdout + result.stderr
        yield BuiltSite(parent / SUBPATH, f"{base}{SUBPATH}")


def outside(visit: Visit, site: BuiltSite) -> list[str]:
    return [url for url in visit.requests if not url.startswith((site.url, "data:", "blob:"))]


def runtime_requests(visit: Visit, site: BuiltSite) -> list[str]:
    return [
        url.removeprefix(site.url)
        for url in visit.requests
        if url.startswith((f"{site.url}assets/py/", f"{site.url}assets/runtime/"))
    ]


def test_every_root_absolute_url_stays_under_the_sub_path(site: BuiltSite) -> None:
    """MkDocs writes 404.html with root-absolute URLs (from site_url); nothing else may have any."""
    for page in site.directory.rglob("*.html"):
        for url in re.findall(r'(?:src|href|content)="(/[^/"][^"]*)"', page.read_text()):
            assert url.startswith(f"/{SUBPATH}"), f"{page}: {url}"


def test_every_runtime_file_lives_in_a_versioned_folder(site: BuiltSite) -> None:
    files = [
        path.relative_to(site.directory).as_posix()
        for folder in ("assets/py", "assets/runtime")
        for path in (site.directory / folder).rglob("*")
        if path.is_file()
    ]
    assert {Path(name).name for name in files} == {
        *("iep.zip", "python.js", "worker.js", "page.js", "widgets.py"),
        *("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"),
        *("pyodide-lock.json", "python_stdlib_later.zip"),
        *("micropython.mjs", "micropython.wasm", *pyscript_files()),
    }
    assert [name for name in files if not VERSIONED.match(name)] == []


def test_a_tool_boots_and_fills_the_letter_under_the_sub_path(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    assert "120 minutes were not provided." in letter_text(page)
    assert outside(visit, site) == [], "nothing outside /iep-follow-through/ is requested"
    assert visit.errors == []


def test_every_runtime_file_loaded_carries_a_version_or_a_hash(
    visit: Visit, site: BuiltSite
) -> None:
    open_builder(visit, site)
    loaded = runtime_requests(visit, site)
    names = {Path(url).name for url in loaded}
    assert {"python.js", "worker.js", "pyodide.mjs", "pyodide.asm.wasm", "iep.zip"} <= names
    assert {"page.js", "widgets.py", "core.js", "micropython.wasm"} <= names, "and PyScript's"
    assert [url for url in loaded if not VERSIONED.match(url)] == []


def test_instant_navigation_keeps_the_tool_live_under_the_sub_path(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    page.evaluate("window.iepSameDocument = true")
    started = len(visit.requests)
    follow_link(page, f"{site.url}guide/write-to-the-case-manager/")
    assert page.evaluate("window.iepSameDocument === true"), "an instant navigation, no reload"
    assert page.locator('[data-path="child.name"]').first.input_value() == "Sam Rivera"
    assert "120 minutes were not provided" in letter_text(page)
    assert worker_scripts(visit.requests[started:]) == [], "the same Python, not a new one"
    assert outside(visit, site) == []
    assert visit.errors == []
