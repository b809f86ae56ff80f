"""Typing: keystroke-to-preview latency on the longest letter, and text typed before the widget
was live."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from playwright.sync_api import Browser

from tests.benchmarks.harness import (
    Site,
    fresh_context,
    percentile,
    probe,
    wait_idle,
    wait_ready,
)
from tests.conftest import EXAMPLE_CASE

COMPLAINT_PAGE = "guide/file-a-state-complaint/"
EARLY_PAGE = "guide/write-to-the-case-manager/"
FIELD = '[data-path="child.name"]'
LETTER_BODY = '[data-widget="letter"] [data-role="body"]'
# Typed one key at a time, at a brisk typist's pace.
TYPED = "Daniel Alejandro Alvarez Romero, called Dani at school"
KEY_DELAY_MS = 80
EARLY_BEFORE = "Sam Rivera"  # typed from DOMContentLoaded, while Python starts
EARLY_AFTER = ", who loves trains"  # typed at once when the widget is live

# Records, in the page, each input event on the field (its time, and when the page handled it:
# this capture listener runs before the page's own), each message the page sends to Python's
# worker (which keystrokes an answer is for), and each change of the letter's body.
KEY_PROBE = """([field, body]) => {
  const keys = (window.__keys = { inputs: [], sent: [], changes: [] });
  document.addEventListener("input", (event) => {
    if (event.target.matches(field)) keys.inputs.push([event.timeStamp, performance.now()]);
  }, true);
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (...message) {
    keys.sent.push(performance.now());
    return post.apply(this, message);
  };
  new MutationObserver(() => keys.changes.push(performance.now())).observe(
    document.querySelector(body), { childList: true, characterData: true, subtree: true });
}"""


@dataclass(frozen=True)
class KeyRun:
    latencies: list[float]  # ms from each input event to the letter's change


@dataclass(frozen=True)
class EarlyRun:
    typed: int
    typed_before_ready: int  # keystrokes the page handled before the widget was live
    lost: int
    in_letter: bool


def keystroke_run(browser: Browser, site: Site) -> KeyRun:
    """Import the realistic case on the state complaint page, then type a name into it."""
    with fresh_context(browser) as context:
        page = context.new_page()
        page.goto(site.url + COMPLAINT_PAGE)
        wait_ready(page)
        page.locator('input[data-action="import"]').first.set_input_files(str(EXAMPLE_CASE))
        page.wait_for_function(
            "([field, body]) => document.querySelector(field).value === 'Daniel Alvarez'"
            " && document.querySelector(body).textContent.includes('Daniel Alvarez')",
            arg=[FIELD, LETTER_BODY],
        )
        field = page.locator(FIELD).first
        field.click()
        page.keyboard.press("ControlOrMeta+A")
        page.evaluate(KEY_PROBE, [FIELD, LETTER_BODY])
        page.keyboard.type(TYPED, delay=KEY_DELAY_MS)
        wait_idle(page)
        keys = page.evaluate("window.__keys")
        return _latencies(keys["inputs"], keys["sent"], keys["changes"])


def _latencies(inputs: list[list[float]], sent: list[float], changes: list[float]) -> KeyRun:
    """Each keystroke's wait for the letter to change with it in.

    The page sends Python one message at a time, with every value typed since the last, so
    keystrokes made while Python works are answered together: a keystroke's answer is that of
    the first message sent after the page handled it, and the letter changes while that answer
    is drawn, before the next message is sent. A keystroke whose answer changes nothing in the
    letter (like a space at the end of the name) has no latency.
    """
    latencies = []
    for start, handled in inputs:
        message = next((index for index, time in enumerate(sent) if time >= handled), None)
        if message is None:
            continue
        end = sent[message + 1] if message + 1 < len(sent) else float("inf")
        change = next((time for time in changes if sent[message] <= time < end), None)
        if change is not None:
            latencies.append(change - start)
    return KeyRun(latencies)


def summarise(run: KeyRun) -> tuple[float, float]:
    """p50 and p95 of one run's latencies."""
    return percentile(run.latencies, 0.50), percentile(run.latencies, 0.95)


def early_typing_run(browser: Browser, site: Site) -> EarlyRun:
    """Type into a field from DOMContentLoaded, while Python starts, then on at once when the
    widget is live (the moment Python takes over the page)."""
    with fresh_context(browser) as context:
        page = context.new_page()
        page.goto(site.url + EARLY_PAGE, wait_until="domcontentloaded")
        page.focus(FIELD)
        page.keyboard.type(EARLY_BEFORE, delay=KEY_DELAY_MS)
        ready = wait_ready(page)
        page.keyboard.type(EARLY_AFTER, delay=KEY_DELAY_MS)
        wait_idle(page)  # the letter shows what was typed once Python's answers are drawn
        typed = EARLY_BEFORE + EARLY_AFTER
        value = page.locator(FIELD).first.input_value()
        letter = page.locator(LETTER_BODY).first.text_content() or ""
        inputs = probe(page)["inputs"]
        return EarlyRun(
            typed=len(typed),
            typed_before_ready=sum(1 for handled in inputs if handled < ready),
            lost=len(typed) - _kept(typed, value),
            in_letter=value in letter,
        )


def _kept(typed: str, value: str) -> int:
    """How many of the typed characters are in the field, in order."""
    matcher = SequenceMatcher(None, typed, value, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())
