"""The guide's content rules: every state listed, nothing unconfirmed stated as fact."""

from __future__ import annotations

import re
from html import unescape

import pytest

from builder.i18n import DEFAULT_LANGUAGE, languages, text
from builder.jurisdictions import load_states
from tests.conftest import ROOT, BuiltSite
from tests.pages import sources

PAGES = sorted((ROOT / "docs").rglob("*.md"))
NEGATION = re.compile(
    r"\b(not|no|only|could not|cannot|does not|do not|never|unless|old|older|outdated)\b", re.I
)
GLOSSARY_TERMS = (
    "IEP",
    "FAPE",
    "Related services",
    "Accommodations",
    "Compensatory services",
    "Prior written notice",
    "SEA",
    "LEA",
    "Case manager",
)


def page_text(html: str) -> str:
    """The readable text of a built page's article, without tags."""
    article = re.search(r"<article[^>]*>(.*?)</article>", html, re.S)
    body = article.group(1) if article else html
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+", " ".join(text.split()))]


def test_every_state_is_on_the_state_page_and_in_the_picker(site: BuiltSite) -> None:
    html = site.html("your-state")
    states = load_states()
    assert len(states) == 52
    for state in states:
        assert f'<a href="../states/{state.slug}/">{state.name}</a>' in html, state.name
        assert f'<option value="{state.code}">{state.name}</option>' in html, state.name


def test_no_page_says_email_for_a_state_that_does_not_take_it(site: BuiltSite) -> None:
    states = load_states()
    confirmed = {state.email_address for state in states if state.accepts_email}
    for state in states:
        html = site.html(f"states/{state.slug}")
        how = html[html.index('id="how-to-file-a-complaint"') : html.index('id="the-model-form"')]
        assert state.accepts_email == ("<strong>By email:</strong>" in how), state.name
    # An address in the guide is a confirmed intake address, or it stands in a state note whose
    # status the page shows (secondary, not confirmed, out of date).
    uncertain_notes = " ".join(
        note.text for state in states for note in state.notes if note.status != "CONFIRMED"
    )
    for page in PAGES:
        for address in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", page.read_text()):
            address = address.rstrip(".")
            if address.endswith("example.org"):
                continue  # the worked examples' made-up people
            assert address in confirmed or address in uncertain_notes, f"{page.name}: {address}"
    generic = re.compile(r"\bemail (it|your complaint|the complaint) to (the|your) state\b", re.I)
    for page in sorted(site.directory.rglob("index.html")):
        assert not generic.search(page_text(page.read_text())), page


def test_nothing_claims_a_federal_meeting_deadline_or_a_three_year_look_back() -> None:
    for page in PAGES:
        text = " ".join(page.read_text().split())
        for sentence in sentences(text):
            federal_days = re.search(
                r"federal[^.]*within \d+ (calendar |school )?days", sentence, re.I
            )
            if federal_days and "meeting" in sentence.lower():
                assert NEGATION.search(sentence), f"{page.name}: {sentence}"
            assert not re.search(r"\b(three|3)[- ]years?\b", sentence, re.I) or NEGATION.search(
                sentence
            ), f"{page.name}: {sentence}"
        assert "30 school days" not in text, page.name


def test_the_glossary_defines_the_terms_and_pages_link_or_hover_them(site: BuiltSite) -> None:
    glossary = site.html("glossary")
    for term in GLOSSARY_TERMS:
        headings = [page_text(h) for h in re.findall(r"<h2 id=[^>]*>(.*?)</h2>", glossary, re.S)]
        assert any(term in heading for heading in headings), term
    step = site.html("guide/write-to-the-case-manager")
    assert '<abbr title="Individualized Education Program' in step
    assert 'href="../../glossary/#' in step


@pytest.mark.parametrize("language", languages())
def test_the_home_page_shows_the_whole_ladder_and_the_privacy_promise(
    site: BuiltSite, language: str
) -> None:
    home = site.html("" if language == DEFAULT_LANGUAGE else language)
    steps = [s for s in sources(language, under="guide") if s.path.parent.name == "guide"]
    assert len(steps) == 8
    for step in steps:
        assert f'href="guide/{step.stem}/"' in home, step.stem
    assert 'href="privacy/"' in home
    assert text("page.not_advice", language) in home
