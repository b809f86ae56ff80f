"""The site in every language: each page has its twin, a page in another language has no English
left in it, the language menu keeps the reader's page and facts, and a letter is written in the
language the reader chooses for it, apart from the page's."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest

from builder.i18n import DEFAULT_LANGUAGE, language_data, languages, text
from tests.conftest import ROOT, BuiltSite, Visit
from tests.pages import Source, sources
from tests.test_browser import BOOT_TIMEOUT_MS, READY, follow_link, letter_text, settled

OTHER_LANGUAGES = [code for code in languages() if code != DEFAULT_LANGUAGE]
# Words English cannot do without and other languages never use: one of them on a page in
# another language is English left untranslated. ("School" is not one: schools' names keep it.)
ENGLISH_WORDS = re.compile(
    r"\b(the|and|your|you|with|this|that|what|when|which|from|have|will|are|were|child|"
    r"letter|minutes|sessions)\b",
    re.I,
)
# Left in English on purpose, each for its reason:
KEPT_IN_ENGLISH = (
    # quoted words of a rule, a form or a school's papers, given in English beside their meaning;
    re.compile(r'"[^"]*"|“[^”]*”'),
    # names: agencies, organizations and a court case, as they are written;
    re.compile(
        r"California Department of Education|Special Education Division|ACLU of Iowa|"
        r"Equip for Equality|Reid v\. District of Columbia|District of Columbia|"
        r"Parent Training and Information Center"
    ),
)
# Parts of a page that may stay in English: the page-information box lists its sources by their
# own titles; the pages about the tools' internals keep their tables of field names and timings
# under a summary in the page's language; the state table shows the state notes not yet
# translated, marked as English.
KEPT_PARTS = re.compile(
    r'<aside class="iep-page-info".*?</aside>|<table.*?</table>|<(script|style|pre|code)\b.*?</\1>',
    re.S,
)
TABLES_KEPT = {"case-file", "performance", "your-state"}


def article_text(html: str, *, keep_tables: bool) -> str:
    found = re.search(r"<article[^>]*>(.*?)</article>", html, re.S)
    article = found.group(1) if found else html
    if keep_tables:
        article = KEPT_PARTS.sub(" ", article)
    else:
        article = re.sub(
            r'<aside class="iep-page-info".*?</aside>|<(script|style|pre|code)\b.*?</\1>',
            " ",
            article,
            flags=re.S,
        )
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", article)).split())


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_page_has_its_twin_in_every_language(language: str) -> None:
    english = {(source.path.parent, source.stem) for source in sources(DEFAULT_LANGUAGE)}
    translated = {(source.path.parent, source.stem) for source in sources(language)}
    assert translated == english


def abbreviations(language: str) -> dict[str, str]:
    suffix = "" if language == DEFAULT_LANGUAGE else f".{language}"
    path = ROOT / "includes" / f"abbreviations{suffix}.md"
    return dict(re.findall(r"^\*\[(\w+)\]: (.+)$", path.read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_language_explains_the_same_abbreviations(language: str) -> None:
    assert abbreviations(language).keys() == abbreviations(DEFAULT_LANGUAGE).keys()


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_a_page_in_another_language_is_in_it_from_title_to_search(
    site: BuiltSite, language: str
) -> None:
    search = json.loads((site.directory / "search" / "search_index.json").read_text())
    assert language in search["config"]["lang"], "the search stems the language's words"
    for source in sources(language):
        html = site.html(source.address)
        english = site.html(source.address.removeprefix(f"{language}/"))
        assert f'<html lang="{language}"' in html, source.address
        titles = [re.findall(r"<title>(.*?)</title>", page, re.S) for page in (html, english)]
        assert titles[0] != titles[1], f"{source.address}: its own title"
        assert re.search(r'<meta name="description" content="[^"]+">', html), source.address
        menu = re.findall(r'<a href="[^"]*" hreflang="(\w+)" class="md-select__link">', html)
        assert menu == list(languages()), "the menu offers every language"
        explained = re.findall(r'<abbr title="([^"]*)">(\w+)</abbr>', html)
        assert all(
            unescape(meaning) == abbreviations(language)[short] for meaning, short in explained
        ), "abbreviations explained in the page's language"


@pytest.mark.parametrize(
    "source", [s for s in sources() if s.language != DEFAULT_LANGUAGE], ids=lambda s: s.id
)
def test_no_english_is_left_on_a_page_in_another_language(site: BuiltSite, source: Source) -> None:
    keep_tables = source.stem in TABLES_KEPT
    words = article_text(site.html(source.address), keep_tables=keep_tables)
    for kept in KEPT_IN_ENGLISH:
        words = kept.sub(" ", words)
    left = [
        words[max(0, match.start() - 40) : match.end() + 40]
        for match in ENGLISH_WORDS.finditer(words)
    ]
    assert left == [], f"{source.address}: English left in the page"


# -- in the browser ----------------------------------------------------------------------------


def choose_language(page: Any, language: str) -> None:
    """Pick a language from Material's menu, as a reader does (the menu opens on hover)."""
    with page.expect_navigation():
        page.locator(f'.md-select__link[hreflang="{language}"]').first.dispatch_event("click")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)


def test_the_language_menu_keeps_the_page_and_the_facts(visit: Visit, site: BuiltSite) -> None:
    page = visit.page
    page.goto(site.url + "guide/get-specific/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.locator('[data-path="child.name"]').first.fill("Mia")
    settled(page)
    choose_language(page, "es")
    assert page.url == site.url + "es/guide/get-specific/", "the same page, in Spanish"
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.locator('[data-path="child.name"]').first.input_value() == "Mia"
    assert text("gap.yours_note", "es") in page.locator(".iep-widget").first.text_content()
    # After instant navigation the menu leads to the new page's twin.
    follow_link(page, site.url + "es/builder/")
    choose_language(page, "en")
    assert page.url == site.url + "builder/"
    assert page.locator('[data-path="child.name"]').first.input_value() == "Mia"
    assert visit.errors == []


def test_on_a_spanish_page_the_letter_is_spanish_or_english_with_its_meaning_beside_it(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/")
    )
    page.goto(site.url + "es/builder/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.locator('[data-path="child.name"]').first.fill("Mia")
    page.locator('[data-path="contacts.case_manager.name"]').first.fill("Sra. Kim")
    settled(page)
    assert "Apreciable Sra. Kim:" in letter_text(page)
    meaning = page.locator('[data-role="meaning"]').first
    assert not meaning.is_visible(), "no meanings for a letter in the page's own language"
    page.locator('[data-path="language"]').first.select_option("en")
    settled(page)
    english = letter_text(page)
    assert "Dear Sra. Kim," in english and "Apreciable" not in english
    assert meaning.is_visible()
    assert text("letter.meaning_title", "es") in meaning.text_content()
    assert "Apreciable Sra. Kim:" in meaning.text_content()
    page.locator('[data-action="copy"]').first.click()
    page.locator('[data-role="blanks-confirm"] [data-action="anyway"]').first.click()
    page.wait_for_function("() => document.querySelector('[data-role=\"message\"]').textContent")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Dear Sra. Kim," in copied and "Apreciable" not in copied, "only the letter is copied"
    name = language_data("en")["name"]
    assert page.locator('[data-path="language"] option:checked').first.text_content() == name
    assert visit.errors == []
