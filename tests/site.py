"""Building the site, serving it on 127.0.0.1 and running its Python under Node, for the site and
browser tests."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from builder.build.site_build import Runtime
from tests.conftest import ROOT

# Chromium's flags for tests here: no GPU, and none of its own calls to the network (this machine
# has none, and a test of what leaves the page must see only the page's requests).
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


# How much memory a page's device says it has, in GB, as Chromium reports it (rounded down to a
# power of two); None: as Safari and Firefox, which do not say.
DEVICE_MEMORY = """memory => {
    if (memory === null) delete Navigator.prototype.deviceMemory;
    else Object.defineProperty(Navigator.prototype, "deviceMemory", { get: () => memory });
}"""
# python.js keeps its snapshot of Python only on a device that says it has 4 GB or more. The tests'
# browser says 8, whatever the machine running them has, so that they check the same site on a
# small test machine; test_snapshot checks devices with less.
TEST_DEVICE_MEMORY_GB = 8


def new_context(browser: Any, **options: Any) -> Any:
    """A browser context for a test (Playwright's `options`), on a device with 8 GB of memory."""
    context = browser.new_context(**options)
    context.add_init_script(script=f"({DEVICE_MEMORY})({TEST_DEVICE_MEMORY_GB})")
    return context


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    """A browser that closes a page, or a test its context, while a file is still downloading
    (a worker's, say) drops the connection: no error for a static server."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(
    directory: Path, handler_class: type[SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[tuple[ThreadingHTTPServer, str]]:
    """Serve `directory` on a free port of 127.0.0.1; yields the server and its base URL."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def worker_scripts(requests: list[str]) -> list[str]:
    """The requests, of those given, for worker.js: each starts a Python worker (the page's, or
    one of the two that make and keep a snapshot of Python)."""
    return [url for url in requests if url.endswith("/worker.js")]


def python_worker(page: Any) -> Any:
    """The page's Python worker (a worker.js), not those python.js starts to make and keep a
    snapshot of Python (they have a name); None if the page has none."""
    return next(
        (
            worker
            for worker in page.workers
            if worker.url.endswith("/worker.js") and worker.evaluate("self.name") == ""
        ),
        None,
    )


# python.js marks the end of keeping its snapshot of Python, after a first visit's tool is live.
SNAPSHOT_DONE = """() => performance.getEntriesByType("mark")
  .filter((mark) => mark.name === "iep:snapshot-kept" || mark.name === "iep:snapshot-not-kept")
  .map((mark) => [mark.name === "iep:snapshot-kept", mark.startTime])[0] || null"""
SNAPSHOT_TIMEOUT_MS = 180_000
# The page's mark of what became of its snapshot, as [name, detail] (null before python.js marks
# it), and the mark of a visit that restored Python from one kept before.
SNAPSHOT_MARK = """(() => {
  const marks = performance.getEntriesByType("mark");
  const mark = marks.find((mark) => mark.name.startsWith("iep:snapshot"));
  return mark ? [mark.name, mark.detail] : null;
})()"""
RESTORED_MARK = ["iep:snapshot-not-kept", "this visit restored one"]


def snapshot_kept_at(page: Any) -> float | None:
    """Wait until python.js has kept its snapshot of Python on the page now shown, or failed to:
    when it was kept, in ms since the page's navigation, or None if it was not."""
    kept, at = page.wait_for_function(SNAPSHOT_DONE, timeout=SNAPSHOT_TIMEOUT_MS).json_value()
    return float(at) if kept else None


# Pyodide under Node, as the browser's worker starts it: the site's own runtime, standard library
# (its later part read from the site's folder when first needed) and archive, then one piece of
# Python; what its last line gives, printed.
IN_PYODIDE = """
import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
import { readFileSync } from "node:fs";
const python = await loadPyodide({ stdLibURL: "%(python)s/python_stdlib.zip" });
python.unpackArchive(new Uint8Array(readFileSync("%(python)s/iep.zip")), "zip");
python.pyimport("builder.browser.later_modules").install(() => {
  python.FS.writeFile("/lib/later.zip", readFileSync("%(python)s/python_stdlib_later.zip"));
  return "/lib/later.zip";
});
console.log(String(python.runPython(%(code)s)));
"""


def run_in_pyodide(site_directory: Path, code: str) -> str:
    """What the last line of `code` gives, as text, in the built site's own Pyodide (under
    Node) with the standard library and the archive a tool page loads."""
    runtime = Runtime.from_node_modules()
    script = IN_PYODIDE % {
        "pyodide": site_directory / runtime.pyodide_dir,
        "python": site_directory / runtime.python_dir,
        "code": json.dumps(code),
    }
    ran = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip()


def build_site(destination: Path, site_url: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` into `destination`, for a site served at `site_url`."""
    env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(destination)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
