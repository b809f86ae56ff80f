"""Rights and rules the guide must tell a parent, each where it is needed and cited to its rule
(issue 23): the sentences that once pointed the wrong way, and the rights a parent was not told.
Read from the Markdown sources, so no site build is needed."""

from __future__ import annotations

import re

import pytest

from builder.build.state_pages import FOLDER, pages, src_uri
from tests.conftest import ROOT

DOCS = ROOT / "docs"
# (page, the citation as the page writes it, words the same paragraph says)
RIGHTS = [
    ("guide/get-specific.md", "34 CFR 300.322(f)", "copy of your child's IEP at no cost"),
    ("guide/request-an-iep-meeting.md", "34 CFR 300.322(f)", "copy"),
    ("guide/request-an-iep-meeting.md", "34 CFR 300.321(a)(6)", "advocate"),
    ("guide/request-an-iep-meeting.md", "34 CFR 300.322(e)", "interpreter"),
    ("guide/request-an-iep-meeting.md", "34 CFR 300.503(c)", "language"),
    ("guide/escalate-to-the-director.md", "34 CFR 300.504(a)", "procedural safeguards"),
    ("guide/file-a-state-complaint.md", "34 CFR 300.504(a)", "procedural safeguards"),
    ("guide/keep-a-log.md", "34 CFR 300.613(a)", "hearing"),
    ("guide/beyond/due-process.md", "34 CFR 300.613(a)", "records"),
    ("guide/file-a-state-complaint.md", "34 CFR 300.152(c)", "due process"),
    ("guide/beyond/section-504-and-ocr.md", "34 CFR 99.10(b)", "45 days"),
    ("guide/beyond/section-504-and-ocr.md", "34 CFR 104.36", "hearing"),
    ("guide/request-an-iep-meeting.md", "56321(a)", "15 days"),
    ("guide/request-an-iep-meeting.md", "56344(a)", "60 days"),
    ("guide/request-an-iep-meeting.md", "56341.1(g)(1)", "24 hours"),
    ("guide/file-a-state-complaint.md", "5 CCR 3201(c)", "settlement agreement"),
    # The sentences that pointed the wrong way.
    ("guide/beyond/due-process.md", "34 CFR 300.511(e)", "within two years"),
    ("states/montana.md", "ARM 10.16.3660(3)", "shall not be counted"),
    ("guide/beyond/mediation.md", "34 CFR 300.506(b)", "mediat"),
    ("guide/beyond/due-process.md", "34 CFR 300.510(a)", "resolution"),
    ("guide/file-a-state-complaint.md", "34 CFR 300.509", "model form"),
]


def source(page: str) -> str:
    """A page's Markdown: from docs/, or for a state page, as the build makes it."""
    if page.startswith(f"{FOLDER}/"):
        return next(text for state, text in pages("en") if src_uri(state, "en") == page)
    return (DOCS / page).read_text(encoding="utf-8")


def paragraphs(page: str) -> list[str]:
    """The page's paragraphs and list items, each as one line of text."""
    text = source(page).split("---\n", 2)[-1]
    parts = re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.) )", text)
    return [" ".join(part.split()) for part in parts]


@pytest.mark.parametrize(("page", "citation", "words"), RIGHTS)
def test_the_guide_says_it_where_it_is_needed_with_its_rule(
    page: str, citation: str, words: str
) -> None:
    cited = [part for part in paragraphs(page) if citation in part]
    assert cited, f"{page} does not cite {citation}"
    assert any(words.casefold() in part.casefold() for part in cited), (page, citation, words)


def test_the_complaint_counts_the_year_from_the_day_the_state_receives_it() -> None:
    template = (ROOT / "letters" / "en" / "state-complaint.txt.j2").read_text(encoding="utf-8")
    assert "within one year of the date of this complaint" not in template
    assert "counted back from the day the state receives the complaint (34 CFR 300.153(c))" in (
        template
    )
