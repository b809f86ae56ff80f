"""MkDocs hooks: the only module that imports mkdocs. Each transform is one short function.

- on_config: check the state data against its schema, and work out the versioned runtime paths
  the page template needs;
- on_page_markdown: swap each `<!-- widget: ... -->` line for a token, and render the widget;
- on_post_page: put the pre-rendered widget's HTML where its token landed, then add the page's
  Content-Security-Policy (the site itself only). Widgets go in last: Markdown never rewrites
  their HTML (whose letter text keeps its blank lines), and the site search indexes the guide's
  words, not the tools' worked example;
- on_post_template: the same policy for the theme's own pages;
- on_post_build: copy the self-hosted runtime and the Python archive into the site, then write the
  service worker that keeps the site's files for offline use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from builder.jurisdictions import validate_states
from builder.site_build import (
    Runtime,
    RuntimeMissing,
    with_content_security_policy,
    write_service_worker,
)
from builder.widgets import NEEDS_FORM, Marker, parse_marker, render_widget

_runtime: Runtime | None = None
_rendered: dict[str, list[str]] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _runtime
    _check_state_data()
    try:
        _runtime = Runtime.from_node_modules()
    except RuntimeMissing as error:
        raise PluginError(str(error)) from None
    config.extra["iep_runtime"] = _runtime.template_paths()
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lines = markdown.splitlines()
    rendered: list[str] = []
    form_shown = False
    for index, line in enumerate(lines):
        marker = parse_marker(line)
        if marker is None:
            continue
        with_form = marker.kind in NEEDS_FORM and not form_shown
        form_shown = form_shown or with_form
        rendered.append(_widget_html(marker, page, with_form=with_form, number=len(rendered) + 1))
        lines[index] = f"\n{_token(len(rendered))}\n"
    if rendered:
        page.meta["widgets"] = len(rendered)
        _rendered[page.file.src_uri] = rendered
    return "\n".join(lines)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    for number, widget in enumerate(_rendered.pop(page.file.src_uri, []), start=1):
        output = output.replace(_token(number), widget)
    return with_content_security_policy(output)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The theme's own pages (404.html) get the same policy as every other page."""
    if template_name.endswith(".html"):
        return with_content_security_policy(output_content)
    return output_content


def on_post_build(config: MkDocsConfig) -> None:
    assert _runtime is not None
    _runtime.write(Path(config.site_dir))
    write_service_worker(Path(config.site_dir))  # last: it lists every file written before it


def _check_state_data() -> None:
    """A fork's edited states.json is checked when its site is built, tests or not."""
    import jsonschema

    try:
        validate_states()
    except (jsonschema.ValidationError, ValueError) as error:
        message = getattr(error, "message", str(error))
        raise PluginError(f"builder/data/states.json does not fit its schema: {message}") from None


def _widget_html(marker: Marker, page: Page, *, with_form: bool, number: int) -> str:
    try:
        return render_widget(
            marker, uid=f"iep-{number}", with_form=with_form, today=dt.date.today()
        )
    except (KeyError, ValueError) as error:
        raise PluginError(f"{page.file.src_uri}: widget {marker}: {error}") from None


def _token(number: int) -> str:
    """A raw-HTML placeholder: Markdown stashes it untouched (no abbreviations, no paragraph)."""
    return f'<div data-iep-widget="{number}"></div>'
