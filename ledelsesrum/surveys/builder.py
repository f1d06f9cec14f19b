"""Build and edit a study's questionnaire from the item bank.

Pure domain logic (no requests): the builder pages and any other caller use these functions.
A questionnaire may be edited freely until the study's main round starts collecting answers; a
pilot round may have run, since adjusting the questionnaire after a pilot is the point of a pilot
(seed 004, lines 293–295). Once a main round is collecting or closed, every edit is refused, so
that all respondents of a round answer the same questions and results stay comparable.

Question layout in the database:

- ``Section.position`` 0, 1, 2 … is the page order; ``Question.position`` 0, 1, 2 … the order on a
  page. Every function here keeps both gap-free.
- ``Question.options`` holds ``[{"key": ..., "label": ...}]``: for a scale item the five labels of
  its response scale (keys 1–5) frozen at build time, so a later bank version cannot change what a
  round asked; for a choice the option keys stored as answers. See :func:`answer_options`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from ledelsesrum.studies.models import Round, Study

from .bank import BankItem, ItemBank, load_bank
from .models import Question, Questionnaire, Section

SECONDS_PER_CLOSED_QUESTION = 7
SECONDS_PER_OPEN_QUESTION = 60
CUSTOM_PREFIX = "EGEN"
MAX_CUSTOM_OPTIONS = 30


class BuilderError(Exception):
    """An edit that cannot be made, with a Danish message for the analyst."""


# --------------------------------------------------------------------------------------------
# Locking


def editing_locked_reason(study: Study) -> str | None:
    """Why the questionnaire of ``study`` can no longer be edited, or None when it can."""
    started = study.rounds.filter(
        kind=Round.Kind.MAIN, status__in=[Round.Status.COLLECTING, Round.Status.CLOSED]
    ).exists()
    if started:
        return _(
            "Spørgeskemaet kan ikke længere ændres, fordi undersøgelsen er sendt ud og indsamler "
            "eller har indsamlet svar. Alle ledere skal svare på de samme spørgsmål."
        )
    return None


def ensure_editable(study: Study) -> None:
    reason = editing_locked_reason(study)
    if reason:
        raise BuilderError(reason)


# --------------------------------------------------------------------------------------------
# Creating from the bank


def create_questionnaire_from_bank(
    study: Study,
    *,
    scale_codes: Iterable[str] | None = None,
    bank: ItemBank | None = None,
    include_facts: bool = True,
    include_open_questions: bool = True,
) -> Questionnaire:
    """Create the questionnaire of ``study`` from the bank: facts first, scales grouped on pages
    as the bank's ``pages`` say, open questions last. ``scale_codes`` picks scales (default: all).

    Refuses (BuilderError) when the study already has a questionnaire.
    """
    bank = bank or load_bank()
    ensure_editable(study)
    if Questionnaire.objects.filter(study=study).exists():
        raise BuilderError(_("Undersøgelsen har allerede et spørgeskema."))
    if scale_codes is None:
        chosen = [s.code for s in bank.scales]
    else:
        chosen = list(dict.fromkeys(scale_codes))
        unknown = [code for code in chosen if bank.scale(code) is None]
        if unknown:
            raise BuilderError(_("Ukendte skalaer: %(codes)s.") % {"codes": ", ".join(unknown)})
    pages = _plan_pages(bank, set(chosen), include_facts, include_open_questions)
    if not any(items for _title, _intro, items in pages):
        raise BuilderError(_("Vælg mindst én skala eller ét spørgsmål."))
    fillers = _organisation_options(study)
    try:
        return _create(study, bank, pages, fillers)
    except IntegrityError:  # a concurrent request created it first
        raise BuilderError(_("Undersøgelsen har allerede et spørgeskema.")) from None


def _create(
    study: Study, bank: ItemBank, pages: list[tuple[str, str, list[BankItem]]], fillers: dict
) -> Questionnaire:
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            study=study,
            title=study.name,
            privacy_statement=_(
                "Dine svar vises aldrig enkeltvis i resultaterne. Resultater vises kun for grupper på mindst "
                "%(k)s ledere, og dine svar på de åbne spørgsmål læses kun af den, der "
                "gennemfører undersøgelsen."
            ) % {"k": study.anonymity_threshold},
            bank_version=bank.version[:40],
        )
        for position, (title, intro, items) in enumerate(p for p in pages if p[2]):
            section = Section.objects.create(
                questionnaire=questionnaire, title=title[:200], intro=intro, position=position
            )
            Question.objects.bulk_create([
                Question(questionnaire=questionnaire, section=section, position=n,
                         **question_fields(item, bank, fillers))
                for n, item in enumerate(items)
            ])
        questionnaire.intro = _(
            "Spørgeskemaet handler om dine vilkår for at udøve ledelse. Det tager omkring "
            "%(minutes)s minutter. Dine svar gemmes, hver gang du går videre til næste side, "
            "så du kan holde pause og fortsætte senere fra dit personlige link."
        ) % {"minutes": estimate_minutes(questionnaire.questions.all())}
        questionnaire.save(update_fields=["intro"])
    return questionnaire


def _plan_pages(
    bank: ItemBank, chosen: set[str], include_facts: bool, include_open: bool
) -> list[tuple[str, str, list[BankItem]]]:
    """(title, intro, items) per page in questionnaire order; pages may be empty."""
    head: list[tuple[str, str, list[BankItem]]] = []
    tail: list[tuple[str, str, list[BankItem]]] = []
    placed: set[str] = set()
    facts_placed = open_placed = False
    for page in bank.pages:
        items: list[BankItem] = []
        if page.facts:
            facts_placed = True
            if include_facts:
                items.extend(bank.facts)
        for code in page.scales:
            placed.add(code)
            if code in chosen:
                items.extend(bank.scale(code).items)
        if page.open_questions:
            open_placed = True
            if include_open:
                items.extend(bank.open_questions)
        (tail if page.open_questions and not page.scales else head).append((page.title, page.intro, items))
    if not facts_placed and include_facts and bank.facts:
        head.insert(0, (_("Om dig som leder"), "", list(bank.facts)))
    # Scales the bank's pages do not place (an instrument without pages): one page per theme.
    by_theme: dict[str, list[BankItem]] = {}
    for scale in bank.scales:
        if scale.code in chosen and scale.code not in placed:
            by_theme.setdefault(scale.subtheme[:1], []).extend(scale.items)
    for theme, items in by_theme.items():
        head.append((bank.themes.get(theme) or _("Tema %(n)s") % {"n": theme}, "", items))
    if not open_placed and include_open and bank.open_questions:
        tail.append((_("Med dine egne ord"), "", list(bank.open_questions)))
    return head + tail


def _organisation_options(study: Study) -> dict[str, list[dict]]:
    """Choices filled from the leader register: the areas and levels in the study's population."""
    try:
        from ledelsesrum.studies.population import population_for

        leaders = population_for(study)
    except ImportError:  # the population module is optional for building; fall back to all leaders
        from ledelsesrum.organisation.models import Leader

        leaders = Leader.objects.filter(active=True)
    result = {}
    for source, column in (("areas", "area"), ("levels", "level")):
        values = sorted({v.strip() for v in leaders.values_list(column, flat=True) if v and v.strip()})
        result[source] = [{"key": v, "label": v} for v in values]
    return result


