"""Issue 10, finding 3: the preview parses a staged upload once, and the confirmation imports
exactly the plan that was shown, or nothing."""

import os
import re
import stat
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.jobs.models import Job
from ledelsesrum.lib import tabular
from ledelsesrum.lib.staging import Stager
from ledelsesrum.organisation import staging
from ledelsesrum.organisation.models import Leader

from .helpers import GOOD_ROWS, csv_bytes, xlsx_bytes

XLSX_ROWS = [["Navn", "E-mail", "Enhed"]] + [[f"Leder {i}", f"leder{i}@k.dk", "Skoler > Øst"] for i in range(40)]


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, data: bytes, name: str = "ledere.csv") -> str:
    response = client.post(reverse("organisation:import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    return response.url


def _token(preview_url: str) -> str:
    return preview_url.rstrip("/").split("/")[-1]


def _digest(html: str) -> str:
    """The plan the preview form confirms ('' when it has none)."""
    found = re.search(r'name="plan" value="([0-9a-f]{64})"', html)
    return found.group(1) if found else ""


def _kept_table(token: str):
    return staging.path_for(token).parent / "0.table.json"


def _counting(name: str):
    """Count calls of the real parser in lib.tabular (the result is the real one)."""
    return mock.patch.object(tabular, name, wraps=getattr(tabular, name))


@pytest.mark.django_db
def test_loading_the_preview_many_times_parses_the_workbook_once(analyst_client):
    url = _upload(analyst_client, xlsx_bytes(XLSX_ROWS), "ledere.xlsx")
    with _counting("_read_xlsx") as parse:
        pages = [analyst_client.get(url).content.decode() for _ in range(5)]
    assert parse.call_count == 1
    assert all('data-count="create">40<' in html and "Leder 24" in html for html in pages)
    assert len({_digest(html) for html in pages}) == 1


@pytest.mark.django_db
def test_confirm_imports_the_previewed_table_without_parsing_again(
    analyst_client, django_capture_on_commit_callbacks
):
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    with _counting("_read_csv") as parse:
        analyst_client.get(url)
        html = analyst_client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = analyst_client.post(url, {"plan": _digest(html)})
    assert parse.call_count == 1
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.params["plan"] == _digest(html)
    assert (job.result["created"], job.result["updated"], job.result["units_created"]) == (2, 0, 3)
    assert 'data-count="create">2<' in html and 'data-count="units">3<' in html
    assert sorted(Leader.objects.values_list("email", flat=True)) == ["jens@kommune.dk", "mette@kommune.dk"]
    assert list(staging.import_dir().iterdir()) == []


@pytest.mark.django_db
def test_the_kept_table_is_private_and_goes_with_the_upload(analyst_client):
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    token = _token(url)
    folder = staging.path_for(token).parent
    mtime = folder.stat().st_mtime_ns
    analyst_client.get(url)
    kept = _kept_table(token)
    assert kept.is_file()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert folder.stat().st_mtime_ns == mtime  # the upload expires as if nothing was added
    assert sorted(p.name for p in folder.iterdir()) == ["0.bin", "0.table.json"]
    # The names and addresses are in it: it must never outlive the upload.
    assert "mette@kommune.dk" in kept.read_text()

    response = analyst_client.post(url, {"cancel": "1"})
    assert response.status_code == 302 and response.url == reverse("organisation:import")
    assert not folder.exists() and list(staging.import_dir().iterdir()) == []
    assert not Job.objects.exists() and not Leader.objects.exists()

    # Expiry takes the kept table with the upload.
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    analyst_client.get(url)
    assert _kept_table(_token(url)).is_file()
    assert staging.sweep(max_age=-1) == 1
    assert list(staging.import_dir().iterdir()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["missing", "garbage", "other version", "other file"])
def test_a_missing_or_stale_kept_table_is_parsed_again(analyst_client, damage):
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    token = _token(url)
    analyst_client.get(url)
    kept = _kept_table(token)
    if damage == "missing":
        kept.unlink()
    elif damage == "garbage":
        kept.write_bytes(b'{"source_sha256": ')
    elif damage == "other version":
        kept.write_text(kept.read_text().replace('"version":1', '"version":0'))
    else:  # the staged bytes are not the ones the table was made from
        staging.path_for(token).write_bytes(csv_bytes(GOOD_ROWS[0]))
    with _counting("_read_csv") as parse:
        html = analyst_client.get(url).content.decode()
        again = analyst_client.get(url).content.decode()
    assert parse.call_count == 1
    expected = 1 if damage == "other file" else 2
    assert f'data-count="create">{expected}<' in html and f'data-count="create">{expected}<' in again
    assert _digest(html) == _digest(again)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_a_change_after_the_preview_is_shown_again_instead_of_imported(analyst_client):
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    shown = _digest(analyst_client.get(url).content.decode())
    Leader.objects.create(name="Mette H.", email="mette@kommune.dk")  # now an update, not a new leader
    response = analyst_client.post(url, {"plan": shown})
    assert response.status_code == 302 and response.url == url
    assert not Job.objects.exists() and staging.is_pending(_token(url))
    html = analyst_client.get(url).content.decode()
    assert "er ændret, siden forhåndsvisningen blev vist" in html
    assert 'data-count="create">1<' in html and 'data-count="update">1<' in html
    assert _digest(html) != shown


@pytest.mark.django_db
def test_the_job_refuses_a_plan_that_changed_after_the_confirmation(
    analyst_client, django_capture_on_commit_callbacks
):
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    shown = _digest(analyst_client.get(url).content.decode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        analyst_client.post(url, {"plan": shown})
    # Between the confirmation and the worker someone adds one of the file's leaders by hand.
    Leader.objects.create(name="Jens", email="jens@kommune.dk")
    for callback in callbacks:
        callback()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "ændret, siden forhåndsvisningen blev vist" in job.error and "Intet er importeret" in job.error
    assert list(Leader.objects.values_list("email", flat=True)) == ["jens@kommune.dk"]
    assert list(staging.import_dir().iterdir()) == []


@pytest.mark.django_db
def test_a_confirmation_without_a_preview_shows_the_preview_first(analyst_client):
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    response = analyst_client.post(url)
    assert response.status_code == 302 and response.url == url
    assert not Job.objects.exists() and staging.is_pending(_token(url))


@pytest.mark.django_db
def test_a_confirmation_without_the_field_uses_the_plan_last_shown(
    analyst_client, django_capture_on_commit_callbacks
):
    url = _upload(analyst_client, csv_bytes(*GOOD_ROWS))
    shown = _digest(analyst_client.get(url).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        analyst_client.post(url)
    job = Job.objects.get()
    assert job.params["plan"] == shown and job.status == Job.Status.DONE, job.error
    assert Leader.objects.count() == 2


# --- lib.staging: results kept next to a staged file ----------------------------------------

def test_results_are_kept_only_for_the_bytes_they_were_made_from(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stager = Stager("probe")
    token = stager.stage([[b"navn;e-mail\n", b"A;a@k.dk\n"]])
    assert stager.load_result(token, 0, "table") is None
    assert stager.save_result(token, 0, "table", {"rows": [1, "æ"]})
    assert stager.load_result(token, 0, "table") == {"rows": [1, "æ"]}
    assert stat.S_IMODE(os.stat(stager.path(token).parent / "0.table.json").st_mode) == 0o600
    stager.path(token).write_bytes(b"navn;e-mail\nB;b@k.dk\n")
    assert stager.load_result(token, 0, "table") is None
    # After a claim the result moves with the batch; after a discard nothing is recreated.
    assert stager.save_result(token, 0, "table", [2])
    assert stager.claim(token)
    assert stager.load_result(token, 0, "table") == [2]
    stager.discard(token)
    assert not stager.save_result(token, 0, "table", [3])
    assert list(stager.base_dir().iterdir()) == []
    with pytest.raises(ValueError):
        stager.save_result(token, 0, "../x", [])


def test_a_table_survives_the_round_trip_and_damage_is_refused():
    table = tabular.read_table(csv_bytes(*GOOD_ROWS, "x;y;z;;;;;;;extra"), "ledere.csv")
    again = tabular.Table.from_data(table.to_data())
    assert again == table
    assert again.rows[2].problems and again.columns == table.columns
    for broken in (None, [], {"version": 1}, {**table.to_data(), "rows": [[1, {"a": 2}, []]]},
                   {**table.to_data(), "keys": ["navn"]}):
        assert tabular.Table.from_data(broken) is None
