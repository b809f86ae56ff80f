"""The case file: the one JSON document the page, the CLI, Export/Import and the tests share.

`read_case` never raises on bad content: it keeps every valid value, drops each invalid one and
reports it as a `Problem` naming the field, so a page can show the message beside the field and
keep everything else the parent typed. `load_case` is the strict form the CLI uses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from builder.i18n import DEFAULT_LANGUAGE, languages, text

VERSION = 1
PER_UNITS = ("week", "month", "year", "total", "day", "cycle")
# The days of the week a service can be scheduled on (Monday to Friday).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
MAX_CYCLE_DAYS = 30  # a rotation of N school days ("2 times per 6-day cycle")
MAX_WEEKS_CYCLE = 12  # "2 times a week in 3 of every 4 weeks"
SETTINGS = ("individual", "group")
DELIVERIES = ("pull-out", "push-in")
REASONS = (
    "provider_absent",
    "student_absent",
    "school_event",
    "wrong_setting",
    "testing",
    "unknown",
)
CONVERSATION_WAYS = ("phone", "in_person", "video")
# Who the parent may copy on the later letters.
COPY_ROLES = ("principal", "director")
MEDIATION_ANSWERS = ("yes", "no")
DEFAULT_SCHOOL_YEAR_DAYS = 180
MAX_MINUTES = 10_000
MAX_TIMES = 1_000
MAX_TEXT = 5_000
# Every date is in these years. A date outside them is a typo, or a year still being typed into a
# date field (2026 goes by as 0002, 0020 and 0202), and a period running from such a year would have
# the calculator count centuries of school days on every keystroke.
YEARS = range(2000, 2100)
# A case file nests five levels at most (case, services, a service, its log, an entry); anything far
# deeper is not a case file, and walking it would only exhaust the reader's stack.
MAX_DEPTH = 12

T = TypeVar("T")
# Parsed JSON, of any shape. A name of its own: inside _Reader, "object" is a method's name.
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A JSON string, to the end of the text if it is never closed: it always matches, possessively, so
# no text can make the search backtrack or start over (the scan stays linear).
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.?)*+(?:"|\Z)')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


@dataclass(frozen=True)
class Problem:
    """One invalid value: where it is (`services.0.minutes`) and what is wrong, as a message's
    key and its values; `words(language)` says it, in the reader's language."""

    path: str
    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, path: str, key: str, **values: Any) -> Problem:
        return cls(path, key, tuple(values.items()))

    def words(self, language: str = DEFAULT_LANGUAGE) -> str:
        return text(self.key, language, **dict(self.values))

    @property
    def message(self) -> str:
        """In English, as tests and CaseError say it; words() says it in the reader's language."""
        return self.words()

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class CaseError(ValueError):
    """A case file that cannot be used as it is; carries every problem found."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Person:
    name: str = ""
    email: str = ""
    title: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Child:
    name: str = ""
    school: str = ""
    grade: str = ""
    address: str = ""
    homeless: bool = False
    # For a homeless child (34 CFR 300.153(b)(4)(iii)): whatever contact information is available.
    contact: str = ""
    birth_date: dt.date | None = None
    student_id: str = ""


@dataclass(frozen=True)
class Contacts:
    case_manager: Person = field(default_factory=Person)
    director: Person = field(default_factory=Person)
    district: str = ""
    principal: Person = field(default_factory=Person)


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date
    label: str = ""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class LogEntry:
    """One dated line of what happened: minutes delivered and, when short or missed, why."""

    date: dt.date
    minutes: int
    reason: str | None = None
    setting: str | None = None
    delivery: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Received:
    """A count of sessions (or minutes): what was received in the period, or made up."""

    sessions: int | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class Service:
    """One service line of the IEP, e.g. speech-language therapy, 30 minutes, 2 times per week.

    With `times`, `minutes` is the length of one session; without it, `minutes` is the total
    per `per` ("60 minutes weekly", "1,350 minutes per year"). `per` is a week, a month, a
    year, the whole of the service's dates ("total"), a school day, or a rotation of
    `cycle_days` school days ("cycle"). A weekly service may name its `days` ("tue", "thu") and
    may run in `weeks_on` of every `weeks_cycle` weeks.

    `received` counts the sessions (or minutes) received in the period; `log` lists dated
    sessions, given, short or missed. Given together, the log's sessions are some of the ones
    counted. `made_up` counts make-up sessions given for missed ones, whatever their date.
    """

    name: str
    minutes: int
    per: str
    times: int | None = None
    setting: str | None = None
    delivery: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    received: Received | None = None
    log: tuple[LogEntry, ...] | None = None
    days: tuple[str, ...] = ()
    weeks_on: int | None = None
    weeks_cycle: int | None = None
    cycle_days: int | None = None
    made_up: Received | None = None
    as_written: str = ""  # the line in the IEP's own words, quoted in the letters
    # Where the service was read from (services.2): messages about it go beside its fields.
    path: str = field(default="", compare=False)


@dataclass(frozen=True)
class Incident:
    """An accommodation or support that is not counted in minutes and was not given on a date."""

    date: dt.date
    support: str
    note: str = ""


@dataclass(frozen=True)
class LetterSent:
    letter: str
    date: dt.date
    to: str = ""


@dataclass(frozen=True)
class Reply:
    """An answer the parent received: when, from whom ("from" in the file), what it said."""

    date: dt.date
    sender: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Conversation:
    """A phone call or a talk at school to confirm in writing ("with" in the file is `person`)."""

    date: dt.date
    person: str = ""
    how: str | None = None
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeetingTime:
    """A date and time the parent can meet ("3:30 p.m."); the time is free text."""

    date: dt.date
    time: str = ""


@dataclass(frozen=True)
class Meeting:
    """The IEP team meeting: the times the parent offers, and the meeting once held."""

    offered: tuple[MeetingTime, ...] = ()
    held_on: dt.date | None = None
    agreed: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requests:
    """Requests made without one of the letters (the date the records were asked for)."""

    records_requested_on: dt.date | None = None


@dataclass(frozen=True)
class Compensatory:
    proposed_schedule: str = ""
    impact: str = ""  # what the child lost: skills, progress on goals, in the parent's words


@dataclass(frozen=True)
class Refusal:
    """What the school said no to, who said it and when (for the prior written notice request)."""

    date: dt.date | None = None
    by: str = ""
    what: str = ""


@dataclass(frozen=True)
class Complaint:
    """The parent's own parts of the state complaint (34 CFR 300.153(b))."""

    violation: str = ""
    proposed_resolution: str = ""
    filed_on: dt.date | None = None
    signature: str = ""
    mediation: str | None = None  # open to mediation: "yes", "no", or not said
    due_process: bool = False  # the same issue is in a due process hearing (300.152(c))


