"""The tools' Python side in the browser: it runs in a Web Worker and answers the page's messages.

Python runs in a worker so the page never freezes while Python starts or computes; the page's
own script (static/widgets.js) owns the DOM. Each message says what the reader did and what the
page shows (its letters, calculators, forms); the answer says what to show: letters, results,
forms redrawn, messages beside fields, a file to download, what to keep in storage. Nothing here
imports `js`: both sides speak JSON, so this module is tested like the core.

One `Session` lives as long as the tab: it keeps the case document in memory (the same JSON a
case file holds) while the reader moves between pages. Each typed value is written into the
document at the field's path and read back through the core (`read_case`). Nothing typed is
lost: an invalid value stays in its field and in the document; only the core's reading of it is
set aside, and its problem is shown beside the field.

Storage: the document is kept in the tab's session storage with every change, so a reload, or a
tab the phone discarded and brought back, keeps what was typed; the browser erases it when the
tab is closed. Local storage, which outlives the tab, is written only after the reader ticks
"Remember on this device".
"""

from __future__ import annotations

import datetime as dt
import json
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from builder.case import Case, Problem
from builder.case_reader import KeptServices, parse_json, read_case
from builder.case_writer import case_to_dict
from builder.form_document import (
    add_item,
    as_form_document,
    remove_item,
    set_path,
    without_blanks,
)
from builder.gap import Schedule, compute_gap
from builder.gap_facts import GapReport
from builder.gap_words import field_alerts
from builder.i18n import DEFAULT_LANGUAGE, languages, text
from builder.letters import blanks, mailto_url, render_letter
from builder.meeting_sheet import meeting_sheet
from builder.widgets import (
    blanks_note,
    example_case,
    letter_download_href,
    letter_ready,
    render_form,
    render_gap_results,
    render_headline,
    render_letter_widget,
    render_meaning,
    render_readiness,
    render_state_summary,
    render_timeline,
)

STORAGE_KEY = "iep-follow-through:case:v1"  # local storage, once the reader opts in
DAMAGED_KEY = "iep-follow-through:case:v1:damaged"
TAB_KEY = "iep-follow-through:tab:v1"  # session storage: this tab only, until it is closed
LOCAL, SESSION = "local", "session"
# A real case file or log is tens of kilobytes; a file this big is refused before it is read, since
# reading and parsing it would keep Python busy for seconds.
MAX_FILE_MB = 2


@dataclass
class Page:
    """What the page now shown holds, as widgets.js describes it."""

    letters: dict[str, str] = field(default_factory=dict)  # widget id -> letter name
    gaps: list[str] = field(default_factory=list)  # widget ids
    forms: list[tuple[str, str]] = field(default_factory=list)  # (form uid, section)
    timeline: bool = False
    sheet: bool = False
    state_summary: bool = False
    state_root: str = ""  # from the page to its language's top, for the state page's link
    language: str = DEFAULT_LANGUAGE  # the page's: its tools speak it; a letter has its own

    @classmethod
    def from_message(cls, page: dict[str, Any]) -> Page:
        language = str(page.get("language", DEFAULT_LANGUAGE))
        return cls(
            letters={str(item["id"]): str(item["name"]) for item in page.get("letters", [])},
            gaps=[str(uid) for uid in page.get("gaps", [])],
            forms=[(str(item["uid"]), str(item["section"])) for item in page.get("forms", [])],
            timeline=bool(page.get("timeline")),
            sheet=bool(page.get("sheet")),
            state_summary=bool(page.get("stateSummary")),
            state_root=str(page.get("stateRoot", "")),
            language=language if language in languages() else DEFAULT_LANGUAGE,
        )


