"""A page per state, DC and Puerto Rico in every language, made at build time from the state data
(issue #27): each names its agency, says how to file with only confirmed addresses, sources every
fact, is found by the site search under the state's name, and has its twin in every language.

The browser checks (axe, small screens) run on a sample of these pages (tests/pages.py); the
privacy walk loads every one of them; these read the built HTML and the generator."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from builder.build import state_pages
from builder.i18n import languages, text
from builder.jurisdictions import State, load_states, state_name
from builder.widgets import Marker, render_state_summary, render_widget
from tests.conftest import BuiltSite
from tests.pages import state_pages as state_page_addresses

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
TODAY = dt.date(2026, 12, 5)


def section(page: str, heading_id: str) -> str:
    """The HTML of one h2 section of a page, up to the next h2."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2", start)
    return page[start : end if end > 0 else None]


def plain(part: str) -> str:
    """The words of some HTML, without its tags (the abbreviations' <abbr>, the links)."""
    return html.unescape(re.sub(r"<[^>]+>", "", part))


def ids(page: str) -> list[str]:
    return re.findall(r'<h2 id="([^"]+)"', page)


def test_there_is_a_page_for_each_of_the_52_in_every_language() -> None:
    addresses = state_page_addresses()
    assert len(addresses) == 52 * len(languages()) == len(set(addresses))
    assert "states/texas/" in addresses and "es/states/new-york/" in addresses


@pytest.mark.site
@pytest.mark.parametrize("language", languages())
def test_each_page_names_its_state_and_agency_in_its_title_description_and_text(
    site: BuiltSite, language: str
) -> None:
    for state in load_states():
        page = site.html(state_pages.address(state, language))
        name = html.escape(state_name(state, language), quote=True)
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        description = re.search(r'<meta name="description" content="([^"]*)"', page)
        assert title and name in title[1], state.code
        assert description and name in description[1], state.code
        assert state.agency in html.unescape(description[1]), state.code
        assert re.search(rf"<h1[^>]*>{re.escape(name)}:", page), state.code
        assert state.agency in plain(section(page, ids(page)[0])), state.code
        assert text("page.not_advice", language) in page, "general information, not legal advice"


@pytest.mark.site
def test_search_finds_each_state_page_by_the_states_name(site: BuiltSite) -> None:
    index = json.loads((site.directory / "search" / "search_index.json").read_text())
    titled = {doc["location"]: doc["title"] for doc in index["docs"] if "#" not in doc["location"]}
    for language in languages():
        for state in load_states():
            address = state_pages.address(state, language)
            assert state_name(state, language) in titled.get(address, ""), address


@pytest.mark.site
def test_only_confirmed_ways_addresses_and_emails_are_shown_as_usable(site: BuiltSite) -> None:
    """How to file lists only the confirmed ways, each with its address only where the data holds
    a confirmed one; any other email address on the page sits in a note marked as not confirmed,
    secondary or out of date."""
    for state in load_states():
        page = site.html(state_pages.address(state, "en"))
        how = section(page, "how-to-file-a-complaint")
        listed = set(
            re.findall(r"<strong>(By mail|By fax|By email|Online|In person):</strong>", how)
        )
        expected = {
            {"mail": "By mail", "fax": "By fax", "email": "By email"}.get(key, "")
            or {"online": "Online", "hand_delivery": "In person"}[key]
            for key in state.filing_methods.confirmed()
        }
        assert listed == expected, state.code
        assert set(EMAIL.findall(how)) <= {state.email_address} - {None}, state.code
        contact = state.contact
        unconfirmed = {text(f"statepage.no_{what}", "en") for what in ("address", "number")}
        for line in re.findall(r"<li><strong>By (?:mail|fax):</strong> (.*?)</li>", how):
            shown = plain(line).strip()
            assert shown in unconfirmed or (contact and shown in {contact.mail, contact.fax}), (
                state.code,
                shown,
            )
        confirmed_notes = [
            item
            for item in re.findall(r"<li>(.*?)</li>", section(page, f"notes-on-{state.slug}"), re.S)
            if "<em>" not in item.rsplit("(", 1)[-1]
        ]
        for item in confirmed_notes:
            assert set(EMAIL.findall(item)) <= {state.email_address} - {None}, (state.code, item)


@pytest.mark.site
def test_every_fact_on_a_page_shows_its_source(site: BuiltSite) -> None:
    for state in load_states():
        page = site.html(state_pages.address(state, "en"))
        notes = re.findall(r"<li>(.*?)</li>", section(page, f"notes-on-{state.slug}"), re.S)
        assert len(notes) == len(state.notes), state.code
        for note, fact in zip(notes, state.notes, strict=True):
            assert fact.citation in plain(note), (state.code, fact.citation)
        limits = plain(section(page, "time-limits"))
        for found in (state.timeline, state.records_deadline, state.meeting_rule):
            if found:
                assert found.citation in limits, state.code


@pytest.mark.site
def test_each_state_page_has_its_twin_in_the_language_menu(site: BuiltSite) -> None:
    texas = site.html("states/texas/")
    assert 'href="../../es/states/texas/" hreflang="es"' in texas
    assert 'href="../../../states/texas/" hreflang="en"' in site.html("es/states/texas/")
    sitemap = (site.directory / "sitemap.xml").read_text()
    assert sitemap.count("/states/texas/</loc>") == 2, "both twins, for search engines"


@pytest.mark.site
@pytest.mark.parametrize("language", languages())
def test_your_state_is_a_short_chooser_linking_every_state_page(
    site: BuiltSite, language: str
) -> None:
    prefix = "" if language == "en" else f"{language}/"
    page = site.html(f"{prefix}your-state/")
    links = set(re.findall(r'<a href="\.\./states/([a-z-]+)/">', page))
    assert links == {state.slug for state in load_states()}
    assert "<table" not in page, "no 52-row table that scrolls sideways on a phone"


def test_the_state_picker_links_to_the_chosen_states_page() -> None:
    summary = render_state_summary("TX", "en", root="../../")
    assert 'href="../../states/texas/"' in summary
    picker = render_widget(
        Marker("state-picker", ""), uid="p", with_form=False, today=TODAY, root="../"
    )
    assert 'data-state-root="../"' in picker


def test_a_note_not_yet_translated_shows_in_english_marked_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def untranslated(state: State, english: str, language: str) -> str | None:
        return english if language == "en" else None

    monkeypatch.setattr(state_pages, "localized", untranslated)
    texas = next(page for state, page in state_pages.pages("es") if state.code == "TX")
    marker = text("statepage.in_english", "es")
    note = next(state for state in load_states() if state.code == "TX").notes[0].text
    assert f"{note} *{marker}*" in texas


def test_the_generator_is_not_shipped_to_the_browser() -> None:
    from builder.build.site_build import shipped

    assert not shipped(Path("build", "state_pages.py"))
    assert not shipped(Path("build", "state_page.md.j2"))


@pytest.mark.browser
@pytest.mark.parametrize("address", ["states/texas/", "es/states/alabama/"])
def test_a_state_page_prints_whole_on_a_narrow_sheet(
    browser: Any, site: BuiltSite, address: str
) -> None:
    """Printed (or on a 320 px phone), the page keeps its text on the sheet: no line runs off
    the side, and the page-information box with its not-legal-advice line is printed."""
    from tests.test_accessibility import themed_page

    with themed_page(browser, site, viewport={"width": 320, "height": 640}) as page:
        page.goto(site.url + address)
        page.emulate_media(media="print")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert page.locator(".iep-page-info__disclaimer").is_visible()
        assert page.locator("h1").count() == 1
