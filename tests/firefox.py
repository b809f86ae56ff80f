"""Firefox, as it is released, driven over WebDriver BiDi (the W3C protocol Firefox speaks itself).

Playwright drives Firefox only in its own build, which cannot be downloaded here, or over BiDi with
commands newer than Debian's Firefox ESR knows; the few commands the Firefox tests need are here.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from websockets.sync.client import ClientConnection, connect

LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")
START_TIMEOUT_S = 60
ANSWER_TIMEOUT_S = 120


def firefox_path() -> str | None:
    """Debian's Firefox ESR (what `make browser` installs), else any Firefox on the PATH."""
    return shutil.which("firefox-esr") or shutil.which("firefox")


class FirefoxPage:
    """One tab of a Firefox started for a test, and what the page logged as errors."""

    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._next_id = 0
        self.errors: list[str] = []
        self.requests: list[str] = []
        browser = self.send("session.new", {"capabilities": {}})["capabilities"]
        self.version = f"{browser['browserName']} {browser['browserVersion']}"
        events = ["log.entryAdded", "network.beforeRequestSent"]
        self.send("session.subscribe", {"events": events})
        self.context = self.send("browsingContext.getTree")["contexts"][0]["context"]

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """Firefox's answer to one command; events that arrive meanwhile are recorded."""
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params or {}}
        self._socket.send(json.dumps(command))
        while True:
            message = json.loads(self._socket.recv(timeout=ANSWER_TIMEOUT_S))
            if message.get("id") == self._next_id:
                if message["type"] == "error":
                    raise RuntimeError(f"{method}: {message['error']}: {message['message']}")
                return message["result"]
            self._record(message)

    def _record(self, event: dict[str, Any]) -> None:
        params = event.get("params", {})
        if event.get("method") == "log.entryAdded" and params.get("level") == "error":
            self.errors.append(params.get("text", ""))
        elif event.get("method") == "network.beforeRequestSent":
            self.requests.append(params["request"]["url"])

    def add_preload_script(self, function: str) -> None:
        """Run a JavaScript function in every page this tab opens, before the page's own scripts."""
        self.send("script.addPreloadScript", {"functionDeclaration": function})

    def goto(self, url: str, wait: str = "complete") -> None:
        """Open `url`; `wait`: "none", "interactive" (parsed) or "complete" (loaded)."""
        self.send("browsingContext.navigate", {"context": self.context, "url": url, "wait": wait})

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page, through JSON (a promise is awaited;
        undefined is None)."""
        as_json = f"(async () => JSON.stringify(await ({expression})))()"
        target = {"context": self.context}
        params = {"expression": as_json, "target": target, "awaitPromise": True}
        result = self.send("script.evaluate", params)
        if result["type"] == "exception":
            raise RuntimeError(f"{expression}: {result['exceptionDetails']['text']}")
        value = result["result"].get("value")
        return None if value is None else json.loads(value)

    def wait_for(self, expression: str, timeout_s: float = ANSWER_TIMEOUT_S) -> Any:
        """The first true value of `expression`, asked every 50 ms."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"not true within {timeout_s} s: {expression}")

    def type(self, text: str) -> None:
        """Type `text` key by key into the focused field, as a keyboard does."""
        keys = [{"type": kind, "value": key} for key in text for kind in ("keyDown", "keyUp")]
        keyboard = {"type": "key", "id": "keyboard", "actions": keys}
        self.send("input.performActions", {"context": self.context, "actions": [keyboard]})


@contextmanager
def firefox_page(binary: str) -> Iterator[FirefoxPage]:
    """A headless Firefox with a profile of its own, and its one tab."""
    with tempfile.TemporaryDirectory(prefix="firefox-profile-") as profile:
        arguments = ["--headless", "--no-remote", "--profile", profile]
        process = subprocess.Popen(
            [binary, *arguments, "--remote-debugging-port", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"},
        )
        assert process.stderr is not None
        with process.stderr:
            addresses: queue.Queue[str] = queue.Queue()
            # Firefox prints where it listens (it picks a free port); what it prints goes on
            # being read, so that a full pipe never holds it up.
            reader = threading.Thread(target=_read_output, args=(process.stderr, addresses))
            reader.start()
            try:
                address = addresses.get(timeout=START_TIMEOUT_S)
                with connect(address + "/session", max_size=None) as socket:
                    yield FirefoxPage(socket)
            except queue.Empty:
                raise RuntimeError(f"Firefox did not start (exit code {process.poll()})") from None
            finally:
                process.terminate()
                process.wait(timeout=START_TIMEOUT_S)
                reader.join()


def _read_output(output: IO[str], addresses: queue.Queue[str]) -> None:
    for line in output:
        if found := LISTENING.search(line):
            addresses.put(found.group(1))
