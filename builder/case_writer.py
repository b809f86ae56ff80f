"""Writing a case back to its JSON document, which `case_reader.load_case` reads back unchanged;
empty parts are left out, so an exported file holds what the parent gave.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from builder.case import (
    DEFAULT_SCHOOL_YEAR_DAYS,
    Case,
    DateRange,
    Person,
    Service,
)


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as a JSON-ready document that `load_case` reads back unchanged."""
    document: dict[str, Any] = {"version": case.version}
    if case.language != "en":
        document["language"] = case.language
    if case.interpreter_language:
        document["interpreter_language"] = case.interpreter_language
    if case.state:
        document["state"] = case.state
    document["parent"] = _compact(case.parent)
    document["child"] = _compact(case.child)
    contacts = {
        "case_manager": _compact(case.contacts.case_manager),
        "director": _compact(case.contacts.director),
        "district": case.contacts.district,
    }
    if case.contacts.principal != Person():
        contacts["principal"] = _compact(case.contacts.principal)
    document["contacts"] = {key: value for key, value in contacts.items() if value}
    if case.iep_date:
        document["iep_date"] = case.iep_date.isoformat()
    if case.cc:
        document["cc"] = dict.fromkeys(case.cc, True)
    if case.period:
        document["period"] = _range(case.period)
    document["no_school"] = [_range(day) for day in case.no_school]
    if case.school_year_days != DEFAULT_SCHOOL_YEAR_DAYS:
        document["school_year_days"] = case.school_year_days
    document["services"] = [_service(service) for service in case.services]
    if case.incidents:
        document["incidents"] = [_compact(incident) for incident in case.incidents]
    if case.letters_sent:
        document["letters_sent"] = [_compact(sent) for sent in case.letters_sent]
    if case.replies:
        document["replies"] = [_renamed(_compact(reply), sender="from") for reply in case.replies]
    if case.conversations:
        document["conversations"] = [
            _renamed(_compact(talk), person="with") for talk in case.conversations
        ]
    meeting = _compact(case.meeting)
    if case.meeting.offered:
        meeting["offered"] = [_compact(time) for time in case.meeting.offered]
    for section, value in (
        ("meeting", meeting),
        ("requests", _compact(case.requests)),
        ("compensatory", _compact(case.compensatory)),
        ("refusal", _compact(case.refusal)),
        ("complaint", _compact(case.complaint)),
    ):
        if value:
            document[section] = value
    if case.goals:
        document["goals"] = [
            {
                "goal": goal.goal,
                **(
                    {"progress_notes": [_compact(note) for note in goal.progress_notes]}
                    if goal.progress_notes
                    else {}
                ),
            }
            for goal in case.goals
        ]
    return document


def _renamed(document: dict[str, Any], **names: str) -> dict[str, Any]:
    """The document with its keys renamed from field names to file names (sender -> from)."""
    return {names.get(key, key): value for key, value in document.items()}


def _service(service: Service) -> dict[str, Any]:
    document = _compact(service)
    for nested in ("received", "made_up", "log", "path"):
        document.pop(nested, None)
    if service.days:
        document["days"] = dict.fromkeys(service.days, True)
    if service.received is not None:
        document["received"] = _compact(service.received)
    if service.made_up is not None:
        document["made_up"] = _compact(service.made_up)
    if service.log is not None:
        document["log"] = [_compact(entry) for entry in service.log]
    return document


def _range(day: DateRange) -> dict[str, str] | str:
    if day.start == day.end and not day.label:
        return day.start.isoformat()
    return _compact(day)


def _compact(obj: Any) -> dict[str, Any]:
    """A dataclass as a dict without its empty fields, dates as ISO text."""
    out: dict[str, Any] = {}
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        # Identity and type checks: `0 in (False,)` is true, and a 0-minute log entry must stay.
        if value is None or value is False or (isinstance(value, str | tuple) and not value):
            continue
        if isinstance(value, tuple):
            value = list(value)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out
