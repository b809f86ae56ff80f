"""The tools' page side: the DOM, in Python, run by PyScript in MicroPython on the page's thread.

The only module that touches `pyscript`, `js` and the DOM. Python's other half (Pyodide, in a Web
Worker, browser/session.py) computes; this module tells it what the reader did and what the page
shows, in JSON text, and shows its answers. It is served as it is (not in the Python archive):
MicroPython runs it from `<script type="mpy">` on a page with a tool. static/page.js keeps what
must work without Python (Copy, Print, the language menu, the failure message) and starts Pyodide.
- Python starts only on a page with a tool, on the first load or after an instant navigation;
  it then keeps running, with the reader's case in memory, and each new page's tools are mounted.
- Typing never waits for Python: a value typed while Python works is sent with the next message
  and put back into any form Python redraws meanwhile. Nothing typed is lost.
- After a tool has started, a service worker keeps the site's files for offline use, and
  python.js keeps a snapshot of Python for the next visit.
Not typed for mypy: MicroPython and its `js` module, run in the browser only.
"""

import json
import re

import js

js.performance.mark("iep:page-side-running")  # MicroPython and PyScript have started

from pyscript import document, js_import, window  # noqa: E402
from pyscript.ffi import to_js  # noqa: E402

# Storage under this prefix: the case this tab keeps (session storage), and the one this device
# remembers once the reader ticks "Remember on this device" (local storage). browser/session.py
# names the keys and says what to store; page.js keeps what is typed before Python is ready.
STORAGE_PREFIX = "iep-follow-through:"
TYPED_KEY = STORAGE_PREFIX + "typed:v1"
AREAS = {"local": js.localStorage, "session": js.sessionStorage}
# Screen readers hear one short, polite note once typing pauses: "the letter now uses what you
# typed", or the calculator's one-sentence result. The letter and the results tables are not live
# regions themselves, since those would re-read a whole letter or table on every keystroke.
ANNOUNCE_AFTER_MS = 1000
WATCHED = '[data-role="body"], [data-role="results-region"]'
SERVICE_NAME = re.compile(r"^services\.(\d+)\.name$")

# page.js (Python's worker, Copy, Print...) and this file, as page.js found them on the first page.
_tag = document.querySelector("script[data-page-js]")
_widgets_url = _tag.dataset.widgets
(page,) = await js_import(_tag.dataset.pageJs)  # noqa: F704

pending = {}  # path -> value typed since the last message to Python
actions = []  # what the reader did, in order, not yet sent
state = {
    "busy": False,  # a message is with Python (one at a time, so answers come in order)
    "generation": 0,  # counts the pages shown: an answer meant for a page gone is not drawn
    "sent_for": 0,  # the page the message with Python describes
    "max_file_bytes": None,
    "alive": False,  # Python has answered the first mount
    "described": None,  # what the page holds (describe_page), until the tools are redrawn
    "numbered": 0,  # the elements drawn_into has numbered
}
notes = {}  # widget id -> the timer of its pending note
drawn = {}  # an element's data-drawn number -> what was last drawn into it, by kind
# What was drawn across the page (what is said beside the fields, Undo), by kind, until the page
# or a form is drawn anew: a form drawn anew shows its own, so everything is looked at again.
drawn_across = {}


def escaped(text):
    return js.CSS.escape(text)


def data(element, name):
    """The element's data-<name> attribute, or None."""
    return element.getAttribute("data-" + name) if hasattr(element, "getAttribute") else None


def set_text(element, value):
    if element is not None and element.textContent != value:
        element.textContent = value


def drawn_into(element):
    """What this module last drew into `element`, by kind. Kept here, by a number the element
    carries, so that an answer draws only what changed without reading the page back (each read
    crosses from MicroPython into the browser); an element drawn anew has no number yet, and
    everything is drawn into it."""
    number = element.getAttribute("data-drawn")
    if number is None or number not in drawn:
        number = str(state["numbered"])
        state["numbered"] += 1
        element.setAttribute("data-drawn", number)
        drawn[number] = {}
    return drawn[number]


def changed(record, key, value):
    """Whether `value` differs from what `record` says was drawn under `key`; it is, from now."""
    if key in record and record[key] == value:
        return False
    record[key] = value
    return True


# -- what the page says to screen readers --------------------------------------------------


def announce(widget):
    region = widget.querySelector('[data-role="announce"]')
    sentence = widget.querySelector(".iep-gap__sentence")
    updated = data(widget, "updated")
    region.textContent = updated or (sentence.textContent if sentence is not None else "")


