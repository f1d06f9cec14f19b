"""Import leaders (and the units they work in) from a CSV or XLSX file.

Two steps, both without request objects:

1. :func:`plan_leader_import` reads the table and the database and says, row by row, what would
   happen: a new leader, an update of an existing one (matched by e-mail, case-insensitively), no
   change, or an error in Danish. It writes nothing; the preview page and ``--dry-run`` show it.
2. :func:`import_leaders` plans again and, only when there is not a single error, writes
   everything in one transaction with bulk operations. Either the whole file is imported or
   nothing is.

A web upload is parsed once (``staging.read_table`` keeps the table next to the staged file); the
preview plans from that table, and the confirmation carries the preview's
:meth:`ValidationReport.digest`, so the job imports exactly the plan that was shown or nothing.

Which column feeds which field is a :class:`~.columns.ColumnMapping`: recognised from the
headings ("Fornavn" + "Efternavn", "Arbejdsmail" …, ``data/column_synonyms.yaml``) unless the
analyst or ``--column`` chose otherwise. The column layout is documented in
``docs/file-formats.md``. A cell left empty keeps the value an existing leader already has; a
column that is missing from the file changes nothing.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ledelsesrum.lib.schema import Record, Text, check, model_max_length
from ledelsesrum.lib.tabular import Table, TabularError, read_table

from . import staging
from .columns import ColumnMapping, header_names, suggest_mapping
from .models import Leader, Unit

ProgressFn = Callable[..., None]

REQUIRED_COLUMNS = ("name", "email")
UNIT_COLUMNS = ("unit", "forvaltning")
LEADER_FIELDS = (
    "name", "area", "level", "title", "span_of_control", "years_as_leader", "leadership_education",
)
KNOWN_COLUMNS = {*REQUIRED_COLUMNS, *UNIT_COLUMNS, *LEADER_FIELDS}
# Danish names of the columns, for messages.
COLUMN_LABELS = {
    "name": "navn", "email": "e-mail", "unit": "enhed", "forvaltning": "forvaltning",
    "area": "område", "level": "ledelsesniveau", "title": "stillingsbetegnelse",
    "span_of_control": "ledelsesspænd", "years_as_leader": "år som leder",
    "leadership_education": "lederuddannelse",
}
PATH_SEPARATORS = re.compile(r"\s*[>›»]\s*")
MAX_YEARS = 70
MAX_SPAN = 100_000

_EDUCATION_WORDS: dict[str, str] = {
    "ingen": Leader.Education.NONE, "nej": Leader.Education.NONE,
    "ingen formel lederuddannelse": Leader.Education.NONE, "ingen lederuddannelse": Leader.Education.NONE,
    "none": Leader.Education.NONE,
    "kurser": Leader.Education.COURSES, "kursus": Leader.Education.COURSES,
    "lederkurser": Leader.Education.COURSES, "lederkursus": Leader.Education.COURSES,
    "courses": Leader.Education.COURSES,
    "diplom": Leader.Education.DIPLOMA, "dil": Leader.Education.DIPLOMA,
    "diplom i ledelse": Leader.Education.DIPLOMA, "diplomuddannelse i ledelse": Leader.Education.DIPLOMA,
    "diplomuddannelse": Leader.Education.DIPLOMA, "diploma": Leader.Education.DIPLOMA,
    "master": Leader.Education.MASTER, "mpa": Leader.Education.MASTER, "mpg": Leader.Education.MASTER,
    "master i ledelse": Leader.Education.MASTER, "master i offentlig ledelse": Leader.Education.MASTER,
    "master i ledelse (mpa/mpg o.l.)": Leader.Education.MASTER,
    "anden": Leader.Education.OTHER, "andet": Leader.Education.OTHER,
    "anden lederuddannelse": Leader.Education.OTHER, "other": Leader.Education.OTHER,
}


def parse_education(text: str) -> str | None:
    """The education key for a cell ("Diplom i ledelse" → "diplom"); '' when empty, None when unknown."""
    value = " ".join(text.strip().lower().split())
    if not value:
        return ""
    if value in _EDUCATION_WORDS:
        return _EDUCATION_WORDS[value]
    for key, label in Leader.Education.choices:
        if value == str(label).lower():
            return key
    return None


def education_help() -> str:
    return ", ".join(f"'{key}'" for key, _label in Leader.Education.choices)


def parse_whole_number(text: str, *, maximum: int) -> int:
    """A non-negative whole number ("12", "12,0", " 12 "); ValueError with a Danish reason."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    match = re.fullmatch(r"(\d+)(?:[.,]0+)?", value)
    if not match:
        if re.fullmatch(r"-\d+(?:[.,]\d+)?", value):
            raise ValueError(_("må ikke være negativ"))
        if re.fullmatch(r"\d+[.,]\d+", value):
            raise ValueError(_("skal være et helt tal"))
        raise ValueError(_("er ikke et tal"))
    number = int(match.group(1))
    if number > maximum:
        raise ValueError(_("er urealistisk stor (højst %(max)d)") % {"max": maximum})
    return number


