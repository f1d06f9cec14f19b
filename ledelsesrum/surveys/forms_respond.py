"""Presentation of one questionnaire page: each question as a ready-to-render field.

Validation lives in ``answering.clean_page``; this module only decides ids, labels, options,
what is checked and which error belongs where, so the template stays simple and accessible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import answering
from .models import Question


@dataclass
class Option:
    id: str
    value: str
    label: str
    checked: bool
    dont_know: bool = False


@dataclass
class PageField:
    question: Question
    name: str
    id: str
    kind: str
    value: str
    error: str = ""
    options: list[Option] = field(default_factory=list)
    min: int | None = None
    max: int | None = None
    maxlength: int | None = None

    @property
    def error_id(self) -> str:
        return f"{self.id}-fejl"

    @property
    def help_id(self) -> str:
        return f"{self.id}-hjaelp"

    @property
    def focus_id(self) -> str:
        """Where the error summary's link should take the keyboard: the first radio or the input."""
        return self.options[0].id if self.options else self.id

    @property
    def is_group(self) -> bool:
        return bool(self.options)

    @property
    def described_by(self) -> str:
        ids = []
        if self.question.help_text:
            ids.append(self.help_id)
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)


def html_id(code: str) -> str:
    return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", code)


def build_fields(
    questions: list[Question], raw: dict[str, str], errors: dict[str, str]
) -> list[PageField]:
    fields: list[PageField] = []
    for question in questions:
        base = html_id(question.code)
        value = raw.get(question.code, "")
        item = PageField(
            question=question,
            name=answering.field_name(question),
            id=base,
            kind=question.kind,
            value=value,
            error=errors.get(question.code, ""),
        )
        if question.kind == Question.Kind.SCALE:
            labels, dont_know = answering.scale_labels(question)
            for number, label in enumerate(labels, start=1):
                item.options.append(Option(f"{base}-{number}", str(number), label, value == str(number)))
            if question.allow_dont_know:
                item.options.append(
                    Option(f"{base}-0", "0", dont_know, value == "0", dont_know=True)
                )
        elif question.kind == Question.Kind.CHOICE:
            for index, (key, label) in enumerate(answering.option_pairs(question), start=1):
                item.options.append(Option(f"{base}-{index}", key, label, value == key))
        elif question.kind == Question.Kind.NUMBER:
            item.min, item.max = answering.number_bounds(question)
        elif question.kind == Question.Kind.OPEN:
            item.maxlength = answering.MAX_OPEN_TEXT
        fields.append(item)
    return fields


def error_count_text(count: int) -> str:
    if count == 1:
        return _("Der er 1 fejl på siden")
    return _("Der er %(n)s fejl på siden") % {"n": count}