def question_fields(
    item: BankItem, bank: ItemBank, fillers: dict[str, list[dict]] | None = None
) -> dict:
    """The Question field values for a bank item (without questionnaire, section, position)."""
    fields = {
        "code": item.code,
        "bank_code": item.code,
        "kind": item.kind,
        "text": item.text,
        "help_text": item.help_text,
        "scale_code": item.scale_code,
        "subtheme": item.subtheme,
        "reverse_scored": item.reverse,
        "sensitive": item.sensitive,
        "response_scale": "",
        "options": [],
        "allow_dont_know": False,
    }
    if item.kind == Question.Kind.SCALE:
        scale = bank.response_scales[item.response_scale]
        fields.update(
            response_scale=scale.key,
            options=[{"key": value, "label": label} for value, label in scale.choices(dont_know=False)],
            allow_dont_know=True,
        )
    elif item.kind == Question.Kind.CHOICE:
        options = list(item.options)
        if item.options_from:
            options = list((fillers or {}).get(item.options_from, []))
            if not options:
                # No register to fill the choice from: ask for a free answer instead.
                fields.update(kind=Question.Kind.OPEN)
        fields["options"] = options
    return fields


# --------------------------------------------------------------------------------------------
# Reading


def answer_options(question: Question) -> list[tuple[int | str, str]]:
    """(stored value, label) pairs a respondent chooses between, "Ved ikke" (0) last when allowed.

    Scale questions use the labels frozen on the question; older rows without them fall back to
    the bank's response scale.
    """
    if question.kind == Question.Kind.SCALE:
        bank = load_bank()
        pairs = [(o["key"], o["label"]) for o in question.options or []]
        rs = bank.response_scales.get(question.response_scale) or bank.response_scales["grad5"]
        if not pairs:
            pairs = rs.choices(dont_know=False)
        if question.allow_dont_know:
            pairs.append((0, rs.dont_know_label))
        return pairs
    if question.kind == Question.Kind.CHOICE:
        return [(o["key"], o["label"]) for o in question.options or []]
    return []


