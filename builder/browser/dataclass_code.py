"""The methods `dataclasses` writes for our classes, compiled at build time for the browser.

`@dataclass` writes each class's `__init__`, `__eq__`, `__repr__` (and more, when frozen) as
Python source and compiles it as the class is made. For our 42 classes that compiling was about
a third of Python's import time in the browser. The build records those sources while it
imports our modules (`recording`) and ships them compiled in FILE (bytecode.py writes it); in
the browser, `use_compiled` hands dataclasses the compiled code for each source the build saw.
A source it did not see is compiled as before, so a missing entry costs time, never behaviour.
"""

from __future__ import annotations

import dataclasses
import marshal
from pathlib import Path
from types import CodeType
from typing import Any

FILE = Path(__file__).with_name("dataclass-code.marshal")


def recording() -> dict[str, CodeType]:
    """From now on, keep each source dataclasses compiles, compiled, in the dict returned."""
    compiled: dict[str, CodeType] = {}

    def compile_and_keep(source: str, globals: dict[str, Any], locals: dict[str, Any]) -> None:
        code = compiled.setdefault(source, compile(source, "<string>", "exec"))
        exec(code, globals, locals)

    _give_dataclasses(compile_and_keep)
    return compiled


def use_compiled(path: Path = FILE) -> None:
    """From now on, give dataclasses the code compiled at build time for each source it has."""
    compiled: dict[str, CodeType] = marshal.loads(path.read_bytes())

    def exec_compiled(source: str, globals: dict[str, Any], locals: dict[str, Any]) -> None:
        exec(compiled.get(source, source), globals, locals)

    _give_dataclasses(exec_compiled)


def _give_dataclasses(exec_function: Any) -> None:
    # dataclasses calls `exec` by name: its module's own name comes before the builtin.
    vars(dataclasses)["exec"] = exec_function
