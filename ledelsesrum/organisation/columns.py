"""Which column of a leader file feeds which field of the leader register (issue 12, item 14).

HR systems export the register with their own headings: "Fornavn" and "Efternavn" instead of one
name column, "Arbejdsmail" for the e-mail, "Organisationsenhed" for the unit. This module

- recognises such headings by itself, from the synonyms table ``data/column_synonyms.yaml``
  (:func:`suggest_mapping`);
- lets the analyst (the preview's column form) or the command line (``--column FELT=KOLONNE``)
  choose differently (:meth:`ColumnMapping.with_choices`, :func:`parse_column_options`);
- says in Danish what is missing or contradictory (:meth:`ColumnMapping.problems`);
- turns a table read by ``lib.tabular`` into rows keyed by the importer's field names, the name
  put together from first, middle and last name when the file has no single name column
  (:meth:`ColumnMapping.apply`).

It reads neither the database nor a request. A mapping names columns by their heading as written
in the file (:meth:`ColumnMapping.to_data`), so it can be kept in the session or a job's
parameters and checked against the file again (:meth:`ColumnMapping.from_data`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledelsesrum.lib import safe_yaml
from ledelsesrum.lib.tabular import COLUMN_ALIASES, Row, Table, normalise_header

SYNONYMS_PATH = Path(__file__).resolve().parent / "data" / "column_synonyms.yaml"
SYNONYMS_VERSION = 1
NAME_PARTS = ("first_name", "middle_name", "last_name")


@dataclass(frozen=True)
class Field:
    """A field of the leader register that a file column can feed."""

    key: str
    label: str | Promise   # for the preview's form
    word: str | Promise    # in a sentence and on the command line: "navn", "e-mail"


FIELDS: tuple[Field, ...] = (
    Field("name", gettext_lazy("Navn"), gettext_lazy("navn")),
    Field("first_name", gettext_lazy("Fornavn"), gettext_lazy("fornavn")),
    Field("middle_name", gettext_lazy("Mellemnavn"), gettext_lazy("mellemnavn")),
    Field("last_name", gettext_lazy("Efternavn"), gettext_lazy("efternavn")),
    Field("email", gettext_lazy("E-mail"), gettext_lazy("e-mail")),
    Field("unit", gettext_lazy("Enhed"), gettext_lazy("enhed")),
    Field("forvaltning", gettext_lazy("Forvaltning"), gettext_lazy("forvaltning")),
    Field("area", gettext_lazy("Område"), gettext_lazy("område")),
    Field("level", gettext_lazy("Ledelsesniveau"), gettext_lazy("ledelsesniveau")),
    Field("title", gettext_lazy("Stillingsbetegnelse"), gettext_lazy("stillingsbetegnelse")),
    Field("span_of_control", gettext_lazy("Ledelsesspænd"), gettext_lazy("ledelsesspænd")),
    Field("years_as_leader", gettext_lazy("År som leder"), gettext_lazy("år som leder")),
    Field("leadership_education", gettext_lazy("Lederuddannelse"), gettext_lazy("lederuddannelse")),
)
FIELD_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)
_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}


def field_word(key: str) -> str:
    return str(_BY_KEY[key].word)


def _norm(text: object) -> str:
    """Headings compared without case, spaces or separators, æøå spelled out."""
    return normalise_header(text).replace(" ", "")


# --- the synonyms table ----------------------------------------------------------------------

class SynonymsError(ValueError):
    """The synonyms table is not in the shape this module reads."""


def validate_synonyms(data: object) -> dict[str, tuple[str, ...]]:
    """The synonyms per field, in order of preference, or :class:`SynonymsError`.

    Checks the version, that exactly the known fields are there, each with a list of non-empty
    headings, that no heading feeds two fields, and that every heading ``lib.tabular`` already
    knows for a leader field is kept (files that worked before the mapping step still do).
    """
    if not isinstance(data, dict) or data.get("version") != SYNONYMS_VERSION:
        raise SynonymsError(f"column synonyms: expected a mapping with version {SYNONYMS_VERSION}")
    fields = data.get("fields")
    if not isinstance(fields, dict) or set(fields) != set(FIELD_KEYS):
        found = sorted(fields) if isinstance(fields, dict) else fields
        raise SynonymsError(f"column synonyms: 'fields' must list exactly {sorted(FIELD_KEYS)}, not {found}")
    result: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for key in FIELD_KEYS:
        names = fields[key]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and _norm(n) for n in names):
            raise SynonymsError(f"column synonyms: '{key}' must be a list of non-empty headings")
        for name in names:
            other = owner.setdefault(_norm(name), key)
            if other != key:
                raise SynonymsError(f"column synonyms: '{name}' is listed under both '{other}' and '{key}'")
        result[key] = tuple(names)
    for key, aliases in COLUMN_ALIASES.items():
        if key not in result:
            continue
        lost = [a for a in aliases if owner.get(_norm(a)) != key]
        if lost:
            raise SynonymsError(f"column synonyms: '{key}' must keep the headings lib.tabular reads: {lost}")
    return result


def load_synonyms(path: Path = SYNONYMS_PATH) -> dict[str, tuple[str, ...]]:
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise SynonymsError(f"column synonyms: cannot read {path}: {exc}") from exc
    return validate_synonyms(data)


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """The built-in synonyms table, read and validated once."""
    return load_synonyms()


def header_names() -> tuple[str, ...]:
    """Every recognised heading: ``lib.tabular`` uses them to find the header below a title row."""
    return tuple(name for names in synonyms().values() for name in names)


def _lookup() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, names in synonyms().items():
        for name in names:
            index.setdefault(_norm(name), key)
        index.setdefault(_norm(key), key)
    return index


def recognised_field(header: str) -> str:
    """The field a heading feeds by itself ('' when it is not recognised)."""
    return _lookup().get(_norm(header), "")


# --- the mapping -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnMapping:
    """Field key → index of the file column that feeds it (``headers`` as written in the file).

    ``chosen`` holds the fields someone chose by hand (the form, ``--column``); the others were
    recognised. Every field is fed by at most one column; :meth:`problems` reports a column
    chosen for two fields.
    """

    headers: tuple[str, ...]
    columns: dict[str, int] = field(default_factory=dict)
    chosen: frozenset[str] = frozenset()

    # -- reading it

    def index(self, key: str) -> int | None:
        return self.columns.get(key)

    def header(self, key: str) -> str:
        index = self.columns.get(key)
        return "" if index is None else self.headers[index]

    @property
    def name_from_parts(self) -> bool:
        """The name is put together from first, middle and last name."""
        return "name" not in self.columns and any(p in self.columns for p in NAME_PARTS)

    def source_of(self, key: str) -> str:
        """The column(s) a field comes from, for people: 'Fornavn + Efternavn' for a composed name."""
        if key == "name" and self.name_from_parts:
            return " + ".join(self.header(p) for p in NAME_PARTS if p in self.columns)
        return self.header(key)

    def ignored_headers(self) -> list[str]:
        used = set(self.columns.values())
        return [h for i, h in enumerate(self.headers) if h and i not in used]

    def to_data(self) -> dict[str, str]:
        """Field key → heading, in the order of :data:`FIELDS` (JSON, for the session and jobs)."""
        return {key: self.headers[self.columns[key]] for key in FIELD_KEYS if key in self.columns}

    @classmethod
    def from_data(cls, data: object, headers: Iterable[str]) -> ColumnMapping | None:
        """The mapping :meth:`to_data` described, checked against the file's ``headers``; None
        when it is not that shape or names a heading the file does not have."""
        headers = tuple(headers)
        if not isinstance(data, dict):
            return None
        positions = {h: i for i, h in enumerate(headers) if h}
        columns: dict[str, int] = {}
        for key, header in data.items():
            if key not in _BY_KEY or not isinstance(header, str) or header not in positions:
                return None
            columns[key] = positions[header]
        return cls(headers=headers, columns=columns, chosen=frozenset(FIELD_KEYS))

    # -- changing it

    def with_choices(self, choices: Mapping[str, int | None]) -> ColumnMapping:
        """This mapping with some fields chosen by hand (None: the field is not used).

        A choice beats what was recognised: a column chosen for one field no longer feeds the
        field it was recognised for, and choosing a name column (or a name part) drops the
        recognised name parts (or name column). Two choices that contradict each other stay, so
        that :meth:`problems` can name them.
        """
        columns = dict(self.columns)
        chosen = set(self.chosen)
        for key, index in choices.items():
            if key not in _BY_KEY:
                raise KeyError(key)
            if index is not None and not 0 <= index < len(self.headers):
                raise IndexError(index)
            chosen.add(key)
            columns.pop(key, None)
            if index is None:
                continue
            for other, other_index in list(columns.items()):
                if other_index == index and other not in chosen:
                    del columns[other]
            columns[key] = index
        if "name" in choices and choices["name"] is not None:
            for part in NAME_PARTS:
                if part not in chosen:
                    columns.pop(part, None)
        if any(choices.get(p) is not None for p in NAME_PARTS) and "name" not in chosen:
            columns.pop("name", None)
        return ColumnMapping(headers=self.headers, columns=columns, chosen=frozenset(chosen))

    # -- checking it

    def conflicts(self) -> list[str]:
        """Contradictions in Danish: one column for two fields; a name column and name parts."""
        problems: list[str] = []
        by_index: dict[int, list[str]] = {}
        for key in FIELD_KEYS:
            if key in self.columns:
                by_index.setdefault(self.columns[key], []).append(key)
        for index, keys in sorted(by_index.items()):
            if len(keys) > 1:
                problems.append(
                    _("Kolonnen '%(column)s' er valgt til både %(fields)s. En kolonne kan kun give ét felt.")
                    % {"column": self.headers[index], "fields": _and(field_word(k) for k in keys)}
                )
        if "name" in self.columns and any(p in self.columns for p in NAME_PARTS):
            problems.append(
                _("Vælg enten én kolonne til navn ('%(name)s') eller kolonner til fornavn og efternavn, "
                  "ikke begge.") % {"name": self.header("name")}
            )
        return problems

    def missing(self) -> list[str]:
        """The required fields no column feeds: 'name' (unless first and last name are both
        there) and 'email'."""
        missing = []
        if "name" not in self.columns and not ("first_name" in self.columns and "last_name" in self.columns):
            missing.append("name")
        if "email" not in self.columns:
            missing.append("email")
        return missing

    def problems(self) -> list[str]:
        """Everything that keeps this mapping from being imported, in Danish ([] when none)."""
        problems = self.conflicts()
        missing = self.missing()
        if not missing:
            return problems
        found = ", ".join(h for h in self.headers if h) or _("ingen")
        names = ", ".join(f"'{field_word(k)}'" for k in missing)
        if set(missing) & self.chosen:
            message = _(
                "Der er ikke valgt nogen kolonne til %(missing)s. Fundne kolonner: %(found)s. "
                "Vælg en kolonne til 'navn' (eller til både 'fornavn' og 'efternavn') og til 'e-mail'."
            ) % {"missing": names, "found": found}
        else:
            message = _(
                "Filen mangler kolonnen/kolonnerne %(missing)s. Fundne kolonner: %(found)s. "
                "Overskriftsrækken skal mindst have 'navn' og 'e-mail'."
            ) % {"missing": names, "found": found}
        if "name" in missing:
            half = [p for p in ("first_name", "last_name") if p in self.columns]
            if half:
                other = "last_name" if half[0] == "first_name" else "first_name"
                message += " " + _(
                    "Kolonnen '%(column)s' giver %(part)s, men ingen kolonne giver %(other)s; "
                    "navnet skal have begge dele, eller komme fra én kolonne med hele navnet."
                ) % {"column": self.header(half[0]), "part": field_word(half[0]), "other": field_word(other)}
        return [*problems, message]

    # -- using it

    def apply(self, table: Table) -> list[Row]:
        """The table's rows keyed by field ('name' put together from its parts when the file
        has no single name column). Cells the file leaves out are ''."""
        sources = {key: table.keys[index] for key, index in self.columns.items()
                   if key not in NAME_PARTS and table.keys[index]}
        parts = [table.keys[self.columns[p]] for p in NAME_PARTS
                 if p in self.columns and table.keys[self.columns[p]]] if self.name_from_parts else []
        rows: list[Row] = []
        for row in table.rows:
            values = {key: row.get(source) for key, source in sources.items()}
            if parts:
                values["name"] = " ".join(v for v in (row.get(p).strip() for p in parts) if v)
            rows.append(Row(number=row.number, values=values, problems=list(row.problems)))
        return rows


def suggest_mapping(headers: Iterable[str]) -> ColumnMapping:
    """The columns recognised from their headings alone.

    For each field the synonyms are tried in their order, so the heading listed first wins when
    a file has two for one field. A file with a whole-name column does not get its first and
    last name columns used as well.
    """
    headers = tuple(headers)
    normalised = [_norm(h) for h in headers]
    columns: dict[str, int] = {}
    for key, names in synonyms().items():
        for name in (*names, key):
            wanted = _norm(name)
            index = next((i for i, n in enumerate(normalised) if n and n == wanted), None)
            if index is not None and index not in columns.values():
                columns[key] = index
                break
    if "name" in columns:
        for part in NAME_PARTS:
            columns.pop(part, None)
    return ColumnMapping(headers=headers, columns=columns)


def first_values(table: Table, limit: int = 60) -> dict[int, str]:
    """Column index → the first non-empty cell below the header (shortened), as an example."""
    examples: dict[int, str] = {}
    for index, key in enumerate(table.keys):
        if not key:
            continue
        for row in table.rows:
            value = row.get(key).strip()
            if value:
                examples[index] = value if len(value) <= limit else value[: limit - 1] + "…"
                break
    return examples


# --- the command line's --column FELT=KOLONNE ------------------------------------------------

class ColumnOptionError(ValueError):
    """A ``--column`` option that cannot be used; ``str(exc)`` is a Danish message."""


def field_for_word(word: str) -> str | None:
    """The field key for a word typed on the command line: 'navn', 'e-mail', 'email', 'fornavn',
    'first_name', 'år som leder' …; None when unknown."""
    wanted = _norm(word)
    for f in FIELDS:
        if wanted in {_norm(f.key), _norm(str(f.word)), _norm(str(f.label))}:
            return f.key
    return None


def parse_column_options(options: Iterable[str], headers: Iterable[str]) -> dict[str, int | None]:
    """``["navn=Medarbejder", "email=Arbejdsmail", "fornavn="]`` → field key → column index
    (None: do not use the field). Columns are found by heading, without regard to case and
    spaces. Raises :class:`ColumnOptionError` in Danish."""
    headers = tuple(headers)
    found = ", ".join(h for h in headers if h) or _("ingen")
    choices: dict[str, int | None] = {}
    for option in options:
        word, sep, column = option.partition("=")
        if not sep or not word.strip():
            raise ColumnOptionError(
                _("--column skal skrives FELT=KOLONNE, fx --column email=Arbejdsmail (fik '%(option)s').")
                % {"option": option}
            )
        key = field_for_word(word)
        if key is None:
            raise ColumnOptionError(
                _("Feltet '%(word)s' i --column kendes ikke. Brug et af: %(fields)s.")
                % {"word": word.strip(), "fields": ", ".join(field_word(k) for k in FIELD_KEYS)}
            )
        if key in choices:
            raise ColumnOptionError(
                _("Feltet '%(word)s' er angivet mere end én gang med --column.") % {"word": field_word(key)}
            )
        column = column.strip()
        if not column:
            choices[key] = None
            continue
        exact = [i for i, h in enumerate(headers) if h == column]
        loose = [i for i, h in enumerate(headers) if h and _norm(h) == _norm(column)]
        matches = exact or loose
        if not matches:
            raise ColumnOptionError(
                _("Kolonnen '%(column)s' (i --column %(option)s) findes ikke i filen. Filens kolonner: %(found)s.")
                % {"column": column, "option": option, "found": found}
            )
        choices[key] = matches[0]
    return choices


def summary(mapping: ColumnMapping) -> list[tuple[str, str, str]]:
    """(field key, Danish word, the column(s) it comes from) for every field a column feeds; a
    name put together from its parts is one entry ("navn", "Fornavn + Efternavn")."""
    entries = []
    for key in FIELD_KEYS:
        if key in NAME_PARTS and mapping.name_from_parts:
            continue
        source = mapping.source_of(key)
        if source:
            entries.append((key, field_word(key), source))
    return entries


def describe(mapping: ColumnMapping) -> str:
    """One line for the command line: "navn ← Fornavn + Efternavn · e-mail ← Arbejdsmail · …"."""
    return " · ".join(f"{word} ← {source}" for _key, word, source in summary(mapping)) or _("ingen")


def _and(words: Iterable[Any]) -> str:
    items = [str(w) for w in words]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + _("og") + " " + items[-1]