def estimate_seconds(questions: Iterable[Question]) -> int:
    """≈ 7 s per closed question (scale item, fact), 60 s per open question."""
    return sum(
        SECONDS_PER_OPEN_QUESTION if q.kind == Question.Kind.OPEN else SECONDS_PER_CLOSED_QUESTION
        for q in questions
    )


def estimate_bank_minutes(study: Study, bank: ItemBank | None = None) -> int:
    """Minutes the questionnaire built from the whole bank would take for ``study`` (a fact filled
    from an empty leader register becomes a free answer and counts as an open question)."""
    bank = bank or load_bank()
    fillers = _organisation_options(study)
    seconds = sum(
        SECONDS_PER_OPEN_QUESTION if question_fields(item, bank, fillers)["kind"] == Question.Kind.OPEN
        else SECONDS_PER_CLOSED_QUESTION
        for item in bank.all_items()
    )
    return _minutes(seconds)


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


def estimate_minutes(questions: Iterable[Question]) -> int:
    return _minutes(estimate_seconds(questions))


# --------------------------------------------------------------------------------------------
# Editing: questions


def add_bank_scale(
    questionnaire: Questionnaire,
    scale_code: str,
    *,
    section: Section | None = None,
    bank: ItemBank | None = None,
) -> list[Question]:
    """Add the scale's items not yet in the questionnaire, on ``section`` or on a new page."""
    bank = bank or load_bank()
    ensure_editable(questionnaire.study)
    scale = bank.scale(scale_code)
    if scale is None:
        raise BuilderError(_("Skalaen '%(code)s' findes ikke i spørgebanken.") % {"code": scale_code})
    existing = set(questionnaire.questions.values_list("code", flat=True))
    items = [i for i in scale.items if i.code not in existing]
    if not items:
        raise BuilderError(_("Alle spørgsmål fra skalaen '%(title)s' er allerede med.") % {"title": scale.title})
    with transaction.atomic():
        if section is None:
            section = add_section(questionnaire, scale.title, before_open_questions=True)
        start = _next_position(section)
        created = Question.objects.bulk_create([
            Question(questionnaire=questionnaire, section=section, position=start + n,
                     **question_fields(item, bank, _organisation_options(questionnaire.study)))
            for n, item in enumerate(items)
        ])
        _touch(questionnaire)
    return created


def add_bank_item(
    questionnaire: Questionnaire, item_code: str, section: Section, *, bank: ItemBank | None = None
) -> Question:
    """Add one question of the bank (scale item, fact or open question) at the end of ``section``."""
    bank = bank or load_bank()
    ensure_editable(questionnaire.study)
    _check_section(questionnaire, section)
    item = bank.item(item_code)
    if item is None:
        raise BuilderError(_("Spørgsmålet '%(code)s' findes ikke i spørgebanken.") % {"code": item_code})
    if questionnaire.questions.filter(code=item.code).exists():
        raise BuilderError(_("Spørgsmålet '%(code)s' er allerede med.") % {"code": item.code})
    with transaction.atomic():
        question = Question.objects.create(
            questionnaire=questionnaire, section=section, position=_next_position(section),
            **question_fields(item, bank, _organisation_options(questionnaire.study)),
        )
        _touch(questionnaire)
    return question


def add_custom_question(
    questionnaire: Questionnaire,
    section: Section,
    *,
    kind: str,
    text: str,
    help_text: str = "",
    options: Iterable[str] = (),
    response_scale: str = "grad5",
    reverse: bool = False,
    sensitive: bool = False,
    allow_dont_know: bool = True,
) -> Question:
    """Add the analyst's own question at the end of ``section`` with a generated code (EGEN01 …).

    ``options`` are the labels of a choice question (keys 1, 2, 3 … in the given order).
    """
    ensure_editable(questionnaire.study)
    _check_section(questionnaire, section)
    text = (text or "").strip()
    if not text:
        raise BuilderError(_("Skriv spørgsmålets tekst."))
    if kind not in Question.Kind.values:
        raise BuilderError(_("Ukendt spørgsmålstype '%(kind)s'.") % {"kind": kind})
    fields: dict = {"response_scale": "", "options": [], "allow_dont_know": False,
                    "reverse_scored": False, "sensitive": bool(sensitive)}
    if kind == Question.Kind.SCALE:
        rs = load_bank().response_scales.get(response_scale)
        if rs is None:
            raise BuilderError(_("Ukendt svarskala '%(key)s'.") % {"key": response_scale})
        fields.update(
            response_scale=rs.key, reverse_scored=bool(reverse), allow_dont_know=bool(allow_dont_know),
            options=[{"key": v, "label": label} for v, label in rs.choices(dont_know=False)],
        )
    elif kind == Question.Kind.CHOICE:
        labels = list(dict.fromkeys(o.strip() for o in options if o and o.strip()))
        if len(labels) < 2:
            raise BuilderError(_("Et spørgsmål med svarmuligheder skal have mindst to forskellige svarmuligheder."))
        if len(labels) > MAX_CUSTOM_OPTIONS:
            raise BuilderError(_("Højst %(n)s svarmuligheder.") % {"n": MAX_CUSTOM_OPTIONS})
        fields["options"] = [{"key": str(n), "label": label} for n, label in enumerate(labels, start=1)]
    with transaction.atomic():
        question = Question.objects.create(
            questionnaire=questionnaire, section=section, position=_next_position(section),
            code=next_custom_code(questionnaire), kind=kind, text=text,
            help_text=(help_text or "").strip(), **fields,
        )
        _touch(questionnaire)
    return question


