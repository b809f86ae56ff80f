"""The guide's Markdown sources, with the language each is written in and the address MkDocs
gives it: guide/get-specific.md -> guide/get-specific/, guide/get-specific.es.md ->
es/guide/get-specific/ (mkdocs-static-i18n's suffix layout)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.i18n import DEFAULT_LANGUAGE, languages
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


def variants(addresses: list[str], names: list[str]) -> list[tuple[str, str]]:
    """(address, variant) pairs: the first variant for every address, the others for the sample."""
    return [
        (address, name)
        for address in addresses
        for index, name in enumerate(names)
        if index == 0 or in_sample(address)
    ]