def email_problem(text: str) -> str | None:
    """Why ``text`` is not an e-mail address (None when it is one)."""
    try:
        validate_email(text)
    except ValidationError:
        return _("'%(value)s' er ikke en gyldig e-mailadresse") % {"value": text}
    return None


def row_schema() -> Record:
    """The text columns of a leader row; the lengths are the leader register's own."""
    def column(key: str, required: bool = False) -> Text:
        return Text(required=required, label=COLUMN_LABELS[key], max_length=model_max_length(Leader, key))

    return Record(fields={
        "name": column("name", required=True),
        "email": Text(label=COLUMN_LABELS["email"], check=email_problem),
        "area": column("area"), "level": column("level"), "title": column("title"),
    })


def split_path(text: str) -> tuple[str, ...]:
    return tuple(part for part in PATH_SEPARATORS.split(text.strip()) if part)


# --- the plan --------------------------------------------------------------------------------

@dataclass
class RowError:
    row: int
    messages: list[str]

    def __str__(self) -> str:
        return _("Række %(row)d: %(messages)s") % {"row": self.row, "messages": "; ".join(self.messages)}


class ValidationReport:
    """What every import plan reports: errors for the whole file, then row by row."""

    file_errors: list[str]
    row_errors: list[RowError]

    def report_lines(self, limit: int | None = None) -> list[str]:
        """The validation report as plain Danish lines (command line, job error)."""
        lines = list(self.file_errors)
        errors = self.row_errors if limit is None else self.row_errors[:limit]
        lines.extend(str(e) for e in errors)
        if limit is not None and len(self.row_errors) > limit:
            lines.append(_("… og %(n)d rækker mere med fejl.") % {"n": len(self.row_errors) - limit})
        return lines

    def digest(self) -> str:
        """A keyed fingerprint of everything this plan would do (row by row, with the ids it
        matched). The preview form carries it; an import made with ``expected_plan`` refuses a
        plan that differs, so that nothing other than what was shown is ever written."""
        text = json.dumps(vars(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                          default=_plain)
        return salted_hmac("ledelsesrum.import-plan", text, algorithm="sha256").hexdigest()


def _plain(value: object) -> object:
    return vars(value) if hasattr(value, "__dict__") else str(value)


@dataclass
class PlannedLeader:
    row: int
    action: str                       # "create", "update" or "unchanged"
    email: str
    values: dict[str, Any]            # the fields the file sets (empty cells left out)
    unit_path: tuple[str, ...] = ()   # () when the file says nothing about the unit
    leader_id: int | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    @property
    def unit_label(self) -> str:
        return " › ".join(self.unit_path)


@dataclass
class LeaderPlan(ValidationReport):
    headers: list[str] = field(default_factory=list)
    # Field key → the heading that feeds it (ColumnMapping.to_data), part of the digest.
    columns: dict[str, str] = field(default_factory=dict)
    # The columns do not give the required fields (or contradict each other): choosing other
    # columns may make the file importable, so a staged upload is kept.
    needs_columns: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    rows: list[PlannedLeader] = field(default_factory=list)
    new_unit_paths: list[tuple[str, ...]] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["errors"] = len(self.row_errors)
        counts["units"] = len(self.new_unit_paths)
        counts["rows"] = self.total_rows
        return counts



class _UnitIndex:
    """All units in memory, keyed by (parent id, case-folded name), so a 10,000-row file
    resolves its units without a query per row."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[int | None, str], int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.info: dict[int, tuple[int | None, str]] = {}
        self.roots: list[str] = []
        for pk, name, parent_id in Unit.objects.values_list("id", "name", "parent_id"):
            self.by_key[(parent_id, name.casefold())] = pk
            self.by_name[name.casefold()].append(pk)
            self.info[pk] = (parent_id, name)
            if parent_id is None:
                self.roots.append(name)

    def anchor(self, path: tuple[str, ...]) -> tuple[str, ...]:
        """A path as a file writes it, from the top of the organisation. Files name units below the
        organisation itself ("Børn og Unge > Dagtilbud Nord", docs/file-formats.md): when there is
        one top unit and the path does not start with it, the path is read as below it — never as
        a second organisation beside it (issue 12)."""
        if not path or len(self.roots) != 1 or path[0].casefold() == self.roots[0].casefold():
            return path
        return (self.roots[0], *path)

    def path_of(self, unit_id: int) -> tuple[str, ...]:
        """The names from the root down to ``unit_id``, as spelled in the database."""
        names: list[str] = []
        node: int | None = unit_id
        while node is not None and node in self.info and len(names) < 50:
            parent, name = self.info[node]
            names.append(name)
            node = parent
        return tuple(reversed(names))

    def resolve(self, path: tuple[str, ...]) -> int | None:
        """The id of the unit at ``path`` from the root, or None when some part is new."""
        parent: int | None = None
        for part in path:
            found = self.by_key.get((parent, part.casefold()))
            if found is None:
                return None
            parent = found
        return parent


def plan_leader_import(
    table: Table, progress: ProgressFn | None = None, phases: int = 1, *,
    columns: ColumnMapping | None = None,
) -> LeaderPlan:
    """Validate every row and decide create/update; reads the database, writes nothing.

    ``columns`` says which column feeds which field (default: the columns recognised from the
    headings). ``phases`` = 2 when writing follows, so that checking fills the first half of the bar.
    """
    mapping = suggest_mapping(table.headers) if columns is None else columns
    plan = LeaderPlan(headers=list(table.headers), total_rows=len(table.rows), columns=mapping.to_data())
    if mapping.headers != tuple(table.headers):
        plan.file_errors.append(columns_changed_message())
        plan.needs_columns = True
        return plan
    problems = mapping.problems()
    if problems:
        plan.file_errors.extend(problems)
        plan.needs_columns = True
        return plan
    plan.ignored_columns = mapping.ignored_headers()
    rows = mapping.apply(table)

    # Existing leaders by e-mail, case-insensitively; values only, for speed.
    existing: dict[str, dict[str, Any]] = {}
    for row in Leader.objects.values("id", "email", "unit_id", *LEADER_FIELDS):
        existing[row["email"].strip().lower()] = row
    units = _UnitIndex()
    new_paths: dict[tuple[str, ...], None] = {}
    first_row_of_email: dict[str, list[int]] = defaultdict(list)
    planned_by_row: dict[int, PlannedLeader] = {}
    errors_by_row: dict[int, list[str]] = {}
    has_path_columns = mapping.index("forvaltning") is not None
    total = len(rows)
    schema = row_schema()

    for index, row in enumerate(rows, start=1):
        messages = list(row.problems)
        values: dict[str, Any] = {}

        checked = check(schema, {key: row.get(key) for key in schema.fields}, sentences=False, translate=_)
        messages.extend(checked.problems)
        email = checked.value.pop("email").lower()
        if email:
            first_row_of_email[email].append(row.number)
        if not checked.problems:
            values.update((key, text) for key, text in checked.value.items() if text)

        _parse_numbers_and_education(row, values, messages)

        path, unit_message = _unit_path_for(row, has_path_columns, units)
        if unit_message:
            messages.append(unit_message)

        if messages:
            errors_by_row[row.number] = messages
        else:
            planned_by_row[row.number] = _decide(row.number, email, values, path, existing.get(email), units)
            _note_new_units(path, units, new_paths)
        if progress is not None and (index % 500 == 0 or index == total):
            progress(index, total * phases, _("Kontrollerer række %(n)d af %(total)d") % {"n": index, "total": total})

    _refuse_repeated_emails(first_row_of_email, errors_by_row, planned_by_row)

    plan.row_errors = [RowError(n, errors_by_row[n]) for n in sorted(errors_by_row)]
    plan.rows = [planned_by_row[n] for n in sorted(planned_by_row)]
    plan.new_unit_paths = list(new_paths)
    return plan


def _parse_numbers_and_education(row, values: dict[str, Any], messages: list[str]) -> None:
    """Span of control, years as leader and leadership education of a row into ``values``;
    a value that cannot be read adds its Danish message to ``messages``."""
    for key, maximum in (("span_of_control", MAX_SPAN), ("years_as_leader", MAX_YEARS)):
        text = row.get(key)
        if text:
            try:
                values[key] = parse_whole_number(text, maximum=maximum)
            except ValueError as exc:
                messages.append(
                    _("%(col)s '%(value)s' %(reason)s")
                    % {"col": COLUMN_LABELS[key], "value": text, "reason": exc}
                )

    text = row.get("leadership_education")
    if text:
        education = parse_education(text)
        if education is None:
            messages.append(
                _("lederuddannelse '%(value)s' kendes ikke; brug en af %(choices)s")
                % {"value": text, "choices": education_help()}
            )
        else:
            values["leadership_education"] = education


def _note_new_units(path: tuple[str, ...], units: _UnitIndex,
                    new_paths: dict[tuple[str, ...], None]) -> None:
    """Every prefix of ``path`` that names no existing unit is a unit to create."""
    if path and units.resolve(path) is None:
        for depth in range(1, len(path) + 1):
            if units.resolve(path[:depth]) is None:
                new_paths.setdefault(path[:depth], None)


def _refuse_repeated_emails(first_row_of_email: dict[str, list[int]],
                            errors_by_row: dict[int, list[str]],
                            planned_by_row: dict[int, PlannedLeader]) -> None:
    """An e-mail in more than one row is an error in each of them; none of them is planned."""
    for email, numbers in first_row_of_email.items():
        if len(numbers) < 2:
            continue
        for number in numbers:
            others = ", ".join(str(n) for n in numbers if n != number)
            errors_by_row.setdefault(number, []).append(
                _("e-mailen %(email)s står også i række %(others)s") % {"email": email, "others": others}
            )
            planned_by_row.pop(number, None)


def _unit_path_for(row, has_path_columns: bool, units: _UnitIndex) -> tuple[tuple[str, ...], str]:
    """The unit path a row names, and an error message ('' when fine)."""
    unit_text = row.get("unit")
    if unit_text and PATH_SEPARATORS.search(unit_text):
        path = split_path(unit_text)
    elif has_path_columns and row.get("forvaltning"):
        path = tuple(p for p in (row.get("forvaltning"), row.get("area"), unit_text) if p)
    elif unit_text:
        matches = units.by_name.get(unit_text.casefold(), [])
        if len(matches) > 1:
            return (), _(
                "enheden '%(name)s' findes flere steder i organisationen; skriv hele stien, "
                "fx 'Forvaltning > Område > %(name)s'"
            ) % {"name": unit_text}
        if len(matches) == 1:
            return units.path_of(matches[0]), ""
        path = (unit_text,)
    else:
        return (), ""
    longest = model_max_length(Unit, "name")
    if any(len(part) > longest for part in path):
        return (), _("et enhedsnavn er længere end %(n)d tegn") % {"n": longest}
    return units.anchor(path), ""


def _decide(number, email, values, path, current, units) -> PlannedLeader:
    planned = PlannedLeader(row=number, action="create", email=email, values=values, unit_path=path)
    if current is None:
        return planned
    planned.leader_id = current["id"]
    for key, value in values.items():
        if current.get(key) != value:
            planned.changes.append(COLUMN_LABELS[key])
    if path and (units.resolve(path) is None or units.resolve(path) != current["unit_id"]):
        planned.changes.append(COLUMN_LABELS["unit"])
    planned.action = "update" if planned.changes else "unchanged"
    return planned


# --- applying --------------------------------------------------------------------------------

class LeaderImportFailed(Exception):
    """The file has errors; nothing was imported. ``plan`` holds the report."""

    def __init__(self, plan: LeaderPlan) -> None:
        super().__init__("; ".join(plan.report_lines(limit=5)))
        self.plan = plan


class LeaderPlanChanged(LeaderImportFailed):
    """The plan made now is not the one the user saw in the preview; nothing was imported."""


def columns_changed_message() -> str:
    return _("Kolonnevalget passer ikke til filens kolonner (filen er ændret). Intet er importeret. "
             "Vælg filen igen.")


def _mapping_for(table: Table, columns: ColumnMapping | dict | None) -> ColumnMapping | None:
    """The mapping to plan with: recognised (None), given, or kept as data (None if stale)."""
    if columns is None or isinstance(columns, ColumnMapping):
        return columns if columns is not None else suggest_mapping(table.headers)
    return ColumnMapping.from_data(columns, table.headers)


def read_leader_file(source: bytes | str | Path, filename: str = "") -> Table:
    """A leader file as a table; the recognised headings help find the header below a title row.
    Raises :class:`LeaderImportFailed` for a file that cannot be read."""
    try:
        return read_table(source, filename, header_names=header_names())
    except TabularError as exc:
        raise LeaderImportFailed(LeaderPlan(file_errors=[exc.message])) from exc


def plan_changed_message() -> str:
    return _("Lederne, enhederne eller filen er ændret, siden forhåndsvisningen blev vist, så "
             "importen ville ikke gøre præcis det, der blev vist. Intet er importeret.")


def import_leaders(
    source: bytes | str | Path | Table, filename: str = "", *, dry_run: bool = False,
    progress: ProgressFn | None = None, expected_plan: str = "",
    columns: ColumnMapping | dict[str, str] | None = None,
) -> LeaderPlan:
    """Read, validate and (unless ``dry_run``) import a leader file, all or nothing.

    The one entry point of the command line, the background job and the benchmark. Returns the
    plan; raises :class:`LeaderImportFailed` when there is any error (nothing is written then).
    ``source`` may be a table already read (a staged upload: :func:`read_staged`).
    ``columns`` is the column mapping (or its :meth:`~.columns.ColumnMapping.to_data`, as kept in
    the session or a job); None uses the columns recognised from the headings.
    With ``expected_plan`` (the :meth:`~ValidationReport.digest` of the plan shown in the
    preview) a plan that differs raises :class:`LeaderPlanChanged` instead of being imported.
    """
    table = source if isinstance(source, Table) else read_leader_file(source, filename)
    mapping = _mapping_for(table, columns)
    if mapping is None:
        raise LeaderImportFailed(LeaderPlan(headers=list(table.headers), total_rows=len(table.rows),
                                            file_errors=[columns_changed_message()], needs_columns=True))
    if dry_run:
        plan = plan_leader_import(table, progress, columns=mapping)
        if not plan.ok:
            raise LeaderImportFailed(plan)
        return plan
    with transaction.atomic():
        # Planning inside the transaction keeps the decision and the writes consistent.
        plan = plan_leader_import(table, progress, phases=2, columns=mapping)
        if not plan.ok:
            raise LeaderImportFailed(plan)
        if expected_plan and plan.digest() != expected_plan:
            plan.file_errors.append(plan_changed_message())
            raise LeaderPlanChanged(plan)
        try:
            _apply(plan, progress)
        except IntegrityError as exc:
            plan.file_errors.append(
                _("Ledere blev ændret af en anden imens; intet er importeret. Prøv igen.")
            )
            raise LeaderImportFailed(plan) from exc
    return plan


def read_staged(token: str, filename: str) -> Table:
    """A staged web upload as a table, parsed once (``staging.read_table``).
    Raises :class:`LeaderImportFailed` for a file that cannot be read."""
    try:
        return staging.read_table(token, filename, header_names=header_names())
    except TabularError as exc:
        raise LeaderImportFailed(LeaderPlan(file_errors=[exc.message])) from exc


def preview_staged(token: str, filename: str, columns: dict[str, str] | None = None) -> LeaderPlan:
    """The preview of a staged upload: its kept table planned against the database as it is now,
    with the columns chosen for it (``columns``, None: recognised).
    Raises :class:`LeaderImportFailed` when there is any error."""
    return import_leaders(read_staged(token, filename), filename, dry_run=True, columns=columns)


@dataclass
class StagedPreview:
    """What the preview page shows of a staged upload."""

    plan: LeaderPlan
    table: Table | None            # None when the file cannot be read
    mapping: ColumnMapping | None  # the columns the plan used (None: file unreadable)
    keep: bool                     # the upload stays staged: it can be confirmed or mapped again


def preview_upload(token: str, filename: str, columns: dict[str, str] | None = None) -> StagedPreview:
    """The preview of a staged upload, and whether to keep it.

    A file with errors can never be imported as it is, so its personal data is not kept — except
    when choosing other columns may be what it needs: the required fields are not mapped, or
    the analyst chose the columns by hand (``columns``) and may want to choose again.
    """
    try:
        table = read_staged(token, filename)
    except LeaderImportFailed as exc:
        return StagedPreview(plan=exc.plan, table=None, mapping=None, keep=False)
    mapping = _mapping_for(table, columns) or suggest_mapping(table.headers)
    try:
        plan = import_leaders(table, filename, dry_run=True, columns=mapping)
    except LeaderImportFailed as exc:
        plan = exc.plan
    keep = plan.ok or plan.needs_columns or columns is not None
    return StagedPreview(plan=plan, table=table, mapping=mapping, keep=keep)


def _create_units(plan: LeaderPlan) -> _UnitIndex:
    """Create the plan's new units; the index of all units, new ones included."""
    units = _UnitIndex()
    kinds = _kinds_for(plan.new_unit_paths, top=units.roots[0] if len(units.roots) == 1 else None)
    # Create new units level by level so that each level knows its parents' ids.
    for depth in sorted({len(p) for p in plan.new_unit_paths}):
        level_paths = [p for p in plan.new_unit_paths if len(p) == depth and units.resolve(p) is None]
        if not level_paths:
            continue
        objs = [
            Unit(name=p[-1], parent_id=units.resolve(p[:-1]) if depth > 1 else None,
                 kind=kinds[p])
            for p in level_paths
        ]
        Unit.objects.bulk_create(objs, batch_size=500)
        if any(o.pk is None for o in objs):  # databases that cannot return ids from bulk inserts
            units = _UnitIndex()
        else:
            for obj in objs:
                units.by_key[(obj.parent_id, obj.name.casefold())] = obj.pk
    return units


def _apply(plan: LeaderPlan, progress: ProgressFn | None) -> None:
    units = _create_units(plan)
    total = len(plan.rows)
    done_before = plan.total_rows
    now = timezone.now()
    to_create: list[Leader] = []
    to_update: list[Leader] = []
    update_fields: set[str] = set()
    existing_ids = [r.leader_id for r in plan.rows if r.action == "update"]
    current = {obj.pk: obj for obj in Leader.objects.filter(pk__in=existing_ids)} if existing_ids else {}
    for row in plan.rows:
        unit_id = units.resolve(row.unit_path) if row.unit_path else None
        if row.action == "create":
            to_create.append(Leader(email=row.email, unit_id=unit_id, **row.values))
        elif row.action == "update":
            obj = current[row.leader_id]
            for key, value in row.values.items():
                setattr(obj, key, value)
                update_fields.add(key)
            if row.unit_path:
                obj.unit_id = unit_id
                update_fields.add("unit")
            obj.updated_at = now
            to_update.append(obj)
    for start in range(0, len(to_create), 1000):
        Leader.objects.bulk_create(to_create[start:start + 1000])
        if progress is not None:
            done = min(start + 1000, len(to_create))
            progress(done_before + done, done_before + total, _("Gemmer nye ledere"))
    if to_update:
        fields = sorted(update_fields | {"updated_at"})
        for start in range(0, len(to_update), 1000):
            _update_rows(to_update[start:start + 1000], fields)
        if progress is not None:
            progress(done_before + total, done_before + total, _("Gemmer ændrede ledere"))
    if progress is not None:
        progress(done_before + total, done_before + total, _("Færdig"))


def _kinds_for(paths: list[tuple[str, ...]], top: str | None = None) -> dict[tuple[str, ...], str]:
    """First level of a path is a forvaltning, the last a tilbud, any level between an område.
    A unit nobody sits below is a tilbud, whatever its depth. Levels count from below ``top``
    (the organisation's one top unit, which :meth:`_UnitIndex.anchor` put in front)."""
    parents = {p[:-1] for p in paths if len(p) > 1}
    kinds = {}
    for path in paths:
        level = len(path) - (1 if top is not None and path[0].casefold() == top.casefold() else 0)
        if path not in parents:
            kinds[path] = Unit.Kind.TILBUD
        elif level <= 1:
            kinds[path] = Unit.Kind.FORVALTNING
        else:
            kinds[path] = Unit.Kind.OMRAADE
    return kinds


def _update_rows(objs: list[Leader], fields: list[str]) -> None:
    """UPDATE … WHERE id = %s with executemany: far faster than bulk_update's CASE WHEN on
    thousands of rows, on SQLite and PostgreSQL alike."""
    model_fields = [Leader._meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        qn(Leader._meta.db_table),
        ", ".join(f"{qn(f.column)} = %s" for f in model_fields),
        qn(Leader._meta.pk.column),
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in model_fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- the background job ----------------------------------------------------------------------

def import_leaders_job(params: dict, progress) -> dict:
    """Job function: import a staged upload (``token``) or a file on disk (``path``, CLI)."""
    from django.urls import reverse

    from ledelsesrum.jobs.runner import JobError

    token = params.get("token")
    filename = params.get("filename", "")
    try:
        source = read_staged(token, filename) if token else Path(params["path"])
        plan = import_leaders(source, filename, progress=progress, expected_plan=params.get("plan", ""),
                              columns=params.get("columns"))
    except LeaderPlanChanged as exc:
        raise JobError(plan_changed_message() + " " + _("Vælg filen igen, og se den nye forhåndsvisning.")) from exc
    except LeaderImportFailed as exc:
        lines = exc.plan.report_lines(limit=10)
        raise JobError(
            _("Intet er importeret, fordi filen har fejl:") + "\n" + "\n".join(lines)
        ) from exc
    finally:
        if token:
            staging.discard(token)
    counts = plan.counts
    result: dict[str, Any] = {
        "created": counts["create"], "updated": counts["update"], "unchanged": counts["unchanged"],
        "units_created": counts["units"], "rows": counts["rows"],
    }
    if token:
        result["next_url"] = reverse("organisation:import_done", kwargs={"token": token})
    return result
