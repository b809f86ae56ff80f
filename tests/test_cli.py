from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from builder.cli import commands as cli
from builder.i18n import languages
from builder.jurisdictions import get_state
from builder.letter_catalogue import catalogue
from tests.conftest import CASES, EXAMPLE_CASE, ROOT, run_cli

EXAMPLE = str(CASES / "example.json")
NAMES = [info.name for info in catalogue()]


def test_letters_lists_the_catalogue() -> None:
    result = run_cli("letters")
    assert result.returncode == 0
    assert "case-manager-note" in result.stdout


def test_gap_prints_the_sentence_and_a_table() -> None:
    result = run_cli("gap", EXAMPLE)
    assert result.returncode == 0
    assert "120 minutes were not provided" in result.stdout
    assert "Speech-language therapy" in result.stdout.split("\n\n")[1]


def test_gap_json_carries_the_minutes() -> None:
    report = json.loads(run_cli("gap", EXAMPLE, "--json").stdout)
    for part in (report["totals"], report["services"][0]):
        assert part["expected_minutes"] == 180
        assert part["delivered_minutes"] == 60
        assert part["missed_minutes"] == 120
        assert part["owed_minutes"] == 120


def test_letter_prints_the_filled_letter() -> None:
    result = run_cli("letter", "case-manager-note", EXAMPLE, "--date", "2026-10-26")
    assert result.returncode == 0
    assert result.stdout.startswith("Sam Rivera: IEP services missed since October 5, 2026")
    assert "120 minutes were not provided" in result.stdout


def test_a_bad_case_file_gets_one_line_per_problem_and_status_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "services": [{"name": "OT", "minutes": "x", "per": "week"}]}')
    result = run_cli("gap", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"error: {bad}: services.0.minutes: Enter a whole number, like 30."
    ]
    assert "Traceback" not in result.stderr


def test_a_missing_or_unreadable_file_is_explained(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.json", tmp_path):
        result = run_cli("gap", str(path))
        assert result.returncode == 2
        assert "cannot read the case file" in result.stderr
        assert "Traceback" not in result.stderr


def test_an_unknown_letter_name_lists_the_letters() -> None:
    result = run_cli("letter", "nonsense", EXAMPLE)
    assert result.returncode == 2
    assert "case-manager-note" in result.stderr


def test_timeline_lists_the_dates_and_writes_a_calendar_file() -> None:
    realistic = str(EXAMPLE_CASE)
    dates = run_cli("timeline", realistic, "--date", "2026-11-23")
    assert dates.returncode == 0
    assert "2026-10-19  Reply date you asked for (a note about the missed services)" in dates.stdout
    calendar = run_cli("timeline", realistic, "--date", "2026-11-23", "--ics")
    assert calendar.stdout.startswith("BEGIN:VCALENDAR")
    assert calendar.stdout.count("BEGIN:VEVENT") == dates.stdout.count("\n20") + 1


def test_meeting_sheet_prints_the_questions_and_the_missed_minutes() -> None:
    sheet = run_cli("meeting-sheet", str(EXAMPLE_CASE), "--date", "2026-11-23")
    assert sheet.returncode == 0
    assert sheet.stdout.startswith("Meeting sheet: Daniel Alvarez's IEP")
    assert "Questions to ask" in sheet.stdout


# -- summary: one row per family and service, for advocates -------------------------------------


def test_the_summary_has_a_row_per_family_and_service(tmp_path: Path) -> None:
    result = run_cli("summary", str(CASES), str(EXAMPLE_CASE), "--date", "2026-11-23", "--check")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(result.stdout.splitlines()))
    header, *families = rows
    assert header[:3] == ["File", "Child", "School"] and header[-2:] == [
        "Next letter",
        "It still needs",
    ]
    column = {name: index for index, name in enumerate(header)}
    by_service = {(row[column["Child"]], row[column["Service"]]): row for row in families}
    assert len(families) == 6  # example 1, semester 3, the site's example 2
    sam = by_service[("Sam Rivera", "Speech-language therapy")]
    assert sam[column["Sessions called for"]] == "6"
    assert sam[column["Minutes not provided (school side)"]] == "120"
    assert sam[column["Next letter"]] == "case-manager-note"
    daniel = by_service[("Daniel Alvarez", "Speech-language therapy")]
    assert daniel[column["Letters sent"]] == "2"
    assert daniel[column["Last letter sent"]] == "follow-up 2026-10-26"
    assert daniel[column["Next letter"]] == "meeting-request"
    assert daniel[column["It still needs"]] == ""  # its meeting times are in the case
    assert daniel[column["Next date"]] >= "2026-11-23"


