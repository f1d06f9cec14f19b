"""Per-study coding setup: codebook storage and validation, usage rules, cache invalidation,
quantifier thresholds, and the synthesis/matrix/report following the study's codebook."""

import json
import re

import pytest

from ledelsesrum.coding import study_codebook, workspace
from ledelsesrum.coding.codebook import CodebookError, from_data, load_codebook, to_data, to_qdc
from ledelsesrum.coding.models import MeaningUnit, SecondCoding, StudyCodingSetup
from ledelsesrum.coding.quantifiers import DEFAULT_SCALE
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db

CUSTOM = [
    {"id": "A", "label": "Tid og drift", "description": "Hvordan tiden bruges.", "subthemes": [
        {"id": "A1", "label": "Tid til ledelse", "description": "Driften og administrationen fylder kalenderen.",
         "examples": ["Jeg når aldrig at lede, fordi driften fylder alt."]},
        {"id": "A2", "label": "Ledelsesspænd", "description": "Mange medarbejdere pr. leder.",
         "examples": ["Jeg har 45 medarbejdere, det er for mange."]},
    ]},
    {"id": "B", "label": "Chefen", "subthemes": [
        {"id": "B.sparring", "label": "Sparring med chefen", "description": "Opbakning og sparring fra chefen.",
         "examples": ["Min chef er svær at få fat i."]},
    ]},
]


@pytest.fixture(autouse=True)
def _char_embedder(char_workspace):
    yield


@pytest.fixture
def study(three_notes_study):
    return three_notes_study


def unit(text_start: str) -> MeaningUnit:
    return MeaningUnit.objects.get(text__startswith=text_start)


# --- defaults and storage -----------------------------------------------------------------------


def test_without_a_setup_the_study_uses_the_built_in_codebook_and_the_default_scale(study):
    assert to_data(workspace.codebook_for(study)) == to_data(load_codebook("default"))
    assert workspace.quantifier_scale_for(study) is DEFAULT_SCALE
    assert not study_codebook.is_custom(study)
    # A setup row with thresholds only still means the built-in codebook.
    study_codebook.save_thresholds(study, {"mange": 0.3})
    assert not study_codebook.is_custom(study) and workspace.codebook_for(study).code_ids[0] == "1a"


def test_a_custom_codebook_is_stored_as_its_json_data_and_returned(study):
    study_codebook.save_codebook(study, from_data(CUSTOM, name="Egen"))
    setup = StudyCodingSetup.objects.get(study=study)
    assert setup.codebook == to_data(from_data(CUSTOM)) and setup.codebook_name == "Egen" and setup.codebook_version
    book = workspace.codebook_for(study)
    assert book.code_ids == ["A1", "A2", "B.sparring"] and book.name == "Egen"
    assert book.get("A1").examples == ("Jeg når aldrig at lede, fordi driften fylder alt.",)
    # Another study is not affected.
    other = Study.objects.create(name="Anden")
    assert workspace.codebook_for(other).code_ids[0] == "1a"


def test_the_codebook_cache_follows_the_version_written_by_another_process(study):
    study_codebook.save_codebook(study, from_data(CUSTOM))
    assert "A1" in workspace.codebook_for(study)
    # Simulate another worker process: the row changes, this process's cache does not know.
    changed = json.loads(json.dumps(CUSTOM))
    changed[0]["subthemes"][0]["label"] = "Tid til at lede"
    StudyCodingSetup.objects.filter(study=study).update(codebook=changed, codebook_version="other-process")
    assert workspace.codebook_for(study).get("A1").label == "Tid til at lede"


def test_copy_default_gives_an_editable_copy_with_the_same_codes(study):
    study_codebook.copy_default(study)
    assert study_codebook.is_custom(study)
    assert to_data(workspace.codebook_for(study)) == to_data(load_codebook("default"))


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["a/b", "x" * 17, "-a", "7 a", ""])
def test_ids_that_cannot_survive_urls_the_unit_field_or_qdc_are_refused(study, bad_id):
    data = json.loads(json.dumps(CUSTOM))
    data[1]["subthemes"][0]["id"] = bad_id
    with pytest.raises(CodebookError):
        study_codebook.check(from_data(data))
    assert not study_codebook.is_custom(study)


def test_too_many_subthemes_are_refused():
    data = [{"id": "T", "label": "Mange", "subthemes": [{"id": f"s{i}", "label": f"K {i}"} for i in range(301)]}]
    with pytest.raises(CodebookError, match="højst 300"):
        study_codebook.check(from_data(data))


