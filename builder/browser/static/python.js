// The page's connection to Python, which runs in a Web Worker (worker.js) so that starting and
// computing never freeze the page. One worker per tab: instant navigation keeps this module, so
// Python keeps running with the reader's case in memory. (After a first visit two more,
// short-lived, one after the other, keep a snapshot of Python for the next: keepSnapshot.)
//
// On a page with a tool this module is loaded from <head> (async, tagged data-start) and starts
// the worker at the page's first frame; widgets.js imports the same module, and starts it after
// an instant navigation to a page with a tool.
const tag = document.querySelector("script[data-pyodide]");
// Resolved once, against the first page's address: instant navigation keeps this module.
const runtimeUrl = new URL(tag.dataset.pyodide, document.baseURI).href;
const waiting = new Map();
let worker = null;
let nextId = 0;
let markStarted;
let markFailed;
let restored = false; // this visit's Python was restored from a snapshot kept on the device
let lastAsked = 0; // when the page last sent Python something the reader did
// The snapshot is made once the reader has paused this long: its worker shares the processor.
const QUIET_MS = 1000;
// Keeping it takes about 160 MB more for a second or two in Chromium, 280 MB in WebKit (one more
// runtime and the snapshot), and a phone short of memory may close the whole tab, with what the
// reader typed: a device with less than this (in GB, as Chromium reports it; other browsers do not
// say) keeps none.
const SNAPSHOT_MIN_MEMORY_GB = 4;
const workerUrl = new URL("./worker.js", import.meta.url);

// Settles once: when Python can answer, or when it cannot start.
export const started = new Promise((resolve, reject) => {
  markStarted = resolve;
  markFailed = reject;
});
started.catch(() => {}); // widgets.js reports the failure; nobody else need listen

function received({ data }) {
  if (data.started) {
    restored = data.restored;
    markStarted();
  } else if (data.failed) markFailed(new Error(data.failed));
  else {
    const { resolve, reject } = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error) reject(new Error(data.error));
    else resolve(JSON.parse(data.answer));
  }
}

// Python could not start, or stopped (the worker ran out of memory, say): every wait ends.
function stopped(error) {
  markFailed(error);
  for (const { reject } of waiting.values()) reject(error);
  waiting.clear();
}

export function startPython() {
  if (worker) return;
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    stopped(new Error("this browser cannot run Python (no WebAssembly or Web Workers)"));
    return;
  }
  worker = new Worker(workerUrl, { type: "module" });
  worker.addEventListener("message", received);
  worker.addEventListener("error", (event) => stopped(new Error(event.message)));
  worker.postMessage({ start: addresses() });
}

function addresses() {
  return {
    pyodide: runtimeUrl,
    archive: new URL("./iep.zip", import.meta.url).href,
    stdlib: new URL("./python_stdlib.zip", import.meta.url).href,
    later: new URL("./python_stdlib_later.zip", import.meta.url).href,
  };
}

// Why this visit keeps no snapshot of Python, or "" if it may.
function snapshotSkipped() {
  if (restored) return "this visit restored one";
  if (!("caches" in self)) return "this browser keeps no Cache Storage here";
  if (navigator.deviceMemory < SNAPSHOT_MIN_MEMORY_GB) return "this device has little memory";
  return "";
}

// One step of keeping a snapshot, in a worker of its own that ends with it: the worker's answer.
function inSnapshotWorker(message, transfer = []) {
  return new Promise((resolve, reject) => {
    const keeper = new Worker(workerUrl, { type: "module", name: "python-snapshot" });
    const done = (data) => {
      keeper.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve(data);
    };
    keeper.addEventListener("message", ({ data }) => done(data));
    keeper.addEventListener("error", (event) => done({ error: event.message }));
    keeper.postMessage(message, transfer);
  });
}

// Once a tool is live and the reader pauses: a snapshot of Python with our code imported is made
// and kept, so a later visit restores it instead of starting Python anew (worker.js). One worker
// makes it and ends; only then does a second restore it, to check it, and keep it, so two
// runtimes are never in memory at once. They are sent addresses and that snapshot, never what the
// reader typed. It is an extra: if it is skipped or fails, the next visit starts Python as this
// one did. Its end is marked (with the reason or the error, if any) for the browser's
// performance tools, `make bench` and the tests.
export function keepSnapshot() {
  const skipped = snapshotSkipped();
  if (skipped) {
    performance.mark("iep:snapshot-not-kept", { detail: skipped });
    return;
  }
  if (waiting.size > 0 || performance.now() - lastAsked < QUIET_MS) {
    setTimeout(keepSnapshot, QUIET_MS);
    return;
  }
  inSnapshotWorker({ makeSnapshot: addresses() })
    .then(({ snapshot }) =>
      inSnapshotWorker({ keepSnapshot: { addresses: addresses(), snapshot } }, [snapshot.buffer]),
    )
    .then(
      () => performance.mark("iep:snapshot-kept"),
      (error) => performance.mark("iep:snapshot-not-kept", { detail: error.message }),
    );
}

// Python's answer to one message; messages are answered in the order they are sent.
export async function ask(message) {
  await started;
  const id = nextId++;
  lastAsked = performance.now();
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, message: JSON.stringify(message) });
  });
}

// From the page's first frame: the browser draws none before the page's styles are in, so
// Python's download (over 6 MB) never holds up the page's own first paint on a slow network. A
// tab in the background draws no frames, so one opened there, or sent there before its first
// frame, starts Python at once.
if (tag.hasAttribute("data-start")) {
  if (document.visibilityState === "hidden") startPython();
  else {
    requestAnimationFrame(() => startPython());
    document.addEventListener("visibilitychange", () => startPython(), { once: true });
  }
}