@dataclass(frozen=True)
class ProgressNote:
    date: dt.date
    note: str


@dataclass(frozen=True)
class Goal:
    """An IEP goal as written, with what the progress reports said about it."""

    goal: str
    progress_notes: tuple[ProgressNote, ...] = ()


@dataclass(frozen=True)
class Case:
    version: int = VERSION
    language: str = "en"
    state: str = ""
    parent: Person = field(default_factory=Person)
    child: Child = field(default_factory=Child)
    contacts: Contacts = field(default_factory=Contacts)
    iep_date: dt.date | None = None  # the date of the IEP the services come from
    cc: tuple[str, ...] = ()  # who the later letters copy: "principal", "director"
    period: DateRange | None = None
    no_school: tuple[DateRange, ...] = ()
    school_year_days: int = DEFAULT_SCHOOL_YEAR_DAYS
    services: tuple[Service, ...] = ()
    incidents: tuple[Incident, ...] = ()
    letters_sent: tuple[LetterSent, ...] = ()
    replies: tuple[Reply, ...] = ()
    conversations: tuple[Conversation, ...] = ()
    meeting: Meeting = field(default_factory=Meeting)
    requests: Requests = field(default_factory=Requests)
    compensatory: Compensatory = field(default_factory=Compensatory)
    refusal: Refusal = field(default_factory=Refusal)
    complaint: Complaint = field(default_factory=Complaint)
    goals: tuple[Goal, ...] = ()


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


