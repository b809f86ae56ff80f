"""The command line, for advocates who handle many families: python -m builder ...

Two languages are at work. The reader's (`--lang`, else English) is that of everything printed
for the person at the keyboard: help, errors, the gap, check, the timeline, the summary, a log
exported as CSV. The school's is that of what goes to the school, a letter and the meeting sheet:
the case file's "language", unless `--lang` names another. argparse's own words ("usage:",
"the following arguments are required") stay English.

Exit status: 0 done, 2 the case file or the arguments are unusable (one line per problem on
stderr), 1 a fault in this tool (one line too, never a traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from builder.case import Case, CaseError, Problem
from builder.case_reader import loads_case
from builder.cli.summary import header, summary_rows
from builder.complaint import complaint_problems, one_year_check, signature_rule
from builder.csvlog import log_from_csv, log_to_csv
from builder.gap import compute_gap
from builder.gap_report import report_text, report_to_dict
from builder.i18n import DEFAULT_LANGUAGE, language_data, languages, number, plural, text
from builder.jurisdictions import get_state
from builder.letter_catalogue import catalogue, known_letters, letter_title
from builder.letters import missing_in_words, render_letter
from builder.meeting_sheet import meeting_sheet
from builder.timeline import timeline, to_ics

USAGE_ERROR = 2
FAULT = 1
INTERRUPTED = 130  # as shells report Ctrl+C
PROG = "python -m builder"
LANG_OPTION = "--lang"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    language = _asked_language(arguments)  # before the parser: its help speaks it
    try:
        args = _parser(language).parse_args(arguments)
        output = args.command(args)
        sys.stdout.write(output if output.endswith("\n") else output + "\n")
        sys.stdout.flush()
    except _Unusable as error:
        for reason in error.reasons:
            _say("cli.error", language, message=f"{error.path}: {reason}")
        return USAGE_ERROR
    except _UsageError as error:
        _say("cli.error", language, message=error.args[0])
        return USAGE_ERROR
    except BrokenPipeError:  # the output was piped into a reader that stopped (| head)
        return 0
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as error:  # a fault of ours: one line to report, not a traceback
        _say("cli.fault", language, error=f"{type(error).__name__}: {error}")
        return FAULT
    return 0


class _UsageError(Exception):
    """Arguments the command cannot use, said in the reader's language."""


