"""The database side of inter-coder agreement and emerging themes; views stay thin.

Agreement: the analyst draws a sample of coded units for a second coder, stratified by sub-theme
so rare codes are represented too; the second coder codes it blind (no first code, no
suggestions); the first code (``MeaningUnit.code``) and the second (``SecondCoding.code``) are then
compared with the pure engine in ``agreement``. Emerging themes: the engine's ``find_emerging`` on
all units of the study with the study's suggester.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ledelsesrum.accounts import roles
from ledelsesrum.studies.models import Study

from . import workspace
from .agreement import AgreementReport, compare
from .emerging import find_emerging
from .models import MeaningUnit, SecondCoding

DEFAULT_FRACTION = 0.2


def eligible_coders(study: Study):
    """Users who may second-code: analysts and interviewers."""
    return (
        get_user_model().objects.filter(is_active=True, groups__name__in=[roles.ANALYST, roles.INTERVIEWER])
        .distinct()
        .order_by("username")
    )


def suggested_coder(study: Study, coders) -> int | None:
    """The coder to offer first: the one who made the fewest first codes in the study (the
    person who coded everything is the one coder who cannot be the second)."""
    from django.db.models import Count

    coders = list(coders)
    if not coders:
        return None
    firsts = dict(
        MeaningUnit.objects.filter(study=study, coded_by__isnull=False).exclude(code="")
        .values_list("coded_by").annotate(n=Count("id")).values_list("coded_by", "n")
    )
    return min(coders, key=lambda c: (firsts.get(c.pk, 0), c.get_username())).pk


def draw_sample(study: Study, coder, *, fraction: float = DEFAULT_FRACTION, seed: int | None = None) -> list[SecondCoding]:
    """Draw ``fraction`` of the coded units per sub-theme (at least one per sub-theme) for ``coder``.

    Reproducible: the same study, coder, fraction and seed give the same units. Units the coder
    coded first are left out (nobody agrees with themselves); open answers are left out for a
    coder who may not read them. Units the coder has already second-coded are kept; the coder's
    pending (uncoded) units are replaced by the new draw.
    """
    if not 0 < fraction <= 1:
        raise ValueError("Andelen skal være mellem 1 og 100 %.")
    with transaction.atomic():
        SecondCoding.objects.filter(unit__study=study, coder=coder, code="").delete()
        done = set(SecondCoding.objects.filter(unit__study=study, coder=coder).values_list("unit_id", flat=True))
        qs = MeaningUnit.objects.filter(study=study).exclude(code="").exclude(coded_by=coder)
        if not roles.can_read_open_answers(coder):
            qs = qs.filter(interview_note__isnull=False)
        strata: dict[str, list[int]] = {}
        for pk, code in qs.order_by("id").values_list("id", "code"):
            strata.setdefault(code, []).append(pk)
        rng = random.Random(f"{study.pk}:{coder.pk}:{fraction}:{seed if seed is not None else 0}")
        chosen: list[int] = []
        for code in sorted(strata):
            ids = strata[code]
            n = min(len(ids), max(1, math.ceil(fraction * len(ids) - 1e-9)))
            chosen += [i for i in rng.sample(ids, n) if i not in done]
        SecondCoding.objects.bulk_create(SecondCoding(unit_id=i, coder=coder) for i in chosen)
    return list(SecondCoding.objects.filter(unit__study=study, coder=coder, code="").select_related("unit"))


def empty_sample_reason(study: Study, coder) -> str:
    """Why :func:`draw_sample` found nothing for ``coder``, in Danish (the real reason)."""
    from django.utils.translation import gettext as _

    coded = MeaningUnit.objects.filter(study=study).exclude(code="")
    if not coded.exists():
        return _("Der er ingen kodede enheder endnu. Kod nogle enheder først, og udtræk så en stikprøve.")
    others = coded.exclude(coded_by=coder)
    if not others.exists():
        return _("Alle kodede enheder er kodet af %(coder)s selv, og ingen kan være enig med sig selv. "
                 "Vælg en anden koder.") % {"coder": coder.get_username()}
    if not roles.can_read_open_answers(coder) and not others.filter(interview_note__isnull=False).exists():
        return _("De kodede enheder er åbne svar, som %(coder)s ikke må læse. Vælg en koder med rollen "
                 "analytiker.") % {"coder": coder.get_username()}
    return _("%(coder)s har allerede andenkodet alle de enheder, der kan udtrækkes.") % {"coder": coder.get_username()}


def pending(study: Study, coder):
    """The coder's sampled units still to be coded, in text order."""
    return SecondCoding.objects.filter(unit__study=study, coder=coder, code="").select_related("unit")


