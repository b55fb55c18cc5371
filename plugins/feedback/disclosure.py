"""The disclosure check: does written feedback read like a disclosure of harm or risk?

The phrase list is data (disclosure_phrases.txt, plus FEEDBACK["EXTRA_PHRASES"]); matching is
on whole words, ignoring case, apostrophes, hyphen-or-space and runs of spaces. A false alarm
costs a manager a few minutes; a missed disclosure could cost a child much more, so the list
leans towards matching. Only the matched phrases are kept with an alert, never the text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from plugins.feedback.settings import setting

PHRASES_FILE = Path(__file__).with_name("disclosure_phrases.txt")
APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4")  # straight, curly, grave, acute


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped ("don't" is "dont"), spaces and hyphens collapsed."""
    text = text.casefold().translate(APOSTROPHES)
    return re.sub(r"[\s\-_]+", " ", text).strip()


@lru_cache(maxsize=1)
def listed_phrases() -> tuple[str, ...]:
    """The maintained list, without comments and blank lines."""
    lines = PHRASES_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def phrases() -> tuple[str, ...]:
    """The list in force: the file's phrases and the deployment's own, each once."""
    found: dict[str, None] = {}
    for phrase in (*listed_phrases(), *setting("EXTRA_PHRASES")):
        key = normalise(phrase)
        if key:
            found.setdefault(key, None)
    return tuple(found)


@lru_cache(maxsize=8)
def _pattern(listed: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(p).replace(r"\ ", " ") for p in listed), key=len,
                          reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)")


def matches(texts: list[str]) -> list[str]:
    """The listed phrases found in any of `texts`, in list order, each once."""
    listed = phrases()
    if not listed:
        return []
    found = set()
    for text in texts:
        found |= set(_pattern(listed).findall(normalise(text)))
    return [p for p in listed if p in found]
