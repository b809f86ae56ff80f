"""The guide's Markdown sources, with the language each is written in and the address MkDocs
gives it: guide/get-specific.md -> guide/get-specific/, guide/get-specific.es.md ->
es/guide/get-specific/ (mkdocs-static-i18n's suffix layout); and the pages the build makes
without a source, one per state in each language (builder/build/state_pages.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.build.state_pages import address as state_page_address
from builder.i18n import DEFAULT_LANGUAGE, languages
from builder.jurisdictions import get_state, load_states
from tests.conftest import ROOT

DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Source:
    path: Path

    @property
    def language(self) -> str:
        suffix = Path(self.path.stem).suffix.removeprefix(".")
        return suffix if suffix in languages() else DEFAULT_LANGUAGE

    @property
    def stem(self) -> str:
        """The name shared by a page's twins: get-specific for get-specific.es.md."""
        return self.path.name.split(".")[0]

    @property
    def address(self) -> str:
        folders = self.path.relative_to(DOCS).parent.parts
        path = "".join(f"{part}/" for part in (*folders, self.stem) if part != "index")
        return path if self.language == DEFAULT_LANGUAGE else f"{self.language}/{path}"

    @property
    def id(self) -> str:
        return self.address or "home"


def sources(language: str | None = None, under: str = "") -> list[Source]:
    """Every page's source (in one language, or all), optionally only those under a folder."""
    found = [Source(path) for path in sorted((DOCS / under).rglob("*.md"))]
    return [source for source in found if language in (None, source.language)]


# Pages in a language other than the default are the same templates and tools in other words:
# each browser check runs on all of them once, and its further variants (dark mode, 200% zoom,
# every field's name) on this sample, the pages with the most tools.
SAMPLE = ("builder/", "guide/get-specific/")


def in_sample(address: str) -> bool:
    """True for a default-language page, and for a sampled page in another language."""
    first = address.split("/")[0]
    if first not in languages() or first == DEFAULT_LANGUAGE:
        return True
    return address.removeprefix(f"{first}/") in SAMPLE


# The state pages are one template filled from the data: every one is built and crawled (the
# privacy walk, the headings, the pages-built check), and the browser's checks (axe, small
# screens) run on these, in every language: a state with its own rules and contact
# (California), one with a team name, a meeting rule and every way to file (Texas), and one with
# nothing confirmed (Alabama).
STATE_SAMPLE = ("CA", "TX", "AL")


def state_pages(language: str | None = None) -> list[str]:
    """The address of every state's page, in one language or all."""
    return [
        state_page_address(state, code)
        for code in languages()
        if language in (None, code)
        for state in load_states()
    ]


def sampled_state_pages() -> list[str]:
    sample = [get_state(code) for code in STATE_SAMPLE]
    return [state_page_address(state, code) for code in languages() for state in sample if state]


def in_browser_checks(address: str) -> bool:
    """A page the browser's per-page checks visit: every page with a source, and the sample of
    state pages."""
    return address not in set(state_pages()) or address in sampled_state_pages()


def variants(addresses: list[str], names: list[str]) -> list[tuple[str, str]]:
    """(address, variant) pairs: the first variant for every address, the others for the sample."""
    return [
        (address, name)
        for address in addresses
        for index, name in enumerate(names)
        if index == 0 or in_sample(address)
    ]
