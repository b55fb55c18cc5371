"""Question sets: a feedback tool (versioned tool data) turned into a form, and answers back.

A tool's domains are the form's sections and its questions the fields. Choice questions whose
choices are a known scale (vocab.FACE_SCALES, vocab.PLAIN_SCALES) are shown as pictures and
scored, best first; `text` questions are written answers. A question whose code starts with
SAFE ("Do you feel safe where you live?") raises a disclosure alert when its worst answer is
chosen. Written answers are kept as plain text: control characters and direction overrides are
removed, nothing is turned into HTML, and pages always show them escaped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.toolkit import GRADES, Tool
from plugins.feedback import vocab

YES_NO_PARTLY = ("Yes", "Partly", "No")
SCORE_0_10 = tuple(str(n) for n in range(10, -1, -1))
GRADE_LABELS = tuple(g.label for g in GRADES)
SAFETY_PREFIX = "SAFE"
# Direction overrides and isolates could make a written answer display as something else.
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


@dataclass(frozen=True)
class Option:
    label: str
    face: str = ""


@dataclass(frozen=True)
class Item:
    """One question as the form shows it."""

    code: str
    text: str
    hint: str
    kind: str  # "options", "text" or "line"
    required: bool
    options: tuple[Option, ...] = ()
    scored: bool = False

    @property
    def name(self) -> str:
        return f"q_{self.code}"

    @property
    def has_faces(self) -> bool:
        return any(o.face for o in self.options)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    guidance: str
    items: tuple[Item, ...]


def sections_of(tool: Tool) -> list[Section]:
    """The form for a question set, section by section."""
    return [Section(d.code, d.title, d.guidance, tuple(_item(q) for q in d.questions))
            for d in tool.domains]


def _item(question: Any) -> Item:
    base = {"code": question.code, "text": question.text, "hint": question.hint,
            "required": question.required}
    if question.type == "text":
        return Item(kind="text", **base)
    if question.type == "date":
        return Item(kind="line", **base)
    labels = _labels(question)
    faces = vocab.FACE_SCALES.get(labels, ("",) * len(labels))
    scored = labels in vocab.FACE_SCALES or labels in vocab.PLAIN_SCALES or (
        question.type != "choice")
    return Item(kind="options", options=tuple(Option(lbl, face) for lbl, face in
                                              zip(labels, faces, strict=True)),
                scored=scored, **base)


def _labels(question: Any) -> tuple[str, ...]:
    return {"yes_no_partly": YES_NO_PARTLY, "score_0_10": SCORE_0_10,
            "grade": GRADE_LABELS}.get(question.type, tuple(question.choices))


def items_of(sections: list[Section]) -> list[Item]:
    return [item for section in sections for item in section.items]


# --- reading a submitted form ---------------------------------------------------------------


def clean_text(value: str) -> str:
    """Plain text fit to keep: one kind of line break, no control characters (which also
    keeps NUL out of PostgreSQL), no direction overrides, no surrounding space."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = (c for c in value if c in "\n\t" or (
        unicodedata.category(c) not in ("Cc", "Cs") and c not in BIDI_CONTROLS))
    return "".join(kept).strip()


def read_answers(sections: list[Section], form: Mapping[str, str], max_text: int,
                 require: bool = True) -> tuple[dict[str, str], dict[str, str]]:
    """The answers given, and an error per question that needs one (by field name).

    With `require` False (the child asked to talk to someone now) nothing is compulsory, but
    what was given is still checked.
    """
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for item in items_of(sections):
        value, error = _read(item, form.get(item.name, ""), max_text)
        if error:
            errors[item.name] = error
        elif value:
            answers[item.code] = value
        elif item.required and require:
            errors[item.name] = _missing(item)
    if require and not answers and not errors and items_of(sections):
        errors[items_of(sections)[0].name] = "Answer at least one question"
    return answers, errors


def _read(item: Item, raw: str, max_text: int) -> tuple[str, str | None]:
    if item.kind == "options":
        if raw and raw not in {o.label for o in item.options}:
            return "", _missing(item)
        return raw, None
    text = clean_text(raw)
    if len(text) > max_text:
        return "", (f"Your answer to “{_short(item.text)}” is too long: use {max_text} "
                    "characters or fewer")
    return text, None


def _missing(item: Item) -> str:
    if item.kind == "options":
        return f"Choose an answer for “{_short(item.text)}”"
    return f"Write an answer for “{_short(item.text)}”"


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# --- what the answers say -------------------------------------------------------------------


def rating(sections: list[Section], answers: Mapping[str, str]) -> float | None:
    """The mean of the scored answers from 0 (worst) to 10 (best); None if none scored."""
    scores = []
    for item in items_of(sections):
        labels = [o.label for o in item.options]
        if item.scored and answers.get(item.code) in labels and len(labels) > 1:
            position = labels.index(answers[item.code])
            scores.append(10 * (len(labels) - 1 - position) / (len(labels) - 1))
    return round(sum(scores) / len(scores), 1) if scores else None


def written(sections: list[Section], answers: Mapping[str, str]) -> list[str]:
    """Every written answer, for the disclosure check."""
    return [answers[i.code] for i in items_of(sections)
            if i.kind != "options" and answers.get(i.code)]


def feels_unsafe(sections: list[Section], answers: Mapping[str, str]) -> bool:
    """True if a safety question has its worst answer."""
    return any(item.code.upper().startswith(SAFETY_PREFIX) and item.options
               and answers.get(item.code) == item.options[-1].label
               for item in items_of(sections))


def shown(sections: list[Section], answers: Mapping[str, str]) -> list[tuple[str, str]]:
    """(question, answer) pairs in form order, for staff pages."""
    return [(i.text, answers[i.code]) for i in items_of(sections) if answers.get(i.code)]
