"""The tools' Python side in the browser, driven by the page's messages (as widgets.js sends them).

It runs in a Web Worker in the browser; here it runs in CPython, since both sides speak JSON.
The browser tests (test_browser.py and the others) drive the same code through the page.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from builder.browser import session as session_module
from builder.browser.session import DAMAGED_KEY, MAX_FILE_MB, STORAGE_KEY, TAB_KEY, Session, handle
from builder.case_reader import read_case
from builder.case_writer import case_to_dict
from builder.form_document import without_blanks
from builder.gap import compute_gap
from builder.i18n import text
from builder.letters import render_letter
from builder.widgets import example_case, render_gap_results
from tests.conftest import CASES, EXAMPLE_CASE

TODAY = "2026-11-26"
PAGE = {
    "letters": [{"id": "iep-1", "name": "case-manager-note"}],
    "gaps": ["iep-2"],
    "forms": [{"uid": "iep-1", "section": "facts"}],
}
READY = {"letter": text("widget.ready"), "gap": text("gap.ready")}


def ask(session: Session, action: str = "fields", **details: Any) -> dict[str, Any]:
    """One message as widgets.js sends it, through JSON both ways as in the browser."""
    message = {"action": action, "page": PAGE, "today": TODAY, "fields": [], **details}
    answer: dict[str, Any] = json.loads(json.dumps(session.handle(json.loads(json.dumps(message)))))
    return answer


@pytest.fixture
def session() -> Session:
    fresh = Session()
    ask(fresh, "mount")
    return fresh


def body(answer: dict[str, Any], letter: str = "case-manager-note") -> str:
    letter_body: str = answer["letters"][letter]["body"]
    return letter_body


def test_the_first_mount_shows_the_worked_example_and_comes_alive() -> None:
    answer = ask(Session(), "mount")
    expected = render_letter("case-manager-note", example_case(), today=dt.date(2026, 11, 26))
    assert body(answer) == expected.body
    assert answer["letters"]["case-manager-note"]["subject"] == expected.subject
    assert answer["gaps"]["iep-2"] == render_gap_results(compute_gap(example_case()), uid="iep-2")
    assert answer["ready"] == READY
    assert answer["maxFileBytes"] == MAX_FILE_MB * 1_000_000
    assert answer["notes"]["letter"] == text("letter.example_note")
    assert answer["forms"] == [], "the build's blank forms are kept, with the reader's focus"
    assert answer["storage"] == [], "nothing is stored before the reader asks"


def test_what_was_typed_before_python_was_ready_is_kept_and_used() -> None:
    answer = ask(Session(), "mount", fields=[["child.name", "Mia"], ["school.name", "x" * 3]])
    assert "Mia" in body(answer)
    assert answer["notes"]["letter"] == text("letter.yours_note")
    assert answer["forms"] == [], "the fields already show what was typed"


def test_a_typed_value_reaches_the_letter_and_only_what_changed_is_sent(session: Session) -> None:
    first = ask(session, fields=[["child.name", "Mia"]])
    assert "Mia" in body(first)
    again = ask(session, fields=[["child.name", "Mia"]])
    assert again["letters"] == {} and again["gaps"] == {}, "nothing changed, nothing is redrawn"
    assert "notes" not in again


def test_typing_outside_the_schedule_reuses_its_gaps_and_a_service_change_renews_them(
    session: Session,
) -> None:
    case = {"period.start": "2026-09-01", "period.end": "2026-10-30"}
    service = {"services.0.name": "Speech", "services.0.minutes": "30", "services.0.per": "week"}
    ask(session, fields=[[path, value] for path, value in {**case, **service}.items()])
    assert session.schedule is not None
    gaps = session.schedule.gaps
    answer = ask(session, fields=[["child.name", "Mia"]])
    assert session.schedule.gaps is gaps, "the minutes do not depend on the child's name..."
    assert "Mia" in answer["gaps"]["iep-2"], "...but the results' sentence names the child"
    ask(session, fields=[["services.0.minutes", "45"]])
    assert session.schedule.gaps is not gaps
    assert session.schedule.gaps == compute_gap(session.case()).services, "as worked out afresh"


def test_typing_outside_the_services_does_not_read_them_again(session: Session) -> None:
    ask(session, "import", source=(CASES / "semester.json").read_text())
    services = session.case().services
    ask(session, fields=[["child.name", "Mia"]])
    assert session.case().services[0] is services[0]
    ask(session, fields=[["services.0.log.0.minutes", "5"]])
    assert session.case().services[0] is not services[0]


def test_a_bad_value_is_kept_and_explained_beside_its_field(session: Session) -> None:
    answer = ask(session, fields=[["services.0.minutes", "thirty"]])
    assert answer["problems"]["services.0.minutes"] == text("case.not_whole_number")
    assert session.document["services"][0]["minutes"] == "thirty", "nothing typed is lost"
    fixed = ask(session, fields=[["services.0.minutes", "30"]])
    assert "services.0.minutes" not in fixed["problems"]


def test_naming_a_service_redraws_no_form(session: Session) -> None:
    """The headings that name the service follow it in the page (widgets.js): a form redrawn
    under the reader's fingers could cost them their place."""
    answer = ask(session, fields=[["services.0.name", "Speech-language therapy"]])
    assert answer["forms"] == []