class _Unusable(Exception):
    """A file the command cannot use: its path and each reason, in the reader's language."""

    def __init__(self, path: str, reasons: Sequence[str]) -> None:
        super().__init__(path, *reasons)
        self.path = path
        self.reasons = tuple(reasons)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (and a pointer to the help) instead of its usage
    lines, and no abbreviated options: --lang is read before the parser is built."""

    def __init__(self, *args: Any, language: str = DEFAULT_LANGUAGE, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self.language = language

    def error(self, message: str) -> NoReturn:
        said = text("cli.argument_error", self.language, message=message, prog=self.prog)
        self.exit(USAGE_ERROR, text("cli.error", self.language, message=said) + "\n")


def _parser(language: str) -> _Parser:
    """The commands and their options, their help in `language`."""

    known = ", ".join(f"{code} ({language_data(code)['name']})" for code in languages())

    def say(key: str) -> str:
        return text(f"cli.help.{key}", language, languages=known)

    def shown_as(name: str) -> str:
        return text(f"cli.metavar.{name}", language)

    def case_argument(found: argparse.ArgumentParser) -> None:
        found.add_argument("case", metavar=shown_as("case"), help=say("case"))

    parser = _Parser(prog=PROG, description=say("description"), language=language)
    parser.add_argument(LANG_OPTION, choices=languages(), help=say("lang"))
    commands = parser.add_subparsers(required=True, metavar=shown_as("command"))

    def command(
        name: str, run: Callable[[argparse.Namespace], str], *, to_school: bool = False
    ) -> argparse.ArgumentParser:
        found = commands.add_parser(name, help=say(name), description=say(name), language=language)
        found.set_defaults(command=run)
        # Before the command or after it: SUPPRESS keeps the command from resetting it to None.
        found.add_argument(
            LANG_OPTION,
            choices=languages(),
            default=argparse.SUPPRESS,
            help=say("lang_school" if to_school else "lang"),
        )
        return found

    def date_option(found: argparse.ArgumentParser, help_key: str) -> None:
        date = _date_type(language)
        found.add_argument("--date", type=date, metavar=shown_as("date"), help=say(help_key))

    command("letters", _letters)

    gap = command("gap", _gap)
    case_argument(gap)
    gap.add_argument("--json", action="store_true", help=say("json"))
    gap.add_argument("--log", metavar="CSV", help=say("log"))
    gap.add_argument("--service", metavar=shown_as("service"), help=say("service"))
    gap.add_argument("--csv", action="store_true", help=say("csv"))

    letter = command("letter", _letter, to_school=True)
    letter.add_argument("name", metavar=shown_as("name"), help=say("letter_name"))
    case_argument(letter)
    date_option(letter, "letter_date")

    check = command("check", _check)
    case_argument(check)
    date_option(check, "check_date")

    dates = command("timeline", _timeline)
    case_argument(dates)
    date_option(dates, "today")
    dates.add_argument("--ics", action="store_true", help=say("ics"))

    summary = command("summary", _summary)
    summary.add_argument("paths", nargs="+", metavar=shown_as("paths"), help=say("paths"))
    summary.add_argument("--check", action="store_true", help=say("summary_check"))
    date_option(summary, "today")

    sheet = command("meeting-sheet", _meeting_sheet, to_school=True)
    case_argument(sheet)
    date_option(sheet, "today")
    return parser


def _asked_language(arguments: Sequence[str]) -> str:
    """The language --lang names (the last one, as argparse takes it), if it is one of ours;
    else English (the parser then refuses an unknown one, in English)."""
    asked = DEFAULT_LANGUAGE
    for index, argument in enumerate(arguments):
        if argument == "--":
            break
        if argument.startswith(LANG_OPTION + "="):
            named = argument.partition("=")[2]
        elif argument == LANG_OPTION and index + 1 < len(arguments):
            named = arguments[index + 1]
        else:
            continue
        asked = named if named in languages() else DEFAULT_LANGUAGE
    return asked


def _reader(args: argparse.Namespace) -> str:
    """The language of what is printed for the reader."""
    return str(args.lang or DEFAULT_LANGUAGE)


def _say(key: str, language: str, **values: str) -> None:
    print(text(key, language, **values), file=sys.stderr)


# -- the commands --------------------------------------------------------------------------------


def _letters(args: argparse.Namespace) -> str:
    language = _reader(args)
    rows = [
        (info.name, text("cli.step", language, step=info.step), letter_title(info.name, language))
        for info in catalogue()
    ]
    width = max(len(name) for name, _, _ in rows)
    step_width = max(len(step) for _, step, _ in rows)
    return "\n".join(
        f"{name.ljust(width)}  {step.rjust(step_width)}  {title}" for name, step, title in rows
    )


def _gap(args: argparse.Namespace) -> str:
    language = _reader(args)
    case = _for_reader(args.case, language)
    if args.log:
        case = _with_csv_log(case, args.log, args.service, language)
    if args.csv:
        return log_to_csv(case, language)
    report = compute_gap(case)
    if args.json:
        return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
    return report_text(report)


def _with_csv_log(case: Case, path: str, service: str | None, language: str) -> Case:
    """The case with the log read from the CSV file at `path`; bad rows are warned about."""
    source = _text_of(path, "cli.cannot_read_log", language, encoding="utf-8-sig")
    with_log, problems = log_from_csv(source, case, service=service, language=language)
    if any(not problem.path for problem in problems):  # the file as a whole is unusable
        raise _Unusable(path, [_said(problem, language) for problem in problems])
    for problem in problems:
        _say("cli.warning", language, message=f"{path}: {_said(problem, language)}")
    return with_log


def _letter(args: argparse.Namespace) -> str:
    """The letter on stdout, in the school's language; what it still lacks, if anything, as
    notes on stderr in the reader's."""
    language = _reader(args)
    if args.name not in known_letters():
        names = ", ".join(info.name for info in catalogue())
        raise _UsageError(text("cli.unknown_letter", language, name=args.name, known=names))
    case = _read(args.case, language)
    today = args.date or dt.date.today()
    letter = render_letter(args.name, _for_school(case, args), today=today)
    read = replace(case, language=language)
    missing = (
        complaint_problems(read, today=today)
        if args.name == "state-complaint"
        else missing_in_words(args.name, read)
    )
    key = "check.note_complaint" if args.name == "state-complaint" else "check.note_missing"
    for need in missing:
        _say(key, language, need=need)
    return letter.text


