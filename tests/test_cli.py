from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import CASES, EXAMPLE_CASE, run_cli

EXAMPLE = str(CASES / "example.json")


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
