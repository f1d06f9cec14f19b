"""The notes import parses each staged file once: every preview load, the confirmation and the job
read the kept result (issue 10: a crafted .docx cost the web process on every reload)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.interviews import importer, staging
from ledelsesrum.interviews.models import InterviewNote
from ledelsesrum.jobs.models import Job

from .helpers import docx_bytes, make_interview

HANNE_DOCX = docx_bytes(
    ("p", "Samtale med Hanne på skolen."),
    ("h2", "Tid til ledelse"),
    ("p", "Hanne bruger for meget tid på drift."),
)
JENS_TXT = "Jens er glad for sit job.\n\nØkonomi\nBudgettet er stramt.\n".encode("cp1252")


@pytest.fixture
def parses(monkeypatch):
    """Count calls of the real parser (its result is untouched)."""
    calls: list[str] = []
    real = importer.read_note_file

    def counting(filename, data, **kwargs):
        calls.append(filename)
        return real(filename, data, **kwargs)

    monkeypatch.setattr(importer, "read_note_file", counting)
    return calls


def _upload(client, study, *files):
    response = client.post(
        reverse("interviews:import", kwargs={"study_id": study.pk}),
        {"files": [SimpleUploadedFile(name, data) for name, data in files]},
    )
    assert response.status_code == 302
    return response.url


@pytest.mark.django_db
def test_reloading_the_preview_and_importing_parse_each_file_once(
    analyst_client, study, hanne, jens, analyst, parses, django_capture_on_commit_callbacks
):
    hanne_iv, jens_iv = make_interview(study, hanne, analyst), make_interview(study, jens, analyst)
    preview = _upload(analyst_client, study, ("hanne_boegh_madsen.docx", HANNE_DOCX), ("jo@kommune.dk.txt", JENS_TXT))
    pages = [analyst_client.get(preview).content.decode() for _ in range(5)]
    assert all("3b) Tid til ledelse" in p and "2e) Økonomi" in p for p in pages)
    assert sorted(parses) == ["hanne_boegh_madsen.docx", "jo@kommune.dk.txt"]

    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(preview, {"interview_0": hanne_iv.pk, "interview_1": jens_iv.pk})
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.error
    # Neither the confirmation nor the job parsed again: they imported what the preview showed.
    assert len(parses) == 2
    assert InterviewNote.objects.filter(interview=hanne_iv, theme_id="3b").exists()
    assert InterviewNote.objects.filter(interview=jens_iv, theme_id="2e").exists()
    assert list(staging.base_dir().iterdir()) == []


@pytest.mark.django_db
def test_a_kept_result_that_does_not_fit_is_parsed_again(analyst_client, study, hanne, analyst, parses):
    make_interview(study, hanne, analyst)
    preview = _upload(analyst_client, study, ("hanne_boegh_madsen.docx", HANNE_DOCX))
    analyst_client.get(preview)
    token = preview.rstrip("/").split("/")[-1]
    result = next(p for p in staging.base_dir().joinpath(token).iterdir() if p.name.endswith(".notes.json"))
    assert oct(result.stat().st_mode & 0o777) == "0o600"
    result.write_text("{broken", encoding="utf-8")
    assert "3b) Tid til ledelse" in analyst_client.get(preview).content.decode()
    assert len(parses) == 2  # re-parsed, no error
    analyst_client.get(preview)
    assert len(parses) == 2  # and kept again


@pytest.mark.django_db
def test_an_unreadable_file_is_refused_once_and_not_kept(analyst_client, study, hanne, analyst, parses):
    make_interview(study, hanne, analyst)
    preview = _upload(analyst_client, study, ("hanne.docx", b"PK\x03\x04 not really a docx"))
    page = analyst_client.get(preview)
    assert "Intet er importeret" in page.content.decode()
    # The batch can never be imported as it is: its personal data is not kept.
    assert list(staging.base_dir().iterdir()) == []


@pytest.mark.django_db
def test_cancel_deletes_the_staged_files(analyst_client, study, hanne, analyst):
    make_interview(study, hanne, analyst)
    preview = _upload(analyst_client, study, ("hanne_boegh_madsen.docx", HANNE_DOCX))
    analyst_client.get(preview)
    response = analyst_client.post(preview, {"cancel": "1"})
    assert response.status_code == 302
    assert list(staging.base_dir().iterdir()) == []
    assert not InterviewNote.objects.exists()