def _check(args: argparse.Namespace) -> str:
    """What each letter still lacks, in plain words; for the state complaint, each element of
    34 CFR 300.153(b), the one-year limit, the copy to the district and how the state takes it."""
    language = _reader(args)
    case = _for_reader(args.case, language)
    today = args.date or dt.date.today()
    blocks = []
    for info in catalogue():
        heading = text(
            "check.heading", language, title=letter_title(info.name, language), name=info.name
        )
        if info.name == "state-complaint":
            blocks.append(_check_complaint(case, today, heading))
            continue
        missing = missing_in_words(info.name, case)
        if not missing:
            blocks.append(f"{heading}: {text('check.ready', language)}")
        else:
            lines = [f"{heading}: {text('check.needs', language)}"]
            lines += [f"  - {need}" for need in missing]
            blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _check_complaint(case: Case, today: dt.date, heading: str) -> str:
    language = case.language
    problems = complaint_problems(case, today=today)
    if problems:
        lines = [f"{heading}: {text('check.complaint_not_ready', language)}"]
        lines += [f"  - {problem}" for problem in problems]
    else:
        lines = [f"{heading}: {text('check.complaint_ready', language)}"]
    check = one_year_check(case, today=today)
    if check.lines:
        lines.append(f"  {text('check.one_year', language)}")
        lines += [f"  - {line}" for line in check.lines]
    lines.append(f"  {signature_rule(case)}")
    lines.append(f"  {text('check.copy_to_district', language)}")
    state = get_state(case.state) if case.state else None
    if state is not None:
        methods = state.filing_methods_text(language)
        key = "check.how_to_send" if methods else "check.how_to_send_unknown"
        if not state.complaint_url:
            key += "_no_page"
        said = text(
            key, language, agency=state.agency, methods=", ".join(methods), url=state.complaint_url
        )
        lines.append(f"  {said}")
    return "\n".join(lines)


def _timeline(args: argparse.Namespace) -> str:
    language = _reader(args)
    case = _for_reader(args.case, language)
    today = args.date or dt.date.today()
    events = timeline(case, today=today)
    if args.ics:
        return to_ics(events, stamp=today)
    return "\n".join(
        f"{event.date.isoformat()}  {event.title}"
        + (f"\n            {event.note}" if event.note else "")
        for event in events
    )


def _summary(args: argparse.Namespace) -> str:
    """The CSV on stdout; each file that cannot be read is one line on stderr, and the rest run.
    Exit status 2 when any file could not be read (the rows of the others are still printed)."""
    language = _reader(args)
    today = args.date or dt.date.today()
    files = _case_files(args.paths)
    if not files:
        raise _UsageError(text("cli.no_case_files", language, paths=", ".join(args.paths)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(language, check=args.check))
    failures = 0
    for path in files:
        try:
            case = _for_reader(str(path), language)
        except _Unusable as error:
            failures += 1
            _say("cli.error", language, message=f"{error.path}: {'; '.join(error.reasons)}")
            continue
        writer.writerows(summary_rows(case, file=str(path), today=today, check=args.check))
    if failures:
        sys.stdout.write(out.getvalue())
        total = plural("cli.case_files", len(files), language)
        failed = number(failures, language)
        raise _UsageError(text("cli.some_unreadable", language, failures=failed, total=total))
    return out.getvalue()


def _case_files(paths: Sequence[str]) -> list[Path]:
    """The case files named, and those in the folders named (their .json files, in order)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(path.rglob("*.json"))
        else:
            found.append(path)
    return found


def _meeting_sheet(args: argparse.Namespace) -> str:
    case = _for_school(_read(args.case, _reader(args)), args)
    return meeting_sheet(case, today=args.date or dt.date.today()).text


# -- reading -------------------------------------------------------------------------------------


def _for_reader(path: str, language: str) -> Case:
    """The case file at `path`, its words in the reader's language."""
    return replace(_read(path, language), language=language)


def _for_school(case: Case, args: argparse.Namespace) -> Case:
    """The case as the school reads it: in its own language, unless --lang names another."""
    return replace(case, language=args.lang) if args.lang else case


def _read(path: str, language: str) -> Case:
    """The case file at `path`, or _Unusable with its problems in `language`."""
    source = _text_of(path, "cli.cannot_read_case", language)
    try:
        return loads_case(source)
    except CaseError as error:
        raise _Unusable(path, [_said(problem, language) for problem in error.problems]) from None


def _text_of(path: str, key: str, language: str, *, encoding: str = "utf-8") -> str:
    """The text of the file at `path`, or _Unusable saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        reason = text("cli.reason_missing", language)
    except IsADirectoryError:
        reason = text("cli.reason_folder", language)
    except PermissionError:
        reason = text("cli.reason_permission", language)
    except UnicodeDecodeError:
        reason = text("cli.reason_not_utf8", language)
    except OSError as error:  # rarer: the system's own words
        reason = error.strerror or type(error).__name__
    raise _Unusable(path, [text(key, language, reason=reason)])


def _said(problem: Problem, language: str) -> str:
    """A problem with where it is: "services.0.minutes: Enter a whole number, like 30."."""
    words = problem.words(language)
    return f"{problem.path}: {words}" if problem.path else words


def _date_type(language: str) -> Callable[[str], dt.date]:
    def date(value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            said = text("cli.not_a_date", language, value=value)
            raise argparse.ArgumentTypeError(said) from None

    return date
