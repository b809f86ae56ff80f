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
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
STATIC = Path(__file__).resolve().parent / "static"
# Build-time and command-line modules stay out of the browser archive: only what runs is shipped.
NOT_SHIPPED = {"cli.py", "__main__.py", "mkdocs_hooks.py", "site_build.py"}
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# PyScript's parts that no page of this site requests, by name without their content hash (`make
# bench` lists the runtime files a tool page's first visit did not request): the code editor
# (codemirror, and its `index`), the terminal (xterm, and its `py` and `mpy` glue), TOML configs
# (ours is JSON), MicroPython's zip reader (Pyodide unpacks our archive itself), the package graph
# (no `packages`), the optional storage module and the service worker. core.js imports the editor,
# game and terminal plugins themselves eagerly, so those are shipped. A part dropped by mistake
# stops Python on every tool page, which the browser tests catch.
PYSCRIPT_UNUSED = frozenset(
    {
        "codemirror",
        "codemirror_commands",
        "codemirror_lang-python",
        "codemirror_language",
        "codemirror_state",
        "codemirror_view",
        "index",
        "mpy",
        "py",
        "pyodide_graph",
        "service-worker",
        "storage",
        "toml",
        "xterm",
        "xterm-readline",
        "xterm_addon-fit",
        "xterm_addon-web-links",
        "zip",
    }
)
CONTENT_HASH = re.compile(r"-[A-Za-z0-9_-]{8}$")  # as in "xterm-Bdboj2r8.js"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SERVICE_WORKER = "sw.js"
# Not kept for offline use: source maps (only developer tools load them), the gzipped sitemap (for
# search engines).
NOT_PRECACHED = (".map", ".gz")
# Material's search plugins for other languages: this site searches in English only.
NOT_PRECACHED_FOLDERS = ("assets/javascripts/lunr/",)


class RuntimeMissing(RuntimeError):
    """The npm packages are not installed (run `make build`, which installs them)."""


