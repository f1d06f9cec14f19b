"""Import answers collected elsewhere (paper, another survey tool) into a round of a study.

The layout (one row per respondent; documented in ``docs/file-formats.md``):

- ``email`` (optional): links the row to a leader invited to the round, or in the study's
  population; the segment (unit, area, level, seniority and span bands, education) is then the one
  frozen on the invitation, exactly as for an online answer, and the invitation is marked answered.
- otherwise explicit segment columns ``unit``, ``area``, ``level``, ``years_as_leader``,
  ``span_of_control``, ``leadership_education`` — and optionally ``id`` (an external respondent
  number, so that a re-import replaces instead of duplicating).
- one column per question code (``RAAD01`` …): 1–5 or the Danish scale labels, 0 / "Ved ikke",
  empty for no answer; the option key or label for a fact with choices; a number; free text for an
  open question.

As for leaders, :func:`plan_response_import` decides and reports without writing, and
:func:`import_responses` writes all rows in one transaction, or nothing. A web upload is parsed
once (``organisation.staging.read_table``) and the job imports exactly the plan the preview showed
(its digest), or nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledelsesrum.lib import segments
from ledelsesrum.lib.schema import Record, Text, check, model_max_length
from ledelsesrum.lib.tabular import Row, Table, TabularError, read_table
from ledelsesrum.organisation import staging
from ledelsesrum.organisation.importer import (
    PATH_SEPARATORS,
    RowError,
    ValidationReport,
    parse_education,
    parse_whole_number,
    split_path,
)
from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.studies.models import Round, Study

from .models import Invitation, Question, Response

ProgressFn = Callable[..., None]

SEGMENT_COLUMNS = ("unit", "forvaltning", "area", "level", "years_as_leader", "span_of_control",
                   "leadership_education")
IDENTITY_COLUMNS = ("email", "external_id")
# Columns a leader list has that a response file may carry along; read by nobody, stored nowhere.
IGNORED_COLUMNS = ("name", "title")
DONT_KNOW_WORDS = {"0", "ved ikke", "ved ikke / ikke relevant", "ved ikke/ikke relevant",
                   "ikke relevant", "vi", "-"}
MAX_OPEN_ANSWER = 10_000


class ResponseImportFailed(Exception):
    def __init__(self, plan: ResponsePlan) -> None:
        super().__init__("; ".join(plan.report_lines(limit=5)))
        self.plan = plan


class ResponsePlanChanged(ResponseImportFailed):
    """The plan made now is not the one the user saw in the preview; nothing was imported."""


def plan_changed_message() -> str:
    return _("Runden, spørgeskemaet, lederne eller filen er ændret, siden forhåndsvisningen blev "
             "vist, så importen ville ikke gøre præcis det, der blev vist. Intet er importeret.")


@dataclass
class PlannedResponse:
    row: int
    action: str                         # "create" or "replace"
    label: str                          # e-mail, external id or "" (shown in the preview)
    segment: dict[str, Any]
    answers: dict[str, Any]
    open_answers: dict[str, str]
    external_id: str = ""
    leader_id: int | None = None
    invitation_id: int | None = None    # an existing invitation of the round
    replaces_id: int | None = None      # an existing response replaced by this row

    @property
    def answer_count(self) -> int:
        return len(self.answers) + len(self.open_answers)


@dataclass
class ResponsePlan(ValidationReport):
    headers: list[str] = field(default_factory=list)
    question_codes: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    rows: list[PlannedResponse] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "replace": 0}
        for row in self.rows:
            counts[row.action] += 1
        counts["linked"] = sum(1 for r in self.rows if r.leader_id)
        counts["errors"] = len(self.row_errors)
        counts["rows"] = self.total_rows
        return counts



# --- rounds ----------------------------------------------------------------------------------

class RoundNotFound(Exception):
    pass


def resolve_round(study: Study, number: int | None = None, *, kind: str = Round.Kind.MAIN) -> Round:
    """Round ``number`` of ``kind`` in ``study`` (the latest one when ``number`` is None)."""
    rounds = Round.objects.filter(study=study, kind=kind).order_by("-number")
    found = rounds.filter(number=number).first() if number is not None else rounds.first()
    if found is None:
        if number is None:
            raise RoundNotFound(_("Undersøgelsen har ingen runde endnu. Opret og start en runde først."))
        raise RoundNotFound(_("Undersøgelsen har ingen runde %(n)d.") % {"n": number})
    return found


def round_problem(round: Round) -> str:
    """Why answers cannot be imported into ``round`` ('' when they can)."""
    if round.status == Round.Status.CLOSED:
        return _("Runden er afsluttet, og resultaterne er frigivet; der kan ikke længere importeres "
                 "svar i den. Et svar, der kommer efter frigivelsen, kunne afsløre, hvem der svarede.")
    if round.status == Round.Status.DRAFT:
        return _("Runden er ikke startet endnu. Start runden (du behøver ikke sende invitationer), "
                 "og importér derefter svarene.")
    return ""


# --- values ----------------------------------------------------------------------------------

def _answer_options(question: Question) -> list[tuple[Any, str]]:
    from .builder import answer_options

    return answer_options(question)


class _Parser:
    """Turns a cell into the stored answer for one question; ValueError with a Danish reason."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.kind = question.kind
        self.by_label: dict[str, Any] = {}
        self.keys: dict[str, Any] = {}
        if self.kind in (Question.Kind.SCALE, Question.Kind.CHOICE):
            for value, label in _answer_options(question):
                self.by_label[_fold(str(label))] = value
                self.keys[_fold(str(value))] = value
        self.labels_help = ", ".join(
            f"'{label}'" for _v, label in (_answer_options(question) if self.kind == Question.Kind.CHOICE else [])
        )

    def parse(self, text: str) -> Any:
        if self.kind == Question.Kind.SCALE:
            return self._scale(text)
        if self.kind == Question.Kind.CHOICE:
            folded = _fold(text)
            if folded in self.keys:
                return self.keys[folded]
            if folded in self.by_label:
                return self.by_label[folded]
            raise ValueError(_("'%(value)s' er ikke en af svarmulighederne (%(options)s)")
                             % {"value": text, "options": self.labels_help})
        if self.kind == Question.Kind.NUMBER:
            value = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
            try:
                number = float(value)
            except ValueError:
                raise ValueError(_("'%(value)s' er ikke et tal") % {"value": text}) from None
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(_("'%(value)s' er ikke et tal") % {"value": text})
            if number < 0:
                raise ValueError(_("'%(value)s' må ikke være negativ") % {"value": text})
            return int(number) if number.is_integer() else number
        raise AssertionError(self.kind)

    def _scale(self, text: str) -> int:
        folded = _fold(text)
        match = re.fullmatch(r"(-?\d+)(?:[.,]0+)?", folded) or re.match(r"([0-5])\s*[-.:)–]\s*\D", folded)
        if match:
            value = int(match.group(1))
            if not 0 <= value <= 5:
                raise ValueError(_("%(value)s ligger uden for 1–5 (0 = ved ikke)") % {"value": value})
        elif folded in self.by_label:
            value = int(self.by_label[folded])
        elif folded in DONT_KNOW_WORDS or folded.startswith("ved ikke"):
            value = 0
        else:
            raise ValueError(
                _("'%(value)s' er ikke et gyldigt svar; brug 1–5, 0 eller 'Ved ikke', eller "
                  "svarskalaens tekster") % {"value": text}
            )
        if value == 0 and not self.question.allow_dont_know:
            raise ValueError(_("spørgsmålet tillader ikke 'Ved ikke'"))
        return value