def assigned(study: Study, coder):
    return SecondCoding.objects.filter(unit__study=study, coder=coder)


def save_second_code(second: SecondCoding, code: str) -> SecondCoding:
    codebook = workspace.codebook_for(second.unit.study)
    if code not in codebook:
        raise ValueError(f"Ukendt undertema: {code}")
    second.code = code
    second.coded_at = timezone.now()
    second.save(update_fields=["code", "coded_at"])
    return second


@dataclass(frozen=True)
class DisagreementRow:
    unit_id: int
    text: str
    first: str  # "1a Label"
    second: str


@dataclass(frozen=True)
class CoderProgress:
    coder_id: int
    coder: str
    drawn: int
    coded: int


@dataclass(frozen=True)
class CoderAgreement:
    coder_id: int
    coder: str
    report: AgreementReport
    per_code: list[tuple[str, str, dict[str, float]]]  # (code, label, scores)
    disagreements: list[DisagreementRow]


def progress(study: Study) -> list[CoderProgress]:
    out: dict[int, list] = {}
    for coder_id, username, code in SecondCoding.objects.filter(unit__study=study).values_list(
        "coder_id", "coder__username", "code"
    ):
        row = out.setdefault(coder_id, [username, 0, 0])
        row[1] += 1
        row[2] += bool(code)
    return [CoderProgress(cid, name, drawn, coded) for cid, (name, drawn, coded) in sorted(out.items())]


def agreement(study: Study) -> list[CoderAgreement]:
    """One agreement report per second coder over the units both coders have coded."""
    codebook = workspace.codebook_for(study)

    def label(code: str | None) -> str:
        if not code:
            return "–"
        return f"{code} {codebook.get(code).label}" if code in codebook else code

    pairs: dict[int, list[SecondCoding]] = {}
    names: dict[int, str] = {}
    for second in (
        SecondCoding.objects.filter(unit__study=study).exclude(code="").exclude(unit__code="")
        .select_related("unit", "coder").order_by("coder_id", "unit_id")
    ):
        pairs.setdefault(second.coder_id, []).append(second)
        names[second.coder_id] = second.coder.get_username()
    out = []
    for coder_id, seconds in sorted(pairs.items()):
        first = {str(s.unit_id): s.unit.code for s in seconds}
        other = {str(s.unit_id): s.code for s in seconds}
        codes = [c for c in codebook.code_ids if c in set(first.values()) | set(other.values())]
        codes += sorted((set(first.values()) | set(other.values())) - set(codes))
        report = compare(first, other, codes)
        texts = {str(s.unit_id): s.unit.text for s in seconds}
        out.append(
            CoderAgreement(
                coder_id, names[coder_id], report,
                [(c, label(c), report.per_code[c]) for c in codes],
                [DisagreementRow(int(d.unit_id), texts[d.unit_id], label(d.code_a), label(d.code_b))
                 for d in report.disagreements],
            )
        )
    return out


@dataclass(frozen=True)
class EmergingCandidate:
    key_terms: tuple[str, ...]
    examples: tuple[str, ...]
    unit_ids: tuple[int, ...]
    uncoded: int  # members without a code yet


def emerging(study: Study, **options) -> list[EmergingCandidate]:
    """Candidate new themes among the study's units (largest first); ``options`` go to the engine."""
    units = list(MeaningUnit.objects.filter(study=study).order_by("id").values_list("id", "text", "code"))
    if not units:
        return []
    suggester = workspace.get_suggester(study)
    candidates = find_emerging(suggester, [t for _i, t, _c in units], **options)
    return [
        EmergingCandidate(
            c.key_terms, c.examples, tuple(units[m][0] for m in c.members),
            sum(1 for m in c.members if not units[m][2]),
        )
        for c in candidates
    ]
