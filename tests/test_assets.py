"""Versioned assets: the Python archive's folder name follows its content, and only its content.

A returning reader's browser may keep old runtime files for as long as it likes; because every
folder name a page loads from changes with what is inside, new pages never meet old files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.build import site_build
from builder.build.site_build import Runtime

VERSIONS = {"pyodide_version": "314.0.2"}


@pytest.fixture
def builder_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of builder/ that python_archive() reads instead of the real one."""
    copy = tmp_path / "builder"
    shutil.copytree(site_build.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(site_build, "PACKAGE", copy)
    monkeypatch.setattr(site_build, "STATIC", copy / "browser" / "static")
    return copy


def python_dir() -> str:
    return Runtime(**VERSIONS).python_dir


def test_the_same_input_gives_the_same_archive_and_folder(builder_copy: Path) -> None:
    assert site_build.python_archive() == site_build.python_archive()
    assert python_dir() == python_dir()


def test_a_changed_module_gives_a_new_archive_folder(builder_copy: Path) -> None:
    before = python_dir()
    (builder_copy / "extra.py").write_text("ANSWER = 42\n", encoding="utf-8")
    assert python_dir() != before


def test_a_module_left_out_of_the_archive_does_not_change_its_folder(builder_copy: Path) -> None:
    before = python_dir()
    with (builder_copy / "cli" / "commands.py").open("a", encoding="utf-8") as cli:
        cli.write("# the command line is not shipped to the browser\n")
    assert python_dir() == before


def test_a_changed_page_script_gives_a_new_archive_folder(builder_copy: Path) -> None:
    before = python_dir()
    with (builder_copy / "browser" / "static" / "widgets.js").open("a", encoding="utf-8") as script:
        script.write("// changed\n")
    assert python_dir() != before, "widgets.js is served from the same folder"


def test_a_new_runtime_version_gives_new_folders() -> None:
    old = Runtime(**VERSIONS)
    new = Runtime(pyodide_version="314.0.3")
    assert new.pyodide_dir != old.pyodide_dir
    assert new.python_dir != old.python_dir, "the scripts in the archive folder load the runtime"