def _fold(text: str) -> str:
    return " ".join(text.strip().casefold().split())


def _band_or_number(text: str, labels: list[str], band, maximum: int) -> str:
    """A band label as written, or a number put in its band (lib.segments: one banding)."""
    for label in labels:
        if _fold(label) == _fold(text):
            return label
    return band(parse_whole_number(text, maximum=maximum))


# --- the plan --------------------------------------------------------------------------------

def plan_response_import(
    table: Table, round: Round, progress: ProgressFn | None = None, phases: int = 1
) -> ResponsePlan:
    """Validate every row against the round's questionnaire; reads the database, writes nothing."""
    plan = ResponsePlan(headers=list(table.headers), total_rows=len(table.rows))
    problem = round_problem(round)
    if problem:
        plan.file_errors.append(problem)
        return plan
    questions = {q.code.casefold(): q for q in Question.objects.filter(questionnaire__study_id=round.study_id)}
    if not questions:
        plan.file_errors.append(_("Undersøgelsen har endnu intet spørgeskema med spørgsmål."))
        return plan

    question_columns = _question_columns(table, questions, plan)
    if question_columns is None:
        return plan
    plan.question_codes = [q.code for _k, q in question_columns]
    parsers = {key: _Parser(q) for key, q in question_columns}

    context = _Context(round)
    # Stored on the response, so its length is the model's.
    identity = Record(fields={"external_id": Text(
        required=False, label=_("id"), max_length=model_max_length(Response, "external_id"))})
    seen_email: dict[str, list[int]] = defaultdict(list)
    seen_external: dict[str, list[int]] = defaultdict(list)
    planned: dict[int, PlannedResponse] = {}
    errors: dict[int, list[str]] = {}
    total = len(table.rows)

    for index, row in enumerate(table.rows, start=1):
        messages = list(row.problems)
        answers, open_answers = _row_answers(row, question_columns, parsers, messages)
        if not answers and not open_answers and not messages:
            messages.append(_("rækken har ingen svar"))
        email, external_id, target = _row_target(row, context, identity, seen_email, seen_external, messages)

        if messages:
            errors[row.number] = messages
        else:
            planned[row.number] = PlannedResponse(
                row=row.number, action="replace" if target.get("replaces_id") else "create",
                label=email or external_id, segment=target["segment"], answers=answers,
                open_answers=open_answers, external_id=external_id,
                leader_id=target.get("leader_id"), invitation_id=target.get("invitation_id"),
                replaces_id=target.get("replaces_id"),
            )
        if progress is not None and (index % 500 == 0 or index == total):
            progress(index, total * phases, _("Kontrollerer række %(n)d af %(total)d") % {"n": index, "total": total})

    _flag_duplicates(seen_email, seen_external, errors, planned)
    plan.row_errors = [RowError(n, errors[n]) for n in sorted(errors)]
    plan.rows = [planned[n] for n in sorted(planned)]
    return plan


