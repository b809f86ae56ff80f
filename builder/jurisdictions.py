"""State education agencies: who takes IDEA state complaints, and how.

Pure core module: standard library only, no I/O beyond reading this package's own
``data/states.json`` (STATES), loaded once and cached, and the messages that say how a state
takes complaints (``states.method.*``). The file's shape is its schema's,
``data/states.schema.json``: the site's build checks it (``validate_states``, with jsonschema, so
a fork that builds without running the tests is protected too), and this module reads it as
checked.

Every fact in the data file comes from the project's research files; ``filing_methods`` marks a
method ``"confirmed"`` only where the research found the state saying it takes complaints that
way. Anything else is ``"unknown"`` (not found) or ``"not_accepted"`` (the state says no). The
structured facts (contact, model form, timeline, records deadline, meeting rule, the IEP team's
name, parent centers) are kept only when CONFIRMED; anything less is a note, marked.

The data is written in English. ``data/states.<language>.json`` gives its texts in another
language, keyed by the English (``localized``); a text not translated yet is shown in English.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

from builder.i18n import DEFAULT_LANGUAGE, text

MethodStatus = Literal["confirmed", "not_accepted", "unknown"]
NoteStatus = Literal["CONFIRMED", "SECONDARY", "NOT CONFIRMED", "OUTDATED?"]
DayKind = Literal["business", "calendar", "school", "unspecified"]
FEDERAL_RECORDS_DAYS: Final = 45  # 34 CFR 300.613(a)

STATES: Final = Path(__file__).with_name("data") / "states.json"
SCHEMA: Final = Path(__file__).with_name("data") / "states.schema.json"
_METHOD_KEYS: Final = ("mail", "fax", "email", "online", "hand_delivery")
SOURCE_LANGUAGE: Final = "en"  # the language states.json is written in


@dataclass(frozen=True, slots=True)
class FilingMethods:
    """How a state takes a state complaint, one value per way of sending it."""

    mail: MethodStatus
    fax: MethodStatus
    email: MethodStatus
    online: MethodStatus
    hand_delivery: MethodStatus

    def confirmed(self) -> tuple[str, ...]:
        """Names of the confirmed methods, in a fixed order (mail, fax, email, online, hand)."""
        return tuple(key for key in _METHOD_KEYS if getattr(self, key) == "confirmed")

    def not_accepted(self) -> tuple[str, ...]:
        """Names of the methods the research says the state refuses."""
        return tuple(key for key in _METHOD_KEYS if getattr(self, key) == "not_accepted")


@dataclass(frozen=True, slots=True)
class StateNote:
    """One state-specific fact in plain words, with its citation and how sure we are."""

    text: str
    citation: str
    url: str | None
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class SignatureRule:
    """Whether the state takes a typed name as a complaint's signature, and the source."""

    accepted: bool
    citation: str
    url: str | None
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class Contact:
    """Where to send a complaint, for each confirmed way that has an address."""

    mail: str | None
    fax: str | None
    hand_delivery: str | None
    citation: str
    url: str | None
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class ModelForm:
    """The state's model complaint form (34 CFR 300.509)."""

    url: str
    citation: str
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class SourcedText:
    """A confirmed fact in plain words (the complaint's timeline), with its source."""

    text: str
    citation: str
    url: str | None
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class RecordsDeadline:
    """How soon the school must let a parent see the records, under the state's own rule."""

    days: int
    day_kind: DayKind
    copies: bool
    text: str
    letter: str | None
    citation: str
    url: str | None
    status: NoteStatus

    @property
    def faster_than_federal(self) -> bool:
        """Shorter than the federal 45 days (34 CFR 300.613(a)): the letters quote only these."""
        return self.days < FEDERAL_RECORDS_DAYS


@dataclass(frozen=True, slots=True)
class MeetingRule:
    """The state's rule for a meeting a parent asks for; days is None when it gives none."""

    days: int | None
    day_kind: DayKind | None
    text: str
    letter: str | None
    citation: str
    url: str | None
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class TeamName:
    """What the state calls the IEP team, and how a letter names it ("an ARD committee")."""

    name: str
    letter_a: str
    letter_the: str
    citation: str
    url: str | None
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class ParentCenter:
    """A Parent Training and Information Center the research confirmed for the state."""

    name: str
    url: str | None
    citation: str
    source_url: str | None
    status: NoteStatus


