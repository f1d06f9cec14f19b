"""Small builders for survey tests, straight through the models (no dependency on the builder or
on studies.rounds, which other modules own)."""

from __future__ import annotations

import itertools
import secrets

from django.utils import timezone

from ledelsesrum.organisation.models import Leader, Unit
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.surveys.models import Invitation, Question, Questionnaire, Response, Section

_counter = itertools.count(1)

YEARS_OPTIONS = {"min": 0, "max": 60}


def make_study(name: str = "Lederundersøgelse 2026", k: int = 5) -> Study:
    return Study.objects.create(name=name, anonymity_threshold=k)


def make_questionnaire(study: Study, pages: int = 4) -> Questionnaire:
    """A questionnaire of ``pages`` pages (at least 3):

    1. "Om dig": ``F_AAR`` (number, years), ``F_UDD`` (choice);
    2.. n-1. "Ledelsesrum k": three scale items ``S{k}_1..3``;
    n. "Dine ord": ``AABEN1`` (open).
    """
    assert pages >= 3
    questionnaire = Questionnaire.objects.create(study=study, title="Spørgeskema om dine vilkår som leder")
    facts = Section.objects.create(questionnaire=questionnaire, title="Om dig", position=0)
    Question.objects.create(
        questionnaire=questionnaire, section=facts, code="F_AAR", kind=Question.Kind.NUMBER,
        text="Hvor mange år har du været leder?", position=0, options=YEARS_OPTIONS,
    )
    Question.objects.create(
        questionnaire=questionnaire, section=facts, code="F_UDD", kind=Question.Kind.CHOICE,
        text="Hvilken lederuddannelse har du?", position=1,
        options=[
            {"key": "ingen", "label": "Ingen formel lederuddannelse"},
            {"key": "diplom", "label": "Diplomuddannelse i ledelse"},
            {"key": "master", "label": "Master i ledelse"},
        ],
    )
    for page in range(1, pages - 1):
        section = Section.objects.create(
            questionnaire=questionnaire, title=f"Ledelsesrum {page}", position=page
        )
        for item in range(1, 4):
            Question.objects.create(
                questionnaire=questionnaire, section=section, code=f"S{page}_{item}",
                kind=Question.Kind.SCALE, response_scale="grad5", scale_code=f"LR{page}",
                text=f"Jeg har indflydelse på beslutninger om emne {page}.{item}",
                position=item,
            )
    last = Section.objects.create(questionnaire=questionnaire, title="Dine ord", position=pages - 1)
    Question.objects.create(
        questionnaire=questionnaire, section=last, code="AABEN1", kind=Question.Kind.OPEN,
        text="Hvad optager dig mest som leder lige nu?", position=0,
    )
    return questionnaire


def make_unit(name: str, parent: Unit | None = None) -> Unit:
    return Unit.objects.create(name=name, parent=parent)


def make_leader(unit: Unit | None = None, name: str | None = None, **fields) -> Leader:
    n = next(_counter)
    return Leader.objects.create(
        name=name or f"Leder {n}", email=fields.pop("email", f"leder{n}@kommune.dk"), unit=unit,
        area=fields.pop("area", "Ældre og sundhed"), level=fields.pop("level", "Decentral leder"),
        **fields,
    )


def make_round(
    study: Study, status: str = Round.Status.COLLECTING, kind: str = Round.Kind.MAIN, number: int = 1,
    closes_on=None,
) -> Round:
    return Round.objects.create(
        study=study, status=status, kind=kind, number=number,
        launched_at=timezone.now() if status != Round.Status.DRAFT else None,
        closes_on=closes_on,
    )


def make_invitation(round: Round, leader: Leader | None = None, **fields) -> Invitation:
    leader = leader or make_leader()
    return Invitation.objects.create(
        round=round, leader=leader, token=fields.pop("token", secrets.token_urlsafe(32)),
        unit=fields.pop("unit", leader.unit), area=fields.pop("area", leader.area),
        level=fields.pop("level", leader.level), seniority_band=fields.pop("seniority_band", "3-5 år"),
        span_band=fields.pop("span_band", "11-25"), education=fields.pop("education", "diplom"),
        **fields,
    )


def survey(pages: int = 4, k: int = 5, **round_fields):
    """A study with a questionnaire, a collecting round and one invitation: (round, invitation)."""
    study = make_study(k=k)
    make_questionnaire(study, pages=pages)
    round = make_round(study, **round_fields)
    return round, make_invitation(round)


def close(round: Round) -> None:
    """Close a round the way studies.rounds.close_round does (used if that is not available)."""
    try:
        from ledelsesrum.studies.rounds import close_round
    except ImportError:
        close_round = None
    if close_round is not None:
        close_round(round)
        return
    round.status = Round.Status.CLOSED
    round.closed_at = timezone.now()
    round.save(update_fields=["status", "closed_at"])
    Response.objects.filter(round=round).update(invitation=None)
    Invitation.objects.filter(round=round).update(token=None)
