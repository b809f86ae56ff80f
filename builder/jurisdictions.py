"""State education agencies: who takes IDEA state complaints, and how.

Pure core module: standard library only, no I/O beyond reading this package's own
``data/states.json`` (STATES). The data is loaded once and cached.

Every fact in the data file comes from the project's research files; ``filing_methods`` marks a
method ``"confirmed"`` only where the research found the state saying it takes complaints that
way. Anything else is ``"unknown"`` (not found) or ``"not_accepted"`` (the state says no).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, cast

__all__ = [
    "DATA_VERSION",
    "FilingMethods",
    "MethodStatus",
    "NoteStatus",
    "State",
    "StateNote",
    "get_state",
    "load_states",
    "reviewed_date",
]

MethodStatus = Literal["confirmed", "not_accepted", "unknown"]
NoteStatus = Literal["CONFIRMED", "SECONDARY", "NOT CONFIRMED", "OUTDATED?"]

DATA_VERSION: Final = 1
STATES: Final = Path(__file__).with_name("data") / "states.json"
_METHOD_VALUES: Final[frozenset[str]] = frozenset({"confirmed", "not_accepted", "unknown"})
_NOTE_STATUSES: Final[frozenset[str]] = frozenset(
    {"CONFIRMED", "SECONDARY", "NOT CONFIRMED", "OUTDATED?"}
)
_METHOD_KEYS: Final = ("mail", "fax", "email", "online", "hand_delivery")
_FILE_KEYS: Final = frozenset({"version", "reviewed", "states"})
_NOTE_KEYS: Final = frozenset({"text", "citation", "url", "status"})
_STATE_KEYS: Final = frozenset(
    {
        "code",
        "name",
        "agency",
        "complaint_name",
        "complaint_url",
        "complaint_url_note",
        "source",
        "filing_methods",
        "email_address",
        "notes",
        "records_business_days",
        "meeting_request_days",
        "meeting_request_rule",
    }
)


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

    @property
    def accepts_email(self) -> bool:
        """True only when the research confirms the state takes complaints by email."""
        return self.filing_methods.email == "confirmed"

    @property
    def has_confirmed_method(self) -> bool:
        """True when at least one way of sending a complaint is confirmed."""
        return bool(self.filing_methods.confirmed())

    def filing_methods_text(self) -> list[str]:
        """The confirmed ways to send a complaint, as plain phrases for a sentence.

        Example for Illinois: ``["by mail", "by fax", "by email to statecomplaints@isbe.net"]``.
        Methods that are unknown or refused are never listed.
        """
        phrases: list[str] = []
        for key in self.filing_methods.confirmed():
            if key == "email":
                if self.email_address:
                    phrases.append(f"by email to {self.email_address}")
                else:
                    phrases.append("by email")
            else:
                phrases.append(_METHOD_PHRASES[key])
        return phrases


_METHOD_PHRASES: Final[dict[str, str]] = {
    "mail": "by mail",
    "fax": "by fax",
    "online": "through the state's online form",
    "hand_delivery": "by hand delivery",
}


# --- loading -------------------------------------------------------------------------------


class StateDataError(ValueError):
    """The packaged states.json does not have the expected shape."""


def _str(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise StateDataError(f"{where}: {key!r} must be a non-empty string")
    return value


def _opt_str(obj: dict[str, Any], key: str, where: str) -> str | None:
    if key not in obj:
        raise StateDataError(f"{where}: {key!r} is missing")
    value = obj[key]
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise StateDataError(f"{where}: {key!r} must be a non-empty string or null")
    return value


def _opt_int(obj: dict[str, Any], key: str, where: str) -> int | None:
    if key not in obj:
        raise StateDataError(f"{where}: {key!r} is missing")
    value = obj[key]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise StateDataError(f"{where}: {key!r} must be a positive integer or null")
    return value


def _url(value: str | None, where: str) -> str | None:
    if value is not None and not value.startswith(("https://", "http://")):
        raise StateDataError(f"{where}: URL must start with https:// or http://: {value!r}")
    return value


def _methods(raw: object, where: str) -> FilingMethods:
    if not isinstance(raw, dict) or set(raw) != set(_METHOD_KEYS):
        raise StateDataError(f"{where}: filing_methods must have exactly {_METHOD_KEYS}")
    for key in _METHOD_KEYS:
        if raw[key] not in _METHOD_VALUES:
            raise StateDataError(f"{where}: filing_methods.{key} is {raw[key]!r}")
    return FilingMethods(
        mail=cast(MethodStatus, raw["mail"]),
        fax=cast(MethodStatus, raw["fax"]),
        email=cast(MethodStatus, raw["email"]),
        online=cast(MethodStatus, raw["online"]),
        hand_delivery=cast(MethodStatus, raw["hand_delivery"]),
    )


def _note(raw: object, where: str) -> StateNote:
    if not isinstance(raw, dict):
        raise StateDataError(f"{where}: each note must be an object")
    if not set(raw) <= _NOTE_KEYS:
        raise StateDataError(f"{where}: unexpected note keys {set(raw) - _NOTE_KEYS}")
    status = raw.get("status")
    if status not in _NOTE_STATUSES:
        raise StateDataError(f"{where}: note status {status!r} is not allowed")
    return StateNote(
        text=_str(raw, "text", where),
        citation=_str(raw, "citation", where),
        url=_url(_opt_str(raw, "url", where), where),
        status=cast(NoteStatus, status),
    )


def _state(raw: object, index: int) -> State:
    where = f"states[{index}]"
    if not isinstance(raw, dict):
        raise StateDataError(f"{where}: must be an object")
    if set(raw) != _STATE_KEYS:
        raise StateDataError(f"{where}: unexpected or missing keys {set(raw) ^ _STATE_KEYS}")
    code = _str(raw, "code", where)
    if len(code) != 2 or not code.isascii() or not code.isupper() or not code.isalpha():
        raise StateDataError(f"{where}: bad code {code!r}")
    where = f"state {code}"
    notes_raw = raw["notes"]
    if not isinstance(notes_raw, list):
        raise StateDataError(f"{where}: notes must be a list")
    methods = _methods(raw["filing_methods"], where)
    email_address = _opt_str(raw, "email_address", where)
    if email_address is not None and methods.email != "confirmed":
        raise StateDataError(f"{where}: email_address given but email is not confirmed")
    return State(
        code=code,
        name=_str(raw, "name", where),
        agency=_str(raw, "agency", where),
        complaint_name=_str(raw, "complaint_name", where),
        complaint_url=_url(_opt_str(raw, "complaint_url", where), where),
        complaint_url_note=_opt_str(raw, "complaint_url_note", where),
        source=_str(raw, "source", where),
        filing_methods=methods,
        email_address=email_address,
        notes=tuple(_note(n, where) for n in notes_raw),
        records_business_days=_opt_int(raw, "records_business_days", where),
        meeting_request_days=_opt_int(raw, "meeting_request_days", where),
        meeting_request_rule=_opt_str(raw, "meeting_request_rule", where),
    )


@cache
def _load() -> tuple[str, tuple[State, ...], dict[str, State]]:
    text = STATES.read_text(encoding="utf-8")
    raw: object = json.loads(text)
    if not isinstance(raw, dict):
        raise StateDataError("states.json must hold an object")
    if set(raw) != _FILE_KEYS:
        raise StateDataError(f"states.json: unexpected or missing keys {set(raw) ^ _FILE_KEYS}")
    if raw.get("version") != DATA_VERSION:
        raise StateDataError(f"unsupported states.json version {raw.get('version')!r}")
    reviewed = _str(raw, "reviewed", "states.json")
    states_raw = raw.get("states")
    if not isinstance(states_raw, list):
        raise StateDataError("states.json: 'states' must be a list")
    states = tuple(_state(item, i) for i, item in enumerate(states_raw))
    by_code: dict[str, State] = {}
    for state in states:
        if state.code in by_code:
            raise StateDataError(f"duplicate state code {state.code}")
        by_code[state.code] = state
    return reviewed, states, by_code


def load_states() -> tuple[State, ...]:
    """All 52 entries (50 states, DC, Puerto Rico), in the data file's order."""
    return _load()[1]


def get_state(code: str) -> State | None:
    """The state with this two-letter code (any letter case, spaces ignored), or None."""
    return _load()[2].get(code.strip().upper())


def reviewed_date() -> str:
    """The ISO date (YYYY-MM-DD) the state data was last reviewed."""
    return _load()[0]