def test_moving_to_another_page_fills_its_blank_forms_from_the_case(session: Session) -> None:
    ask(session, fields=[["child.name", "Mia"]])
    answer = ask(session, "mount")
    assert {form["section"] for form in answer["forms"]} == {"facts"}
    assert 'value="Mia"' in answer["forms"][0]["html"]
    assert "Mia" in body(answer), "a new page is sent everything, even what did not change"


def test_adding_and_removing_a_row_redraws_the_forms_and_moves_the_focus(
    session: Session,
) -> None:
    added = ask(session, "add", list="services")
    assert session.document["services"] == [{}]
    assert added["focus"] == '[data-path="services.0"], [data-path^="services.0."]'
    assert len(added["forms"]) == 1
    removed = ask(session, "remove", item="services.0")
    assert session.document["services"] == []
    assert removed["focus"] == '[data-action="add"][data-list="services"]'


def test_a_long_log_shows_its_last_rows_until_the_reader_asks_for_all(session: Session) -> None:
    log = [{"date": f"2026-09-{day:02d}", "minutes": "30"} for day in range(1, 29)] * 3
    service = {"name": "Speech", "minutes": 30, "per": "week", "log": log}
    document = {"version": 1, "services": [service]}
    imported = ask(session, "import", source=json.dumps(document))
    calculator = next(form["html"] for form in imported["forms"] if form["uid"] == "iep-1")
    assert 'data-path="services.0.log.83.date"' in calculator, "the last row is shown"
    assert 'data-path="services.0.log.34.date"' in calculator, "and the 50 before it"
    assert 'data-path="services.0.log.33.date"' not in calculator
    assert "The last 50 of 84 are shown here" in calculator
    assert 'data-action="show-all" data-list="services.0.log"' in calculator
    assert "Show all 84" in calculator
    assert len(read_case(without_blanks(session.document))[0].services[0].log or ()) == 84
    shown = ask(session, "show-all", list="services.0.log")
    calculator = next(form["html"] for form in shown["forms"] if form["uid"] == "iep-1")
    assert 'data-path="services.0.log.0.date"' in calculator
    assert 'data-action="show-all"' not in calculator
    assert shown["focus"] == '[data-path="services.0.log.0"], [data-path^="services.0.log.0."]'
    again = ask(session, "import", source=json.dumps(document))
    assert 'data-action="show-all"' in again["forms"][0]["html"], "another case starts short"


def test_what_is_typed_is_kept_in_the_tab_and_nowhere_else_before_opting_in(
    session: Session,
) -> None:
    typed = ask(session, fields=[["child.name", "Mia"]])
    ((operation, area, key, kept),) = typed["storage"]
    assert (operation, area, key) == ("set", "session", TAB_KEY)
    assert json.loads(kept)["child"]["name"] == "Mia"


