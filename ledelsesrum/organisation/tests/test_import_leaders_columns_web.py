"""The column step of the web import (issue 12, item 14): the preview shows which file column
feeds each field, the analyst changes it and sees the preview again from the kept table, and the
import uses exactly the columns shown."""

import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.jobs.models import Job
from ledelsesrum.lib import tabular
from ledelsesrum.organisation import staging
from ledelsesrum.organisation.models import Leader, Unit

from .helpers import csv_bytes

HR_HEADER = "Medarbejder;Fornavn;Efternavn;Arbejdsmail;Afdeling"
HR_ROWS = ("Mette H.;Mette;Hansen;mette@kommune.dk;Skolen", "Jens Ø.;Jens;Ørsted;jens@kommune.dk;Skolen")
# Column numbers of HR_HEADER, as the <select> options carry them.
MEDARBEJDER, FORNAVN, EFTERNAVN, ARBEJDSMAIL, AFDELING = (str(i) for i in range(5))


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def school():
    return Unit.objects.create(name="Skolen", parent=Unit.objects.create(name="Kommunen"))


def _upload(client, data: bytes) -> str:
    response = client.post(reverse("organisation:import"), {"file": SimpleUploadedFile("hr.csv", data)})
    assert response.status_code == 302
    return response.url


def _token(url: str) -> str:
    return url.rstrip("/").split("/")[-1]


def _selected(html: str) -> dict[str, str]:
    """Field → the option selected in its <select> ('' for "ikke brugt")."""
    result = {}
    for name, body in re.findall(r'<select name="column_(\w+)"[^>]*>(.*?)</select>', html, flags=re.S):
        found = re.search(r'<option value="([^"]*)" selected>', body)
        result[name] = found.group(1) if found else ""
    return result


def _digest(html: str) -> str:
    found = re.search(r'name="plan" value="([0-9a-f]{64})"', html)
    return found.group(1) if found else ""


def _choose(client, url: str, **fields: str):
    """Post the column form with every field as shown, changed by ``fields``."""
    data = {"step": "columns", **{f"column_{k}": v for k, v in _selected(client.get(url).content.decode()).items()}}
    data.update({f"column_{k}": v for k, v in fields.items()})
    return client.post(url, data)


@pytest.mark.django_db
def test_the_preview_shows_the_recognised_columns_with_labels(analyst_client, school):
    html = analyst_client.get(_upload(analyst_client, csv_bytes(*HR_ROWS, header=HR_HEADER))).content.decode()
    selected = _selected(html)
    assert selected == {
        "name": "", "first_name": FORNAVN, "middle_name": "", "last_name": EFTERNAVN, "email": ARBEJDSMAIL,
        "unit": AFDELING, "forvaltning": "", "area": "", "level": "", "title": "", "span_of_control": "",
        "years_as_leader": "", "leadership_education": "",
    }
    # Every <select> has its <label>, in Danish.
    for field, label in (("name", "Navn"), ("first_name", "Fornavn"), ("email", "E-mail"), ("unit", "Enhed")):
        assert f'<label for="id_column_{field}">{label}</label>' in html
        assert f'id="id_column_{field}"' in html
    assert "Navnet sættes sammen af Fornavn + Efternavn" in html
    assert "<td>Mette Hansen</td><td>mette@kommune.dk</td><td>Kommunen › Skolen</td>" in html
    assert "Disse kolonner kendes ikke og bliver ikke importeret: Medarbejder" in html
    assert 'name="csrfmiddlewaretoken"' in html.split('id="column-mapping"')[1].split("</form>")[0]
    assert 'data-count="create">2<' in html and _digest(html)


@pytest.mark.django_db
def test_changing_a_column_previews_again_without_parsing_the_file_again(
    analyst_client, school, django_capture_on_commit_callbacks
):
    url = _upload(analyst_client, csv_bytes(*HR_ROWS, header=HR_HEADER))
    with mock.patch.object(tabular, "_read_csv", wraps=tabular._read_csv) as parse:
        first = analyst_client.get(url).content.decode()
        response = _choose(analyst_client, url, name=MEDARBEJDER, first_name="", last_name="")
        assert response.status_code == 302 and response.url == url
        html = analyst_client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = analyst_client.post(url, {"plan": _digest(html)})
    assert parse.call_count == 1
    assert _selected(html)["name"] == MEDARBEJDER and _selected(html)["first_name"] == ""
    assert "<td>Mette H.</td>" in html and "<td>Mette Hansen</td>" not in html
    assert "Kolonnevalget er gemt" in html
    assert _digest(html) != _digest(first)
    job = Job.objects.get()
    assert confirmed.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.params["columns"] == {"name": "Medarbejder", "email": "Arbejdsmail", "unit": "Afdeling"}
    assert sorted(Leader.objects.values_list("name", "email", "unit")) == [
        ("Jens Ø.", "jens@kommune.dk", school.pk), ("Mette H.", "mette@kommune.dk", school.pk),
    ]
    assert AuditEvent.objects.filter(action="organisation.import.columns").count() == 1
    assert list(staging.import_dir().iterdir()) == []


