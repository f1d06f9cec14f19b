"""Helpers that build leaders and questionnaires through the models, so the studies tests need
no other app's code."""

from __future__ import annotations

import itertools

from ledelsesrum.organisation.models import Leader

_emails = itertools.count(1)


def make_leader(unit=None, *, area="", level="", years=None, span=None, education="", active=True, name=None):
    number = next(_emails)
    return Leader.objects.create(
        name=name or f"Leder {number}",
        email=f"leder{number}@example.dk",
        unit=unit,
        area=area,
        level=level,
        years_as_leader=years,
        span_of_control=span,
        leadership_education=education,
        active=active,
    )


def make_leaders(count, unit=None, **kwargs):
    return [make_leader(unit, **kwargs) for _ in range(count)]


def add_questionnaire(study, *, questions=1):
    from ledelsesrum.surveys.models import Question, Questionnaire, Section

    questionnaire = Questionnaire.objects.create(study=study, title="Vilkår for ledelse")
    section = Section.objects.create(questionnaire=questionnaire, title="Råderum")
    for i in range(questions):
        Question.objects.create(
            questionnaire=questionnaire, section=section, code=f"q{i + 1}",
            text="Jeg har indflydelse på mine rammer.", response_scale="grad5",
        )
    return questionnaire