class Session:
    """The reader's case for as long as the tab is open, shared by every page's tools."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = {"version": 1}
        self.touched = False
        self.remember = False
        self.started = False
        # What the page was last sent, so an answer carries only what changed.
        self.shown: dict[str, Any] = {}
        # The case's schedule, kept with its service gaps while typing elsewhere reuses them.
        self.schedule: Schedule | None = None
        # Each service as last read, so typing elsewhere does not read a long log again.
        self.kept_services: KeptServices = {}
        # The long lists the reader asked to see whole (the forms show a long list's last rows).
        self.shown_whole: set[str] = set()
        # The case just forgotten, kept in memory for Undo until the reader does anything else.
        self.forgotten: tuple[dict[str, Any], bool] | None = None
        self.language = DEFAULT_LANGUAGE  # the page's, as the last message said

    def t(self, key: str, **values: Any) -> str:
        """A message in the page's language."""
        return text(key, self.language, **values)

    def handle(self, message: dict[str, Any]) -> dict[str, Any]:
        """Apply what the reader did; what the page should show now."""
        answer = Answer(page=Page.from_message(message.get("page", {})))
        self.language = answer.page.language
        today = dt.date.fromisoformat(str(message["today"]))
        was_touched = self.touched
        action = str(message.get("action", "fields"))
        if action not in ("undo-forget", "mount") and (message.get("fields") or action != "fields"):
            self.forgotten = None  # Undo lasts until the reader does something else
        for path, value in message.get("fields", []):
            self.set_field(str(path), value, answer)
        if action == "mount":
            self.mount(message, answer, was_touched=was_touched)
        elif action == "add":
            self.add_row(str(message["list"]), answer)
        elif action == "remove":
            self.remove_row(str(message["item"]), answer)
        elif action == "show-all":
            self.show_all(str(message["list"]), answer)
        elif action == "choose-letter":
            self.choose_letter(str(message["widget"]), str(message["letter"]), answer, today)
        elif action == "mark-sent":
            self.mark_sent(str(message["widget"]), answer, today)
        elif action == "import":
            self.load(str(message["source"]), answer)
        elif action == "csv-import":
            self.import_csv(str(message["source"]), int(message.get("service") or 0), answer)
        elif action == "file-too-large":
            answer.say = self.t("case.file_too_large", limit=MAX_FILE_MB)
        elif action == "remember":
            self.set_remember(bool(message["remember"]), answer)
        elif action == "forget":
            self.forget(answer)
        elif action == "undo-forget":
            self.undo_forget(answer)
        elif action == "export":
            self.export_case(answer, today)
        elif action == "csv-export":
            self.export_csv(answer, today)
        return self.respond(answer, today)

    # -- what the reader did --------------------------------------------------------------

    def set_field(self, path: str, value: Any, answer: Answer) -> None:
        set_path(self.document, path, value if isinstance(value, bool) else str(value))
        if "language" not in self.document:
            # The letters' language is a fact of the case: first, the language the reader
            # reads the page in; they may choose another (the form's "Write the letters in").
            self.document["language"] = self.language  # what its field already shows
        self.touched = answer.changed = True

    def mount(self, message: dict[str, Any], answer: Answer, *, was_touched: bool) -> None:
        """Bring the tools of the page now shown to life (first load or instant navigation).

        The message's fields are what the page's fields held (on the first load, what was typed
        before Python was ready: all of it is kept).
        """
        self.shown = {}
        answer.mounted = True
        if not self.started:
            self.started = True
            storage = message.get("storage", {})
            kept = storage.get(SESSION, {}).get(TAB_KEY)
            saved = storage.get(LOCAL, {}).get(STORAGE_KEY)
            if isinstance(kept, str) or isinstance(saved, str):
                self.restore(kept, saved, message.get("fields", []), answer)
                return
        if was_touched:
            answer.redraw()  # this page's forms are blank: fill them from the case in memory
        # Otherwise the page's forms already show the case (blank, or what was typed before
        # Python was ready): drawing them again would cost the reader's focus.

    def restore(
        self, kept: str | None, saved: str | None, typed: list[Any], answer: Answer
    ) -> None:
        """Load the case this tab kept, else the one this device remembers; what was typed
        before Python was ready wins."""
        self.remember = saved is not None
        source = kept if kept is not None else saved
        assert source is not None
        restored = "case.restored_tab" if kept is not None else "case.restored"
        if self.load(source, answer, restored=restored):
            for path, value in typed:
                set_path(self.document, str(path), value)
            return
        answer.storage += [
            ("set", LOCAL, DAMAGED_KEY, source),
            ("remove", LOCAL, STORAGE_KEY, None),
            ("remove", SESSION, TAB_KEY, None),
        ]
        self.remember = False
        answer.say = self.t("case.saved_damaged")

    def add_row(self, list_path: str, answer: Answer) -> None:
        index = add_item(self.document, list_path)
        self.touched = answer.changed = True
        answer.redraw()
        row = f"{list_path}.{index}"  # a row of fields, or one field (a list of texts)
        answer.focus = f'[data-path="{row}"], [data-path^="{row}."]'

    def remove_row(self, item_path: str, answer: Answer) -> None:
        remove_item(self.document, item_path)
        answer.changed = True
        answer.redraw()
        list_path = item_path.rpartition(".")[0]
        answer.focus = f'[data-action="add"][data-list="{list_path}"]'

    def show_all(self, list_path: str, answer: Answer) -> None:
        """Show every row of a long list; the first of those that were hidden takes the focus."""
        self.shown_whole.add(list_path)
        answer.redraw()
        answer.focus = f'[data-path="{list_path}.0"], [data-path^="{list_path}.0."]'

    def choose_letter(self, uid: str, name: str, answer: Answer, today: dt.date) -> None:
        """Show another letter in the builder page's letter widget, with the same facts."""
        answer.widgets[uid] = render_letter_widget(
            name,
            uid=uid,
            with_form=False,
            today=today,
            document=self.document,
            language=self.language,
        )
        answer.page.letters[uid] = name
        answer.mounted = True
        self.shown = {}

    def mark_sent(self, uid: str, answer: Answer, today: dt.date) -> None:
        """Record the letter shown as sent today, so later letters can refer to it by date."""
        name = answer.page.letters[uid]
        letter = render_letter(name, self.case(), today=today)
        sent = {"letter": name, "date": today.isoformat(), "to": letter.to.name}
        if sent in self.document.get("letters_sent", []):  # a second press the same day
            answer.messages[uid] = self.t("letter.already_marked_sent")
            return
        index = add_item(self.document, "letters_sent")
        self.document["letters_sent"][index] = sent
        self.touched = answer.changed = True
        answer.redraw()
        remember = self.t("case.remember")
        kept = "letter.marked_sent" if self.remember else "letter.marked_sent_this_tab"
        answer.messages[uid] = self.t(kept, remember=remember)

    def load(self, source: str, answer: Answer, *, restored: str = "") -> bool:
        """Replace the case with the one in `source`, or explain why not and change nothing.
        `restored` names the message for a case kept on the device, not a file imported."""
        data, unreadable = parse_json(source)
        problems = (unreadable,) if unreadable else read_case(data)[1]
        fatal = [problem for problem in problems if problem.path in ("", "version")]
        if fatal:
            reason = fatal[0].words(self.language)
            answer.say = reason if restored else self.t("case.import_failed", reason=reason)
            return False
        self.document = as_form_document(data)
        self.shown_whole.clear()  # another case: its long lists start short again
        self.touched = answer.changed = True
        answer.redraw()
        if problems:
            answer.say = self.t(
                "case.imported_with_problems",
                count=len(problems),
                details=_summary(problems, self.language),
            )
        else:
            answer.say = self.t(restored or "case.imported")
        return True

    def import_csv(self, source: str, index: int, answer: Answer) -> None:
        from builder.csvlog import log_from_csv  # only when used: it slows Python's start

        case = self.case()
        names = [service.name for service in case.services]
        name = names[index] if index < len(names) else None
        updated, problems = log_from_csv(source, case, service=name, language=self.language)
        logs = {
            row["name"]: row["log"]
            for row in case_to_dict(updated)["services"]
            if row.get("log") is not None
        }
        for number, service in enumerate(self.document.get("services", [])):
            if isinstance(service, dict) and service.get("name") in logs:
                service["log"] = logs[service["name"]]
                self.shown_whole.discard(f"services.{number}.log")  # a new log starts short
        answer.changed = True
        answer.redraw()
        count = sum(len(log) for log in logs.values())
        answer.say = self.t("form.csv_imported", count=count)
        if problems:
            details = _summary(problems, self.language)
            answer.say += " " + self.t("form.csv_problems", count=len(problems), details=details)

    def set_remember(self, remember: bool, answer: Answer) -> None:
        self.remember = remember
        answer.remember_changed = True
        if remember:
            answer.changed = True  # stored with every change from now on, this one first
            answer.say = self.t("case.remembered")
        else:
            answer.storage.append(("remove", LOCAL, STORAGE_KEY, None))
            answer.say = self.t("case.not_remembered")

    def forget(self, answer: Answer) -> None:
        """Erase the case from the page and the device; Undo can bring it back while the tab
        stays open and the reader does nothing else."""
        self.forgotten = (self.document, self.remember) if self.touched else None
        answer.storage += [
            ("remove", LOCAL, STORAGE_KEY, None),
            ("remove", LOCAL, DAMAGED_KEY, None),
            ("remove", SESSION, TAB_KEY, None),
        ]
        self.document = {"version": 1}
        self.shown_whole.clear()
        self.touched = self.remember = False
        answer.remember_changed = True
        answer.redraw()
        answer.say = self.t("case.forgotten")
        answer.undo = self.forgotten is not None

    def undo_forget(self, answer: Answer) -> None:
        if self.forgotten is None:
            return
        self.document, self.remember = self.forgotten
        self.forgotten = None
        self.touched = answer.changed = answer.remember_changed = True
        answer.redraw()
        answer.say = self.t("case.unforgotten")

    def export_case(self, answer: Answer, today: dt.date) -> None:
        body = json.dumps(case_to_dict(self.case()), indent=2, ensure_ascii=False) + "\n"
        answer.download = Download(body, f"iep-case-{today.isoformat()}.json", "application/json")

    def export_csv(self, answer: Answer, today: dt.date) -> None:
        from builder.csvlog import log_to_csv  # only when used: it slows Python's start

        # In the page's language, as the reader reads it; any language imports back.
        log = log_to_csv(self.case(), self.language)
        answer.download = Download(log, f"iep-log-{today.isoformat()}.csv", "text/csv")

    # -- what to show ---------------------------------------------------------------------

    def case(self) -> Case:
        return read_case(without_blanks(self.document), self.kept_services)[0]

    def respond(self, answer: Answer, today: dt.date) -> dict[str, Any]:
        case, problems = read_case(without_blanks(self.document), self.kept_services)
        # The letters are in the case's language; everything else on the page in the page's.
        letters_in = case if self.touched else example_case(self.language)
        schedule = self.kept_schedule(letters_in)
        shown = replace(letters_in, language=self.language)
        report = compute_gap(shown, schedule)
        if answer.changed:
            kept = json.dumps(self.document)
            answer.storage.append(("set", SESSION, TAB_KEY, kept))
            if self.remember:
                answer.storage.append(("set", LOCAL, STORAGE_KEY, kept))
        # What the numbers say about a field (a count below the log's) goes beside it too, after
        # what is wrong with the value itself.
        alerts = field_alerts(report) if self.touched else {}
        said = {problem.path: problem.words(self.language) for problem in problems}
        problems_by_path = {**alerts, **said}
        reply: dict[str, Any] = {
            "widgets": answer.widgets,
            "forms": self.forms(answer, problems_by_path),
            "problems": problems_by_path,
            "messages": answer.messages,
            "storage": answer.storage,
            "focus": answer.focus,
            "say": answer.say,
            "download": answer.download.__dict__ if answer.download else None,
            "undo": answer.undo,
        }
        if answer.mounted or answer.remember_changed:
            # Only then: a box the reader just clicked is not unticked by an answer sent before.
            reply["remember"] = self.remember
        if answer.mounted:
            # Each kind of tool says what updates as the reader types.
            reply["ready"] = {"letter": self.t("widget.ready"), "gap": self.t("gap.ready")}
            reply["maxFileBytes"] = MAX_FILE_MB * 1_000_000
        reply.update(self.render(answer.page, shown, report, letters_in, today))
        return reply

    def forms(self, answer: Answer, problems: dict[str, str]) -> list[dict[str, str]]:
        if answer.forms_to_redraw is None:
            return []
        return [
            {
                "uid": uid,
                "section": section,
                "html": render_form(
                    section,
                    self.document,
                    uid=uid,
                    problems=problems,
                    live=True,
                    shown_whole=self.shown_whole,
                    language=self.language,
                ),
            }
            for uid, section in answer.page.forms
            if answer.forms_to_redraw in ("", section)
        ]

    def kept_schedule(self, case: Case) -> Schedule:
        schedule = Schedule.of(case)
        if schedule != self.schedule:
            self.schedule = schedule
        return self.schedule

    def render(
        self, page: Page, case: Case, report: GapReport, letters_in: Case, today: dt.date
    ) -> dict[str, Any]:
        """Letters, results, timeline, sheet and state summary, each only when it changed: the
        letters and the meeting sheet from `letters_in` (the case in its letters' language), the
        rest from `case` and `report` (in the page's)."""
        fresh: dict[str, Any] = {
            "notes": {
                "letter": self.t("letter.yours_note" if self.touched else "letter.example_note"),
                "gap": self.t("gap.yours_note" if self.touched else "gap.example_note"),
            },
            "headline": render_headline(report, yours=self.touched),
        }
        letter_report = compute_gap(letters_in, self.kept_schedule(letters_in))
        for name in sorted(set(page.letters.values())):
            fresh[f"letter:{name}"] = _letter_view(
                name, letters_in, today, letter_report, case, report
            )
        for uid in page.gaps:
            fresh[f"gap:{uid}"] = render_gap_results(report, uid=uid)
        if page.timeline:
            fresh["timeline"] = render_timeline(case, today=today)
        if page.sheet:
            # Brought to the meeting with the school, like a letter: in the letters' language.
            fresh["sheet"] = meeting_sheet(letters_in, today=today).text
        if page.state_summary:
            fresh["stateSummary"] = render_state_summary(
                case.state, case.language, root=page.state_root
            )
        changed = {key: value for key, value in fresh.items() if self.shown.get(key) != value}
        self.shown.update(changed)
        return {
            "letters": {
                key.partition(":")[2]: value
                for key, value in changed.items()
                if key.startswith("letter:")
            },
            "gaps": {
                key.partition(":")[2]: value
                for key, value in changed.items()
                if key.startswith("gap:")
            },
            **{key: value for key, value in changed.items() if ":" not in key},
        }


