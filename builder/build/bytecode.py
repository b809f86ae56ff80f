"""Build time only, run inside the Pyodide the site ships (by bytecode.mjs): compiles Python to
bytecode with that Pyodide's own interpreter, so the browser imports modules without compiling
them on every visit.

- Our archive: every module is replaced by its bytecode, and the methods dataclasses wrote for
  our classes as bytecode.mjs imported them are added, compiled (builder/browser/dataclass_code.py).
- Pyodide's standard library, which Pyodide ships as source: the modules Python imports as it
  starts, and those our code imports, are replaced by their bytecode. Compiling them was most of
  Python's start in the browser. The modules that any of those could still import, on a path the
  build did not take, stay source (compiled if ever imported), to keep the download small, and
  those outside the packages already loaded go into a second, later zip, fetched only if one of
  them is ever imported (builder/browser/later_modules.py). The modules none of them can import are left
  out (import_closure), as are the sources of the modules the interpreter has frozen into
  itself, which it never reads.

Bytecode alone ("sourceless", module.pyc where module.py was) is smaller than bytecode next to its
source; tracebacks lose their source lines, which the page never shows. The standard library's
bytecode is compiled as `python -OO` compiles it, without docstrings and asserts: 10% less to
download, and nothing in the page reads a docstring. Our archive is compiled as written, as it is
tested. Both zips are written with their entries sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import ast
import json
import marshal
import py_compile
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import CodeType

SOURCE = ".py"
FROZEN = "frozen"  # the origin of a module the interpreter has built in, compiled
AS_WRITTEN, WITHOUT_DOCSTRINGS = -1, 2  # py_compile's optimisation levels
DATACLASS_CODE = "builder/browser/dataclass-code.marshal"
LATER_MODULES = "builder/browser/later-modules.json"
# Kept, with all they import, though no import statement may name them (a name starting so):
IMPORTED_BY_NAME = (
    # Codecs, by their names: the Unicode ones, ASCII and Latin-1 (and those the build saw used).
    # Python here decodes no other text: the page reads each file as UTF-8 before Python sees it.
    *("encodings.utf_", "encodings.ascii", "encodings.latin_1"),
    *("encodings.unicode_escape", "encodings.raw_unicode_escape"),
    *("pyodide", "_pyodide"),  # Pyodide's own modules, by its JavaScript
    "_sysconfigdata",  # by sysconfig, under a name it works out
    *("_strptime", "_pylong"),  # by the interpreter's C code (parsing dates, huge numbers)
)
# Never run in the page's worker, so left out, with what only they import (a name starting so):
NEVER_RUN_HERE = (
    *("pydoc", "_pyrepl", "pdb", "pyodide.console"),  # the console's help, prompt and debugger
    *("multiprocessing", "concurrent.futures.process"),  # other processes: a browser starts none
)


def compile_archive(
    source_zip: str,
    output_zip: str,
    dataclass_code: dict[str, CodeType],
    later_modules: Iterable[str],
) -> None:
    """Replace every module of our archive by its bytecode, and add the methods dataclasses
    wrote for our classes, compiled (builder/browser/dataclass_code.py reads them), and the names of the
    later zip's modules (builder/browser/later_modules.py reads them)."""
    with zipfile.ZipFile(source_zip) as source:
        entries = {info.filename: (info, source.read(info)) for info in source.infolist()}
    entries = _compiled(entries, lambda name: name.endswith(SOURCE), AS_WRITTEN)
    entries[DATACLASS_CODE] = (zipfile.ZipInfo(DATACLASS_CODE), marshal.dumps(dataclass_code))
    index = json.dumps(sorted(later_modules)).encode()
    entries[LATER_MODULES] = (zipfile.ZipInfo(LATER_MODULES), index)
    _write(output_zip, entries)


def compile_stdlib(
    output_zip: str, later_zip: str, imported: Iterable[str], source_zip: str
) -> list[str]:
    """Pyodide's standard library as the browser loads it, in two zips.

    - `output_zip`, loaded as Python starts: every top-level module or package that Python's
      start or our code imported (`imported`), with those modules replaced by their bytecode.
    - `later_zip`, fetched only if one of its modules is ever imported: the other modules that
      any module (of the library or of our archive, `source_zip`) can ever import, as source.

    The rest is left out (import_closure). Returns the later zip's top-level module names.
    """
    stdlib_zip = next(entry for entry in sys.path if entry.endswith(".zip"))
    imported = set(imported)
    prefix = f"{stdlib_zip}/"
    origins = {name: getattr(sys.modules[name].__spec__, "origin", None) for name in imported}
    imported_files = {
        origin[len(prefix) :] for origin in origins.values() if origin and origin.startswith(prefix)
    }
    with zipfile.ZipFile(stdlib_zip) as stdlib:
        entries = {info.filename: (info, stdlib.read(info)) for info in stdlib.infolist()}
    stdlib_modules = _modules(entries)
    sources = {
        name: module
        for name, module in {**stdlib_modules, **_modules_in(source_zip)}.items()
        if name in imported or not name.startswith(NEVER_RUN_HERE)
    }
    roots = [*imported, *(name for name in sources if name.startswith(IMPORTED_BY_NAME))]
    needed = import_closure(roots, sources)
    # The interpreter imports its frozen modules (os, codecs, importlib's bootstrap) from its own
    # binary: their source files are read by nothing, though what they import is still needed.
    frozen = {name for name, origin in origins.items() if origin == FROZEN}
    left_out = (set(stdlib_modules) - needed) | (frozen & set(stdlib_modules))
    unused = {_file_of(name, stdlib_modules[name][1]) for name in left_out}
    modules = {name for name in entries if name.endswith(SOURCE) and name not in unused}
    # Other files (a README, a type checker's settings) only where a module of theirs is kept.
    packages = {_top_level(name) for name in modules}
    files = {
        name
        for name in entries
        if name in modules or (not name.endswith(("/", SOURCE)) and _top_level(name) in packages)
    }
    # A folder left empty goes too: Python would import it as an empty namespace package.
    folders = {name[: end + 1] for name in files for end, char in enumerate(name) if char == "/"}
    kept = {name: entry for name, entry in entries.items() if name in files or name in folders}
    imported_packages = {_top_level(name) for name in imported_files}
    later = {
        name: entry for name, entry in kept.items() if _top_level(name) not in imported_packages
    }
    now = {name: entry for name, entry in kept.items() if name not in later}
    _write(output_zip, _compiled(now, imported_files.__contains__, WITHOUT_DOCSTRINGS))
    _write(later_zip, later)
    return sorted({_top_level(name) for name in later if name.endswith(SOURCE)})


