"""Issue 10, finding 3, for the response import: the preview parses a staged upload once, and the
confirmation imports exactly the plan that was shown, or nothing."""

import re
import stat
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.jobs.models import Job
from ledelsesrum.lib import tabular
from ledelsesrum.organisation import staging
from ledelsesrum.surveys.models import Invitation, Response

from .test_import_responses import csv, make_study_with_round

ROWS = ("mette@kommune.dk;1;2;;;", "jens@kommune.dk;3;;;;Tid")


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, study, round, data: bytes) -> str:
    response = client.post(reverse("surveys:import_responses", kwargs={"study_id": study.pk}),
                           {"round": round.pk, "file": SimpleUploadedFile("svar.csv", data)})
    assert response.status_code == 302
    return response.url


def _digest(html: str) -> str:
    found = re.search(r'name="plan" value="([0-9a-f]{64})"', html)
    return found.group(1) if found else ""


def _counting_csv():
    return mock.patch.object(tabular, "_read_csv", wraps=tabular._read_csv)


@pytest.mark.django_db
def test_the_preview_parses_once_and_the_job_imports_what_it_showed(
    analyst_client, django_capture_on_commit_callbacks
):
    study, round = make_study_with_round()
    url = _upload(analyst_client, study, round, csv(*ROWS))
    with _counting_csv() as parse:
        pages = [analyst_client.get(url).content.decode() for _ in range(4)]
        with django_capture_on_commit_callbacks(execute=True):
            analyst_client.post(url, {"plan": _digest(pages[-1])})
    assert parse.call_count == 1
    assert all('data-count="create">2<' in html for html in pages)
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.error
    assert (job.result["created"], job.result["linked"]) == (2, 2)
    assert Response.objects.filter(round=round, source=Response.Source.IMPORT).count() == 2
    assert list(staging.import_dir().iterdir()) == []


@pytest.mark.django_db
def test_the_kept_table_is_private_and_cancel_deletes_it(analyst_client):
    study, round = make_study_with_round()
    url = _upload(analyst_client, study, round, csv(*ROWS))
    analyst_client.get(url)
    token = url.rstrip("/").split("/")[-1]
    kept = staging.path_for(token).parent / "0.table.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    response = analyst_client.post(url, {"cancel": "1"})
    assert response.url == reverse("surveys:import_responses", args=[study.pk])
    assert list(staging.import_dir().iterdir()) == []
    assert not Job.objects.exists() and not Response.objects.exists()


@pytest.mark.django_db
def test_a_missing_kept_table_is_parsed_again(analyst_client):
    study, round = make_study_with_round()
    url = _upload(analyst_client, study, round, csv(*ROWS))
    shown = _digest(analyst_client.get(url).content.decode())
    token = url.rstrip("/").split("/")[-1]
    (staging.path_for(token).parent / "0.table.json").unlink()
    with _counting_csv() as parse:
        html = analyst_client.get(url).content.decode()
    assert parse.call_count == 1 and _digest(html) == shown


@pytest.mark.django_db
def test_a_change_after_the_preview_is_shown_again_and_the_job_refuses_a_late_one(
    analyst_client, django_capture_on_commit_callbacks
):
    study, round = make_study_with_round()
    url = _upload(analyst_client, study, round, csv(*ROWS))
    shown = _digest(analyst_client.get(url).content.decode())
    # Mette's frozen segment changes: the import would store another segment than shown.
    Invitation.objects.filter(leader__email="mette@kommune.dk").update(area="Skole (ved start)")
    response = analyst_client.post(url, {"plan": shown})
    assert response.status_code == 302 and response.url == url and not Job.objects.exists()
    html = analyst_client.get(url).content.decode()
    assert "er ændret, siden forhåndsvisningen blev vist" in html
    shown = _digest(html)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        analyst_client.post(url, {"plan": shown})
    Invitation.objects.filter(leader__email="jens@kommune.dk").update(level="Topleder")
    for callback in callbacks:
        callback()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "Intet er importeret" in job.error
    assert not Response.objects.exists()
    assert list(staging.import_dir().iterdir()) == []
