"""Building the site and serving it on 127.0.0.1 for the site and browser tests."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(
    directory: Path, handler_class: type[SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[tuple[ThreadingHTTPServer, str]]:
    """Serve `directory` on a free port of 127.0.0.1; yields the server and its base URL."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


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