def _question_columns(
    table: Table, questions: dict[str, Question], plan: ResponsePlan
) -> list[tuple[str, Question]] | None:
    """The header's question columns, or None with the reason on ``plan.file_errors``."""
    known = {*SEGMENT_COLUMNS, *IDENTITY_COLUMNS}
    question_columns: list[tuple[str, Question]] = []
    unknown: list[str] = []
    for header, key in zip(table.headers, table.keys, strict=True):
        if not key or key in known:
            continue
        if key in IGNORED_COLUMNS:
            plan.ignored_columns.append(header)
            continue
        question = questions.get(header.strip().casefold()) or questions.get(key.replace(" ", "").casefold())
        if question is None:
            unknown.append(header)
        else:
            question_columns.append((key, question))
    if unknown:
        codes = ", ".join(sorted((q.code for q in questions.values()), key=str.casefold))
        plan.file_errors.append(
            _("Ukendte spørgsmålskoder i overskriften: %(unknown)s. Spørgeskemaets koder er: %(codes)s.")
            % {"unknown": ", ".join(unknown), "codes": codes}
        )
        return None
    if not question_columns:
        plan.file_errors.append(
            _("Filen har ingen kolonner med spørgsmålskoder (fx %(example)s). Fundne kolonner: %(found)s.")
            % {"example": next(iter(questions.values())).code,
               "found": ", ".join(h for h in table.headers if h)}
        )
        return None
    return question_columns


