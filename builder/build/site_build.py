"""What the site build adds besides pages: the self-hosted runtime and the versioned Python archive.

Used by the MkDocs hooks (and by the tests). Every file name a page loads carries a version or a
content hash, so a returning reader never mixes an old cached runtime with new pages.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
import markupsafe

from builder import letters, templating, widgets
from builder.i18n import DEFAULT_LANGUAGE, languages
from builder.letter_catalogue import LETTERS_DIR

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
PACKAGE = Path(__file__).resolve().parents[1]
STATIC = PACKAGE / "browser" / "static"
# What the browser's Python imports, by folder: the core at the top of the package and the
# browser side (browser/), but not the files a page loads as they are (browser/static/), the build
# (build/) or the command line (cli/, and __main__.py, which `python -m builder` runs).
NOT_SHIPPED = (Path("browser", "static"), Path("build"), Path("cli"), Path("__main__.py"))
BYTECODE_SCRIPT = Path(__file__).resolve().parent / "bytecode.mjs"
# Pyodide's files, served as they are; its standard library is served compiled (Runtime.compiled)
# and its package index with no packages (PACKAGE_INDEX).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
PACKAGE_INDEX = "pyodide-lock.json"
STDLIB = "python_stdlib.zip"
LATER_STDLIB = "python_stdlib_later.zip"  # fetched only if one of its modules is imported
ARCHIVE = "iep.zip"  # our archive: builder/, letters/, Jinja2 and MarkupSafe (python_archive)
# A first message from a page with one tool of each kind: the standard library's modules that
# answering it imports are compiled at build time too (bytecode.py).
FIRST_MESSAGE = {
    "action": "mount",
    "today": "2026-01-01",
    "page": {
        "letters": [{"id": "letter", "name": "case-manager-note"}],
        "gaps": ["gap"],
        "forms": [{"uid": "letter", "section": "facts"}],
        "timeline": True,
        "sheet": True,
        "stateSummary": True,
    },
}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SERVICE_WORKER = "sw.js"
# Not kept for offline use: source maps (only developer tools load them), the gzipped sitemap (for
# search engines).
NOT_PRECACHED = (".map", ".gz")
# Material's search support for languages other than English: kept only for the site's own.
LUNR = "assets/javascripts/lunr/"


@dataclass(frozen=True)
class Compiled:
    """Our archive and Pyodide's standard library, as the browser loads them."""

    archive: bytes
    stdlib: bytes
    later_stdlib: bytes


class RuntimeMissing(RuntimeError):
    """The npm packages are not installed (run `make build`, which installs them)."""


@dataclass(frozen=True)
class Runtime:
    """Where each runtime file goes in the site, relative to the site root."""

    pyodide_version: str

    @classmethod
    def from_node_modules(cls) -> Runtime:
        return cls(pyodide_version=_npm_version("pyodide"))

    @property
    def pyodide_dir(self) -> str:
        return f"assets/runtime/pyodide-{self.pyodide_version}"

    @cached_property
    def archive(self) -> bytes:
        return python_archive()

    @cached_property
    def compiled(self) -> Compiled:
        """Our archive and the standard library, compiled by the Pyodide the site ships
        (bytecode.mjs): the browser imports their modules without compiling them."""
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "source.zip"
            archive, stdlib = Path(folder) / "archive.zip", Path(folder) / STDLIB
            later = Path(folder) / LATER_STDLIB
            source.write_bytes(self.archive)
            command = ["node", str(BYTECODE_SCRIPT), str(NODE_MODULES / "pyodide"), str(source)]
            outputs = [str(archive), str(stdlib), str(later), json.dumps(FIRST_MESSAGE)]
            compiled = subprocess.run(
                [*command, *outputs], capture_output=True, text=True, check=False
            )
            if compiled.returncode != 0:
                raise RuntimeError(f"compiling to bytecode failed: {compiled.stderr[-2000:]}")
            return Compiled(archive.read_bytes(), stdlib.read_bytes(), later.read_bytes())

    @cached_property
    def archive_hash(self) -> str:
        digest = hashlib.sha256(self.archive)
        digest.update(_static_bytes())
        digest.update(self.pyodide_version.encode())
        for compiler in sorted(BYTECODE_SCRIPT.parent.glob("bytecode.*")):
            digest.update(compiler.read_bytes())
        return digest.hexdigest()[:12]

    @property
    def python_dir(self) -> str:
        return f"assets/py/{self.archive_hash}"

    def template_paths(self) -> dict[str, str | list[str]]:
        """The URLs the page template needs (relative to the site root)."""
        return {
            "widgets_js": f"{self.python_dir}/widgets.js",
            "python_js": f"{self.python_dir}/python.js",
            "pyodide": f"{self.pyodide_dir}/pyodide.mjs",
            "worker_files": self.worker_files(),
        }

    def worker_files(self) -> list[str]:
        """Every file Python's worker loads as it starts (the page's own scripts aside)."""
        return [
            *(f"{self.pyodide_dir}/{name}" for name in (*PYODIDE_FILES, PACKAGE_INDEX)),
            *(f"{self.python_dir}/{name}" for name in ("worker.js", ARCHIVE, STDLIB)),
        ]

    def write(self, site_dir: Path) -> None:
        """Copy the runtime into the built site, with our archive and the tools' scripts."""
        pyodide = site_dir / self.pyodide_dir
        pyodide.mkdir(parents=True, exist_ok=True)
        for name in PYODIDE_FILES:
            shutil.copyfile(NODE_MODULES / "pyodide" / name, pyodide / name)
        (pyodide / PACKAGE_INDEX).write_text(package_index_without_packages())
        python = site_dir / self.python_dir
        python.mkdir(parents=True, exist_ok=True)
        (python / ARCHIVE).write_bytes(self.compiled.archive)
        (python / STDLIB).write_bytes(self.compiled.stdlib)
        (python / LATER_STDLIB).write_bytes(self.compiled.later_stdlib)
        for static in sorted(STATIC.iterdir()):
            if static.name != SERVICE_WORKER:  # it goes to the site root (write_service_worker)
                shutil.copyfile(static, python / static.name)


