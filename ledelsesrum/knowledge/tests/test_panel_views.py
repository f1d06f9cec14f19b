"""The panel on the synthesis page and the entry page's "Føj til en syntese": who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.coding.models import MeaningUnit
from ledelsesrum.knowledge.models import ChosenEntry
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv("LEDELSESRUM_CODING_EMBEDDER", "char")


@pytest.fixture
def study():
    study = Study.objects.create(name="Ledernes vilkår")
    MeaningUnit.objects.create(study=study, source_key="note:1", code="3b",
                               text="Jeg har ikke tid til ledelse; driften fylder kalenderen.")
    return study


def url(name, study, code="3b"):
    return reverse(f"knowledge:{name}", kwargs={"study_id": study.pk, "code": code})


def test_the_synthesis_page_carries_the_panel_which_htmx_loads(analyst_client, study):
    page = analyst_client.get(reverse("coding:synthesis_detail", kwargs={"study_id": study.pk, "code": "3b"}))
    assert page.status_code == 200
    assert f'hx-get="{url("panel", study)}"' in page.content.decode()
    fragment = analyst_client.get(url("panel", study), **HTMX)
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert "Hvad ved vi — og hvad har andre gjort?" in body and "Tag med i rapporten" in body
    assert 'href="/viden/tid-til-ledelse/"' in body and "knyttet til undertemaet" in body
    full = analyst_client.get(url("panel", study))
    assert full.status_code == 200 and "<html" in full.content.decode()
    assert not ChosenEntry.objects.exists()


def test_an_analyst_chooses_and_removes_with_htmx_and_it_is_audited(analyst_client, study):
    response = analyst_client.post(url("panel_choose", study), {"entry_id": "tid-til-ledelse"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Med i rapporten" in body and "Fjern" in body
    analyst_client.post(url("panel_choose", study), {"entry_id": "tid-til-ledelse"}, **HTMX)
    assert ChosenEntry.objects.filter(study=study, subtheme="3b", entry_id="tid-til-ledelse").count() == 1
    events = AuditEvent.objects.filter(action="knowledge.panel.choose")
    assert events.count() == 1
    assert events.get().detail == {"subtheme": "3b", "entry_id": "tid-til-ledelse"}
    assert events.get().study_id == study.pk
    response = analyst_client.post(url("panel_unchoose", study), {"entry_id": "tid-til-ledelse"}, **HTMX)
    assert response.status_code == 200 and "Med i rapporten" not in response.content.decode()
    assert not ChosenEntry.objects.exists()
    assert AuditEvent.objects.filter(action="knowledge.panel.unchoose", study_id=study.pk).count() == 1


def test_without_javascript_choosing_redirects_back_safely(analyst_client, study):
    synthesis = reverse("coding:synthesis_detail", kwargs={"study_id": study.pk, "code": "3b"})
    response = analyst_client.post(url("panel_choose", study), {"entry_id": "ledermakker", "next": synthesis})
    assert response.status_code == 302 and response["Location"] == synthesis
    response = analyst_client.post(url("panel_unchoose", study),
                                   {"entry_id": "ledermakker", "next": "https://evil.example/"})
    assert response["Location"] == url("panel", study)
    assert not ChosenEntry.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="knowledge.panel.").count() == 2


def test_unknown_entries_studies_and_subthemes_are_404(analyst_client, study):
    assert analyst_client.post(url("panel_choose", study), {"entry_id": "findes-ikke"}).status_code == 404
    assert analyst_client.get(url("panel", study, code="9z")).status_code == 404
    missing = reverse("knowledge:panel", kwargs={"study_id": study.pk + 99, "code": "3b"})
    assert analyst_client.get(missing).status_code == 404
    assert not ChosenEntry.objects.exists()


def test_board_readers_and_interviewers_get_403(board_client, study, client, interviewer):
    assert board_client.get(url("panel", study)).status_code == 403
    assert board_client.post(url("panel_choose", study), {"entry_id": "tid-til-ledelse"}).status_code == 403
    add = reverse("knowledge:panel_add", kwargs={"entry_id": "tid-til-ledelse"})
    assert board_client.post(add, {"study": study.pk, "subtheme": "3b"}).status_code == 403
    assert board_client.get(add).status_code == 403
    # On the entry page the htmx form simply is not there for them.
    fragment = board_client.get(add, **HTMX)
    assert fragment.status_code == 200 and fragment.content == b""
    client.force_login(interviewer)
    assert client.post(url("panel_choose", study), {"entry_id": "tid-til-ledelse"}).status_code == 403
    assert not ChosenEntry.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="knowledge.panel.").exists()


def test_anonymous_visitors_are_sent_to_login(client, study):
    response = client.post(url("panel_choose", study), {"entry_id": "tid-til-ledelse"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not ChosenEntry.objects.exists()


def test_the_entry_page_form_adds_the_entry_to_a_synthesis(analyst_client, study):
    entry_page = analyst_client.get(reverse("knowledge:entry", kwargs={"entry_id": "tid-til-ledelse"}))
    add = reverse("knowledge:panel_add", kwargs={"entry_id": "tid-til-ledelse"})
    assert f'hx-get="{add}"' in entry_page.content.decode()
    form = analyst_client.get(add, **HTMX).content.decode()
    assert "Føj til en syntese" in form and "Ledernes vilkår" in form
    assert form.count("<option") == 19 + 1  # one study, 19 sub-themes
    assert '<option value="3b" selected>' in form
    response = analyst_client.post(add, {"study": study.pk, "subtheme": "3b"})
    assert response.status_code == 302 and response["Location"] == "/viden/tid-til-ledelse/"
    analyst_client.post(add, {"study": study.pk, "subtheme": "3b"})
    assert list(ChosenEntry.objects.values_list("study_id", "subtheme", "entry_id")) == [
        (study.pk, "3b", "tid-til-ledelse")]
    assert AuditEvent.objects.filter(action="knowledge.panel.choose", study_id=study.pk).count() == 1
    body = analyst_client.get(reverse("knowledge:entry", kwargs={"entry_id": "tid-til-ledelse"})).content.decode()
    assert "er føjet til syntesen for 3b Tid til ledelse" in body
    panel_body = analyst_client.get(url("panel", study), **HTMX).content.decode()
    assert 'id="proposal-tid-til-ledelse"' in panel_body and "Med i rapporten" in panel_body


def test_the_entry_page_form_rejects_a_missing_study_or_subtheme(analyst_client, study):
    add = reverse("knowledge:panel_add", kwargs={"entry_id": "tid-til-ledelse"})
    response = analyst_client.post(add, {"study": "", "subtheme": "3b"})
    assert response.status_code == 400 and "Vælg en undersøgelse." in response.content.decode()
    response = analyst_client.post(add, {"study": study.pk, "subtheme": "9z"})
    assert response.status_code == 400 and "Vælg et undertema." in response.content.decode()
    assert not ChosenEntry.objects.exists()
