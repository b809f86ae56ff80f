"""The command line, for advocates who handle many families: python -m builder ...

Exit status: 0 done, 2 the case file or the arguments are unusable (one line per problem on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from builder.case import Case, CaseError, loads_case
from builder.complaint import complaint_problems, one_year_check, signature_rule
from builder.csvlog import log_from_csv, log_to_csv
from builder.gap import compute_gap
from builder.gap_report import report_text, report_to_dict
from builder.i18n import text
from builder.jurisdictions import get_state
from builder.letters import (
    catalogue,
    letter_info,
    letter_title,
    missing_in_words,
    render_letter,
)
from builder.meeting_sheet import meeting_sheet
from builder.summary import header, summary_rows
from builder.timeline import timeline, to_ics

USAGE_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        output = args.command(args)
    except CaseError as error:
        for problem in error.problems:
            print(f"error: {args.case}: {problem}", file=sys.stderr)
        return USAGE_ERROR
    except _UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m builder",
        description="IEP Follow-Through: the service gap and the letters, from a case file.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    letters = commands.add_parser("letters", help="list the letters")
    letters.set_defaults(command=_letters, case=None)

    gap = commands.add_parser(
        "gap", help="the minutes the IEP called for, received and not provided"
    )
    gap.add_argument("case", help="the case file (JSON)")
    gap.add_argument("--json", action="store_true", help="print the full report as JSON")
    gap.add_argument(
        "--log",
        metavar="CSV",
        help="read the log from a spreadsheet or a provider's service log (CSV) instead",
    )
    gap.add_argument(
        "--service",
        metavar="NAME",
        help="the service the CSV's rows belong to, if it has no service column",
    )
    gap.add_argument(
        "--csv", action="store_true", help="print the case's log as CSV, for a spreadsheet"
    )
    gap.set_defaults(command=_gap)

    letter = commands.add_parser("letter", help="print one letter filled from a case file")
    letter.add_argument("name", help="the letter's name (see: python -m builder letters)")
    letter.add_argument("case", help="the case file (JSON)")
    letter.add_argument("--date", type=_date, help="the letter's date, YYYY-MM-DD (default today)")
    letter.set_defaults(command=_letter)

    check = commands.add_parser("check", help="what each letter still needs from a case file")
    check.add_argument("case", help="the case file (JSON)")
    check.add_argument(
        "--date", type=_date, help="the day to check the one-year limit on (default today)"
    )
    check.set_defaults(command=_check)

    dates = commands.add_parser("timeline", help="the case's dates: letters, replies, deadlines")
    dates.add_argument("case", help="the case file (JSON)")
    dates.add_argument("--date", type=_date, help="today's date, YYYY-MM-DD (default today)")
    dates.add_argument("--ics", action="store_true", help="print a calendar file (.ics) instead")
    dates.set_defaults(command=_timeline)

    summary = commands.add_parser(
        "summary",
        help="one CSV row per family and service, from case files or folders of them",
    )
    summary.add_argument("paths", nargs="+", metavar="PATH", help="case files, or folders of them")
    summary.add_argument(
        "--check", action="store_true", help="add each family's next letter and what it needs"
    )
    summary.add_argument("--date", type=_date, help="today's date, YYYY-MM-DD (default today)")
    summary.set_defaults(command=_summary, case=None)

    sheet = commands.add_parser("meeting-sheet", help="the printable sheet for the IEP meeting")
    sheet.add_argument("case", help="the case file (JSON)")
    sheet.add_argument("--date", type=_date, help="today's date, YYYY-MM-DD (default today)")
    sheet.set_defaults(command=_meeting_sheet)
    return parser


def _letters(args: argparse.Namespace) -> str:
    rows = [(info.name, f"step {info.step}", letter_title(info.name)) for info in catalogue()]
    width = max(len(name) for name, _, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {step:>7}  {title}" for name, step, title in rows)


def _gap(args: argparse.Namespace) -> str:
    case = _read(args.case)
    if args.log:
        case = _with_csv_log(case, args.log, args.service)
    if args.csv:
        return log_to_csv(case)
    report = compute_gap(case)
    if args.json:
        return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
    return report_text(report)


def _with_csv_log(case: Case, path: str, service: str | None) -> Case:
    """The case with the log read from the CSV file at `path`; bad rows are warned about."""
    try:
        source = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise _UsageError(f"{path}: cannot read the log ({reason})") from None
    with_log, problems = log_from_csv(source, case, service=service)
    if any(not problem.path for problem in problems):  # the file as a whole is unusable
        raise _UsageError("; ".join(f"{path}: {problem}" for problem in problems))
    for problem in problems:
        print(f"warning: {path}: {problem}", file=sys.stderr)
    return with_log


def _letter(args: argparse.Namespace) -> str:
    """The letter on stdout; what it still lacks, if anything, as notes on stderr."""
    try:
        letter_info(args.name)
    except KeyError as error:
        raise _UsageError(error.args[0]) from None
    case = _read(args.case)
    today = args.date or dt.date.today()
    letter = render_letter(args.name, case, today=today)
    missing = (
        complaint_problems(case, today=today)
        if args.name == "state-complaint"
        else missing_in_words(args.name, case)
    )
    key = "check.note_complaint" if args.name == "state-complaint" else "check.note_missing"
    for need in missing:
        print(text(key, case.language, need=need), file=sys.stderr)
    return letter.text


def _check(args: argparse.Namespace) -> str:
    """What each letter still lacks, in plain words; for the state complaint, each element of
    34 CFR 300.153(b), the one-year limit, the copy to the district and how the state takes it."""
    case = _read(args.case)
    today = args.date or dt.date.today()
    language = case.language
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
        lines.append(
            "  "
            + text(
                key,
                language,
                agency=state.agency,
                methods=", ".join(methods),
                url=state.complaint_url or "",
            ).replace(" ()", "")
        )
    return "\n".join(lines)


def _timeline(args: argparse.Namespace) -> str:
    case = _read(args.case)
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
    today = args.date or dt.date.today()
    files = _case_files(args.paths)
    if not files:
        raise _UsageError(f"no case files (.json) in {', '.join(args.paths)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(check=args.check))
    failures = 0
    for path in files:
        try:
            case = _read(str(path))
        except (CaseError, _UsageError) as error:
            failures += 1
            reason = "; ".join(map(str, error.problems)) if isinstance(error, CaseError) else error
            print(f"error: {path}: {reason}", file=sys.stderr)
            continue
        writer.writerows(summary_rows(case, file=str(path), today=today, check=args.check))
    if failures:
        sys.stdout.write(out.getvalue())
        raise _UsageError(
            f"{failures} of {len(files)} case files could not be read; the summary has the others"
        )
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
    return meeting_sheet(_read(args.case), today=args.date or dt.date.today()).text


def _read(path: str) -> Case:
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise _UsageError(f"{path}: cannot read the case file ({reason})") from None
    return loads_case(source)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-10-26: {value!r}") from None
