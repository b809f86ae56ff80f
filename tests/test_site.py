"""The built site: strict build, pre-rendered widgets, page shape, and a self-hosted runtime."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest

from builder.i18n import long_date, text
from tests.conftest import ROOT, BuiltSite
from tests.pages import Source, sources

# Each step page's sections, by their anchors: every language keeps the English ones.
STEP_SECTIONS = (
    "the-short-answer",
    "your-rights",
    "what-to-do",
    "sample-wording",
    "tips",
    "if-this-does-not-work",
)


def zip_names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as opened:
        return set(opened.namelist())


def test_every_page_has_the_page_information_box_and_the_disclaimer(site: BuiltSite) -> None:
    assert len(sources()) >= 38
    for source in sources():
        html = site.html(source.address)
        assert text("page.information", source.language) in html, source.address
        assert text("page.not_advice", source.language) in html, source.address


@pytest.mark.parametrize("source", sources(under="guide"), ids=lambda source: source.id)
def test_every_step_page_has_its_sections_and_its_sources(site: BuiltSite, source: Source) -> None:
    html = site.html(source.address)
    anchors = re.findall(r'<h2 id="([^"]*)">', html)
    assert [anchor for anchor in anchors if anchor in STEP_SECTIONS] == list(STEP_SECTIONS)
    listed = re.search(rf"<dt>{text('page.sources', source.language)}</dt>(.*?)</dd>", html, re.S)
    assert listed and listed.group(1).count("<li>") >= 1
    reviewed = re.search(r'<time datetime="(\d{4}-\d\d-\d\d)">([^<]+)</time>', html)
    assert reviewed, "the date the page was last reviewed"
    day = dt.date.fromisoformat(reviewed[1])
    assert reviewed[2] == long_date(day, source.language), (
        "written as the page's language writes it"
    )


def test_widgets_are_pre_rendered_with_the_worked_example(site: BuiltSite) -> None:
    html = site.html("builder")
    assert 'data-widget="letter"' in html
    assert "Daniel Alvarez received 10 sessions (285 minutes): 315 minutes were not provided." in (
        html
    )
    assert 'data-iep-widget="' not in html, "every widget token was replaced"


def test_search_finds_the_guide_and_not_the_tools_worked_example(site: BuiltSite) -> None:
    index = json.loads((site.directory / "search" / "search_index.json").read_text())
    texts = {entry["location"]: entry["text"] for entry in index["docs"]}
    step_page = "guide/write-to-the-case-manager/"
    on_step_page = " ".join(text for place, text in texts.items() if place.startswith(step_page))
    assert "case manager" in on_step_page
    everything = " ".join(texts.values())
    # The example letter, the calculator's results and the fact forms are not the guide's words.
    for tool_text in ("Daniel Alvarez", "Dear Ms. Rachel Kim", "Jefferson Elementary"):
        assert tool_text not in everything
    assert "California" in everything, "the state list is the guide's own content"


def test_python_is_started_from_the_head_only_where_a_tool_is_shown(site: BuiltSite) -> None:
    for page in ("builder", "glossary", "guide/beyond/mediation"):
        html = site.html(page)
        assert 'type="py"' not in html
        assert "data-pyodide" in html, "the page script can start Python after a navigation"
        starts_now = re.search(r"<head>.*<script[^>]*data-start[^>]*>.*</head>", html, re.S)
        assert bool(starts_now) == ("iep-widget" in html), page
    assert "iep-widget" in site.html("builder")
    assert "iep-widget" not in site.html("glossary")


def test_the_runtime_is_served_from_the_site_itself(site: BuiltSite) -> None:
    for page in site.directory.rglob("*.html"):
        html = page.read_text()
        loaded = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(
            r'<link(?![^>]*rel="(?:canonical|alternate)")[^>]+href="([^"]+)"', html
        )
        loaded += re.findall(r'data-pyodide="([^"]+)"', html)
        for url in loaded:
            assert not re.match(r"(https?:)?//", url), f"{page}: loads {url}"
    builder = site.directory / "builder" / "index.html"
    runtime = re.search(r'data-pyodide="([^"]+)"', builder.read_text())
    assert runtime is not None
    assert (builder.parent / runtime[1]).resolve().name == "pyodide.mjs"
    assert (builder.parent / runtime[1]).resolve().exists()
    python = next(site.directory.glob("assets/py/*/python.js")).parent
    assert {"python.js", "worker.js", "widgets.js", "iep.zip"} <= {p.name for p in python.iterdir()}


def test_pyodide_is_served_a_package_index_without_packages(site: BuiltSite) -> None:
    served = json.loads(next(site.directory.glob("assets/runtime/*/pyodide-lock.json")).read_text())
    released = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert released["packages"], "the released index lists Pyodide's packages"
    assert served == {"info": released["info"], "packages": {}}


def test_the_python_archive_ships_bytecode_of_every_module_and_only_what_runs(
    site: BuiltSite,
) -> None:
    names = zip_names(next(site.directory.glob("assets/py/*/iep.zip")))
    shipped = {"builder/browser/session.pyc", "builder/gap.pyc", "builder/browser/__init__.pyc"}
    assert shipped | {"jinja2/environment.pyc", "markupsafe/__init__.pyc"} <= names
    assert [name for name in names if name.endswith(".py")] == [], "compiled at build time"
    assert "letters/catalogue.json" in names and "builder/data/form.json" in names
    not_shipped = ("builder/build/", "builder/cli/", "builder/browser/static/", "builder/__main__")
    assert [name for name in names if name.startswith(not_shipped)] == [], "by folder"


def test_the_standard_library_is_served_with_what_python_imports_compiled_and_unused_left_out(
    site: BuiltSite,
) -> None:
    python = next(site.directory.glob("assets/py/*/"))
    names = zip_names(python / "python_stdlib.zip") | zip_names(python / "python_stdlib_later.zip")
    released = zip_names(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip")
    compiled = {name for name in names if name.endswith(".pyc")}
    served = {name.removesuffix("c") for name in compiled} | (names - compiled)
    assert served <= released, "Pyodide's own modules, as source or as bytecode, and no others"
    imported_at_start = {"encodings/__init__.pyc", "_pyodide/_base.pyc", "zipfile/__init__.pyc"}
    imported_by_our_code = {"dataclasses.pyc", "json/decoder.pyc", "urllib/parse.pyc", "csv.pyc"}
    assert imported_at_start | imported_by_our_code <= compiled
    could_be_imported = {"difflib.py", "email/parser.py", "decimal.py"}
    imported_by_name = {"encodings/utf_16.py", "pyodide/http/__init__.py", "_strptime.py"}
    assert could_be_imported | imported_by_name <= names, "left as source"
    nothing_imports = {"smtplib.py", "xml/dom/minidom.py", "unittest/__init__.py", "pydoc.py"}
    nothing_imports |= {"encodings/cp1252.py", "encodings/big5.py"}  # no codec but Unicode's
    nothing_imports |= {"pyodide/console.py", "multiprocessing/__init__.py"}  # never run here
    assert not nothing_imports & served, "left out"
    frozen = {"os.py", "codecs.py", "importlib/_bootstrap.py", "zipimport.py"}
    assert not frozen & names, "the interpreter imports its own frozen copy"
    assert "unittest/" not in names, "no empty folder, which Python would import as a package"
    assert list(site.directory.glob("assets/runtime/*/python_stdlib.zip")) == [], "one copy"


def test_the_standard_library_modules_no_page_imports_are_in_a_later_zip(site: BuiltSite) -> None:
    python = next(site.directory.glob("assets/py/*/"))
    now = {name.split("/")[0] for name in zip_names(python / "python_stdlib.zip")}
    later_files = zip_names(python / "python_stdlib_later.zip")
    later = {name.split("/")[0] for name in later_files}
    assert {"json", "asyncio", "dataclasses.pyc", "_pyodide"} <= now, "imported as Python starts"
    assert {"email", "http", "argparse.py", "_strptime.py"} <= later, "no page imports them"
    assert not now & later, "each package whole in one zip"
    assert not {"ctypes", "_pyrepl"} & (now | later), "no folder without its modules"
    with zipfile.ZipFile(python / "iep.zip") as archive:
        index = json.loads(archive.read("builder/browser/later-modules.json"))
    modules = {
        name.split("/")[0].removesuffix(".py") for name in later_files if name.endswith(".py")
    }
    assert index == sorted(modules)
