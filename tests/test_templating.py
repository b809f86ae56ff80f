"""Templates compiled at build time render exactly as their sources do."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder import letters, templating, widgets
from builder.build.site_build import python_archive
from builder.letter_catalogue import catalogue
from builder.letters import render_letter
from builder.widgets import example_case, render_letter_widget

TODAY = dt.date(2026, 11, 26)


def every_rendering() -> dict[str, str]:
    case = example_case()
    rendered = {}
    for info in catalogue():
        rendered[info.name] = render_letter(info.name, case, today=TODAY).text
        rendered[f"widget:{info.name}"] = render_letter_widget(
            info.name, uid="w", with_form=True, today=TODAY
        )
    return rendered


def clear_environments() -> None:
    letters.environment.cache_clear()
    widgets.environment.cache_clear()


@pytest.fixture
def compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The archive's compiled templates, where templating looks for them."""
    with zipfile.ZipFile(io.BytesIO(python_archive())) as archive:
        for name in archive.namelist():
            if name.startswith(f"{templating.COMPILED.name}/"):
                archive.extract(name, tmp_path)
    monkeypatch.setattr(templating, "COMPILED", tmp_path / templating.COMPILED.name)
    clear_environments()
    yield templating.COMPILED
    clear_environments()


def test_the_archive_ships_every_template_compiled() -> None:
    with zipfile.ZipFile(io.BytesIO(python_archive())) as archive:
        names = {Path(name).name for name in archive.namelist()}
    for environment in (letters.environment("en"), widgets.environment()):
        assert set(templating.compiled(environment)) <= names


def test_compiled_templates_render_exactly_as_their_sources(
    compiled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_compiled = every_rendering()
    template = widgets.environment().get_template("letter.html.j2")
    assert template.filename is not None
    assert Path(template.filename).is_relative_to(compiled), "loaded from the compiled modules"
    clear_environments()
    monkeypatch.setattr(templating, "COMPILED", compiled.parent / "absent")
    from_sources = every_rendering()
    source = letters.environment("en").get_template("follow-up.txt.j2").filename
    assert source is not None and source.endswith(".j2"), "loaded from the sources"
    assert from_compiled == from_sources
