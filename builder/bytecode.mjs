// Build time only: replaces each module of the Python archive by its bytecode, compiled by the same
// Pyodide the site ships, so the browser imports our code and Jinja2 without compiling them on
// every visit. Usage: node builder/bytecode.mjs PYODIDE_DIR SOURCE_ZIP OUTPUT_ZIP
// Bytecode alone ("sourceless", module.pyc where module.py was) is smaller than bytecode next to
// its source; tracebacks lose their source lines, which the page never shows. The archive's folder
// name hashes the sources and the Pyodide version, so bytecode and sources always match.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, sourceZip, outputZip] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${pyodideDir}/` });
pyodide.FS.writeFile("/source.zip", new Uint8Array(readFileSync(sourceZip)));
pyodide.runPython(`
import os
import py_compile
import zipfile

with zipfile.ZipFile("/source.zip") as source:
    entries = {info.filename: (info, source.read(info)) for info in source.infolist()}
compiled = {}
for name, (info, data) in entries.items():
    if not name.endswith(".py"):
        continue
    os.makedirs(os.path.dirname(f"/work/{name}"), exist_ok=True)
    with open(f"/work/{name}", "wb") as module:
        module.write(data)
    py_compile.compile(
        f"/work/{name}",
        cfile="/compiled.pyc",
        dfile=name,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    with open("/compiled.pyc", "rb") as bytecode:
        compiled[name] = (zipfile.ZipInfo(f"{name}c", date_time=info.date_time), bytecode.read())
for name, entry in compiled.items():
    del entries[name]
    entries[entry[0].filename] = entry
with zipfile.ZipFile("/with-bytecode.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for name in sorted(entries):
        info, data = entries[name]
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)
`);
writeFileSync(outputZip, pyodide.FS.readFile("/with-bytecode.zip"));
