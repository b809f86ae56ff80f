// Python, in a Web Worker: Pyodide starts and computes here, so the page is never frozen by it.
// python.js sends one "start" message with the addresses of the runtime, our archive and the
// compiled standard library (and of its later part), then one JSON message per thing the reader
// did; each gets builder.session.handle's JSON answer, in order.
let python = null; // a promise of builder.session.handle
const LATER_PATH = "/lib/python_stdlib_later.zip";

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

async function start({ pyodide, archive, stdlib, later }) {
  // Our archive downloads while Pyodide itself downloads and starts.
  const code = fetch(archive).then((response) => {
    if (!response.ok) throw new Error(`${archive}: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  const { loadPyodide } = await import(pyodide);
  // Our copy of the standard library, compiled at build time (builder/bytecode.py).
  const runtime = await loadPyodide({ indexURL: new URL(".", pyodide).href, stdLibURL: stdlib });
  // Marks of where start-up goes, for the browser's performance tools and `make bench`.
  performance.mark("iep:pyodide-started");
  runtime.unpackArchive(await code, "zip");
  performance.mark("iep:archive-unpacked");
  runtime.pyimport("builder.later_modules").install(() => fetchLaterModules(runtime, later));
  // Our classes' methods, compiled at build time: Python need not compile them now.
  runtime.pyimport("builder.dataclass_code").use_compiled();
  const { handle } = runtime.pyimport("builder.session");
  performance.mark("iep:code-imported");
  return handle;
}

self.addEventListener("message", ({ data }) => {
  if (data.start) {
    python = start(data.start);
    python.then(
      () => self.postMessage({ started: true }),
      (error) => self.postMessage({ failed: String(error) }),
    );
    return;
  }
  // handle() answers every message, errors included; an error here means Python itself broke.
  python
    .then((handle) => handle(data.message))
    .then(
      (answer) => self.postMessage({ id: data.id, answer }),
      (error) => self.postMessage({ id: data.id, error: String(error) }),
    );
});