def _row_answers(
    row: Row, question_columns: list[tuple[str, Question]], parsers: dict[str, _Parser], messages: list[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """A row's parsed closed answers and its open answers; problems go on ``messages``."""
    answers: dict[str, Any] = {}
    open_answers: dict[str, str] = {}
    for key, question in question_columns:
        text = row.get(key)
        if not text:
            continue
        if question.kind == Question.Kind.OPEN:
            if len(text) > MAX_OPEN_ANSWER:
                messages.append(_("%(code)s: svaret er længere end %(n)d tegn")
                                % {"code": question.code, "n": MAX_OPEN_ANSWER})
            else:
                open_answers[question.code] = text
            continue
        try:
            answers[question.code] = parsers[key].parse(text)
        except ValueError as exc:
            messages.append(f"{question.code}: {exc}")
    return answers, open_answers


def _row_target(
    row: Row, context: _Context, identity: Record, seen_email: dict[str, list[int]],
    seen_external: dict[str, list[int]], messages: list[str],
) -> tuple[str, Any, dict[str, Any]]:
    """A row's e-mail, external id and target (segment, leader, invitation, replaced response);
    problems go on ``messages``, and the row is noted for the duplicate check."""
    email = row.get("email").strip().lower()
    checked = check(identity, {"external_id": row.get("external_id")}, sentences=False, translate=_)
    messages.extend(checked.problems)
    external_id = checked.value["external_id"]
    target: dict[str, Any] = {}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            messages.append(_("'%(value)s' er ikke en gyldig e-mailadresse") % {"value": row.get("email")})
        else:
            seen_email[email].append(row.number)
            message = context.link(email, target)
            if message:
                messages.append(message)
    else:
        messages.extend(context.explicit_segment(row, target))
        if external_id:
            seen_external[external_id].append(row.number)
            existing = context.by_external_id.get(external_id)
            if existing is not None:
                target["replaces_id"] = existing
    return email, external_id, target


def _flag_duplicates(
    seen_email: dict[str, list[int]], seen_external: dict[str, list[int]],
    errors: dict[int, list[str]], planned: dict[int, PlannedResponse],
) -> None:
    """Rows sharing an e-mail or id are all errors, since none of them can be told apart."""
    for what, seen in ((_("e-mailen"), seen_email), (_("id'et"), seen_external)):
        for value, numbers in seen.items():
            if len(numbers) < 2:
                continue
            for number in numbers:
                others = ", ".join(str(n) for n in numbers if n != number)
                errors.setdefault(number, []).append(
                    _("%(what)s %(value)s står også i række %(others)s")
                    % {"what": what, "value": value, "others": others}
                )
                planned.pop(number, None)


class _Context:
    """What the rows are checked against, read once: leaders, invitations, units, earlier imports."""

    def __init__(self, round: Round) -> None:
        from ledelsesrum.studies.population import population_for

        self.round = round
        self.leaders = {
            row["email"].strip().lower(): row
            for row in Leader.objects.values(
                "id", "email", "unit_id", "area", "level", "years_as_leader", "span_of_control",
                "leadership_education",
            )
        }
        self.invitations = {
            inv["leader_id"]: inv
            for inv in Invitation.objects.filter(round=round, leader__isnull=False).values(
                "id", "leader_id", "unit_id", "area", "level", "seniority_band", "span_band",
                "education", "response__id", "response__source", "response__submitted_at",
            )
        }
        self.population: set[int] | None = None
        if round.kind == Round.Kind.MAIN:
            self.population = set(population_for(round.study).values_list("id", flat=True))
        self.by_external_id = dict(
            Response.objects.filter(round=round, source=Response.Source.IMPORT)
            .exclude(external_id="").values_list("external_id", "id")
        )
        self._units: dict[tuple[int | None, str], int] | None = None
        self._unit_names: dict[str, list[int]] | None = None
        self._roots: list[str] = []

    def link(self, email: str, target: dict) -> str:
        leader = self.leaders.get(email)
        if leader is None:
            return _("e-mailen %(email)s findes ikke blandt organisationens ledere") % {"email": email}
        target["leader_id"] = leader["id"]
        invitation = self.invitations.get(leader["id"])
        if invitation is not None:
            target["invitation_id"] = invitation["id"]
            target["segment"] = {
                "unit_id": invitation["unit_id"], "area": invitation["area"], "level": invitation["level"],
                "seniority_band": invitation["seniority_band"], "span_band": invitation["span_band"],
                "education": invitation["education"],
            }
            if invitation["response__id"]:
                if (invitation["response__source"] == Response.Source.WEB
                        and invitation["response__submitted_at"] is not None):
                    return _("lederen har allerede besvaret skemaet online; et online-svar "
                             "erstattes ikke af en import")
                target["replaces_id"] = invitation["response__id"]
            return ""
        if self.population is None or leader["id"] not in self.population:
            return _("lederen med e-mailen %(email)s er ikke med i denne runde") % {"email": email}
        # In the population but added after the launch: frozen now, as the launch would have.
        target["segment"] = {
            "unit_id": leader["unit_id"], "area": leader["area"], "level": leader["level"],
            "seniority_band": segments.seniority_band(leader["years_as_leader"]),
            "span_band": segments.span_band(leader["span_of_control"]),
            "education": leader["leadership_education"],
        }
        return ""

    def explicit_segment(self, row, target: dict) -> list[str]:
        messages: list[str] = []
        segment = {"unit_id": None, "area": row.get("area")[:model_max_length(Response, "area")],
                   "level": row.get("level")[:model_max_length(Response, "level")],
                   "seniority_band": "", "span_band": "", "education": ""}
        unit_text = row.get("unit")
        path: tuple[str, ...] = ()
        if unit_text and PATH_SEPARATORS.search(unit_text):
            path = split_path(unit_text)
        elif row.get("forvaltning"):
            path = tuple(p for p in (row.get("forvaltning"), row.get("area"), unit_text) if p)
        if path:
            unit_id = self._resolve_path(path)
            if unit_id is None:
                messages.append(_("enheden '%(path)s' findes ikke i organisationen") % {"path": " > ".join(path)})
            segment["unit_id"] = unit_id
        elif unit_text:
            matches = self._names().get(unit_text.casefold(), [])
            if len(matches) == 1:
                segment["unit_id"] = matches[0]
            elif matches:
                messages.append(_("enheden '%(name)s' findes flere steder; skriv hele stien") % {"name": unit_text})
            else:
                messages.append(_("enheden '%(name)s' findes ikke i organisationen") % {"name": unit_text})
        for key, labels, band, maximum, col in (
            ("years_as_leader", segments.SENIORITY_LABELS, segments.seniority_band, 70, _("år som leder")),
            ("span_of_control", segments.SPAN_LABELS, segments.span_band, 100_000, _("ledelsesspænd")),
        ):
            text = row.get(key)
            if text:
                try:
                    segment["seniority_band" if key == "years_as_leader" else "span_band"] = (
                        _band_or_number(text, labels, band, maximum))
                except ValueError as exc:
                    messages.append(_("%(col)s '%(value)s' %(reason)s") % {"col": col, "value": text, "reason": exc})
        text = row.get("leadership_education")
        if text:
            education = parse_education(text)
            if education is None:
                messages.append(_("lederuddannelse '%(value)s' kendes ikke") % {"value": text})
            else:
                segment["education"] = education
        target["segment"] = segment
        return messages

    def _load_units(self) -> None:
        self._units, self._unit_names, self._roots = {}, defaultdict(list), []
        for pk, name, parent in Unit.objects.values_list("id", "name", "parent_id"):
            self._units[(parent, name.casefold())] = pk
            self._unit_names[name.casefold()].append(pk)
            if parent is None:
                self._roots.append(name)

    def _names(self) -> dict[str, list[int]]:
        if self._unit_names is None:
            self._load_units()
        return self._unit_names

    def _resolve_path(self, path: tuple[str, ...]) -> int | None:
        if self._units is None:
            self._load_units()
        # As for leaders (docs/file-formats.md, issue 12): with one top unit, a path that does not
        # start with it is read as below it ("Børn og Unge > Dagtilbud Nord").
        if path and len(self._roots) == 1 and path[0].casefold() != self._roots[0].casefold():
            path = (self._roots[0], *path)
        parent = None
        for part in path:
            parent = self._units.get((parent, part.casefold()))
            if parent is None:
                return None
        return parent


# --- applying --------------------------------------------------------------------------------

def import_responses(
    source: bytes | str | Path | Table, round: Round, filename: str = "", *, dry_run: bool = False,
    progress: ProgressFn | None = None, expected_plan: str = "",
) -> ResponsePlan:
    """Read, validate and (unless ``dry_run``) import a response file into ``round``, all or nothing.

    ``source`` may be a table already read (a staged upload: :func:`read_staged`). With
    ``expected_plan`` (the digest of the plan shown in the preview) a plan that differs raises
    :class:`ResponsePlanChanged` instead of being imported.
    """
    try:
        table = source if isinstance(source, Table) else read_table(source, filename)
    except TabularError as exc:
        raise ResponseImportFailed(ResponsePlan(file_errors=[exc.message])) from exc
    if dry_run:
        plan = plan_response_import(table, round, progress)
        if not plan.ok:
            raise ResponseImportFailed(plan)
        return plan
    with transaction.atomic():
        # Lock the round: a close between planning and writing would release half an import.
        round = Round.objects.select_for_update().select_related("study").get(pk=round.pk)
        plan = plan_response_import(table, round, progress, phases=2)
        if not plan.ok:
            raise ResponseImportFailed(plan)
        if expected_plan and plan.digest() != expected_plan:
            plan.file_errors.append(plan_changed_message())
            raise ResponsePlanChanged(plan)
        try:
            _apply(plan, round, progress)
        except IntegrityError as exc:
            plan.file_errors.append(_("Svarene blev ændret af en anden imens; intet er importeret. Prøv igen."))
            raise ResponseImportFailed(plan) from exc
    return plan


def read_staged(token: str, filename: str) -> Table:
    """A staged web upload as a table, parsed once (``organisation.staging.read_table``).
    Raises :class:`ResponseImportFailed` for a file that cannot be read."""
    try:
        return staging.read_table(token, filename)
    except TabularError as exc:
        raise ResponseImportFailed(ResponsePlan(file_errors=[exc.message])) from exc


def preview_staged(token: str, round: Round, filename: str) -> ResponsePlan:
    """The preview of a staged upload: its kept table planned against the database as it is now.
    Raises :class:`ResponseImportFailed` when there is any error."""
    return import_responses(read_staged(token, filename), round, filename, dry_run=True)


def _apply(plan: ResponsePlan, round: Round, progress: ProgressFn | None) -> None:
    now = timezone.now()
    total = len(plan.rows)
    # Leaders in the population without an invitation get one, frozen as at launch (no token:
    # they answered elsewhere), so the response is linked exactly like an online one until close.
    new_invitations = {
        row.leader_id: Invitation(round=round, leader_id=row.leader_id, token=None,
                                  submitted_at=now, **row.segment)
        for row in plan.rows if row.leader_id and not row.invitation_id
    }
    Invitation.objects.bulk_create(list(new_invitations.values()), batch_size=1000)
    if any(inv.pk is None for inv in new_invitations.values()):
        ids = dict(Invitation.objects.filter(round=round, leader_id__in=list(new_invitations))
                   .values_list("leader_id", "id"))
    else:
        ids = {leader_id: inv.pk for leader_id, inv in new_invitations.items()}
    Invitation.objects.filter(
        pk__in=[row.invitation_id for row in plan.rows if row.invitation_id]
    ).update(submitted_at=now)

    replaced = {r.pk: r for r in Response.objects.filter(pk__in=[row.replaces_id for row in plan.rows if row.replaces_id])}
    to_create: list[Response] = []
    to_update: list[Response] = []
    for row in plan.rows:
        invitation_id = row.invitation_id or ids.get(row.leader_id)
        values = dict(
            round=round, invitation_id=invitation_id, answers=row.answers,
            open_answers=row.open_answers, source=Response.Source.IMPORT,
            external_id=row.external_id, submitted_at=now, **row.segment,
        )
        if row.replaces_id:
            response = replaced[row.replaces_id]
            for key, value in values.items():
                setattr(response, key, value)
            response.updated_at = now
            to_update.append(response)
        else:
            to_create.append(Response(**values))
    Response.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Response.objects.bulk_update(
            to_update,
            ["invitation", "answers", "open_answers", "source", "external_id", "submitted_at",
             "unit", "area", "level", "seniority_band", "span_band", "education", "updated_at"],
            batch_size=200,
        )
    if progress is not None:
        progress(plan.total_rows + total, plan.total_rows + total, _("Færdig"))


# --- the background job ----------------------------------------------------------------------

def import_responses_job(params: dict, progress) -> dict:
    """Job function: import a staged upload (``token``) or a file on disk (``path``, CLI)."""
    from django.urls import reverse

    from ledelsesrum.jobs.runner import JobError

    token = params.get("token")
    filename = params.get("filename", "")
    try:
        round = Round.objects.select_related("study").filter(pk=params["round_id"]).first()
        if round is None:
            raise JobError(_("Runden findes ikke længere. Intet er importeret."))
        try:
            source = read_staged(token, filename) if token else Path(params["path"])
            plan = import_responses(source, round, filename, progress=progress,
                                    expected_plan=params.get("plan", ""))
        except ResponsePlanChanged as exc:
            raise JobError(plan_changed_message() + " " + _("Vælg filen igen, og se den nye forhåndsvisning.")) from exc
        except ResponseImportFailed as exc:
            raise JobError(
                _("Intet er importeret, fordi filen har fejl:") + "\n" + "\n".join(exc.plan.report_lines(limit=10))
            ) from exc
    finally:
        if token:
            staging.discard(token)
    counts = plan.counts
    result: dict[str, Any] = {
        "created": counts["create"], "replaced": counts["replace"], "linked": counts["linked"],
        "rows": counts["rows"], "round_id": round.pk,
    }
    if token:
        result["next_url"] = reverse(
            "surveys:import_responses_done", kwargs={"study_id": round.study_id, "token": token}
        )
    return result
