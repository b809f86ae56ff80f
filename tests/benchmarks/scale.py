"""The calculator at scale: cases with 1 to 10,000 log entries, on the command line (CPython)
and in the page (Pyodide)."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import count, islice
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser

from builder.case_reader import loads_case
from builder.gap import compute_gap
from tests.benchmarks.harness import Site, fresh_context, wait_ready, write_worker_page
from tests.conftest import ROOT

SIZES = (1, 100, 1_000, 10_000)
PER_SERVICE = 1_000  # a daily service's log over about four school years
FIRST_DAY = dt.date(2022, 8, 29)  # a Monday
TODAY = "2026-11-26"  # after the longest log's last day
SERVICES = (
    "Speech-language therapy",
    "Occupational therapy",
    "Physical therapy",
    "Reading intervention",
    "Math support",
    "Counseling",
    "Social skills group",
    "Resource room",
    "Behavior support",
    "Adapted physical education",
)
REPEATS = 3
COMPUTE_PAGE = "bench-scale"
IMPORT_PAGE = "guide/get-specific/"
IMPORT_TIMEOUT_MS = 600_000

# In Pyodide, with the site's own archive: the time compute_gap takes on each case, and the time
# the worker takes to answer a keystroke with that case loaded (the child's name typed, the state
# complaint and the calculator's results shown), as JSON (the value runPython returns).
TIMING_PYTHON = f"""import json
import time

from builder.case_reader import loads_case
from builder.gap import compute_gap
from builder.browser.session import Session

PAGE = {{"letters": [{{"id": "letter", "name": "state-complaint"}}], "gaps": ["gap"]}}
TODAY = "{TODAY}"


def milliseconds(work):
    runs = []
    for number in range({REPEATS}):
        start = time.perf_counter()
        work(number)
        runs.append((time.perf_counter() - start) * 1000)
    return runs


timings = {{"compute": {{}}, "keystroke": {{}}}}
for size in {SIZES!r}:
    with open(f"case-{{size}}.json", encoding="utf-8") as source:
        text = source.read()
    case = loads_case(text)
    timings["compute"][str(size)] = milliseconds(lambda _, case=case: compute_gap(case))
    session = Session()
    session.handle({{"today": TODAY, "action": "import", "source": text, "page": PAGE}})

    def typed(number, session=session):
        name = "Sam" + "s" * (number + 1)
        session.handle({{"today": TODAY, "fields": [["child.name", name]], "page": PAGE}})

    timings["keystroke"][str(size)] = milliseconds(typed)
json.dumps(timings)
"""
# The compute page's worker, after the constants CASES (file names beside it), ARCHIVE (the site's
# iep.zip, relative to it) and TIMING (the Python above): Pyodide started (START_PYODIDE), our
# archive and the cases unpacked, then the timings posted back.
COMPUTE_WORKER = """async function bytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ": HTTP " + response.status);
  return new Uint8Array(await response.arrayBuffer());
}

async function timings(start) {
  const runtime = await startPyodide(start);
  runtime.unpackArchive(await bytes(new URL(ARCHIVE, import.meta.url)), "zip");
  for (const name of CASES) {
    runtime.FS.writeFile(name, await bytes(new URL(name, import.meta.url)));
  }
  return runtime.runPython(TIMING);
}

