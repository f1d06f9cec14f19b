import datetime as dt

import pytest

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.interviews.models import Interview
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.studies.retention import delete_study, expired_studies, purge_expired
from ledelsesrum.surveys.models import Invitation, Questionnaire, Response


def _study_with_data(name="Lederundersøgelse", retention=None):
    study = Study.objects.create(name=name, retention_until=retention)
    Questionnaire.objects.create(study=study, title="Skema")
    rnd = Round.objects.create(study=study, status=Round.Status.CLOSED)
    inv = Invitation.objects.create(round=rnd, token=None)
    Response.objects.create(round=rnd, invitation=inv, answers={"RAAD01": 2})
    Interview.objects.create(study=study)
    return study


@pytest.mark.django_db
def test_deleting_a_study_removes_every_answer_and_interview_and_logs_it():
    study = _study_with_data()
    other = _study_with_data("Anden undersøgelse")
    study_id = study.pk
    counts = delete_study(study)
    assert not Study.objects.filter(pk=study_id).exists()
    assert Response.objects.count() == 1 and Response.objects.get().round.study == other
    assert Interview.objects.filter(study=other).count() == 1
    assert Interview.objects.count() == 1
    assert counts["response"] == 1 and counts["interview"] == 1
    event = AuditEvent.objects.get(action="study.delete")
    assert event.study_id == study_id
    # The log keeps ids and counts, never the study's content.
    assert "Lederundersøgelse" not in str(event.detail)


@pytest.mark.django_db
def test_only_studies_past_their_retention_date_are_purged():
    today = dt.date(2027, 1, 10)
    expired = _study_with_data("Gammel", retention=dt.date(2027, 1, 9))
    due_today = _study_with_data("I dag", retention=today)
    kept = _study_with_data("Uden frist")
    assert list(expired_studies(today)) == [expired]
    expired_id = expired.pk
    assert purge_expired(today) == [expired_id]
    assert set(Study.objects.values_list("pk", flat=True)) == {due_today.pk, kept.pk}
    assert AuditEvent.objects.get(action="study.delete").detail["reason"] == "retention"