def _top_level(path: str) -> str:
    """The top-level module or package a zip entry belongs to (email/parser.py: email)."""
    return path.split("/")[0].removesuffix(SOURCE)


def _modules_in(zip_path: str) -> dict[str, tuple[str, bool]]:
    with zipfile.ZipFile(zip_path) as archive:
        return _modules({info.filename: (info, archive.read(info)) for info in archive.infolist()})


def _modules(entries: dict[str, tuple[zipfile.ZipInfo, bytes]]) -> dict[str, tuple[str, bool]]:
    """Each Python module among a zip's entries: its name, its source and whether it is a
    package."""
    modules = {}
    for path, (_, data) in entries.items():
        if path.endswith(SOURCE):
            name = path.removesuffix(SOURCE).replace("/", ".")
            package = name.endswith(".__init__")
            modules[name.removesuffix(".__init__")] = (data.decode("utf-8"), package)
    return modules


def _file_of(module: str, is_package: bool) -> str:
    return module.replace(".", "/") + ("/__init__" if is_package else "") + SOURCE


def _compiled(
    entries: dict[str, tuple[zipfile.ZipInfo, bytes]],
    wanted: Callable[[str], bool],
    optimize: int,
) -> dict[str, tuple[zipfile.ZipInfo, bytes]]:
    result = {}
    for name, (info, data) in entries.items():
        if wanted(name):
            compiled = zipfile.ZipInfo(name + "c", date_time=info.date_time)
            result[compiled.filename] = (compiled, _bytecode(name, data, optimize))
        else:
            result[name] = (info, data)
    return result


def _bytecode(name: str, source: bytes, optimize: int) -> bytes:
    """The bytecode of one module (a .pyc file), at py_compile's `optimize` level; it is never
    checked against a source file (none ships)."""
    with tempfile.TemporaryDirectory() as folder:
        module, output = Path(folder, "module.py"), Path(folder, "module.pyc")
        module.write_bytes(source)
        py_compile.compile(
            str(module),
            cfile=str(output),
            dfile=name,
            doraise=True,
            optimize=optimize,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        return output.read_bytes()


def _write(output_zip: str, entries: dict[str, tuple[zipfile.ZipInfo, bytes]]) -> None:
    with zipfile.ZipFile(output_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info, data = entries[name]
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def import_closure(roots: Iterable[str], sources: Mapping[str, tuple[str, bool]]) -> set[str]:
    """The modules of `sources` (module name -> its source, and whether it is a package) that
    `roots` and what they import can ever import, at any depth. Every import statement counts,
    wherever it is (in a function, under `try`, for a type checker), as do calls to import a
    module named in the code, so a module imported only on a rare path is still there."""
    found: set[str] = set()
    waiting = list(roots)
    while waiting:
        name = waiting.pop()
        if name in found or name not in sources:
            continue
        found.add(name)
        waiting.extend(_imports(name, *sources[name]))
    return found


def _imports(name: str, source: str, is_package: bool) -> Iterator[str]:
    """Every module `source` may import: each module named, its packages, and, for `from P
    import N`, the module P.N in case N is one."""
    package = name if is_package else name.rpartition(".")[0]
    body = [node for node in ast.parse(source).body if not _runs_as_script_only(node)]
    # Imports are statements; only a module that calls an import function needs every node seen.
    calls = "__import__(" in source or "import_module(" in source
    for node in ast.walk(ast.Module(body, [])) if calls else _statements(body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _with_packages(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module or "", node.level, package)
            yield from _with_packages(base)
            yield from (f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _names_a_module(node):
            yield from _with_packages(node.args[0].value)  # type: ignore[attr-defined]


def _statements(body: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Each statement of `body`, and those inside it (in a function, a class, a branch...)."""
    for node in body:
        yield node
        for part in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from _statements(getattr(node, part, ()))


def _absolute(module: str, level: int, package: str) -> str:
    if level == 0:
        return module
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{module}" if module else base


def _with_packages(module: str) -> Iterator[str]:
    parts = module.split(".")
    yield from (".".join(parts[:end]) for end in range(1, len(parts) + 1))


def _names_a_module(call: ast.Call) -> bool:
    """`__import__("name")` or `importlib.import_module("name")`, the name written out."""
    function = call.func
    called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return (
        called in ("__import__", "import_module")
        and bool(call.args)
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    )


def _runs_as_script_only(node: ast.stmt) -> bool:
    """`if __name__ == "__main__":`, which runs only when a module is run as a script."""
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(
            isinstance(value, ast.Constant) and value.value == "__main__"
            for value in test.comparators
        )
    )
