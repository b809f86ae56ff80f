"""Where templates are loaded from: compiled to Python at build time where the browser's archive
ships them (so the browser never parses a template), else from their sources (the command line
and the site build, which read the templates as they are)."""

from __future__ import annotations

from pathlib import Path

import jinja2

COMPILED = Path(__file__).resolve().parent.parent / "compiled-templates"


def loader(source: jinja2.BaseLoader, folder: str) -> jinja2.BaseLoader:
    """`source`'s templates, taken compiled from COMPILED/`folder` where they are there."""
    return jinja2.ChoiceLoader([jinja2.ModuleLoader(COMPILED / folder), source])


def compiled(environment: jinja2.Environment) -> dict[str, str]:
    """Every template of an environment made with `loader`, compiled as that environment compiles
    it: the module's file name (as ModuleLoader looks for it) and its Python source."""
    assert isinstance(environment.loader, jinja2.ChoiceLoader)
    source = environment.loader.loaders[-1]
    modules = {}
    for name in source.list_templates():
        text, filename, _ = source.get_source(environment, name)
        module = jinja2.ModuleLoader.get_module_filename(name)
        modules[module] = environment.compile(text, name, filename, raw=True, defer_init=True)
    return modules
