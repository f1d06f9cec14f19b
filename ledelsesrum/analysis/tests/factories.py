"""Small rounds built straight through the models, for the results tests.

The suppression scenario of the issue: an area "Skole" with a parent unit and three schools of
4, 6 and 7 respondents (the 4 would be parent minus siblings), and an area "Ældre" with 12.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.surveys.models import Question, Questionnaire, Response, Section

ITEMS = [
    # code, scale, reverse, sensitive
    ("R1", "raaderum", False, False),
    ("R2", "raaderum", False, False),
    ("R3", "raaderum", True, False),
    ("T1", "tid", False, False),
    ("T2", "tid", False, False),
]


def make_study(*, k: int = 5, open_threshold: int = 10, sensitive: bool = False,
               name: str = "Ledervilkår 2025") -> Study:
    study = Study.objects.create(
        name=name, anonymity_threshold=k, open_text_threshold=open_threshold,
        sensitive_threshold=max(10, 2 * k),
    )
    q = Questionnaire.objects.create(study=study, title="Spørgeskema")
    sec = Section.objects.create(questionnaire=q, title="Side 1", position=0)
    for pos, (code, scale, rev, sens) in enumerate(ITEMS):
        Question.objects.create(
            questionnaire=q, section=sec, code=code, kind=Question.Kind.SCALE,
            text=f"Udsagn {code}", response_scale="grad5", scale_code=scale, subtheme="1d",
            reverse_scored=rev, sensitive=sens or (sensitive and code == "T2"), position=pos,
        )
    Question.objects.create(
        questionnaire=q, section=sec, code="AABEN1", kind=Question.Kind.OPEN,
        text="Hvad optager dig mest som leder?", position=100,
    )
    return study


def make_round(study: Study, status: str = Round.Status.CLOSED, number: int = 1) -> Round:
    return Round.objects.create(
        study=study, number=number, status=status,
        closed_at=timezone.now() if status == Round.Status.CLOSED else None,
    )


def add_responses(
    round: Round,
    unit: Unit | None,
    answers: Iterable[dict],
    *,
    area: str = "",
    level: str = "Institutionsleder",
    seniority_band: str = "3-5 år",
    span_band: str = "11-25",
    open_text: str | None = None,
) -> list[Response]:
    now = timezone.now()
    objs = []
    for a in answers:
        objs.append(Response(
            round=round, unit=unit, area=area, level=level, seniority_band=seniority_band,
            span_band=span_band, answers=dict(a),
            open_answers={"AABEN1": open_text} if open_text else {}, submitted_at=now,
        ))
    return Response.objects.bulk_create(objs)


def answers(value: int, n: int, **overrides: int) -> list[dict]:
    row = {code: value for code, *_ in ITEMS}
    row.update(overrides)
    return [dict(row) for _ in range(n)]


def suppression_scenario(k: int = 5) -> dict:
    """A closed round where the school of 4 could be worked out as parent minus siblings."""
    study = make_study(k=k)
    rnd = make_round(study)
    root = Unit.objects.create(name="Kommunen", kind=Unit.Kind.ORGANISATION)
    skole = Unit.objects.create(name="Skoleområdet", kind=Unit.Kind.OMRAADE, parent=root)
    small = Unit.objects.create(name="Lilleskolen", kind=Unit.Kind.TILBUD, parent=skole)
    mid = Unit.objects.create(name="Midtskolen", kind=Unit.Kind.TILBUD, parent=skole)
    big = Unit.objects.create(name="Storskolen", kind=Unit.Kind.TILBUD, parent=skole)
    aeldre = Unit.objects.create(name="Ældreområdet", kind=Unit.Kind.OMRAADE, parent=root)
    # The group of 4 answers 1,1,1,2 on every item: a distinctive mean of 1.25 (93.8 on 0–100).
    add_responses(rnd, small, answers(1, 3) + answers(2, 1), area="Skole")
    add_responses(rnd, mid, answers(3, 3) + answers(4, 3), area="Skole")
    add_responses(rnd, big, answers(2, 4) + answers(3, 3), area="Skole")
    add_responses(rnd, aeldre, answers(2, 6) + answers(3, 4) + answers(4, 2), area="Ældre")
    for name in ("Lise Lotte Hansen", "Bent Mikkelsen"):
        Leader.objects.create(name=name, email=f"{name.split()[0].lower()}@example.dk")
    return {"study": study, "round": rnd, "small": small, "mid": mid, "big": big,
            "skole": skole, "aeldre": aeldre, "root": root}
