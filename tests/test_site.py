"""The built site: strict build, pre-rendered widgets, page shape, and a self-hosted runtime."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, BuiltSite

pytestmark = pytest.mark.site
STEP_SECTIONS = (
    "The short answer",
    "Your rights",
    "What to do",
    "Sample wording",
    "Tips",
    "If this does not work",
)


def step_pages() -> list[Path]:
    return sorted((ROOT / "docs" / "guide").rglob("*.md"))


def built(site: BuiltSite, source: Path) -> str:
    relative = source.relative_to(ROOT / "docs").with_suffix("")
    return site.html(relative.as_posix())


def test_every_page_has_the_page_information_box_and_the_disclaimer(site: BuiltSite) -> None:
    pages = sorted(site.directory.rglob("index.html"))
    assert len(pages) >= 19
    for page in pages:
        if page.parent.name in {"search"}:
            continue
        html = page.read_text()
        assert "Page information" in html, page
        assert "This is general information, not legal advice." in html, page


@pytest.mark.parametrize("source", step_pages(), ids=lambda path: path.stem)
def test_every_step_page_has_its_sections_and_its_sources(site: BuiltSite, source: Path) -> None:
    html = built(site, source)
    headings = re.findall(r"<h2 id=\"[^\"]*\">(.*?)<a class=\"headerlink\"", html)
    assert [heading for heading in headings if heading in STEP_SECTIONS] == list(STEP_SECTIONS)
    sources = re.search(r"<dt>Sources</dt>(.*?)</dd>", html, re.S)
    assert sources and sources.group(1).count("<li>") >= 1
    assert "Last reviewed" in html


def test_widgets_are_pre_rendered_with_the_worked_example(site: BuiltSite) -> None:
    html = site.html("builder")
    assert 'data-widget="letter"' in html
    assert "Daniel Alvarez received 10 sessions (285 minutes): 315 minutes were not provided." in (
        html
    )
    assert 'data-iep-widget="' not in html, "every widget token was replaced"


def test_python_is_started_by_script_only_where_a_tool_is_shown(site: BuiltSite) -> None:
    for page in ("builder", "glossary", "guide/beyond/mediation"):
        html = site.html(page)
        assert 'type="py"' not in html, "the runtime starts from widgets.js, never eagerly"
        assert "data-iep-runtime" in html
    assert "iep-widget" in site.html("builder")
    assert "iep-widget" not in site.html("glossary")


def test_the_runtime_is_served_from_the_site_itself(site: BuiltSite) -> None:
    for page in site.directory.rglob("*.html"):
        html = page.read_text()
        loaded = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(
            r'<link(?![^>]*rel="(?:canonical|alternate)")[^>]+href="([^"]+)"', html
        )
        for url in loaded:
            assert not re.match(r"(https?:)?//", url), f"{page}: loads {url}"
    config_path = next(site.directory.glob("assets/py/*/pyscript.json"))
    config = json.loads(config_path.read_text())
    interpreter = (config_path.parent / config["interpreter"]).resolve()
    assert interpreter.name == "pyodide.mjs" and interpreter.exists()
    assert (config_path.parent / "iep.zip").exists()
    assert not re.match(r"(https?:)?//", config["interpreter"])