def test_parse_upload_reads_json_and_qdc():
    book = study_codebook.parse_upload("egen.json", json.dumps(CUSTOM).encode("utf-8"))
    assert book.code_ids == ["A1", "A2", "B.sparring"] and book.name == "egen"
    qdc = study_codebook.parse_upload("fra-nvivo.qdc", to_qdc(from_data(CUSTOM)).encode("utf-8"))
    assert to_data(qdc) == to_data(from_data(CUSTOM))
    # A BOM and the {"name", "themes"} form are accepted too.
    wrapped = "\ufeff" + json.dumps({"name": "Med navn", "themes": CUSTOM})
    assert study_codebook.parse_upload("x.json", wrapped.encode("utf-8")).name == "Med navn"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen er tom."),
        (b"   \n ", "Filen er tom."),
        (b'[{"id": "A", "label": "x", "subthemes": [', "ikke gyldig JSON (linje 1"),
        (b"hej", "ikke gyldig JSON"),
        (b'{"navn": "x"}', "skal være en liste af temaer"),
        (b'[{"id": "A", "label": "Tema"}]', "har ingen undertemaer"),
        (b'[{"id": "A", "label": "Tema", "subthemes": [{"id": "A", "label": "dublet"}]}]', "mere end én gang"),
        (b"null", "skal være en liste af temaer"),
        ("æøå".encode("latin-1"), "ikke UTF-8"),
        (b"<CodeBook><Codes>", "ikke gyldig XML"),
        (b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><CodeBook/>', "DOCTYPE"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes/></CodeBook>', "ingen temaer"),
        (b"[" * 100000 + b"]" * 100000, "JSON"),
    ],
)
def test_bad_files_give_a_danish_message(content, message):
    with pytest.raises(CodebookError, match=re.escape(message)):
        study_codebook.parse_upload("fil.json", content)


