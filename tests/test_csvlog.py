from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.case import DELIVERIES, REASONS, SETTINGS, Case, LogEntry, Received, Service
from builder.case_reader import load_case
from builder.case_values import clean_text
from builder.cli.commands import main
from builder.csvlog import COLUMNS, log_from_csv, log_to_csv
from builder.i18n import languages, messages
from tests.conftest import CASES


def semester() -> Case:
    return load_case(json.loads((CASES / "semester.json").read_text()))


def speech_case(**fields: Any) -> Case:
    return Case(services=(Service("Speech-language therapy", 30, "week", times=2, **fields),))


def test_export_has_one_row_per_entry_of_every_service() -> None:
    case = semester()
    lines = log_to_csv(case).splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert len(lines) - 1 == sum(len(service.log or ()) for service in case.services)
    assert lines[1] == "Speech-language therapy,2026-08-25,30,,,,"
    assert (
        "Resource reading,2026-11-02,45,,,push-in,Resource teacher came to the general "
        "classroom" in lines
    )


@pytest.mark.parametrize("language", languages())
def test_export_then_import_gives_the_same_case(language: str) -> None:
    case = semester()
    assert log_from_csv(log_to_csv(case, language), case) == (case, ())


def test_the_export_speaks_the_readers_language() -> None:
    lines = log_to_csv(semester(), "es").splitlines()
    assert (
        lines[0]
        == "servicio,fecha,minutos,motivo,individual o en grupo,fuera o dentro del salón,nota"
    )
    assert (
        "Resource reading,2026-11-02,45,,,dentro del salón,Resource teacher came to the general "
        "classroom" in lines
    )


notes = st.text(max_size=40).map(clean_text)
names = st.sampled_from(["Speech", "OT, fine motor", '"Reading" group', "=Counseling", "-Math"])
entries = st.builds(
    LogEntry,
    date=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    minutes=st.integers(0, 10_000),
    reason=st.none() | st.sampled_from(REASONS),
    setting=st.none() | st.sampled_from(SETTINGS),
    delivery=st.none() | st.sampled_from(DELIVERIES),
    note=notes,
)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(names, st.none() | st.lists(entries, max_size=8)),
        max_size=4,
        unique_by=lambda item: item[0],
    ),
    st.sampled_from(languages()),
)
def test_any_log_survives_the_round_trip(
    services: list[tuple[str, list[LogEntry] | None]], language: str
) -> None:
    case = Case(
        services=tuple(
            Service(name, 30, "week", times=2, log=None if log is None else tuple(log))
            for name, log in services
        )
    )
    assert log_from_csv(log_to_csv(case, language), case) == (case, ())


ROW = re.compile(r"row (\d+), ")  # where a problem is, as English says it
# Header words, and cells a spreadsheet of any origin could hold.
cells = st.text(max_size=12) | st.sampled_from(
    [
        *("date", "minutes", "reason", "service", "Session date", "Mins", "Status"),
        *("2026-09-14", "9/14/2026", "2026-02-30", "1/1/0001", "9999-12-31", "30", "-5", "30.5"),
        *("9" * 5_000, "\uff13\uff10", "\u00b2", "student absent", "=1+1", "\x00", "Speech"),
    ]
)


