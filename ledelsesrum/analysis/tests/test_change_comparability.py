"""Rounds stay comparable: once a main round has started, the questionnaire's scale items cannot
be changed — not through the builder and not through the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.studies.models import Round
from ledelsesrum.surveys import builder
from ledelsesrum.surveys.models import Question

from .factories import make_round, make_study


@pytest.fixture
def launched(db):
    study = make_study()
    make_round(study, status=Round.Status.COLLECTING)
    return study


def test_the_builder_refuses_edits_after_launch(launched):
    question = Question.objects.get(questionnaire__study=launched, code="R1")
    with pytest.raises(builder.BuilderError, match="kan ikke længere ændres"):
        builder.update_question(question, text="Ny tekst")
    with pytest.raises(builder.BuilderError):
        builder.remove_question(question)


def test_the_admin_refuses_to_move_an_item_to_another_scale_after_launch(launched, client,
                                                                         admin_user):
    """The admin shows questions read-only (the builder, with its lock, is the only editor)."""
    client.force_login(admin_user)
    question = Question.objects.get(questionnaire__study=launched, code="R1")
    url = reverse("admin:surveys_question_change", args=[question.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"questionnaire": question.questionnaire_id,
                                 "section": question.section_id, "scale_code": "tid",
                                 "options": "[]", "text": question.text})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.scale_code == "raaderum"
    delete = client.post(reverse("admin:surveys_question_delete", args=[question.pk]),
                         {"post": "yes"})
    assert delete.status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()