def test_remembering_stores_every_change_and_forgetting_erases_it(session: Session) -> None:
    remembered = ask(session, "remember", remember=True)
    assert [entry[:3] for entry in remembered["storage"]] == [
        ["set", "session", TAB_KEY],
        ["set", "local", STORAGE_KEY],
    ]
    assert remembered["say"] == text("case.remembered")
    typed = ask(session, fields=[["child.name", "Mia"]])
    assert json.loads(typed["storage"][-1][3])["child"]["name"] == "Mia"
    assert "remember" not in typed, "a box the reader just ticked is left alone"
    forgotten = ask(session, "forget")
    assert forgotten["storage"] == [
        ["remove", "local", STORAGE_KEY, None],
        ["remove", "local", DAMAGED_KEY, None],
        ["remove", "session", TAB_KEY, None],
    ]
    assert forgotten["remember"] is False and session.document == {"version": 1}
    assert body(forgotten) == body(ask(Session(), "mount")), "the worked example is back"


def test_forgetting_can_be_undone_until_the_reader_does_something_else(session: Session) -> None:
    ask(session, fields=[["child.name", "Mia"]])
    ask(session, "remember", remember=True)
    forgotten = ask(session, "forget")
    assert forgotten["undo"] is True
    undone = ask(session, "undo-forget")
    assert undone["say"] == text("case.unforgotten")
    assert session.document["child"]["name"] == "Mia" and undone["remember"] is True
    assert [entry[:3] for entry in undone["storage"]] == [
        ["set", "session", TAB_KEY],
        ["set", "local", STORAGE_KEY],
    ]
    assert "Mia" in body(undone)
    ask(session, "forget")
    assert ask(session, fields=[["child.name", "Leo"]])["undo"] is False
    ask(session, "undo-forget")
    assert session.document["child"] == {"name": "Leo"}, "Undo is gone once the reader types"


def test_a_remembered_case_is_restored_and_typing_before_ready_wins() -> None:
    saved = (CASES / "example.json").read_text(encoding="utf-8")
    answer = ask(
        Session(), "mount", storage={"local": {STORAGE_KEY: saved}}, fields=[["child.name", "Mia"]]
    )
    assert answer["remember"] is True
    assert answer["say"] == text("case.restored")
    assert "Mia" in body(answer) and "Daniel" not in body(answer)
    assert {form["section"] for form in answer["forms"]} == {"facts"}


def test_after_a_reload_the_tab_gets_back_what_was_typed_in_it() -> None:
    """A reload, or a tab the phone discarded and brought back, keeps its session storage."""
    tab = Session()
    ask(tab, "mount")
    kept = ask(tab, fields=[["child.name", "Mia"]])["storage"][0][3]
    saved = (CASES / "example.json").read_text(encoding="utf-8")
    reloaded = ask(
        Session(), "mount", storage={"session": {TAB_KEY: kept}, "local": {STORAGE_KEY: saved}}
    )
    assert reloaded["say"] == text("case.restored_tab")
    assert "Mia" in body(reloaded), "the tab's own case comes before the one the device keeps"
    assert reloaded["remember"] is True


def test_a_damaged_saved_case_is_set_aside_and_said(session: Session) -> None:
    answer = ask(Session(), "mount", storage={"local": {STORAGE_KEY: "{not json"}})
    assert answer["storage"] == [
        ["set", "local", DAMAGED_KEY, "{not json"],
        ["remove", "local", STORAGE_KEY, None],
        ["remove", "session", TAB_KEY, None],
    ]
    assert answer["say"] == text("case.saved_damaged")
    assert answer["remember"] is False


def test_a_count_the_log_contradicts_is_said_beside_the_count(session: Session) -> None:
    facts = {
        "period.start": "2026-10-05",
        "period.end": "2026-10-23",
        "services.0.name": "Speech",
        "services.0.minutes": "30",
        "services.0.times": "2",
        "services.0.per": "week",
        "services.0.received.sessions": "1",
        "services.0.log.0.date": "2026-10-06",
        "services.0.log.0.minutes": "30",
        "services.0.log.1.date": "2026-10-08",
        "services.0.log.1.minutes": "30",
    }
    answer = ask(session, fields=[[path, value] for path, value in facts.items()])
    assert answer["problems"]["services.0.received.sessions"].startswith(
        "The log lists 2 sessions given: more than the 1 counted here."
    )


