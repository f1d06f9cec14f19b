"""Coding pages: roles, pagination, confirming by POST (plain and htmx), split/merge, synthesis and matrix."""

import re

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.coding import workspace
from ledelsesrum.coding.models import CodingDecision, MeaningUnit, SubthemeEssence
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.jobs.models import Job
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv(workspace.EMBEDDER_ENV, "char")
    yield
    workspace._suggesters.clear()


@pytest.fixture
def study(interviewer):
    study = Study.objects.create(name="Ledernes vilkår")
    texts = [
        "Lederen har for lidt tid til ledelse. Driften fylder hele kalenderen.",
        "Hun savner sparring og opbakning fra sin chef. Chefen er svær at få fat i.",
        "Han har 45 medarbejdere og et alt for stort ledelsesspænd.",
    ]
    for i, text in enumerate(texts):
        leader = Leader.objects.create(name=f"Hanne Testesen{i}", email=f"h{i}@kommune.dk")
        interview = Interview.objects.create(
            study=study, leader=leader, status=Interview.Status.DONE, interviewer=interviewer if i == 0 else None
        )
        InterviewNote.objects.create(interview=interview, kind="summary", theme_id="3", text=text)
    workspace.build_units(study)
    return study


def url(name, study, **kw):
    return reverse(f"coding:{name}", kwargs={"study_id": study.pk, **kw})


def test_the_analyst_sees_uncoded_units_with_suggestions(analyst_client, study):
    response = analyst_client.get(url("units", study))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Forslag – du bestemmer" in body and body.count('class="secondary suggestion"') == 5 * MeaningUnit.objects.count()
    assert all(u.suggestion_cache for u in MeaningUnit.objects.all())
    assert AuditEvent.objects.filter(action="coding.units.view", study_id=study.pk).exists()


def test_board_readers_get_403_everywhere(board_client, study):
    for name in ("units", "synthesis", "matrix"):
        assert board_client.get(url(name, study)).status_code == 403
    unit = MeaningUnit.objects.first()
    assert board_client.post(url("confirm", study, pk=unit.pk), {"code": "3b"}).status_code == 403
    assert not MeaningUnit.objects.exclude(code="").exists()


def test_an_interviewer_codes_only_units_of_own_interviews(client, interviewer, study):
    client.force_login(interviewer)
    own = MeaningUnit.objects.get(interview_note__interview__interviewer=interviewer)
    other = MeaningUnit.objects.exclude(pk=own.pk).first()
    response = client.get(url("units", study))
    assert response.status_code == 200 and f'data-unit="{own.pk}"' in response.content.decode()
    assert f'data-unit="{other.pk}"' not in response.content.decode()
    assert client.post(url("confirm", study, pk=other.pk), {"code": "3b"}).status_code == 404
    assert client.post(url("confirm", study, pk=own.pk), {"code": "3b"}).status_code == 302
    assert MeaningUnit.objects.get(pk=own.pk).code == "3b" and MeaningUnit.objects.get(pk=other.pk).code == ""
    assert client.get(url("synthesis", study)).status_code == 403
    assert client.post(url("build", study)).status_code == 403


