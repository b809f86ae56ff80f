"""A step page's start in Firefox, as released, next to the same bare-Pyodide floor in Firefox:
a second engine's first and returning visits (Firefox does not say how much memory a device has,
so its returning visits restore the snapshot of Python on any device)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.benchmarks.boot import FLOOR_PAGE, FLOOR_READY, STEP_PAGE
from tests.benchmarks.harness import READY, Site
from tests.engines import FirefoxPage, firefox_page
from tests.site import RESTORED_MARK, SNAPSHOT_DONE, SNAPSHOT_MARK

# Installed in every page before its own scripts: when a tool (or the floor's body) first comes
# live, in ms since the page's navigation started, awaited as window.iepLiveAt.
LIVE_AT = f"""() => {{
  window.iepLiveAt = new Promise((resolve) => {{
    const live = () => document.querySelector(`{READY}, {FLOOR_READY}`);
    new MutationObserver((_, observer) => {{
      if (!live()) return;
      observer.disconnect();
      resolve(performance.now());
    }}).observe(document, {{ subtree: true, childList: true, attributeFilter: ["data-state"] }});
  }});
}}"""


@dataclass(frozen=True)
class FirefoxRun:
    """One fresh Firefox profile's first and returning visit to the step page, and another's to
    the floor, in ms from navigation start until live."""

    version: str
    step_cold: float
    step_warm: float
    restored: bool
    floor_cold: float
    floor_warm: float


def firefox_run(binary: str, site: Site, *, floor_first: bool) -> FirefoxRun:
    """Step page and floor, each in a profile of its own; which goes first alternates by run."""
    order = ["floor", "step"] if floor_first else ["step", "floor"]
    pages = {"step": STEP_PAGE, "floor": FLOOR_PAGE}
    times: dict[str, tuple[float, float, bool]] = {}
    for name in order:
        with firefox_page(binary) as page:
            page.add_preload_script(LIVE_AT)
            times[name] = _two_visits(page, site.url + pages[name])
            version = page.version
    step_cold, step_warm, restored = times["step"]
    floor_cold, floor_warm, _ = times["floor"]
    return FirefoxRun(version, step_cold, step_warm, restored, floor_cold, floor_warm)


def _two_visits(page: FirefoxPage, url: str) -> tuple[float, float, bool]:
    """A first visit and, once a step page has kept its snapshot, a returning visit."""
    # Loaded: the promise is then the new page's, which records when its tool came live.
    page.goto(url)
    cold = float(page.evaluate("window.iepLiveAt"))
    if url.endswith(STEP_PAGE):
        page.wait_for(f"({SNAPSHOT_DONE})()")
    page.goto(url)
    warm = float(page.evaluate("window.iepLiveAt"))
    return cold, warm, page.evaluate(SNAPSHOT_MARK) == RESTORED_MARK
