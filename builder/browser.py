"""The browser adapter: the only module that touches `pyscript`, `js` and the DOM.

One `Session` lives as long as the tab: it keeps the case document in memory (the same JSON a
case file holds) while the reader moves between pages (instant navigation swaps the page, not the
Python runtime). Each typed value is written into the document at the field's `data-path`, read
back through the core (`read_case`), each problem is shown beside its field, and the letters and
the calculator are re-rendered with the same functions the build used. Nothing typed is lost: an
invalid value stays in its field and in the document; only the core's reading of it is set aside.
Storage is written only after the reader ticks "Remember on this device".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import create_proxy, jsnull, to_js  # type: ignore[import-not-found]

from builder.case import Problem, case_to_dict, parse_json, read_case
from builder.csvlog import log_from_csv, log_to_csv
from builder.form_document import (
    add_item,
    as_form_document,
    remove_item,
    set_path,
    without_blanks,
)
from builder.gap import compute_gap
from builder.i18n import text
from builder.letters import mailto_url, render_letter
from builder.meeting_sheet import meeting_sheet
from builder.widgets import (
    example_case,
    letter_download_href,
    letter_ready,
    render_form,
    render_gap_results,
    render_letter_widget,
    render_readiness,
    render_state_summary,
    render_timeline,
)

STORAGE_KEY = "iep-follow-through:case:v1"
SERVICE_NAME = re.compile(r"services\.[0-9]+\.name")
DAMAGED_KEY = "iep-follow-through:case:v1:damaged"
# A real case file or log is tens of kilobytes; a file this big is refused before it is read, since
# reading and parsing it would freeze the page.
MAX_FILE_MB = 2
document = js.document
_proxies: list[Any] = []  # JS keeps calling these, so Python must keep them alive


class Session:
    """The reader's case for as long as the tab is open, shared by every page's widgets."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = {"version": 1}
        self.touched = False
        self.remember = False

    # -- pages ----------------------------------------------------------------------------

    def mount(self, *_: Any) -> None:
        """Bring the widgets of the page now shown to life (first load or instant navigation)."""
        if self.touched:
            self.render_forms()  # this page's forms are blank: fill them from the case in memory
        elif any(SERVICE_NAME.fullmatch(path) for path in self.read_fields()):
            self.render_forms(only="calculator")  # its headings name the services
        # Otherwise the build's forms already show the case (blank, or what was typed before
        # Python was ready): drawing them again costs boot time, and the reader's focus.
        for control in document.querySelectorAll("[data-action]"):
            control.disabled = False
        for box in document.querySelectorAll('[data-action="remember"]'):
            box.checked = self.remember
        self.render()
        for widget in document.querySelectorAll(".iep-widget"):
            status = widget.querySelector('[data-role="status"]')
            if status:
                status.textContent = text("widget.ready")
            widget.dataset.state = "ready"
        document.dispatchEvent(js.CustomEvent.new("iep:ready"))

    def read_fields(self) -> list[str]:
        """Take what is already in the fields (typed before Python was ready: keep it all);
        the paths of the fields read."""
        read = []
        for field in document.querySelectorAll("[data-path]"):
            value: Any = bool(field.checked) if str(field.type) == "checkbox" else str(field.value)
            if value:
                read.append(str(field.dataset.path))
                set_path(self.document, read[-1], value)
                self.touched = True
        return read

    def render_forms(self, only: str | None = None) -> None:
        """Re-draw the forms from the case document (rows added, removed, or a case loaded)."""
        _, problems = read_case(without_blanks(self.document))
        by_path = {problem.path: problem.message for problem in problems}
        for form in document.querySelectorAll("[data-form-section]"):
            section = str(form.dataset.formSection)
            if only is None or section == only:
                form.outerHTML = render_form(
                    section, self.document, uid=str(form.dataset.uid), problems=by_path, live=True
                )

    # -- events ---------------------------------------------------------------------------

    def on_input(self, event: Any) -> None:
        target = event.target
        path = target.getAttribute("data-path") if target.getAttribute else None
        if not path:
            return
        is_box = str(target.type) == "checkbox"
        value: Any = bool(target.checked) if is_box else str(target.value)
        set_path(self.document, str(path), value)
        self.touched = True
        for twin in document.querySelectorAll(f'[data-path="{path}"]'):
            if twin == target:
                continue
            if is_box:
                twin.checked = value
            elif str(twin.value) != value:
                twin.value = value
        if SERVICE_NAME.fullmatch(str(path)):
            self.render_forms(only="calculator")  # its headings name the services
        self.changed()

    def on_change(self, event: Any) -> None:
        action = event.target.getAttribute("data-action")
        if action == "choose-letter":
            self.choose_letter(event.target)
        elif action == "import":
            self.import_case(event.target)
        elif action == "csv-import":
            self.import_csv(event.target)
        elif action == "remember":
            self.set_remember(bool(event.target.checked))
        else:
            self.on_input(event)

    def on_click(self, event: Any) -> None:
        control = event.target.closest("[data-action]")
        action = control.getAttribute("data-action") if control else None
        if action == "export":
            self.export_case()
        elif action == "forget":
            self.forget()
        elif action == "add":
            self.add_row(str(control.getAttribute("data-list")))
        elif action == "remove":
            self.remove_row(str(control.getAttribute("data-item")))
        elif action == "csv-export":
            self.export_csv()
        elif action == "mark-sent":
            self.mark_sent(control.closest('[data-widget="letter"]'))

    def choose_letter(self, select: Any) -> None:
        """Show another letter in the builder page's letter widget, with the same facts."""
        widget = document.getElementById(str(select.getAttribute("data-widget-id")))
        widget.outerHTML = render_letter_widget(
            str(select.value),
            uid=str(widget.id),
            with_form=False,
            today=_today(),
            document=self.document,
        )
        self.mount()

    def mark_sent(self, widget: Any) -> None:
        """Record the letter shown as sent today, so later letters can refer to it by date."""
        name = str(widget.dataset.letter)
        case, _ = read_case(without_blanks(self.document))
        letter = render_letter(name, case, today=_today())
        index = add_item(self.document, "letters_sent")
        sent = {"letter": name, "date": _today().isoformat(), "to": letter.to.name}
        self.document["letters_sent"][index] = sent
        self.touched = True
        self.render_forms()
        self.changed()
        message = widget.querySelector('[data-role="message"]')
        if _found(message):
            message.textContent = text("letter.marked_sent")

    def add_row(self, list_path: str) -> None:
        index = add_item(self.document, list_path)
        self.touched = True
        self.render_forms()
        self.changed()
        row = f"{list_path}.{index}"  # a row of fields, or one field (a list of texts)
        first = document.querySelector(f'[data-path="{row}"], [data-path^="{row}."]')
        if _found(first):
            first.focus()

    def remove_row(self, item_path: str) -> None:
        remove_item(self.document, item_path)
        list_path = item_path.rpartition(".")[0]
        self.render_forms()
        self.changed()
        add = document.querySelector(f'[data-action="add"][data-list="{list_path}"]')
        if _found(add):
            add.focus()

    def changed(self) -> None:
        self.render()
        if self.remember:
            js.localStorage.setItem(STORAGE_KEY, json.dumps(self.document))

    # -- rendering ------------------------------------------------------------------------

    def render(self) -> None:
        case, problems = read_case(without_blanks(self.document))
        shown = case if self.touched else example_case()
        self.show_problems(problems)
        today = _today()
        report = compute_gap(shown)
        note_key = "letter.yours_note" if self.touched else "letter.example_note"
        for widget in document.querySelectorAll('[data-widget="letter"]'):
            name = str(widget.dataset.letter)
            letter = render_letter(name, shown, today=today, report=report)
            readiness = widget.querySelector('[data-role="readiness"]')
            fresh = render_readiness(name, shown, today=today, report=report)
            if _found(readiness) and readiness.outerHTML != fresh:
                readiness.outerHTML = fresh
            actions = widget.querySelector('[data-role="actions"]')
            actions.hidden = not letter_ready(name, shown, today=today, report=report)
            _set_text(widget, '[data-role="subject"]', letter.subject)
            _set_text(widget, '[data-role="body"]', letter.body)
            _set_text(widget, '[data-role="note"]', text(note_key))
            email = widget.querySelector('[data-action="email"]')
            mailto = mailto_url(letter)
            email.setAttribute("href", mailto or "#")
            if mailto:
                email.removeAttribute("aria-disabled")
            else:
                email.setAttribute("aria-disabled", "true")
            download = widget.querySelector('[data-action="download"]')
            download.setAttribute("href", letter_download_href(letter))
        for region in document.querySelectorAll('[data-role="timeline"]'):
            fresh = render_timeline(shown, today=today)
            if region.innerHTML != fresh:
                region.innerHTML = fresh
        for sheet in document.querySelectorAll('[data-role="sheet"]'):
            _set_text(
                sheet.parentElement, '[data-role="sheet"]', meeting_sheet(shown, today=today).text
            )
        for summary in document.querySelectorAll('[data-role="state-summary"]'):
            fresh = render_state_summary(shown.state)
            if summary.innerHTML != fresh:
                summary.innerHTML = fresh
        gap_note = "gap.yours_note" if self.touched else "gap.example_note"
        for widget in document.querySelectorAll('[data-widget="gap"]'):
            results = render_gap_results(report, uid=str(widget.id))
            region = widget.querySelector('[data-role="results-region"]')
            if region.innerHTML != results:
                region.innerHTML = results
            _set_text(widget, '[data-role="note"]', text(gap_note))

    def show_problems(self, problems: tuple[Problem, ...]) -> None:
        by_path = {problem.path: problem.message for problem in problems}
        for error in document.querySelectorAll("[data-error-for]"):
            message = by_path.get(str(error.dataset.errorFor), "")
            if error.textContent != message:
                error.textContent = message
            field = error.parentElement.querySelector("[data-path]")
            if not _found(field):
                continue
            if message:
                field.setAttribute("aria-invalid", "true")
            else:
                field.removeAttribute("aria-invalid")

    def say(self, message: str) -> None:
        for element in document.querySelectorAll('[data-role="case-message"]'):
            element.textContent = message

    # -- the case file --------------------------------------------------------------------

    def export_case(self) -> None:
        case, _ = read_case(without_blanks(self.document))
        body = json.dumps(case_to_dict(case), indent=2, ensure_ascii=False) + "\n"
        _download(body, f"iep-case-{_today().isoformat()}.json", "application/json")

    def export_csv(self) -> None:
        case, _ = read_case(without_blanks(self.document))
        _download(log_to_csv(case), f"iep-log-{_today().isoformat()}.csv", "text/csv")

    def import_case(self, field: Any) -> None:
        _read_file(field, self.load, self.say)

    def import_csv(self, field: Any) -> None:
        index = int(field.getAttribute("data-service") or 0)

        def loaded(source: str) -> None:
            case, _ = read_case(without_blanks(self.document))
            names = [service.name for service in case.services]
            name = names[index] if index < len(names) else None
            updated, problems = log_from_csv(source, case, service=name)
            logs = {
                row["name"]: row["log"]
                for row in case_to_dict(updated)["services"]
                if row.get("log") is not None
            }
            for service in self.document.get("services", []):
                if isinstance(service, dict) and service.get("name") in logs:
                    service["log"] = logs[service["name"]]
            self.render_forms()
            self.changed()
            count = sum(len(log) for log in logs.values())
            message = text("form.csv_imported", count=count)
            if problems:
                details = "; ".join(str(problem) for problem in problems[:5])
                message += " " + text("form.csv_problems", count=len(problems), details=details)
            self.say(message)

        _read_file(field, loaded, self.say)

    def load(self, source: str, *, restored: bool = False) -> bool:
        """Replace the case with the one in `source`, or explain why not and change nothing."""
        data, unreadable = parse_json(source)
        problems = (unreadable,) if unreadable else read_case(data)[1]
        fatal = [problem for problem in problems if problem.path in ("", "version")]
        if fatal:
            reason = fatal[0].message
            self.say(text("case.import_failed", reason=reason) if not restored else reason)
            return False
        self.document = as_form_document(data)
        self.touched = True
        self.render_forms()
        self.changed()
        if problems:
            details = "; ".join(str(problem) for problem in problems[:5])
            self.say(text("case.imported_with_problems", count=len(problems), details=details))
        else:
            self.say(text("case.restored" if restored else "case.imported"))
        return True

    # -- remembering ----------------------------------------------------------------------

    def restore(self) -> None:
        """Load a case the reader asked this device to remember, if there is one."""
        saved = js.localStorage.getItem(STORAGE_KEY)
        if saved is None or saved is jsnull:
            return
        self.remember = True
        if not self.load(str(saved), restored=True):
            js.localStorage.setItem(DAMAGED_KEY, str(saved))
            js.localStorage.removeItem(STORAGE_KEY)
            self.remember = False
            self.say(text("case.saved_damaged"))

    def set_remember(self, remember: bool) -> None:
        self.remember = remember
        for box in document.querySelectorAll('[data-action="remember"]'):
            box.checked = remember
        if remember:
            js.localStorage.setItem(STORAGE_KEY, json.dumps(self.document))
            self.say(text("case.remembered"))
        else:
            js.localStorage.removeItem(STORAGE_KEY)
            self.say(text("case.not_remembered"))

    def forget(self) -> None:
        js.localStorage.removeItem(STORAGE_KEY)
        js.localStorage.removeItem(DAMAGED_KEY)
        self.document = {"version": 1}
        self.touched = False
        self.remember = False
        for box in document.querySelectorAll('[data-action="remember"]'):
            box.checked = False
        self.render_forms()
        self.render()
        self.say(text("case.forgotten"))


