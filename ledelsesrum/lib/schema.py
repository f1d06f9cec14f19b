"""One declarative checker for reference data and imported rows (issue 14: "one place for each
concept").

A loader declares the shape of what it reads — texts, whole numbers, flags, line spans, lists and
mappings, nested as deep as the file is — and :func:`check` walks a parsed YAML/JSON document or a
CSV row against it. It returns the cleaned value (texts stripped, defaults filled in, so the loader
builds its objects without checking again) and *every* problem at once, each a Danish sentence
that says where: ``Skala TRIVSEL, spørgsmål TRIV01: 'text' mangler.``

What the checker knows nothing about stays with the loader: references between parts of a file
(an unknown sub-theme, a page naming a missing scale), counts in seed documents, the database.

No Django here, so the frame (the bottom layer) can use it. A maximum length that a model field
sets is read from the model by the caller with :func:`model_max_length` — never typed again.
Messages are marked with :func:`gettext_noop` and translated by the ``translate`` the caller
passes (the importers pass Django's ``gettext``; reference data is Danish only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

Translate = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Marks a message for ``makemessages``; the caller's ``translate`` translates it."""
    return message


MESSAGES: dict[str, str] = {
    "missing": gettext_noop("%(where)s mangler"),
    "blank": gettext_noop("%(where)s er tom"),
    "not_text": gettext_noop("%(where)s skal være en tekst"),
    "too_long": gettext_noop("%(where)s er længere end %(max)d tegn"),
    "choice": gettext_noop("%(where)s: ukendt %(noun)s '%(value)s' (brug en af %(choices)s)"),
    "pattern": gettext_noop("%(where)s skal være %(hint)s, ikke '%(value)s'"),
    "not_integer": gettext_noop("%(where)s skal være et helt tal"),
    "too_small": gettext_noop("%(where)s skal være mindst %(min)d"),
    "too_large": gettext_noop("%(where)s må højst være %(max)d"),
    "not_flag": gettext_noop("%(where)s skal være true eller false"),
    "not_span": gettext_noop("%(where)s skal være [første, sidste] linje, hele tal med 1 ≤ første ≤ sidste"),
    "bad_span": gettext_noop("%(where)s [%(first)d, %(last)d] er ikke et gyldigt interval (1 ≤ første ≤ sidste)"),
    "not_list": gettext_noop("%(where)s skal være en liste"),
    "empty_list": gettext_noop("%(where)s er en tom liste"),
    "not_mapping": gettext_noop("%(where)s skal være en samling af nøgler"),
    "unknown_keys": gettext_noop("%(where)s: ukendte felter %(keys)s (tilladt: %(allowed)s)"),
    "duplicate": gettext_noop("%(where)s: '%(value)s' står mere end én gang"),
    "bad_key": gettext_noop("%(where)s: nøglen '%(value)s' skal være %(hint)s"),
}


def model_max_length(model: Any, name: str) -> int:
    """The ``max_length`` of a Django model's field: the one place a stored length is written."""
    length = model._meta.get_field(name).max_length
    if length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return int(length)


# --- where a problem is ---------------------------------------------------------------------


@dataclass(frozen=True)
class Path:
    """Where a value stands: the file (``root``), the items down to it (``Skala TRIVSEL``,
    ``spørgsmål TRIV01``) and the fields below the last item (``'text'``, or a column's own
    name such as ``navn``). A list's own field name is left out once an item of it is named."""

    root: str = ""
    items: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()

    def field(self, key: str, label: str = "") -> Path:
        return Path(self.root, self.items, (*self.fields, label or f"'{key}'"))

    def item(self, label: str) -> Path:
        return Path(self.root, (*self.items, label), ())

    def __str__(self) -> str:
        head = ", ".join(x for x in (self.root, *self.items) if x)
        tail = " › ".join(self.fields)
        if head and tail:
            return f"{head}: {tail}"
        if tail and self.fields[0].startswith("'"):
            return f"feltet {tail}"
        return head or tail or "filen"


