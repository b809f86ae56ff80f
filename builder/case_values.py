"""Reading one value of a case file: text, an email address, a date, a whole number, a choice,
ticked boxes. Each reader method keeps a valid value and, for an invalid one, records a `Problem`
naming its field and returns nothing, so the rest of the case is kept (`case_reader` walks the
case with these).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from builder.case import MAX_TEXT, YEARS, Problem

T = TypeVar("T")
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FieldReader:
    """Reads values, collecting a problem for each bad one instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, key: str, **values: Any) -> None:
        self.problems.append(Problem.of(path, key, **values))

    def mapping(self, data: object, path: str, keys: frozenset[str]) -> Mapping[str, Any]:
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            self.fail(path, "case.not_object_field")
            return {}
        for key in data:
            if key not in keys:
                self.fail(join_path(path, str(key)), "case.unknown_field")
        return data

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

    def items(
        self, data: object, path: str, read: Callable[[object, str], T | None]
    ) -> tuple[T, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            self.fail(path, "case.not_list")
            return ()
        read_items = (read(item, join_path(path, str(index))) for index, item in enumerate(data))
        return tuple(item for item in read_items if item is not None)

    def text_in(
        self, obj: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...] = ()
    ) -> str:
        value = obj.get(key)
        where = join_path(path, key)
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
        if is_blank(value):
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
        if is_blank(value):
            return ""
        code = value.strip() if isinstance(value, str) else ""
        # Two letters; a code with no agency on file is the complaint check's to explain.
        if len(code) != 2 or not (code.isascii() and code.isalpha()):
            self.fail(path, "case.not_state")
            return ""
        return code.upper()

    def date(self, value: object, path: str, *, required: bool = False) -> dt.date | None:
        if is_blank(value):
            if required:
                self.fail(path, "case.required")
            return None
        if isinstance(value, str) and looks_like_date(value):
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
        if is_blank(value):
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
        if is_blank(value):
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
            if choice in obj and self.boolean(obj[choice], join_path(path, choice))
        )

    def boolean(self, value: object, path: str) -> bool:
        if is_blank(value):
            return False
        if not isinstance(value, bool):
            self.fail(path, "case.not_boolean")
            return False
        return value


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def clean_text(value: str) -> str:
    """Text without control or bidi-override characters (tabs, newlines, emoji joiners kept)."""
    if value.isprintable():  # most text: checked at C speed, not character by character
        return value.strip()
    return "".join(c for c in value if c in "\n\t\u200d" or c.isprintable()).strip()


def is_blank(value: object) -> bool:
    """Nothing there: no value, or only white space (a field with a stray space is left empty)."""
    return value is None or (isinstance(value, str) and not value.strip())


def looks_like_date(value: str) -> bool:
    """Shaped like YYYY-MM-DD, whether or not such a day exists."""
    return _DATE_SHAPE.fullmatch(value.strip()) is not None


def shown(value: object) -> str:
    return json.dumps(value)[:40]
