"""The response import page under a study: upload → preview → confirm → job → done."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.jobs.models import Job
from ledelsesrum.organisation import staging
from ledelsesrum.studies.models import Round
from ledelsesrum.surveys.models import Response

from .test_import_responses import csv, make_study_with_round


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(study):
    return reverse("surveys:import_responses", kwargs={"study_id": study.pk})


def _upload(client, study, round, data: bytes, name: str = "svar.csv"):
    return client.post(_url(study), {"round": round.pk, "file": SimpleUploadedFile(name, data)})


@pytest.mark.django_db
def test_the_url_is_under_the_study(analyst_client):
    study, _round = make_study_with_round()
    assert _url(study) == f"/undersoegelser/{study.pk}/import-svar/"
    page = analyst_client.get(_url(study))
    assert page.status_code == 200
    assert "RAAD01" in page.content.decode()


@pytest.mark.django_db
def test_preview_then_confirm_imports_once(analyst_client, django_capture_on_commit_callbacks):
    study, round = make_study_with_round()
    response = _upload(analyst_client, study, round, csv("mette@kommune.dk;1;2;;;", "Ingen mail;;3;;;",
                                                        header="email;RAAD01;RAAD02;F_UDD;F_AAR;AABEN1"))
    # The second row's "e-mail" is not an address: the preview says so and offers no import.
    html = analyst_client.get(response.url).content.decode()
    assert "Række 3: &#x27;Ingen mail&#x27; er ikke en gyldig e-mailadresse" in html
    retry = reverse("surveys:import_responses", args=[study.pk])
    assert f'href="{retry}">Vælg en rettet fil' in html
    assert not Response.objects.exists()

    response = _upload(analyst_client, study, round, csv("mette@kommune.dk;1;2;;;", "jens@kommune.dk;3;;;;Tid"))
    preview = analyst_client.get(response.url)
    html = preview.content.decode()
    assert 'data-count="create">2<' in html and 'data-count="linked">2<' in html
    assert "Tid" not in html  # answers are not shown in the preview
    with django_capture_on_commit_callbacks(execute=True):
        first = analyst_client.post(response.url)
        second = analyst_client.post(response.url)
    job = Job.objects.get()
    assert first.url == second.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.study_id == study.pk and job.result["created"] == 2
    assert Response.objects.filter(round=round, source=Response.Source.IMPORT).count() == 2
    assert list(staging.import_dir().iterdir()) == []
    done = analyst_client.get(job.result["next_url"])
    assert done.status_code == 200 and "Svarene er importeret" in done.content.decode()


@pytest.mark.django_db
def test_a_closed_round_cannot_be_chosen(analyst_client):
    study, round = make_study_with_round(status=Round.Status.CLOSED)
    response = _upload(analyst_client, study, round, csv("mette@kommune.dk;1;2;;;"))
    assert response.status_code == 200
    assert "Runden er afsluttet" in response.content.decode()
    assert not list(staging.import_dir().iterdir())


@pytest.mark.django_db
def test_an_oversize_upload_gets_413_and_imports_nothing(analyst_client, settings):
    study, round = make_study_with_round()
    settings.MAX_UPLOAD_BYTES = 1000
    data = csv(*["mette@kommune.dk;1;2;;;"] * 100)
    response = _upload(analyst_client, study, round, data)
    assert response.status_code == 413
    assert "Filen er for stor" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_wrong_file_type_is_explained(analyst_client):
    study, round = make_study_with_round()
    response = _upload(analyst_client, study, round, b"%PDF-1.7\n" + b"\x00" * 100)
    html = analyst_client.get(response.url).content.decode()
    assert "Filen er et PDF-dokument" in html
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_board_readers_cannot_import_responses(board_client):
    study, round = make_study_with_round()
    assert board_client.get(_url(study)).status_code == 403
    assert _upload(board_client, study, round, csv("mette@kommune.dk;1;2;;;")).status_code == 403
    assert not Response.objects.exists()
