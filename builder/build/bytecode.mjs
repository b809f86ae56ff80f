// Build time only: runs builder/bytecode.py in the same Pyodide the site ships, which compiles our
// archive, and the standard library's modules that Python and our code import, to bytecode for
// that Pyodide.
// Usage: node builder/bytecode.mjs PYODIDE_DIR SOURCE_ZIP ARCHIVE_OUT STDLIB_OUT LATER_OUT FIRST_MESSAGE
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, sourceZip, archiveOutput, stdlibOutput, laterOutput, firstMessage] =
  process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${pyodideDir}/` });

// What a tool page imports: Python's start, every module of ours, and what answering a first
// message imports (a page with one tool of each kind); before bytecode.py's own imports, which
// the browser never makes. Meanwhile, the methods dataclasses writes for our classes are kept.
const source = new Uint8Array(readFileSync(sourceZip));
pyodide.unpackArchive(source, "zip", { extractDir: "/source" });
pyodide.runPython("import sys; sys.path.insert(0, '/source')");
const dataclassCode = pyodide.pyimport("builder.browser.dataclass_code").recording();
for (const name of pyodide.FS.readdir("/source/builder").filter((n) => n.endsWith(".py"))) {
  pyodide.pyimport(`builder.${name.slice(0, -3)}`);
}
pyodide.pyimport("builder.browser.session").handle(firstMessage);
const imported = pyodide.runPython("sys.path.pop(0); list(sys.modules)").toJs();

pyodide.FS.writeFile("/source.zip", source);
pyodide.FS.writeFile("/bytecode.py", readFileSync(new URL("./bytecode.py", import.meta.url)));
const bytecode = pyodide.runPython("sys.path.insert(0, '/'); import bytecode; bytecode");
const later = bytecode.compile_stdlib("/stdlib.zip", "/later.zip", imported, "/source.zip");
bytecode.compile_archive("/source.zip", "/archive.zip", dataclassCode, later);
writeFileSync(archiveOutput, pyodide.FS.readFile("/archive.zip"));
writeFileSync(stdlibOutput, pyodide.FS.readFile("/stdlib.zip"));
writeFileSync(laterOutput, pyodide.FS.readFile("/later.zip"));
