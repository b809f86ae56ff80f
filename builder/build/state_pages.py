"""A page per state, DC and Puerto Rico, in every language the site has, made at build time from
data/states.json (and data/states.<language>.json) with state_page.md.j2.

Build time only (the MkDocs hooks call it; it is not shipped to the browser). A page says, in the
order a parent needs it: the agency; how to file (the confirmed ways, with an address only where
it is confirmed); the model form; the time limits; what the state calls the IEP team; the state's
notes with their sources; the steps of the guide where the state differs from federal law; the
parent center. What was not found is said plainly, with what to do instead. A note not translated
into the page's language yet is shown in English, marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from builder.i18n import DEFAULT_LANGUAGE, messages, plural, text
from builder.jurisdictions import (
    State,
    load_states,
    localized,
    reviewed_date,
    state_name,
)

TEMPLATE = Path(__file__).with_name("state_page.md.j2")
FOLDER = "states"  # the pages' folder: states/<slug>/, and <language>/states/<slug>/
METHODS = ("mail", "fax", "email", "online", "hand_delivery")


@dataclass(frozen=True)
class Words:
    """A text of the state's entry as the page shows it: in the page's language when it has
    been translated, else in English and marked so (`english`)."""

    text: str
    english: bool = False


@dataclass(frozen=True)
class Sourced:
    """A fact shown with its source: its words, its citation and address, how sure we are."""

    words: Words
    citation: str
    url: str | None
    status: str = "CONFIRMED"


def src_uri(state: State, language: str) -> str:
    """The page's made-up source path, as MkDocs and the i18n plugin name a page's twin."""
    suffix = "" if language == DEFAULT_LANGUAGE else f".{language}"
    return f"{FOLDER}/{state.slug}{suffix}.md"


def address(state: State, language: str) -> str:
    """Where the page is built, from the site's root: states/texas/, es/states/texas/."""
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    return f"{prefix}{FOLDER}/{state.slug}/"


def pages(language: str) -> list[tuple[State, str]]:
    """Every state's page in `language`: (state, its Markdown with front matter)."""
    template = _environment().get_template(TEMPLATE.name)
    return [(state, template.render(**_context(state, language))) for state in load_states()]


def _context(state: State, language: str) -> dict[str, Any]:
    def words(english: str) -> Words:
        found = localized(state, english, language)
        return Words(found) if found is not None else Words(english, english=True)

    def sourced(fact: Any, english: str) -> Sourced:
        return Sourced(words(english), fact.citation, fact.url, getattr(fact, "status", ""))

    name = state_name(state, language)
    confirmed = state.filing_methods.confirmed()
    unknown = [key for key in METHODS if getattr(state.filing_methods, key) == "unknown"]
    refused = state.filing_methods.not_accepted()
    records = state.records_deadline
    meeting = state.meeting_rule
    team = state.team_name
    t = messages(language)
    return {
        "t": t,
        "state": state,
        "name": name,
        "language": language,
        "reviewed": reviewed_date(),
        "title": text("statepage.title", language, state=name),
        "description": text(
            "statepage.description", language, state=name, agency=_one_line(state.agency)
        ),
        "url_note": words(state.complaint_url_note) if state.complaint_url_note else None,
        "confirmed": confirmed,
        "unknown": _or_list([t[f"statepage.method.{key}"] for key in unknown], language),
        "unknown_count": len(unknown),
        "refused": _or_list([t[f"statepage.method.{key}"] for key in refused], language),
        "online_url": (state.model_form.url if state.model_form else state.complaint_url),
        "timeline": sourced(state.timeline, state.timeline.text) if state.timeline else None,
        "records": sourced(records, records.text) if records else None,
        "records_faster": bool(records and records.faster_than_federal),
        "records_days": (
            plural(f"state.days.{records.day_kind}", records.days, language) if records else ""
        ),
        "meeting": sourced(meeting, meeting.text) if meeting else None,
        "team": sourced(team, team.name) if team else None,
        "notes": [Sourced(words(n.text), n.citation, n.url, n.status) for n in state.notes],
        "sources": _sources(state),
    }


def _sources(state: State) -> list[dict[str, str]]:
    """The page-information box's sources: every fact's linked source, once each."""
    found: dict[str, str] = {}
    facts: list[Any] = [
        state.contact,
        state.model_form,
        state.timeline,
        state.records_deadline,
        state.meeting_rule,
        state.team_name,
        state.typed_signature,
        *state.notes,
    ]
    for fact in facts:
        if fact is not None and fact.url and fact.url not in found:
            found[fact.url] = fact.citation
    for center in state.parent_centers:
        if center.source_url and center.source_url not in found:
            found[center.source_url] = center.citation
    if state.complaint_url and state.complaint_url not in found:
        found[state.complaint_url] = state.agency
    return [{"title": title, "url": url} for url, title in found.items()]


def _or_list(words: list[str], language: str) -> str:
    """a, b or c."""
    if len(words) < 2:
        return "".join(words)
    return text("statepage.list_or", language, head=", ".join(words[:-1]), last=words[-1])


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent),
        autoescape=False,  # Markdown, read by MkDocs; the data's texts are plain sentences
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["yaml"] = _yaml_string
    environment.filters["cite"] = _cite
    return environment


def _yaml_string(value: str) -> str:
    """A value for the front matter: one double-quoted YAML string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{_one_line(escaped)}"'


def _cite(fact: Sourced | Any) -> str:
    """[citation](<url>), or the citation alone when it has no address."""
    if fact.url:
        return f"[{fact.citation}](<{fact.url}>)"
    return str(fact.citation)