def test_confirming_a_suggestion_by_plain_post_redirects_and_stores_it(analyst_client, analyst, study):
    unit = MeaningUnit.objects.first()
    response = analyst_client.post(
        url("confirm", study, pk=unit.pk), {"code": "3b", "condensed": "Mangler tid", "status": "uncoded"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?status=uncoded&subtheme=&source=")
    unit.refresh_from_db()
    assert (unit.code, unit.condensed, unit.coded_by) == ("3b", "Mangler tid", analyst)
    assert CodingDecision.objects.filter(unit=unit, code="3b").exists()
    assert AuditEvent.objects.filter(action="coding.unit.confirm", detail__unit_id=unit.pk).exists()


def test_confirming_through_htmx_returns_the_re_rendered_list_without_the_unit(analyst_client, study):
    unit = MeaningUnit.objects.first()
    response = analyst_client.post(
        url("confirm", study, pk=unit.pk), {"other_code": "5a", "use_other": "1", "status": "uncoded"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<div id="unit-list"')
    assert f'data-unit="{unit.pk}"' not in body and "<html" not in body
    assert MeaningUnit.objects.get(pk=unit.pk).code == "5a"


def test_an_unknown_code_is_refused_and_nothing_is_saved(analyst_client, study):
    unit = MeaningUnit.objects.first()
    response = analyst_client.post(url("confirm", study, pk=unit.pk), {"code": "9z"}, follow=True)
    assert "Vælg et undertema fra kodebogen." in response.content.decode()
    assert MeaningUnit.objects.get(pk=unit.pk).code == ""


def test_split_and_merge_through_the_page(analyst_client, study):
    unit = MeaningUnit.objects.get(text__startswith="Lederen har")
    before = MeaningUnit.objects.count()
    analyst_client.post(url("split", study, pk=unit.pk), {"at": "1"})
    assert MeaningUnit.objects.count() == before + 1
    assert MeaningUnit.objects.get(pk=unit.pk).text == "Lederen har for lidt tid til ledelse."
    analyst_client.post(url("merge", study, pk=unit.pk))
    assert MeaningUnit.objects.count() == before
    assert MeaningUnit.objects.get(pk=unit.pk).text.endswith("Driften fylder hele kalenderen.")


def test_editing_a_unit_text_keeps_its_code_redacts_names_and_is_audit_logged(analyst_client, study):
    unit = MeaningUnit.objects.get(text__startswith="Lederen har")
    workspace.confirm(unit, "3b")
    response = analyst_client.post(
        url("edit_text", study, pk=unit.pk),
        {"text": "Lederen har   for lidt tid, siger Hanne Testesen0 (hanne@kommune.dk)."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Enhedens tekst er gemt." in response.content.decode()
    unit.refresh_from_db()
    assert unit.code == "3b"
    assert "Testesen0" not in unit.text and "hanne@kommune.dk" not in unit.text
    assert unit.text.startswith("Lederen har for lidt tid, siger ")
    event = AuditEvent.objects.get(action="coding.unit.edit")
    assert event.study_id == study.pk and event.detail.get("unit_id") == unit.pk
    assert "Lederen" not in str(event.detail)  # ids only, never the text


def test_an_empty_edit_is_refused_and_the_text_kept(analyst_client, study, board_client):
    unit = MeaningUnit.objects.get(text__startswith="Lederen har")
    before = unit.text
    analyst_client.post(url("edit_text", study, pk=unit.pk), {"text": "   "})
    assert MeaningUnit.objects.get(pk=unit.pk).text == before
    assert board_client.post(url("edit_text", study, pk=unit.pk), {"text": "Ny tekst."}).status_code == 403
    assert MeaningUnit.objects.get(pk=unit.pk).text == before


def test_build_starts_a_job_and_redirects_to_its_progress(analyst_client, study, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(url("build", study))
    job = Job.objects.get(kind=workspace.BUILD_JOB)
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.status == Job.Status.DONE and job.result["next_url"] == url("units", study)


def test_synthesis_pages_show_quantifier_and_save_the_essence(analyst_client, study):
    for unit in MeaningUnit.objects.filter(leader__email__in=["h0@kommune.dk", "h1@kommune.dk"]):
        workspace.confirm(unit, "3b")
    overview = analyst_client.get(url("synthesis", study)).content.decode()
    assert 'data-code="3b"' in overview and "mange" in overview
    detail = analyst_client.get(url("synthesis_detail", study, code="3b"))
    assert "mange ledere (2 af 3)" in detail.content.decode()
    analyst_client.post(url("synthesis_detail", study, code="3b"), {"essence": "Tiden slår ikke til."})
    assert SubthemeEssence.objects.get(study=study, code="3b").essence == "Tiden slår ikke til."
    assert analyst_client.get(url("synthesis_detail", study, code="9z")).status_code == 404


def test_the_matrix_shows_pseudonyms_never_names(analyst_client, study):
    workspace.confirm(MeaningUnit.objects.first(), "3b")
    body = analyst_client.get(url("matrix", study)).content.decode()
    assert "Leder A" in body and "Testesen" not in body
    assert AuditEvent.objects.filter(action="coding.matrix.view", study_id=study.pk).exists()


def _many_units(study, n_coded: int, n_uncoded: int) -> None:
    for i in range(n_coded + n_uncoded):
        MeaningUnit.objects.create(
            study=study, source_key=f"test:{i}", position=i, code="3b" if i < n_coded else "",
            text=f"Enhed nummer {i}: lederen taler om tid, drift og {['chefen', 'netværket', 'borgerne'][i % 3]}.",
        )


def _unit_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-unit="(\d+)"', body)]


def test_the_unit_list_is_paginated_and_page_links_keep_the_filters(analyst_client, study):
    _many_units(study, n_coded=30, n_uncoded=0)
    first = analyst_client.get(url("units", study), {"status": "coded", "subtheme": "3b"})
    body = first.content.decode()
    assert first.status_code == 200 and len(_unit_ids(body)) == 20
    assert "Viser 1–20 af 30 enheder." in body
    assert "?status=coded&amp;subtheme=3b&amp;source=&amp;page=2" in body

    second = analyst_client.get(url("units", study), {"status": "coded", "subtheme": "3b", "page": "2"})
    ids = _unit_ids(second.content.decode())
    assert len(ids) == 10 and not set(ids) & set(_unit_ids(body))
    assert set(ids) | set(_unit_ids(body)) == set(MeaningUnit.objects.filter(study=study, code="3b").values_list("pk", flat=True))
    assert 'name="page" value="2"' in second.content.decode()  # confirm/split/merge stay on the page
    event = AuditEvent.objects.filter(action="coding.units.view").order_by("-pk").first()
    assert sorted(event.detail["units"]) == sorted(ids)  # only the units shown are logged

    # Out of range falls back to the last page rather than an error.
    beyond = analyst_client.get(url("units", study), {"status": "coded", "subtheme": "3b", "page": "99"})
    assert beyond.status_code == 200 and sorted(_unit_ids(beyond.content.decode())) == sorted(ids)


def test_page_links_through_htmx_return_only_the_list(analyst_client, study):
    _many_units(study, n_coded=0, n_uncoded=40)
    full = analyst_client.get(url("units", study))
    assert full.status_code == 200 and "<html" in full.content.decode()
    # Suggestions are computed for the page shown only, not for all 43 uncoded units.
    assert MeaningUnit.objects.filter(study=study).exclude(suggestion_cache=[]).count() == 20
    partial = analyst_client.get(url("units", study), {"status": "uncoded", "page": "3"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and body.startswith('<div id="unit-list"') and "<html" not in body
    assert len(_unit_ids(body)) == 3 and 'aria-current="page">3<' in body


def test_confirming_on_a_later_page_returns_to_that_page(analyst_client, study):
    _many_units(study, n_coded=0, n_uncoded=40)
    unit = MeaningUnit.objects.filter(study=study, code="").last()
    plain = analyst_client.post(url("confirm", study, pk=unit.pk), {"code": "3b", "status": "uncoded", "page": "2"})
    assert plain.status_code == 302 and plain["Location"].endswith("?status=uncoded&subtheme=&source=&page=2")
    other = MeaningUnit.objects.filter(study=study, code="").first()
    htmx = analyst_client.post(
        url("confirm", study, pk=other.pk), {"code": "3a", "status": "uncoded", "page": "2"}, HTTP_HX_REQUEST="true",
    )
    body = htmx.content.decode()
    assert htmx.status_code == 200 and 'aria-current="page">2<' in body and len(_unit_ids(body)) == 20
    assert MeaningUnit.objects.get(pk=unit.pk).code == "3b" and MeaningUnit.objects.get(pk=other.pk).code == "3a"
