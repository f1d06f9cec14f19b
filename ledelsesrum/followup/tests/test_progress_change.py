"""Each action beside the overall change in the scales it was meant to move."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ledelsesrum.analysis.tests.factories import add_responses, answers, make_round, make_study
from ledelsesrum.followup import decisions
from ledelsesrum.followup.progress import NO_NEW_MEASUREMENT, NOT_MEASURED, action_scale_changes
from ledelsesrum.surveys.models import Question


@pytest.fixture
def measured(db):
    """A study whose questionnaire holds the bank scales RAADERUM and TID, one closed round."""
    study = make_study(k=5)
    Question.objects.filter(questionnaire__study=study, scale_code="raaderum").update(
        scale_code="RAADERUM")
    Question.objects.filter(questionnaire__study=study, scale_code="tid").update(scale_code="TID")
    r1 = make_round(study, number=1)
    add_responses(r1, None, answers(3, 10) + answers(4, 10), area="Skole")
    rec = decisions.add_recommendation(study, subtheme="1d", text="Giv lederne mere råderum.")
    decisions.record_decision(rec, outcome="adopted")
    action = decisions.add_action(rec, title="Færre rapporteringskrav", owner_name="Direktionen",
                                  status="in_progress",
                                  scale_codes=["RAADERUM", "NETVAERK"])
    return study, action


def _second_round(study):
    r2 = make_round(study, number=2)
    # Every item answered better; R3 is reverse-scored, so it moves the other way on 1..5.
    add_responses(r2, None, answers(1, 10, R3=5) + answers(2, 10, R3=4), area="Skole")
    return r2


def _action_block(html: str, action) -> str:
    start = html.index(action.title)
    return html[start:html.index("</tr>", start)]


def test_with_one_round_the_action_says_no_new_measurement_yet(measured, board_client):
    study, action = measured
    changes = action_scale_changes(study, [action])[action.pk]
    assert [c.status for c in changes] == [NO_NEW_MEASUREMENT, NO_NEW_MEASUREMENT]
    html = board_client.get(reverse("followup:overview", args=[study.pk])).content.decode()
    block = _action_block(html, action)
    assert block.count("ingen ny måling endnu") == 2
    assert "Råderum og indflydelse" in block


def test_with_two_rounds_the_action_stands_beside_its_scale_change(measured, board_client):
    study, action = measured
    _second_round(study)
    changes = {c.code: c for c in action_scale_changes(study, [action])[action.pk]}
    raaderum = changes["RAADERUM"]
    assert raaderum.status == "better" and raaderum.delta > 30
    assert (raaderum.from_round, raaderum.to_round) == (1, 2)
    assert changes["NETVAERK"].status == NOT_MEASURED

    response = board_client.get(reverse("followup:overview", args=[study.pk]))
    assert response.status_code == 200
    block = _action_block(response.content.decode(), action)
    line = re.search(r'data-scale="RAADERUM".*?</li>', block, re.S).group(0)
    assert "Tydelig forbedring" in line and "↑" in line
    assert f"+{raaderum.delta_text[1:]}" in line and "runde 1" in line and "runde 2" in line
    assert "skalaen indgår ikke i spørgeskemaet" in block


def test_a_withheld_total_gives_no_number_beside_the_action(db, board_client):
    study = make_study(k=5)
    Question.objects.filter(questionnaire__study=study, scale_code="raaderum").update(
        scale_code="RAADERUM")
    r1 = make_round(study, number=1)
    add_responses(r1, None, answers(3, 2) + answers(4, 2), area="Skole")  # 4 < k
    r2 = make_round(study, number=2)
    add_responses(r2, None, answers(1, 5) + answers(2, 5), area="Skole")
    rec = decisions.add_recommendation(study, subtheme="1d", text="Mere råderum.")
    decisions.record_decision(rec, outcome="adopted")
    action = decisions.add_action(rec, title="Lokal budgetfrihed", owner_name="Økonomi",
                                  scale_codes=["RAADERUM"])
    [change] = action_scale_changes(study, [action])[action.pk]
    assert change.status == "withheld" and change.delta is None
    html = board_client.get(reverse("followup:overview", args=[study.pk])).content.decode()
    line = re.search(r'data-scale="RAADERUM".*?</li>', _action_block(html, action), re.S).group(0)
    assert "Skjult i en af runderne" in line
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", line))
