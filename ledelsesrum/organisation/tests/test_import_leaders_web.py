"""The web import: upload → preview → confirm → background job → done page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.jobs.models import Job
from ledelsesrum.organisation import staging
from ledelsesrum.organisation.models import Leader, Unit

from .helpers import GOOD_ROWS, csv_bytes, xlsx_bytes


def _upload(client, data: bytes, name: str = "ledere.csv"):
    return client.post(reverse("organisation:import"), {"file": SimpleUploadedFile(name, data)})


def _staged_files():
    return sorted(p.name for p in staging.import_dir().iterdir())


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_upload_shows_a_preview_with_counts_and_saves_nothing(analyst_client):
    Leader.objects.create(name="Mette Hansen", email="mette@kommune.dk")
    response = _upload(analyst_client, csv_bytes(*GOOD_ROWS, encoding="cp1252"))
    assert response.status_code == 302
    token = response.url.rstrip("/").split("/")[-1]
    assert staging.valid_token(token)
    preview = analyst_client.get(response.url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-count="create">1<' in html and 'data-count="update">1<' in html
    assert "opdateres" in html and "Jens Ørsted" in html
    assert "Importér" in html
    # The stored name is the token, not the user's file name.
    assert _staged_files() == [token]
    assert Leader.objects.count() == 1 and not Unit.objects.exists()


@pytest.mark.django_db
def test_confirm_runs_the_import_as_a_job_and_deletes_the_file(
    analyst_client, django_capture_on_commit_callbacks
):
    preview_url = _upload(analyst_client, csv_bytes(*GOOD_ROWS)).url
    assert analyst_client.get(preview_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(preview_url)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.result["created"] == 2 and job.result["units_created"] == 3
    assert Leader.objects.count() == 2
    assert _staged_files() == []
    done = analyst_client.get(job.result["next_url"])
    assert done.status_code == 200 and "Importen er færdig" in done.content.decode()
    assert AuditEvent.objects.filter(action="organisation.import.confirm").count() == 1


@pytest.mark.django_db
def test_a_double_submit_imports_once(analyst_client, django_capture_on_commit_callbacks):
    preview_url = _upload(analyst_client, csv_bytes(*GOOD_ROWS)).url
    assert analyst_client.get(preview_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        first = analyst_client.post(preview_url)
        second = analyst_client.post(preview_url)
    assert first.url == second.url
    assert Job.objects.count() == 1
    assert Leader.objects.count() == 2


@pytest.mark.django_db
def test_a_file_with_errors_lists_them_per_row_and_offers_no_import(analyst_client):
    data = csv_bytes("A;a@k.dk", "B;forkert", "C;a@k.dk", header="navn;e-mail")
    html = analyst_client.get(_upload(analyst_client, data).url).content.decode()
    assert "Række 3: &#x27;forkert&#x27; er ikke en gyldig e-mailadresse" in html
    assert "Række 2: e-mailen a@k.dk står også i række 4" in html
    assert "<button type=\"submit\">Importér</button>" not in html
    assert f'href="{reverse("organisation:import")}">Vælg en rettet fil' in html
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_a_png_renamed_csv_is_explained(analyst_client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    html = analyst_client.get(_upload(analyst_client, png).url).content.decode()
    assert "Filen er et PNG-billede, ikke en CSV- eller Excel-fil (.xlsx)." in html
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_an_empty_file_is_refused_at_upload(analyst_client):
    response = _upload(analyst_client, b"")
    assert response.status_code == 200
    assert "tom" in response.content.decode()
    assert _staged_files() == []


@pytest.mark.django_db
def test_an_old_xls_is_refused_at_upload(analyst_client):
    response = _upload(analyst_client, b"\xd0\xcf\x11\xe0" + b"\x00" * 50, "ledere.xls")
    assert ".xlsx" in response.content.decode()
    assert _staged_files() == []


@pytest.mark.django_db
def test_an_oversize_upload_gets_413_in_danish_and_creates_nothing(analyst_client, settings):
    settings.MAX_UPLOAD_BYTES = 2000
    data = csv_bytes(*[f"Leder {i};l{i}@k.dk;;;;;;;" for i in range(200)])
    response = _upload(analyst_client, data)
    assert response.status_code == 413
    assert "Filen er for stor" in response.content.decode()
    assert not Leader.objects.exists()
    assert not staging.import_dir().exists() or _staged_files() == []


@pytest.mark.django_db
def test_xlsx_upload_previews(analyst_client):
    data = xlsx_bytes([["Navn", "E-mail"], ["Åse", "aase@k.dk"]])
    html = analyst_client.get(_upload(analyst_client, data, "ledere.xlsx").url).content.decode()
    assert 'data-count="create">1<' in html and "Åse" in html


@pytest.mark.django_db
def test_another_session_cannot_see_or_confirm_the_upload(analyst_client, client, admin_user):
    preview_url = _upload(analyst_client, csv_bytes(*GOOD_ROWS)).url
    client.force_login(admin_user)
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    assert not Job.objects.exists() and not Leader.objects.exists()


@pytest.mark.django_db
def test_board_readers_cannot_import(board_client):
    response = _upload(board_client, csv_bytes(*GOOD_ROWS))
    assert response.status_code == 403
    assert not Leader.objects.exists()


def test_stale_uploads_are_swept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    token = staging.stage([b"navn;e-mail\n"])
    assert staging.is_pending(token)
    assert staging.sweep(max_age=-1) == 1
    assert not staging.is_pending(token)


@pytest.mark.django_db
def test_a_file_with_errors_is_deleted_after_the_preview(analyst_client):
    preview_url = _upload(analyst_client, csv_bytes("A;forkert", header="navn;e-mail")).url
    assert analyst_client.get(preview_url).status_code == 200
    assert _staged_files() == []
    # Coming back to the preview asks for the file again instead of failing.
    again = analyst_client.get(preview_url)
    assert again.status_code == 302 and again.url == reverse("organisation:import")
    assert not Leader.objects.exists()