@dataclass(frozen=True, slots=True)
class State:
    """A state (or DC, or Puerto Rico) and its state education agency."""

    code: str
    name: str
    agency: str
    complaint_name: str
    complaint_url: str | None
    complaint_url_note: str | None
    source: str
    filing_methods: FilingMethods
    email_address: str | None
    notes: tuple[StateNote, ...]
    typed_signature: SignatureRule | None = None
    contact: Contact | None = None
    model_form: ModelForm | None = None
    timeline: SourcedText | None = None
    records_deadline: RecordsDeadline | None = None
    meeting_rule: MeetingRule | None = None
    team_name: TeamName | None = None
    parent_centers: tuple[ParentCenter, ...] = ()

    @property
    def slug(self) -> str:
        """The state's page address under states/: "new-york" for New York."""
        return "-".join(self.name.lower().split())

    @property
    def takes_typed_signature(self) -> bool:
        """True only when the state's own rule says a typed name counts as a signature."""
        return self.typed_signature is not None and self.typed_signature.accepted

    @property
    def accepts_email(self) -> bool:
        """True only when the research confirms the state takes complaints by email."""
        return self.filing_methods.email == "confirmed"

    @property
    def has_confirmed_method(self) -> bool:
        """True when at least one way of sending a complaint is confirmed."""
        return bool(self.filing_methods.confirmed())

    def filing_methods_text(self, language: str = DEFAULT_LANGUAGE) -> list[str]:
        """The confirmed ways to send a complaint, as plain phrases for a sentence in `language`.

        Example for Illinois: ``["by mail", "by fax", "by email to statecomplaints@isbe.net"]``.
        Methods that are unknown or refused are never listed.
        """
        return [
            text("states.method.email_to", language, address=self.email_address)
            if key == "email" and self.email_address
            else text(f"states.method.{key}", language)
            for key in self.filing_methods.confirmed()
        ]


# --- loading -------------------------------------------------------------------------------


def validate_states() -> None:
    """Check states.json against its schema (jsonschema.ValidationError if it does not fit).

    Run when the site is built and by the tests; jsonschema is a build-time tool, so it is
    imported here and not shipped to the browser.
    """
    import jsonschema

    data = json.loads(STATES.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    codes = [state["code"] for state in data["states"]]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"states.json: duplicate state codes {duplicates}")


def _state(raw: dict[str, Any]) -> State:
    signature = raw["typed_signature"]
    return State(
        code=raw["code"],
        name=raw["name"],
        agency=raw["agency"],
        complaint_name=raw["complaint_name"],
        complaint_url=raw["complaint_url"],
        complaint_url_note=raw["complaint_url_note"],
        source=raw["source"],
        filing_methods=FilingMethods(**raw["filing_methods"]),
        email_address=raw["email_address"],
        notes=tuple(StateNote(**note) for note in raw["notes"]),
        typed_signature=SignatureRule(**signature) if signature else None,
        contact=_optional(Contact, raw["contact"]),
        model_form=_optional(ModelForm, raw["model_form"]),
        timeline=_optional(SourcedText, raw["timeline"]),
        records_deadline=_optional(RecordsDeadline, raw["records_deadline"]),
        meeting_rule=_optional(MeetingRule, raw["meeting_rule"]),
        team_name=_optional(TeamName, raw["team_name"]),
        parent_centers=tuple(ParentCenter(**center) for center in raw["parent_centers"]),
    )


def _optional(kind: Any, raw: dict[str, Any] | None) -> Any:
    return kind(**raw) if raw is not None else None


@cache
def _load() -> tuple[str, tuple[State, ...], dict[str, State]]:
    raw = json.loads(STATES.read_text(encoding="utf-8"))
    states = tuple(_state(item) for item in raw["states"])
    return raw["reviewed"], states, {state.code: state for state in states}


def load_states() -> tuple[State, ...]:
    """All 52 entries (50 states, DC, Puerto Rico), in the data file's order."""
    return _load()[1]


def get_state(code: str) -> State | None:
    """The state with this two-letter code (any letter case, spaces ignored), or None."""
    return _load()[2].get(code.strip().upper())


def localized(state: State, english: str, language: str) -> str | None:
    """A text of the state's entry (a note, a rule, the team's name) in `language`, from
    data/states.<language>.json, or None when it has not been translated (yet). The English is
    the key: a text whose English changed is no longer translated until its file catches up."""
    if language == SOURCE_LANGUAGE:
        return english
    texts: dict[str, str] = _translations(language).get(state.code, {}).get("texts", {})
    return texts.get(english)


def state_name(state: State, language: str) -> str:
    """The state's name as `language` writes it ("Nueva York")."""
    if language == SOURCE_LANGUAGE:
        return state.name
    name: str = _translations(language).get(state.code, {}).get("name", state.name)
    return name


@cache
def _translations(language: str) -> dict[str, dict[str, Any]]:
    path = STATES.with_name(f"states.{language}.json")
    if not path.exists():
        return {}
    states: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["states"]
    return states


def reviewed_date() -> str:
    """The ISO date (YYYY-MM-DD) the state data was last reviewed."""
    return _load()[0]