@dataclass(frozen=True)
class Runtime:
    """Where each runtime file goes in the site, relative to the site root."""

    pyodide_version: str
    pyscript_version: str

    @classmethod
    def from_node_modules(cls) -> Runtime:
        return cls(
            pyodide_version=_npm_version("pyodide"),
            pyscript_version=_npm_version("@pyscript/core"),
        )

    @property
    def pyodide_dir(self) -> str:
        return f"assets/runtime/pyodide-{self.pyodide_version}"

    @property
    def pyscript_dir(self) -> str:
        return f"assets/runtime/pyscript-{self.pyscript_version}"

    @cached_property
    def archive(self) -> bytes:
        return python_archive()

    @cached_property
    def archive_hash(self) -> str:
        digest = hashlib.sha256(self.archive)
        digest.update(_static_bytes())
        digest.update(self.pyodide_version.encode() + self.pyscript_version.encode())
        return digest.hexdigest()[:12]

    @property
    def python_dir(self) -> str:
        return f"assets/py/{self.archive_hash}"

    def template_paths(self) -> dict[str, Any]:
        """The URLs the page template needs (relative to the site root)."""
        return {
            "pyscript": f"{self.pyscript_dir}/core.js",
            "pyscript_css": f"{self.pyscript_dir}/core.css",
            "widgets_js": f"{self.python_dir}/widgets.js",
            "main": f"{self.python_dir}/main.py",
            "config": f"{self.python_dir}/pyscript.json",
            "preload": self.preload(),
        }

    def preload(self) -> dict[str, list[str]]:
        """What a page with a tool needs to start Python, for its <head> to ask for at once.

        Left alone, the browser asks for each file only when the one before it has run
        (widgets.js, PyScript, its config, Pyodide and its parts, then, once Python is up, our
        archive and main.py): a chain of round trips that a phone on a slow network feels.
        The WebAssembly file is left to Pyodide's own streaming fetch, which Chrome pairs with
        the compiled code it kept from the last visit (a preload is a request of its own), and
        at 9.6 MB it would compete with the page's own scripts.
        """
        return {
            "modules": [
                *(f"{self.pyscript_dir}/{name}" for name in _pyscript_started()),
                f"{self.pyodide_dir}/pyodide.mjs",
                f"{self.pyodide_dir}/pyodide.asm.mjs",
            ],
            "fetched": [
                f"{self.python_dir}/pyscript.json",
                f"{self.pyodide_dir}/pyodide-lock.json",
                f"{self.pyodide_dir}/python_stdlib.zip",
                f"{self.python_dir}/iep.zip",
                f"{self.python_dir}/main.py",
            ],
        }

    def write(self, site_dir: Path) -> None:
        """Copy the runtime into the built site and write the archive and its config."""
        pyodide = site_dir / self.pyodide_dir
        pyodide.mkdir(parents=True, exist_ok=True)
        for name in PYODIDE_FILES:
            shutil.copyfile(NODE_MODULES / "pyodide" / name, pyodide / name)
        pyscript = site_dir / self.pyscript_dir
        pyscript.mkdir(parents=True, exist_ok=True)
        for source in sorted((NODE_MODULES / "@pyscript" / "core" / "dist").iterdir()):
            if source.suffix in {".js", ".css"} and not pyscript_unused(source.name):
                shutil.copyfile(source, pyscript / source.name)
        python = site_dir / self.python_dir
        python.mkdir(parents=True, exist_ok=True)
        (python / "iep.zip").write_bytes(self.archive)
        (python / "main.py").write_text(
            "from builder.browser import start\n\nstart()\n", encoding="utf-8"
        )
        for static in sorted(STATIC.iterdir()):
            if static.name != SERVICE_WORKER:  # it goes to the site root (write_service_worker)
                shutil.copyfile(static, python / static.name)
        config = {
            "interpreter": f"../../../{self.pyodide_dir}/pyodide.mjs",
            "files": {"./iep.zip": "./*"},
        }
        (python / "pyscript.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def pyscript_unused(name: str) -> bool:
    """Whether a file of PyScript's dist/ is one that no page of this site requests."""
    return CONTENT_HASH.sub("", name.rsplit(".", 1)[0]) in PYSCRIPT_UNUSED


def _pyscript_started() -> list[str]:
    """PyScript's files a page asks for as PyScript starts: core.js, the chunks it imports, and
    the plugins those import at once (the dynamic imports of the parts this site ships)."""
    dist = NODE_MODULES / "@pyscript" / "core" / "dist"
    chunks = re.findall(r'from\s*"\./([^"]+\.js)"', (dist / "core.js").read_text(encoding="utf-8"))
    plugins = {
        name
        for chunk in chunks
        for name in re.findall(r'import\("\./([^"]+\.js)"\)', (dist / chunk).read_text("utf-8"))
        if not pyscript_unused(name)
    }
    return ["core.js", *chunks, *sorted(plugins - set(chunks))]


def python_archive() -> bytes:
    """builder/, letters/, jinja2 and markupsafe in one zip; the same input gives the same bytes."""
    entries: dict[str, bytes] = {}
    builder = Path(__file__).resolve().parent
    for path in _files(builder):
        if path.name not in NOT_SHIPPED and "static" not in path.relative_to(builder).parts:
            entries[f"builder/{path.relative_to(builder).as_posix()}"] = path.read_bytes()
    for path in _files(ROOT / "letters"):
        entries[f"letters/{path.relative_to(ROOT / 'letters').as_posix()}"] = path.read_bytes()
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


def _files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


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
    files = [name for name in files if not name.startswith(NOT_PRECACHED_FOLDERS)]
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


# Only the site itself. Pyodide needs 'wasm-unsafe-eval' to compile WebAssembly and 'unsafe-eval'
# for the JavaScript its foreign-function interface builds at run time (without it Python does not
# start). Every page carries the same policy because instant navigation keeps the first page's.
# Material's few inline scripts are allowed by their hashes; styles allow inline because Material
# and PyScript set style attributes. No other host is named anywhere.
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval' {hashes}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
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
