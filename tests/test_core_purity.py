"""The core runs in three places, so it must not depend on any of them."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT

ADAPTER_IMPORT = re.compile(r"^\s*(import|from)\s+(js|pyscript|pyodide|mkdocs)\b", re.MULTILINE)
BLOCKER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"js", "pyscript", "pyodide", "mkdocs"}:
            raise ImportError(f"blocked: {name}")
sys.meta_path.insert(0, Block())
import builder.case, builder.gap, builder.letters, builder.i18n, builder.jurisdictions
import builder.browser.session
print("imported")
"""


def test_the_core_imports_with_the_adapters_libraries_blocked() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.stdout.strip() == "imported", result.stderr


def test_no_module_imports_the_browser_and_only_the_hooks_import_mkdocs() -> None:
    # Python in the browser runs in a worker and speaks JSON (builder/browser/session.py): no
    # module touches the DOM; browser/static/widgets.js does.
    adapters = {"build/mkdocs_hooks.py"}
    builder = ROOT / "builder"
    offenders = [
        path.relative_to(builder).as_posix()
        for path in builder.rglob("*.py")
        if path.relative_to(builder).as_posix() not in adapters
        and ADAPTER_IMPORT.search(path.read_text())
    ]
    assert offenders == []
