"""REFI-QDA project exchange (.qdpx): the file validates against the official XSDs, GUIDs are the
study's own, a round trip out → in keeps every coded segment, a foreign project imports, and
clashes or broken files are refused with a Danish message and nothing changed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xmlschema

from ledelsesrum.coding import refi_qda, study_codebook, workspace
from ledelsesrum.coding.codebook import code_guid, from_qdc, load_codebook, to_qdc
from ledelsesrum.coding.models import CodingDecision, MeaningUnit, SubthemeEssence
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.organisation.models import Leader
from ledelsesrum.studies.models import Study

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent / "data" / "refi_qda"

LONG_NOTE = (
    "[Leder A] fortæller, at driften fylder hele kalenderen, og at der næsten ingen tid er til "
    "faglig ledelse. Møderne i forvaltningen tager flere dage om måneden.\n\n"
    "Hun savner sparring med sin nærmeste chef. Chefen er svær at få fat i, og ledernetværket er "
    "gået i stå efter omorganiseringen.\n\n"
    "- Ledelsesspændet er vokset til 48 medarbejdere.\n"
    "- Der er ingen souschef til at tage sig af vagtplanen og de daglige udfordringer.\n\n"
    "Derudover fortæller hun om \u201cen god kultur\u201d i personalegruppen, hvor man hjælper hin-\n"
    "anden, når der er travlt."
)


@pytest.fixture(autouse=True)
def _char_embedder(char_workspace):
    yield


@pytest.fixture
def project_xsd():
    return xmlschema.XMLSchema(SCHEMAS / "Project.xsd")


@pytest.fixture
def study(three_notes_study, analyst):
    """Four notes (one long, with paragraphs, bullets, typographic quotes and a hyphenated line
    break), units built, most of them coded; a condensed meaning and an essence written."""
    leader = Leader.objects.create(name="Karen Blixensen", email="karen@kommune.dk")
    interview = Interview.objects.create(study=three_notes_study, leader=leader, status=Interview.Status.DONE)
    InterviewNote.objects.create(interview=interview, kind="notes", text=LONG_NOTE)
    workspace.build_units(three_notes_study)
    codes = ["3b", "2a", "4b", "3a", "2b", "1a", "1b", "4a"]
    for unit, code in zip(MeaningUnit.objects.filter(study=three_notes_study).order_by("source_key", "position"),
                          codes, strict=False):
        workspace.confirm(unit, code, analyst)
    unit = MeaningUnit.objects.filter(study=three_notes_study, code="3b").first()
    workspace.save_condensed(unit, "For lidt tid til ledelse")
    SubthemeEssence.objects.create(study=three_notes_study, code="3b", essence="Driften æder ledelsestiden.")
    return three_notes_study


def segments_of(data: bytes) -> set[tuple[str, int, int, str]]:
    """(source guid, start, end, code guid) of every coding in a .qdpx."""
    project = refi_qda.read_qdpx(data)
    return {(s.guid, sel.start, sel.end, c.code_guid) for s in project.sources for sel in s.selections for c in sel.codings}


def coded(study) -> set[tuple[int, str, str]]:
    return {(u.interview_note_id, " ".join(u.text.split()), u.code)
            for u in MeaningUnit.objects.filter(study=study).exclude(code="")}


# --- the file --------------------------------------------------------------------------------------


def test_the_project_validates_against_the_refi_qda_project_xsd(study, project_xsd):
    data, plan = refi_qda.export_study(study)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        qde = zf.read("project.qde")
        project_xsd.validate(qde)
        for source in refi_qda.read_qdpx(data).sources:
            assert f"sources/{source.guid}.txt" in names
            assert zf.read(f"sources/{source.guid}.txt").decode("utf-8") == source.text
    assert b'plainTextPath="internal://' in qde
    assert plan.sources == 4 and plan.segments == 8 and not plan.unplaced and plan.memos == 2


def test_every_selection_spans_the_text_of_its_unit(study):
    data, _plan = refi_qda.export_study(study)
    project = refi_qda.read_qdpx(data)
    units = {u.text: u for u in MeaningUnit.objects.filter(study=study).exclude(code="")}
    texts = []
    for source in project.sources:
        for sel in source.selections:
            texts.append(" ".join(refi_qda.unit_text(source.text, sel.start, sel.end).split()))
    assert sorted(texts) == sorted(units)


def test_the_codebook_exports_validate_and_guids_are_the_studys_own(study):
    codebook_xsd = xmlschema.XMLSchema(SCHEMAS / "Codebook.xsd")
    other = Study.objects.create(name="En anden undersøgelse")
    scope_a, scope_b = refi_qda.study_key(study), refi_qda.study_key(other)
    qdc_a = to_qdc(load_codebook("default"), scope=scope_a)
    codebook_xsd.validate(qdc_a)
    assert code_guid("1a", scope_a) in qdc_a
    assert code_guid("1a", scope_a) == code_guid("1a", refi_qda.study_key(Study.objects.get(pk=study.pk)))
    assert code_guid("1a", scope_a) != code_guid("1a", scope_b) != code_guid("1b", scope_b)
    assert from_qdc(qdc_a).code_ids == load_codebook("default").code_ids
    data_a, _ = refi_qda.export_study(study)
    data_b, _ = refi_qda.export_study(other)
    guids_a = {c.guid for c in refi_qda.read_qdpx(data_a).all_codes()}
    guids_b = {c.guid for c in refi_qda.read_qdpx(data_b).all_codes()}
    assert guids_a and not guids_a & guids_b
    # Stable: the same study exports the same GUIDs again.
    assert segments_of(refi_qda.export_study(study)[0]) == segments_of(data_a)


def test_no_leader_name_goes_into_the_file(study):
    data, _ = refi_qda.export_study(study)
    blob = b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n) for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    for leader in Leader.objects.all():
        assert leader.name.encode() not in blob and leader.email.encode() not in blob


def test_a_note_holding_a_leaders_name_is_held_back(study):
    note = InterviewNote.objects.get(text=LONG_NOTE)
    InterviewNote.objects.filter(pk=note.pk).update(text=LONG_NOTE + "\n\nKaren Blixensen var også med.")
    data, plan = refi_qda.export_study(study)
    assert plan.held_back == [note.pk]
    assert b"Blixensen" not in b"".join(zipfile.ZipFile(io.BytesIO(data)).read(n)
                                          for n in zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_open_answers_are_not_exported_and_counted(study):
    MeaningUnit.objects.create(study=study, source_key="answer:1:AABEN1", response_id=1, question_code="AABEN1",
                               text="Mere tid til ledelse.", code="3b")
    _data, plan = refi_qda.export_study(study)
    assert plan.open_answers == 1 and plan.segments == 8


# --- round trip ---------------------------------------------------------------------------------


def test_round_trip_out_and_in_keeps_every_coded_segment(study, analyst):
    data, _ = refi_qda.export_study(study)
    before_units, before_segments = coded(study), segments_of(data)
    MeaningUnit.objects.filter(study=study).update(code="", coded_by=None, coded_at=None, condensed="")
    SubthemeEssence.objects.all().delete()
    outcome = refi_qda.import_into_study(study, data, analyst)
    assert (outcome.segments, outcome.coded, outcome.created, outcome.unchanged) == (8, 8, 0, 0)
    assert coded(study) == before_units
    assert segments_of(refi_qda.export_study(study)[0]) == before_segments
    assert MeaningUnit.objects.get(study=study, code="3b", interview_note__kind="summary").condensed == "For lidt tid til ledelse"
    assert SubthemeEssence.objects.get(study=study, code="3b").essence == "Driften æder ledelsestiden."
    assert set(MeaningUnit.objects.filter(study=study).exclude(code="").values_list("coded_by", flat=True)) == {analyst.pk}
    assert CodingDecision.objects.filter(unit__study=study, suggestion_rank=None).count() >= 8


def test_importing_the_same_file_twice_changes_nothing(study, analyst):
    data, _ = refi_qda.export_study(study)
    before = (coded(study), MeaningUnit.objects.count())
    outcome = refi_qda.import_into_study(study, data, analyst)
    assert outcome.unchanged == 8 and outcome.coded == outcome.created == 0
    assert (coded(study), MeaningUnit.objects.count()) == before


def test_units_deleted_after_the_export_come_back_from_the_notes(study, analyst):
    data, _ = refi_qda.export_study(study)
    before = coded(study)
    MeaningUnit.objects.filter(study=study).delete()
    outcome = refi_qda.import_into_study(study, data, analyst)
    assert outcome.segments == 8 and coded(study) == before


def test_an_edited_unit_is_placed_by_similarity(study):
    unit = MeaningUnit.objects.get(study=study, code="4a")
    workspace.edit_unit_text(unit, unit.text.replace("udfordringer", "opgaver"))
    data, plan = refi_qda.export_study(study)
    assert plan.segments == 8 and plan.approximate == 1 and not plan.unplaced


def test_a_second_code_on_a_coded_span_becomes_a_second_unit(study, analyst):
    data, _ = refi_qda.export_study(study)
    unit = MeaningUnit.objects.get(study=study, code="3b", interview_note__kind="summary")
    MeaningUnit.objects.filter(pk=unit.pk).update(code="6a")
    outcome = refi_qda.import_into_study(study, data, analyst)
    assert outcome.created == 1
    assert sorted(MeaningUnit.objects.filter(study=study, text=unit.text).values_list("code", flat=True)) == ["3b", "6a"]


# --- a foreign project (QualCoder / NVivo style) ------------------------------------------------

FOREIGN_TEXT = "Lederen har for lidt tid til ledelse. Driften fylder hele kalenderen."


def foreign_qdpx(text_in_file: str, selections: str, codes: str | None = None, extra_source: str = "") -> bytes:
    codes = codes or """
      <Code guid="aaaaaaaa-0000-4000-8000-000000000001" name="Ledelsesrum" isCodable="false" color="#ff0000">
        <Description>Overordnet</Description>
        <Code guid="aaaaaaaa-0000-4000-8000-000000000002" name="Tid til ledelse" isCodable="true"/>
        <Code guid="aaaaaaaa-0000-4000-8000-000000000003" name="Samarbejde med TR" isCodable="true">
          <NoteRef targetGUID="aaaaaaaa-0000-4000-8000-0000000000e1"/>
        </Code>
      </Code>"""
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Fra QualCoder" origin="QualCoder 3.5"
         creatingUserGUID="{{BBBBBBBB-0000-4000-8000-000000000001}}" creationDateTime="2026-01-05T10:00:00Z">
  <Users><User guid="bbbbbbbb-0000-4000-8000-000000000001" name="mette"/></Users>
  <CodeBook><Codes>{codes}</Codes></CodeBook>
  <Variables><Variable guid="cccccccc-0000-4000-8000-000000000001" name="Område" typeOfVariable="Text"/></Variables>
  <Cases><Case guid="cccccccc-0000-4000-8000-000000000002" name="Sag 1">
    <SourceRef targetGUID="dddddddd-0000-4000-8000-000000000001"/></Case></Cases>
  <Sources>
    <TextSource guid="dddddddd-0000-4000-8000-000000000001" name="interview_leder_1.docx"
                plainTextPath="internal://dddddddd-0000-4000-8000-000000000001.txt"
                richTextPath="internal://dddddddd-0000-4000-8000-000000000001.docx"
                creatingUser="bbbbbbbb-0000-4000-8000-000000000001">
      <Description>Transskription</Description>
      {selections}
      <VariableValue><VariableRef targetGUID="cccccccc-0000-4000-8000-000000000001"/><TextValue>Dagtilbud</TextValue></VariableValue>
    </TextSource>
    {extra_source}
  </Sources>
  <Notes>
    <Note guid="aaaaaaaa-0000-4000-8000-0000000000e1" name="Memo om TR"><PlainTextContent>TR er en vigtig sparringspartner.</PlainTextContent></Note>
    <Note guid="aaaaaaaa-0000-4000-8000-0000000000e2" name="Markering"><PlainTextContent>Tidspres i hverdagen.</PlainTextContent></Note>
    <Note guid="aaaaaaaa-0000-4000-8000-0000000000e3" name="Projektnote"><PlainTextContent>Noter til projektet.</PlainTextContent></Note>
  </Notes>
  <Sets><Set guid="eeeeeeee-0000-4000-8000-000000000001" name="Vigtige">
    <MemberCode targetGUID="aaaaaaaa-0000-4000-8000-000000000002"/></Set></Sets>
</Project>
"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/dddddddd-0000-4000-8000-000000000001.txt", text_in_file.encode("utf-8"))
        zf.writestr("sources/dddddddd-0000-4000-8000-000000000001.docx", b"PK\x03\x04 not read")
    return buffer.getvalue()


def selection(start: int, end: int, code: str, note: str = "") -> str:
    ref = f'<NoteRef targetGUID="{note}"/>' if note else ""
    return f"""<PlainTextSelection guid="ffffffff-0000-4000-8000-{start:06d}{end:06d}" startPosition="{start}" endPosition="{end}"
        creatingUser="bbbbbbbb-0000-4000-8000-000000000001" creationDateTime="2026-01-05T10:05:00Z">
        <Coding guid="ffffffff-1111-4000-8000-{start:06d}{end:06d}" creatingUser="bbbbbbbb-0000-4000-8000-000000000001">
          <CodeRef targetGUID="{code}"/></Coding>{ref}
      </PlainTextSelection>"""


def test_a_foreign_project_imports_codes_by_label_and_adds_new_ones(study, analyst, project_xsd):
    text = FOREIGN_TEXT.replace(". ", ".\r\n")  # Windows line endings in the tool's text
    first = text.index("Driften")
    sels = (selection(0, len(text), "aaaaaaaa-0000-4000-8000-000000000002", "aaaaaaaa-0000-4000-8000-0000000000e2")
            + selection(first, len(text), "aaaaaaaa-0000-4000-8000-000000000003"))
    data = foreign_qdpx(text, sels)
    project_xsd.validate(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
    MeaningUnit.objects.filter(study=study).update(code="")
    outcome = refi_qda.import_into_study(study, data, analyst)
    book = workspace.codebook_for(study)
    new_sub = next(s for s in book.subthemes if s.label == "Samarbejde med TR")
    assert outcome.new_codes == ["7", new_sub.id] and new_sub.theme_id == "7" and book.theme_of(new_sub.id).label == "Ledelsesrum"
    # "Tid til ledelse" is 3b; the new code takes no id any code of the study has.
    assert new_sub.id not in load_codebook("default")
    note = InterviewNote.objects.get(text=FOREIGN_TEXT)
    units = {u.text: u for u in MeaningUnit.objects.filter(interview_note=note)}
    whole = units[FOREIGN_TEXT]
    # The analyst's condensed meaning stays; the tool's memo on the segment is added after it.
    assert whole.code == "3b" and whole.condensed == "For lidt tid til ledelse\n\nTidspres i hverdagen."
    driften = units["Driften fylder hele kalenderen."]
    assert driften.code == new_sub.id and driften.position == 1 and whole.position == 0
    assert SubthemeEssence.objects.get(study=study, code=new_sub.id).essence == "TR er en vigtig sparringspartner."
    assert outcome.created == 1 and outcome.coded == 1
    assert any("Projektnote" in s for s in outcome.skipped)


def test_a_foreign_source_with_the_same_text_may_use_its_own_offsets(study, analyst):
    data = foreign_qdpx(FOREIGN_TEXT, selection(0, len(FOREIGN_TEXT), "aaaaaaaa-0000-4000-8000-000000000002"))
    MeaningUnit.objects.filter(study=study).update(code="")
    refi_qda.import_into_study(study, data, analyst)
    assert MeaningUnit.objects.get(text=FOREIGN_TEXT).code == "3b"


# --- refusals -----------------------------------------------------------------------------------


def refused(study, data: bytes, analyst) -> list[str]:
    before = (coded(study), MeaningUnit.objects.count(), study_codebook.codebook_version(study))
    with pytest.raises(refi_qda.ImportRefused) as info:
        refi_qda.import_into_study(study, data, analyst)
    assert (coded(study), MeaningUnit.objects.count(), study_codebook.codebook_version(study)) == before
    return info.value.problems


def test_a_selection_outside_the_text_is_refused(study, analyst):
    data = foreign_qdpx(FOREIGN_TEXT, selection(10, 500, "aaaaaaaa-0000-4000-8000-000000000002"))
    assert refused(study, data, analyst) == [
        "Markeringen 10–500 i kilden »interview_leder_1.docx« ligger uden for teksten (0–69)."]


def test_a_source_that_is_not_a_note_of_the_study_is_refused(study, analyst):
    data = foreign_qdpx("En helt anden tekst om noget andet.", selection(0, 5, "aaaaaaaa-0000-4000-8000-000000000002"))
    (problem,) = refused(study, data, analyst)
    assert "svarer ikke til nogen interviewnote" in problem


def test_a_known_source_with_another_text_is_refused(study, analyst):
    data, _ = refi_qda.export_study(study)
    project = refi_qda.read_qdpx(data)
    project.sources[0].text = project.sources[0].text + " Tilføjet i NVivo."
    project.codebook, project.codes = load_codebook("default"), []
    project.code_scope = refi_qda.study_key(study)
    (problem,) = refused(study, refi_qda.write_qdpx(project), analyst)
    assert "findes allerede (interview" in problem and "med en anden tekst" in problem


def test_a_guid_or_id_with_another_meaning_is_refused(study, analyst):
    scope = refi_qda.study_key(study)
    codes = f"""<Code guid="{code_guid('3', scope)}" name="3) Organisering og ledelsesspænd" isCodable="false">
        <Code guid="{code_guid('3b', scope)}" name="3b) Noget helt andet" isCodable="true"/>
        <Code guid="aaaaaaaa-0000-4000-8000-000000000009" name="3a) Også noget andet" isCodable="true"/></Code>"""
    theme = workspace.codebook_for(study).theme_of("3b")
    codes = codes.replace("Organisering og ledelsesspænd", theme.label)
    data = foreign_qdpx(FOREIGN_TEXT, selection(0, 10, code_guid("3b", scope)), codes)
    problems = refused(study, data, analyst)
    assert len(problems) == 2
    assert "samme GUID som 3b" in problems[0]
    assert problems[1].startswith("Id 3a bruges allerede her til")


def test_codings_on_a_pdf_are_refused(study, analyst):
    pdf = """<PDFSource guid="dddddddd-0000-4000-8000-000000000009" name="rapport.pdf" path="internal://x.pdf">
      <PDFSelection guid="dddddddd-0000-4000-8000-000000000010" page="1" firstX="0" firstY="0" secondX="5" secondY="5">
        <Coding guid="dddddddd-0000-4000-8000-000000000011"><CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000002"/></Coding>
      </PDFSelection></PDFSource>"""
    data = foreign_qdpx(FOREIGN_TEXT, "", extra_source=pdf)
    assert any("rapport.pdf" in p and "kun importere kodninger af tekst" in p for p in refused(study, data, analyst))


def zip_of(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "Filen er tom."),
    (b"PK\x03\x04garbage", "beskadiget eller ufuldstændig"),
    (zip_of(readme_txt=b"hej"), "ingen project.qde"),
    (zip_of(**{"project.qde": b"<Project"}), "ikke gyldig XML"),
    (zip_of(**{"project.qde": b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>"}), "ikke et REFI-QDA-projekt"),
    (zip_of(**{"project.qde": b"<!DOCTYPE x [<!ENTITY a 'b'>]><Project/>"}), "DOCTYPE"),
    (b"\x00\x01binary", "hverken en .qdpx"),
])
def test_broken_files_get_a_danish_message(data, message):
    with pytest.raises(refi_qda.QdpxError, match=message):
        refi_qda.read_qdpx(data)


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>")
        zf.writestr("sources/big.txt", b"a" * (refi_qda.MAX_UNCOMPRESSED + 1))
    with pytest.raises(refi_qda.QdpxError, match="når den pakkes ud"):
        refi_qda.read_qdpx(buffer.getvalue())


def test_source_text_that_is_not_utf8_is_refused():
    qde = (b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'><Sources><TextSource guid="
           b"'dddddddd-0000-4000-8000-000000000001' name='a' plainTextPath='internal://a.txt'/></Sources></Project>")
    with pytest.raises(refi_qda.QdpxError, match="ikke UTF-8"):
        refi_qda.read_qdpx(zip_of(**{"project.qde": qde, "sources__a.txt": "Blåbær".encode("cp1252")}))


def test_the_codebook_inside_a_qdpx_can_be_read(study):
    data, _ = refi_qda.export_study(study)
    assert refi_qda.codebook_from_qdpx(data).code_ids == load_codebook("default").code_ids


def test_generated_qdc_ids_avoid_reserved_ids():
    xml = ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="aaaaaaaa-0000-4000-8000-000000000001" '
           'name="Tema" isCodable="true"><Code guid="aaaaaaaa-0000-4000-8000-000000000002" name="Kode" '
           'isCodable="true"/></Code></Codes></CodeBook>')
    assert from_qdc(xml).code_ids == ["1a"]
    book = from_qdc(xml, reserved={"1", "1a"})
    assert [t.id for t in book.themes] == ["1-2"] and "1a" not in book.code_ids


def test_locate_finds_normalised_units_in_the_raw_note():
    from ledelsesrum.coding.text import split_meaning_units

    pieces = split_meaning_units(LONG_NOTE)
    places = refi_qda.locate(LONG_NOTE, pieces)
    assert all(p is not None and p.exact for p in places)
    for piece, place in zip(pieces, places, strict=True):
        assert refi_qda.unit_text(LONG_NOTE, place.start, place.end) == piece