class _Run:
    """One walk over a document: the problems found so far, phrased the caller's way."""

    def __init__(self, translate: Translate, sentences: bool) -> None:
        self.problems: list[str] = []
        self.translate = translate
        self.sentences = sentences

    def add(self, key: str, path: Path, **params: Any) -> None:
        self.say(self.translate(MESSAGES[key]) % {"where": str(path), **params}, path)

    def say(self, message: str, path: Path | None = None) -> None:
        if self.sentences:
            if path is None or not path.root:
                message = message[:1].upper() + message[1:]
            if not message.endswith((".", "?", "!")):
                message += "."
        self.problems.append(message)


def _or_list(values: Collection[str]) -> str:
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " eller " + values[-1]


# --- the fields -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """What every field may say. ``label`` names it in messages instead of its quoted key (a
    column: ``navn``); ``coerce`` rewrites a raw value before it is checked (a lone line number
    as a span, say)."""

    required: bool = True
    label: str = ""
    coerce: Callable[[Any], Any] | None = None

    def default(self) -> Any:
        return None

    def run(self, value: Any, path: Path, r: _Run) -> Any:
        if self.coerce is not None and value is not None:
            value = self.coerce(value)
        if value is None or (isinstance(value, str) and value == ""):
            if self.required:
                r.add("missing", path)
            return self.default()
        return self.clean(value, path, r)

    def clean(self, value: Any, path: Path, r: _Run) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Field):
    """A text (a number written without quotes is read as its text). ``fold`` joins runs of
    white space; ``check`` returns a problem in the caller's own words, or None (a text it
    refuses is cleaned to "": the caller cannot use it)."""

    max_length: int | None = None
    choices: Collection[str] | None = None
    noun: str = "værdi"
    pattern: re.Pattern[str] | None = None
    hint: str = ""
    fold: bool = False
    check: Callable[[str], str | None] | None = None

    def default(self) -> str:
        return ""

    def clean(self, value: Any, path: Path, r: _Run) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            r.add("not_text", path)
            return ""
        text = " ".join(str(value).split()) if self.fold else str(value).strip()
        if not text:
            if self.required:
                r.add("blank", path)
            return ""
        # A refused text is kept, so that the loader's own checks can still name the item.
        if self.max_length is not None and len(text) > self.max_length:
            r.add("too_long", path, max=self.max_length)
        elif self.choices is not None and text not in self.choices:
            r.add("choice", path, noun=self.noun, value=text, choices=_or_list(self.choices))
        elif self.pattern is not None and not self.pattern.match(text):
            r.add("pattern", path, hint=self.hint, value=text)
        elif self.check is not None:
            problem = self.check(text)
            if problem:
                r.say(problem, path)
                return ""
        return text


@dataclass(frozen=True)
class Integer(Field):
    minimum: int | None = None
    maximum: int | None = None

    def clean(self, value: Any, path: Path, r: _Run) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            r.add("not_integer", path)
            return None
        if self.minimum is not None and value < self.minimum:
            r.add("too_small", path, min=self.minimum)
            return None
        if self.maximum is not None and value > self.maximum:
            r.add("too_large", path, max=self.maximum)
            return None
        return value


@dataclass(frozen=True)
class Flag(Field):
    required: bool = False

    def default(self) -> bool:
        return False

    def clean(self, value: Any, path: Path, r: _Run) -> bool:
        if not isinstance(value, bool):
            r.add("not_flag", path)
            return False
        return value


@dataclass(frozen=True)
class Span(Field):
    """A citation's lines, ``[first, last]`` with 1 ≤ first ≤ last; cleaned to a tuple."""

    def clean(self, value: Any, path: Path, r: _Run) -> tuple[int, int] | None:
        if (not isinstance(value, list | tuple) or len(value) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)):
            r.add("not_span", path)
            return None
        first, last = value
        if not 1 <= first <= last:
            r.add("bad_span", path, first=first, last=last)
            return None
        return (first, last)


def _item_label(template: str, numbered: str, key: str | None, raw: Any, n: int) -> str:
    """``template`` with the item's key (``skala TRIVSEL``) when it has a usable one, else
    ``numbered`` with its number (``skala nr. 3``)."""
    value = raw.get(key) if key and isinstance(raw, Mapping) else None
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return template.format(key=str(value).strip(), n=n)
    return numbered.format(n=n)


