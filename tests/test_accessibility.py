"""WCAG 2.2 A/AA on every page of the built site, in light and dark mode, and the tools' labels,
errors and announcements.

axe-core (an npm devDependency, never a CDN) checks every page the build writes: a test proves the
list below is the built site's. Pages with a tool are checked once the tool is live, again with a
realistic case imported, and again with a validation error on screen, because those states add
markup the pre-rendered page lacks. Closed `<details>` are opened first so what they hide is
checked too.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_CASE, ROOT, BuiltSite
from tests.pages import in_browser_checks, in_sample, sources, state_pages, variants
from tests.site import new_context

BOOT_TIMEOUT_MS = 120_000
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MODES = ["light", "dark"]
# Narrow exclusions: rule -> selectors, one rule on one selector each, with the reason it is a
# false positive. None is needed today; never turn a rule off for a whole page.
EXCLUSIONS: dict[str, list[str]] = {}
WIDGET_MARKER = re.compile(r"<!-- widget: (?!state-list\b)")  # the state list is a plain table
FIELDS = "input:not([type=hidden]), select, textarea"


# Every page the build writes: the guide's, the state pages made from the data, the 404 page.
PAGES = [*(source.address for source in sources()), *state_pages(), "404.html"]
# The pages the browser checks one by one: the guide's, a sample of the state pages, the 404.
BROWSER_PAGES = [page for page in PAGES if in_browser_checks(page)]
TOOL_PAGES = [s.address for s in sources() if WIDGET_MARKER.search(s.path.read_text("utf-8"))]


def test_the_pages_checked_are_the_pages_built(site: BuiltSite) -> None:
    built = {
        "" if path.parent == site.directory else f"{path.parent.relative_to(site.directory)}/"
        for path in site.directory.rglob("index.html")
        if "assets" not in path.relative_to(site.directory).parts
    }
    assert built | {"404.html"} == set(PAGES)
    with_tools = {page for page in built if 'class="iep-widget' in site.html(page)}
    assert with_tools == set(TOOL_PAGES)


HEADING = re.compile(r"<h([1-6])[\s>]")


def test_headings_never_skip_a_level(site: BuiltSite) -> None:
    """One h1, and each heading at most one level below the one before it (the tools use h3 and h4
    under an h2 of the page), so a screen reader's list of headings is the page's outline."""
    skipped = {}
    for address in PAGES:
        page = site.directory / address
        html = (page if address.endswith(".html") else page / "index.html").read_text("utf-8")
        levels = [int(level) for level in HEADING.findall(html)]
        jumps = [f"h{a} then h{b}" for a, b in itertools.pairwise(levels) if b > a + 1]
        if levels.count(1) != 1 or levels[0] != 1 or jumps:
            skipped[address] = jumps or [f"levels {levels}"]
    assert skipped == {}


@contextmanager
def themed_page(
    browser: Any, site: BuiltSite, mode: str = "light", **options: Any
) -> Iterator[Any]:
    """A page on a device that prefers `mode`; the site follows it (overrides/main.html)."""
    context = new_context(browser, color_scheme=mode, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], "the page raised errors while it was checked"


def has_tool(page: Any) -> bool:
    return bool(page.locator(".iep-widget").count())


def wait_until_live(page: Any) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.iep-widget')]"
        ".every(w => w.dataset.state === 'ready')",
        timeout=BOOT_TIMEOUT_MS,
    )


def import_realistic_case(page: Any) -> None:
    page.locator('input[data-action="import"]').first.set_input_files(str(EXAMPLE_CASE))
    page.wait_for_function(
        "() => document.querySelector('[data-path=\"child.name\"]').value === 'Daniel Alvarez'"
    )


def show_error(page: Any, selector: str, value: str | None = None) -> None:
    """Type `value` (if any) into the first field matching `selector`; wait until it is flagged."""
    field = page.locator(selector).first
    if value is not None:
        field.fill(value)
    page.wait_for_function(
        "field => field.getAttribute('aria-invalid') === 'true'", arg=field.element_handle()
    )


# -- axe-core ------------------------------------------------------------------------------------


def axe_violations(page: Any) -> list[str]:
    """The WCAG 2.2 A/AA violations axe finds on the page as it is now, one line per node.

    The page's Content-Security-Policy allows scripts by hash only, so axe is handed to the page
    through the DevTools protocol (`page.evaluate`), which a page's CSP does not govern: the CSP
    stays exactly as the site ships it, and nothing is injected as an inline script.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    page.evaluate("document.querySelectorAll('details:not([open])').forEach(d => d.open = true)")
    # Tools off screen are not drawn (content-visibility): draw them all, so every one is checked.
    page.evaluate(
        "document.querySelectorAll('.iep-widget')"
        ".forEach(widget => widget.style.contentVisibility = 'visible')"
    )
    # A colour caught halfway through a transition (the header's title fading in) is not the
    # colour a reader sees: let finite animations finish first.
    page.evaluate(
        "Promise.all(document.getAnimations()"
        ".filter(a => a.effect.getTiming().iterations !== Infinity).map(a => a.finished))"
    )
    violations = page.evaluate(
        "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        WCAG_22_AA,
    )
    return [
        f"{violation['id']}: {node['target']} - {node['failureSummary'].splitlines()[-1].strip()}"
        for violation in violations
        for node in violation["nodes"]
        if not _excluded(page, violation["id"], node["target"][-1])
    ]


