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
# PyScript imports several of its chunks eagerly (editor, terminal, game), so all are shipped.
PYSCRIPT_UNUSED: tuple[str, ...] = ()  # trimmed only with a benchmark showing what never loads
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


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

    def template_paths(self) -> dict[str, str]:
        """The URLs the page template needs (relative to the site root)."""
        return {
            "pyscript": f"{self.pyscript_dir}/core.js",
            "pyscript_css": f"{self.pyscript_dir}/core.css",
            "widgets_js": f"{self.python_dir}/widgets.js",
            "main": f"{self.python_dir}/main.py",
            "config": f"{self.python_dir}/pyscript.json",
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
            if source.suffix in {".js", ".css"} and not source.name.startswith(PYSCRIPT_UNUSED):
                shutil.copyfile(source, pyscript / source.name)
        python = site_dir / self.python_dir
        python.mkdir(parents=True, exist_ok=True)
        (python / "iep.zip").write_bytes(self.archive)
        (python / "main.py").write_text(
            "from builder.browser import start\n\nstart()\n", encoding="utf-8"
        )
        for static in sorted(STATIC.iterdir()):
            shutil.copyfile(static, python / static.name)
        config = {
            "interpreter": f"../../../{self.pyodide_dir}/pyodide.mjs",
            "files": {"./iep.zip": "./*"},
        }
        (python / "pyscript.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


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