def test_a_bad_file_is_one_line_on_stderr_and_the_rest_still_run(tmp_path: Path) -> None:
    folder = tmp_path / "families"
    folder.mkdir()
    (folder / "a-good.json").write_text((CASES / "example.json").read_text())
    (folder / "b-bad.json").write_text("not a case file")
    (folder / "c-half.json").write_text('{"version": 1, "services": [{"minutes": "x"}]}')
    result = run_cli("summary", str(folder), "--date", "2026-11-23")
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in errors[:2]] == [
        str(folder / "b-bad.json"),
        str(folder / "c-half.json"),
    ]
    assert errors[-1] == "error: 2 of 3 case files could not be read; the summary has the others"
    assert "Traceback" not in result.stderr
    rows = list(csv.reader(result.stdout.splitlines()))
    assert len(rows) == 2 and rows[1][1] == "Sam Rivera"


def test_a_family_with_nothing_counted_has_a_row_as_wide_as_the_header(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text('{"version": 1}')
    result = run_cli("summary", str(tmp_path), "--date", "2026-11-23", "--check")
    header, row = csv.reader(result.stdout.splitlines())
    assert len(row) == len(header)
    assert row[header.index("Letters sent")] == "0"


def test_a_folder_without_case_files_is_said(tmp_path: Path) -> None:
    result = run_cli("summary", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: no case files (.json) in {tmp_path}"


# -- languages: --lang, and the case's own for what goes to the school --------------------------

EXAMPLE_ES = ROOT / "builder" / "data" / "example-case.es.json"
TODAY = ("--date", "2026-11-23")
# Words that say a sentence is English; each run below must have none outside names and citations.
ENGLISH = re.compile(
    r"\b(the|and|your|with|for|from|of|to|is|was|were|not|by|sessions?|minutes?|received"
    r"|missed|provided|needs?|ready|step|reply|letters?|weeks?|child|school|dates?|days?"
    r"|today|email|mail|error|warning|note)\b",
    re.IGNORECASE,
)
# The law and its pages, named as they are written: the Spanish says what they mean around them.
CITATIONS = re.compile(
    r"https?://\S+|\d+ (?:CFR|CCR) [\d.]+(?:\(\w+\))*|(?:California )?Ed(?:ucation|\.) Code [\d.]+"
    r"|Individuals with Disabilities Education Act"
)


def _names(document: Any) -> set[str]:
    """Every text the case file holds (what the parent typed: names, schools, notes), and the
    names the output gives from ours: the state, its agency, the letters' file names."""
    found: set[str] = set()
    if isinstance(document, str):
        found.add(document)
    elif isinstance(document, dict):
        found = set().union(*map(_names, document.values()))
    elif isinstance(document, list):
        found = set().union(*map(_names, document))
    return found


def english_in(said: str, document: dict[str, Any]) -> set[str]:
    state = get_state(document.get("state", ""))
    names = _names(document) | {info.name for info in catalogue()}
    if state is not None:
        names |= {state.name, state.agency}
        if state.contact is not None:  # the agency's postal address, as the agency writes it
            names |= {line for line in (state.contact.mail, state.contact.hand_delivery) if line}
    for name in sorted(names, key=len, reverse=True):
        said = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", said)
    return {found.lower() for found in ENGLISH.findall(CITATIONS.sub(" ", said))}


SPANISH_RUNS = {
    "letters": (("letters",), "paso 3  Nota al administrador de caso"),
    "gap": (("gap", str(EXAMPLE_ES)), "no se proporcionaron 315 minutos"),
    "gap --csv": (("gap", str(EXAMPLE_ES), "--csv"), "servicio,fecha,minutos,motivo"),
    "check": (("check", str(EXAMPLE_ES), *TODAY), "por correo postal, por fax"),
    "timeline": (("timeline", str(EXAMPLE_ES), *TODAY), "Reunión del equipo del IEP"),
    "meeting-sheet": (("meeting-sheet", str(EXAMPLE_ES), *TODAY), "Preguntas para hacer"),
    "summary": (("summary", str(EXAMPLE_ES), *TODAY, "--check"), "Próxima carta"),
    **{
        f"letter {name}": (("letter", name, str(EXAMPLE_ES), *TODAY), "Daniel Alvarez")
        for name in NAMES
    },
}


@pytest.mark.parametrize("run", sorted(SPANISH_RUNS))
def test_lang_es_prints_spanish_with_no_english_outside_names_and_citations(run: str) -> None:
    arguments, spanish = SPANISH_RUNS[run]
    result = run_cli(*arguments, "--lang", "es")
    assert result.returncode == 0, result.stderr
    assert spanish in result.stdout
    document = json.loads(EXAMPLE_ES.read_text())
    assert english_in(result.stdout + result.stderr, document) == set()


def test_the_search_for_english_finds_it_where_it_is() -> None:
    document = json.loads(EXAMPLE_ES.read_text())
    said = run_cli("check", str(EXAMPLE_ES), *TODAY, "--lang", "en").stdout
    assert {"ready", "the", "to"} <= english_in(said, document)


def test_a_spanish_case_with_errors_is_explained_in_spanish(tmp_path: Path) -> None:
    document: dict[str, Any] = {
        "version": 1,
        "language": "es",
        "state": "AL",
        "period": {"start": "2026-10-40"},
        "services": [{"name": "Terapia ocupacional", "minutes": "x", "per": "week"}],
    }
    bad = tmp_path / "caso.json"
    bad.write_text(json.dumps(document))
    result = run_cli("gap", str(bad), "--lang", "es")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {bad}: period.start: 2026-10-40 no es una fecha real. Revise el día y el mes.",
        f"error: {bad}: period.end: Este dato hace falta.",
        f"error: {bad}: services.0.minutes: Escriba un número entero, como 30.",
    ]
    half = tmp_path / "a-medias.json"
    document.pop("period")
    document["services"][0].update(minutes=30, times=1)
    half.write_text(json.dumps(document))
    for arguments in (
        ("letter", "state-complaint", str(half), *TODAY),
        ("check", str(half), *TODAY),
        ("gap", str(half)),
        ("meeting-sheet", str(half), *TODAY),
    ):
        result = run_cli(*arguments, "--lang", "es")
        assert result.returncode == 0, result.stderr
        assert english_in(result.stdout + result.stderr, document) == set(), arguments
    notes = run_cli("letter", "state-complaint", str(half), *TODAY, "--lang", "es").stderr
    assert notes.startswith("nota: todavía no está lista para presentar.")


def test_letters_and_the_sheet_are_in_the_cases_language_unless_lang_says_another() -> None:
    note = ("letter", "case-manager-note")
    assert run_cli(*note, str(EXAMPLE_ES), *TODAY).stdout.startswith("Daniel Alvarez: servicios")
    in_english = run_cli(*note, str(EXAMPLE_ES), *TODAY, "--lang", "en").stdout
    assert in_english.startswith("Daniel Alvarez: IEP services missed since")
    in_spanish = run_cli(*note, str(EXAMPLE_CASE), *TODAY, "--lang", "es").stdout
    assert in_spanish.startswith("Daniel Alvarez: servicios del IEP no recibidos desde el")
    sheet = ("meeting-sheet", str(EXAMPLE_ES), *TODAY)
    assert run_cli(*sheet).stdout.startswith("Hoja para la reunión")
    assert run_cli(*sheet, "--lang", "en").stdout.startswith("Meeting sheet")


def test_what_is_printed_for_the_reader_is_english_unless_lang_says_another() -> None:
    assert "315 minutes were not provided" in run_cli("gap", str(EXAMPLE_ES)).stdout
    before_the_command = run_cli("--lang", "es", "gap", str(EXAMPLE_ES)).stdout
    assert "no se proporcionaron 315 minutos" in before_the_command
    assert run_cli("gap", str(EXAMPLE_ES), "--lang=es").stdout == before_the_command
    last = run_cli("--lang", "es", "check", str(EXAMPLE_ES), "--date", "x", "--lang", "en")
    assert last.stderr.startswith('error: argument --date: not a date like 2026-10-26: "x"')


def test_lang_offers_the_languages_there_are_and_the_help_speaks_the_one_chosen() -> None:
    for command in ("letters", "gap", "letter", "check", "timeline", "summary", "meeting-sheet"):
        shown = run_cli(command, "--help").stdout
        assert f"--lang {{{','.join(languages())}}}" in shown, command
    spanish = run_cli("gap", "--help", "--lang", "es").stdout
    assert "el archivo del caso (JSON)" in spanish
    assert "[--date FECHA]" in run_cli("letter", "--help", "--lang", "es").stdout
    assert "es (Español)" in spanish
    assert "the case file (JSON)" in run_cli("gap", "--help").stdout


def test_a_bad_argument_is_one_line_in_the_readers_language() -> None:
    result = run_cli("check", EXAMPLE, "--date", "2026-13-01", "--lang", "es")
    assert result.returncode == 2
    assert result.stderr == (
        'error: argument --date: no es una fecha como 2026-10-26: "2026-13-01"'
        " (vea: python -m builder check --help)\n"
    )
    unknown = run_cli("letter", "nonsense", EXAMPLE, "--lang", "es")
    assert unknown.stderr.startswith('error: no hay ninguna carta llamada "nonsense"')


@pytest.mark.parametrize(
    "arguments",
    [
        (),
        ("nonsense",),
        ("gap",),
        ("gap", "missing.json"),
        ("gap", "tests"),
        ("gap", "NOT-UTF8"),
        ("gap", "LIST"),
        ("gap", "DEEP"),
        ("gap", EXAMPLE, "--log", "missing.csv"),
        ("gap", EXAMPLE, "--log", "LIST"),
        ("gap", EXAMPLE, "--lang", "xx"),
        ("letter", "nonsense", EXAMPLE),
        ("timeline", EXAMPLE, "--date", "tomorrow"),
        ("summary", "tests/golden"),
    ],
)
def test_bad_input_gets_a_line_on_stderr_and_never_a_traceback(
    arguments: tuple[str, ...], tmp_path: Path
) -> None:
    files = {
        "NOT-UTF8": b"\xff\xfe{",
        "LIST": b"[1, 2, 3]",
        "DEEP": b"[" * 100_000,
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    named = [str(tmp_path / part) if part in files else part for part in arguments]
    for language in languages():
        result = run_cli(*named, "--lang", language) if arguments else run_cli()
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines), result.stderr


def test_a_fault_of_the_tool_is_one_line_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(case: Any) -> Any:
        raise RuntimeError("a fault")

    monkeypatch.setattr(cli, "compute_gap", broken)
    assert cli.main(["gap", EXAMPLE, "--lang", "es"]) == 1
    said = capsys.readouterr().err
    assert said == (
        "error: algo falló dentro de esta herramienta, no en sus archivos (RuntimeError: a fault)."
        " Por favor, infórmenos del problema.\n"
    )
