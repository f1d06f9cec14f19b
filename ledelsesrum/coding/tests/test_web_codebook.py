"""The Kodebog page: roles, showing, copying, editing, import/export (JSON, .qdc, bad files),
codes in use, thresholds with live validation, and the synthesis page following the thresholds."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.coding import study_codebook, workspace
from ledelsesrum.coding.codebook import from_data, from_qdc, load_codebook, to_data, to_qdc
from ledelsesrum.coding.models import MeaningUnit, StudyCodingSetup
from ledelsesrum.studies.models import Study

from .test_study_codebook import CUSTOM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _char_embedder(char_workspace):
    yield


@pytest.fixture
def study(three_notes_study):
    return three_notes_study


def url(name, study, **kw):
    return reverse(f"coding:{name}", kwargs={"study_id": study.pk, **kw})


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str) else content)


def version(study) -> str:
    return study_codebook.codebook_version(study)


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["board_reader", "interviewer"])
def test_board_readers_and_interviewers_get_403(client, request, study, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("codebook", study)).status_code == 403
    assert client.get(url("codebook_export", study, fmt="json")).status_code == 403
    assert client.post(url("codebook_copy", study)).status_code == 403
    assert client.post(url("codebook_import", study), {"file": upload("k.json", json.dumps(CUSTOM))}).status_code == 403
    assert client.post(url("thresholds", study), {"mange": "30"}).status_code == 403
    assert client.post(url("thresholds_check", study), {"mange": "30"}).status_code == 403
    assert not StudyCodingSetup.objects.exists()


def test_an_administrator_may_manage_the_codebook(client, admin_user, study):
    client.force_login(admin_user)
    assert client.get(url("codebook", study)).status_code == 200
    assert client.post(url("codebook_copy", study)).status_code == 302
    assert study_codebook.is_custom(study)


# --- showing and editing ------------------------------------------------------------------------


def test_the_page_shows_the_built_in_codebook_with_descriptions_and_examples(analyst_client, study):
    workspace.confirm(MeaningUnit.objects.get(text__startswith="Lederen har"), "3b")
    response = analyst_client.get(url("codebook", study))
    body = response.content.decode()
    default = load_codebook("default")
    assert response.status_code == 200 and "den indbyggede kodebog" in body
    for sub in default.subthemes:
        assert f'data-code="{sub.id}"' in body and sub.label in body
    sub = default.get("3b")
    assert sub.description in body and sub.examples[0] in body
    # Usage per code; no edit forms while the built-in codebook is used.
    assert '<tr id="undertema-3b"' in body and 'class="num used">1<' in body
    assert url("codebook_subtheme_remove", study, code="3b") not in body
    assert AuditEvent.objects.filter(action="coding.codebook.view", study_id=study.pk).exists()
    # Editing the built-in codebook directly is refused.
    response = analyst_client.post(url("codebook_subtheme_add", study, theme_id="1"),
                                   {"n-1-sub_id": "1z", "n-1-label": "Nyt"}, follow=True)
    assert "Lav først en kopi af standardkodebogen" in response.content.decode()
    assert not study_codebook.is_custom(study)


def test_copy_then_add_rename_describe_and_remove_codes(analyst_client, study):
    analyst_client.post(url("codebook_copy", study))
    assert AuditEvent.objects.filter(action="coding.codebook.copy_default").exists()
    response = analyst_client.post(url("codebook_subtheme_add", study, theme_id="3"), {
        "n-3-sub_id": "3x", "n-3-label": "Digitale værktøjer", "n-3-description": "Systemer og it.",
        "n-3-examples": "Det nye system tager tid.\nVi mangler skærme.",
    })
    assert response.status_code == 302 and response["Location"].endswith("#undertema-3x")
    book = workspace.codebook_for(study)
    assert book.get("3x").examples == ("Det nye system tager tid.", "Vi mangler skærme.")
    assert book.theme_of("3x").id == "3"
    analyst_client.post(url("codebook_subtheme", study, code="3x"), {
        "s-3x-label": "It og digitalisering", "s-3x-description": "Alt om it.", "s-3x-examples": "",
    })
    book = workspace.codebook_for(study)
    assert (book.get("3x").label, book.get("3x").description, book.get("3x").examples) == (
        "It og digitalisering", "Alt om it.", ())
    analyst_client.post(url("codebook_theme_add", study), {
        "nt-theme_id": "7", "nt-label": "Digital ledelse", "nt-sub_id": "7a", "nt-sub_label": "Skærmmøder",
    })
    analyst_client.post(url("codebook_theme", study, theme_id="7"), {"t-7-label": "Digitalt lederskab", "t-7-description": "Ny"})
    book = workspace.codebook_for(study)
    assert book.themes[-1].label == "Digitalt lederskab" and book.code_ids[-1] == "7a"
    analyst_client.post(url("codebook_subtheme_remove", study, code="3x"))
    analyst_client.post(url("codebook_theme_remove", study, theme_id="7"))
    assert to_data(workspace.codebook_for(study)) == to_data(load_codebook("default"))
    actions = set(AuditEvent.objects.filter(study_id=study.pk).values_list("action", flat=True))
    assert {"coding.codebook.subtheme_add", "coding.codebook.subtheme_edit", "coding.codebook.theme_add",
            "coding.codebook.theme_edit", "coding.codebook.subtheme_remove", "coding.codebook.theme_remove"} <= actions
    page = analyst_client.get(url("codebook", study)).content.decode()
    assert "sin egen kodebog" in page and url("codebook_subtheme_remove", study, code="3b") in page


def test_removing_a_used_code_is_refused_with_a_danish_message(analyst_client, study):
    analyst_client.post(url("codebook_copy", study))
    workspace.confirm(MeaningUnit.objects.get(text__startswith="Lederen har"), "3b")
    before = version(study)
    response = analyst_client.post(url("codebook_subtheme_remove", study, code="3b"), follow=True)
    assert "Undertemaet 3b kan ikke fjernes: der er 1 kodet enhed med det. Kod enhederne om først." in response.content.decode()
    assert "3b" in workspace.codebook_for(study) and version(study) == before
    response = analyst_client.post(url("codebook_theme_remove", study, theme_id="3"), follow=True)
    assert "Temaet 3 kan ikke fjernes" in response.content.decode() and "3a" in workspace.codebook_for(study)
    assert not AuditEvent.objects.filter(action__endswith="_remove").exists()


def test_a_bad_add_form_keeps_the_input_and_changes_nothing(analyst_client, study):
    analyst_client.post(url("codebook_copy", study))
    before = version(study)
    response = analyst_client.post(url("codebook_subtheme_add", study, theme_id="2"),
                                   {"n-2-sub_id": "1a", "n-2-label": "Dublet"})
    body = response.content.decode()
    assert response.status_code == 400 and "Id »1a« findes allerede i kodebogen." in body
    assert 'value="Dublet"' in body and version(study) == before
    response = analyst_client.post(url("codebook_subtheme_add", study, theme_id="2"),
                                   {"n-2-sub_id": "a/b", "n-2-label": "Skråstreg"})
    assert response.status_code == 400 and "kan ikke bruges" in response.content.decode()
    assert "a/b" not in workspace.codebook_for(study) and version(study) == before


# --- import and export --------------------------------------------------------------------------


def test_importing_good_json_replaces_the_codebook_and_drops_suggestions(analyst_client, study):
    workspace.suggestions_for(study, list(MeaningUnit.objects.filter(study=study)))
    assert all(u.suggestion_cache for u in MeaningUnit.objects.all())
    response = analyst_client.post(url("codebook_import", study), {"file": upload("egen.json", json.dumps(CUSTOM))}, follow=True)
    body = response.content.decode()
    assert "Kodebogen er importeret: 2 temaer og 3 undertemaer." in body
    assert workspace.codebook_for(study).code_ids == ["A1", "A2", "B.sparring"]
    assert not any(u.suggestion_cache for u in MeaningUnit.objects.all())
    event = AuditEvent.objects.get(action="coding.codebook.import")
    assert event.detail == {"format": "json", "codes": ["A1", "A2", "B.sparring"]}
    # The unit page now suggests and offers the new codes only.
    units = analyst_client.get(url("units", study)).content.decode()
    assert 'data-code="A1"' in units and 'value="B.sparring"' in units and 'value="3b"' not in units


def test_importing_a_good_qdc(analyst_client, study):
    qdc = to_qdc(from_data(CUSTOM))
    response = analyst_client.post(url("codebook_import", study), {"file": upload("nvivo.qdc", qdc)})
    assert response.status_code == 302
    assert to_data(workspace.codebook_for(study)) == to_data(from_data(CUSTOM))
    assert AuditEvent.objects.get(action="coding.codebook.import").detail["format"] == "qdc"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("k.json", '[{"id": "A", "label": "Tema", "subthemes": [', "Filen er ikke gyldig JSON (linje 1"),
        ("k.json", '{"temaer": []}', "Kodebogen skal være en liste af temaer"),
        ("k.json", "", "Filen er tom."),
        ("k.qdc", "<CodeBook><Codes>", "REFI-QDA-filen er ikke gyldig XML"),
        ("k.json", json.dumps(CUSTOM) + " " * (1024 * 1024), "Filen er for stor (højst 1 MB)."),
        # issue 10, finding 6: 5,000 nested codes gave a 500 (RecursionError)
        ("k.qdc", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
         + '<Code guid="x" name="c" isCodable="true">' * 5000 + "</Code>" * 5000 + "</Codes></CodeBook>",
         "REFI-QDA-filen har koder i mere end 12 niveauer"),
    ],
)
def test_a_bad_file_gives_a_danish_message_and_changes_nothing(analyst_client, study, name, content, message):
    analyst_client.post(url("codebook_import", study), {"file": upload("egen.json", json.dumps(CUSTOM))})
    before = version(study)
    response = analyst_client.post(url("codebook_import", study), {"file": upload(name, content)})
    body = response.content.decode()
    assert response.status_code == 400 and "Kodebogen er ikke importeret:" in body and message in body
    assert version(study) == before and workspace.codebook_for(study).code_ids == ["A1", "A2", "B.sparring"]
    assert AuditEvent.objects.filter(action="coding.codebook.import").count() == 1


def test_an_import_without_a_used_code_is_refused(analyst_client, study):
    workspace.confirm(MeaningUnit.objects.get(text__startswith="Han har"), "3a")
    response = analyst_client.post(url("codebook_import", study), {"file": upload("egen.json", json.dumps(CUSTOM))})
    body = response.content.decode()
    assert response.status_code == 400 and "Kodebogen mangler undertemaer, som enheder allerede er kodet med: 3a" in body
    assert not study_codebook.is_custom(study)


@pytest.mark.parametrize("fmt", ["json", "qdc"])
def test_export_round_trips(analyst_client, study, fmt):
    analyst_client.post(url("codebook_import", study), {"file": upload("egen.json", json.dumps(CUSTOM))})
    response = analyst_client.get(url("codebook_export", study, fmt=fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="kodebog-{study.pk}.{fmt}"'
    text = response.content.decode("utf-8")
    book = from_qdc(text) if fmt == "qdc" else from_data(json.loads(text))
    assert to_data(book) == to_data(from_data(CUSTOM))
    assert AuditEvent.objects.filter(action="coding.codebook.export", detail__format=fmt).exists()
    # And back in through the import form, unchanged.
    other = Study.objects.create(name="Anden")
    analyst_client.post(url("codebook_import", other), {"file": upload(f"k.{fmt}", text)})
    assert to_data(workspace.codebook_for(other)) == to_data(from_data(CUSTOM))
    assert analyst_client.get(url("codebook_export", study, fmt="pdf")).status_code == 404


def test_the_built_in_codebook_is_exported_too(analyst_client, study):
    text = analyst_client.get(url("codebook_export", study, fmt="json")).content.decode()
    assert to_data(from_data(json.loads(text))) == to_data(load_codebook("default"))


def test_switching_back_to_the_built_in_codebook(analyst_client, study):
    analyst_client.post(url("codebook_import", study), {"file": upload("egen.json", json.dumps(CUSTOM))})
    workspace.confirm(MeaningUnit.objects.get(text__startswith="Han har"), "A2")
    response = analyst_client.post(url("codebook_default", study), follow=True)
    assert "A2 (1 kodet enhed)" in response.content.decode() and study_codebook.is_custom(study)
    MeaningUnit.objects.update(code="")
    analyst_client.post(url("codebook_default", study))
    assert not study_codebook.is_custom(study)
    assert AuditEvent.objects.filter(action="coding.codebook.use_default").count() == 1


# --- thresholds ---------------------------------------------------------------------------------


def test_a_threshold_flips_the_word_on_the_synthesis_page(analyst_client, study):
    workspace.confirm(MeaningUnit.objects.get(text__startswith="Lederen har"), "3b")  # 1 of 3 leaders
    overview = analyst_client.get(url("synthesis", study)).content.decode()
    assert '<tr data-code="3b">' in overview
    assert _word(overview, "3b") == "nogle"
    response = analyst_client.post(url("thresholds", study), {
        "langt_de_fleste": "75", "mange": "30", "nogle": "15"})
    assert response.status_code == 302
    assert StudyCodingSetup.objects.get(study=study).thresholds == {"langt de fleste": 0.75, "mange": 0.3, "nogle": 0.15}
    assert _word(analyst_client.get(url("synthesis", study)).content.decode(), "3b") == "mange"
    detail = analyst_client.get(url("synthesis_detail", study, code="3b")).content.decode()
    assert "mange ledere (1 af 3)" in detail
    event = AuditEvent.objects.get(action="coding.thresholds.save")
    assert event.detail["thresholds"]["mange"] == 0.3
    analyst_client.post(url("thresholds", study), {"reset": "1"})
    assert _word(analyst_client.get(url("synthesis", study)).content.decode(), "3b") == "nogle"


def _word(page: str, code: str) -> str:
    row = page.split(f'<tr data-code="{code}">', 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="quantifier">', 1)[1].split("<", 1)[0].strip()


def test_invalid_thresholds_are_refused_with_messages_and_nothing_saved(analyst_client, study):
    study_codebook.save_thresholds(study, {"mange": 0.3})
    response = analyst_client.post(url("thresholds", study), {"langt_de_fleste": "75", "mange": "80", "nogle": "abc"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "»mange« skal være lavere end »langt de fleste« (75 %)." in body and "Skriv et tal, fx 40 eller 37,5." in body
    assert 'value="80"' in body  # the input is kept
    assert StudyCodingSetup.objects.get(study=study).thresholds == {"mange": 0.3}


def test_live_validation_returns_the_messages_or_the_words_for_the_study(analyst_client, study):
    bad = analyst_client.post(url("thresholds_check", study), {"langt_de_fleste": "75", "mange": "100", "nogle": "15"},
                              HTTP_HX_REQUEST="true")
    body = bad.content.decode()
    assert bad.status_code == 200 and body.startswith('<div id="threshold-feedback"') and "<html" not in body
    assert "»mange« skal ligge over 0 % og under 100 %." in body and 'id="threshold-preview"' not in body
    good = analyst_client.post(url("thresholds_check", study), {"langt_de_fleste": "70", "mange": "30", "nogle": "12,5"},
                               HTTP_HX_REQUEST="true").content.decode()
    assert "Tærsklerne er gyldige" in good and "undersøgelsens 3 interviewede ledere" in good
    assert '<tr data-word="mange"><td>mange</td><td>1–2 af 3</td>' in good
    assert not StudyCodingSetup.objects.exists()


def test_the_page_documents_the_default_thresholds(analyst_client, study):
    body = analyst_client.get(url("codebook", study)).content.decode()
    assert "langt de fleste ≥ 75 %" in body and "mange ≥ 40 %" in body and "få &gt; 0 %" in body
    assert 'name="mange"' in body and 'value="40"' in body


# --- REFI-QDA on the Kodebog page (issue 13, item 6) ---------------------------------------------


def test_the_qdc_gives_each_study_its_own_code_guids(analyst_client, study):
    import re

    other = Study.objects.create(name="En anden undersøgelse")
    first = analyst_client.get(url("codebook_export", study, fmt="qdc")).content.decode()
    again = analyst_client.get(url("codebook_export", study, fmt="qdc")).content.decode()
    second = analyst_client.get(url("codebook_export", other, fmt="qdc")).content.decode()
    guids = lambda text: re.findall(r'guid="([^"]+)"', text)  # noqa: E731
    assert guids(first) and guids(first) == guids(again)  # stable per study
    assert not set(guids(first)) & set(guids(second))  # every "1a" differs between studies


def test_a_qdpx_project_on_the_kodebog_page_imports_its_codebook(analyst_client, study):
    from ledelsesrum.coding.refi_qda import export_study

    other = Study.objects.create(name="Kilden")
    analyst_client.post(url("codebook_import", other), {"file": upload("egen.json", json.dumps(CUSTOM))})
    data, _plan = export_study(other)
    assert data[:4] == b"PK\x03\x04"
    response = analyst_client.post(url("codebook_import", study), {"file": upload("projekt.qdpx", data)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert workspace.codebook_for(study).code_ids == ["A1", "A2", "B.sparring"]


def test_a_qdc_that_would_give_a_coded_code_another_meaning_is_refused(analyst_client, study):
    from ledelsesrum.coding.codebook import load_codebook

    workspace.confirm(MeaningUnit.objects.get(text__startswith="Han har"), "3a")
    data = to_data(load_codebook())
    for theme in data:
        for sub in theme["subthemes"]:
            if sub["id"] == "3a":
                sub["label"] = "Noget helt andet"
    before = version(study)
    response = analyst_client.post(url("codebook_import", study), {"file": upload("k.qdc", to_qdc(from_data(data)))})
    body = response.content.decode()
    assert response.status_code == 400 and "ville få en anden betydning" in body and "3a" in body
    assert version(study) == before
