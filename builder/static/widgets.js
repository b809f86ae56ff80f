// The parts of the tools that need no Python, and the start of the Python runtime.
// - Copy and print work on the letter shown (pre-rendered at build time, then kept current by
//   Python), so they work before, during and without the runtime.
// - The runtime (PyScript on Pyodide, served by this site) starts only when a page with a tool is
//   shown, on the first load or after an instant navigation; Python then keeps running, with the
//   reader's case in memory, and is asked to mount each new page's tools.
// - When Python cannot start, the page says so and says what still works.
// - After a first visit, a service worker keeps the site's files for offline use.
const READY_TIMEOUT_MS = 90000;
const runtime = document.querySelector("script[data-iep-runtime]");
// Resolved once, against the first page's address: instant navigation keeps this script.
const url = (name) => new URL(runtime.getAttribute(`data-${name}`), document.baseURI).href;
const paths = {
  pyscript: url("pyscript"),
  pyscriptCss: url("pyscript-css"),
  main: url("main"),
  config: url("config"),
};
let started = false;
let failTimer = null;

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

// In the capture phase, before Material's instant navigation can follow a disabled mail link.
document.addEventListener(
  "click",
  (event) => {
    const control = event.target.closest("[data-action]");
    const widget = control && control.closest(".iep-widget");
    if (!widget) return;
    const action = control.dataset.action;
    if (action === "copy") copyLetter(widget);
    else if (action === "print") printLetter(widget);
    else if (action === "email" && control.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      event.stopPropagation();
      say(widget, widget.dataset.emailTooLong);
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

function showFailure() {
  for (const widget of document.querySelectorAll('.iep-widget[data-state="loading"]')) {
    widget.dataset.state = "failed";
    const status = widget.querySelector('[data-role="status"]');
    if (status && status.dataset.failed) status.textContent = status.dataset.failed;
  }
}

// PyScript resolves the config's interpreter against the page, not against the config file, so
// under a sub-path (a GitHub project site) the file's relative path would leave the site. The
// config is read here and given inline, every URL in it resolved against the file's own address.
async function inlineConfig() {
  const response = await fetch(paths.config);
  if (!response.ok) throw new Error(`${paths.config}: ${response.status}`);
  const config = await response.json();
  const resolve = (path) => new URL(path, paths.config).href;
  config.interpreter = resolve(config.interpreter);
  config.files = Object.fromEntries(
    Object.entries(config.files).map(([from, to]) => [resolve(from), to]),
  );
  return JSON.stringify(config);
}

async function startPython() {
  started = true;
  let config;
  try {
    config = await inlineConfig();
  } catch {
    showFailure();
    return;
  }
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = paths.pyscriptCss;
  document.head.append(css);
  const main = document.createElement("script");
  main.type = "py";
  main.src = paths.main;
  main.setAttribute("config", config);
  document.body.append(main);
  const core = document.createElement("script");
  core.type = "module";
  core.src = paths.pyscript;
  core.onerror = showFailure;
  document.head.append(core);
}

function pageShown() {
  if (!document.querySelector(".iep-widget")) return;
  if (typeof WebAssembly !== "object") {
    showFailure();
    return;
  }
  clearTimeout(failTimer);
  failTimer = setTimeout(showFailure, READY_TIMEOUT_MS);
  if (typeof window.iepMount === "function") window.iepMount();
  else if (!started) startPython();
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

// After a tool is live, so the download never competes with Python starting, and a reader who
// only reads pages is not sent the whole runtime.
document.addEventListener("iep:ready", keepForOffline, { once: true });
window.addEventListener("py:error", showFailure);
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(pageShown);
} else {
  pageShown();
}