self.addEventListener("message", ({ data }) => {
  timings(data.start).then(
    (result) => self.postMessage({ started: true, result }),
    (error) => self.postMessage({ failed: String(error) }),
  );
});
"""

# From the import field's change event to the page having drawn Python's answer: the page is no
# longer busy (<html data-iep-busy> removed) and the calculator's results were replaced.
IMPORT_PROBE = """() => {
  const times = (window.__import = { start: null, end: null, drawn: false });
  document.addEventListener("change", (event) => {
    if (event.target.matches('input[data-action="import"]')) times.start = event.timeStamp;
  }, true);
  new MutationObserver(() => {
    if (times.start !== null) times.drawn = true;
  }).observe(document.querySelector('[data-role="results-region"]'),
             { childList: true, subtree: true });
  const html = document.documentElement;
  new MutationObserver(() => {
    if (times.start !== null && times.end === null && !html.hasAttribute("data-iep-busy")) {
      times.end = performance.now();
    }
  }).observe(html, { attributes: true, attributeFilter: ["data-iep-busy"] });
}"""
IMPORTED = "() => window.__import.end !== null && window.__import.drawn"
RESET_IMPORT = "Object.assign(window.__import, { start: null, end: null, drawn: false })"


@dataclass(frozen=True)
class ScaleRun:
    cli: dict[int, float]  # ms, `python -m builder gap FILE --json`, process start to exit
    in_process: dict[int, float]  # ms, compute_gap in CPython
    pyodide: dict[int, float]  # ms, compute_gap in Pyodide, in a page's worker
    keystroke: dict[int, float]  # ms, a keystroke answered in Pyodide, in a page's worker
    imported: dict[int, float]  # ms, the page's import field to the results drawn


def scale_case(entries: int) -> dict[str, Any]:
    """A case whose services log `entries` sessions in all, one a school day, some missed."""
    sizes = [PER_SERVICE] * (entries // PER_SERVICE) + [entries % PER_SERVICE]
    sizes = [size for size in sizes if size]
    days = list(islice(_weekdays(), max(sizes)))
    return {
        "version": 1,
        "child": {"name": "Sam Rivera", "school": "Lincoln Elementary"},
        "period": {"start": days[0].isoformat(), "end": days[-1].isoformat()},
        "services": [
            {
                "name": SERVICES[index % len(SERVICES)],
                "minutes": 30,
                "times": 5,
                "per": "week",
                "log": [_entry(day, number) for number, day in enumerate(days[:size])],
            }
            for index, size in enumerate(sizes)
        ],
    }


def _weekdays() -> Any:
    for offset in count():
        day = FIRST_DAY + dt.timedelta(days=offset)
        if day.weekday() < 5:
            yield day


def _entry(day: dt.date, number: int) -> dict[str, Any]:
    if number % 17 == 3:
        return {"date": day.isoformat(), "minutes": 0, "reason": "student_absent"}
    if number % 7 == 2:
        return {"date": day.isoformat(), "minutes": 0, "reason": "provider_absent"}
    if number % 11 == 5:
        return {"date": day.isoformat(), "minutes": 15, "reason": "school_event"}
    return {"date": day.isoformat(), "minutes": 30}


def write_cases(folder: Path) -> dict[int, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for size in SIZES:
        paths[size] = folder / f"case-{size}.json"
        paths[size].write_text(json.dumps(scale_case(size)), encoding="utf-8")
    return paths


def write_compute_page(site: Site) -> dict[int, Path]:
    """The benchmark's page that times compute_gap in Pyodide, with the site's own archive."""
    cases = write_cases(site.directory / COMPUTE_PAGE)
    constants = {
        "CASES": [path.name for path in cases.values()],
        "ARCHIVE": f"../{site.runtime.python_dir}/iep.zip",
        "TIMING": TIMING_PYTHON,
    }
    prelude = "".join(f"const {name} = {json.dumps(value)};\n" for name, value in constants.items())
    write_worker_page(site, COMPUTE_PAGE, prelude + COMPUTE_WORKER, title="compute_gap at scale")
    return cases


def scale_run(browser: Browser, site: Site, cases: dict[int, Path]) -> ScaleRun:
    pyodide = _pyodide_ms(browser, site)
    return ScaleRun(
        cli={size: _cli_ms(path) for size, path in cases.items()},
        in_process={size: _in_process_ms(path) for size, path in cases.items()},
        pyodide=pyodide["compute"],
        keystroke=pyodide["keystroke"],
        imported=_import_ms(browser, site, cases),
    )


def _cli_ms(case: Path) -> float:
    command = [sys.executable, "-m", "builder", "gap", str(case), "--json"]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def _in_process_ms(case: Path) -> float:
    loaded = loads_case(case.read_text(encoding="utf-8"))
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        compute_gap(loaded)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def _pyodide_ms(browser: Browser, site: Site) -> dict[str, dict[int, float]]:
    with fresh_context(browser) as context:
        page = context.new_page()
        page.goto(f"{site.url}{COMPUTE_PAGE}/")
        wait_ready(page, 'body[data-state="ready"]')
        timings = json.loads(page.evaluate("document.body.dataset.result"))
    return {
        measure: {int(size): statistics.median(runs) for size, runs in by_size.items()}
        for measure, by_size in timings.items()
    }


def _import_ms(browser: Browser, site: Site, cases: dict[int, Path]) -> dict[int, float]:
    with fresh_context(browser) as context:
        page = context.new_page()
        page.goto(site.url + IMPORT_PAGE)
        wait_ready(page)
        page.evaluate(IMPORT_PROBE)
        timings = {}
        for size, path in cases.items():
            page.evaluate(RESET_IMPORT)
            page.locator('input[data-action="import"]').first.set_input_files(str(path))
            page.wait_for_function(IMPORTED, timeout=IMPORT_TIMEOUT_MS)
            times = page.evaluate("window.__import")
            timings[size] = times["end"] - times["start"]
    return timings