def next_custom_code(questionnaire: Questionnaire) -> str:
    """EGEN01, EGEN02 …: one above the highest custom code in the questionnaire, so codes stay
    unique and in the order the questions were added."""
    highest = 0
    for code in questionnaire.questions.filter(code__startswith=CUSTOM_PREFIX).values_list("code", flat=True):
        suffix = code[len(CUSTOM_PREFIX):]
        if suffix.isdigit():
            highest = max(highest, int(suffix))
    return f"{CUSTOM_PREFIX}{highest + 1:02d}"


def update_question(question: Question, *, text: str, help_text: str = "") -> Question:
    ensure_editable(question.questionnaire.study)
    text = (text or "").strip()
    if not text:
        raise BuilderError(_("Spørgsmålets tekst må ikke være tom."))
    question.text = text
    question.help_text = (help_text or "").strip()
    question.save(update_fields=["text", "help_text"])
    _touch(question.questionnaire)
    return question


def remove_question(question: Question) -> None:
    ensure_editable(question.questionnaire.study)
    with transaction.atomic():
        section = question.section
        question.delete()
        _renumber_questions(section)
        _touch(section.questionnaire)


def move_question(question: Question, direction: str) -> bool:
    """Move one step "up" or "down"; past the top or bottom of a page it moves to the end of the
    previous page or the start of the next. Returns False when it is already first/last overall."""
    ensure_editable(question.questionnaire.study)
    if direction not in ("up", "down"):
        raise BuilderError(_("Ukendt retning."))
    with transaction.atomic():
        section = question.section
        _renumber_questions(section)
        question.refresh_from_db()
        siblings = list(section.questions.order_by("position", "id"))
        index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(siblings):
            other = siblings[target]
            question.position, other.position = other.position, question.position
            Question.objects.bulk_update([question, other], ["position"])
        else:
            sections = list(question.questionnaire.sections.order_by("position", "id"))
            s_index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
            s_target = s_index - 1 if direction == "up" else s_index + 1
            if not 0 <= s_target < len(sections):
                return False
            _move_to(question, sections[s_target], at_start=direction == "down")
        _touch(question.questionnaire)
    return True


def move_question_to_section(question: Question, section: Section) -> None:
    """Move the question to the end of another page of the same questionnaire."""
    ensure_editable(question.questionnaire.study)
    _check_section(question.questionnaire, section)
    if section.pk == question.section_id:
        return
    with transaction.atomic():
        _move_to(question, section, at_start=False)
        _touch(question.questionnaire)


def _move_to(question: Question, section: Section, *, at_start: bool) -> None:
    old = question.section
    if at_start:
        Question.objects.filter(section=section).update(position=F("position") + 1)
        question.position = 0
    else:
        question.position = _next_position(section)
    question.section = section
    question.save(update_fields=["section", "position"])
    _renumber_questions(old)
    _renumber_questions(section)


# --------------------------------------------------------------------------------------------
# Editing: sections (pages)


def add_section(
    questionnaire: Questionnaire, title: str, intro: str = "", *, before_open_questions: bool = False
) -> Section:
    """A new page at the end, or just before a final page holding only open questions."""
    ensure_editable(questionnaire.study)
    title = (title or "").strip()
    if not title:
        raise BuilderError(_("Skriv en overskrift til siden."))
    with transaction.atomic():
        sections = list(questionnaire.sections.order_by("position", "id"))
        position = len(sections)
        if before_open_questions and sections:
            last = sections[-1]
            kinds = set(last.questions.values_list("kind", flat=True))
            if kinds == {Question.Kind.OPEN}:
                position = len(sections) - 1
                last.position = len(sections)
                last.save(update_fields=["position"])
        section = Section.objects.create(
            questionnaire=questionnaire, title=title[:200], intro=(intro or "").strip(), position=position
        )
        _renumber_sections(questionnaire)
        _touch(questionnaire)
    section.refresh_from_db()
    return section


