"""In the browser: the standard library's modules a page does not import as it runs, fetched
only if one ever is.

The build splits Pyodide's standard library in two (bytecode.py). The worker loads the packages
Python's start and our code import as Pyodide starts; the rest of what those could ever import
(on a path no page takes: a network client, a command-line parser) is in a later zip, which this
finder fetches the first time one of its modules is imported. An import cannot wait for the
network, so the fetch is synchronous: `fetch` is the worker's function (worker.js) that downloads
the zip into Pyodide's file system and gives its path. Nothing here imports `js`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path
from types import ModuleType

# The later zip's top-level modules, written into our archive by the build (bytecode.py).
INDEX = Path(__file__).with_name("later-modules.json")


class LaterModules:
    """An import finder, asked last: for a module of the later zip, it fetches the zip once and
    puts it on Python's path. Any other name (an optional module a library tries, one that does
    not exist) is left to fail as it would without it, and fetches nothing."""

    def __init__(self, fetch: Callable[[], str], names: frozenset[str]) -> None:
        self.fetch = fetch
        self.names = names

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name.partition(".")[0] not in self.names:
            return None
        try:
            zip_path = self.fetch()
        except Exception:
            # Offline, say: the import fails as for a missing module, and is tried again next time.
            return None
        sys.meta_path.remove(self)
        sys.path.append(zip_path)
        return PathFinder.find_spec(name, path)


def install(fetch: Callable[[], str]) -> None:
    """Ask `fetch` for the later zip when one of its modules is first imported."""
    names = frozenset(json.loads(INDEX.read_text(encoding="utf-8")))
    sys.meta_path.append(LaterModules(fetch, names))
