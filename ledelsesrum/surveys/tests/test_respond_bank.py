"""The respondent pages render and save a questionnaire built from the real item bank."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.surveys import answering
from ledelsesrum.surveys.builder import create_questionnaire_from_bank
from ledelsesrum.surveys.models import Question, Response

from .factories import make_invitation, make_leader, make_round, make_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank_survey():
    study = make_study()
    make_leader(area="Børn og unge", level="Decentral leder")
    make_leader(area="Ældre og sundhed", level="Afdelingsleder")
    questionnaire = create_questionnaire_from_bank(study)
    round = make_round(study)
    return questionnaire, make_invitation(round)


def test_every_page_of_the_bank_questionnaire_renders_its_questions(client, bank_survey):
    questionnaire, invitation = bank_survey
    pages = answering.pages_of(questionnaire)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        response = client.get(reverse("surveys:respond", kwargs={"token": invitation.token}) + f"?side={number}")
        body = response.content.decode()
        assert response.status_code == 200
        assert f"Side {number} af {len(pages)}" in body
        groups = [q for q in page.page_questions if q.kind in (Question.Kind.SCALE, Question.Kind.CHOICE)]
        assert body.count("<fieldset") == len(groups)
        for question in page.page_questions:
            assert f'name="q-{question.code}"' in body
    assert not Response.objects.exists()


def test_bank_facts_get_their_bounds_and_scale_labels_come_from_the_question(bank_survey):
    questionnaire, invitation = bank_survey
    years = questionnaire.questions.get(code="FAKTA_AAR")
    span = questionnaire.questions.get(code="FAKTA_SPAEND")
    assert answering.number_bounds(years) == (0, 60)
    assert answering.number_bounds(span) == (0, 2000)
    scale_item = questionnaire.questions.filter(kind=Question.Kind.SCALE).first()
    labels, dont_know = answering.scale_labels(scale_item)
    assert labels == [o["label"] for o in scale_item.options]
    assert dont_know == "Ved ikke / ikke relevant"


def test_a_whole_bank_page_of_scale_answers_is_saved(client, bank_survey):
    questionnaire, invitation = bank_survey
    pages = answering.pages_of(questionnaire)
    index = next(i for i, p in enumerate(pages) if all(q.kind == Question.Kind.SCALE for q in p.page_questions))
    data = {"page": str(index), "action": "next"}
    expected = {}
    for n, question in enumerate(pages[index].page_questions):
        value = n % 6  # 0 ("Ved ikke") .. 5
        data[f"q-{question.code}"] = str(value)
        expected[question.code] = value

    response = client.post(reverse("surveys:respond", kwargs={"token": invitation.token}), data)
    assert response.status_code == 302
    assert Response.objects.get(invitation=invitation).answers == expected