def announce_when_settled(widget):
    region = widget.querySelector('[data-role="announce"]')
    if region is None:
        return
    region.textContent = ""  # cleared now, so the same note is heard again next time
    if widget.id in notes:
        js.clearTimeout(notes[widget.id])
    notes[widget.id] = js.setTimeout(announce, ANNOUNCE_AFTER_MS, widget)


def observed(records, *_):
    # One note per kind of tool: two letters on a page change together, and one note says it.
    changed = {}
    for record in records:
        target = record.target
        node = target if target.nodeType == 1 else target.parentElement
        if node is None or node.closest(WATCHED) is None:
            continue
        widget = node.closest('.iep-widget[data-state="ready"]')
        if widget is not None and widget.dataset.widget not in changed:
            changed[widget.dataset.widget] = widget
    for widget in changed.values():
        announce_when_settled(widget)


js.MutationObserver.new(observed).observe(
    document.body, to_js({"childList": True, "characterData": True, "subtree": True})
)

# -- talking to Python -----------------------------------------------------------------------


def field_value(field):
    return field.checked if field.type == "checkbox" else field.value


def changed_on_page(field):
    """A field the reader changed from what the page was built with: a blank field, or the
    letters' language showing the page's own before anyone chooses, is not a fact they gave."""
    if field.type == "checkbox":
        return field.checked != field.defaultChecked
    if field.tagName == "SELECT":
        built = ""
        for index, option in enumerate(field.options):
            if option.defaultSelected or index == 0:
                built = option.value
            if option.defaultSelected:
                break
        return field.value != built
    return field.value != field.defaultValue


def local_today():
    now = js.Date.new()
    return f"{now.getFullYear():04d}-{now.getMonth() + 1:02d}-{now.getDate():02d}"


def describe_page():
    def all_of(selector):
        return list(document.querySelectorAll(selector))

    return {
        "language": document.documentElement.lang,
        "letters": [
            {"id": widget.id, "name": widget.dataset.letter}
            for widget in all_of('[data-widget="letter"]')
        ],
        "gaps": [widget.id for widget in all_of('[data-widget="gap"]')],
        "forms": [
            {"uid": form.dataset.uid, "section": form.dataset.formSection}
            for form in all_of("[data-form-section]")
        ],
        "timeline": document.querySelector('[data-role="timeline"]') is not None,
        "sheet": document.querySelector('[data-role="sheet"]') is not None,
        "stateSummary": document.querySelector('[data-role="state-summary"]') is not None,
        "stateRoot": state_root(),
    }


def state_root():
    """Where the state pages are, from the page's own link, for the state summary's link."""
    holder = document.querySelector("[data-state-root]")
    return holder.dataset.stateRoot if holder else ""


def kept_in(storage):
    kept = {}
    for key in js.Object.keys(storage):
        if key.startswith(STORAGE_PREFIX) and key != TYPED_KEY:
            kept[key] = storage.getItem(key)
    return kept


def message(action):
    sent = dict(action)
    # What the page holds changes only with a new page or redrawn tools: described once for each.
    if state["described"] is None:
        state["described"] = describe_page()
    sent["page"] = state["described"]
    sent["today"] = local_today()
    if action["action"] == "mount":
        # Every field's value: on the first load, what was typed while Python started (kept in
        # the tab too by page.js, in case the page reloaded before Python was ready).
        fields = json.loads(js.sessionStorage.getItem(TYPED_KEY) or "{}")
        for field in document.querySelectorAll("[data-path]"):
            if changed_on_page(field):
                fields[field.dataset.path] = field_value(field)
        sent["fields"] = list(fields.items())
        sent["storage"] = {area: kept_in(storage) for area, storage in AREAS.items()}
    else:
        sent["fields"] = list(pending.items())
    pending.clear()
    return sent


def show_busy():
    """While Python has work from the reader, <html data-iep-busy> says so (tests wait on it)."""
    working = state["busy"] or len(actions) > 0 or len(pending) > 0
    document.documentElement.toggleAttribute("data-iep-busy", working)


def send(action):
    actions.append(action)
    flush()


def flush(*_):
    show_busy()
    if state["busy"] or (not actions and not pending):
        return
    state["busy"] = True
    # The page the message describes, as it is built: page.ask waits for Python to start.
    state["sent_for"] = state["generation"]
    text = json.dumps(message(actions.pop(0) if actions else {"action": "fields"}))
    page.ask(text).then(answered, stopped)