def test_a_letter_with_blanks_says_which(session: Session) -> None:
    answer = ask(session, fields=[["child.name", "Mia"]])
    view = answer["letters"]["case-manager-note"]
    assert "case manager's name" in view["blanks"]
    assert view["blanksNote"].startswith("Still blank in this letter: ")


def test_importing_a_case_file_replaces_the_case(session: Session) -> None:
    answer = ask(session, "import", source=(CASES / "example.json").read_text(encoding="utf-8"))
    assert answer["say"] == text("case.imported")
    assert "Daniel" not in body(answer), "the worked example gives way to the imported case"


def test_a_file_that_is_not_a_case_file_changes_nothing(session: Session) -> None:
    ask(session, fields=[["child.name", "Mia"]])
    answer = ask(session, "import", source="[1, 2]")
    assert answer["say"].startswith(text("case.import_failed", reason="").split("{")[0][:20])
    assert session.document["child"]["name"] == "Mia"


def test_a_file_too_large_to_read_is_explained(session: Session) -> None:
    assert ask(session, "file-too-large")["say"] == text("case.file_too_large", limit=MAX_FILE_MB)


def test_exporting_downloads_the_case_file_as_the_cli_reads_it(session: Session) -> None:
    ask(session, "import", source=EXAMPLE_CASE.read_text(encoding="utf-8"))
    answer = ask(session, "export")
    download = answer["download"]
    assert download["name"] == f"iep-case-{TODAY}.json"
    assert download["type"] == "application/json"
    case, problems = read_case(json.loads(download["body"]))
    assert problems == ()
    assert json.loads(download["body"]) == case_to_dict(case)


def test_a_log_imported_as_csv_lands_in_its_service(session: Session) -> None:
    ask(session, "import", source=EXAMPLE_CASE.read_text(encoding="utf-8"))
    source = "date,minutes,reason\n2026-10-06,30,\n2026-10-08,0,provider absent\n"
    answer = ask(session, "csv-import", source=source, service=0)
    assert answer["say"].startswith(text("form.csv_imported", count=2))
    assert len(session.document["services"][0]["log"]) == 2
    exported = ask(session, "csv-export")["download"]
    assert exported["type"] == "text/csv" and "2026-10-08" in exported["body"]


def test_marking_a_letter_sent_records_today(session: Session) -> None:
    ask(session, "import", source=EXAMPLE_CASE.read_text(encoding="utf-8"))
    before = len(session.document.get("letters_sent", []))
    answer = ask(session, "mark-sent", widget="iep-1")
    sent = session.document["letters_sent"][-1]
    assert len(session.document["letters_sent"]) == before + 1
    assert sent["letter"] == "case-manager-note" and sent["date"] == TODAY
    (message,) = answer["messages"].values()
    assert message.startswith("Added to the letters you sent, dated today.")
    assert "tick Remember on this device or export the case file" in message, "how to keep it"


def test_a_letter_marked_sent_twice_the_same_day_is_recorded_once(session: Session) -> None:
    ask(session, "import", source=EXAMPLE_CASE.read_text(encoding="utf-8"))
    ask(session, "remember", remember=True)
    assert ask(session, "mark-sent", widget="iep-1")["messages"] == {
        "iep-1": text("letter.marked_sent")
    }
    recorded = list(session.document["letters_sent"])
    again = ask(session, "mark-sent", widget="iep-1")
    assert session.document["letters_sent"] == recorded
    assert again["messages"] == {"iep-1": text("letter.already_marked_sent")}


def test_choosing_another_letter_draws_it_with_the_same_facts(session: Session) -> None:
    ask(session, fields=[["child.name", "Mia"]])
    answer = ask(session, "choose-letter", widget="iep-1", letter="follow-up")
    assert 'data-letter="follow-up"' in answer["widgets"]["iep-1"]
    assert "Mia" in body(answer, "follow-up")
    assert answer["ready"], "the new letter's buttons come alive"


def test_the_worker_entry_point_answers_json_and_never_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(session_module, "_session", Session())
    answer = json.loads(handle(json.dumps({"action": "mount", "page": PAGE, "today": TODAY})))
    assert answer["ready"] == READY
    broken = json.loads(handle(json.dumps({"action": "mount", "page": PAGE})))
    assert broken["error"] == text("widget.error")
    assert "Traceback" not in broken["detail"] and "KeyError" in broken["detail"]
    assert without_blanks(session_module._session.document) == {"version": 1}


