"""Build time only, run inside the Pyodide the site ships (by bytecode.mjs): compiles Python to
bytecode with that Pyodide's own interpreter, so the browser imports modules without compiling
them on every visit.

- Our archive: every module is replaced by its bytecode, and the methods dataclasses wrote for
  our classes as bytecode.mjs imported them are added, compiled (builder/dataclass_code.py).
- Pyodide's standard library, which Pyodide ships as source: the modules Python imports as it
  starts, and those our code imports, are replaced by their bytecode. Compiling them was most of
  Python's start in the browser. The other modules stay source, to keep the download small; one
  that is ever imported is compiled then.

Bytecode alone ("sourceless", module.pyc where module.py was) is smaller than bytecode next to its
source; tracebacks lose their source lines, which the page never shows. Both zips are written
with their entries sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import marshal
import py_compile
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from types import CodeType

SOURCE = ".py"
DATACLASS_CODE = "builder/dataclass-code.marshal"


def compile_archive(source_zip: str, output_zip: str, dataclass_code: dict[str, CodeType]) -> None:
    """Replace every module of our archive by its bytecode, and add the methods dataclasses
    wrote for our classes, compiled (builder/dataclass_code.py reads them)."""
    with zipfile.ZipFile(source_zip) as source:
        entries = {info.filename: (info, source.read(info)) for info in source.infolist()}
    entries = _compiled(entries, lambda name: name.endswith(SOURCE))
    entries[DATACLASS_CODE] = (zipfile.ZipInfo(DATACLASS_CODE), marshal.dumps(dataclass_code))
    _write(output_zip, entries)


def compile_stdlib(output_zip: str, imported: Iterable[str]) -> None:
    """Replace by their bytecode the standard library's modules named in `imported`."""
    stdlib_zip = next(entry for entry in sys.path if entry.endswith(".zip"))
    prefix = f"{stdlib_zip}/"
    origins = (getattr(sys.modules[name].__spec__, "origin", None) for name in imported)
    files = {origin[len(prefix) :] for origin in origins if origin and origin.startswith(prefix)}
    with zipfile.ZipFile(stdlib_zip) as stdlib:
        entries = {info.filename: (info, stdlib.read(info)) for info in stdlib.infolist()}
    _write(output_zip, _compiled(entries, files.__contains__))


def _compiled(
    entries: dict[str, tuple[zipfile.ZipInfo, bytes]], wanted: Callable[[str], bool]
) -> dict[str, tuple[zipfile.ZipInfo, bytes]]:
    result = {}
    for name, (info, data) in entries.items():
        if wanted(name):
            compiled = zipfile.ZipInfo(name + "c", date_time=info.date_time)
            result[compiled.filename] = (compiled, _bytecode(name, data))
        else:
            result[name] = (info, data)
    return result


def _bytecode(name: str, source: bytes) -> bytes:
    """The bytecode of one module; it is never checked against a source file (none ships)."""
    with tempfile.TemporaryDirectory() as folder:
        module, output = Path(folder, "module.py"), Path(folder, "module.pyc")
        module.write_bytes(source)
        py_compile.compile(
            str(module),
            cfile=str(output),
            dfile=name,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        return output.read_bytes()


def _write(output_zip: str, entries: dict[str, tuple[zipfile.ZipInfo, bytes]]) -> None:
    with zipfile.ZipFile(output_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info, data = entries[name]
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
