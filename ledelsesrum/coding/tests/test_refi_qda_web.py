"""The Udveksling page: who may use it, the .qdpx download, the upload form (labels, CSRF, Danish
messages) and the audit log; and the ``export-qdpx`` / ``import-qdpx`` commands."""

from __future__ import annotations

import re

import pytest
import typer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.coding import refi_qda
from ledelsesrum.coding.cli import register
from ledelsesrum.coding.models import MeaningUnit

from .test_refi_qda import coded, segments_of
from .test_refi_qda import study as study  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _char_embedder(char_workspace):
    yield


def url(name, study):
    return reverse(f"coding:{name}", kwargs={"study_id": study.pk})


def upload(data: bytes, name: str = "projekt.qdpx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


@pytest.mark.parametrize("who", ["board_reader", "interviewer", "admin_user"])
def test_only_analysts_may_exchange(client, request, study, who):
    client.force_login(request.getfixturevalue(who))
    data, _ = refi_qda.export_study(study)
    assert client.get(url("exchange", study)).status_code == 403
    assert client.get(url("exchange_export", study)).status_code == 403
    assert client.post(url("exchange_import", study), {"file": upload(data)}).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="coding.exchange").exists()


def test_anonymous_users_are_sent_to_the_login(client, study):
    assert client.get(url("exchange", study)).status_code == 302


def test_the_page_has_a_download_and_a_labelled_upload_form(analyst_client, study):
    response = analyst_client.get(url("exchange", study))
    body = response.content.decode()
    assert response.status_code == 200
    assert url("exchange_export", study) in body and "Hent projektet (.qdpx)" in body
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body
    (input_id,) = re.findall(r'<input type="file" name="file"[^>]*id="([^"]+)"', body)
    assert f'<label for="{input_id}">Projektfil (REFI-QDA .qdpx)' in body
    assert "4 interviewnoter" in body and "8 kodede enheder" in body


def test_the_download_is_the_studys_project_and_is_logged(analyst_client, study):
    response = analyst_client.get(url("exchange_export", study))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="ledelsesrum-{study.pk}.qdpx"'
    assert segments_of(response.content) == segments_of(refi_qda.export_study(study)[0])
    event = AuditEvent.objects.get(action="coding.exchange.export")
    assert event.detail["segments"] == 8 and event.detail["sources"] == 4 and event.study_id == study.pk


def test_uploading_the_export_again_restores_wiped_codes(analyst_client, study):
    data = analyst_client.get(url("exchange_export", study)).content
    before = coded(study)
    MeaningUnit.objects.filter(study=study).update(code="")
    response = analyst_client.post(url("exchange_import", study), {"file": upload(data)}, follow=True)
    assert response.status_code == 200
    assert "Projektet er importeret: 8 kodede markeringer fra 4 kilder" in response.content.decode()
    assert coded(study) == before
    event = AuditEvent.objects.get(action="coding.exchange.import")
    assert event.detail["coded"] == 8 and len(event.detail["unit_ids"]) == 8


def test_a_broken_upload_gets_a_danish_message_and_changes_nothing(analyst_client, study):
    before = coded(study)
    response = analyst_client.post(url("exchange_import", study), {"file": upload(b"PK\x03\x04broken")})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Intet er importeret" in body and "beskadiget eller ufuldstændig" in body
    assert "ikke UTF-8" not in body
    assert coded(study) == before
    assert AuditEvent.objects.get(action="coding.exchange.import_refused").detail["problems"] == 1


def test_the_upload_needs_a_csrf_token(analyst, study):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    data, _ = refi_qda.export_study(study)
    assert client.post(url("exchange_import", study), {"file": upload(data)}).status_code == 403


def test_an_upload_without_a_file_is_refused(analyst_client, study):
    response = analyst_client.post(url("exchange_import", study), {})
    assert response.status_code == 400 and "Vælg en .qdpx-fil." in response.content.decode()


# --- command line -------------------------------------------------------------------------------

app = typer.Typer()


@app.callback()
def _root() -> None:
    """A group, so the commands are called by name as under ``ledelsesrum``."""


register(app)
runner = CliRunner()


def test_the_commands_export_and_import_a_project(study, tmp_path):
    out = tmp_path / "projekt.qdpx"
    result = runner.invoke(app, ["export-qdpx", "--study", str(study.pk), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "Skrev 4 noter og 8 kodede enheder" in result.output
    before = coded(study)
    MeaningUnit.objects.filter(study=study).update(code="")
    dry = runner.invoke(app, ["import-qdpx", str(out), "--study", str(study.pk), "--dry-run"])
    assert dry.exit_code == 0 and "Prøvekørsel – intet er gemt. 8 kodede markeringer" in dry.output
    assert not coded(study)
    result = runner.invoke(app, ["import-qdpx", str(out), "--study", str(study.pk)])
    assert result.exit_code == 0, result.output
    assert coded(study) == before
    assert {e.action for e in AuditEvent.objects.all()} >= {"coding.exchange.export", "coding.exchange.import"}


def test_the_import_command_lists_clashes_and_exits_1(study, tmp_path):
    bad = tmp_path / "x.qdpx"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(app, ["import-qdpx", str(bad), "--study", str(study.pk)])
    assert result.exit_code == 1 and "hverken en .qdpx" in result.output
