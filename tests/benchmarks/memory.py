"""The browser's memory while a first visit keeps its snapshot of Python (python.js): the reason a
device that reports less than 4 GB of memory keeps none. Read from Linux's /proc: all of
Chromium's processes (every process the Playwright driver started), resident memory, in a
profile on disk as a reader's is: a private profile would hold the kept snapshot in memory."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Worker

from tests.benchmarks import boot
from tests.benchmarks.harness import Site, own_profile, wait_ready
from tests.site import snapshot_kept_at

PROC = Path("/proc")
SAMPLE_EVERY_S = 0.03
MB = 1_000_000


@dataclass(frozen=True)
class MemoryRun:
    """A first visit's browser memory, in MB: with the tool live, just before the worker that
    makes the snapshot starts, and the most it reached until the snapshot was kept."""

    live: float
    peak: float


def measurable() -> bool:
    return (PROC / "self" / "statm").is_file()


def snapshot_memory_run(browser: Browser, site: Site) -> MemoryRun | None:
    """One first visit to the step page; None if it kept no snapshot (a device reporting less
    than 4 GB, say)."""
    samples: list[tuple[float, float]] = []  # (time.monotonic(), MB)
    python_workers: list[float] = []  # when each worker.js started: the page's, the snapshot's
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.monotonic(), browser_memory_mb()))
            done.wait(SAMPLE_EVERY_S)

    def on_worker(worker: Worker) -> None:
        if worker.url.endswith("/worker.js"):
            python_workers.append(time.monotonic())

    with own_profile(browser) as context:
        page = context.new_page()
        page.on("worker", on_worker)
        page.goto(site.url + boot.STEP_PAGE)
        wait_ready(page)
        live_at = time.monotonic()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            kept = snapshot_kept_at(page)
        finally:
            done.set()
            sampler.join()
    started = [at for at in python_workers if at > live_at]
    if kept is None or not started:
        return None
    before = [mb for at, mb in samples if at < started[0]] or [samples[0][1]]
    return MemoryRun(live=before[-1], peak=max(mb for _, mb in samples))


def browser_memory_mb() -> float:
    """Resident memory of every process below the Playwright driver (Chromium's), in MB."""
    children: dict[int, list[int]] = {}
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended as we read
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    drivers = children.get(os.getpid(), [])
    pages = os.sysconf("SC_PAGE_SIZE")
    total = 0
    below = [pid for driver in drivers for pid in children.get(driver, [])]
    while below:
        pid = below.pop()
        below.extend(children.get(pid, []))
        try:
            total += int((PROC / str(pid) / "statm").read_text().split()[1]) * pages
        except OSError:
            continue
    return total / MB
