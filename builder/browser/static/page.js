// The page script, on every page: only what must work without Python. The tools' page side (the
// forms, Python's answers drawn, storage, files) is Python, static/widgets.py, which PyScript
// runs in MicroPython on a page with a tool. This stays JavaScript because it must work where
// no Python runs:
// - on reading pages, which load no Python at all: the language menu points at this page's twin,
//   a link into another language loads that page whole, and the home page has the browser fetch
//   Python's files ahead;
// - before Python has started and when it cannot (no WebAssembly, a file that does not load):
//   the letters' Copy and Print work on the letter shown (pre-rendered at build time, then kept
//   current by widgets.py), a letter with [blanks] asks first, what is typed is kept in the tab
//   until Python holds it, and the tools say when Python could not start and what still works;
// - starting Python's worker (python.js) at the page's first frame, without waiting for
//   MicroPython, and bringing PyScript onto a tool page reached by instant navigation.
import { ask, keepSnapshot, startPython, started } from "./python.js";

export { ask, keepSnapshot, started };

const READY_TIMEOUT_MS = 90000;
// What is typed before Python is ready, in the tab's session storage, so a reload then loses
// nothing either (builder/browser/session.py names the other keys; widgets.py reads this one).
const TYPED_KEY = "iep-follow-through:typed:v1";
const tag = document.querySelector("script[data-widgets]");
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

// The tools that were still starting (or, when Python stopped later, all of them) say that Python
// is not running and what still works. widgets.py calls it too.
export function showFailure(which = '.iep-widget[data-state="loading"]') {
  clearTimeout(failTimer);
  for (const widget of document.querySelectorAll(which)) {
    widget.dataset.state = "failed";
    const status = widget.querySelector('[data-role="status"]');
    if (status && status.dataset.failed) status.textContent = status.dataset.failed;
  }
}

// widgets.py, once Python has answered the page's first mount: Python keeps the case from now on.
export function cameAlive() {
  clearTimeout(failTimer);
  alive = true;
  sessionStorage.removeItem(TYPED_KEY);
}

function keepTyped(event) {
  const field = event.target;
  const path = field.dataset && field.dataset.path;
  if (alive || !path) return;
  const value = field.type === "checkbox" ? field.checked : field.value;
  const typedBefore = JSON.parse(sessionStorage.getItem(TYPED_KEY) || "{}");
  sessionStorage.setItem(TYPED_KEY, JSON.stringify({ ...typedBefore, [path]: value }));
}

document.addEventListener("input", keepTyped);
document.addEventListener("change", keepTyped);

// PyScript, on a tool page: it runs the page's <script type="mpy"> (overrides/partials/
// runtime.html), or, on a tool page reached by instant navigation from a page without one, the
// same tags written here; once there, widgets.py stays and follows the navigation itself. Not in a
// browser without WebAssembly, where MicroPython cannot run either: the tools say so (above).
const pyscriptUrl = new URL(tag.dataset.pyscript, document.baseURI).href;
const widgetsUrl = new URL(tag.dataset.widgets, document.baseURI).href;
// Where widgets.py finds this module and itself, resolved against the first page's address
// (instant navigation changes the page's).
tag.dataset.pageJs = import.meta.url;
tag.dataset.widgets = widgetsUrl;
const pyscriptConfig = JSON.parse(tag.dataset.config);
pyscriptConfig.interpreter = new URL(pyscriptConfig.interpreter, document.baseURI).href;

function bringPyScript() {
  if (typeof WebAssembly !== "object") return;
  if (!document.querySelector('script[type="mpy"]')) {
    const settings = document.createElement("py-config");
    settings.hidden = true;
    settings.textContent = JSON.stringify({ plugins: pyscriptConfig.plugins });
    const script = document.createElement("script");
    script.type = "mpy";
    script.async = true;
    script.src = widgetsUrl;
    script.setAttribute("config", JSON.stringify(pyscriptConfig));
    document.body.append(settings, script);
  }
  performance.mark("iep:pyscript-asked"); // marks for the browser's tools and `make bench`
  import(pyscriptUrl).catch(() => showFailure());
}

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
  pointLanguagesAtThisPage();
  if (!document.querySelector(".iep-widget")) return;
  startPython();
  started.catch(() => showFailure());
  clearTimeout(failTimer);
  failTimer = setTimeout(showFailure, READY_TIMEOUT_MS);
  bringPyScript();
}

// The home page, once loaded, has the browser fetch what Python's worker loads into its cache,
// at low priority, while the reader reads: the first tool they open then need not wait for the
// download. Nothing runs. Not with Data Saver on, since it downloads the whole runtime.
function fetchRuntimeAhead() {
  const files = tag.dataset.prefetch;
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
