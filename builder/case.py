"""The case file: the one JSON document the page, the CLI, Export/Import and the tests share.

`read_case` never raises on bad content: it keeps every valid value, drops each invalid one and
reports it as a `Problem` naming the field, so a page can show the message beside the field and
keep everything else the parent typed. `load_case` is the strict form the CLI uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from builder.i18n import DEFAULT_LANGUAGE, text

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
    # The parent's language, when not English: the letters ask for an interpreter at meetings
    # (34 CFR 300.322(e)) and for notices in it (300.503(c)).
    interpreter_language: str = ""
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
