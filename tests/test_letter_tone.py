"""Every letter keeps the calm tone the guide teaches: no threats, no blame words, no shouting."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from builder.case import Case
from builder.case_reader import load_case
from builder.jurisdictions import load_states
from builder.letter_catalogue import catalogue
from builder.letters import render_letter
from tests.conftest import CASES
from tests.test_letters import GOLDEN_TODAY, realistic_document

NAMES = [info.name for info in catalogue()]
BANNED = re.compile(r"\b(demand\w*|lawsuits?|negligen\w*|illegal\w*|sue|sued|suing)\b", re.I)
CAPITALS = re.compile(r"\b[A-Z][A-Z]+s?\b")
# Acronyms a calm letter may carry in capitals: the law's own names, the state codes that appear
# in addresses, and the agencies' own acronyms ("Texas Education Agency (TEA)").
ACRONYMS = frozenset(
    {"IEP", "IEPs", "IDEA", "CFR", "FAPE", "ARD", "PWN", "OT", "PT", "US", "USA"}
    | {"TAC", "ILCS", "CMR", "RICR", "PPT", "CCC", "ARC", "CSE"}  # state rules and teams
    | {state.code for state in load_states()}
    | {word for state in load_states() for word in CAPITALS.findall(state.agency)}
)


def _cases() -> dict[str, Case]:
    example: dict[str, Any] = json.loads((CASES / "example.json").read_text())
    texas = realistic_document()
    texas["state"] = "TX"
    return {
        "realistic": load_case(realistic_document()),
        "empty": Case(),
        "example": load_case(example),
        "texas": load_case(texas),
    }


CASES_BY_NAME = _cases()


@pytest.mark.parametrize("case_name", sorted(CASES_BY_NAME))
@pytest.mark.parametrize("name", NAMES)
def test_no_letter_threatens_blames_or_shouts(name: str, case_name: str) -> None:
    letter = render_letter(name, CASES_BY_NAME[case_name], today=GOLDEN_TODAY)
    text = letter.text
    assert not BANNED.findall(text), f"{name} ({case_name}): {BANNED.findall(text)}"
    assert "!" not in text, f"{name} ({case_name}) has an exclamation mark"
    shouted = [word for word in CAPITALS.findall(text) if word not in ACRONYMS]
    assert shouted == [], f"{name} ({case_name}) has words in capitals: {shouted}"


@pytest.mark.parametrize("name", NAMES)
def test_every_letter_thanks_and_is_signed(name: str) -> None:
    letter = render_letter(name, CASES_BY_NAME["realistic"], today=GOLDEN_TODAY)
    if name == "state-complaint":
        assert "Signature: Maria Alvarez" in letter.body
    else:
        assert "Thank you" in letter.body
        assert "Sincerely,\nMaria Alvarez\n" in letter.body


def test_the_banned_words_are_caught() -> None:
    for sample in ("We Demand a meeting", "a lawsuit", "negligent staff", "illegal", "I will sue"):
        assert BANNED.search(sample), sample
    assert not BANNED.search("this issue was pursued")


def test_the_capitals_rule_allows_acronyms_and_catches_shouting() -> None:
    assert CAPITALS.findall("the IEP under 34 CFR and IDEA in CA") == ["IEP", "CFR", "IDEA", "CA"]
    assert [word for word in CAPITALS.findall("this is NOT ok") if word not in ACRONYMS] == ["NOT"]


def test_the_tone_check_covers_a_date_far_from_the_golden_day() -> None:
    letter = render_letter("follow-up", CASES_BY_NAME["realistic"], today=dt.date(2027, 3, 1))
    assert not BANNED.search(letter.text)