def test_a_huge_file_is_refused_before_parsing():
    huge = json.dumps(CUSTOM).encode("utf-8") + b" " * (study_codebook.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(CodebookError, match="for stor"):
        study_codebook.parse_upload("stor.json", huge)


# --- codes in use -------------------------------------------------------------------------------


def test_a_codebook_that_drops_a_used_code_is_refused_and_nothing_changes(study):
    workspace.confirm(unit("Lederen har"), "3b")
    with pytest.raises(CodebookError, match=r"3b \(1 kodet enhed\)"):
        study_codebook.save_codebook(study, from_data(CUSTOM))
    assert not study_codebook.is_custom(study) and not StudyCodingSetup.objects.exists()


def test_going_back_to_the_built_in_codebook_is_refused_while_a_custom_code_is_used(study):
    study_codebook.save_codebook(study, from_data(CUSTOM))
    version = study_codebook.codebook_version(study)
    workspace.confirm(unit("Lederen har"), "A1")
    with pytest.raises(CodebookError, match="A1"):
        study_codebook.save_codebook(study, None)
    assert study_codebook.codebook_version(study) == version
    MeaningUnit.objects.update(code="")
    study_codebook.save_codebook(study, None)
    assert not study_codebook.is_custom(study)


def test_second_coders_codes_count_as_used(study, analyst):
    study_codebook.save_codebook(study, from_data(CUSTOM))
    SecondCoding.objects.create(unit=unit("Han har"), coder=analyst, code="A2")
    assert study_codebook.code_usage(study) == {"A2": 1}
    with pytest.raises(CodebookError, match="A2"):
        study_codebook.remove_subtheme(study, workspace.codebook_for(study), "A2")


def test_edit_operations(study):
    study_codebook.save_codebook(study, from_data(CUSTOM))
    book = workspace.codebook_for(study)
    book = study_codebook.add_subtheme(book, "B", "B2", " Chefens tid ", "Hvor meget tid chefen har.", "- Et\n\n• To\n")
    assert book.get("B2").label == "Chefens tid" and book.get("B2").examples == ("Et", "To")
    assert book.theme_of("B2").id == "B"
    book = study_codebook.update_subtheme(book, "A1", "Tid", "Ny beskrivelse", ["Eks"])
    assert (book.get("A1").label, book.get("A1").description, book.get("A1").examples) == ("Tid", "Ny beskrivelse", ("Eks",))
    book = study_codebook.add_theme(book, "C", "Nyt tema", "", "C1", "Første")
    assert book.code_ids[-1] == "C1" and book.themes[-1].label == "Nyt tema"
    book = study_codebook.update_theme(book, "C", "Omdøbt", "Beskrevet")
    assert (book.themes[-1].label, book.themes[-1].description) == ("Omdøbt", "Beskrevet")
    with pytest.raises(CodebookError, match="findes allerede"):
        study_codebook.add_subtheme(book, "A", "B2", "Dublet", "", "")
    with pytest.raises(CodebookError, match="findes allerede"):
        study_codebook.add_theme(book, "A1", "Dublet", "", "Z1", "z")
    with pytest.raises(CodebookError, match="mangler en etiket"):
        study_codebook.update_subtheme(book, "A1", "  ", "", "")
    with pytest.raises(CodebookError, match="eneste"):
        study_codebook.remove_subtheme(study, book, "C1")
    book = study_codebook.remove_theme(study, book, "C")
    assert "C1" not in book
    book = study_codebook.remove_subtheme(study, book, "A2")
    assert book.code_ids == ["A1", "B.sparring", "B2"]
    study_codebook.save_codebook(study, book)
    assert workspace.codebook_for(study).code_ids == ["A1", "B.sparring", "B2"]


def test_removing_a_used_code_or_its_theme_is_refused(study):
    study_codebook.save_codebook(study, from_data(CUSTOM))
    workspace.confirm(unit("Lederen har"), "A1")
    workspace.confirm(unit("Han har"), "A1")
    book = workspace.codebook_for(study)
    with pytest.raises(CodebookError, match="der er 2 kodede enheder"):
        study_codebook.remove_subtheme(study, book, "A1")
    with pytest.raises(CodebookError, match="Temaet A kan ikke fjernes"):
        study_codebook.remove_theme(study, book, "A")


# --- suggestions follow the codebook ------------------------------------------------------------


def test_a_codebook_change_drops_stored_suggestions_and_the_cached_suggester(study):
    units = list(MeaningUnit.objects.filter(study=study))
    workspace.suggestions_for(study, units)
    assert all(u.suggestion_cache for u in MeaningUnit.objects.all())
    assert study.pk in workspace._suggesters
    old = workspace.get_suggester(study)
    assert old.codebook.code_ids[0] == "1a"

    study_codebook.save_codebook(study, from_data(CUSTOM))
    assert not any(u.suggestion_cache for u in MeaningUnit.objects.all())
    assert study.pk not in workspace._suggesters
    fresh = workspace.get_suggester(study)
    assert fresh is not old and fresh.codebook.code_ids == ["A1", "A2", "B.sparring"]
    rows = workspace.suggestions_for(study, list(MeaningUnit.objects.filter(study=study)))
    assert {s["code"] for row in rows.values() for s in row} <= {"A1", "A2", "B.sparring"}
    assert rows[unit("Han har").pk][0]["code"] == "A2"


def test_a_codebook_changed_elsewhere_forces_a_refit(study):
    first = workspace.get_suggester(study)
    # Another process saved a codebook: only the row changed, this process's caches are stale.
    StudyCodingSetup.objects.create(study=study, codebook=CUSTOM, codebook_version="elsewhere")
    assert workspace.get_suggester(study) is not first
    assert workspace.get_suggester(study).codebook.code_ids == ["A1", "A2", "B.sparring"]


# --- thresholds ---------------------------------------------------------------------------------


def test_thresholds_are_saved_and_used_by_the_synthesis(study):
    workspace.confirm(unit("Lederen har"), "3b")  # 1 of 3 leaders = 33 %
    assert workspace.synthesis(study, "3b").word == "nogle"
    study_codebook.save_thresholds(study, {"mange": 0.30})
    assert workspace.quantifier_scale_for(study).word(1, 3) == "mange"
    result = workspace.synthesis(study, "3b")
    assert (result.word, result.phrase) == ("mange", "mange ledere (1 af 3)")
    assert {s.code: s.word for s in workspace.overview(study)}["3b"] == "mange"
    study_codebook.save_thresholds(study, None)
    assert workspace.quantifier_scale_for(study) is DEFAULT_SCALE


def test_invalid_thresholds_are_refused_and_a_broken_row_falls_back(study):
    from ledelsesrum.coding.quantifiers import ThresholdError

    with pytest.raises(ThresholdError):
        study_codebook.save_thresholds(study, {"mange": 0.9})  # above "langt de fleste" (75 %)
    assert not StudyCodingSetup.objects.exists()
    StudyCodingSetup.objects.create(study=study, thresholds={"mange": "meget"})
    assert workspace.quantifier_scale_for(study) is DEFAULT_SCALE


# --- synthesis, matrix and report follow the codebook -------------------------------------------


def test_synthesis_matrix_and_report_follow_a_custom_codebook(study):
    from ledelsesrum.reports.compose import compose

    study_codebook.save_codebook(study, from_data(CUSTOM))
    workspace.confirm(unit("Lederen har"), "A1")
    workspace.confirm(unit("Hun savner"), "B.sparring")
    assert [s.code for s in workspace.overview(study)] == ["A1", "A2", "B.sparring"]
    result = workspace.synthesis(study, "B.sparring")
    assert (result.label, result.theme_label, result.leaders) == ("Sparring med chefen", "Chefen", 1)
    m = workspace.matrix(study)
    assert m.codes == ["A1", "A2", "B.sparring"] and m.totals == [1, 0, 1]
    report = compose(study)
    assert [(c.title, [s.code for s in c.subthemes]) for c in report.chapters] == [
        ("Tid og drift", ["A1", "A2"]), ("Chefen", ["B.sparring"])
    ]


def test_edit_needs_an_own_codebook_and_rechecks_usage_when_saving(study):
    with pytest.raises(CodebookError, match="Lav først en kopi"):
        study_codebook.edit(study, lambda book: book)
    study_codebook.copy_default(study)
    study_codebook.edit(study, lambda book: study_codebook.add_subtheme(book, "1", "1z", "Ny", "", ""))
    assert "1z" in workspace.codebook_for(study)
    stale = workspace.codebook_for(study)
    removed = study_codebook.remove_subtheme(study, stale, "1z")  # checked while unused …
    workspace.confirm(unit("Lederen har"), "1z")  # … then someone codes with it
    with pytest.raises(CodebookError, match="1z"):
        study_codebook.edit(study, lambda book: removed)
    assert "1z" in workspace.codebook_for(study)
