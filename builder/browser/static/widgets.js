// The page side of the tools: the DOM. Python (in a Web Worker, see python.js) computes; this
// script tells it what the reader did and what the page shows, and shows its answers.
// - Copy and print work on the letter shown (pre-rendered at build time, then kept current from
//   Python's answers), so they work before, during and without Python.
// - Python starts only on a page with a tool, on the first load or after an instant navigation;
//   it then keeps running, with the reader's case in memory, and each new page's tools are mounted.
// - Typing never waits for Python: a value typed while Python works is sent with the next message
//   and put back into any form Python redraws meanwhile. Nothing typed is lost.
// - When Python cannot start, the page says so and says what still works.
// - After a tool has started, a service worker keeps the site's files for offline use, and
//   python.js keeps a snapshot of Python for the next visit.
import { ask, keepSnapshot, startPython, started } from "./python.js";

const READY_TIMEOUT_MS = 90000;
// Storage under this prefix: the case this tab keeps (session storage), and the one this device
// remembers once the reader ticks "Remember on this device" (local storage). builder/session.py
// names the keys and says what to store; this script keeps only what is typed before Python is
// ready, in the tab's session storage, so a reload then loses nothing either.
const STORAGE_PREFIX = "iep-follow-through:";
const TYPED_KEY = `${STORAGE_PREFIX}typed:v1`;
const AREAS = { local: localStorage, session: sessionStorage };
const pending = new Map(); // path -> value typed since the last message to Python
const actions = []; // what the reader did, in order, not yet sent
let busy = false; // a message is with Python (one at a time, so answers come in order)
let generation = 0; // counts the pages shown: an answer meant for a page gone is not drawn
let maxFileBytes = Infinity;
let failTimer = null;
let alive = false; // Python has answered the first mount: it keeps what is typed from then on

function letterText(widget) {
  const subject = widget.querySelector('[data-role="subject"]').textContent;
  const body = widget.querySelector('[data-role="body"]').textContent;
  return `${subject}\n\n${body}`;
}

function say(widget, message) {
  const region = widget.querySelector('[data-role="message"]');
  if (region) region.textContent = message;
}

async function copyLetter(widget) {
  try {
    await navigator.clipboard.writeText(letterText(widget));
    say(widget, widget.dataset.copied);
  } catch {
    // Clipboard access can be refused: select the letter so the reader can copy it.
    const range = document.createRange();
    range.selectNodeContents(widget.querySelector('[data-role="letter"]'));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    say(widget, widget.dataset.copyFallback);
  }
}

function printLetter(widget) {
  document.body.classList.add("iep-printing-letter");
  widget.classList.add("iep-print-target");
  const done = () => {
    document.body.classList.remove("iep-printing-letter");
    widget.classList.remove("iep-print-target");
  };
  window.addEventListener("afterprint", done, { once: true });
  window.print();
}

// A letter with [blanks] left is copied or opened in the mail app only once the reader says so.
function askFirst(widget, action) {
  const blanks = JSON.parse(widget.dataset.blanks || "[]");
  if (blanks.length === 0) return false;
  const panel = widget.querySelector('[data-role="blanks-confirm"]');
  const listed = blanks.map((blank) => `[${blank}]`).join("; ");
  const question = action === "copy" ? widget.dataset.confirmCopy : widget.dataset.confirmEmail;
  panel.querySelector('[data-role="blanks-question"]').textContent = question.replace(
    "{blanks}",
    listed,
  );
  panel.dataset.pending = action;
  panel.hidden = false;
  panel.querySelector('[data-action="anyway"]').focus();
  return true;
}

function goAhead(widget, action) {
  if (action === "copy") copyLetter(widget);
  else window.location.href = widget.querySelector('[data-action="email"]').href;
}

