"""Every link behind a citation goes to the law's own home, or to a host that says why it may.

The hosts, each with the reason it is trusted, are in tests/trusted-hosts.json. This test reads
the Markdown pages and builder/data/states.json directly: no site build, no browser.

What counts as a legal source: every link the guide shows, that is, every `sources:` entry in a
page's front matter, every link in a page's text, and in the state data every complaint page,
every note's url, any address written in a note or a complaint-page note, and the url of each
structured fact (contact, model form, timeline, records, meeting, team, signature, parent
centers). The state data's `source` field is left out: it records where the research found an
agency's name, and the site never shows it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
STATES = ROOT / "builder" / "data" / "states.json"
TRUSTED = json.loads((ROOT / "tests" / "trusted-hosts.json").read_text(encoding="utf-8"))
KINDS = {"official", "federal-agency", "state-agency", "law-library", "secondary"}
HOSTS: dict[str, dict[str, Any]] = {entry["host"]: entry for entry in TRUSTED["hosts"]}
NOT_TRUSTED: dict[str, str] = {entry["host"]: entry["why"] for entry in TRUSTED["not_trusted"]}

# An address, with any balanced "(...)" groups it holds (eCFR's paragraph anchors: #p-300.153(c)).
URL = re.compile(r"""https?://(?:[^\s()<>"'\]]|\([^\s()<>"']*\))+""")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
# A CFR paragraph anchor and the plain section address, as eCFR writes them.
ECFR_SECTION = re.compile(r"https://www\.ecfr\.gov/current/title-(\d+)/section-(\d+)\.(\d+)")
ECFR_PARAGRAPH = re.compile(
    r"https://www\.ecfr\.gov/current/title-(\d+)/part-(\d+)/section-(\d+)\.(\d+)"
    r"#p-(\d+)\.(\d+)((?:\([a-z0-9]+\))+)"
)
LEGINFO = re.compile(
    r"https://leginfo\.legislature\.ca\.gov/faces/codes_displaySection\.xhtml"
    r"\?lawCode=EDC&sectionNum=(\d+(?:\.\d+)?)"
)
CFR_CITE = re.compile(r"\b(\d+) CFR (\d+)\.(\d+)((?:\([a-z0-9]+\))*)")
ED_CODE_CITE = re.compile(r"\b(?:Ed\. Code|Education Code) (\d+(?:\.\d+)?)")