@settings(deadline=None, max_examples=300)
@given(
    header=st.permutations(["date", "minutes", "reason", "service", "note"]),
    rows=st.lists(st.lists(cells, min_size=1, max_size=6), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_any_table_is_read_without_an_error(
    header: list[str], rows: list[list[str]], delimiter: str
) -> None:
    """Whatever file a reader picks, the import explains it and never fails: each row with
    something in it becomes a log entry, or is named in a problem by its row."""
    good = {"date": "2026-09-14", "minutes": "30", "service": "Speech-language therapy"}
    rows = [*rows, [good.get(name, "") for name in header]]  # one row that is a session
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([header, *rows])
    case = speech_case()
    for service in (None, "Speech-language therapy"):
        imported, problems = log_from_csv(out.getvalue(), case, service=service)
        if any(problem.path == "" for problem in problems):
            continue  # the file as a whole is explained (no header found, say)
        filled = [row for row in rows if any(cell.strip() for cell in row)]
        entries = sum(len(item.log or ()) for item in imported.services)
        named = {match[1] for problem in problems if (match := ROW.match(problem.path))}
        assert entries + len(named) == len(filled)
        assert entries >= 1, "the session row is read"


def test_a_parents_spreadsheet_is_read_whatever_its_words() -> None:
    source = (
        "\ufeffDate of service;Minutes;Reason;Group/Individual;Pull-out/Push-in;Notes\r\n"
        "9/14/2026;30 min;;Individual;Pull out;Worked on /r/ sounds\r\n"
        "9/16/2026;;Student absent;;;Sick\r\n"
        "2026-09-21;0;Provider absent;;;\r\n"
        "9/23/26;30;state testing;;;Benchmark instead of speech\r\n"
        "9/28/2026;30;;1:1;in class;\r\n"
        ";;;;;\r\n"
    )
    case, problems = log_from_csv(source, speech_case(received=Received(sessions=3)))
    assert problems == ()
    service = case.services[0]
    assert service.received is None, "the log replaces the count"
    assert service.log == (
        LogEntry(dt.date(2026, 9, 14), 30, None, "individual", "pull-out", "Worked on /r/ sounds"),
        LogEntry(dt.date(2026, 9, 16), 0, "student_absent", note="Sick"),
        LogEntry(dt.date(2026, 9, 21), 0, "provider_absent"),
        LogEntry(dt.date(2026, 9, 23), 30, "testing", note="Benchmark instead of speech"),
        LogEntry(dt.date(2026, 9, 28), 30, None, "individual", "push-in"),
    )


def test_a_spanish_spreadsheet_gives_the_entries_of_its_english_twin() -> None:
    english = (
        "Date of service,Minutes,Reason,Group/Individual,Pull-out/Push-in,Notes\n"
        "9/14/2026,30 min,,Individual,Pull out,Worked on /r/ sounds\n"
        "9/16/2026,,Student absent,,,Sick\n"
        "9/17/2026,0,absent,,,\n"
        "2026-09-21,0,Provider absent,,,\n"
        "9/22/2026,0,holiday,,,\n"
        "9/23/26,30,state testing,Group,in class,\n"
        "9/24/2026,0,other,,,\n"
        "9/28/2026,30,Delivered,1:1,,\n"
    )
    spanish = (
        "Fecha del servicio,Minutos,Razón,Individual o en grupo,Fuera o dentro del salón,Notas\n"
        "9/14/2026,30 minutos,,Individual,Fuera del salón,Worked on /r/ sounds\n"
        "9/16/2026,,Estudiante ausente,,,Sick\n"
        "9/17/2026,0,ausente,,,\n"
        "2026-09-21,0,Proveedor ausente,,,\n"
        "9/22/2026,0,día festivo,,,\n"
        "9/23/26,30,prueba estatal,En grupo,en clase,\n"
        "9/24/2026,0,otro,,,\n"
        "9/28/2026,30,Se dio,uno a uno,,\n"
    )
    case = speech_case()
    from_english, problems = log_from_csv(english, case)
    assert problems == ()
    assert log_from_csv(spanish, case) == (from_english, ())
    assert [entry.reason for entry in from_english.services[0].log or ()] == [
        *(None, "student_absent", "student_absent", "provider_absent", "school_event"),
        *("testing", "unknown", None),
    ]
    other_names = "Fecha,Duración,Motivo,Observaciones\n9/14/2026,30,enfermo,\n"
    log = log_from_csv(other_names, case)[0].services[0].log
    assert log == (LogEntry(dt.date(2026, 9, 14), 30, "student_absent"),)


def test_no_word_means_two_things_in_two_languages() -> None:
    """A file is read in every language at once, so a word must mean one thing in all."""
    for kind, codes in {
        "reason": (*REASONS, "given"),
        "setting": SETTINGS,
        "delivery": DELIVERIES,
    }.items():
        meaning: dict[str, str] = {}
        for language in languages():
            for code in codes:
                for word in messages(language)[f"csv.{kind}.{code}"].split("|"):
                    plain = word.casefold().replace("-", " ").replace("_", " ")
                    assert meaning.setdefault(plain, code) == code, (language, kind, word)


def test_a_bad_row_is_explained_in_the_readers_language() -> None:
    source = "Fecha,Minutos,Motivo\n10/5/2026,treinta,\n10/6/2026,30,el autobús llegó tarde\n"
    _, problems = log_from_csv(source, speech_case(), language="es")
    assert [problem.path for problem in problems] == ["fila 2, Minutos", "fila 3, Motivo"]
    assert problems[0].words("es").startswith('"treinta" no es un número de minutos')
    assert "proveedor ausente, estudiante ausente" in problems[1].words("es")
    unnamed = Case(services=(Service("!!!", 30, "week", times=2),))
    _, problems = log_from_csv("fecha,minutos\n2026-10-05,30\n", unnamed, language="es")
    assert [problem.path for problem in problems] == ["fila 2, servicio"]  # a column it lacks


def test_a_providers_log_with_a_title_line_and_a_status_column() -> None:
    source = (
        "Service log: Jordan Delgado, fall 2026\n"
        "\n"
        "Day,Service Type,Session Date,Duration,Status,Provider Notes\n"
        "Monday,speech-language therapy,10/5/2026,30,Delivered,Articulation\n"
        "Wednesday,Speech-Language Therapy,10/7/2026,30,Therapist absent,\n"
    )
    case, problems = log_from_csv(source, speech_case())
    assert problems == ()
    log = case.services[0].log
    assert log is not None
    assert [(entry.date.day, entry.minutes, entry.reason) for entry in log] == [
        (5, 30, None),
        (7, 30, "provider_absent"),
    ]


def test_every_bad_row_is_named_by_row_and_column_and_good_rows_are_kept() -> None:
    source = (
        "Date,Minutes,Reason,Service\n"
        "2026-10-05,30,,Speech-language therapy\n"
        "2026-02-30,30,,Speech-language therapy\n"
        "10/6/2026,thirty,,Speech-language therapy\n"
        "10/7/2026,30,the bus was late,Speech-language therapy\n"
        "10/8/2026,30,,Art therapy\n"
        "yesterday,,,Speech-language therapy\n"
        "10/9/2026,30,,Speech-language therapy\n"
        "10/13/0202,30,,Speech-language therapy\n"
        f"10/14/2026,{'9' * 5_000},,Speech-language therapy\n"
    )
    case, problems = log_from_csv(source, speech_case())
    assert [problem.path for problem in problems] == [
        "row 3, Date",
        "row 4, Minutes",
        "row 5, Reason",
        "row 6, Service",
        "row 7, Date",
        "row 7, Minutes",
        "row 9, Date",
        "row 10, Minutes",
    ]
    assert "not a real date" in problems[0].message
    assert problems[6].message == "Check the year: this tool takes dates from 2000 to 2099."
    assert "0 to 10,000" in problems[7].message
    assert "student absent" in problems[2].message
    assert "Speech-language therapy" in problems[3].message
    log = case.services[0].log
    assert log is not None and [entry.date.day for entry in log] == [5, 9]


def test_without_a_service_column_rows_go_to_the_named_service() -> None:
    two = Case(services=(Service("Speech", 30, "week", times=2), Service("OT", 60, "month")))
    source = "date,minutes\n2026-10-05,60\n"
    case, problems = log_from_csv(source, two, service="ot")
    assert problems == ()
    assert case.services[0].log is None
    assert case.services[1].log == (LogEntry(dt.date(2026, 10, 5), 60),)
    _, problems = log_from_csv(source, two)
    assert [problem.message for problem in problems] == [
        "The file has no service column, so choose the service its rows belong to."
    ]
    _, problems = log_from_csv(source, two, service="Music")
    assert "no service named" in problems[0].message


def test_without_a_service_column_the_only_service_gets_the_rows() -> None:
    case, problems = log_from_csv("Date,Duration\n10/5/2026,30\n", speech_case())
    assert problems == ()
    assert case.services[0].log == (LogEntry(dt.date(2026, 10, 5), 30),)


def test_a_line_changed_mid_year_gets_the_rows_of_its_own_dates() -> None:
    before = Service("Speech", 30, "week", times=2, end=dt.date(2026, 10, 9))
    after = Service("Speech", 30, "week", times=3, start=dt.date(2026, 10, 12))
    source = "service,date,minutes\nSpeech,2026-10-06,30\nSpeech,2026-10-13,30\n"
    case, problems = log_from_csv(source, Case(services=(before, after)))
    assert problems == ()
    assert [entry.date.day for entry in case.services[0].log or ()] == [6]
    assert [entry.date.day for entry in case.services[1].log or ()] == [13]


def test_importing_twice_does_not_count_twice() -> None:
    source = "date,minutes\n2026-10-05,30\n"
    once, _ = log_from_csv(source, speech_case())
    twice, _ = log_from_csv(source, once)
    assert twice == once


def test_a_file_without_dates_or_minutes_is_explained() -> None:
    case = speech_case()
    assert log_from_csv("", case)[1][0].message == "The file is empty."
    kept, problems = log_from_csv("Student,Session\nJordan,1\n", case)
    assert kept == case
    assert "No header row with a date column and a minutes column" in problems[0].message
    assert "Student, Session" in problems[0].message


def test_a_file_the_csv_reader_refuses_is_explained() -> None:
    case = speech_case()
    kept, problems = log_from_csv("date,minutes\n2026-09-14," + "3" * 200_000 + "\n", case)
    assert kept == case
    assert problems[0].message.startswith("This file could not be read as a table")


def test_cells_a_spreadsheet_would_run_as_formulas_are_guarded() -> None:
    case = speech_case(log=(LogEntry(dt.date(2026, 10, 5), 30, note='=HYPERLINK("x")'),))
    exported = log_to_csv(case)
    assert "'=HYPERLINK" in exported
    assert log_from_csv(exported, case)[0] == case


def test_the_service_and_log_keep_their_other_fields() -> None:
    case = semester()
    speech = case.services[0]
    imported, _ = log_from_csv(
        "service,date,minutes\nSpeech-language therapy,2026-09-01,30\n", case
    )
    assert imported.services[0] == dataclasses.replace(
        speech, log=(LogEntry(dt.date(2026, 9, 1), 30),)
    )
    assert imported.services[1:] == case.services[1:]
    assert imported.incidents == case.incidents


def test_the_command_line_reads_and_writes_the_log_as_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = str(CASES / "example.json")
    log = tmp_path / "log.csv"
    log.write_text(
        "Date of service,Duration,Reason\n"
        "10/6/2026,30,\n"
        "10/8/2026,0,student absent\n"
        "10/13/2026,thirty,\n",
        encoding="utf-8",
    )
    assert main(["gap", example, "--log", str(log), "--json"]) == 0
    captured = capsys.readouterr()
    totals = json.loads(captured.out)["totals"]
    assert (totals["delivered_minutes"], totals["student_absent_minutes"]) == (30, 30)
    assert (
        captured.err == f'warning: {log}: row 4, Duration: "thirty" is not a number of '
        "minutes: write a whole number, like 30.\n"
    )
    assert main(["gap", example, "--log", str(log), "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "Speech-language therapy,2026-10-06,30,,,,",
        "Speech-language therapy,2026-10-08,0,student_absent,,,",
    ]


def test_the_command_line_refuses_a_file_that_is_not_a_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.csv"
    log.write_text("Name,Grade\nSam,3\n", encoding="utf-8")
    assert main(["gap", str(CASES / "example.json"), "--log", str(log)]) == 2
    assert "No header row with a date column" in capsys.readouterr().err
