// Python, in a Web Worker: Pyodide starts and computes here, so the page is never frozen by it.
// python.js sends one "start" message with the addresses of the runtime, our archive and the
// compiled standard library (and of its later part), then one JSON message per thing the reader
// did; each gets builder.browser.session.handle's JSON answer, in order.
//
// The same script, in two more workers python.js starts one after the other once a tool is live,
// keeps a snapshot of Python's memory just after our code is imported: a later visit restores
// Python from it instead of starting and importing again. The first makes it ("makeSnapshot"),
// the second restores and keeps it ("keepSnapshot"). They are sent addresses and that snapshot,
// never anything the reader typed, so it holds the site's code and nothing of the reader's.
let python = null; // a promise of builder.browser.session.handle
const LATER_PATH = "/lib/python_stdlib_later.zip";
// Cache Storage, on this device only: one snapshot per copy of the site, named for its version
// (the folder of its Python files). Not named like the offline copy's caches, which sw.js
// replaces as a new version arrives: this one keeps its own (keepSnapshot).
const SNAPSHOTS = "python-snapshots-iep-follow-through";

// The standard library's later part (builder/later_modules.py), downloaded into Python's file
// system while Python waits: an import cannot wait for a promise, and a worker may make a
// synchronous request. Exported for the browser test that calls it in a page's own worker.
export function fetchLaterModules(runtime, url) {
  const request = new XMLHttpRequest();
  request.open("GET", url, false);
  request.responseType = "arraybuffer";
  request.send();
  if (request.status !== 200) throw new Error(`${url}: HTTP ${request.status}`);
  runtime.FS.writeFile(LATER_PATH, new Uint8Array(request.response));
  return LATER_PATH;
}

function download(url) {
  return fetch(url).then((response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
}

function snapshotAddress(archive) {
  return new URL("python.snapshot", archive).href;
}

// The snapshot kept for this version of the site (a Response, its bytes still unread), or null:
// none kept, or no Cache Storage here (a page served over plain HTTP from another machine, say).
async function keptSnapshot(archive) {
  try {
    return (await (await caches.open(SNAPSHOTS)).match(snapshotAddress(archive))) || null;
  } catch {
    return null;
  }
}

// Our archive unpacked, and our code imported (builder.browser.session and all it imports). In a
// restored snapshot our code is imported already, but its data files are files: unpacked anew.
async function importOurCode(runtime, code, { restored = false } = {}) {
  runtime.unpackArchive(await code, "zip");
  performance.mark("iep:archive-unpacked");
  // Our classes' methods, compiled at build time: Python need not compile them now.
  if (!restored) runtime.pyimport("builder.browser.dataclass_code").use_compiled();
  return runtime.pyimport("builder.browser.session");
}

// Pyodide, self-hosted, with our copy of the standard library, compiled at build time
// (builder/bytecode.py); `snapshot` holds Pyodide's own snapshot options, if any.
async function loadPython({ pyodide, stdlib }, snapshot = {}) {
  const { loadPyodide } = await import(pyodide);
  return loadPyodide({ indexURL: new URL(".", pyodide).href, stdLibURL: stdlib, ...snapshot });
}

async function start(addresses) {
  const { archive, later } = addresses;
  // Our archive downloads, and a kept snapshot is read, while Pyodide itself downloads.
  const code = download(archive);
  const snapshot = await keptSnapshot(archive);
  // A snapshot this Pyodide cannot restore (damaged, say) is dropped, and Python starts anew.
  const restored =
    snapshot &&
    (await loadPython(addresses, { _loadSnapshot: snapshot.arrayBuffer() }).catch(() => {
      caches.open(SNAPSHOTS).then((store) => store.delete(snapshotAddress(archive)));
      return null;
    }));
  const runtime = restored || (await loadPython(addresses));
  const fromSnapshot = runtime === restored;
  // Marks of where start-up goes, for the browser's performance tools and `make bench`.
  if (fromSnapshot) performance.mark("iep:snapshot-restored");
  performance.mark("iep:pyodide-started");
  const session = await importOurCode(runtime, code, { restored: fromSnapshot });
  runtime.pyimport("builder.browser.later_modules").install(() => fetchLaterModules(runtime, later));
  performance.mark("iep:code-imported");
  return { handle: session.handle, restored: fromSnapshot };
}

// Python started afresh, our code imported, and a snapshot of its memory made.
async function madeSnapshot(addresses) {
  const code = download(addresses.archive);
  const runtime = await loadPython(addresses, { _makeSnapshot: true });
  await importOurCode(runtime, code);
  return runtime.makeMemorySnapshot();
}

// A snapshot kept in Cache Storage, replacing the snapshots of this site's older versions. It is
// kept only once this browser has restored it: Pyodide's snapshots are experimental, and one
// larger than the memory Pyodide restores into cannot be restored (pyodide/pyodide#6254), so a
// reader's visit never tries one that fails.
async function keepSnapshot(addresses, snapshot) {
  await loadPython(addresses, { _loadSnapshot: snapshot });
  const store = await caches.open(SNAPSHOTS);
  const address = snapshotAddress(addresses.archive);
  const versions = new URL("..", address).href; // this site's assets/py/, one folder a version
  for (const request of await store.keys()) {
    if (request.url.startsWith(versions) && request.url !== address) await store.delete(request);
  }
  await store.put(address, new Response(snapshot));
}

self.addEventListener("message", ({ data }) => {
  if (data.start) {
    python = start(data.start);
    python.then(
      ({ restored }) => self.postMessage({ started: true, restored }),
      (error) => self.postMessage({ failed: String(error) }),
    );
    return;
  }
  if (data.makeSnapshot) {
    madeSnapshot(data.makeSnapshot).then(
      (snapshot) => self.postMessage({ snapshot }, [snapshot.buffer]),
      (error) => self.postMessage({ error: String(error) }),
    );
    return;
  }
  if (data.keepSnapshot) {
    const { addresses, snapshot } = data.keepSnapshot;
    keepSnapshot(addresses, snapshot).then(
      () => self.postMessage({ kept: true }),
      (error) => self.postMessage({ error: String(error) }),
    );
    return;
  }
  // handle() answers every message, errors included; an error here means Python itself broke.
  python
    .then(({ handle }) => handle(data.message))
    .then(
      (answer) => self.postMessage({ id: data.id, answer }),
      (error) => self.postMessage({ id: data.id, error: String(error) }),
    );
});