def package_index_without_packages() -> str:
    """Pyodide's package index, which it loads as it starts, with its packages left out: we load
    none (Jinja2 is in our archive), so the 26 KB are not downloaded, and no package can ever be
    fetched from Pyodide's own servers. Its `info` stays: Pyodide checks it matches the runtime."""
    released = json.loads((NODE_MODULES / "pyodide" / PACKAGE_INDEX).read_text())
    return json.dumps({"info": released["info"], "packages": {}})


def shipped(path: Path) -> bool:
    """Whether a file of the package, by its path inside it, goes into the browser's archive."""
    return not any(path.is_relative_to(folder) for folder in NOT_SHIPPED)


def python_archive() -> bytes:
    """builder/, letters/, jinja2 and markupsafe in one zip; the same input gives the same bytes."""
    entries: dict[str, bytes] = {}
    for path in _files(PACKAGE):
        if not shipped(path.relative_to(PACKAGE)):
            continue
        entries[f"builder/{path.relative_to(PACKAGE).as_posix()}"] = path.read_bytes()
    for path in _files(ROOT / "letters"):
        entries[f"letters/{path.relative_to(ROOT / 'letters').as_posix()}"] = path.read_bytes()
    entries.update(_compiled_templates())
    for module in (jinja2, markupsafe):
        package = Path(module.__file__ or "").parent
        for path in _files(package):
            if path.suffix == ".py":  # pure Python only: markupsafe falls back from its C speedups
                entries[f"{package.name}/{path.relative_to(package).as_posix()}"] = (
                    path.read_bytes()
                )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return buffer.getvalue()


def _compiled_templates() -> dict[str, bytes]:
    """Every letter and tool template compiled to Python (then to bytecode with the rest), where
    builder.templating looks for them."""
    environments = {
        f"letters/{folder.name}": letters.environment(folder.name)
        for folder in sorted(LETTERS_DIR.iterdir())
        if folder.is_dir()
    }
    environments["widgets"] = widgets.environment()
    prefix = templating.COMPILED.name
    return {
        f"{prefix}/{folder}/{module}": code.encode()
        for folder, environment in environments.items()
        for module, code in templating.compiled(environment).items()
    }


def _files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def _search_support() -> set[str]:
    """The search's files for the site's languages besides English (Material loads these)."""
    others = [code for code in languages() if code != DEFAULT_LANGUAGE]
    if not others:
        return set()
    names = ["stemmer.support", "multi", *others]
    return {f"{LUNR}min/lunr.{name}.min.js" for name in names}


def write_service_worker(site_dir: Path) -> str:
    """Write sw.js at the site root, listing every file a reader may load; its version.

    The version hashes every listed file, not only the Python archive: a change to any page or
    style gives a new cache, so a returning reader never mixes old and new files. At the root, the
    worker's scope is the whole site, under a GitHub project's sub-path too.
    """
    files = sorted(
        path.relative_to(site_dir).as_posix()
        for path in site_dir.rglob("*")
        if path.is_file() and path.name != SERVICE_WORKER and not path.name.endswith(NOT_PRECACHED)
    )
    files = [name for name in files if not name.startswith(LUNR) or name in _search_support()]
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (site_dir / name).read_bytes())
    version = digest.hexdigest()[:12]
    urls = [_page_url(name) for name in files]
    source = (STATIC / SERVICE_WORKER).read_text(encoding="utf-8")
    worker = source.replace("__VERSION__", version).replace(
        "[] /* __FILES__ */", json.dumps(urls, indent=0)
    )
    (site_dir / SERVICE_WORKER).write_text(worker, encoding="utf-8")
    return version


def _page_url(name: str) -> str:
    """The address a reader loads a file by: a page by its folder ("guide/x/", "./")."""
    folder, _, file = name.rpartition("/")
    if file != "index.html":
        return name
    return f"{folder}/" if folder else "./"


def _static_bytes() -> bytes:
    return b"".join(path.read_bytes() for path in sorted(STATIC.iterdir()))


def _npm_version(package: str) -> str:
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.exists():
        raise RuntimeMissing(f"{manifest} is missing: run `make build` (it runs `npm ci`).")
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return version


# Only the site itself. Python runs in a Web Worker: a worker loaded from the site gets its policy
# from its own response, not from this page's, so the pages need neither 'wasm-unsafe-eval' nor
# 'unsafe-eval' (which Pyodide needs) and stay free of eval. Every page carries the same policy
# because instant navigation keeps the first page's. Material's few inline scripts are allowed by
# their hashes; styles allow inline because Material sets style attributes. No other host is named.
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' {hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
)
_INLINE_SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S)


def content_security_policy(html: str) -> str:
    """The policy for one page: the site itself, plus the hashes of the page's inline scripts."""
    hashes = sorted(
        {
            "'sha256-"
            + base64.b64encode(hashlib.sha256(match["body"].encode()).digest()).decode()
            + "'"
            for match in _INLINE_SCRIPT.finditer(html)
            if "src=" not in match["attributes"]
            and "application/json" not in match["attributes"]
            and match["body"].strip()
        }
    )
    return "; ".join(CSP_DIRECTIVES).format(hashes=" ".join(hashes)).replace("  ", " ")


def with_content_security_policy(html: str) -> str:
    """The page with its policy as the first element of <head>."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(html)}">'
    return html.replace("<head>", f"<head>\n    {meta}", 1)
