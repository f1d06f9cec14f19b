"""The builder pages: create from the bank, add, reorder, remove, import, preview; who may use them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.studies.models import Round, Study
from ledelsesrum.surveys import builder
from ledelsesrum.surveys.models import Question, Questionnaire, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    return Study.objects.create(name="Vilkår for ledelse")


@pytest.fixture
def questionnaire(study):
    return builder.create_questionnaire_from_bank(study, scale_codes=["RAADERUM", "TID"])


def url(name: str, study: Study, **kwargs) -> str:
    return reverse(f"surveys:{name}", kwargs={"study_id": study.pk, **kwargs})


def test_the_builder_url_is_the_documented_one(study):
    assert url("builder", study) == f"/undersoegelser/{study.pk}/spoergeskema/"


def test_an_analyst_sees_the_scales_to_choose_when_there_is_no_questionnaire(analyst_client, study):
    response = analyst_client.get(url("builder", study))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Opret fra spørgebanken" in body
    assert 'value="RAADERUM"' in body and "Råderum og indflydelse" in body
    assert not Questionnaire.objects.filter(study=study).exists()


def test_an_analyst_creates_the_questionnaire_from_chosen_scales(analyst_client, study):
    response = analyst_client.post(url("builder_create", study), {"scales": ["RAADERUM", "CHEF"]})
    assert response.status_code == 302 and response.url == url("builder", study)
    q = Questionnaire.objects.get(study=study)
    assert set(q.questions.filter(kind="scale").values_list("scale_code", flat=True)) == {"RAADERUM", "CHEF"}
    assert AuditEvent.objects.filter(action="questionnaire.create", study_id=study.pk).exists()
    page = analyst_client.get(url("builder", study)).content.decode()
    assert "RAAD01" in page and "ca. " in page and "minutter at besvare" in page


def test_a_second_create_is_refused_with_a_message(analyst_client, questionnaire, study):
    count = questionnaire.questions.count()
    response = analyst_client.post(url("builder_create", study), {"scales": ["CHEF"]}, follow=True)
    assert "allerede et spørgeskema" in response.content.decode()
    assert Question.objects.filter(questionnaire__study=study).count() == count


def test_an_analyst_adds_a_custom_question(analyst_client, questionnaire, study):
    page = questionnaire.sections.get(position=1)
    response = analyst_client.post(url("builder_custom", study), {
        "section": page.pk, "kind": "choice", "text": "Hvor holder du dine møder?",
        "options": "På kontoret\nUde i enheden\n", "response_scale": "grad5",
    })
    assert response.status_code == 302
    question = Question.objects.get(questionnaire=questionnaire, code="EGEN01")
    assert question.section == page and question.kind == "choice"
    assert [o["label"] for o in question.options] == ["På kontoret", "Ude i enheden"]


def test_a_custom_choice_without_options_is_shown_again_with_an_error(analyst_client, questionnaire, study):
    response = analyst_client.post(url("builder_custom", study), {
        "section": questionnaire.sections.first().pk, "kind": "choice", "text": "Hvilken?", "options": "",
        "response_scale": "grad5",
    })
    assert response.status_code == 200
    assert "mindst to forskellige svarmuligheder" in response.content.decode()
    assert not questionnaire.questions.filter(code__startswith="EGEN").exists()


def test_an_analyst_reorders_with_a_plain_form_and_with_htmx(analyst_client, questionnaire, study):
    raad02 = questionnaire.questions.get(code="RAAD02")
    response = analyst_client.post(url("builder_question_action", study, question_id=raad02.pk), {"action": "up"})
    assert response.status_code == 302 and response.url.endswith(f"#q-{raad02.pk}")
    section = raad02.section
    order = lambda: list(section.questions.order_by("position").values_list("code", flat=True))[:2]  # noqa: E731
    assert order() == ["RAAD02", "RAAD01"]
    response = analyst_client.post(
        url("builder_question_action", study, question_id=raad02.pk), {"action": "down"}, HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="builder-sections"') and "<html" not in body
    assert order() == ["RAAD01", "RAAD02"]


def test_an_analyst_removes_a_question(analyst_client, questionnaire, study):
    tid01 = questionnaire.questions.get(code="TID01")
    response = analyst_client.post(
        url("builder_question_action", study, question_id=tid01.pk), {"action": "remove"}, HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "TID01" not in response.content.decode()
    assert not questionnaire.questions.filter(code="TID01").exists()


def test_an_analyst_moves_a_question_to_another_page(analyst_client, questionnaire, study):
    tid01 = questionnaire.questions.get(code="TID01")
    target = questionnaire.sections.get(position=0)
    analyst_client.post(url("builder_question_action", study, question_id=tid01.pk), {"action": "move", "section": target.pk})
    tid01.refresh_from_db()
    assert tid01.section == target


def test_an_analyst_edits_a_question_text(analyst_client, questionnaire, study):
    tid01 = questionnaire.questions.get(code="TID01")
    response = analyst_client.post(url("builder_question_edit", study, question_id=tid01.pk),
                                   {"text": "Har du tid til at lede?", "help_text": "Tænk på den seneste måned."})
    assert response.status_code == 302
    tid01.refresh_from_db()
    assert tid01.text == "Har du tid til at lede?" and tid01.help_text == "Tænk på den seneste måned."


def test_an_analyst_adds_a_scale_and_an_item_from_the_bank_browser(analyst_client, questionnaire, study):
    browse = analyst_client.get(url("builder_bank", study))
    assert browse.status_code == 200 and "Ledernetværk" in browse.content.decode()
    analyst_client.post(url("builder_bank", study), {"scale": "NETVAERK"})
    assert set(questionnaire.questions.filter(scale_code="NETVAERK").values_list("code", flat=True)) == {
        "NETV01", "NETV02", "NETV03"}
    page = questionnaire.sections.get(position=1)
    analyst_client.post(url("builder_bank", study), {"item": "CHEF01", "section": page.pk})
    assert questionnaire.questions.get(code="CHEF01").section == page


def test_sections_can_be_added_renamed_and_moved(analyst_client, questionnaire, study):
    analyst_client.post(url("builder_section_add", study), {"title": "Ekstra", "intro": ""})
    section = questionnaire.sections.get(title="Ekstra")
    analyst_client.post(url("builder_section_edit", study, section_id=section.pk), {"title": "Ekstra side", "intro": "Lidt mere"})
    analyst_client.post(url("builder_section_action", study, section_id=section.pk), {"action": "up"})
    section.refresh_from_db()
    assert section.title == "Ekstra side" and section.position == questionnaire.sections.count() - 2


def test_the_builder_refuses_edits_once_the_main_round_collects(analyst_client, questionnaire, study):
    Round.objects.create(study=study, kind=Round.Kind.MAIN, status=Round.Status.COLLECTING)
    page = analyst_client.get(url("builder", study)).content.decode()
    assert "kan ikke længere ændres" in page and "/handling/" not in page and "RAAD01" in page
    tid01 = questionnaire.questions.get(code="TID01")
    response = analyst_client.post(url("builder_question_action", study, question_id=tid01.pk), {"action": "remove"}, follow=True)
    assert "kan ikke længere ændres" in response.content.decode()
    assert questionnaire.questions.filter(code="TID01").exists()


def test_a_board_reader_is_refused_every_builder_page(board_client, questionnaire, study):
    tid01 = questionnaire.questions.get(code="TID01")
    assert board_client.get(url("builder", study)).status_code == 403
    assert board_client.get(url("preview", study)).status_code == 403
    assert board_client.post(url("builder_create", study), {"scales": ["TID"]}).status_code == 403
    assert board_client.post(url("builder_question_action", study, question_id=tid01.pk), {"action": "remove"}).status_code == 403
    assert questionnaire.questions.filter(code="TID01").exists()


def test_an_anonymous_visitor_is_sent_to_the_login(client, study):
    response = client.get(url("builder", study))
    assert response.status_code == 302 and "/konto/" in response.url


def test_the_preview_shows_every_page_as_a_respondent_sees_it_and_saves_nothing(analyst_client, study):
    questionnaire = builder.create_questionnaire_from_bank(study)
    sections = list(questionnaire.sections.order_by("position"))
    for n, section in enumerate(sections, start=1):
        response = analyst_client.get(url("preview", study) + f"?side={n}")
        assert response.status_code == 200
        body = response.content.decode()
        assert f"Side {n} af {len(sections)}" in body and section.title in body
        for question in section.questions.all():
            assert question.text in body
    scale_page = analyst_client.get(url("preview", study) + "?side=2").content.decode()
    assert "I meget høj grad" in scale_page and "Ved ikke / ikke relevant" in scale_page and 'type="radio"' in scale_page
    assert "<textarea" in analyst_client.get(url("preview", study) + f"?side={len(sections)}").content.decode()
    assert Response.objects.count() == 0


def test_an_instrument_file_is_imported(analyst_client, study):
    upload = SimpleUploadedFile("instrument.yaml", """
