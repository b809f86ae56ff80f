"""The finder that fetches the standard library's later zip the first time one of its modules is
imported (in the browser, worker.js fetches it; here, a function that writes a zip)."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.browser.later_modules import LaterModules

MODULE = "later_modules_example"


@pytest.fixture
def later_zip(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "later.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{MODULE}/__init__.py", "")
        archive.writestr(f"{MODULE}/inner.py", "VALUE = 42\n")
    finders, paths = list(sys.meta_path), list(sys.path)
    yield path
    sys.meta_path[:], sys.path[:] = finders, paths
    for name in [name for name in sys.modules if name.startswith(MODULE)]:
        del sys.modules[name]


class Fetcher:
    """Gives the zip's path, or raises while `offline`; counts its calls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.calls = 0
        self.offline = False

    def __call__(self) -> str:
        self.calls += 1
        if self.offline:
            raise OSError("no network")
        return str(self.path)


def installed(later_zip: Path) -> Fetcher:
    fetch = Fetcher(later_zip)
    sys.meta_path.append(LaterModules(fetch, frozenset({MODULE})))
    return fetch


def test_a_module_of_the_later_zip_is_imported_from_it_after_one_fetch(later_zip: Path) -> None:
    fetch = installed(later_zip)
    from later_modules_example import inner  # type: ignore[import-not-found]

    assert inner.VALUE == 42
    assert inner.__file__.startswith(str(later_zip))
    assert fetch.calls == 1
    assert not any(isinstance(finder, LaterModules) for finder in sys.meta_path), "done"


def test_a_module_outside_the_later_zip_fetches_nothing(later_zip: Path) -> None:
    fetch = installed(later_zip)
    with pytest.raises(ModuleNotFoundError):
        import _an_optional_speedup  # type: ignore[import-not-found]  # noqa: F401
    assert fetch.calls == 0


def test_without_the_network_the_import_fails_as_for_a_missing_module_and_is_tried_again(
    later_zip: Path,
) -> None:
    fetch = installed(later_zip)
    fetch.offline = True
    with pytest.raises(ModuleNotFoundError):
        import later_modules_example
    fetch.offline = False
    import later_modules_example.inner  # type: ignore[import-not-found]

    assert later_modules_example.inner.VALUE == 42
    assert fetch.calls == 2
