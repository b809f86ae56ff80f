"""Spanish, and any language after it: a language is a set of files that match English's.

Every message folder has English's keys with English's `{placeholders}`, every letter folder has
English's templates, and the case file's `language` enum lists exactly those folders. The
Spanish letters and the meeting sheet, filled from the Spanish worked example, match their golden
files (tests/golden/es/; `UPDATE_GOLDEN=1` rewrites them, to be read before committing), use the
one term per idea that builder/data/terms.json fixes, never ask for part of a session, and keep
the calm tone of the English letters.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

from builder.case import Case
from builder.case_reader import loads_case
from builder.letter_catalogue import catalogue
from builder.letters import render_letter
from builder.meeting_sheet import meeting_sheet
from tests.conftest import ROOT, run_cli
from tests.test_letters import GOLDEN_TODAY, check_golden

MESSAGES = ROOT / "builder" / "data" / "i18n"
LETTERS = ROOT / "letters"
SCHEMA = ROOT / "builder" / "data" / "case.schema.json"
TERMS = ROOT / "builder" / "data" / "terms.json"
EXAMPLE_ES = ROOT / "builder" / "data" / "example-case.es.json"
GOLDEN_ES = ROOT / "tests" / "golden" / "es"
ENGLISH = "en"
LANGUAGE_FILE = "language.json"
# i18next's suffixes for CLDR's plural categories: unit.session_one, unit.session_other.
PLURAL = re.compile(r"^(?P<key>.+)_(?:zero|one|two|few|many|other)$")
NAMES = [info.name for info in catalogue()]


def _folders(root: Path) -> list[str]:
    return sorted(folder.name for folder in root.iterdir() if folder.is_dir())


LANGUAGES = _folders(MESSAGES)


def _messages(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in sorted((MESSAGES / language).glob("*.json")):
        if part.name != LANGUAGE_FILE:
            merged.update(json.loads(part.read_text(encoding="utf-8")))
    return merged


def _placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(message) if field is not None}


def _by_idea(found: dict[str, str], plurals: set[str]) -> dict[str, dict[str, str]]:
    """The messages by key, a plural's forms under its bare key: {"unit.session": {"one": ...}}.
    `plurals` are English's plural keys (those with an _other form): a key such as
    gap.detail_partial_one, with no gap.detail_partial_other, is a message of its own."""
    ideas: dict[str, dict[str, str]] = {}
    for key, message in found.items():
        plural = PLURAL.match(key)
        if plural and plural["key"] in plurals:
            ideas.setdefault(plural["key"], {})[key.rpartition("_")[2]] = message
        else:
            ideas.setdefault(key, {})[""] = message
    return ideas


def _plurals(found: dict[str, str]) -> set[str]:
    return {key.removesuffix("_other") for key in found if key.endswith("_other")}


# -- (a) every language has English's keys and placeholders -----------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_keys_and_placeholders_of_english(language: str) -> None:
    plurals = _plurals(_messages(ENGLISH))
    english = _by_idea(_messages(ENGLISH), plurals)
    other = _by_idea(_messages(language), plurals)
    assert sorted(set(english) - set(other)) == [], f"{language} lacks these keys"
    assert sorted(set(other) - set(english)) == [], f"{language} has keys English lacks"
    wrong = []
    for idea, forms in other.items():
        if "" in english[idea]:
            assert set(forms) == {""}, f"{language}: {idea} is not a plural in English"
            wanted = _placeholders(english[idea][""])
        else:
            assert "" not in forms and "other" in forms, f"{language}: {idea} needs its _other"
            wanted = _placeholders(english[idea]["other"])
        wrong += [
            f"{idea}{'_' + form if form else ''}: {sorted(_placeholders(message))}"
            f" instead of {sorted(wanted)}"
            for form, message in forms.items()
            if _placeholders(message) != wanted
        ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_says_how_it_writes_numbers_and_counts(language: str) -> None:
    data: dict[str, Any] = json.loads((MESSAGES / language / LANGUAGE_FILE).read_text())
    assert set(data) == {"name", "plural_one", "thousands", "decimal"}
    assert data["name"] and data["thousands"] != data["decimal"]
    assert all(isinstance(count, int) for count in data["plural_one"])


# -- (b) the letter folders and the case schema agree with the message folders ----------------


def test_every_language_has_every_letter_template() -> None:
    assert _folders(LETTERS) == LANGUAGES
    english = sorted(path.name for path in (LETTERS / ENGLISH).glob("*.j2"))
    for language in LANGUAGES:
        assert sorted(path.name for path in (LETTERS / language).glob("*.j2")) == english, language


def test_the_case_schema_offers_exactly_the_languages_there_are() -> None:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert sorted(schema["properties"]["language"]["enum"]) == LANGUAGES


# -- (c) the Spanish letters and meeting sheet match their golden files -----------------------


def spanish_example() -> Case:
    case = loads_case(EXAMPLE_ES.read_text(encoding="utf-8"))
    assert case.language == "es"
    return case


@pytest.mark.parametrize("name", NAMES)
def test_each_spanish_letter_matches_its_golden_file(name: str) -> None:
    check_golden(name, render_letter(name, spanish_example(), today=GOLDEN_TODAY).text, GOLDEN_ES)


def test_the_spanish_meeting_sheet_matches_its_golden_file() -> None:
    check_golden(
        "meeting-sheet", meeting_sheet(spanish_example(), today=GOLDEN_TODAY).text, GOLDEN_ES
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_command_line_prints_each_spanish_letter_like_its_golden_file(name: str) -> None:
    result = run_cli("letter", name, str(EXAMPLE_ES), "--date", GOLDEN_TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN_ES / f"{name}.txt").read_text(encoding="utf-8")
    assert result.stderr == ""  # the Spanish example lacks nothing either


def test_the_spanish_example_gives_the_numbers_of_the_english_one() -> None:
    english = run_cli("gap", str(ROOT / "builder" / "data" / "example-case.json"), "--json")
    spanish = run_cli("gap", str(EXAMPLE_ES), "--json")
    assert english.returncode == spanish.returncode == 0, english.stderr + spanish.stderr

    def numbers(output: str) -> Any:
        report = json.loads(output)
        return report["totals"], [
            {key: value for key, value in service.items() if key.endswith("minutes")}
            for service in report["services"]
        ]

    assert numbers(spanish.stdout) == numbers(english.stdout)


# -- (d) one term per idea, whole sessions, a calm tone ---------------------------------------


def _spanish_texts() -> dict[str, str]:
    """Every Spanish letter template, golden file and message file, by name."""
    paths = [
        *sorted((LETTERS / "es").glob("*.j2")),
        *sorted(GOLDEN_ES.glob("*.txt")),
        *sorted((MESSAGES / "es").glob("*.json")),
    ]
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in paths}


def _avoided() -> list[str]:
    terms: dict[str, Any] = json.loads(TERMS.read_text(encoding="utf-8"))
    return [word for term in terms["terms"] for word in term["avoid"].get("es", [])]


@pytest.mark.parametrize("where", sorted(_spanish_texts()))
def test_no_spanish_letter_or_message_uses_a_word_the_glossary_avoids(where: str) -> None:
    said = _spanish_texts()[where]
    found = [
        word
        for word in _avoided()
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", said, re.IGNORECASE)
    ]
    assert found == [], f"{where} uses {found}; terms.json gives the word to use instead"


DECIMAL = re.escape(json.loads((MESSAGES / "es" / LANGUAGE_FILE).read_text())["decimal"])
PART_OF_A_SESSION = re.compile(
    rf"\d+{DECIMAL}\d+\s+sesi|\d+/\d+\s+(?:de\s+)?(?:una\s+|la\s+)?sesi"
    r"|\b(?:media|un\s+tercio\s+de|un\s+cuarto\s+de|parte\s+de)\s+(?:una\s+|la\s+)?sesión\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", sorted(path.stem for path in GOLDEN_ES.glob("*.txt")))
def test_no_spanish_letter_states_part_of_a_session(name: str) -> None:
    said = (GOLDEN_ES / f"{name}.txt").read_text(encoding="utf-8")
    assert PART_OF_A_SESSION.findall(said) == []


def test_the_check_for_part_of_a_session_catches_one() -> None:
    for said in ("1.5 sesiones", "3/5 de sesión", "media sesión", "0.4 sesiones de terapia"):
        assert PART_OF_A_SESSION.search(said), said
    for said in ("2 sesiones", "15 de 30 minutos", "1,350 sesiones", "3/5 de los minutos"):
        assert not PART_OF_A_SESSION.search(said), said


# Words of a letter that threatens or blames: "exijo" (I demand), "demanda" (a lawsuit).
BANNED = re.compile(
    r"\b(exij\w*|exigimos|demand\w*|ilegal\w*|negligen\w*|culpa\w*|abogad\w*)\b", re.IGNORECASE
)


@pytest.mark.parametrize("name", NAMES)
def test_no_spanish_letter_threatens_blames_or_shouts(name: str) -> None:
    for case in (spanish_example(), Case(language="es")):
        said = render_letter(name, case, today=GOLDEN_TODAY).text
        assert BANNED.findall(said) == [], name
        assert "!" not in said and "¡" not in said, name


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_spanish_case_gives_a_spanish_draft_with_blanks(name: str) -> None:
    letter = render_letter(name, Case(language="es"), today=GOLDEN_TODAY)
    assert "[" in letter.text
    english = re.compile(r"\[[^\]]*\b(?:the|your|name|date|child)\b[^\]]*\]")
    assert english.findall(letter.text) == [], name
