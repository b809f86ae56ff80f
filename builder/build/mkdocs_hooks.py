"""MkDocs hooks: the only module that imports mkdocs. Each transform is one short function.

The i18n plugin (mkdocs-static-i18n) builds the site once per language, the default language
last to finish: it builds the others from its own post-build step. So:
- on_config: check the state data against its schema, and work out the versioned runtime paths
  the page template needs;
- on_files, after the i18n plugin has sorted the pages by language: add the language's state
  pages, one per state, DC and Puerto Rico, made from the state data (builder/state_pages.py).
  They are added here rather than as files in docs/ or with mkdocs-gen-files because the i18n
  plugin rebuilds every page from docs/ and drops a page it did not find there;
- on_page_markdown: swap each `<!-- widget: ... -->` line for a token, render the widget in the
  page's language, and append the language's abbreviations (includes/abbreviations[.<lang>].md,
  whose hover text explains IEP, FAPE...);
- on_page_context: the page's words (the page-information box) in its language, and the page's
  twin in every language for Material's language menu;
- on_post_page: put the pre-rendered widget's HTML where its token landed, then add the page's
  Content-Security-Policy (the site itself only). Widgets go in last: Markdown never rewrites
  their HTML (whose letter text keeps its blank lines), and the site search indexes the guide's
  words, not the tools' worked example. The menu's twins are not repeated as <link
  rel=alternate> in <head>: Material would fetch a sitemap.xml beside each twin, and the one
  sitemap.xml already names every page's twins for search engines;
- on_template_context and on_post_template: the same for the theme's own pages (404.html), whose
  language menu leads to each language's home;
- on_post_build, last, once every language is built (on_pre_build counts the builds under way):
  copy the self-hosted runtime and the Python archive into the site, then write the service
  worker that keeps the site's files (every language's) for offline use.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from builder.i18n import DEFAULT_LANGUAGE, language_data, languages, long_date, messages
from builder.jurisdictions import validate_states
from builder.build.site_build import (
    Runtime,
    RuntimeMissing,
    with_content_security_policy,
    write_service_worker,
)
from builder.build.state_pages import address as state_page_address
from builder.build.state_pages import pages as state_pages
from builder.build.state_pages import src_uri as state_page_src_uri
from builder.widgets import NEEDS_FORM, Marker, parse_marker, render_widget

_runtime: Runtime | None = None
_rendered: dict[str, list[str]] = {}
ROOT = Path(__file__).resolve().parents[2]
ABBREVIATIONS = ROOT / "includes"  # a file of Markdown abbreviations per language
# The i18n plugin builds each other language inside the default language's build, which ends last.
_builds_under_way = 0


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _runtime
    _check_state_data()
    try:
        _runtime = Runtime.from_node_modules()
    except RuntimeMissing as error:
        raise PluginError(str(error)) from None
    config.extra["iep_runtime"] = _runtime.template_paths()
    return config


@event_priority(-150)  # after the i18n plugin's on_files (-100), which keeps only docs/ pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    language = _language(config)
    made = []
    for state, markdown in state_pages(language):
        page = File.generated(config, state_page_src_uri(state, language), content=markdown)
        page.dest_uri = f"{state_page_address(state, language)}index.html"
        files.append(page)
        made.append(page)
    _in_sitemap(config, language, made)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    language = _language(config)
    lines = markdown.splitlines()
    rendered: list[str] = []
    form_shown = False
    for index, line in enumerate(lines):
        marker = parse_marker(line)
        if marker is None:
            continue
        with_form = marker.kind in NEEDS_FORM and not form_shown
        form_shown = form_shown or with_form
        number = len(rendered) + 1
        rendered.append(_widget_html(marker, page, language, with_form=with_form, number=number))
        lines[index] = f"\n{_token(len(rendered))}\n"
    if rendered:
        page.meta["widgets"] = len(rendered)
        _rendered[page.file.src_uri] = rendered
    return "\n".join(lines) + _abbreviations(language)


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    language = _language(config)
    context["iep_words"] = messages(language)
    context["iep_last_reviewed"] = _reviewed(page, language)
    config.extra["alternate"] = _twins(page.url, language)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    for number, widget in enumerate(_rendered.pop(page.file.src_uri, []), start=1):
        output = output.replace(_token(number), widget)
    return with_content_security_policy(_without_alternate_links(output))


def on_template_context(
    context: dict[str, Any], template_name: str, config: MkDocsConfig
) -> dict[str, Any]:
    """The theme's own pages (404.html): their words, and each language's home in the menu."""
    language = _language(config)
    context["iep_words"] = messages(language)
    config.extra["alternate"] = _twins("", language)
    return context


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The theme's own pages (404.html) get the same policy as every other page."""
    if template_name.endswith(".html"):
        return with_content_security_policy(_without_alternate_links(output_content))
    return output_content


