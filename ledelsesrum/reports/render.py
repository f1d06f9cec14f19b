"""Render a composed ``Report`` as HTML, PDF (WeasyPrint, PDF/UA-1) or DOCX (python-docx).

The three formats draw from the same ``Report``; none of them reads the database. What each
output contains, and how its accessibility is checked, is in docs/documents.md.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ledelsesrum.lib.pdf import svg_alt_text, write_pdf

from .compose import Report

PRINT_CSS = Path(__file__).parent / "templates" / "reports" / "print.css"
FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOCX_LANGUAGE = "da-DK"
TOC_PLACEHOLDER = "Højreklik og vælg Opdater felt for at se indholdsfortegnelsen."


def render_html(report: Report) -> str:
    """A standalone HTML document (print stylesheet inlined); the PDF is made from it."""
    return render_to_string("reports/document.html", {
        "report": report, "css": PRINT_CSS.read_text(encoding="utf-8"),
    })


def render_pdf(report: Report) -> bytes:
    """The report as a tagged PDF/UA-1 file (``lib.pdf``: charts become figures with alt text)."""
    return write_pdf(render_html(report))


def _docx_subtheme(w: _Word, sub) -> None:
    """One sub-theme of a chapter: phrase, essence, statements, the questionnaire's scales,
    knowledge and recommendations."""
    doc = w.doc
    doc.add_heading(f"{sub.code} {sub.title}", level=2)
    doc.add_paragraph().add_run(sub.phrase).bold = True
    if sub.essence:
        doc.add_paragraph().add_run(sub.essence).italic = True
    if sub.statements:
        doc.add_heading(_("Udsagn fra lederne"), level=3)
        for s in sub.statements:
            doc.add_paragraph(f"»{s}«", style="List Bullet")
    if sub.joint:
        doc.add_heading(_("Spørgeskemaet om samme emne"), level=3)
        w.table([_("Skala"), _("Score (0–100)"), _("Antal")],
                [[r.scale, r.score, r.n] for r in sub.joint],
                caption=_("Spørgeskemaet om %(code)s %(title)s") % {
                    "code": sub.code, "title": sub.title})
    if sub.knowledge:
        doc.add_heading(_("Viden om emnet"), level=3)
        for k in sub.knowledge:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(f"{k.title}. ").bold = True
            p.add_run(f"{k.summary} ({_('Kilde')}: {k.source})")
    doc.add_heading(_("Anbefalinger"), level=3)
    if sub.recommendations:
        w.numbered_list(sub.recommendations)
    else:
        doc.add_paragraph().add_run(
            _("Der er endnu ikke skrevet anbefalinger til dette undertema.")).italic = True


def render_docx(report: Report) -> bytes:
    """The report as a Word document a secretary can go on editing (docs/documents.md)."""
    w = _Word(report)
    doc = w.doc

    # Title page.
    if report.organisation:
        doc.add_paragraph(report.organisation)
    doc.add_paragraph(report.title, style="Title")
    doc.add_paragraph(report.subtitle, style="Subtitle")
    doc.add_paragraph(report.date)
    w.page_break()

    # A live table of contents: Word fills it in on "Opdater felt" (F9).
    doc.add_paragraph(_("Indhold"), style="TOC Heading")
    w.toc_field()
    w.page_break()

    def section(sec) -> None:
        doc.add_heading(sec.title, level=1)
        for p in sec.paragraphs:
            doc.add_paragraph(p)
        for b in sec.bullets:
            doc.add_paragraph(b, style="List Bullet")
        w.numbered_list(sec.numbered)

    for sec in report.front:
        section(sec)
    for chapter in report.chapters:
        doc.add_heading(f"{chapter.number}. {chapter.title}", level=1)
        for sub in chapter.subthemes:
            _docx_subtheme(w, sub)
    section(report.closing)
    doc.add_heading(_("Bilag: Spørgeskemaundersøgelsens resultater"), level=1)
    doc.add_paragraph(report.appendix_intro)
    for scale in report.appendix:
        title = scale.title + (f" ({_('undertema')} {scale.subtheme})" if scale.subtheme else "")
        doc.add_heading(title, level=2)
        w.table(scale.table.headers, scale.table.rows, caption=scale.table.caption)
        w.chart(scale.chart_svg)
    return w.save()


def render(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "docx":
        return render_docx(report)
    raise ValueError(fmt)


# --- DOCX -----------------------------------------------------------------------------------------

class _Word:
    """A python-docx document set up the way a Danish Word user expects it.

    A4 with the PDF's margins, Danish proofing language (document defaults, Normal style and
    settings), core properties of the report (author: the study's organisation; never
    "python-docx"), page numbers in the footer but not on the title page, Word's own style names
    ("Heading 1", "List Number", "Table Grid", "Caption", "TOC Heading"), every numbered list
    starting at 1, table header rows repeated on each page, captions with Word's SEQ fields.
    """

    def __init__(self, report: Report) -> None:
        from docx import Document
        from docx.shared import Mm, Pt

        self.report = report
        self.doc = doc = Document()
        self.figures = 0
        self.tables = 0
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)  # 11906 × 16838 twips
        section.top_margin, section.bottom_margin = Mm(22), Mm(24)
        section.left_margin = section.right_margin = Mm(20)
        section.header_distance = section.footer_distance = Mm(12.5)
        doc.styles["Normal"].font.size = Pt(10.5)
        self._danish()
        self._properties()
        self._page_numbers()
        self._list_number_abstract = self._abstract_num_of("List Number")

    # Set-up.

    def _danish(self) -> None:
        from docx.oxml.ns import qn

        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for el in [rpr, self.doc.styles["Normal"].element.get_or_add_rPr()]:
            lang = el.find(qn("w:lang"))
            if lang is None:
                lang = el.makeelement(qn("w:lang"), {})
                el.append(lang)
            lang.set(qn("w:val"), DOCX_LANGUAGE)
            lang.set(qn("w:eastAsia"), DOCX_LANGUAGE)
            lang.set(qn("w:bidi"), "ar-SA")
        for lang in styles.iter(qn("w:lang")):  # no style of the template may keep en-US
            lang.set(qn("w:val"), DOCX_LANGUAGE)
        settings = self.doc.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), DOCX_LANGUAGE)
            theme_lang.set(qn("w:eastAsia"), DOCX_LANGUAGE)

    def _properties(self) -> None:
        report = self.report
        props = self.doc.core_properties
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        organisation = report.organisation or "Ledelsesrum"
        props.title = report.title
        props.subject = report.subtitle
        props.author = organisation
        props.last_modified_by = organisation
        props.comments = ""
        props.keywords = _("ledelse; vilkår; undersøgelse")
        props.category = _("Rapport")
        props.language = DOCX_LANGUAGE
        props.created = props.modified = now
        props.revision = 1
        # The template's extended properties name another application ("Microsoft Macintosh
        # Word") and carry a thumbnail of an unrelated page: name ours, drop the thumbnail.
        package = self.doc.part.package
        for rel in list(package.rels.values()):
            if rel.reltype.endswith("/metadata/thumbnail"):
                package.rels.pop(rel.rId)
            elif rel.reltype.endswith("/extended-properties"):
                part = rel.target_part
                part._blob = re.sub(rb"<Application>[^<]*</Application>",
                                    b"<Application>Ledelsesrum</Application>", part.blob)
                if report.organisation:
                    company = b"<Company>" + _xml(report.organisation) + b"</Company>"
                    part._blob = part._blob.replace(b"<Company/>", company)

    def _page_numbers(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.doc.sections[0]
        section.different_first_page_header_footer = True  # no number on the title page
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._field(p, "PAGE", "1")

    def _abstract_num_of(self, style_name: str) -> int:
        """The abstractNum behind a list style (the template's "List Number": decimal, "1.")."""
        num_id = self.doc.styles[style_name].element.pPr.numPr.numId.val
        numbering = self.doc.part.numbering_part.element
        return numbering.num_having_numId(num_id).abstractNumId.val

    # Building blocks.

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def numbered_list(self, items: list[str]) -> None:
        """A "List Number" list of its own: a fresh w:num restarting at 1 (Word would otherwise
        run one numbering through every list of the document)."""
        if not items:
            return
        numbering = self.doc.part.numbering_part.element
        num = numbering.add_num(self._list_number_abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        for text in items:
            p = self.doc.add_paragraph(text, style="List Number")
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num.numId

    def toc_field(self) -> None:
        """A TOC field over Heading 1–3 with hyperlinks; until Word updates it, it shows the parts
        and a Danish line saying how to update it."""
        p = self.doc.add_paragraph()
        self._field(p, r'TOC \o "1-3" \h \z \u', TOC_PLACEHOLDER, end=False, dirty=True)
        for _anchor, title in self.report.toc:
            self.doc.add_paragraph(title)
        self._fld_char(self.doc.add_paragraph().add_run(), "end")

    def caption(self, label: str, number: int, text: str) -> None:
        """A "Caption" paragraph "Figur 2: …" with Word's own SEQ field, as Insert Caption makes."""
        p = self.doc.add_paragraph(style="Caption")
        p.add_run(f"{label} ")
        self._field(p, f"SEQ {label} \\* ARABIC", str(number))
        p.add_run(f": {text}")

    def table(self, headers: list[str], rows: list[list[str]], *, caption: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.tables += 1
        self.caption(_("Tabel"), self.tables, caption)
        t = self.doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        tbl_pr = t._tbl.tblPr
        for tag, value in (("w:tblCaption", caption), ("w:tblDescription", caption)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            tbl_pr.append(el)
        header = t.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
        tr_pr.append(OxmlElement("w:cantSplit"))
        for cell, text in zip(header.cells, headers, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        self.doc.add_paragraph()

    def chart(self, svg: str) -> None:
        """The chart as a PNG picture with the SVG's title and description as alt text."""
        from docx.shared import Mm

        try:
            png = svg_to_png(svg)
            alt = svg_alt_text(svg)
        except (ET.ParseError, ValueError):
            return
        self.figures += 1
        title = _svg_title(svg)
        self.doc.add_picture(io.BytesIO(png), width=Mm(160))
        doc_pr = self.doc.inline_shapes[-1]._inline.docPr
        doc_pr.set("name", f"{_('Figur')} {self.figures}")
        doc_pr.set("descr", alt)
        doc_pr.set("title", title)
        self.caption(_("Figur"), self.figures, title)

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()

    # Fields.

    def _fld_char(self, run, kind: str, *, dirty: bool = False) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if dirty:
            el.set(qn("w:dirty"), "true")  # the result is stale: Word offers to update it
        run._r.append(el)

    def _field(self, paragraph, instruction: str, result: str, *, end: bool = True,
               dirty: bool = False) -> None:
        """A complex field (begin, instruction, separate, result[, end]) in ``paragraph``."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self._fld_char(paragraph.add_run(), "begin", dirty=dirty)
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        paragraph.add_run()._r.append(instr)
        self._fld_char(paragraph.add_run(), "separate")
        paragraph.add_run(result)
        if end:
            self._fld_char(paragraph.add_run(), "end")


def _xml(text: str) -> bytes:
    from xml.sax.saxutils import escape

    return escape(text).encode("utf-8")


def _svg_title(svg: str) -> str:
    root = ET.fromstring(svg)
    node = root.find("{http://www.w3.org/2000/svg}title")
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


# --- Charts as pictures ---------------------------------------------------------------------------

_FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Oblique.ttf"}


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Rasterise one of our charts (``analysis.charts``: rect, line and text elements only) with
    Pillow, which WeasyPrint already depends on – no Cairo, no browser.

    The picture is the web chart's drawing, element by element; anything else in the SVG is
    ignored. Raises ``ValueError`` for an SVG without a viewBox.
    """
    from PIL import Image, ImageDraw

    root = ET.fromstring(svg)
    box = [float(v) for v in (root.get("viewBox") or "").split()]
    if len(box) != 4:
        raise ValueError("the SVG has no viewBox")
    x0, y0, width, height = box
    image = Image.new("RGB", (round(width * scale), round(height * scale)), "#ffffff")
    draw = ImageDraw.Draw(image)

    def xy(x: str | float, y: str | float) -> tuple[float, float]:
        return (float(x) - x0) * scale, (float(y) - y0) * scale

    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "rect":
            left, top = xy(el.get("x", 0), el.get("y", 0))
            right = left + float(el.get("width", 0)) * scale
            bottom = top + float(el.get("height", 0)) * scale
            fill = el.get("fill")
            stroke = el.get("stroke")
            line = max(1, round(float(el.get("stroke-width", 1)) * scale))
            if fill and fill != "none":
                draw.rectangle([left, top, right, bottom], fill=fill)
            if stroke and stroke != "none":
                if el.get("stroke-dasharray"):
                    _dashed_rect(draw, (left, top, right, bottom), stroke, line,
                                 [float(v) * scale for v in el.get("stroke-dasharray").split()])
                else:
                    draw.rectangle([left, top, right, bottom], outline=stroke, width=line)
        elif tag == "line":
            draw.line([xy(el.get("x1", 0), el.get("y1", 0)), xy(el.get("x2", 0), el.get("y2", 0))],
                      fill=el.get("stroke", "#000000"), width=max(1, round(scale)))
        elif tag == "text" and (el.text or "").strip():
            anchor = {"middle": "ms", "end": "rs"}.get(el.get("text-anchor", ""), "ls")
            font = _font(float(el.get("font-size", 12)) * scale, el.get("font-style") == "italic")
            draw.text(xy(el.get("x", 0), el.get("y", 0)), el.text, font=font,
                      fill=el.get("fill", "#000000"), anchor=anchor)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _font(size: float, italic: bool):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(_FONT_FILES[italic], round(size))
    except OSError:
        try:
            return ImageFont.truetype(_FONT_FILES[False], round(size))
        except OSError:  # no DejaVu on the machine: Pillow's own font
            return ImageFont.load_default(size=round(size))


def _dashed_rect(draw, box, colour: str, width: int, pattern: list[float]) -> None:
    left, top, right, bottom = box
    edges = [((left, top), (right, top)), ((right, top), (right, bottom)),
             ((right, bottom), (left, bottom)), ((left, bottom), (left, top))]
    on, off = (pattern + pattern)[:2]
    for (ax, ay), (bx, by) in edges:
        length = abs(bx - ax) + abs(by - ay)
        dx, dy = (bx - ax) / length, (by - ay) / length
        pos = 0.0
        while pos < length:
            end = min(pos + on, length)
            draw.line([(ax + dx * pos, ay + dy * pos), (ax + dx * end, ay + dy * end)],
                      fill=colour, width=width)
            pos = end + off
