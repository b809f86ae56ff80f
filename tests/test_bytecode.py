"""What builder/build/bytecode.py ships: which standard-library modules (its import closure),
and how it compiles them."""

from __future__ import annotations

from textwrap import dedent

import pytest

from builder.build.bytecode import import_closure
from tests.conftest import BuiltSite
from tests.site import run_in_pyodide


def modules(**sources: str) -> dict[str, tuple[str, bool]]:
    """Module sources by name ("pkg__init" is package `pkg`, "pkg__sub" its module `pkg.sub`)."""
    found = {}
    for key, source in sources.items():
        package = key.endswith("__init")
        name = key.removesuffix("__init").replace("__", ".")
        found[name] = (dedent(source), package)
    return found


def test_every_import_statement_counts_wherever_it_is() -> None:
    sources = modules(
        main="""
            import top
            from pkg import sub
            def later():
                import in_function
            try:
                import optional
            except ImportError:
                pass
            class Shape:
                match 1:
                    case 1:
                        import in_match
            """,
        top="",
        pkg__init="",
        pkg__sub="",
        in_function="",
        optional="",
        in_match="",
        never="",
    )
    found = import_closure(["main"], sources)
    assert found == {"main", "top", "pkg", "pkg.sub", "in_function", "optional", "in_match"}


def test_imports_are_followed_to_any_depth_and_through_relative_imports() -> None:
    sources = modules(
        main="import pkg.inner",
        pkg__init="from . import helper",
        pkg__inner="from .deep import thing",
        pkg__helper="from .. import outside",
        pkg__deep__init="import far",
        far="",
        outside="",
    )
    found = import_closure(["main"], sources)
    assert found == {"main", "pkg", "pkg.inner", "pkg.helper", "pkg.deep", "far"}


def test_a_module_named_in_a_call_counts() -> None:
    sources = modules(
        main="""
            import importlib
            importlib.import_module("plugin")
            __import__("other.part")
            """,
        importlib="",
        plugin="",
        other__init="",
        other__part="",
        computed="",
    )
    found = import_closure(["main"], sources)
    assert found == {"main", "importlib", "plugin", "other", "other.part"}


def test_what_runs_only_as_a_script_does_not_count() -> None:
    sources = modules(
        main="""
            import kept
            if __name__ == "__main__":
                import doctest
            """,
        kept="",
        doctest="",
    )
    assert import_closure(["main"], sources) == {"main", "kept"}


def test_a_name_from_a_module_is_not_taken_for_a_module_and_unknown_names_are_ignored() -> None:
    sources = modules(main="from json import loads\nimport sys", json__init="")
    assert import_closure(["main", "builtin_only"], sources) == {"main", "json"}


# In the site's own Pyodide, with the zips as shipped: a piece of Python and what its last line
# gives. hashlib and MarkupSafe try modules Pyodide does not have (_hashlib, markupsafe._speedups).
AS_SHIPPED = {
    "the standard library has no docstrings; Jinja2 and our code are as written": (
        "import json, jinja2, builder.case_reader as reader\n"
        "[f.__doc__ is not None for f in (json.loads, jinja2.Template, reader.read_case)]",
        "[False, True, True]",
    ),
    "the modules left out as frozen are imported from the interpreter": (
        "import codecs, os, importlib._bootstrap as bootstrap\n"
        "[module.__spec__.origin for module in (codecs, os, bootstrap)]",
        "['frozen', 'frozen', 'frozen']",
    ),
    "a later module is fetched when imported, a module a library only tries fetches nothing": (
        "import sys, hashlib, markupsafe\n"
        "before = [path for path in sys.path if 'later' in path]\n"
        "import email.message\n"
        "[before, email.message.__spec__.origin]",
        "[[], '/lib/later.zip/email/message.py']",
    ),
}


@pytest.mark.parametrize("behaviour", AS_SHIPPED)
def test_the_library_as_shipped_in_the_sites_pyodide(site: BuiltSite, behaviour: str) -> None:
    code, expected = AS_SHIPPED[behaviour]
    assert run_in_pyodide(site.directory, code) == expected