def on_pre_build(config: MkDocsConfig) -> None:
    global _builds_under_way
    _builds_under_way += 1


def on_build_error(error: Exception) -> None:
    global _builds_under_way
    _builds_under_way = 0  # `mkdocs serve` starts its next build afresh


@event_priority(-200)  # after the i18n plugin has built the other languages from its own step
def on_post_build(config: MkDocsConfig) -> None:
    global _builds_under_way
    _builds_under_way -= 1
    if _builds_under_way:
        return  # another language's build, inside the default language's: that one writes these
    assert _runtime is not None
    _runtime.write(Path(config.site_dir))
    write_service_worker(Path(config.site_dir))  # last: it lists every file written before it


def _reviewed(page: Page, language: str) -> str:
    """The page's last_reviewed date as the reader's language writes it ("5 de octubre de 2026")."""
    reviewed = page.meta.get("last_reviewed")
    if isinstance(reviewed, str):
        reviewed = dt.date.fromisoformat(reviewed)
    return long_date(reviewed, language) if isinstance(reviewed, dt.date) else ""


def _abbreviations(language: str) -> str:
    suffix = "" if language == DEFAULT_LANGUAGE else f".{language}"
    path = ABBREVIATIONS / f"abbreviations{suffix}.md"
    if not path.exists():
        raise PluginError(f"{path.relative_to(ROOT)}: the abbreviations of language {language!r}")
    return "\n\n" + path.read_text(encoding="utf-8")


def _language(config: MkDocsConfig) -> str:
    """The language this build writes (the i18n plugin sets the theme's for each)."""
    language: str = config.theme["language"]
    return language


def _twins(url: str, language: str) -> list[dict[str, str]]:
    """The page in every language, default language first: its pages are at the top, the
    others' under /<language>/ (static/widgets.js relies on both)."""
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    path = url.removeprefix(prefix)
    return [
        {
            "name": language_data(code)["name"],
            "link": path if code == DEFAULT_LANGUAGE else f"{code}/{path}",
            "lang": code,
        }
        for code in languages()
    ]


_ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">\s*')


def _without_alternate_links(html: str) -> str:
    return _ALTERNATE_LINK.sub("", html)


def _check_state_data() -> None:
    """A fork's edited states.json is checked when its site is built, tests or not."""
    import jsonschema

    try:
        validate_states()
    except (jsonschema.ValidationError, ValueError) as error:
        message = getattr(error, "message", str(error))
        raise PluginError(f"builder/data/states.json does not fit its schema: {message}") from None


def _widget_html(marker: Marker, page: Page, language: str, *, with_form: bool, number: int) -> str:
    try:
        return render_widget(
            marker,
            uid=f"iep-{number}",
            with_form=with_form,
            today=dt.date.today(),
            language=language,
            root=_root(page.url, language),
        )
    except (KeyError, ValueError) as error:
        raise PluginError(f"{page.file.src_uri}: widget {marker}: {error}") from None


def _in_sitemap(config: MkDocsConfig, language: str, made: list[File]) -> None:
    """The i18n plugin writes sitemap.xml from the pages it sorted, with each page's twins
    (`alternates`): list the state pages there too, so search engines find them."""
    listed = getattr(config.plugins.get("i18n"), "i18n_files_per_language", {}).get(language)
    if listed is None:
        return
    for page in made:
        page.alternates = {  # type: ignore[attr-defined]
            twin["lang"]: SimpleNamespace(url=twin["link"], page=None)
            for twin in _twins(page.url, language)
        }
        listed.append(page)


def _root(url: str, language: str) -> str:
    """From a page to its language's top: "" for the home page, "../" for your-state/."""
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    return "../" * url.removeprefix(prefix).count("/")


def _token(number: int) -> str:
    """A raw-HTML placeholder: Markdown stashes it untouched (no abbreviations, no paragraph)."""
    return f'<div data-iep-widget="{number}"></div>'