@pytest.mark.django_db
def test_a_confirmation_from_a_preview_with_other_columns_is_shown_again(analyst_client, school):
    url = _upload(analyst_client, csv_bytes(*HR_ROWS, header=HR_HEADER))
    shown = _digest(analyst_client.get(url).content.decode())
    _choose(analyst_client, url, name=MEDARBEJDER, first_name="", last_name="")
    # The first tab still shows the recognised columns; its "Importér" must not import the new ones.
    response = analyst_client.post(url, {"plan": shown})
    assert response.status_code == 302 and response.url == url
    assert not Job.objects.exists() and not Leader.objects.exists()


@pytest.mark.django_db
def test_going_back_to_the_recognised_columns(analyst_client, school):
    url = _upload(analyst_client, csv_bytes(*HR_ROWS, header=HR_HEADER))
    _choose(analyst_client, url, name=MEDARBEJDER, first_name="", last_name="")
    assert "Brug de genkendte kolonner" in analyst_client.get(url).content.decode()
    response = analyst_client.post(url, {"step": "columns", "reset": "1"})
    assert response.status_code == 302
    html = analyst_client.get(url).content.decode()
    assert _selected(html)["first_name"] == FORNAVN and "<td>Mette Hansen</td>" in html


@pytest.mark.django_db
def test_a_contradicting_choice_is_explained_on_the_form(analyst_client, school):
    url = _upload(analyst_client, csv_bytes(*HR_ROWS, header=HR_HEADER))
    response = _choose(analyst_client, url, area=AFDELING)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kolonnen &#x27;Afdeling&#x27; er valgt til både enhed og område." in html
    assert 'id="column-mapping-errors"' in html
    response = _choose(analyst_client, url, name=MEDARBEJDER)
    assert "Vælg enten én kolonne til navn" in response.content.decode()
    response = _choose(analyst_client, url, email="99")
    assert response.status_code == 200 and "Arbejdsmail" in response.content.decode()
    assert "columns" not in analyst_client.session["organisation_imports"][_token(url)]


@pytest.mark.django_db
def test_a_file_without_an_email_column_says_so_and_keeps_the_upload_for_the_column_step(analyst_client, school):
    url = _upload(analyst_client, csv_bytes("Mette;Hansen;mette@kommune.dk;Skolen", header="Fornavn;Efternavn;Kontakt;Afdeling"))
    html = analyst_client.get(url).content.decode()
    assert ("Filen mangler kolonnen/kolonnerne &#x27;e-mail&#x27;. Fundne kolonner: Fornavn, Efternavn, "
            "Kontakt, Afdeling.") in html
    assert "Vælg kolonnerne herunder" in html
    assert "<button type=\"submit\">Importér</button>" not in html and not _digest(html)
    assert staging.is_pending(_token(url))
    # Nothing can be confirmed from here.
    analyst_client.post(url, {"plan": "0" * 64})
    assert not Job.objects.exists() and not Leader.objects.exists()
    # Choosing the column makes it importable, without uploading again.
    assert _choose(analyst_client, url, email="2").status_code == 302
    html = analyst_client.get(url).content.decode()
    assert 'data-count="create">1<' in html and _digest(html)


@pytest.mark.django_db
def test_leaving_out_a_required_field_by_hand_says_what_to_choose(analyst_client, school):
    url = _upload(analyst_client, csv_bytes(*HR_ROWS, header=HR_HEADER))
    assert _choose(analyst_client, url, email="").status_code == 302
    html = analyst_client.get(url).content.decode()
    assert "Der er ikke valgt nogen kolonne til &#x27;e-mail&#x27;. Fundne kolonner: Medarbejder, Fornavn" in html
    assert not _digest(html) and staging.is_pending(_token(url))
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_row_errors_after_a_choice_by_hand_keep_the_upload_for_another_choice(analyst_client, school):
    url = _upload(analyst_client, csv_bytes(*HR_ROWS, header=HR_HEADER))
    _choose(analyst_client, url, email=MEDARBEJDER, name="", first_name=FORNAVN, last_name=EFTERNAVN)
    html = analyst_client.get(url).content.decode()
    assert "Række 2: &#x27;Mette H.&#x27; er ikke en gyldig e-mailadresse" in html
    assert staging.is_pending(_token(url)) and 'id="column-mapping"' in html
    _choose(analyst_client, url, email=ARBEJDSMAIL)
    assert 'data-count="create">2<' in analyst_client.get(url).content.decode()


@pytest.mark.django_db
def test_the_column_form_needs_the_csrf_token(analyst, school):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    page = client.get(reverse("organisation:import"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(reverse("organisation:import"), {
        "file": SimpleUploadedFile("hr.csv", csv_bytes(*HR_ROWS, header=HR_HEADER)), "csrfmiddlewaretoken": token})
    url = response.url
    html = client.get(url).content.decode()
    assert client.post(url, {"step": "columns", "column_name": MEDARBEJDER}).status_code == 403
    form = html.split('id="column-mapping"')[1].split("</form>")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = {"csrfmiddlewaretoken": token, "step": "columns", **{f"column_{k}": v for k, v in _selected(html).items()}}
    data.update(column_name=MEDARBEJDER, column_first_name="", column_last_name="")
    assert client.post(url, data).status_code == 302
    assert "<td>Mette H.</td>" in client.get(url).content.decode()
