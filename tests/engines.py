"""Browser engines besides Chromium, as they are released, for the tests and `make bench`: Firefox,
driven over WebDriver BiDi, and WebKit (Safari's engine, in WebKitGTK's MiniBrowser on a virtual
screen), driven over classic WebDriver. Both are W3C protocols the browsers speak themselves.

Playwright drives Firefox and WebKit only in its own builds, which cannot be downloaded here (and
Firefox over BiDi only with commands newer than Debian's Firefox ESR knows), so the few commands
the tests need are here.
"""

from __future__ import annotations

import glob
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO, Any

from websockets.sync.client import ClientConnection, connect

FIREFOX_LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")
START_TIMEOUT_S = 60
ANSWER_TIMEOUT_S = 120
# A script run in a page through WebDriver: the value of `expression` (a promise is awaited), as
# JSON, so that both protocols hand back plain values; undefined gives None.
AS_JSON = "(async () => JSON.stringify(await ({expression})))()"


def firefox_path() -> str | None:
    """Debian's Firefox ESR (what `make browser` installs), else any Firefox on the PATH."""
    return shutil.which("firefox-esr") or shutil.which("firefox")


def webkit_paths() -> tuple[str, str, str] | None:
    """WebKitGTK's WebDriver, its MiniBrowser and the virtual screen (Xvfb) it needs, from
    Debian's webkit2gtk-driver and xvfb (what `make browser` installs), or None."""
    driver, screen = shutil.which("WebKitWebDriver"), shutil.which("Xvfb")
    browsers = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    if driver and screen and browsers:
        return driver, browsers[-1], screen
    return None


class EnginePage(ABC):
    """One tab of a browser started for a test: what every engine here can do."""

    version = ""

    @abstractmethod
    def goto(self, url: str) -> None:
        """Open `url`, and wait until it has loaded."""

    @abstractmethod
    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page, through JSON."""

    @abstractmethod
    def type(self, text: str) -> None:
        """Type `text` key by key into the focused field, as a keyboard does."""

    @abstractmethod
    def resize(self, width: int, height: int) -> None:
        """Show the page at a size, in CSS pixels (a phone's: 390 by 844)."""

    def wait_for(self, expression: str, timeout_s: float = ANSWER_TIMEOUT_S) -> Any:
        """The first true value of `expression`, asked every 50 ms."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(f"not true within {timeout_s} s: {expression}")


def _key_actions(text: str) -> list[dict[str, Any]]:
    """`text` as key presses, in the form both protocols take."""
    keys = [{"type": kind, "value": key} for key in text for kind in ("keyDown", "keyUp")]
    return [{"type": "key", "id": "keyboard", "actions": keys}]


class FirefoxPage(EnginePage):
    """A tab of Firefox, over WebDriver BiDi, with what its page logged as errors and asked for."""

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

    def goto(self, url: str) -> None:
        # Firefox can answer a navigation to the address already shown before the new page has
        # replaced the old one: the old page is marked, and the wait is for a page without it.
        self.evaluate("window.iepLeaving = true")
        params = {"context": self.context, "url": url, "wait": "complete"}
        self.send("browsingContext.navigate", params)
        self.wait_for("!window.iepLeaving && document.readyState === 'complete'")

    def evaluate(self, expression: str) -> Any:
        target = {"context": self.context}
        script = AS_JSON.format(expression=expression)
        params = {"expression": script, "target": target, "awaitPromise": True}
        result = self.send("script.evaluate", params)
        if result["type"] == "exception":
            raise RuntimeError(f"{expression}: {result['exceptionDetails']['text']}")
        value = result["result"].get("value")
        return None if value is None else json.loads(value)

    def type(self, text: str) -> None:
        self.send("input.performActions", {"context": self.context, "actions": _key_actions(text)})

    def resize(self, width: int, height: int) -> None:
        viewport = {"width": width, "height": height}
        self.send("browsingContext.setViewport", {"context": self.context, "viewport": viewport})


class WebKitPage(EnginePage):
    """A tab of WebKitGTK's MiniBrowser, over classic WebDriver (HTTP)."""

    def __init__(self, driver: str) -> None:
        self._driver = driver
        self._session = ""

    def start(self, browser: str) -> None:
        options = {"binary": browser, "args": ["--automation"]}
        wanted = {"alwaysMatch": {"webkitgtk:browserOptions": options}}
        created = self._call("POST", "/session", {"capabilities": wanted})
        self._session = f"/session/{created['sessionId']}"
        browser_name = created["capabilities"]["browserName"]
        self.version = f"{browser_name} {created['capabilities']['browserVersion']}"

    def status(self) -> Any:
        return self._call("GET", "/status")

    def end(self) -> None:
        if self._session:
            self._call("DELETE", self._session)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body or {}).encode() if method == "POST" else None
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(self._driver + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=ANSWER_TIMEOUT_S) as answer:
                return json.loads(answer.read())["value"]
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{method} {path}: {error.read().decode()}") from None

    def goto(self, url: str) -> None:
        self._call("POST", f"{self._session}/url", {"url": url})

    def evaluate(self, expression: str) -> Any:
        script = f"return {AS_JSON.format(expression=expression)};"
        value = self._call("POST", f"{self._session}/execute/sync", {"script": script, "args": []})
        return None if value is None else json.loads(value)

    def type(self, text: str) -> None:
        self._call("POST", f"{self._session}/actions", {"actions": _key_actions(text)})
        self._call("DELETE", f"{self._session}/actions")

    def resize(self, width: int, height: int) -> None:
        # Classic WebDriver sizes the window; the page gets what its frame leaves.
        self._call("POST", f"{self._session}/window/rect", {"width": width, "height": height})