version: "2.0"
title: Kundeinstrument
scales:
  - code: KUNDE
    title: Kundens skala
    subtheme: 3b
    items:
      - {code: KU1, text: "Første"}
      - {code: KU2, text: "Anden"}
""".encode(), content_type="application/x-yaml")
    response = analyst_client.post(url("builder_import", study), {"file": upload}, follow=True)
    assert "Kundeinstrument" in response.content.decode()
    assert list(Questionnaire.objects.get(study=study).questions.values_list("code", flat=True)) == ["KU1", "KU2"]


def test_a_broken_instrument_file_is_refused_with_its_errors(analyst_client, study):
    upload = SimpleUploadedFile("instrument.yaml", b"version: '1'\nscales:\n  - code: X\n    title: X\n    subtheme: 9q\n    items: []\n")
    response = analyst_client.post(url("builder_import", study), {"file": upload}, follow=True)
    body = response.content.decode()
    assert "Ukendt undertema &#x27;9q&#x27;" in body or "Ukendt undertema '9q'" in body
    assert not Questionnaire.objects.filter(study=study).exists()


# A 4.9 KB "billion laughs" of YAML: nine levels of anchors, each nine aliases of the last. With
# PyYAML's safe_load it built ~387 million nodes and held the request (issue 10, finding 4).
_LAUGHS = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)
] + ["version: '1'", "scales: *a8"]
YAML_BOMB = ("\n".join(_LAUGHS) + "\n").encode()


def test_a_yaml_alias_bomb_is_refused_at_once(analyst_client, study):
    import time

    upload = SimpleUploadedFile("instrument.yaml", YAML_BOMB)
    started = time.perf_counter()
    response = analyst_client.post(url("builder_import", study), {"file": upload}, follow=True)
    assert time.perf_counter() - started < 2
    body = response.content.decode()
    assert "YAML-aliasser" in body
    assert not Questionnaire.objects.filter(study=study).exists()


def test_yaml_nested_deeper_than_the_limit_is_refused(analyst_client, study):
    upload = SimpleUploadedFile("instrument.yaml", b"version: '1'\nscales: " + b"[" * 5000 + b"]" * 5000)
    response = analyst_client.post(url("builder_import", study), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "indlejret mere end 40 niveauer" in response.content.decode()
    assert not Questionnaire.objects.filter(study=study).exists()
