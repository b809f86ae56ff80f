"""`make bench`: build the site, serve it on 127.0.0.1, measure it in headless Chromium over several
runs (and a tool's start in Firefox too, where one is installed), print a table next to the issue's
targets and write bench/results/latest.json.

    python -m tests.benchmarks [--runs N] [--quick] [--output PATH]

Timings depend on the machine and on what else it is doing: the load average is recorded with the
results. The targets are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Browser

from builder.build.site_build import Runtime
from tests.benchmarks import (
    boot,
    build_time,
    firefox_boot,
    keystrokes,
    memory,
    scale,
    slow_network,
    transfer,
)
from tests.benchmarks.harness import RendererClock, Site, chromium
from tests.benchmarks.report import Results, Row, at_most, below, in_every_run
from tests.conftest import ROOT
from tests.engines import firefox_path
from tests.site import serving

DEFAULT_RUNS = 5
QUICK_RUNS = 2
OUTPUT = ROOT / "bench" / "results" / "latest.json"
KB = 1000
T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    runs = QUICK_RUNS if args.quick else args.runs
    results = Results()
    results.details = _machine(runs)
    with (
        tempfile.TemporaryDirectory(prefix="iep-bench-") as temp,
        serving(Path(temp) / "site") as (_, url),
        serving(Path(temp) / "site", slow_network.CompressingHandler) as (_, compressed_url),
    ):
        site = Site(Path(temp) / "site", url, Runtime.from_node_modules())
        _build_rows(results, site, Path(temp), runs)  # leaves the site built, then adds to it
        boot.write_floors(site)
        cases = scale.write_compute_page(site)
        with chromium() as browser:
            results.details["chromium"] = browser.version
            clock = RendererClock(browser)
            _boot_rows(
                results,
                _repeat(
                    "boot",
                    runs,
                    lambda n: boot.boot_run(browser, site, clock, floor_first=n % 2 == 1),
                ),
            )
            if memory.measurable():
                _memory_rows(
                    results,
                    _repeat(
                        "snapshot memory",
                        runs,
                        lambda _: memory.snapshot_memory_run(browser, site),
                    ),
                )
            _typing_rows(
                results,
                _repeat("keystrokes", runs, lambda _: keystrokes.keystroke_run(browser, site)),
                _repeat("early typing", runs, lambda _: keystrokes.early_typing_run(browser, site)),
            )
            _slow_network_rows(
                results,
                _repeat(
                    "slow network",
                    runs,
                    lambda _: slow_network.slow_network_run(browser, compressed_url),
                ),
            )
            _transfer_rows(results, browser, site)
            _scale_rows(
                results, _repeat("scale", runs, lambda _: scale.scale_run(browser, site, cases))
            )
        firefox = firefox_path()
        if firefox:
            _firefox_rows(
                results,
                _repeat(
                    "firefox",
                    runs,
                    lambda n: firefox_boot.firefox_run(firefox, site, floor_first=n % 2 == 1),
                ),
            )
    results.details["load_average_after"] = os.getloadavg()
    print(results.table())
    results.write(args.output)
    print(f"\nWritten to {args.output}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of each measure")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the JSON file to write")
    return parser


def _machine(runs: int) -> dict[str, object]:
    runtime = Runtime.from_node_modules()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyodide": runtime.pyodide_version,
        "served": "http://127.0.0.1 (Python's http.server: no compression, no cache headers)",
        "load_average_before": os.getloadavg(),
    }


def _repeat(name: str, runs: int, measure: Callable[[int], T]) -> list[T]:
    done = []
    for number in range(runs):
        print(f"{name}: run {number + 1} of {runs}", file=sys.stderr, flush=True)
        done.append(measure(number))
    return done


def _build_rows(results: Results, site: Site, temp: Path, runs: int) -> None:
    plain = build_time.write_plain_config(temp, site.url)
    ours, material = [], []
    for number in range(runs):
        print(f"build: run {number + 1} of {runs}", file=sys.stderr, flush=True)
        material.append(build_time.timed_plain_build(plain, temp / "plain"))
        ours.append(build_time.timed_build(site.directory, site.url))
    section = "Build (mkdocs build --strict, whole site)"
    results.add(Row(section, "This site", "s", ours))
    results.add(Row(section, "Plain Material, same Markdown", "s", material))


def _boot_rows(results: Results, runs: list[boot.BootRun]) -> None:
    _paint_rows(results, [run.widget_cold for run in runs])
    _live_rows(results, runs)
    _snapshot_rows(results, runs)
    _where_rows(results, runs)
    _blocking_rows(results, runs)


def _paint_rows(results: Results, colds: list[boot.Load]) -> None:
    section = f"Step page ({boot.STEP_PAGE}), cold"
    results.add(Row(section, "First contentful paint", "ms", _known(c.first_paint for c in colds)))
    results.add(Row(section, "Letter in the page", "ms", _known(c.letter_in_dom for c in colds)))
    results.add(
        Row(
            section,
            "Letter's first frame",
            "ms",
            _known(c.letter_frame for c in colds),
            note="the first animation frame after the letter was in the page",
        )
    )
    results.add(
        Row(
            section,
            "Letter whole at first paint (1 = yes)",
            "",
            [1.0 if _letter_at_first_paint(c) else 0.0 for c in colds],
            in_every_run(1.0, "the pre-rendered letter visible at FCP"),
        )
    )


def _live_rows(results: Results, runs: list[boot.BootRun]) -> None:
    section = "Widget live (data-state=ready), from navigation start"
    for cache, widget, floor in (
        ("cold", [run.widget_cold for run in runs], [run.floor_cold for run in runs]),
        ("warm", [run.widget_warm for run in runs], [run.floor_warm for run in runs]),
    ):
        results.add(Row(section, f"Step page, {cache}", "ms", [load.ready for load in widget]))
        spanish = [run.spanish_cold if cache == "cold" else run.spanish_warm for run in runs]
        results.add(
            Row(
                section,
                f"Spanish step page, {cache}",
                "ms",
                [load.ready for load in spanish],
                note=boot.SPANISH_STEP_PAGE,
            )
        )
        results.add(
            Row(
                section,
                f"Step page restored from a kept snapshot (1 = yes), {cache}",
                "",
                [1.0 if load.restored else 0.0 for load in widget],
                note="a snapshot of Python the first visit kept on the device (python.js)",
            )
        )
        results.add(Row(section, f"Bare Pyodide floor, {cache}", "ms", [f.ready for f in floor]))
        released = [run.released_cold if cache == "cold" else run.released_warm for run in runs]
        results.add(
            Row(
                section,
                f"Bare Pyodide floor, standard library as released, {cache}",
                "ms",
                [load.ready for load in released],
                note="Pyodide's source standard library, which the site ships compiled",
            )
        )
        results.add(
            Row(
                section,
                f"Ratio step page / floor, {cache}",
                "x",
                [w.ready / f.ready for w, f in zip(widget, floor, strict=True)],
                at_most(1.10, "within 1.10x the floor"),
                note="each run's step page over the floor measured next to it",
            )
        )
        results.add(
            Row(
                section,
                f"Pyodide started on the step page / floor live, {cache}",
                "x",
                [
                    w.worker_marks["pyodide-started"] / f.ready
                    for w, f in zip(widget, floor, strict=True)
                    if "pyodide-started" in w.worker_marks
                ],
                note="before any of our code runs: what the page itself costs Python's start",
            )
        )
        results.add(
            Row(
                section,
                f"CPU ratio step page / floor, {cache}",
                "x",
                [w.cpu / f.cpu for w, f in zip(widget, floor, strict=True)],
                note="renderer CPU time until live: the work, which the machine's load moves less",
            )
        )


def _snapshot_rows(results: Results, runs: list[boot.BootRun]) -> None:
    section = "Widget live (data-state=ready), from navigation start"
    colds = [run.widget_cold for run in runs]
    results.add(
        Row(
            section,
            "Snapshot kept after a first visit, from live",
            "ms",
            [c.snapshot_kept - c.ready for c in colds if c.snapshot_kept is not None],
            note="after a 1 s pause, a worker makes it, then another restores and keeps it",
        )
    )


def _firefox_rows(results: Results, runs: list[firefox_boot.FirefoxRun]) -> None:
    results.details["firefox"] = runs[0].version
    section = "In Firefox as released, next to the floor in Firefox, from navigation start"
    for cache, step, floor in (
        ("cold", [run.step_cold for run in runs], [run.floor_cold for run in runs]),
        ("warm", [run.step_warm for run in runs], [run.floor_warm for run in runs]),
    ):
        results.add(Row(section, f"Step page, {cache}", "ms", step))
        results.add(Row(section, f"Bare Pyodide floor, {cache}", "ms", floor))
        results.add(
            Row(
                section,
                f"Ratio step page / floor, {cache}",
                "x",
                [s / f for s, f in zip(step, floor, strict=True)],
                note="the targets are measured in Chromium, above; this is a second engine's view",
            )
        )
    results.add(
        Row(
            section,
            "Step page restored from a kept snapshot (1 = yes), warm",
            "",
            [1.0 if run.restored else 0.0 for run in runs],
            note="Firefox does not say how much memory a device has: every device keeps one",
        )
    )


def _memory_rows(results: Results, runs: list[memory.MemoryRun | None]) -> None:
    kept = [run for run in runs if run is not None]
    if kept:
        results.add(
            Row(
                "Browser memory, all of Chromium's processes (resident)",
                "Rise while a first visit's snapshot is made, over live",
                "MB",
                [run.peak - run.live for run in kept],
                note="why a device that reports under 4 GB keeps no snapshot (python.js)",
            )
        )


def _where_rows(results: Results, runs: list[boot.BootRun]) -> None:
    section = "When the page starts Python (creates its worker), cold"
    for name, loads in (
        ("step page", [run.widget_cold for run in runs]),
        ("floor", [run.floor_cold for run in runs]),
    ):
        results.add(
            Row(section, f"Worker created, {name}", "ms", _known(c.runtime_asked for c in loads))
        )
        results.add(
            Row(
                section,
                f"From then until live, {name}",
                "ms",
                [c.ready - c.runtime_asked for c in loads if c.runtime_asked is not None],
                note="Pyodide's download and start; on the step page also our archive and imports",
            )
        )
        results.add(
            Row(
                section,
                f"Renderer CPU until live, {name}",
                "ms",
                [c.cpu for c in loads],
                note="the page's and its worker's threads",
            )
        )
    _phase_rows(results, runs)


# The marks worker.js makes as Python starts (the floor's worker makes the first one too).
PHASES = (
    ("running", "Worker's script running", "the browser started the worker"),
    ("pyodide-started", "Pyodide started", "downloaded, compiled and Python initialised"),
    ("archive-unpacked", "Our archive unpacked", ""),
    ("code-imported", "Our code imported", "then the first answer, drawn: live"),
)


def _phase_rows(results: Results, runs: list[boot.BootRun]) -> None:
    section = "Where a first visit's start-up goes (worker.js's marks, from navigation start)"
    for name, loads in (
        ("step page", [run.widget_cold for run in runs]),
        ("floor", [run.floor_cold for run in runs]),
    ):
        for mark, label, note in PHASES:
            samples = _known(load.worker_marks.get(mark) for load in loads)
            if samples:
                results.add(Row(section, f"{label}, {name}", "ms", samples, note=note))


def _blocking_rows(results: Results, runs: list[boot.BootRun]) -> None:
    section = "Main thread while the runtime boots"
    for name, loads, target in (
        ("step page cold", [run.widget_cold for run in runs], below(200, "under 200 ms")),
        ("floor cold", [run.floor_cold for run in runs], None),
        ("step page warm", [run.widget_warm for run in runs], None),
    ):
        results.add(
            Row(section, f"Total blocking time, {name}", "ms", [c.blocking for c in loads], target)
        )
        results.add(Row(section, f"Longest task, {name}", "ms", [c.longest_task for c in loads]))


def _letter_at_first_paint(load: boot.Load) -> bool:
    return (
        load.first_paint is not None
        and load.letter_in_dom is not None
        and load.letter_in_dom <= load.first_paint
        and load.letter_complete
    )


def _typing_rows(
    results: Results, keys: list[keystrokes.KeyRun], early: list[keystrokes.EarlyRun]
) -> None:
    section = f"Typing ({keystrokes.COMPLAINT_PAGE}, realistic case, state complaint letter)"
    summaries = [keystrokes.summarise(run) for run in keys if run.latencies]
    note = "input event to the letter's text changed, in the page"
    results.add(
        Row(section, "Keystroke to preview, p50", "ms", [s[0] for s in summaries], note=note)
    )
    results.add(
        Row(
            section,
            "Keystroke to preview, p95",
            "ms",
            [s[1] for s in summaries],
            below(16, "under 16 ms (one frame)"),
            note=note,
        )
    )
    section = f"Typing before the widget is live ({keystrokes.EARLY_PAGE})"
    results.add(Row(section, "Characters typed", "", [float(run.typed) for run in early]))
    results.add(
        Row(
            section,
            "  of which handled before live",
            "",
            [float(r.typed_before_ready) for r in early],
        )
    )
    results.add(
        Row(
            section,
            "Characters lost",
            "",
            [float(run.lost) for run in early],
            in_every_run(0.0, "none"),
        )
    )
    results.add(
        Row(
            section,
            "All of it in the letter (1 = yes)",
            "",
            [1.0 if run.in_letter else 0.0 for run in early],
            in_every_run(1.0, "yes"),
        )
    )


def _slow_network_rows(results: Results, loads: list[slow_network.SlowLoad]) -> None:
    section = (
        f"Step page ({boot.STEP_PAGE}) on a slow phone network, cold "
        "(emulated: 150 ms, 1.6 Mbit/s down; gzip as a static host sends it)"
    )
    results.add(Row(section, "First contentful paint", "ms", [load.first_paint for load in loads]))
    results.add(
        Row(
            section,
            "Letter whole at first paint (1 = yes)",
            "",
            [1.0 if load.letter_whole else 0.0 for load in loads],
            in_every_run(1.0, "the pre-rendered letter visible at FCP"),
        )
    )
    results.add(
        Row(
            section,
            "Python's worker created",
            "ms",
            _known(load.runtime_asked for load in loads),
            note="its download starts then, so it does not hold up the first paint",
        )
    )


def _transfer_rows(results: Results, browser: Browser, site: Site) -> None:
    print("transfer", file=sys.stderr, flush=True)
    reading = transfer.page_transfer(browser, site, transfer.READING_PAGE, widget=False)
    widget = transfer.page_transfer(browser, site, transfer.WIDGET_PAGE, widget=True)
    section = "Transferred on a first visit (cold cache; gzip as a static host sends it)"
    for name, visit, target in (
        (transfer.READING_PAGE, reading, below(500, "under 500 KB")),
        (transfer.WIDGET_PAGE, widget, None),
    ):
        page, offline = visit.page, visit.offline
        results.add(
            Row(
                section,
                f"{name} in all, gzip",
                "KB",
                [(page.gzipped + offline.gzipped) / KB],
                target,
                note="the page's requests and what its service worker downloaded after it",
            )
        )
        results.add(Row(section, f"{name} page, gzip", "KB", [page.gzipped / KB]))
        results.add(Row(section, f"{name} page, raw", "KB", [page.raw / KB]))
        results.add(Row(section, f"{name} page, requests", "", [float(page.requests)]))
        if offline.requests:
            results.add(Row(section, f"{name} offline copy, gzip", "KB", [offline.gzipped / KB]))
            results.add(Row(section, f"{name} offline copy, raw", "KB", [offline.raw / KB]))
    ahead = transfer.tool_page_after_home(browser, site)
    name = f"{transfer.WIDGET_PAGE} after the home page"
    note = "the home page fetched Python's files ahead; a profile with a disk cache"
    results.add(Row(section, f"{name}, gzip", "KB", [ahead.gzipped / KB], note=note))
    results.add(Row(section, f"{name}, requests", "", [float(ahead.requests)]))
    unused = transfer.never_requested(site, widget)
    results.details["runtime_files_never_requested"] = unused
    results.details["widget_page_requests"] = list(widget.page.paths)


# Each measure of the calculator at scale: its label, the ScaleRun field holding it, a note.
SCALE_MEASURES = (
    ("CLI, gap --json", "cli", ""),
    ("compute_gap, CPython", "in_process", ""),
    ("compute_gap, Pyodide in a worker", "pyodide", ""),
    (
        "a keystroke, Pyodide in a worker",
        "keystroke",
        "Python's answer to the child's name typed: state complaint and results",
    ),
    (
        "import to results shown",
        "imported",
        "the page's Import field to Python's answer drawn (form, letters, results)",
    ),
)


def _scale_rows(results: Results, runs: list[scale.ScaleRun]) -> None:
    section = "The calculator at scale (log entries)"
    for size in scale.SIZES:
        for label, measure, note in SCALE_MEASURES:
            samples = [getattr(run, measure)[size] for run in runs]
            target = None
            if measure == "pyodide" and size == scale.SIZES[-1]:
                target = below(100, "under 100 ms")
            results.add(Row(section, f"{size:,}: {label}", "ms", samples, target, note))


def _known(values: Iterable[float | None]) -> list[float]:
    return [float(value) for value in values if value is not None]


if __name__ == "__main__":
    sys.exit(main())