def _excluded(page: Any, rule: str, target: str) -> bool:
    return any(
        page.evaluate("([node, sel]) => document.querySelector(node).matches(sel)", [target, sel])
        for sel in EXCLUSIONS.get(rule, [])
    )


def _tally(report: dict[str, str], name: str, count: int) -> None:
    report[name] = str(int(report.get(name, "0")) + count)


@pytest.mark.parametrize(("address", "mode"), variants(BROWSER_PAGES, MODES))
def test_axe_finds_no_wcag_22_aa_violation(
    browser: Any, site: BuiltSite, address: str, mode: str, trust_report: dict[str, str]
) -> None:
    found: dict[str, list[str]] = {}
    with themed_page(browser, site, mode) as page:
        page.goto(site.url + address)
        scheme = page.evaluate("document.body.dataset.mdColorScheme")
        assert scheme == ("slate" if mode == "dark" else "default"), "the site follows the device"
        if not has_tool(page):
            found["the page"] = axe_violations(page)
        else:
            wait_until_live(page)
            found["the tool, live"] = axe_violations(page)
            if page.locator('input[data-action="import"]').count():
                import_realistic_case(page)
                found["a realistic case imported"] = axe_violations(page)
            if page.locator('[data-path$=".minutes"]').count():
                show_error(page, '[data-path$=".minutes"]', "abc")
                found["a validation error shown"] = axe_violations(page)
    _tally(trust_report, f"axe: pages checked in {mode} mode", 1)
    _tally(trust_report, "axe: page states checked (tools live, filled, with an error)", len(found))
    _tally(trust_report, "axe: WCAG 2.2 A/AA violations", sum(map(len, found.values())))
    problems = {state: lines for state, lines in found.items() if lines}
    assert problems == {}, "\n".join(
        f"{state}:\n  " + "\n  ".join(lines) for state, lines in problems.items()
    )


# -- labels, errors and announcements ---------------------------------------------------------


def test_a_long_log_shown_in_part_passes_axe(browser: Any, site: BuiltSite, tmp_path: Path) -> None:
    case = json.loads(EXAMPLE_CASE.read_text())
    days = [f"2026-{month:02d}-{day:02d}" for month in (9, 10, 11) for day in range(1, 29)]
    case["services"][0]["log"] = [{"date": day, "minutes": 30} for day in days]
    path = tmp_path / "long-log.json"
    path.write_text(json.dumps(case))
    with themed_page(browser, site) as page:
        page.goto(site.url + "guide/get-specific/")
        wait_until_live(page)
        page.locator('input[data-action="import"]').first.set_input_files(str(path))
        page.locator('[data-action="show-all"]').first.wait_for()
        assert axe_violations(page) == []