def stopped(error, *_):
    """Python could not start (page.js has said so), or it stopped: the page stays as it is."""
    if document.querySelector('.iep-widget[data-state="ready"]') is not None:
        js.console.error("IEP Follow-Through: " + str(error.message))
        page.showFailure(".iep-widget")
    state["busy"] = False
    actions.clear()
    pending.clear()
    show_busy()


def answered(text, *_):
    try:
        show(json.loads(text), state["sent_for"] == state["generation"])
    finally:
        state["busy"] = False
        flush()


# -- showing Python's answers ---------------------------------------------------------------


def caret_in(field):
    """Where the caret is in `field` (a start and an end), or None: not a text field."""
    start = getattr(field, "selectionStart", None) if field is not None else None
    if not isinstance(start, (int, float)):
        return None
    return int(start), int(field.selectionEnd)


def put_caret(field, caret):
    if caret is not None and caret_in(field) != caret:
        try:  # noqa: SIM105  (MicroPython has no contextlib)
            field.setSelectionRange(*caret)
        except Exception:
            pass  # date and number fields have no selection to restore


def replace_keeping_typed(element, html):
    """Put `html` in place of `element`, keeping what was typed since the message was sent, and
    the reader's place in the field they are typing in."""
    if element is None:
        return
    template = document.createElement("template")
    template.innerHTML = html
    fresh = template.content.firstElementChild
    active = document.activeElement if element.contains(document.activeElement) else None
    # Where the caret is, read before the field leaves the page (a detached field may say 0).
    caret = caret_in(active)
    # A folded group the reader opened or closed stays so (the others open when they have rows).
    for group in element.querySelectorAll("details[id][data-reader-set]"):
        again = fresh.querySelector("details#" + escaped(group.id))
        if again is not None:
            again.open = group.open
            again.dataset.readerSet = ""
    element.replaceWith(fresh)
    for path, value in pending.items():
        for field in fresh.querySelectorAll('[data-path="' + escaped(path) + '"]'):
            if field.type == "checkbox":
                field.checked = value
            else:
                field.value = value
    if active is not None and active.id:
        again = document.getElementById(active.id)
        if again is not None:
            again.focus()
            put_caret(again, caret)


def come_alive(answer):
    first = not state["alive"]
    state["alive"] = True
    page.cameAlive()  # page.js stops keeping what is typed: Python keeps the case from now on
    state["max_file_bytes"] = answer["maxFileBytes"]
    for control in document.querySelectorAll("[data-action]"):
        control.disabled = False
    for widget in document.querySelectorAll(".iep-widget"):
        ready = answer["ready"].get(widget.dataset.widget) or answer["ready"]["letter"]
        set_text(widget.querySelector('[data-role="status"]'), ready)
        widget.dataset.state = "ready"
        # A live tool is not drawn while off screen (iep.css), but not the one the reader is in:
        # changing how its box is drawn made WebKit put the caret of the field being typed in
        # back at its start, so the next keys went before what was typed (1 time in 2 here
        # when a key came just then). It is on screen, and drawn, anyway.
        if not widget.contains(document.activeElement):
            widget.dataset.drawnWhenSeen = ""
    document.dispatchEvent(js.CustomEvent.new("iep:ready"))
    if first:
        # After a tool is live, so neither competes with Python starting, and a reader who only
        # reads pages is not sent the whole runtime.
        keep_for_offline()
        page.keepSnapshot()


def show_letter(widget, view):
    record = drawn_into(widget)
    if changed(record, "readiness", view["readiness"]):
        readiness = widget.querySelector('[data-role="readiness"]')
        if readiness is not None and readiness.outerHTML != view["readiness"]:
            readiness.outerHTML = view["readiness"]
    if changed(record, "ready", view["ready"]):
        widget.querySelector('[data-role="actions"]').hidden = not view["ready"]
    if changed(record, "letter", (view["subject"], view["body"])):
        set_text(widget.querySelector('[data-role="subject"]'), view["subject"])
        set_text(widget.querySelector('[data-role="body"]'), view["body"])
    if changed(record, "blanks", (view["blanks"], view["blanksNote"])):
        widget.dataset.blanks = json.dumps(view["blanks"])
        blanks = widget.querySelector('[data-role="blanks"]')
        set_text(blanks, view["blanksNote"])
        blanks.hidden = len(view["blanks"]) == 0
    if changed(record, "mailto", view["mailto"]):
        email = widget.querySelector('[data-action="email"]')
        email.setAttribute("href", view["mailto"] or "#")
        if view["mailto"]:
            email.removeAttribute("aria-disabled")
        else:
            email.setAttribute("aria-disabled", "true")
    if changed(record, "download", view["download"]):
        widget.querySelector('[data-action="download"]').setAttribute("href", view["download"])
    if changed(record, "meaning", view["meaning"]):
        meaning = widget.querySelector('[data-role="meaning-region"]')
        if meaning.innerHTML != view["meaning"]:
            meaning.innerHTML = view["meaning"]


