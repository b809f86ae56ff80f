"""Our classes' dataclass methods: recorded and compiled at build time, used in the browser."""

from __future__ import annotations

import dataclasses
import marshal
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.browser import dataclass_code
from tests.conftest import BuiltSite
from tests.site import run_in_pyodide

# In Pyodide, as the browser's worker starts it: which of the dataclasses our modules make find
# their methods in the archive's compiled file.
COUNT_THE_METHODS_FOUND = """
import dataclasses, marshal
from builder.browser.dataclass_code import FILE, use_compiled
use_compiled()
compiled, given, made = marshal.loads(FILE.read_bytes()), dataclasses.exec, []
def checked(source, globals, locals):
    made.append(source in compiled)
    given(source, globals, locals)
dataclasses.exec = checked
import builder.browser.session, builder.csvlog
f"{sum(made)} of {len(made)}"
"""


@pytest.fixture(autouse=True)
def dataclasses_as_released() -> Iterator[None]:
    yield
    vars(dataclasses).pop("exec", None)


def make_point() -> type:
    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 0

    return Point


def test_recording_keeps_the_compiled_methods_and_the_classes_work() -> None:
    recorded = dataclass_code.recording()
    point = make_point()(1, 2)
    assert (point.x, point.y, repr(point).split(".")[-1]) == (1, 2, "Point(x=1, y=2)")
    assert any("def __init__(self" in source for source in recorded)
    assert all(code.co_filename == "<string>" for code in recorded.values())


def test_the_browser_uses_the_compiled_methods(tmp_path: Path) -> None:
    recorded = dataclass_code.recording()
    make_point()
    # The file's code for __repr__ gives every Point a different repr, so its use shows.
    [source] = [source for source in recorded if "(x=" in source]
    compiled = dict(
        recorded, **{source: compile(source.replace("(x=", "(marked, x="), "<string>", "exec")}
    )
    path = tmp_path / "code.marshal"
    path.write_bytes(marshal.dumps(compiled))
    dataclass_code.use_compiled(path)
    assert repr(make_point()(1, 2)).endswith(".Point(marked, x=1, y=2)")


def test_a_class_the_build_did_not_see_is_compiled_as_before(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    path.write_bytes(marshal.dumps({}))
    dataclass_code.use_compiled(path)
    point_class = make_point()
    point = point_class(3)
    assert repr(point).endswith(".Point(x=3, y=0)")
    assert point == point_class(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 4


def test_the_archive_has_the_methods_of_every_class_the_browser_makes(site: BuiltSite) -> None:
    known, made = map(int, run_in_pyodide(site.directory, COUNT_THE_METHODS_FOUND).split()[::2])
    assert made >= 40, "every class of case.py, gap.py, session.py... is made"
    assert known == made