class _Reader:
    """Walks the parsed JSON once, collecting problems instead of stopping at the first."""

    def __init__(self, kept: KeptServices | None = None) -> None:
        self.problems: list[Problem] = []
        self.kept = kept

    def fail(self, path: str, key: str, **values: Any) -> None:
        self.problems.append(Problem.of(path, key, **values))

    def case(self, data: object) -> Case:
        if not isinstance(data, Mapping):
            self.fail("", "case.not_object")
            return Case()
        obj = self.mapping(data, "", _CASE_KEYS)
        version = obj.get("version")
        if version is None:
            self.fail("version", "case.version_missing")
        elif version != VERSION:
            self.fail("version", "case.version_unknown", found=_shown(version), expected=VERSION)
        return Case(
            language=self.text_in(obj, "language", "", languages()) or DEFAULT_LANGUAGE,
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

    def mapping(self, data: object, path: str, keys: frozenset[str]) -> Mapping[str, Any]:
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            self.fail(path, "case.not_object_field")
            return {}
        for key in data:
            if key not in keys:
                self.fail(_join(path, str(key)), "case.unknown_field")
        return data

    def person(self, data: object, path: str) -> Person:
        obj = self.mapping(data, path, _PERSON_KEYS)
        return Person(
            name=self.text_in(obj, "name", path),
            email=self.email(obj.get("email"), _join(path, "email")),
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
            homeless=self.boolean(obj.get("homeless"), _join(path, "homeless")),
            contact=self.text_in(obj, "contact", path),
            birth_date=self.date(obj.get("birth_date"), _join(path, "birth_date")),
            student_id=self.text_in(obj, "student_id", path),
        )

    def contacts(self, data: object, path: str) -> Contacts:
        obj = self.mapping(data, path, _CONTACTS_KEYS)
        return Contacts(
            case_manager=self.person(obj.get("case_manager"), _join(path, "case_manager")),
            director=self.person(obj.get("director"), _join(path, "director")),
            district=self.text_in(obj, "district", path),
            principal=self.person(obj.get("principal"), _join(path, "principal")),
        )

    def date_range(self, data: object, path: str, *, required: bool) -> DateRange | None:
        if data is None:
            if required:
                self.fail(path, "case.required")
            return None
        obj = self.mapping(data, path, _RANGE_KEYS)
        start = self.date(obj.get("start"), _join(path, "start"), required=True)
        end = self.date(obj.get("end"), _join(path, "end"), required=True)
        label = self.text_in(obj, "label", path)
        if start is None or end is None:
            return None
        if end < start:
            self.fail(_join(path, "end"), "case.end_before_start")
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
            self.fail(_join(path, "name"), "case.service_name_missing")
        minutes = self.integer(
            obj.get("minutes"), _join(path, "minutes"), low=1, high=MAX_MINUTES, required=True
        )
        per = self.choice(obj.get("per"), _join(path, "per"), PER_UNITS, required=True)
        times = self.integer(obj.get("times"), _join(path, "times"), low=1, high=MAX_TIMES)
        start = self.date(obj.get("start"), _join(path, "start"))
        end = self.date(obj.get("end"), _join(path, "end"))
        if start and end and end < start:
            self.fail(_join(path, "end"), "case.end_before_start")
            start = end = None
        if per == "total" and not (start and end):
            self.fail(_join(path, "per"), "case.total_needs_dates")
            per = None
        cycle_days = self.integer(
            obj.get("cycle_days"), _join(path, "cycle_days"), low=2, high=MAX_CYCLE_DAYS
        )
        if per == "cycle" and cycle_days is None:
            if "cycle_days" not in obj or _blank(obj.get("cycle_days")):
                self.fail(_join(path, "cycle_days"), "case.cycle_needs_days")
            per = None
        days = self.weekdays(obj.get("days"), _join(path, "days"), per, times)
        weeks_on, weeks_cycle = self.weeks_pattern(obj, path, per)
        received = self.received(obj.get("received"), _join(path, "received"))
        log = (
            self.items(obj.get("log"), _join(path, "log"), self.log_entry) if "log" in obj else None
        )
        made_up = self.received(obj.get("made_up"), _join(path, "made_up"))
        # "60 minutes weekly" has no session length, so a count of sessions gives no minutes. (A
        # number of sessions typed wrong has its own message, and the counts wait for it.)
        no_sessions = times is None and _blank(obj.get("times"))
        if received is not None and received.minutes is None and times is None:
            if no_sessions:
                self.fail(_join(path, "received.sessions"), "case.received_needs_minutes")
            received = None
        if made_up is not None and made_up.minutes is None and times is None:
            if no_sessions:
                self.fail(_join(path, "made_up.sessions"), "case.received_needs_minutes")
            made_up = None
        setting = self.choice(obj.get("setting"), _join(path, "setting"), SETTINGS)
        delivery = self.choice(obj.get("delivery"), _join(path, "delivery"), DELIVERIES)
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
            obj.get("weeks_cycle"), _join(path, "weeks_cycle"), low=2, high=MAX_WEEKS_CYCLE
        )
        on = self.integer(obj.get("weeks_on"), _join(path, "weeks_on"), low=1, high=MAX_WEEKS_CYCLE)
        if on is None and cycle is None:
            return None, None
        if on is None or cycle is None:
            missing = "weeks_on" if on is None else "weeks_cycle"
            if _blank(obj.get(missing)):
                self.fail(_join(path, missing), "case.weeks_pattern_needs_both")
            return None, None
        if on >= cycle:
            self.fail(_join(path, "weeks_on"), "case.weeks_on_below_cycle", cycle=cycle)
            return None, None
        if per not in (None, "week"):
            self.fail(_join(path, "weeks_on"), "case.weeks_pattern_needs_week")
            return None, None
        return on, cycle

    def received(self, data: object, path: str) -> Received | None:
        if data is None:
            return None
        obj = self.mapping(data, path, _RECEIVED_KEYS)
        sessions = self.integer(obj.get("sessions"), _join(path, "sessions"), low=0, high=100_000)
        minutes = self.integer(obj.get("minutes"), _join(path, "minutes"), low=0, high=10_000_000)
        if sessions is None and minutes is None:
            return None
        return Received(sessions=sessions, minutes=minutes)

    def log_entry(self, data: object, path: str) -> LogEntry | None:
        obj = self.mapping(data, path, _LOG_KEYS)
        day = self.date(obj.get("date"), _join(path, "date"), required=True)
        minutes = self.integer(
            obj.get("minutes"), _join(path, "minutes"), low=0, high=MAX_MINUTES, required=True
        )
        reason = self.choice(obj.get("reason"), _join(path, "reason"), REASONS)
        setting = self.choice(obj.get("setting"), _join(path, "setting"), SETTINGS)
        delivery = self.choice(obj.get("delivery"), _join(path, "delivery"), DELIVERIES)
        note = self.text_in(obj, "note", path)
        if day is None or minutes is None:
            return None
        return LogEntry(day, minutes, reason, setting, delivery, note)

    def incident(self, data: object, path: str) -> Incident | None:
        obj = self.mapping(data, path, _INCIDENT_KEYS)
        day = self.date(obj.get("date"), _join(path, "date"), required=True)
        support = self.text_in(obj, "support", path)
        if not support:
            self.fail(_join(path, "support"), "case.required")
        note = self.text_in(obj, "note", path)
        if day is None or not support:
            return None
        return Incident(date=day, support=support, note=note)

    def letter_sent(self, data: object, path: str) -> LetterSent | None:
        obj = self.mapping(data, path, _LETTER_SENT_KEYS)
        letter = self.text_in(obj, "letter", path)
        day = self.date(obj.get("date"), _join(path, "date"), required=True)
        if not letter:
            self.fail(_join(path, "letter"), "case.required")
        to = self.text_in(obj, "to", path)
        if day is None or not letter:
            return None
        return LetterSent(letter=letter, date=day, to=to)

    def reply(self, data: object, path: str) -> Reply | None:
        obj = self.mapping(data, path, _REPLY_KEYS)
        day = self.date(obj.get("date"), _join(path, "date"), required=True)
        sender = self.text_in(obj, "from", path)
        summary = self.text_in(obj, "summary", path)
        if day is None:
            return None
        return Reply(date=day, sender=sender, summary=summary)

    def conversation(self, data: object, path: str) -> Conversation | None:
        obj = self.mapping(data, path, _CONVERSATION_KEYS)
        day = self.date(obj.get("date"), _join(path, "date"), required=True)
        person = self.text_in(obj, "with", path)
        how = self.choice(obj.get("how"), _join(path, "how"), CONVERSATION_WAYS)
        points = self.texts(obj.get("points"), _join(path, "points"))
        if day is None:
            return None
        return Conversation(date=day, person=person, how=how, points=points)

    def meeting(self, data: object, path: str) -> Meeting:
        obj = self.mapping(data, path, _MEETING_KEYS)
        return Meeting(
            offered=self.items(obj.get("offered"), _join(path, "offered"), self.meeting_time),
            held_on=self.date(obj.get("held_on"), _join(path, "held_on")),
            agreed=self.texts(obj.get("agreed"), _join(path, "agreed")),
            attendees=self.texts(obj.get("attendees"), _join(path, "attendees")),
        )

    def meeting_time(self, data: object, path: str) -> MeetingTime | None:
        obj = self.mapping(data, path, _MEETING_TIME_KEYS)
        day = self.date(obj.get("date"), _join(path, "date"), required=True)
        time = self.text_in(obj, "time", path)
        if day is None:
            return None
        return MeetingTime(date=day, time=time)

    def requests(self, data: object, path: str) -> Requests:
        obj = self.mapping(data, path, _REQUESTS_KEYS)
        return Requests(
            records_requested_on=self.date(
                obj.get("records_requested_on"), _join(path, "records_requested_on")
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
            date=self.date(obj.get("date"), _join(path, "date")),
            by=self.text_in(obj, "by", path),
            what=self.text_in(obj, "what", path),
        )

    def complaint(self, data: object, path: str) -> Complaint:
        obj = self.mapping(data, path, _COMPLAINT_KEYS)
        return Complaint(
            violation=self.text_in(obj, "violation", path),
            proposed_resolution=self.text_in(obj, "proposed_resolution", path),
            filed_on=self.date(obj.get("filed_on"), _join(path, "filed_on")),
            signature=self.text_in(obj, "signature", path),
            mediation=self.choice(
                obj.get("mediation"), _join(path, "mediation"), MEDIATION_ANSWERS
            ),
            due_process=self.boolean(obj.get("due_process"), _join(path, "due_process")),
        )

    def goal(self, data: object, path: str) -> Goal | None:
        obj = self.mapping(data, path, _GOAL_KEYS)
        goal = self.text_in(obj, "goal", path)
        notes = self.items(
            obj.get("progress_notes"), _join(path, "progress_notes"), self.progress_note
        )
        if not goal:
            self.fail(_join(path, "goal"), "case.goal_missing")
            return None
        return Goal(goal=goal, progress_notes=notes)

    def progress_note(self, data: object, path: str) -> ProgressNote | None:
        obj = self.mapping(data, path, _PROGRESS_NOTE_KEYS)
        day = self.date(obj.get("date"), _join(path, "date"), required=True)
        note = self.text_in(obj, "note", path)
        if not note:
            self.fail(_join(path, "note"), "case.required")
        if day is None or not note:
            return None
        return ProgressNote(date=day, note=note)

    def texts(self, data: object, path: str) -> tuple[str, ...]:
        """A list of short texts (points agreed, people present); empty lines are dropped."""

        def one(item: object, where: str) -> str | None:
            if not isinstance(item, str):
                self.fail(where, "case.not_text")
                return None
            cleaned = clean_text(item)
            if len(cleaned) > MAX_TEXT:
                self.fail(where, "case.text_too_long", limit=MAX_TEXT)
                return None
            return cleaned or None

        return self.items(data, path, one)

    # -- values --------------------------------------------------------------------------

    def items(
        self, data: object, path: str, read: Callable[[object, str], T | None]
    ) -> tuple[T, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            self.fail(path, "case.not_list")
            return ()
        read_items = (read(item, _join(path, str(index))) for index, item in enumerate(data))
        return tuple(item for item in read_items if item is not None)

    def text_in(
        self, obj: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...] = ()
    ) -> str:
        value = obj.get(key)
        where = _join(path, key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(where, "case.not_text")
            return ""
        cleaned = clean_text(value)
        if len(cleaned) > MAX_TEXT:
            self.fail(where, "case.text_too_long", limit=MAX_TEXT)
            return ""
        if choices and value.strip() and cleaned not in choices:
            self.fail(where, "case.not_a_choice", choices=", ".join(choices))
            return ""
        return cleaned

    def email(self, value: object, path: str) -> str:
        if _blank(value):
            return ""
        if not isinstance(value, str):
            self.fail(path, "case.not_text")
            return ""
        address = value.strip()
        local, at, domain = address.partition("@")
        if not at or not local or "." not in domain or any(c.isspace() for c in address):
            self.fail(path, "case.not_email")
            return ""
        if len(address) > 254:
            self.fail(path, "case.text_too_long", limit=254)
            return ""
        return address

    def state(self, value: object, path: str) -> str:
        if _blank(value):
            return ""
        code = value.strip() if isinstance(value, str) else ""
        # Two letters; a code with no agency on file is the complaint check's to explain.
        if len(code) != 2 or not (code.isascii() and code.isalpha()):
            self.fail(path, "case.not_state")
            return ""
        return code.upper()

    def date(self, value: object, path: str, *, required: bool = False) -> dt.date | None:
        if _blank(value):
            if required:
                self.fail(path, "case.required")
            return None
        if isinstance(value, str) and _looks_like_date(value):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.fail(path, "case.no_such_date", value=value.strip())
                return None
            if day.year not in YEARS:
                self.fail(path, "case.year_out_of_range", first=YEARS[0], last=YEARS[-1])
                return None
            return day
        self.fail(path, "case.not_date")
        return None

    def integer(
        self,
        value: object,
        path: str,
        *,
        low: int,
        high: int,
        required: bool = False,
    ) -> int | None:
        if _blank(value):
            if required:
                self.fail(path, "case.required")
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().removeprefix("-").isdecimal():
            # isdecimal(), not isdigit(), which takes "²" too
            sign, digits = (
                (-1, value.strip()[1:]) if value.strip()[0] == "-" else (1, value.strip())
            )
            digits = digits.lstrip("0") or "0"
            if len(digits) > len(str(high)):  # Python refuses to convert thousands of digits
                self.fail(path, "case.out_of_range", low=low, high=f"{high:,}")
                return None
            number = sign * int(digits)
        if number is not None and number < 0 <= low:
            self.fail(
                path,
                "case.negative" if low == 0 else "case.out_of_range",
                low=low,
                high=f"{high:,}",
            )
            return None
        if number is None:
            self.fail(path, "case.not_whole_number")
            return None
        if not low <= number <= high:
            self.fail(path, "case.out_of_range", low=low, high=f"{high:,}")
            return None
        return number

    def choice(
        self, value: object, path: str, choices: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        if _blank(value):
            if required:
                self.fail(path, "case.required")
            return None
        if value not in choices:
            self.fail(path, "case.not_a_choice", choices=", ".join(choices))
            return None
        return str(value)

    def ticked(self, data: object, path: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        """The choices ticked in a group of boxes ({"tue": true, "wed": false}), in `allowed`'s
        order; a box that is not true or false is said beside that box."""
        obj = self.mapping(data, path, frozenset(allowed))
        return tuple(
            choice
            for choice in allowed
            if choice in obj and self.boolean(obj[choice], _join(path, choice))
        )

    def boolean(self, value: object, path: str) -> bool:
        if _blank(value):
            return False
        if not isinstance(value, bool):
            self.fail(path, "case.not_boolean")
            return False
        return value


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as a JSON-ready document that `load_case` reads back unchanged."""
    document: dict[str, Any] = {"version": case.version}
    if case.language != "en":
        document["language"] = case.language
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


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def clean_text(value: str) -> str:
    """Text without control or bidi-override characters (tabs, newlines, emoji joiners kept)."""
    if value.isprintable():  # most text: checked at C speed, not character by character
        return value.strip()
    return "".join(c for c in value if c in "\n\t\u200d" or c.isprintable()).strip()


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


def _blank(value: object) -> bool:
    """Nothing there: no value, or only white space (a field with a stray space is left empty)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _looks_like_date(value: str) -> bool:
    """Shaped like YYYY-MM-DD, whether or not such a day exists."""
    return _DATE_SHAPE.fullmatch(value.strip()) is not None


def _shown(value: object) -> str:
    return json.dumps(value)[:40]


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
