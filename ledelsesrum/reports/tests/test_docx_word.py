"""The DOCX report is a document a municipal secretary can go on editing in Word: A4, Danish
proofing language, the report's own core properties, every numbered list starting at 1, a live
table of contents, charts as pictures with alt text, header rows repeated on every page and
Word's own style names. Read both with python-docx and straight from the XML."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from ledelsesrum.reports.compose import compose
from ledelsesrum.reports.render import TOC_PLACEHOLDER, render_docx, svg_to_png

from .builders import report_study

pytestmark = pytest.mark.django_db
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def docx(db):
    rep = compose(report_study()["study"])
    data = render_docx(rep)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    return rep, Document(io.BytesIO(data)), parts


def xml(parts, name):
    return etree.fromstring(parts[name])


def test_the_pages_are_a4_with_the_pdfs_margins(docx):
    _rep, doc, parts = docx
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 20
    pg_sz = xml(parts, "word/document.xml").find(f".//{W}sectPr/{W}pgSz")
    assert (pg_sz.get(f"{W}w"), pg_sz.get(f"{W}h")) == ("11906", "16838")


def test_the_proofing_language_is_danish_in_the_defaults_the_normal_style_and_settings(docx):
    _rep, doc, parts = docx
    styles = xml(parts, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    normal = styles.find(f"{W}style[@{W}styleId='Normal']/{W}rPr/{W}lang")
    assert default.get(f"{W}val") == normal.get(f"{W}val") == "da-DK"
    assert {lang.get(f"{W}val") for lang in styles.iter(f"{W}lang")} == {"da-DK"}
    assert b"en-US" not in parts["word/settings.xml"]
    assert doc.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "da-DK"


def test_the_core_properties_are_the_reports_and_name_the_organisation(docx):
    rep, doc, parts = docx
    props = doc.core_properties
    assert rep.organisation
    assert (props.title, props.author, props.last_modified_by, props.language) == (
        rep.title, rep.organisation, rep.organisation, "da-DK")
    now = datetime.now(UTC).replace(tzinfo=None)
    for when in (props.created, props.modified):
        assert abs(when.replace(tzinfo=None) - now) < timedelta(minutes=5)
    every_part = b"".join(parts.values())
    assert b"python-docx" not in every_part
    assert b"Macintosh" not in parts["docProps/app.xml"]
    assert "docProps/thumbnail.jpeg" not in parts


def test_each_numbered_list_has_its_own_numbering_that_starts_at_1(docx):
    rep, doc, parts = docx
    numbering = xml(parts, "word/numbering.xml")
    starts = {
        num.get(f"{W}numId"): num.find(f"{W}lvlOverride[@{W}ilvl='0']/{W}startOverride")
        for num in numbering.iter(f"{W}num")
    }
    lists: dict[str, list[str]] = {}
    for p in doc.paragraphs:
        if p.style.name == "List Number":
            num_id = p._p.pPr.numPr.numId.val
            lists.setdefault(str(num_id), []).append(p.text)
    questions = next(s.numbered for s in rep.front if s.numbered)
    recommendations = [r for c in rep.chapters for s in c.subthemes for r in [s.recommendations] if r]
    assert list(lists.values()) == [questions, *recommendations]
    assert len(lists) >= 2
    for num_id in lists:
        assert starts[num_id] is not None and starts[num_id].get(f"{W}val") == "1"


def test_the_contents_is_a_toc_field_over_headings_1_to_3_with_a_danish_hint(docx):
    rep, doc, parts = docx
    body = xml(parts, "word/document.xml")
    instructions = " ".join(t.text for t in body.iter(f"{W}instrText"))
    assert re.search(r'TOC \\o "1-3" \\h \\z \\u', instructions)
    texts = [p.text for p in doc.paragraphs]
    assert TOC_PLACEHOLDER in texts
    assert TOC_PLACEHOLDER.startswith("Højreklik og vælg Opdater felt")
    begins = [c.get(f"{W}fldCharType") for c in body.iter(f"{W}fldChar")]
    assert begins.count("begin") == begins.count("end")
    # "Indhold" itself is no heading in the TOC it introduces.
    assert [p.style.name for p in doc.paragraphs if p.text == "Indhold"] == ["TOC Heading"]


def test_every_chart_is_a_png_picture_with_alt_text(docx):
    rep, doc, parts = docx
    assert len(doc.inline_shapes) == len(rep.appendix) >= 1
    body = xml(parts, "word/document.xml")
    doc_prs = list(body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    assert len(doc_prs) == len(rep.appendix)
    for doc_pr, scale in zip(doc_prs, rep.appendix, strict=True):
        assert doc_pr.get("descr", "").startswith(scale.title + ".")
        assert "Alle: " in doc_pr.get("descr")
    media = [name for name in parts if name.startswith("word/media/")]
    assert media and all(parts[m].startswith(b"\x89PNG") for m in media)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Figur 1: ") for c in captions)
    assert any(c.startswith("Tabel 1: ") for c in captions)


def test_the_chart_picture_is_drawn_from_the_svg():
    from PIL import Image

    from ledelsesrum.analysis.charts import Row, score_bars

    svg = score_bars([Row("Alle", 60.0), Row("Lille", None)], title="Trivsel", k=5)
    image = Image.open(io.BytesIO(svg_to_png(svg))).convert("RGB")
    assert image.width == 1280
    colours = {colour for _n, colour in image.getcolors(maxcolors=1 << 20)}
    assert (0x0B, 0x5C, 0xAD) in colours  # the bar's fill


def test_every_table_repeats_its_header_row_on_each_page(docx):
    _rep, doc, _parts = docx
    assert doc.tables
    for table in doc.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None
                   for row in table.rows[1:])
        assert table.style.name == "Table Grid"


def test_the_styles_are_words_own_names(docx):
    _rep, doc, parts = docx
    used = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Number",
            "List Bullet", "Caption", "TOC Heading"} <= used
    styles = xml(parts, "word/styles.xml")
    names = {s.find(f"{W}name").get(f"{W}val") for s in styles.iter(f"{W}style")}
    # As Word itself writes them: built-in heading and caption names are lower case in the XML.
    assert {"heading 1", "heading 2", "heading 3", "caption", "Table Grid", "List Number"} <= names


def test_the_footer_numbers_the_pages_but_not_the_title_page(docx):
    _rep, doc, _parts = docx
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    footer = section.footer._element
    assert "PAGE" in " ".join(t.text for t in footer.iter(qn("w:instrText")))