def show_problems(problems):
    """Beside each field, what is wrong with it: beside every field once the page or a form has
    been drawn anew, and from then on only where it changed (a page may have 50 fields)."""
    before = drawn_across.get("problems")
    if not changed(drawn_across, "problems", problems):
        return
    if before is None:
        errors = document.querySelectorAll("[data-error-for]")
    else:
        paths = set(before) | set(problems)
        paths = [path for path in paths if before.get(path, "") != problems.get(path, "")]
        if not paths:  # only a path with nothing to say came or went
            return
        where = ['[data-error-for="' + escaped(path) + '"]' for path in paths]
        errors = document.querySelectorAll(", ".join(where))
    for error in errors:
        path = error.dataset.errorFor
        problem = problems.get(path, "")
        set_text(error, problem)
        field = error.parentElement.querySelector('[data-path="' + escaped(path) + '"]')
        if field is None:
            continue
        if problem:
            field.setAttribute("aria-invalid", "true")
        else:
            field.removeAttribute("aria-invalid")


REGIONS = (
    ("timeline", '[data-role="timeline"]'),
    ("stateSummary", '[data-role="state-summary"]'),
    ("headline", '[data-role="headline"]'),
)


def show_on_page(answer):
    if answer["widgets"]:
        state["described"] = None  # a tool redrawn may hold another letter
    if answer["widgets"] or answer["forms"]:
        drawn_across.clear()
    for uid, html in answer["widgets"].items():
        replace_keeping_typed(document.getElementById(uid), html)
    for form in answer["forms"]:
        section, uid = escaped(form["section"]), escaped(form["uid"])
        selector = f'[data-form-section="{section}"][data-uid="{uid}"]'
        replace_keeping_typed(document.querySelector(selector), form["html"])
    if answer.get("ready"):
        come_alive(answer)
    if "remember" in answer:
        for box in document.querySelectorAll('[data-action="remember"]'):
            box.checked = answer["remember"]
    notes_for = answer.get("notes")
    for widget in document.querySelectorAll('[data-widget="letter"]'):
        view = answer["letters"].get(widget.dataset.letter)
        if view:
            show_letter(widget, view)
        if notes_for:
            set_text(widget.querySelector('[data-role="note"]'), notes_for["letter"])
    for widget in document.querySelectorAll('[data-widget="gap"]'):
        if widget.id in answer["gaps"]:
            region = widget.querySelector('[data-role="results-region"]')
            if changed(drawn_into(region), "results", answer["gaps"][widget.id]):
                region.innerHTML = answer["gaps"][widget.id]
        if notes_for:
            set_text(widget.querySelector('[data-role="note"]'), notes_for["gap"])
    for key, selector in REGIONS:
        if key in answer:
            for region in document.querySelectorAll(selector):
                if changed(drawn_into(region), key, answer[key]):
                    region.innerHTML = answer[key]
    if "sheet" in answer:
        for sheet in document.querySelectorAll('[data-role="sheet"]'):
            set_text(sheet, answer["sheet"])
    show_problems(answer["problems"])
    for uid, note in answer["messages"].items():
        widget = document.getElementById(uid)
        if widget is not None:
            set_text(widget.querySelector('[data-role="message"]'), note)
    if answer["say"]:
        for region in document.querySelectorAll('[data-role="case-message"]'):
            set_text(region, answer["say"])
    if changed(drawn_across, "undo", answer["undo"]):
        for undo in document.querySelectorAll('[data-action="undo-forget"]'):
            undo.hidden = not answer["undo"]
    if answer["focus"]:
        focused = document.querySelector(answer["focus"])
        if focused is not None:
            focused.focus()


def download(file):
    blob = js.Blob.new(to_js([file["body"]]), to_js({"type": file["type"]}))
    url = js.URL.createObjectURL(blob)
    link = document.createElement("a")
    link.href = url
    link.download = file["name"]
    document.body.append(link)
    link.click()
    link.remove()
    js.setTimeout(js.URL.revokeObjectURL, 1000, url)


def show(answer, same_page):
    if answer.get("error"):
        js.console.error("IEP Follow-Through: " + answer["detail"])
        for status in document.querySelectorAll('[data-role="status"]'):
            set_text(status, answer["error"])
        return
    # An answer to a page that is gone is not drawn: the mount of the new page redraws it all.
    if same_page:
        show_on_page(answer)
    for operation, area, key, value in answer["storage"]:
        if operation == "set":
            AREAS[area].setItem(key, value)
        else:
            AREAS[area].removeItem(key)
    if answer["download"]:
        download(answer["download"])