@dataclass
class Download:
    body: str
    name: str
    type: str


@dataclass
class Answer:
    """What one message changed, gathered as it is handled."""

    page: Page
    changed: bool = False  # the case document changed
    mounted: bool = False  # the page's tools come alive (again)
    remember_changed: bool = False
    forms_to_redraw: str | None = None  # None: none; "": every form; else one section
    widgets: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    # What to write to the device: (set | remove, local | session, key, value).
    storage: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    undo: bool = False  # the case was just forgotten, and Undo can bring it back
    focus: str | None = None
    say: str | None = None
    download: Download | None = None

    def redraw(self, section: str = "") -> None:
        if self.forms_to_redraw is None or section == "":
            self.forms_to_redraw = section
        elif self.forms_to_redraw != section:
            self.forms_to_redraw = ""


def _summary(problems: Sequence[Problem], language: str) -> str:
    """The first few problems, in one line the reader can act on."""
    return "; ".join(
        f"{problem.path}: {problem.words(language)}" if problem.path else problem.words(language)
        for problem in problems[:5]
    )


def _letter_view(
    name: str, case: Case, today: dt.date, report: GapReport, page: Case, page_report: GapReport
) -> dict[str, Any]:
    """A letter in the case's language; what it needs, in the page's; and, when the two
    languages differ, its paragraphs' meaning in the page's language, side by side."""
    letter = render_letter(name, case, today=today, report=report)
    meaning = (
        render_letter(name, page, today=today, report=page_report)
        if page.language != case.language
        else None
    )
    return {
        "subject": letter.subject,
        "body": letter.body,
        "blanks": blanks(letter),
        "blanksNote": blanks_note(letter, page.language),
        "readiness": render_readiness(
            name, page, today=today, report=page_report, language=page.language
        ),
        "ready": letter_ready(name, case, today=today, report=report),
        "mailto": mailto_url(letter),
        "download": letter_download_href(letter),
        "meaning": render_meaning(letter, meaning, page.language) if meaning else "",
    }


_session = Session()


def handle(message: str) -> str:
    """The worker's entry point: one JSON message in, one JSON answer out, never a traceback.

    An unexpected error is answered with what still works; its details go to the console."""
    try:
        return json.dumps(_session.handle(json.loads(message)))
    except Exception as error:  # the last line of defence for a reader's page
        return json.dumps(
            {
                "error": text("widget.error", _session.language),
                "detail": "".join(traceback.format_exception_only(error)).strip(),
            }
        )