def rename_section(section: Section, *, title: str, intro: str = "") -> Section:
    ensure_editable(section.questionnaire.study)
    title = (title or "").strip()
    if not title:
        raise BuilderError(_("Siden skal have en overskrift."))
    section.title = title[:200]
    section.intro = (intro or "").strip()
    section.save(update_fields=["title", "intro"])
    _touch(section.questionnaire)
    return section


def move_section(section: Section, direction: str) -> bool:
    ensure_editable(section.questionnaire.study)
    if direction not in ("up", "down"):
        raise BuilderError(_("Ukendt retning."))
    with transaction.atomic():
        _renumber_sections(section.questionnaire)
        sections = list(section.questionnaire.sections.order_by("position", "id"))
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(sections):
            return False
        this, other = sections[index], sections[target]
        this.position, other.position = other.position, this.position
        Section.objects.bulk_update([this, other], ["position"])
        _touch(section.questionnaire)
    return True


def remove_section(section: Section) -> None:
    """Remove an empty page (a page with questions is refused, so nothing is lost by accident)."""
    ensure_editable(section.questionnaire.study)
    if section.questions.exists():
        raise BuilderError(_("Siden har stadig spørgsmål. Flyt eller fjern dem først."))
    with transaction.atomic():
        questionnaire = section.questionnaire
        section.delete()
        _renumber_sections(questionnaire)
        _touch(questionnaire)


# --------------------------------------------------------------------------------------------
# Importing a customer's instrument


def import_instrument(study: Study, instrument: ItemBank) -> Questionnaire:
    """Build the questionnaire from an imported instrument, or add the instrument's scales and
    questions to the existing questionnaire (one page per scale, before the open questions)."""
    ensure_editable(study)
    questionnaire = Questionnaire.objects.filter(study=study).first()
    if questionnaire is None:
        return create_questionnaire_from_bank(study, bank=instrument)
    existing = set(questionnaire.questions.values_list("code", flat=True))
    clashes = [i.code for i in instrument.all_items() if i.code in existing]
    if clashes:
        raise BuilderError(
            _("Spørgeskemaet har allerede spørgsmål med koderne %(codes)s. Giv instrumentets "
              "spørgsmål andre koder, eller fjern de eksisterende først.") % {"codes": ", ".join(clashes[:10])}
        )
    fillers = _organisation_options(study)
    with transaction.atomic():
        groups: list[tuple[str, list[BankItem]]] = []
        if instrument.facts:
            groups.append((_("Om dig som leder"), instrument.facts))
        groups += [(s.title, s.items) for s in instrument.scales]
        if instrument.open_questions:
            groups.append((_("Åbne spørgsmål"), instrument.open_questions))
        for title, items in groups:
            section = add_section(questionnaire, title, before_open_questions=True)
            Question.objects.bulk_create([
                Question(questionnaire=questionnaire, section=section, position=n,
                         **question_fields(item, instrument, fillers))
                for n, item in enumerate(items)
            ])
    return questionnaire


# --------------------------------------------------------------------------------------------
# Helpers


def _check_section(questionnaire: Questionnaire, section: Section) -> None:
    if section.questionnaire_id != questionnaire.pk:
        raise BuilderError(_("Siden hører ikke til dette spørgeskema."))


def _next_position(section: Section) -> int:
    highest = section.questions.aggregate(m=Max("position"))["m"]
    return 0 if highest is None else highest + 1


def _renumber_questions(section: Section) -> None:
    questions = list(Question.objects.filter(section=section).order_by("position", "id"))
    changed = []
    for n, q in enumerate(questions):
        if q.position != n:
            q.position = n
            changed.append(q)
    if changed:
        Question.objects.bulk_update(changed, ["position"])


def _renumber_sections(questionnaire: Questionnaire) -> None:
    sections = list(Section.objects.filter(questionnaire=questionnaire).order_by("position", "id"))
    changed = []
    for n, s in enumerate(sections):
        if s.position != n:
            s.position = n
            changed.append(s)
    if changed:
        Section.objects.bulk_update(changed, ["position"])


def _touch(questionnaire: Questionnaire) -> None:
    questionnaire.save(update_fields=["updated_at"])
