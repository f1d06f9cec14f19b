"""Web import of notes: upload several files → preview (matched, counted) → confirm → job."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.interviews import staging
from ledelsesrum.interviews.models import InterviewNote, PseudonymKey
from ledelsesrum.jobs.models import Job

from .helpers import docx_bytes, make_interview

HANNE_DOCX = docx_bytes(
    ("p", "Samtale med Hanne på skolen."),
    ("h2", "Tid til ledelse"),
    ("p", "Hanne bruger for meget tid på drift og ringer til Kirsten Holm på 23 45 67 89."),
)
JENS_TXT = "Jens er glad for sit job.\n\nØkonomi\nBudgettet er stramt.\n".encode("cp1252")


def _upload(client, study, *files):
    return client.post(
        reverse("interviews:import", kwargs={"study_id": study.pk}),
        {"files": [SimpleUploadedFile(name, data) for name, data in files]},
    )


@pytest.fixture
def two_interviews(study, hanne, jens, analyst):
    return make_interview(study, hanne, analyst), make_interview(study, jens, analyst)


@pytest.mark.django_db
def test_upload_shows_a_preview_with_matches_themes_and_counts_and_saves_nothing(analyst_client, study, two_interviews):
    hanne_iv, jens_iv = two_interviews
    response = _upload(analyst_client, study, ("hanne_boegh_madsen.docx", HANNE_DOCX), ("jo@kommune.dk.txt", JENS_TXT))
    assert response.status_code == 302
    html = analyst_client.get(response.url).content.decode()
    assert "3b) Tid til ledelse" in html and "2e) Økonomi" in html
    assert f'<option value="{hanne_iv.pk}" selected>' in html
    assert f'<option value="{jens_iv.pk}" selected>' in html
    assert '<td class="num">4</td>' in html  # Hanne ×2, Kirsten Holm, the phone number
    assert not InterviewNote.objects.exists() and not PseudonymKey.objects.exists()
    assert len(list(staging.base_dir().iterdir())) == 1


@pytest.mark.django_db
def test_confirm_imports_all_files_in_a_job_pseudonymised(
    analyst_client, study, two_interviews, django_capture_on_commit_callbacks
):
    hanne_iv, jens_iv = two_interviews
    preview = _upload(analyst_client, study, ("hanne_boegh_madsen.docx", HANNE_DOCX), ("jo@kommune.dk.txt", JENS_TXT)).url
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(preview, {"interview_0": hanne_iv.pk, "interview_1": jens_iv.pk})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.status == Job.Status.DONE, job.error
    assert job.result["files"] == 2 and job.result["notes"] == 4
    assert job.result["next_url"] == reverse("interviews:register", kwargs={"study_id": study.pk})
    summary = InterviewNote.objects.get(interview=hanne_iv, theme_id="3b")
    assert summary.text == "[Leder A] bruger for meget tid på drift og ringer til [Person 1] på [Telefon 1]."
    assert summary.source == "import" and summary.original_filename == "hanne_boegh_madsen.docx"
    assert InterviewNote.objects.get(interview=jens_iv, theme_id="2e").text == "Budgettet er stramt."
    assert InterviewNote.objects.get(interview=jens_iv, kind="notes").text == "[Leder B] er glad for sit job."
    assert list(staging.base_dir().iterdir()) == []
    assert AuditEvent.objects.filter(action="interviews.import.confirm").count() == 1
    run = AuditEvent.objects.get(action="interviews.import.run")
    assert run.detail["interview_ids"] == sorted([hanne_iv.pk, jens_iv.pk])


@pytest.mark.django_db
def test_a_double_confirm_imports_once(analyst_client, study, two_interviews, django_capture_on_commit_callbacks):
    hanne_iv, _ = two_interviews
    preview = _upload(analyst_client, study, ("hanne.docx", HANNE_DOCX)).url
    with django_capture_on_commit_callbacks(execute=True):
        first = analyst_client.post(preview, {"interview_0": hanne_iv.pk})
        second = analyst_client.post(preview, {"interview_0": hanne_iv.pk})
    assert first.url == second.url
    assert Job.objects.count() == 1
    assert InterviewNote.objects.filter(interview=hanne_iv).count() == 2
    assert InterviewNote.objects.get(interview=hanne_iv, kind="notes").version == 1


@pytest.mark.django_db
def test_a_file_without_a_chosen_interview_blocks_the_import(analyst_client, study, two_interviews):
    preview = _upload(analyst_client, study, ("interview_17.txt", JENS_TXT)).url
    response = analyst_client.post(preview, {"interview_0": ""})
    assert response.status_code == 400
    assert "interview_17.txt: vælg det interview, filen hører til." in response.content.decode()
    assert not Job.objects.exists() and not InterviewNote.objects.exists()


@pytest.mark.django_db
def test_one_broken_file_stops_the_whole_import(analyst_client, study, two_interviews):
    hanne_iv, _ = two_interviews
    preview = _upload(analyst_client, study, ("hanne.docx", HANNE_DOCX), ("jens.docx", b"PK\x03\x04rod")).url
    html = analyst_client.get(preview).content.decode()
    assert "jens.docx: filen kunne ikke læses som Word-dokument (.docx)" in html
    assert "Intet er importeret." in html
    # The batch was deleted when the preview found the broken file (no personal data kept for an
    # import that cannot run): confirming sends the user back to choose the files again.
    response = analyst_client.post(preview, {"interview_0": hanne_iv.pk, "interview_1": hanne_iv.pk})
    assert response.status_code == 302
    assert response.url == reverse("interviews:import", kwargs={"study_id": study.pk})
    assert not Job.objects.exists() and not InterviewNote.objects.exists()


@pytest.mark.django_db
def test_an_empty_file_and_a_wrong_type_are_explained(analyst_client, study, two_interviews):
    preview = _upload(analyst_client, study, ("tom.txt", b""), ("noter.pdf", b"%PDF-1.4")).url
    html = analyst_client.get(preview).content.decode()
    assert "tom.txt: filen er tom." in html
    assert "noter.pdf: filtypen .pdf kan ikke importeres. Brug .txt, .md eller .docx." in html


@pytest.mark.django_db
def test_an_oversize_upload_is_refused_with_a_danish_message(analyst_client, study, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = _upload(analyst_client, study, ("stor.txt", b"a" * 5000))
    assert response.status_code == 413
    assert not list(staging.base_dir().iterdir())


@pytest.mark.django_db
def test_import_appends_to_what_the_interview_already_holds(
    analyst_client, study, two_interviews, django_capture_on_commit_callbacks
):
    hanne_iv, _ = two_interviews
    InterviewNote.objects.create(interview=hanne_iv, kind="summary", theme_id="3b", text="Skrevet i appen.")
    preview = _upload(analyst_client, study, ("hanne.docx", HANNE_DOCX)).url
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(preview, {"interview_0": hanne_iv.pk})
    note = InterviewNote.objects.get(interview=hanne_iv, theme_id="3b")
    assert note.text.startswith("Skrevet i appen.\n\n[Leder A] bruger") and note.version == 2


@pytest.mark.django_db
def test_an_interviewer_can_only_import_into_their_own_interviews(
    interviewer_client, interview, study, jens, analyst, django_capture_on_commit_callbacks
):
    other = make_interview(study, jens, analyst)
    preview = _upload(interviewer_client, study, ("jo@kommune.dk.txt", JENS_TXT)).url
    html = interviewer_client.get(preview).content.decode()
    assert f'value="{other.pk}"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = interviewer_client.post(preview, {"interview_0": other.pk})
    assert response.status_code == 400
    assert not other.notes.exists() and not Job.objects.exists()


@pytest.mark.django_db
def test_another_users_preview_is_not_found(analyst_client, interviewer_client, study, two_interviews):
    preview = _upload(analyst_client, study, ("hanne.docx", HANNE_DOCX)).url
    assert interviewer_client.get(preview).status_code == 404