def accessible_name(field: Any) -> str:
    """The name a screen reader announces for `field`, from Chromium's accessibility tree."""
    first_line = field.aria_snapshot().splitlines()[0]
    match = re.match(r'- [\w-]+ "(.*)"', first_line)
    return match.group(1) if match else ""


# A value each kind of field refuses, and the field whose message it brings up. A date field is
# the browser's date picker, which takes only real dates: its error is an end before the start.
BAD_VALUES = [
    ('[data-path$=".minutes"]', "abc", '[data-path$=".minutes"]'),
    ('[data-path="parent.email"]', "not an address", '[data-path="parent.email"]'),
    ('[data-path="period.start"]', "2026-10-23", None),
    ('[data-path="period.end"]', "2026-10-05", '[data-path="period.end"]'),
]
# Every field flagged invalid points at its non-empty message inside a live region, and every
# message shown belongs to a field flagged invalid.
ERRORS_TIED_AND_LIVE = """() => {
  const problems = [];
  const live = '[aria-live="polite"], [aria-live="assertive"], [role="status"], [role="alert"]';
  for (const field of document.querySelectorAll('[aria-invalid="true"]')) {
    const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/);
    const ok = ids.map(id => document.getElementById(id)).some(el =>
      el && el.matches('[data-error-for]') && el.textContent.trim() && el.closest(live));
    if (!ok) problems.push('no announced message for ' + field.dataset.path);
  }
  for (const message of document.querySelectorAll('[data-error-for]')) {
    const field = document.querySelector(`[aria-describedby~="${message.id}"]`);
    if (message.textContent.trim() && field?.getAttribute('aria-invalid') !== 'true')
      problems.push('a message for a field not flagged: ' + message.id);
  }
  return problems;
}"""
DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(element => element.id);
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}"""


@pytest.mark.parametrize("address", [p for p in TOOL_PAGES if in_sample(p)])
def test_every_field_has_a_name_and_its_error_is_tied_to_it_and_announced(
    browser: Any, site: BuiltSite, address: str
) -> None:
    with themed_page(browser, site) as page:
        page.goto(site.url + address)
        wait_until_live(page)
        assert page.evaluate(DUPLICATE_IDS) == [], "a label would name the wrong element"
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        fields = page.locator(f".md-content :is({FIELDS})").all()
        assert fields
        assert [f.evaluate("f => f.outerHTML") for f in fields if not accessible_name(f)] == []
        for selector, value, flagged in BAD_VALUES:
            if page.locator(selector).count():
                page.locator(selector).first.fill(value)
                if flagged:
                    show_error(page, flagged)
        assert page.evaluate(ERRORS_TIED_AND_LIVE) == []
        for field in page.locator('[aria-invalid="true"]').all():
            assert accessible_name(field), "a flagged field keeps its name"


@pytest.mark.parametrize(
    "address", [p for p in TOOL_PAGES if in_sample(p) and not p.endswith("your-state/")]
)
def test_changes_are_announced_politely_without_rereading_the_letter(
    browser: Any, site: BuiltSite, address: str
) -> None:
    with themed_page(browser, site) as page:
        page.goto(site.url + address)
        wait_until_live(page)
        for status in page.locator('[data-role="status"], [data-role="case-message"]').all():
            assert status.get_attribute("role") == "status"
        live = page.evaluate(
            '[...document.querySelectorAll(\'[data-role="letter"], [data-role="results"]\')]'
            ".filter(el => el.closest('[aria-live]')).length"
        )
        assert live == 0, "a whole letter or table is never re-read on every keystroke"
        # The first keystroke turns the worked example into the reader's case: every tool changes.
        page.locator('[data-path="child.name"]').first.fill("Daniel Alvarez")
        for kind in ("letter", "gap"):
            widget = page.locator(f'.iep-widget[data-widget="{kind}"]').first
            if not widget.count():
                continue
            note = widget.locator('[data-role="announce"]')
            assert note.get_attribute("aria-live") == "polite"
            page.wait_for_function("el => el.textContent !== ''", arg=note.element_handle())
            sentence = widget.locator(".iep-gap__sentence")
            expected = widget.get_attribute("data-updated") or sentence.text_content()
            assert note.text_content() == expected