@dataclass(frozen=True)
class Items(Field):
    """A list of ``of``. Items are named ``item`` with the value of their ``key`` field
    (``"skala {key}"``), or ``numbered`` (``"skala nr. {n}"``; by default the list's field and
    the number). ``unique`` names the field whose
    value may stand only once; ``duplicate`` is then the message (``%(value)s``, ``%(where)s``)."""

    of: Field = field(default_factory=lambda: Text())
    item: str = "{key}"
    numbered: str = ""
    key: str | None = None
    non_empty: bool = False
    unique: str | None = None
    duplicate: str = ""

    def default(self) -> list:
        return []

    def clean(self, value: Any, path: Path, r: _Run) -> list:
        if not isinstance(value, list):
            r.add("not_list", path)
            return []
        if not value and self.non_empty:
            r.add("empty_list", path)
        out = []
        seen: set[object] = set()
        for n, raw in enumerate(value, start=1):
            # Without a name of its own an item is named by its list: "'sources' nr. 2".
            numbered = self.numbered or " ".join((" › ".join(path.fields), "nr. {n}")).strip()
            if isinstance(self.of, Record):
                where = path.item(_item_label(self.item, numbered, self.key, raw, n))
            else:
                where = path.field(str(n), (self.numbered or "nr. {n}").format(n=n))
            item = self.of.run(raw, where, r)
            out.append(item)
            if self.unique and isinstance(item, Mapping):
                mark = item.get(self.unique)
                if mark in seen and mark:
                    if self.duplicate:
                        r.say(r.translate(self.duplicate) % {"where": str(path), "value": mark}, path)
                    else:
                        r.add("duplicate", path, value=mark)
                seen.add(mark)
        return out


@dataclass(frozen=True)
class Record(Field):
    """A mapping with known fields; ``closed`` refuses others. ``from_scalar`` turns a lone
    value into the mapping (an option written as just its text)."""

    fields: Mapping[str, Field] = field(default_factory=dict)
    closed: bool = False
    from_scalar: Callable[[Any], dict] | None = None

    def default(self) -> dict:
        return {key: f.default() for key, f in self.fields.items()}

    def clean(self, value: Any, path: Path, r: _Run) -> dict:
        if self.from_scalar is not None and not isinstance(value, Mapping | list):
            value = self.from_scalar(value)
        if not isinstance(value, Mapping):
            r.add("not_mapping", path)
            return self.default()
        if self.closed:
            extra = sorted(str(k) for k in value if k not in self.fields)
            if extra:
                r.add("unknown_keys", path, keys=", ".join(extra), allowed=", ".join(sorted(self.fields)))
        return {key: f.run(value.get(key), path.field(key, f.label), r) for key, f in self.fields.items()}


@dataclass(frozen=True)
class Table(Field):
    """A mapping from keys of the file's own choosing to values of one shape (the item bank's
    response scales); each value is named ``item`` with its key. ``key_pattern`` and
    ``key_hint`` say what a key must look like."""

    of: Field = field(default_factory=lambda: Text())
    item: str = "{key}"
    non_empty: bool = False
    key_pattern: re.Pattern[str] | None = None
    key_hint: str = ""

    def default(self) -> dict:
        return {}

    def clean(self, value: Any, path: Path, r: _Run) -> dict:
        if not isinstance(value, Mapping):
            r.add("not_mapping", path)
            return {}
        if not value and self.non_empty:
            r.add("empty_list", path)
        out = {}
        for raw_key, raw in value.items():
            key = str(raw_key)
            if self.key_pattern is not None and not self.key_pattern.match(key):
                r.add("bad_key", path, value=key, hint=self.key_hint)
            out[key] = self.of.run(raw, path.item(self.item.format(key=key)), r)
        return out


@dataclass
class Checked:
    value: Any
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check(schema: Field, value: Any, *, root: str = "", sentences: bool = True,
          translate: Translate = gettext_noop) -> Checked:
    """Check ``value`` against ``schema``: the cleaned value and every problem, in order.

    ``root`` names the document in every message (a file name); ``sentences`` gives each message
    a capital letter and a full stop (off for an import row's messages, which a report joins
    with "; " after "Række 3: ")."""
    run = _Run(translate, sentences)
    cleaned = schema.run(value, Path(root), run)
    return Checked(cleaned, run.problems)
