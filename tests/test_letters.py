from __future__ import annotations

import datetime as dt
from typing import Any

from builder.case import Case, load_case
from builder.letters import catalogue, mailto_url, missing_facts, render_letter

TODAY = dt.date(2026, 10, 26)


def test_the_note_to_the_case_manager_quotes_the_line_and_the_numbers(
    example_document: dict[str, Any],
) -> None:
    letter = render_letter("case-manager-note", load_case(example_document), today=TODAY)
    assert letter.subject == "Sam Rivera: IEP services missed since October 5, 2026"
    assert "- Speech-language therapy, 30 minutes, 2 times per week" in letter.body
    assert "120 minutes were not provided" in letter.body
    assert "how and when the missed sessions will be provided?" in letter.body
    assert "reply by November 5, 2026" in letter.body
    assert letter.to.email == "lee@example.org"


def test_an_empty_case_gives_a_draft_with_blanks() -> None:
    letter = render_letter("case-manager-note", Case(), today=TODAY)
    assert "[child's name]" in letter.subject
    assert "Dear [case manager's name]," in letter.body


def test_hostile_text_is_kept_as_text_not_run_as_a_template(
    example_document: dict[str, Any],
) -> None:
    example_document["child"]["name"] = "{{ 7*7 }} <script>alert(1)</script>"
    letter = render_letter("case-manager-note", load_case(example_document), today=TODAY)
    assert "{{ 7*7 }} <script>alert(1)</script>'s IEP" in letter.body
    assert "49" not in letter.body


def test_the_mail_link_carries_recipient_subject_and_body(example_document: dict[str, Any]) -> None:
    letter = render_letter("case-manager-note", load_case(example_document), today=TODAY)
    url = mailto_url(letter)
    assert url is not None and url.startswith("mailto:lee@example.org?subject=Sam%20Rivera")
    assert "120%20minutes%20were%20not%20provided" in url


def test_every_letter_in_the_catalogue_renders_from_an_empty_case() -> None:
    for info in catalogue():
        assert render_letter(info.name, Case(), today=TODAY).body.strip()
        assert missing_facts(info.name, Case()), f"{info.name} needs nothing?"


def test_a_complete_case_lacks_nothing_for_the_first_note(example_document: dict[str, Any]) -> None:
    assert missing_facts("case-manager-note", load_case(example_document)) == ()