# -- languages: the page's, and the letters' -------------------------------------------------

SPANISH_PAGE = {**PAGE, "language": "es"}


def ask_on(page: dict[str, Any], session: Session, action: str = "fields", **details: Any) -> Any:
    message = {"action": action, "page": page, "today": TODAY, "fields": [], **details}
    return json.loads(json.dumps(session.handle(json.loads(json.dumps(message)))))


def test_a_spanish_page_speaks_spanish_and_its_letters_start_in_spanish() -> None:
    session = Session()
    mounted = ask_on(SPANISH_PAGE, session, "mount")
    assert mounted["ready"] == {
        "letter": text("widget.ready", "es"),
        "gap": text("gap.ready", "es"),
    }
    assert "Apreciable" in body(mounted), "the worked example, in the page's language"
    answer = ask_on(SPANISH_PAGE, session, fields=[["child.name", "Mia"]])
    assert session.document["language"] == "es", "the letters' language: the page's, at first"
    assert "Mia" in body(answer) and "Apreciable" in body(answer)
    assert answer["letters"]["case-manager-note"]["meaning"] == ""


def test_an_english_letter_from_a_spanish_page_has_its_meaning_in_spanish_beside_it() -> None:
    session = Session()
    ask_on(SPANISH_PAGE, session, "mount")
    answer = ask_on(SPANISH_PAGE, session, fields=[["child.name", "Mia"], ["language", "en"]])
    letter = answer["letters"]["case-manager-note"]
    assert "\nDear " in letter["body"], "the letter the school receives: English"
    meaning = letter["meaning"]
    assert text("letter.meaning_title", "es") in meaning
    assert 'lang="en"' in meaning and 'lang="es"' in meaning
    assert "Apreciable" in meaning, "each paragraph's meaning, in the page's language"
    lacking = "; ".join(f"[{blank}]" for blank in letter["blanks"])
    assert "[case manager's name]" in lacking, "the English letter's own blanks"
    said = text("letter.blanks_note", "es", blanks=lacking)
    assert letter["blanksNote"] == said, "what it lacks: said in the page's language"


def test_a_case_moves_between_languages_unchanged() -> None:
    session = Session()
    ask_on(SPANISH_PAGE, session, "mount")
    ask_on(SPANISH_PAGE, session, "import", source=EXAMPLE_CASE.read_text(encoding="utf-8"))
    from_spanish = ask_on(SPANISH_PAGE, session, "export")["download"]["body"]
    ask_on(PAGE, session, "mount")  # the reader switches the page to English
    from_english = ask_on(PAGE, session, "export")["download"]["body"]
    assert from_english == from_spanish
    example = read_case(json.loads(EXAMPLE_CASE.read_text(encoding="utf-8")))[0]
    assert read_case(json.loads(from_spanish))[0] == example, "its letters stay in English too"


def test_a_letter_chosen_on_a_spanish_page_keeps_the_page_s_words_whatever_its_language() -> None:
    session = Session()
    ask_on(SPANISH_PAGE, session, "mount")
    ask_on(SPANISH_PAGE, session, fields=[["child.name", "Mia"], ["language", "en"]])
    answer = ask_on(
        SPANISH_PAGE, session, "choose-letter", widget="iep-1", letter="meeting-request"
    )
    widget = answer["widgets"]["iep-1"]
    assert text("widget.facts_above", "es") in widget
    assert text("form.letter_facts", "es") in widget
    assert text("widget.facts_above") not in widget
    assert "\nDear " in body(answer, "meeting-request"), "the letter itself stays in English"


def test_the_meeting_sheet_is_in_the_letters_language_like_the_letters() -> None:
    session = Session()
    page = {**SPANISH_PAGE, "sheet": True}
    ask_on(page, session, "mount")
    answer = ask_on(page, session, fields=[["child.name", "Mia"], ["language", "en"]])
    assert answer["sheet"].startswith("Meeting sheet: Mia's IEP")
