import io

import pytest
from django.urls import reverse
from docx import Document

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.jobs.models import Job

from .builders import report_study


@pytest.fixture
def study(db):
    return report_study()["study"]


def test_analyst_reads_the_report_in_the_app(analyst_client, study):
    res = analyst_client.get(reverse("reports:view", kwargs={"study_id": study.pk}))
    assert res.status_code == 200
    body = res.content.decode()
    assert "Motivation og trivsel" in body and "Hent som PDF" in body
    assert "Leder B" not in body
    assert AuditEvent.objects.filter(action="report.view", study_id=study.pk).count() == 1


def test_board_reader_downloads_pdf_and_docx_and_each_download_is_audited(board_client, study):
    res = board_client.get(reverse("reports:download", kwargs={"study_id": study.pk, "fmt": "pdf"}))
    assert res.status_code == 200 and res.content.startswith(b"%PDF")
    assert res["Content-Type"] == "application/pdf"
    res = board_client.get(reverse("reports:download", kwargs={"study_id": study.pk, "fmt": "docx"}))
    assert res.status_code == 200
    assert Document(io.BytesIO(res.content)).tables
    formats = sorted(e.detail["format"] for e in AuditEvent.objects.filter(action="report.download"))
    assert formats == ["docx", "pdf"]


def test_a_pdf_in_the_background_ends_at_the_finished_file(analyst_client, study):
    url = reverse("reports:download", kwargs={"study_id": study.pk, "fmt": "pdf"}) + "?baggrund=1"
    res = analyst_client.get(url)
    job = Job.objects.get(study_id=study.pk)
    assert res.status_code == 302 and res.url == reverse("jobs:detail", kwargs={"pk": job.pk})
    from ledelsesrum.jobs.runner import execute

    job = execute(job)
    assert job.status == Job.Status.DONE, job.error
    res = analyst_client.get(job.result["next_url"])
    assert res.status_code == 200 and res.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="report.download", study_id=study.pk).count() == 2


def test_people_without_results_access_get_403(client, interviewer, study):
    client.force_login(interviewer)
    assert client.get(reverse("reports:view", kwargs={"study_id": study.pk})).status_code == 403
    assert client.get(reverse("reports:download", kwargs={"study_id": study.pk, "fmt": "pdf"})).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()


def test_an_unknown_format_is_404(analyst_client, study):
    res = analyst_client.get(reverse("reports:download", kwargs={"study_id": study.pk, "fmt": "odt"}))
    assert res.status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="report.").exists()
