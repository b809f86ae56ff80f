"""Reading a case file: `read_case` never raises on bad content. It keeps every valid value,
drops each invalid one and reports it as a `Problem` naming the field, so a page can show the
message beside the field and keep everything else the parent typed. `load_case` is the strict
form the command line uses. The fields each object may hold are the schema's
(data/case.schema.json; a test checks the two agree).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from builder.case import (
    CONVERSATION_WAYS,
    COPY_ROLES,
    DEFAULT_SCHOOL_YEAR_DAYS,
    DELIVERIES,
    MAX_CYCLE_DAYS,
    MAX_DEPTH,
    MAX_MINUTES,
    MAX_TIMES,
    MAX_WEEKS_CYCLE,
    MEDIATION_ANSWERS,
    PER_UNITS,
    REASONS,
    SETTINGS,
    VERSION,
    WEEKDAYS,
    Case,
    CaseError,
    Child,
    Compensatory,
    Complaint,
    Contacts,
    Conversation,
    DateRange,
    Goal,
    Incident,
    LetterSent,
    LogEntry,
    Meeting,
    MeetingTime,
    Person,
    Problem,
    ProgressNote,
    Received,
    Refusal,
    Reply,
    Requests,
    Service,
)
from builder.case_values import FieldReader, is_blank, join_path, shown
from builder.i18n import DEFAULT_LANGUAGE, languages

# A JSON string, to the end of the text if it is never closed: it always matches, possessively, so
# no text can make the search backtrack or start over (the scan stays linear).
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.?)*+(?:"|\Z)')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def load_case(data: object) -> Case:
    """The case in `data` (parsed JSON), or `CaseError` listing every problem."""
    case, problems = read_case(data)
    if problems:
        raise CaseError(problems)
    return case


def loads_case(source: str) -> Case:
    """The case in the JSON text `source`, or `CaseError`."""
    data, unreadable = parse_json(source)
    if unreadable is not None:
        raise CaseError((unreadable,))
    return load_case(data)


def parse_json(source: str) -> tuple[object, Problem | None]:
    """The JSON in `source`, or None and why it cannot be read. Never raises.

    Nesting is checked before parsing: in the browser, a parser recursing thousands of levels deep
    overflows the WebAssembly stack and stops Python for good, before any RecursionError.
    """
    if _nests_too_deep(source):
        return None, Problem.of("", "case.too_deep")
    try:
        return json.loads(source.removeprefix("\ufeff")), None  # a byte order mark (Notepad's)
    except json.JSONDecodeError as error:
        # A file that is not JSON at all fails at its start; one that was edited, further in.
        if error.pos == 0 or not source.lstrip("\ufeff \t\r\n").startswith("{"):
            return None, Problem.of("", "case.not_json")
        return None, Problem.of("", "case.not_json_at", line=error.lineno)
    except (ValueError, RecursionError):  # a number with thousands of digits
        return None, Problem.of("", "case.json_too_big")


@dataclass(frozen=True)
class KeptService:
    """A service as last read: the JSON it was read from, what was read, and its problems."""

    source: str
    service: Service | None
    problems: tuple[Problem, ...]


KeptServices = dict[str, KeptService]  # by the service's path (read_case's `kept`)


def read_case(data: object, kept: KeptServices | None = None) -> tuple[Case, tuple[Problem, ...]]:
    """The valid part of the case in `data`, and the problems found in the rest.

    `kept`, given again with each version of a case as it is edited (a page's form), keeps each
    service's reading: a service whose JSON has not changed is not read again, so typing a name
    does not read a long log again. Its JSON text is compared, not its value, since JSON's `1` and
    `true` are equal in Python but not to the reader."""
    if _too_deep(data):
        return Case(), (Problem.of("", "case.too_deep"),)
    reader = _Reader(kept)
    case = reader.case(data)
    return case, tuple(reader.problems)


class _Reader(FieldReader):
    """Walks the parsed JSON once, collecting problems instead of stopping at the first."""

    def __init__(self, kept: KeptServices | None = None) -> None:
        super().__init__()
        self.kept = kept

    def case(self, data: object) -> Case:
        if not isinstance(data, Mapping):
            self.fail("", "case.not_object")
            return Case()
        obj = self.mapping(data, "", _CASE_KEYS)
        version = obj.get("version")
        if version is None:
            self.fail("version", "case.version_missing")
        elif version != VERSION:
            self.fail("version", "case.version_unknown", found=shown(version), expected=VERSION)
        return Case(
            language=self.text_in(obj, "language", "", languages()) or DEFAULT_LANGUAGE,
            interpreter_language=self.text_in(obj, "interpreter_language", ""),
            state=self.state(obj.get("state"), "state"),
            parent=self.person(obj.get("parent"), "parent"),
            child=self.child(obj.get("child"), "child"),
            contacts=self.contacts(obj.get("contacts"), "contacts"),
            iep_date=self.date(obj.get("iep_date"), "iep_date"),
            cc=self.ticked(obj.get("cc"), "cc", _CC_KEYS),
            period=self.date_range(obj.get("period"), "period", required=False),
            no_school=self.items(obj.get("no_school"), "no_school", self.no_school_day),
            school_year_days=self.integer(
                obj.get("school_year_days"), "school_year_days", low=1, high=366
            )
            or DEFAULT_SCHOOL_YEAR_DAYS,
            services=self.items(obj.get("services"), "services", self.service),
            incidents=self.items(obj.get("incidents"), "incidents", self.incident),
            letters_sent=self.items(obj.get("letters_sent"), "letters_sent", self.letter_sent),
            replies=self.items(obj.get("replies"), "replies", self.reply),
            conversations=self.items(obj.get("conversations"), "conversations", self.conversation),
            meeting=self.meeting(obj.get("meeting"), "meeting"),
            requests=self.requests(obj.get("requests"), "requests"),
            compensatory=self.compensatory(obj.get("compensatory"), "compensatory"),
            refusal=self.refusal(obj.get("refusal"), "refusal"),
            complaint=self.complaint(obj.get("complaint"), "complaint"),
            goals=self.items(obj.get("goals"), "goals", self.goal),
        )

    # -- objects -------------------------------------------------------------------------

    def person(self, data: object, path: str) -> Person:
        obj = self.mapping(data, path, _PERSON_KEYS)
        return Person(
            name=self.text_in(obj, "name", path),
            email=self.email(obj.get("email"), join_path(path, "email")),
            title=self.text_in(obj, "title", path),
            phone=self.text_in(obj, "phone", path),
            address=self.text_in(obj, "address", path),
        )

    def child(self, data: object, path: str) -> Child:
        obj = self.mapping(data, path, _CHILD_KEYS)
        return Child(
            name=self.text_in(obj, "name", path),
            school=self.text_in(obj, "school", path),
            grade=self.text_in(obj, "grade", path),
            address=self.text_in(obj, "address", path),
            homeless=self.boolean(obj.get("homeless"), join_path(path, "homeless")),
            contact=self.text_in(obj, "contact", path),
            birth_date=self.date(obj.get("birth_date"), join_path(path, "birth_date")),
            student_id=self.text_in(obj, "student_id", path),
        )

    def contacts(self, data: object, path: str) -> Contacts:
        obj = self.mapping(data, path, _CONTACTS_KEYS)
        return Contacts(
            case_manager=self.person(obj.get("case_manager"), join_path(path, "case_manager")),
            director=self.person(obj.get("director"), join_path(path, "director")),
            district=self.text_in(obj, "district", path),
            principal=self.person(obj.get("principal"), join_path(path, "principal")),
        )

    def date_range(self, data: object, path: str, *, required: bool) -> DateRange | None:
        if data is None:
            if required:
                self.fail(path, "case.required")
            return None
        obj = self.mapping(data, path, _RANGE_KEYS)
        start = self.date(obj.get("start"), join_path(path, "start"), required=True)
        end = self.date(obj.get("end"), join_path(path, "end"), required=True)
        label = self.text_in(obj, "label", path)
        if start is None or end is None:
            return None
        if end < start:
            self.fail(join_path(path, "end"), "case.end_before_start")
            return None
        return DateRange(start, end, label)

    def no_school_day(self, data: object, path: str) -> DateRange | None:
        if isinstance(data, str):
            day = self.date(data, path, required=True)
            return DateRange(day, day) if day else None
        return self.date_range(data, path, required=True)

    def service(self, data: object, path: str) -> Service | None:
        if self.kept is None:
            return self.read_service(data, path)
        source = json.dumps(data)
        kept = self.kept.get(path)
        if kept is not None and kept.source == source:
            self.problems.extend(kept.problems)
            return kept.service
        first_problem = len(self.problems)
        service = self.read_service(data, path)
        self.kept[path] = KeptService(source, service, tuple(self.problems[first_problem:]))
        return service

    def read_service(self, data: object, path: str) -> Service | None:
        obj = self.mapping(data, path, _SERVICE_KEYS)
        if not obj:  # a row the parent has not started yet
            return None
        name = self.text_in(obj, "name", path)
        if not name:
            self.fail(join_path(path, "name"), "case.service_name_missing")
        minutes = self.integer(
            obj.get("minutes"), join_path(path, "minutes"), low=1, high=MAX_MINUTES, required=True
        )
        per = self.choice(obj.get("per"), join_path(path, "per"), PER_UNITS, required=True)
        times = self.integer(obj.get("times"), join_path(path, "times"), low=1, high=MAX_TIMES)
        start = self.date(obj.get("start"), join_path(path, "start"))
        end = self.date(obj.get("end"), join_path(path, "end"))
        if start and end and end < start:
            self.fail(join_path(path, "end"), "case.end_before_start")
            start = end = None
        if per == "total" and not (start and end):
            self.fail(join_path(path, "per"), "case.total_needs_dates")
            per = None
        cycle_days = self.integer(
            obj.get("cycle_days"), join_path(path, "cycle_days"), low=2, high=MAX_CYCLE_DAYS
        )
        if per == "cycle" and cycle_days is None:
            if "cycle_days" not in obj or is_blank(obj.get("cycle_days")):
                self.fail(join_path(path, "cycle_days"), "case.cycle_needs_days")
            per = None
        days = self.weekdays(obj.get("days"), join_path(path, "days"), per, times)
        weeks_on, weeks_cycle = self.weeks_pattern(obj, path, per)
        received = self.received(obj.get("received"), join_path(path, "received"))
        log = (
            self.items(obj.get("log"), join_path(path, "log"), self.log_entry)
            if "log" in obj
            else None
        )
        made_up = self.received(obj.get("made_up"), join_path(path, "made_up"))
        # "60 minutes weekly" has no session length, so a count of sessions gives no minutes. (A
        # number of sessions typed wrong has its own message, and the counts wait for it.)
        no_sessions = times is None and is_blank(obj.get("times"))
        if received is not None and received.minutes is None and times is None:
            if no_sessions:
                self.fail(join_path(path, "received.sessions"), "case.received_needs_minutes")
            received = None
        if made_up is not None and made_up.minutes is None and times is None:
            if no_sessions:
                self.fail(join_path(path, "made_up.sessions"), "case.received_needs_minutes")
            made_up = None
        setting = self.choice(obj.get("setting"), join_path(path, "setting"), SETTINGS)
        delivery = self.choice(obj.get("delivery"), join_path(path, "delivery"), DELIVERIES)
        as_written = self.text_in(obj, "as_written", path)
        if not name or minutes is None or per is None:
            return None
        return Service(
            name=name,
            minutes=minutes,
            per=per,
            times=times,
            setting=setting,
            delivery=delivery,
            start=start,
            end=end,
            received=received,
            log=log,
            days=days,
            weeks_on=weeks_on,
            weeks_cycle=weeks_cycle,
            cycle_days=cycle_days if per == "cycle" else None,
            made_up=made_up,
            as_written=as_written,
            path=path,
        )

    def weekdays(
        self, data: object, path: str, per: str | None, times: int | None
    ) -> tuple[str, ...]:
        """The days of the week a weekly service is given on ({"tue": true}): one per session.
        Without a number of sessions to match, the days are not used (its field says why)."""
        problems_before = len(self.problems)
        days = self.ticked(data, path, _DAYS_KEYS)
        if not days or times is None or len(self.problems) > problems_before:
            return ()  # a box that is neither ticked nor not has its own message
        if per not in (None, "week"):
            self.fail(path, "case.days_need_week")
            return ()
        if len(days) != times:
            self.fail(path, "case.days_match_times", times=times, chosen=len(days))
            return ()
        return days

    def weeks_pattern(
        self, obj: Mapping[str, Any], path: str, per: str | None
    ) -> tuple[int | None, int | None]:
        """'In 3 of every 4 weeks': both numbers, or neither."""
        cycle = self.integer(
            obj.get("weeks_cycle"), join_path(path, "weeks_cycle"), low=2, high=MAX_WEEKS_CYCLE
        )
        on = self.integer(  # fewer weeks than the cycle has
            obj.get("weeks_on"), join_path(path, "weeks_on"), low=1, high=MAX_WEEKS_CYCLE - 1
        )
        if on is None and cycle is None:
            return None, None
        if on is None or cycle is None:
            missing = "weeks_on" if on is None else "weeks_cycle"
            if is_blank(obj.get(missing)):
                self.fail(join_path(path, missing), "case.weeks_pattern_needs_both")
            return None, None
        if on >= cycle:
            self.fail(join_path(path, "weeks_on"), "case.weeks_on_below_cycle", cycle=cycle)
            return None, None
        if per not in (None, "week"):
            self.fail(join_path(path, "weeks_on"), "case.weeks_pattern_needs_week")
            return None, None
        return on, cycle

    def received(self, data: object, path: str) -> Received | None:
        if data is None:
            return None
        obj = self.mapping(data, path, _RECEIVED_KEYS)
        sessions = self.integer(
            obj.get("sessions"), join_path(path, "sessions"), low=0, high=100_000
        )
        minutes = self.integer(
            obj.get("minutes"), join_path(path, "minutes"), low=0, high=10_000_000
        )
        if sessions is None and minutes is None:
            return None
        return Received(sessions=sessions, minutes=minutes)

    def log_entry(self, data: object, path: str) -> LogEntry | None:
        obj = self.mapping(data, path, _LOG_KEYS)
        day = self.date(obj.get("date"), join_path(path, "date"), required=True)
        minutes = self.integer(
            obj.get("minutes"), join_path(path, "minutes"), low=0, high=MAX_MINUTES, required=True
        )
        reason = self.choice(obj.get("reason"), join_path(path, "reason"), REASONS)
        setting = self.choice(obj.get("setting"), join_path(path, "setting"), SETTINGS)
        delivery = self.choice(obj.get("delivery"), join_path(path, "delivery"), DELIVERIES)
        note = self.text_in(obj, "note", path)
        if day is None or minutes is None:
            return None
        return LogEntry(day, minutes, reason, setting, delivery, note)

    def incident(self, data: object, path: str) -> Incident | None:
        obj = self.mapping(data, path, _INCIDENT_KEYS)
        day = self.date(obj.get("date"), join_path(path, "date"), required=True)
        support = self.text_in(obj, "support", path)
        if not support:
            self.fail(join_path(path, "support"), "case.required")
        note = self.text_in(obj, "note", path)
        if day is None or not support:
            return None
        return Incident(date=day, support=support, note=note)

    def letter_sent(self, data: object, path: str) -> LetterSent | None:
        obj = self.mapping(data, path, _LETTER_SENT_KEYS)
        letter = self.text_in(obj, "letter", path)
        day = self.date(obj.get("date"), join_path(path, "date"), required=True)
        if not letter:
            self.fail(join_path(path, "letter"), "case.required")
        to = self.text_in(obj, "to", path)
        if day is None or not letter:
            return None
        return LetterSent(letter=letter, date=day, to=to)

    def reply(self, data: object, path: str) -> Reply | None:
        obj = self.mapping(data, path, _REPLY_KEYS)
        day = self.date(obj.get("date"), join_path(path, "date"), required=True)
        sender = self.text_in(obj, "from", path)
        summary = self.text_in(obj, "summary", path)
        if day is None:
            return None
        return Reply(date=day, sender=sender, summary=summary)

    def conversation(self, data: object, path: str) -> Conversation | None:
        obj = self.mapping(data, path, _CONVERSATION_KEYS)
        day = self.date(obj.get("date"), join_path(path, "date"), required=True)
        person = self.text_in(obj, "with", path)
        how = self.choice(obj.get("how"), join_path(path, "how"), CONVERSATION_WAYS)
        points = self.texts(obj.get("points"), join_path(path, "points"))
        if day is None:
            return None
        return Conversation(date=day, person=person, how=how, points=points)

    def meeting(self, data: object, path: str) -> Meeting:
        obj = self.mapping(data, path, _MEETING_KEYS)
        return Meeting(
            offered=self.items(obj.get("offered"), join_path(path, "offered"), self.meeting_time),
            held_on=self.date(obj.get("held_on"), join_path(path, "held_on")),
            agreed=self.texts(obj.get("agreed"), join_path(path, "agreed")),
            attendees=self.texts(obj.get("attendees"), join_path(path, "attendees")),
        )

    def meeting_time(self, data: object, path: str) -> MeetingTime | None:
        obj = self.mapping(data, path, _MEETING_TIME_KEYS)
        day = self.date(obj.get("date"), join_path(path, "date"), required=True)
        time = self.text_in(obj, "time", path)
        if day is None:
            return None
        return MeetingTime(date=day, time=time)

    def requests(self, data: object, path: str) -> Requests:
        obj = self.mapping(data, path, _REQUESTS_KEYS)
        return Requests(
            records_requested_on=self.date(
                obj.get("records_requested_on"), join_path(path, "records_requested_on")
            )
        )

    def compensatory(self, data: object, path: str) -> Compensatory:
        obj = self.mapping(data, path, _COMPENSATORY_KEYS)
        return Compensatory(
            proposed_schedule=self.text_in(obj, "proposed_schedule", path),
            impact=self.text_in(obj, "impact", path),
        )

    def refusal(self, data: object, path: str) -> Refusal:
        obj = self.mapping(data, path, _REFUSAL_KEYS)
        return Refusal(
            date=self.date(obj.get("date"), join_path(path, "date")),
            by=self.text_in(obj, "by", path),
            what=self.text_in(obj, "what", path),
        )

    def complaint(self, data: object, path: str) -> Complaint:
        obj = self.mapping(data, path, _COMPLAINT_KEYS)
        return Complaint(
            violation=self.text_in(obj, "violation", path),
            proposed_resolution=self.text_in(obj, "proposed_resolution", path),
            filed_on=self.date(obj.get("filed_on"), join_path(path, "filed_on")),
            signature=self.text_in(obj, "signature", path),
            mediation=self.choice(
                obj.get("mediation"), join_path(path, "mediation"), MEDIATION_ANSWERS
            ),
            due_process=self.boolean(obj.get("due_process"), join_path(path, "due_process")),
        )

    def goal(self, data: object, path: str) -> Goal | None:
        obj = self.mapping(data, path, _GOAL_KEYS)
        goal = self.text_in(obj, "goal", path)
        notes = self.items(
            obj.get("progress_notes"), join_path(path, "progress_notes"), self.progress_note
        )
        if not goal:
            self.fail(join_path(path, "goal"), "case.goal_missing")
            return None
        return Goal(goal=goal, progress_notes=notes)

    def progress_note(self, data: object, path: str) -> ProgressNote | None:
        obj = self.mapping(data, path, _PROGRESS_NOTE_KEYS)
        day = self.date(obj.get("date"), join_path(path, "date"), required=True)
        note = self.text_in(obj, "note", path)
        if not note:
            self.fail(join_path(path, "note"), "case.required")
        if day is None or not note:
            return None
        return ProgressNote(date=day, note=note)


def _nests_too_deep(source: str) -> bool:
    """Whether the JSON text's brackets (outside its strings) nest deeper than MAX_DEPTH."""
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _JSON_STRING.sub("", source)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _too_deep(data: object) -> bool:
    """Whether lists and objects nest deeper than MAX_DEPTH (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        # Text, list and dict first: checking against the Mapping ABC is slower, and this runs
        # on every keystroke.
        if isinstance(node, str):
            continue
        if isinstance(node, list):
            children: Iterable[object] = node
        elif isinstance(node, dict | Mapping):
            children = node.values()
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


_PERSON_KEYS = frozenset({"name", "email", "title", "phone", "address"})
# A group of boxes keeps its choices' order: these are tuples.
_DAYS_KEYS = WEEKDAYS
_CC_KEYS = COPY_ROLES
_CHILD_KEYS = frozenset(
    {"name", "school", "grade", "address", "homeless", "contact", "birth_date", "student_id"}
)
_CONTACTS_KEYS = frozenset({"case_manager", "director", "district", "principal"})
_RANGE_KEYS = frozenset({"start", "end", "label"})
_RECEIVED_KEYS = frozenset({"sessions", "minutes"})
_LOG_KEYS = frozenset({"date", "minutes", "reason", "setting", "delivery", "note"})
_INCIDENT_KEYS = frozenset({"date", "support", "note"})
_LETTER_SENT_KEYS = frozenset({"letter", "date", "to"})
_REPLY_KEYS = frozenset({"date", "from", "summary"})
_CONVERSATION_KEYS = frozenset({"date", "with", "how", "points"})
_MEETING_KEYS = frozenset({"offered", "held_on", "agreed", "attendees"})
_MEETING_TIME_KEYS = frozenset({"date", "time"})
_REQUESTS_KEYS = frozenset({"records_requested_on"})
_COMPENSATORY_KEYS = frozenset({"proposed_schedule", "impact"})
_REFUSAL_KEYS = frozenset({"date", "by", "what"})
_COMPLAINT_KEYS = frozenset(
    {"violation", "proposed_resolution", "filed_on", "signature", "mediation", "due_process"}
)
_GOAL_KEYS = frozenset({"goal", "progress_notes"})
_PROGRESS_NOTE_KEYS = frozenset({"date", "note"})
_SERVICE_KEYS = frozenset(
    {
        "name",
        "minutes",
        "times",
        "per",
        "setting",
        "delivery",
        "start",
        "end",
        "received",
        "log",
        "days",
        "weeks_on",
        "weeks_cycle",
        "cycle_days",
        "made_up",
        "as_written",
    }
)
_CASE_KEYS = frozenset(
    {
        "version",
        "language",
        "interpreter_language",
        "state",
        "parent",
        "child",
        "contacts",
        "iep_date",
        "cc",
        "period",
        "no_school",
        "school_year_days",
        "services",
        "incidents",
        "letters_sent",
        "replies",
        "conversations",
        "meeting",
        "requests",
        "compensatory",
        "refusal",
        "complaint",
        "goals",
    }
)
