"""State education agencies: who takes IDEA state complaints, and how.

Pure core module: standard library only, no I/O beyond reading this package's own
``data/states.json`` (STATES), loaded once and cached, and the messages that say how a state
takes complaints (``states.method.*``). The file's shape is its schema's,
``data/states.schema.json``: the site's build checks it (``validate_states``, with jsonschema, so
a fork that builds without running the tests is protected too), and this module reads it as
checked.

Every fact in the data file comes from the project's research files; ``filing_methods`` marks a
method ``"confirmed"`` only where the research found the state saying it takes complaints that
way. Anything else is ``"unknown"`` (not found) or ``"not_accepted"`` (the state says no).
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

STATES: Final = Path(__file__).with_name("data") / "states.json"
SCHEMA: Final = Path(__file__).with_name("data") / "states.schema.json"
_METHOD_KEYS: Final = ("mail", "fax", "email", "online", "hand_delivery")


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
    records_business_days: int | None
    meeting_request_days: int | None
    meeting_request_rule: str | None
    typed_signature: SignatureRule | None = None

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
        records_business_days=raw["records_business_days"],
        meeting_request_days=raw["meeting_request_days"],
        meeting_request_rule=raw["meeting_request_rule"],
        typed_signature=SignatureRule(**signature) if signature else None,
    )


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


def reviewed_date() -> str:
    """The ISO date (YYYY-MM-DD) the state data was last reviewed."""
    return _load()[0]
