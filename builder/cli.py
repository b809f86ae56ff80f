"""The command line, for advocates who handle many families: python -m builder ...

Exit status: 0 done, 2 the case file or the arguments are unusable (one line per problem on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from builder.case import Case, CaseError, loads_case
from builder.gap import GapReport, compute_gap, report_to_dict
from builder.i18n import number
from builder.letters import catalogue, gap_table, letter_info, missing_facts, render_letter

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
        description="IEP Follow-Through: compute the service gap and write letters from a case file.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    letters = commands.add_parser("letters", help="list the letters")
    letters.set_defaults(command=_letters, case=None)

    gap = commands.add_parser("gap", help="the minutes the IEP called for, received, missed, owed")
    gap.add_argument("case", help="the case file (JSON)")
    gap.add_argument("--json", action="store_true", help="print the full report as JSON")
    gap.set_defaults(command=_gap)

    letter = commands.add_parser("letter", help="print one letter filled from a case file")
    letter.add_argument("name", help="the letter's name (see: python -m builder letters)")
    letter.add_argument("case", help="the case file (JSON)")
    letter.add_argument("--date", type=_date, help="the letter's date, YYYY-MM-DD (default today)")
    letter.set_defaults(command=_letter)

    check = commands.add_parser("check", help="what each letter still needs from a case file")
    check.add_argument("case", help="the case file (JSON)")
    check.set_defaults(command=_check)
    return parser


def _letters(args: argparse.Namespace) -> str:
    rows = [(info.name, f"step {info.step}", info.title) for info in catalogue()]
    width = max(len(name) for name, _, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {step:>7}  {title}" for name, step, title in rows)


def _gap(args: argparse.Namespace) -> str:
    case = _read(args.case)
    report = compute_gap(case)
    if args.json:
        return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
    return _gap_text(report, case)


def _gap_text(report: GapReport, case: Case) -> str:
    parts = [report.sentence or "\n".join(report.assumptions)]
    table = gap_table(report, case.language)
    if table:
        parts.append(table)
    if report.student_absent_minutes:
        parts.append(
            f"Missed because the student was absent (not counted as owed): "
            f"{number(report.student_absent_minutes)} minutes"
        )
    if report.warnings:
        parts.append("Warnings:\n" + "\n".join(f"- {line}" for line in report.warnings))
    parts.append("How this was counted:\n" + "\n".join(f"- {line}" for line in report.assumptions))
    return "\n\n".join(parts)


def _letter(args: argparse.Namespace) -> str:
    try:
        letter_info(args.name)
    except KeyError as error:
        raise _UsageError(error.args[0]) from None
    case = _read(args.case)
    today = args.date or dt.date.today()
    return render_letter(args.name, case, today=today).text


def _check(args: argparse.Namespace) -> str:
    case = _read(args.case)
    lines = []
    for info in catalogue():
        missing = missing_facts(info.name, case)
        status = "ready" if not missing else "needs " + ", ".join(missing)
        lines.append(f"{info.name}: {status}")
    return "\n".join(lines)


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
