"""The respondent's questionnaire: token lookup, page validation, saving and submitting.

No request objects here; the views in ``views_respond.py`` only parse, call and render.

Guarantees (see docs/answering.md):

- A page is saved every time it is left (Next, Back, "Gem og fortsæt senere") and on every change
  when JavaScript runs, so at most the field being typed in is lost.
- ``save_section`` merges one page's answers into the stored response under a row lock; answers on
  other pages are never touched, so two tabs on different pages cannot overwrite each other.
- Creating the response for an invitation is safe under concurrent first requests
  (one-to-one constraint + retry).
- ``submit`` is idempotent: the first call stamps ``submitted_at``; later calls change nothing.
- After submission the leader may still change answers until the round closes; the response stays
  submitted with its first submission time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from ..studies.models import Round, Study
from .models import Invitation, Question, Questionnaire, Response, Section

log = logging.getLogger(__name__)

# secrets.token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else is not a token
# and is refused before the database is asked.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

DONT_KNOW = 0
SCALE_VALUES = (1, 2, 3, 4, 5)
MAX_OPEN_TEXT = 5000
YEARS_BOUNDS = (0, 60)
SPAN_BOUNDS = (0, 2000)
# A number question that is neither about years nor span still gets a sane ceiling.
DEFAULT_NUMBER_BOUNDS = (0, 2000)

# (page load id, save number): see save_section.
SaveOrder = tuple[str, int]
MAX_SAVE_MARKS = 20  # page loads remembered per response; older ones are long finished
_LOAD_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")

DEFAULT_SCALE_LABELS = ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad", "Slet ikke"]
DEFAULT_DONT_KNOW_LABEL = "Ved ikke / ikke relevant"

SEGMENT_FIELDS = ("unit_id", "area", "level", "seniority_band", "span_band", "education")


class AnsweringClosed(Exception):
    """The round no longer accepts answers (closed while the leader was answering)."""


# --------------------------------------------------------------------------------------------
# Finding the invitation and the pages


def invitation_for_token(token: str | None) -> Invitation | None:
    """The invitation behind a personal link, or None for an unknown, malformed or cleared token.

    One indexed lookup on a unique column; a malformed token never reaches the database.
    """
    if not token or not TOKEN_RE.match(token):
        return None
    return (
        Invitation.objects.select_related("round__study__questionnaire")
        .filter(token=token)
        .first()
    )


def questionnaire_of(invitation: Invitation) -> Questionnaire | None:
    try:
        return invitation.round.study.questionnaire
    except Questionnaire.DoesNotExist:
        return None


def access_state(invitation: Invitation) -> str:
    """'open', 'not_open' (draft), 'closed' or 'no_questionnaire'."""
    status = invitation.round.status
    if status == Round.Status.DRAFT:
        return "not_open"
    if status != Round.Status.COLLECTING:
        return "closed"
    if questionnaire_of(invitation) is None:
        return "no_questionnaire"
    return "open"


# Pages per questionnaire version. Every edit touches Questionnaire.updated_at (the builder does,
# and a signal does for any other save), so the key changes whenever the pages do. The cached
# objects are only read, never modified, so threads may share them.
_PAGES_CACHE: dict[tuple[int, object], list[Section]] = {}
_PAGES_CACHE_SIZE = 64


def pages_of(questionnaire: Questionnaire) -> list[Section]:
    """The pages a respondent sees: sections in order, each with its questions prefetched.

    Empty sections are left out so that "Side 3 af 8" counts only pages with questions.
    """
    key = (questionnaire.pk, questionnaire.updated_at)
    pages = _PAGES_CACHE.get(key)
    if pages is None:
        sections = questionnaire.sections.order_by("position", "id").prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"), to_attr="page_questions")
        )
        pages = [s for s in sections if s.page_questions]
        if len(_PAGES_CACHE) >= _PAGES_CACHE_SIZE:
            _PAGES_CACHE.clear()
        _PAGES_CACHE[key] = pages
    return pages


def clamp_page(index: int, page_count: int) -> int:
    return max(0, min(index, page_count - 1)) if page_count else 0


# --------------------------------------------------------------------------------------------
# Values


def option_pairs(question: Question) -> list[tuple[str, str]]:
    """The (key, label) options of a CHOICE question.

    Accepts the shapes an item bank or a builder may store: ``["a", "b"]``,
    ``[["key", "label"], …]`` or ``[{"key"|"value"|"code": …, "label"|"text": …}, …]``.
    """
    pairs: list[tuple[str, str]] = []
    options = question.options or []
    if isinstance(options, dict):
        options = options.get("options") or options.get("choices") or []
    for option in options:
        if isinstance(option, str | int | float):
            pairs.append((str(option), str(option)))
        elif isinstance(option, list | tuple) and option:
            key = str(option[0])
            pairs.append((key, str(option[1]) if len(option) > 1 else key))
        elif isinstance(option, dict):
            key = option.get("key", option.get("value", option.get("code")))
            if key is None:
                continue
            label = option.get("label", option.get("text", key))
            pairs.append((str(key), str(label)))
    return pairs


def option_keys(question: Question) -> dict[str, Any]:
    """Form value → the option key exactly as stored in ``options`` (a str, or an int in old data)."""
    keys: dict[str, Any] = {}
    options = question.options or []
    if isinstance(options, dict):
        options = options.get("options") or options.get("choices") or []
    for option in options:
        if isinstance(option, dict):
            key = option.get("key", option.get("value", option.get("code")))
        elif isinstance(option, list | tuple) and option:
            key = option[0]
        else:
            key = option
        if key is not None and not isinstance(key, bool):
            keys[str(key)] = key
    return keys


def number_bounds(question: Question) -> tuple[int, int]:
    """Sane bounds for a NUMBER question: explicit ``{"min", "max"}`` options first, then by
    what the question is about (years as leader 0–60, span of control 0–2000)."""
    options = question.options
    if isinstance(options, dict) and ("min" in options or "max" in options):
        low = int(options.get("min", DEFAULT_NUMBER_BOUNDS[0]))
        high = int(options.get("max", DEFAULT_NUMBER_BOUNDS[1]))
        return low, high
    if question.bank_code:
        bank = _bank()
        item = bank.item(question.bank_code) if bank is not None else None
        if item is not None and item.min_value is not None and item.max_value is not None:
            return int(item.min_value), int(item.max_value)
    about = f"{question.code} {question.bank_code} {question.text}".lower()
    if re.search(r"span|spænd|medarbejdere|ansatte", about):
        return SPAN_BOUNDS
    if re.search(r"year|seniority|\bår\b|\baar\b|erfaring|anciennitet", about):
        return YEARS_BOUNDS
    return DEFAULT_NUMBER_BOUNDS


def scale_values(question: Question) -> tuple[int, ...]:
    return (*SCALE_VALUES, DONT_KNOW) if question.allow_dont_know else SCALE_VALUES


def check_value(question: Question, value: Any) -> None:
    """Raise ValueError when ``value`` is not a valid stored answer to ``question``.

    The last line of defence: ``save_section`` checks every value, whoever cleaned it.
    """
    if value is None:
        return
    kind = question.kind
    if kind == Question.Kind.SCALE:
        if isinstance(value, bool) or value not in scale_values(question):
            raise ValueError(f"invalid scale value for {question.code}")
    elif kind == Question.Kind.CHOICE:
        keys = option_keys(question)
        if isinstance(value, bool) or str(value) not in keys or keys[str(value)] != value:
            raise ValueError(f"invalid option for {question.code}")
    elif kind == Question.Kind.NUMBER:
        low, high = number_bounds(question)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"number out of bounds for {question.code}")
    elif kind == Question.Kind.OPEN:
        if not isinstance(value, str) or len(value) > MAX_OPEN_TEXT:
            raise ValueError(f"invalid open answer for {question.code}")


def field_name(question: Question) -> str:
    """The form field name of a question (codes are unique within a questionnaire)."""
    return f"q-{question.code}"


def clean_value(question: Question, raw: str | None) -> Any:
    """Parse what the browser sent for one question. Returns None for "not answered".

    Raises ValueError with a Danish message fit for the respondent.
    """
    raw = "" if raw is None else str(raw)
    kind = question.kind
    if kind == Question.Kind.OPEN:
        text = raw.replace("\r\n", "\n").strip()
        if len(text) > MAX_OPEN_TEXT:
            raise ValueError(
                _("Svaret er for langt (%(n)s tegn). Skriv højst %(max)s tegn.")
                % {"n": len(text), "max": MAX_OPEN_TEXT}
            )
        return text or None
    raw = raw.strip()
    if raw == "":
        return None
    if kind == Question.Kind.SCALE:
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if value not in scale_values(question):
            raise ValueError(_("Vælg et af svarene på listen."))
        return value
    if kind == Question.Kind.CHOICE:
        keys = option_keys(question)
        if raw not in keys:
            raise ValueError(_("Vælg et af svarene på listen."))
        return keys[raw]
    if kind == Question.Kind.NUMBER:
        low, high = number_bounds(question)
        message = _("Skriv et helt tal mellem %(low)s og %(high)s.") % {"low": low, "high": high}
        normalised = raw.replace(" ", "").replace("\u00a0", "")
        if not re.fullmatch(r"\d{1,6}", normalised):
            raise ValueError(message)
        value = int(normalised)
        if not low <= value <= high:
            raise ValueError(message)
        return value
    raise ValueError(_("Ukendt spørgsmålstype."))


@dataclass
class PageInput:
    """A page as the respondent sent it: valid values, Danish errors, and the raw text to
    re-render (so nothing typed is lost when a field is invalid)."""

    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


def clean_page(
    questions: Iterable[Question], data: Mapping[str, Any], *, enforce_required: bool = False
) -> PageInput:
    """Validate one page. ``data`` maps field names (``field_name(q)``) to submitted strings.

    Invalid fields are left out of ``cleaned`` (so the stored answer stays) and reported in
    ``errors`` by question code. A field absent from ``data`` means "not answered".
    """
    result = PageInput()
    for question in questions:
        raw = data.get(field_name(question))
        raw = "" if raw is None else str(raw)
        result.raw[question.code] = raw
        try:
            value = clean_value(question, raw)
        except ValueError as exc:
            result.errors[question.code] = str(exc)
            continue
        if value is None and enforce_required and question.required:
            result.errors[question.code] = _("Besvar venligst dette spørgsmål.")
            continue
        result.cleaned[question.code] = value
    return result


def stored_raw(response: Response | None, questions: Iterable[Question]) -> dict[str, str]:
    """The stored answers of a page as the strings a form shows."""
    if response is None:
        return {}
    raw: dict[str, str] = {}
    for question in questions:
        source = response.open_answers if question.kind == Question.Kind.OPEN else response.answers
        value = (source or {}).get(question.code)
        if value is not None:
            raw[question.code] = str(value)
    return raw


# --------------------------------------------------------------------------------------------
# Saving and submitting


def mark_opened(invitation: Invitation) -> None:
    """Stamp the first opening of the link (idempotent, no read-modify-write race)."""
    if invitation.opened_at is None:
        now = timezone.now()
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        invitation.opened_at = now


def response_of(invitation: Invitation) -> Response | None:
    return Response.objects.filter(invitation=invitation).first()


def start_response(invitation: Invitation) -> Response:
    """The invitation's response, created on first use with the segments frozen at launch.

    Two first requests at once (double click, two tabs) both end with the same row: the
    one-to-one constraint refuses the second insert and that request reads the winner's row.
    """
    for _attempt in range(3):
        existing = response_of(invitation)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                return Response.objects.create(
                    invitation=invitation,
                    round_id=invitation.round_id,
                    source=Response.Source.WEB,
                    **{name: getattr(invitation, name) for name in SEGMENT_FIELDS},
                )
        except IntegrityError:
            continue
    return Response.objects.get(invitation=invitation)


def _lock(response: Response) -> Response:
    locked = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if locked.round.status != Round.Status.COLLECTING:
        raise AnsweringClosed
    return locked


def save_section(
    response: Response,
    section_index: int,
    cleaned: Mapping[str, Any],
    *,
    move_to: int | None = None,
    pages: list[Section] | None = None,
    order: SaveOrder | None = None,
) -> Response:
    """Merge one page's answers into the response and return the saved row.

    Only codes of the page's own questions are written (a forged field cannot touch another
    page); ``None`` removes an answer (the leader cleared it). ``move_to`` sets the page the link
    resumes on. Runs under a row lock, so concurrent saves serialise instead of losing updates.

    ``order`` (page load id, save number) comes from the page: every save of a page carries the
    whole page, numbered in the order the leader made them. One that arrives after a higher number
    from the same page load is stale (an autosave overtaken by "Næste") and changes nothing.
    """
    if pages is None:  # callers that already hold the pages pass them, saving three queries
        pages = pages_of(response.round.study.questionnaire)
    if not 0 <= section_index < len(pages):
        raise ValueError("section index out of range")
    questions = {q.code: q for q in pages[section_index].page_questions}
    for code, value in cleaned.items():
        if code in questions:
            check_value(questions[code], value)
    with transaction.atomic():
        locked = _lock(response)
        marks = dict(locked.save_marks or {})
        if order is not None:
            load, number = order
            if number <= marks.get(load, 0):
                return locked
            marks.pop(load, None)  # re-insert last: the dict keeps the most recent loads at the end
            marks[load] = number
            marks = dict(list(marks.items())[-MAX_SAVE_MARKS:])
        answers = dict(locked.answers or {})
        open_answers = dict(locked.open_answers or {})
        for code, value in cleaned.items():
            question = questions.get(code)
            if question is None:
                continue
            target = open_answers if question.kind == Question.Kind.OPEN else answers
            if value is None:
                target.pop(code, None)
            else:
                target[code] = value
        locked.answers = answers
        locked.open_answers = open_answers
        if move_to is not None:
            locked.current_section = clamp_page(move_to, len(pages))
        locked.version += 1
        locked.save_marks = marks
        locked.save(update_fields=["answers", "open_answers", "current_section", "version",
                                   "save_marks", "updated_at"])
    return locked


def save_order(data: Mapping[str, str]) -> SaveOrder | None:
    """The (page load id, save number) a page sends with each save, or None when absent or
    malformed (a page without JavaScript sends none, and its saves are never stale)."""
    load = data.get("save_load") or ""
    try:
        number = int(data.get("save_number") or "")
    except ValueError:
        return None
    if not _LOAD_ID_RE.match(load) or not 0 < number < 2**31:
        return None
    return load, number


def missing_required(response: Response | None, pages: list[Section]) -> int | None:
    """Index of the first page with an unanswered required question, or None."""
    answers = (response.answers if response else None) or {}
    open_answers = (response.open_answers if response else None) or {}
    for index, page in enumerate(pages):
        for question in page.page_questions:
            if not question.required:
                continue
            source = open_answers if question.kind == Question.Kind.OPEN else answers
            if source.get(question.code) in (None, ""):
                return index
    return None


def submit(response: Response) -> bool:
    """Mark the response submitted. True when this call did it; False when it already was.

    A second submit (two tabs, a double click, the back button) is harmless: nothing changes.
    """
    with transaction.atomic():
        locked = _lock(response)
        if locked.submitted_at is not None:
            response.submitted_at = locked.submitted_at
            return False
        now = timezone.now()
        locked.submitted_at = now
        locked.save(update_fields=["submitted_at", "updated_at"])
        if locked.invitation_id:
            Invitation.objects.filter(pk=locked.invitation_id, submitted_at__isnull=True).update(
                submitted_at=now
            )
    response.submitted_at = now
    return True


# --------------------------------------------------------------------------------------------
# What the respondent reads


def _bank():
    """The default item bank, or None if it cannot be loaded: the questionnaire never breaks on it."""
    try:
        from .bank import load_bank

        return load_bank()
    except Exception:  # noqa: BLE001 — a respondent must never see a crash for this
        log.warning("the item bank could not be loaded; using built-in defaults")
        return None


def scale_labels(question: Question) -> tuple[list[str], str]:
    """The five labels (values 1..5) and the "Ved ikke" label of a scale question.

    The labels frozen on the question by the builder come first (a later bank version must not
    change what a round asked), then the bank's response scale, then the standard Danish labels.
    """
    frozen: dict[int, str] = {}
    for key, label in option_pairs(question):
        if key.isdigit() and 1 <= int(key) <= 5:
            frozen[int(key)] = label
    bank = _bank() if question.response_scale or len(frozen) != 5 else None
    scale = bank.response_scales.get(question.response_scale) if bank is not None else None
    dont_know = (scale.dont_know_label if scale is not None else "") or DEFAULT_DONT_KNOW_LABEL
    if len(frozen) == 5:
        return [frozen[v] for v in SCALE_VALUES], dont_know
    if scale is not None and len(scale.labels) == 5:
        return list(scale.labels), dont_know
    return list(DEFAULT_SCALE_LABELS), dont_know


def privacy_statement(study: Study, questionnaire: Questionnaire | None) -> str:
    """The plain "Hvem ser hvad?" text: the questionnaire's own, or a default with the study's k."""
    if questionnaire is not None and questionnaire.privacy_statement.strip():
        return questionnaire.privacy_statement.strip()
    k = study.anonymity_threshold
    return "\n\n".join(
        [
            _(
                "Dine svar vises kun samlet for grupper på mindst %(k)s ledere. Er der færre "
                "besvarelser i en gruppe, vises tallene ikke – heller ikke så de kan regnes ud "
                "fra andre tal."
            ) % {"k": k},
            _(
                "Dine svar på de åbne spørgsmål læses kun af den analytiker, der gennemfører "
                "undersøgelsen. Ledelsen og andre ser aldrig dine svar med dit navn."
            ),
            _(
                "Under indsamlingen kan analytikeren se, hvor mange der har svaret i enheder med "
                "mindst %(k)s inviterede – aldrig hvem. Når undersøgelsen lukker, slettes "
                "forbindelsen mellem dit personlige link og dine svar."
            ) % {"k": k},
            _("Linket er personligt. Del det ikke med andre."),
        ]
    )
