"""The letters' catalogue (letters/catalogue.json): each letter's name, guide step and page,
template, who it goes to, what it needs and how long it gives for a reply. Its title,
description and needs in words are messages in each language (title.<name>...).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from builder.i18n import (
    text,
)

LETTERS_DIR = Path(__file__).resolve().parent.parent / "letters"
REPLY_DAYS = 10
# What the form records for an email or letter the parent wrote without one of these letters.
OTHER_LETTER = "other"


@dataclass(frozen=True)
class LetterInfo:
    """A letter of the catalogue (letters/catalogue.json); its title and description, in each
    language, are messages: title.<name>, description.<name>."""

    name: str
    step: int
    page: str
    template: str
    to: str
    cc: tuple[str, ...]
    needs: tuple[str, ...]
    reply_days: int = REPLY_DAYS
    # Whether the parent's chosen copies (the principal, the director) go on this letter: the
    # later letters, once the first notes to the case manager have gone unanswered.
    copies: bool = False


@cache
def catalogue() -> tuple[LetterInfo, ...]:
    """Every letter, in the order of the guide's steps (the file's order within a step)."""
    data = json.loads((LETTERS_DIR / "catalogue.json").read_text(encoding="utf-8"))
    letters = (
        LetterInfo(**{**entry, "cc": tuple(entry["cc"]), "needs": tuple(entry["needs"])})
        for entry in data["letters"]
    )
    return tuple(sorted(letters, key=lambda info: info.step))


def letter_title(name: str, language: str = "en") -> str:
    return text(f"title.{name}", language)


def known_letters() -> frozenset[str]:
    """The names of the catalogue's letters (anything else in letters_sent is shown as typed)."""
    return frozenset(info.name for info in catalogue())


def letter_info(name: str) -> LetterInfo:
    for info in catalogue():
        if info.name == name:
            return info
    known = ", ".join(info.name for info in catalogue())
    raise KeyError(f"no letter named {name!r}; the letters are: {known}")


def need_label(path: str, language: str = "en") -> str:
    """A fact's path (contacts.director.name) as a reader says it (the director's name)."""
    return text(f"need.{path}", language)


def reply_date(today: dt.date, days: int = REPLY_DAYS) -> dt.date:
    """The date a letter sent `today` asks for an answer by."""
    return today + dt.timedelta(days=days)
