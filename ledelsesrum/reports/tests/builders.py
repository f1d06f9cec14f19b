"""A small study for the report tests: a closed round (the school-of-4 suppression scenario),
a few interviews and coded meaning units, one chosen essence and one recommendation."""

from __future__ import annotations

from ledelsesrum.analysis.tests.factories import add_responses, answers, suppression_scenario
from ledelsesrum.coding.models import MeaningUnit, SubthemeEssence
from ledelsesrum.followup.models import Recommendation
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.organisation.models import Leader

STATEMENT = "Jeg savner mere råderum over budgettet, siger [Leder B], og mere tid til faglig ledelse."


def report_study() -> dict:
    scenario = suppression_scenario(k=5)
    study = scenario["study"]
    study.purpose = "At få viden om ledernes vilkår."
    study.research_questions = ["Hvordan oplever lederne vilkårene?", "Hvad vil de forbedre?"]
    study.save()
    # A separate area of only 4 respondents: its scale score must never be printed.
    add_responses(scenario["round"], scenario["small"], answers(1, 4), area="Småområdet")
    leaders = [Leader.objects.create(name=f"Leder Nummer{i}", email=f"l{i}@example.dk") for i in range(4)]
    for i, leader in enumerate(leaders):
        status = Interview.Status.DONE if i < 3 else Interview.Status.PLANNED
        interview = Interview.objects.create(study=study, leader=leader, status=status)
        if status != Interview.Status.DONE:
            continue
        note = InterviewNote.objects.create(interview=interview, text=STATEMENT)
        MeaningUnit.objects.create(
            study=study, interview_note=note, leader=leader, source_key=f"note:{note.pk}",
            text=STATEMENT, code="1d",
        )
    # An open answer coded to 2b: only one voice, below the open-text threshold.
    MeaningUnit.objects.create(study=study, response_id=999, question_code="AABEN1",
                               source_key="answer:999:AABEN1", text="Hemmeligt fritekstsvar om tilsyn.",
                               code="2b")
    SubthemeEssence.objects.create(study=study, code="1d", essence="Lederne ønsker mere råderum.")
    Recommendation.objects.create(study=study, subtheme="1d", text="Giv lederne et eget budget.", position=1)
    return scenario