@contextmanager
def firefox_page(binary: str) -> Iterator[FirefoxPage]:
    """A headless Firefox with a profile of its own, and its one tab."""
    with tempfile.TemporaryDirectory(prefix="firefox-profile-") as profile:
        arguments = ["--headless", "--no-remote", "--profile", profile]
        command = [binary, *arguments, "--remote-debugging-port", "0"]
        env = {**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"}
        # Firefox prints where it listens (it picks a free port).
        with (
            _running(command, env, FIREFOX_LISTENING) as address,
            connect(address + "/session", max_size=None) as bidi,
        ):
            yield FirefoxPage(bidi)


@contextmanager
def webkit_page(paths: tuple[str, str, str]) -> Iterator[WebKitPage]:
    """WebKitGTK's MiniBrowser on a virtual screen of its own, and its one tab."""
    driver, browser, screen = paths
    # Xvfb picks a free screen and prints its number.
    xvfb = [screen, "-displayfd", "2", "-nolisten", "tcp"]
    with _running(xvfb, dict(os.environ), re.compile(r"^(\d+)$")) as display:
        port = _free_port()
        env = {**os.environ, "DISPLAY": f":{display}"}
        with _running([driver, f"--port={port}"], env):
            page = WebKitPage(f"http://127.0.0.1:{port}")
            _wait_until_answering(page)
            page.start(browser)
            try:
                yield page
            finally:
                page.end()


@contextmanager
def _running(
    command: list[str], env: dict[str, str], ready: re.Pattern[str] | None = None
) -> Iterator[str]:
    """A process for as long as the block runs, and the first group of the first line it prints
    (on standard error) that `ready` matches, once it has printed it ("" without `ready`). What it
    prints goes on being read, so that a full pipe never holds it up. It runs in a process group
    of its own, ended whole: a browser that WebKit's driver started, still open after a failed
    test, would otherwise keep the pipe open and the reader waiting for ever."""
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    found: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_read_output, args=(process.stderr, ready, found))
    with process.stderr:
        reader.start()
        try:
            try:
                printed = found.get(timeout=START_TIMEOUT_S) if ready else ""
            except queue.Empty:
                raise RuntimeError(
                    f"{command[0]} did not start (exit code {process.poll()})"
                ) from None
            yield printed
        finally:
            _signal_group(process.pid, signal.SIGTERM)
            process.wait(timeout=START_TIMEOUT_S)
            reader.join(timeout=START_TIMEOUT_S)
            if reader.is_alive():  # a process of the group ignored SIGTERM and holds the pipe
                _signal_group(process.pid, signal.SIGKILL)
                reader.join()


def _signal_group(group: int, sent: signal.Signals) -> None:
    with suppress(ProcessLookupError):  # every process of the group has ended already
        os.killpg(group, sent)


def _read_output(output: IO[str], ready: re.Pattern[str] | None, found: queue.Queue[str]) -> None:
    for line in output:
        if ready and (match := ready.search(line.strip())):
            found.put(match.group(1))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_answering(page: WebKitPage) -> None:
    """WebKitWebDriver prints nothing once it listens: ask for its status until it answers."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            page.status()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("WebKitWebDriver did not start")