def split_page(path: Path) -> tuple[dict[str, Any], str]:
    """A page's front matter (parsed) and its body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}, text
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front) or {}
    assert isinstance(meta, dict), path
    return meta, body


def markdown_links(body: str) -> list[tuple[str, str]]:
    """(text, address) of each inline link [text](address) to another site, outside code."""
    body = FENCE.sub("", body)
    links = []
    for match in re.finditer(r"\[([^\[\]]+)\]\((?=https?://)", body):
        start = end = match.end()
        depth = 1
        while end < len(body) and depth:
            depth += {"(": 1, ")": -1}.get(body[end], 0)
            end += 1
        links.append((match.group(1), body[start : end - 1]))
    return links


def page_links(path: Path) -> list[tuple[str, str, str]]:
    """(where, text, address) for every link the page shows: sources, then the text."""
    meta, body = split_page(path)
    name = path.relative_to(ROOT).as_posix()
    found = []
    for source in meta.get("sources") or []:
        found.append((f"{name} (sources)", str(source["title"]), str(source["url"])))
    linked = markdown_links(body)
    found += [(name, text, url) for text, url in linked]
    # Any other address in the text (an autolink, raw HTML) is a link too.
    others = set(URL.findall(FENCE.sub("", body))) - {url for _, url in linked}
    found += [(name, "", url.rstrip(".,;:")) for url in sorted(others)]
    return found


def state_links() -> list[tuple[str, str, str]]:
    data = json.loads(STATES.read_text(encoding="utf-8"))
    found = []
    for state in data["states"]:
        where = f"states.json {state['code']}"
        if state["complaint_url"]:
            found.append((where, state["agency"], state["complaint_url"]))
        for url in URL.findall(state["complaint_url_note"] or ""):
            found.append((where, "", url.rstrip(".,;:")))
        for note in state["notes"]:
            if note["url"]:
                found.append((where, note["citation"], note["url"]))
            for url in URL.findall(note["text"] + " " + note["citation"]):
                found.append((where, "", url.rstrip(".,;:")))
        for name in FACTS:
            fact = state[name]
            if fact and fact["url"]:
                found.append((where, fact["citation"], fact["url"]))
        for center in state["parent_centers"]:
            found += [(where, center["name"], url) for url in (center["url"], center["source_url"])]
    return [link for link in found if link[2]]


# The structured facts of a state (states.schema.json), each with its citation and url.
FACTS = (
    "contact",
    "model_form",
    "timeline",
    "records_deadline",
    "meeting_rule",
    "team_name",
    "typed_signature",
)


ALL_LINKS = [link for page in PAGES for link in page_links(page)] + state_links()


def refusal(url: str) -> str | None:
    """Why the address may not be linked, or None when its host is trusted for it."""
    host = urlsplit(url).hostname or ""
    if host in NOT_TRUSTED:
        return f"a copy site ({NOT_TRUSTED[host]})"
    entry = HOSTS.get(host)
    if entry is None:
        return f"{host} is not in tests/trusted-hosts.json"
    if entry["kind"] == "secondary" and url not in entry["urls"]:
        return f"{host} is trusted only for the pages it lists (secondary source)"
    return None


def test_the_trusted_host_list_says_why_for_each_host() -> None:
    hosts = [entry["host"] for entry in TRUSTED["hosts"]]
    assert len(hosts) == len(set(hosts)), "each host once"
    assert not set(hosts) & set(NOT_TRUSTED), "a host is trusted or not, never both"
    for entry in TRUSTED["hosts"] + TRUSTED["not_trusted"]:
        assert re.fullmatch(r"[a-z0-9.-]+", entry["host"]), entry
        assert entry["why"].strip().endswith("."), entry["host"]
        assert len(entry["why"].split()) >= 6, f"{entry['host']}: say why in a sentence"
    for entry in TRUSTED["hosts"]:
        assert entry["kind"] in KINDS, entry["host"]
        assert ("urls" in entry) == (entry["kind"] == "secondary"), entry["host"]
        for url in entry.get("urls", []):
            assert urlsplit(url).hostname == entry["host"], url


def test_the_guide_and_the_state_data_have_links_to_check() -> None:
    assert len(PAGES) >= 15
    assert sum(1 for where, _, _ in ALL_LINKS if "(sources)" in where) > 100
    assert sum(1 for where, _, _ in ALL_LINKS if where.startswith("states.json")) > 50


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(DOCS).as_posix())
def test_every_link_on_a_page_goes_to_a_trusted_host(page: Path) -> None:
    refused = [
        f"{where}: {url} ({why})"
        for where, _, url in page_links(page)
        if (why := refusal(url)) is not None
    ]
    assert refused == []


def test_every_address_in_the_state_data_goes_to_a_trusted_host() -> None:
    refused = [
        f"{where}: {url} ({why})" for where, _, url in state_links() if (why := refusal(url))
    ]
    assert refused == []


def test_every_trusted_host_is_still_used() -> None:
    """A host nothing links to any more leaves the list, so the list says what the guide does."""
    used = {urlsplit(url).hostname for _, _, url in ALL_LINKS}
    assert set(HOSTS) - used == set()
    for entry in TRUSTED["hosts"]:
        for url in entry.get("urls", []):
            assert any(url == linked for _, _, linked in ALL_LINKS), url


def test_ecfr_and_leginfo_addresses_follow_their_patterns() -> None:
    for where, _, url in ALL_LINKS:
        host = urlsplit(url).hostname
        if host == "www.ecfr.gov":
            section = ECFR_SECTION.fullmatch(url)
            paragraph = ECFR_PARAGRAPH.fullmatch(url)
            assert section or paragraph, f"{where}: {url}"
            if paragraph:
                _, part, part_again, number, anchor_part, anchor_number, _ = paragraph.groups()
                assert part == part_again == anchor_part and number == anchor_number, url
        elif host == "leginfo.legislature.ca.gov":
            assert LEGINFO.fullmatch(url), f"{where}: {url}"


def cited_section(url: str) -> tuple[str, str] | None:
    """("cfr", "300.153") or ("edc", "56504") for an eCFR, IDEA-site or leginfo address."""
    if match := ECFR_SECTION.fullmatch(url):
        return "cfr", f"{match.group(2)}.{match.group(3)}"
    if match := ECFR_PARAGRAPH.fullmatch(url):
        return "cfr", f"{match.group(3)}.{match.group(4)}"
    if match := re.match(r"https://sites\.ed\.gov/idea/regs/\w/\w/(\d+\.\d+)/", url):
        return "cfr", match.group(1)
    if match := LEGINFO.fullmatch(url):
        return "edc", match.group(1)
    return None


def test_a_link_that_names_a_section_goes_to_that_section() -> None:
    """The text "34 CFR 300.613(a)" links to 300.613 (at (a) when the address has an anchor), and
    "Ed. Code 56504" to section 56504: a mislinked citation cannot slip in."""
    wrong = []
    for where, text, url in ALL_LINKS:
        target = cited_section(url)
        if target is None:
            continue
        kind, section = target
        if kind == "cfr" and (cite := CFR_CITE.search(text)):
            named = f"{cite.group(2)}.{cite.group(3)}"
            anchor = url.partition("#p-")[2]
            if named != section or (anchor and cite.group(4) and anchor != named + cite.group(4)):
                wrong.append(f"{where}: {text!r} -> {url}")
        if kind == "edc" and (cite := ED_CODE_CITE.search(text)) and cite.group(1) != section:
            wrong.append(f"{where}: {text!r} -> {url}")
    assert wrong == []


def test_no_page_sends_a_reader_to_a_summary_as_the_rule() -> None:
    """The review found rules cited only to summary sites; the pages now cite the rules."""
    for page in PAGES:
        _, body = split_page(page)
        for phrase in ("summary of 34 CFR", "Iowa's copy", "IDEA Partnership's summary"):
            assert phrase not in body, f"{page.name}: {phrase}"