// In the capture phase, before Material's instant navigation can follow a disabled mail link.
document.addEventListener(
  "click",
  (event) => {
    const control = event.target.closest("[data-action]");
    const widget = control && control.closest(".iep-widget");
    if (!widget) return;
    const action = control.dataset.action;
    const panel = widget.querySelector('[data-role="blanks-confirm"]');
    if (action === "email" && control.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      event.stopPropagation();
      say(widget, widget.dataset.emailTooLong);
    } else if ((action === "copy" || action === "email") && askFirst(widget, action)) {
      event.preventDefault();
      event.stopPropagation();
    } else if (action === "copy") copyLetter(widget);
    else if (action === "print") printLetter(widget);
    else if (action === "anyway" || action === "fill-first") {
      panel.hidden = true;
      if (action === "anyway") goAhead(widget, panel.dataset.pending);
      else widget.querySelector(`[data-action="${panel.dataset.pending}"]`).focus();
    }
  },
  true,
);

// Screen readers hear one short, polite note once typing pauses: "the letter now uses what you
// typed", or the calculator's one-sentence result. The letter and the results tables are not live
// regions themselves, since those would re-read a whole letter or table on every keystroke.
const ANNOUNCE_AFTER_MS = 1000;
const WATCHED = '[data-role="body"], [data-role="results-region"]';
const pendingNotes = new WeakMap();

function announceWhenSettled(widget) {
  const region = widget.querySelector('[data-role="announce"]');
  if (!region) return;
  region.textContent = ""; // cleared now, so the same note is heard again next time
  clearTimeout(pendingNotes.get(widget));
  const announce = () => {
    const sentence = widget.querySelector(".iep-gap__sentence");
    region.textContent = widget.dataset.updated || (sentence ? sentence.textContent : "");
  };
  pendingNotes.set(widget, setTimeout(announce, ANNOUNCE_AFTER_MS));
}

new MutationObserver((records) => {
  // One note per kind of tool: two letters on a page change together, and one note says it.
  const changed = new Map();
  for (const record of records) {
    const { target } = record;
    const node = target.nodeType === Node.ELEMENT_NODE ? target : target.parentElement;
    const widget = node && node.closest(WATCHED) && node.closest('.iep-widget[data-state="ready"]');
    if (widget && !changed.has(widget.dataset.widget)) changed.set(widget.dataset.widget, widget);
  }
  changed.forEach(announceWhenSettled);
}).observe(document.body, { childList: true, characterData: true, subtree: true });

// The tools that were still starting (or, when Python stopped later, all of them) say that Python
// is not running and what still works.
function showFailure(which = '.iep-widget[data-state="loading"]') {
  clearTimeout(failTimer);
  for (const widget of document.querySelectorAll(which)) {
    widget.dataset.state = "failed";
    const status = widget.querySelector('[data-role="status"]');
    if (status && status.dataset.failed) status.textContent = status.dataset.failed;
  }
}

// -- talking to Python ------------------------------------------------------------------------

function fieldValue(field) {
  return field.type === "checkbox" ? field.checked : field.value;
}

// A field the reader changed from what the page was built with: a blank field, or the letters'
// language showing the page's own before anyone chooses, is not a fact the reader gave.
function changedOnPage(field) {
  if (field.type === "checkbox") return field.checked !== field.defaultChecked;
  if (field.tagName === "SELECT") {
    const built = [...field.options].find((option) => option.defaultSelected) || field.options[0];
    return field.value !== (built ? built.value : "");
  }
  return field.value !== field.defaultValue;
}

