"""Before and after, in one run: the site as another commit built it next to the working tree's.

    python -m tests.benchmarks.compare [--before main] [--runs 5] [--output PATH]

`make bench` measures one site against the targets; this builds two, the `--before` commit
(exported with `git archive`, built with the same Python, npm packages and browser) and the
working tree, serves both on 127.0.0.1 and measures each in turn, run by run, so that the two
sides share the machine's load: a tool's start on a step page and on the letter builder, cold
(a first visit) and warm (a returning one, from the snapshot), next to the bare Pyodide floor of
the same run; the time the page could not respond while starting; keystroke to updated letter;
and what a tool page downloads on a first visit. It prints one table, before beside after, and
writes every sample to bench/results/compare.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from playwright.sync_api import Browser

from builder.build.site_build import Runtime
from tests.benchmarks import boot, keystrokes, transfer
from tests.benchmarks.harness import RendererClock, Site, chromium, percentile
from tests.conftest import ROOT
from tests.site import serving

PAGES = (boot.STEP_PAGE, "builder/", boot.SPANISH_STEP_PAGE)
OUTPUT = ROOT / "bench" / "results" / "compare.json"
Samples = dict[str, list[float]]


def export(commit: str, folder: Path) -> None:
    """The commit's files in `folder` (no .git), with this checkout's npm packages beside them."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        files.extractall(folder, filter="data")
    (folder / "node_modules").symlink_to(ROOT / "node_modules")


def build(checkout: Path, destination: Path, site_url: str) -> None:
    """`mkdocs build --strict` of `checkout` (its own builder package, first on the path)."""
    env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(destination)]
    result = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{checkout} does not build:\n{result.stdout}{result.stderr}")


def measure(
    browser: Browser, site: Site, floor: Site, clock: RendererClock, samples: Samples
) -> None:
    """One run of everything on one side, added to its samples."""
    floor_cold, floor_warm = boot._cold_and_warm(
        browser, floor, clock, boot.FLOOR_PAGE, boot.FLOOR_READY
    )
    for path in PAGES:
        cold, warm = boot._cold_and_warm(browser, site, clock, path)
        for visit, load, bare in (("first", cold, floor_cold), ("returning", warm, floor_warm)):
            samples.setdefault(f"{path} live, {visit} visit (ms)", []).append(load.ready)
            samples.setdefault(f"{path} ratio to the floor, {visit} visit", []).append(
                load.ready / bare.ready
            )
            samples.setdefault(f"{path} total blocking time, {visit} visit (ms)", []).append(
                load.blocking
            )
    latencies = keystrokes.keystroke_run(browser, site).latencies
    samples.setdefault("keystroke to letter, p50 (ms)", []).append(percentile(latencies, 0.5))
    samples.setdefault("keystroke to letter, p95 (ms)", []).append(percentile(latencies, 0.95))


def measure_once(browser: Browser, site: Site, samples: Samples) -> None:
    """What does not vary from run to run: the bytes of a first visit."""
    for path, widget in ((transfer.WIDGET_PAGE, True), (transfer.READING_PAGE, False)):
        files = transfer.page_transfer(browser, site, path, widget=widget).page
        samples[f"{path} first visit, compressed (KB)"] = [files.gzipped / 1000]
        samples[f"{path} first visit, as stored (KB)"] = [files.raw / 1000]
        samples[f"{path} first visit, requests"] = [float(files.requests)]


def _median(values: list[float]) -> str:
    if not values:
        return ""
    middle = statistics.median(values)
    low, high = min(values), max(values)
    shown = f"{middle:.2f}" if middle < 10 else f"{middle:.0f}"
    spread = f" ({low:.2f}-{high:.2f})" if middle < 10 else f" ({low:.0f}-{high:.0f})"
    return shown + (spread if len(values) > 1 else "")


def table(before: Samples, after: Samples, names: tuple[str, str]) -> str:
    lines = [f"| What | {names[0]} | {names[1]} |", "|---|---|---|"]
    for key in after:
        lines.append(f"| {key} | {_median(before.get(key, []))} | {_median(after[key])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.compare", description=__doc__)
    parser.add_argument("--before", default="main", help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    runtime = Runtime.from_node_modules()
    sides: dict[str, Samples] = {"before": {}, "after": {}}
    load: list[tuple[float, float, float]] = [os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="iep-compare-") as temp:
        checkout = Path(temp) / "before-checkout"
        checkout.mkdir()
        export(args.before, checkout)
        with (
            serving(Path(temp) / "before") as (_, before_url),
            serving(Path(temp) / "after") as (_, after_url),
        ):
            print(f"building {args.before} and the working tree", file=sys.stderr, flush=True)
            build(checkout, Path(temp) / "before", before_url)
            build(ROOT, Path(temp) / "after", after_url)
            sites = {
                "before": Site(Path(temp) / "before", before_url, runtime),
                "after": Site(Path(temp) / "after", after_url, runtime),
            }
            boot.write_floors(sites["after"])
            with chromium() as browser:
                clock = RendererClock(browser)
                for number in range(args.runs):
                    order: list[str] = (
                        ["before", "after"] if number % 2 == 0 else ["after", "before"]
                    )
                    for side in order:
                        print(
                            f"run {number + 1} of {args.runs}: {side}", file=sys.stderr, flush=True
                        )
                        measure(browser, sites[side], sites["after"], clock, sides[side])
                    load.append(os.getloadavg())
                for side in ("before", "after"):
                    measure_once(browser, sites[side], sides[side])
    names = (f"before ({args.before})", "after (this tree)")
    print(table(sides["before"], sides["after"], names))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    details = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "before": args.before,
        "runs": args.runs,
        "load_averages": load,
    }
    args.output.write_text(json.dumps({"details": details, **sides}, indent=1), encoding="utf-8")
    print(f"\nWritten to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