# -- what the reader does -------------------------------------------------------------------


def typed(field):
    path = field.dataset.path
    value = field_value(field)
    # The same fact shown twice on a page (the facts form and a letter's form) shows the same value.
    for twin in document.querySelectorAll('[data-path="' + escaped(path) + '"]'):
        if twin.isSameNode(field):
            continue
        if twin.type == "checkbox":
            twin.checked = value
        elif twin.value != value:
            twin.value = value
    pending[path] = value
    service = SERVICE_NAME.match(path)
    if service:
        # The headings that name this service follow its name as it is typed.
        number = service.group(1)
        for name in document.querySelectorAll(f'[data-service-name="{number}"]'):
            name.textContent = value.strip() or name.dataset.unnamed
    flush()


def read_file(field, action):
    files = field.files
    if files is None or files.length == 0:
        return
    file = files[0]
    field.value = ""
    if state["max_file_bytes"] is not None and file.size > state["max_file_bytes"]:
        send({"action": "file-too-large"})
        return

    def read(source, *_):
        sent = dict(action)
        sent["source"] = source
        send(sent)

    file.text().then(read)


def on_input(event):
    if data(event.target, "path") is not None:
        typed(event.target)


def on_change(event):
    field = event.target
    action = data(field, "action")
    if action == "choose-letter":
        send({"action": action, "widget": field.dataset.widgetId, "letter": field.value})
    elif action == "import":
        read_file(field, {"action": action})
    elif action == "csv-import":
        read_file(field, {"action": action, "service": int(field.dataset.service or 0)})
    elif action == "remember":
        send({"action": action, "remember": field.checked})
    elif data(field, "path") is not None:
        typed(field)


def ask_to_forget(control, open_it):
    """ "Forget this case" asks first, beside the button; Undo brings the case back afterwards."""
    panel = document.getElementById(control.getAttribute("aria-controls"))
    panel.hidden = not open_it
    control.setAttribute("aria-expanded", "true" if open_it else "false")
    if open_it:
        panel.querySelector('[data-action="keep"]').focus()


def on_click(event):
    target = event.target
    if not hasattr(target, "closest"):
        return
    summary = target.closest(".iep-form details[id] > summary")
    if summary is not None:
        summary.parentElement.dataset.readerSet = ""
    control = target.closest("[data-action]")
    if control is None:
        return
    action = control.dataset.action
    tools = control.closest(".iep-case-tools")
    asker = tools.querySelector('[data-action="ask-forget"]') if tools is not None else None
    if action == "ask-forget":
        ask_to_forget(control, True)
    elif action == "keep":
        ask_to_forget(asker, False)
        asker.focus()
    elif action == "forget":
        ask_to_forget(asker, False)
        send({"action": action})
    elif action in ("export", "csv-export", "undo-forget"):
        send({"action": action})
    elif action in ("add", "show-all"):
        send({"action": action, "list": control.dataset.list})
    elif action == "remove":
        send({"action": action, "item": control.dataset.item})
    elif action == "mark-sent":
        send({"action": action, "widget": control.closest('[data-widget="letter"]').id})


document.addEventListener("input", on_input)
document.addEventListener("change", on_change)
document.addEventListener("click", on_click)


def keep_for_offline():
    """Offline: once a tool has started, a service worker keeps the site's own public files
    (never anything typed; see sw.js) so the guide and its tools work without a network. Not
    with Data Saver on, since it downloads the whole runtime. It is an extra: if it cannot
    register, the site works as before, so its failure is not reported to the reader."""
    navigator = js.navigator
    connection = getattr(navigator, "connection", None)
    if not hasattr(navigator, "serviceWorker") or (connection and connection.saveData):
        return
    worker = js.URL.new("../../../sw.js", _widgets_url)  # this file is in assets/py/<version>/
    navigator.serviceWorker.register(worker).catch(ignored)


def ignored(*_):
    pass


def page_shown(*_):
    state["generation"] += 1
    state["described"] = None
    drawn.clear()
    drawn_across.clear()
    if document.querySelector(".iep-widget") is not None:
        send({"action": "mount"})


js.performance.mark("iep:page-side-ready")
_navigation = getattr(window, "document$", None)
if _navigation is not None and hasattr(_navigation, "subscribe"):
    _navigation.subscribe(page_shown)
else:
    page_shown()