def start() -> None:
    """Start the session once per tab, and mount the page now shown."""
    session = Session()
    document.addEventListener("input", _keep(_guarded(session.on_input)))
    document.addEventListener("change", _keep(_guarded(session.on_change)))
    document.addEventListener("click", _keep(_guarded(session.on_click)))
    session.restore()
    session.mount()
    # widgets.js calls this after each instant navigation to a page with a tool.
    js.window.iepMount = _keep(_guarded(session.mount))


def _download(body: str, name: str, media_type: str) -> None:
    options = to_js({"type": media_type}, dict_converter=js.Object.fromEntries)
    url = js.URL.createObjectURL(js.Blob.new(to_js([body]), options))
    link = document.createElement("a")
    link.href = url
    link.download = name
    document.body.appendChild(link)
    link.click()
    link.remove()
    js.setTimeout(_keep(lambda: js.URL.revokeObjectURL(url)), 1000)


def _read_file(field: Any, use: Callable[[str], None], say: Callable[[str], None]) -> None:
    """Read the file chosen in `field` as text and hand it to `use`; then clear the field."""
    files = field.files
    if not files or files.length == 0:
        return
    if files.item(0).size > MAX_FILE_MB * 1_000_000:
        say(text("case.file_too_large", limit=MAX_FILE_MB))
        field.value = ""
        return
    reader = js.FileReader.new()

    def loaded(_: Any) -> None:
        use(str(reader.result))
        field.value = ""

    reader.addEventListener("load", _keep(_guarded(loaded)))
    reader.readAsText(files.item(0))


def _keep(function: Callable[..., Any]) -> Any:
    proxy = create_proxy(function)
    _proxies.append(proxy)
    return proxy


def _guarded(handler: Callable[..., Any]) -> Callable[..., None]:
    """A handler that never lets a traceback reach the page: it logs and says what still works."""

    def run(*args: Any) -> None:
        try:
            handler(*args)
        except Exception as error:  # the last line of defence for a reader's page
            js.console.error(f"IEP Follow-Through: {type(error).__name__}: {error}")
            for status in document.querySelectorAll('[data-role="status"]'):
                status.textContent = text("widget.error")

    return run


def _found(element: Any) -> bool:
    """Whether a DOM lookup found an element: a miss is JavaScript's null (jsnull), not None."""
    return element is not None and element is not jsnull


def _set_text(root: Any, selector: str, value: str) -> None:
    element = root.querySelector(selector)
    if _found(element) and element.textContent != value:
        element.textContent = value


def _today() -> dt.date:
    now = js.Date.new()
    return dt.date(int(now.getFullYear()), int(now.getMonth()) + 1, int(now.getDate()))