function localToday() {
  const now = new Date();
  const two = (number) => String(number).padStart(2, "0");
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

function describePage() {
  const all = (selector) => [...document.querySelectorAll(selector)];
  return {
    language: document.documentElement.lang,
    letters: all('[data-widget="letter"]').map((w) => ({ id: w.id, name: w.dataset.letter })),
    gaps: all('[data-widget="gap"]').map((widget) => widget.id),
    forms: all("[data-form-section]").map((form) => ({
      uid: form.dataset.uid,
      section: form.dataset.formSection,
    })),
    timeline: document.querySelector('[data-role="timeline"]') !== null,
    sheet: document.querySelector('[data-role="sheet"]') !== null,
    stateSummary: document.querySelector('[data-role="state-summary"]') !== null,
    stateRoot: document.querySelector("[data-state-root]")?.dataset.stateRoot ?? "",
  };
}

function message(action) {
  const sent = { ...action, page: describePage(), today: localToday() };
  if (action.action === "mount") {
    // Every field's value: on the first load, what was typed while Python started (kept in the
    // tab too, in case the page reloaded before Python was ready).
    const typedBefore = JSON.parse(sessionStorage.getItem(TYPED_KEY) || "{}");
    const onPage = [...document.querySelectorAll("[data-path]")]
      .filter(changedOnPage)
      .map((field) => [field.dataset.path, fieldValue(field)]);
    sent.fields = Object.entries({ ...typedBefore, ...Object.fromEntries(onPage) });
    sent.storage = Object.fromEntries(
      Object.entries(AREAS).map(([area, storage]) => [
        area,
        Object.fromEntries(
          Object.keys(storage)
            .filter((key) => key.startsWith(STORAGE_PREFIX) && key !== TYPED_KEY)
            .map((key) => [key, storage.getItem(key)]),
        ),
      ]),
    );
  } else {
    sent.fields = [...pending];
  }
  pending.clear();
  return sent;
}

// While Python has work from the reader, <html data-iep-busy> says so (tests wait on it).
function showBusy() {
  const working = busy || actions.length > 0 || pending.size > 0;
  document.documentElement.toggleAttribute("data-iep-busy", working);
}

function send(action) {
  actions.push(action);
  flush();
}

async function flush() {
  showBusy();
  if (busy || (actions.length === 0 && pending.size === 0)) return;
  busy = true;
  let answer;
  let page;
  try {
    await started;
    page = generation; // the page the message describes, as it is built
    answer = await ask(message(actions.shift() || { action: "fields" }));
  } catch (error) {
    // Python could not start (showFailure has said so), or it stopped: the page stays as it is.
    if (document.querySelector('.iep-widget[data-state="ready"]')) {
      console.error(`IEP Follow-Through: ${error.message}`);
      showFailure(".iep-widget");
    }
    busy = false;
    actions.length = 0;
    pending.clear();
    showBusy();
    return;
  }
  try {
    show(answer, page === generation);
  } finally {
    busy = false;
    flush();
  }
}

// -- showing Python's answers -----------------------------------------------------------------

function setText(element, value) {
  if (element && element.textContent !== value) element.textContent = value;
}

// Put `html` in place of `element`, keeping what was typed since the message was sent, and the
// reader's place in the field they are typing in.
function replaceKeepingTyped(element, html) {
  if (!element) return;
  const template = document.createElement("template");
  template.innerHTML = html;
  const fresh = template.content.firstElementChild;
  const active = element.contains(document.activeElement) ? document.activeElement : null;
  // A folded group the reader opened or closed stays so (the others open when they have rows).
  for (const group of element.querySelectorAll("details[id][data-reader-set]")) {
    const again = fresh.querySelector(`details#${CSS.escape(group.id)}`);
    if (again) {
      again.open = group.open;
      again.dataset.readerSet = "";
    }
  }
  element.replaceWith(fresh);
  for (const [path, value] of pending) {
    for (const field of fresh.querySelectorAll(`[data-path="${CSS.escape(path)}"]`)) {
      if (field.type === "checkbox") field.checked = value;
      else field.value = value;
    }
  }
  if (active && active.id) {
    const again = document.getElementById(active.id);
    if (again) {
      again.focus();
      if (typeof active.selectionStart === "number" && "setSelectionRange" in again) {
        try {
          again.setSelectionRange(active.selectionStart, active.selectionEnd);
        } catch {
          // date and number fields have no selection to restore
        }
      }
    }
  }
}

function comeAlive(answer) {
  clearTimeout(failTimer);
  alive = true;
  sessionStorage.removeItem(TYPED_KEY); // Python keeps the case in the tab from now on
  maxFileBytes = answer.maxFileBytes;
  for (const control of document.querySelectorAll("[data-action]")) control.disabled = false;
  for (const widget of document.querySelectorAll(".iep-widget")) {
    const ready = answer.ready[widget.dataset.widget] || answer.ready.letter;
    setText(widget.querySelector('[data-role="status"]'), ready);
    widget.dataset.state = "ready";
  }
  document.dispatchEvent(new CustomEvent("iep:ready"));
}

function showLetter(widget, view) {
  const readiness = widget.querySelector('[data-role="readiness"]');
  if (readiness && readiness.outerHTML !== view.readiness) readiness.outerHTML = view.readiness;
  widget.querySelector('[data-role="actions"]').hidden = !view.ready;
  setText(widget.querySelector('[data-role="subject"]'), view.subject);
  setText(widget.querySelector('[data-role="body"]'), view.body);
  widget.dataset.blanks = JSON.stringify(view.blanks);
  const blanks = widget.querySelector('[data-role="blanks"]');
  setText(blanks, view.blanksNote);
  blanks.hidden = view.blanks.length === 0;
  const email = widget.querySelector('[data-action="email"]');
  email.setAttribute("href", view.mailto || "#");
  if (view.mailto) email.removeAttribute("aria-disabled");
  else email.setAttribute("aria-disabled", "true");
  widget.querySelector('[data-action="download"]').setAttribute("href", view.download);
  const meaning = widget.querySelector('[data-role="meaning-region"]');
  if (meaning.innerHTML !== view.meaning) meaning.innerHTML = view.meaning;
}

function showProblems(problems) {
  for (const error of document.querySelectorAll("[data-error-for]")) {
    const problem = problems[error.dataset.errorFor] || "";
    setText(error, problem);
    const path = CSS.escape(error.dataset.errorFor);
    const field = error.parentElement.querySelector(`[data-path="${path}"]`);
    if (!field) continue;
    if (problem) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  }
}

function showOnPage(answer) {
  for (const [id, html] of Object.entries(answer.widgets)) {
    replaceKeepingTyped(document.getElementById(id), html);
  }
  for (const { uid, section, html } of answer.forms) {
    const selector = `[data-form-section="${CSS.escape(section)}"][data-uid="${CSS.escape(uid)}"]`;
    replaceKeepingTyped(document.querySelector(selector), html);
  }
  if (answer.ready) comeAlive(answer);
  if ("remember" in answer) {
    const boxes = document.querySelectorAll('[data-action="remember"]');
    for (const box of boxes) box.checked = answer.remember;
  }
  for (const widget of document.querySelectorAll('[data-widget="letter"]')) {
    const view = answer.letters[widget.dataset.letter];
    if (view) showLetter(widget, view);
    if (answer.notes) setText(widget.querySelector('[data-role="note"]'), answer.notes.letter);
  }
  for (const widget of document.querySelectorAll('[data-widget="gap"]')) {
    const region = widget.querySelector('[data-role="results-region"]');
    if (widget.id in answer.gaps) region.innerHTML = answer.gaps[widget.id];
    if (answer.notes) setText(widget.querySelector('[data-role="note"]'), answer.notes.gap);
  }
  const regions = [
    ["timeline", '[data-role="timeline"]'],
    ["stateSummary", '[data-role="state-summary"]'],
    ["headline", '[data-role="headline"]'],
  ];
  for (const [key, selector] of regions) {
    if (!(key in answer)) continue;
    for (const region of document.querySelectorAll(selector)) region.innerHTML = answer[key];
  }
  if ("sheet" in answer) {
    const sheets = document.querySelectorAll('[data-role="sheet"]');
    for (const sheet of sheets) setText(sheet, answer.sheet);
  }
  showProblems(answer.problems);
  for (const [id, note] of Object.entries(answer.messages)) {
    setText(document.getElementById(id)?.querySelector('[data-role="message"]'), note);
  }
  if (answer.say) {
    const caseMessages = document.querySelectorAll('[data-role="case-message"]');
    for (const region of caseMessages) setText(region, answer.say);
  }
  for (const undo of document.querySelectorAll('[data-action="undo-forget"]')) {
    undo.hidden = !answer.undo;
  }
  if (answer.focus) document.querySelector(answer.focus)?.focus();
}

function download({ body, name, type }) {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function show(answer, samePage) {
  if (answer.error) {
    console.error(`IEP Follow-Through: ${answer.detail}`);
    const statuses = document.querySelectorAll('[data-role="status"]');
    for (const status of statuses) setText(status, answer.error);
    return;
  }
  for (const [operation, area, key, value] of answer.storage) {
    if (operation === "set") AREAS[area].setItem(key, value);
    else AREAS[area].removeItem(key);
  }
  if (answer.download) download(answer.download);
  // An answer to a page that is gone is not drawn: the mount of the new page redraws it all.
  if (samePage) showOnPage(answer);
}

// -- what the reader does ---------------------------------------------------------------------

function typed(field) {
  const path = field.dataset.path;
  const value = fieldValue(field);
  // The same fact shown twice on a page (the facts form and a letter's form) shows the same value.
  for (const twin of document.querySelectorAll(`[data-path="${CSS.escape(path)}"]`)) {
    if (twin === field) continue;
    if (twin.type === "checkbox") twin.checked = value;
    else if (twin.value !== value) twin.value = value;
  }
  pending.set(path, value);
  if (!alive) {
    const typedBefore = JSON.parse(sessionStorage.getItem(TYPED_KEY) || "{}");
    sessionStorage.setItem(TYPED_KEY, JSON.stringify({ ...typedBefore, [path]: value }));
  }
  const service = /^services\.(\d+)\.name$/.exec(path);
  if (service) {
    // The headings that name this service follow its name as it is typed.
    for (const name of document.querySelectorAll(`[data-service-name="${service[1]}"]`)) {
      name.textContent = value.trim() || name.dataset.unnamed;
    }
  }
  flush();
}

async function readFile(field, action) {
  const file = field.files && field.files[0];
  if (!file) return;
  field.value = "";
  if (file.size > maxFileBytes) send({ action: "file-too-large" });
  else send({ ...action, source: await file.text() });
}

document.addEventListener("input", (event) => {
  if (event.target.dataset && event.target.dataset.path) typed(event.target);
});

document.addEventListener("change", (event) => {
  const field = event.target;
  const action = field.dataset && field.dataset.action;
  if (action === "choose-letter") {
    send({ action, widget: field.dataset.widgetId, letter: field.value });
  } else if (action === "import") readFile(field, { action });
  else if (action === "csv-import") {
    readFile(field, { action, service: Number(field.dataset.service) });
  }
  else if (action === "remember") send({ action, remember: field.checked });
  else if (field.dataset && field.dataset.path) typed(field);
});

// "Forget this case" asks first, beside the button; Undo brings the case back afterwards.
function askToForget(control, open) {
  const panel = document.getElementById(control.getAttribute("aria-controls"));
  panel.hidden = !open;
  control.setAttribute("aria-expanded", String(open));
  if (open) panel.querySelector('[data-action="keep"]').focus();
}

document.addEventListener("click", (event) => {
  const summary = event.target.closest(".iep-form details[id] > summary");
  if (summary) summary.parentElement.dataset.readerSet = "";
  const control = event.target.closest("[data-action]");
  const action = control && control.dataset.action;
  const tools = control && control.closest(".iep-case-tools");
  const asker = tools && tools.querySelector('[data-action="ask-forget"]');
  if (action === "ask-forget") askToForget(control, true);
  else if (action === "keep") {
    askToForget(asker, false);
    asker.focus();
  } else if (action === "forget") {
    askToForget(asker, false);
    send({ action });
  } else if (action === "export" || action === "csv-export" || action === "undo-forget") {
    send({ action });
  } else if (action === "add" || action === "show-all") {
    send({ action, list: control.dataset.list });
  } else if (action === "remove") send({ action, item: control.dataset.item });
  else if (action === "mark-sent") {
    send({ action, widget: control.closest('[data-widget="letter"]').id });
  }
});

// The language menu leads to this page in the other language, at the same place on it (the
// headings keep their English anchors). The page is built with its twins in the menu; after
// instant navigation the header stays, so its links are pointed at the new page's twins. The
// first language is the default one, whose pages are at the top; the others' are under
// /<language>/.
const siteRoot = new URL("../../../", import.meta.url); // this file is in assets/py/<version>/

function languageMenu() {
  return [...document.querySelectorAll(".md-select__link[hreflang]")];
}

function pathInLanguage(url) {
  const path = url.pathname.slice(siteRoot.pathname.length);
  const [first, ...rest] = path.split("/");
  return languageMenu().some((link, index) => index > 0 && link.hreflang === first)
    ? rest.join("/")
    : path;
}

function pointLanguagesAtThisPage() {
  const path = pathInLanguage(location);
  languageMenu().forEach((link, index) => {
    const folder = index === 0 ? "" : `${link.hreflang}/`;
    link.href = new URL(folder + path, siteRoot).href + location.hash;
  });
}

// A link into another language loads that page whole, so that its header, menus and words are
// in that language: instant navigation would only swap the content.
function languageOf(url) {
  const path = url.pathname.slice(siteRoot.pathname.length);
  return pathInLanguage(url) === path ? languageMenu()[0]?.hreflang : path.split("/")[0];
}

document.addEventListener(
  "click",
  (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.origin !== location.origin || !link.pathname.startsWith(siteRoot.pathname)) {
      return;
    }
    const here = languageOf(location);
    if (here && languageOf(new URL(link.href)) !== here) event.stopPropagation();
  },
  true,
);

window.addEventListener("hashchange", pointLanguagesAtThisPage);

function pageShown() {
  generation += 1;
  pointLanguagesAtThisPage();
  if (!document.querySelector(".iep-widget")) return;
  startPython();
  started.catch(() => showFailure());
  clearTimeout(failTimer);
  failTimer = setTimeout(showFailure, READY_TIMEOUT_MS);
  send({ action: "mount" });
}

// Offline: once a tool has started, a service worker keeps the site's own public files (never
// anything typed; see sw.js) so the guide and its tools work without a network. Not with Data
// Saver on, since it downloads the whole runtime. It is an extra: if it cannot register, the site
// works as before, so its failure is not reported to the reader.
function keepForOffline() {
  if (!("serviceWorker" in navigator) || navigator.connection?.saveData) return;
  // sw.js is at the site root; this file is in assets/py/<version>/.
  const worker = new URL("../../../sw.js", import.meta.url);
  navigator.serviceWorker.register(worker).catch(() => {});
}

// After a tool is live, so neither competes with Python starting, and a reader who only reads
// pages is not sent the whole runtime.
document.addEventListener("iep:ready", keepForOffline, { once: true });
document.addEventListener("iep:ready", keepSnapshot, { once: true });

// The home page, once loaded, has the browser fetch what Python's worker loads into its cache,
// at low priority, while the reader reads: the first tool they open then need not wait for the
// download. Nothing runs. Not with Data Saver on, as for the offline copy.
function fetchRuntimeAhead() {
  const files = document.querySelector("script[data-prefetch]")?.dataset.prefetch;
  if (!files || navigator.connection?.saveData) return;
  for (const file of files.split(" ")) {
    const link = document.createElement("link");
    link.rel = "prefetch";
    link.href = file;
    document.head.append(link);
  }
}

if (document.readyState === "complete") fetchRuntimeAhead();
else window.addEventListener("load", fetchRuntimeAhead, { once: true });

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(pageShown);
} else {
  pageShown();
}
