"""Render a composed ``Report`` as HTML, PDF (WeasyPrint) or DOCX (python-docx).

The three formats draw from the same ``Report``; none of them reads the database.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .compose import Report

PRINT_CSS = Path(__file__).parent / "templates" / "reports" / "print.css"
FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render_html(report: Report) -> str:
    """A standalone HTML document (print stylesheet inlined); the PDF is made from it."""
    return render_to_string("reports/document.html", {
        "report": report, "css": PRINT_CSS.read_text(encoding="utf-8"),
    })


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(report)).write_pdf()


def render_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = report.title
    doc.core_properties.language = "da-DK"
    doc.styles["Normal"].font.size = Pt(10.5)

    # Title page.
    if report.organisation:
        doc.add_paragraph(report.organisation)
    doc.add_paragraph(report.title, style="Title")
    doc.add_paragraph(report.subtitle, style="Subtitle")
    doc.add_paragraph(report.date)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # A list of contents in words; Word can replace it with a live table of contents.
    doc.add_heading(_("Indhold"), level=1)
    for _anchor, title in report.toc:
        doc.add_paragraph(title, style="List Number")

    def section(sec) -> None:
        doc.add_heading(sec.title, level=1)
        for p in sec.paragraphs:
            doc.add_paragraph(p)
        for b in sec.bullets:
            doc.add_paragraph(b, style="List Bullet")
        for q in sec.numbered:
            doc.add_paragraph(q, style="List Number")

    def table(headers: list[str], rows: list[list[str]]) -> None:
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, headers, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text

    for sec in report.front:
        section(sec)
    for chapter in report.chapters:
        doc.add_heading(f"{chapter.number}. {chapter.title}", level=1)
        for sub in chapter.subthemes:
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
                table([_("Skala"), _("Score (0–100)"), _("Antal")],
                      [[r.scale, r.score, r.n] for r in sub.joint])
            if sub.knowledge:
                doc.add_heading(_("Viden om emnet"), level=3)
                for k in sub.knowledge:
                    p = doc.add_paragraph(style="List Bullet")
                    p.add_run(f"{k.title}. ").bold = True
                    p.add_run(f"{k.summary} ({_('Kilde')}: {k.source})")
            doc.add_heading(_("Anbefalinger"), level=3)
            if sub.recommendations:
                for r in sub.recommendations:
                    doc.add_paragraph(r, style="List Number")
            else:
                doc.add_paragraph().add_run(
                    _("Der er endnu ikke skrevet anbefalinger til dette undertema.")).italic = True
    section(report.closing)
    doc.add_heading(_("Bilag: Spørgeskemaundersøgelsens resultater"), level=1)
    doc.add_paragraph(report.appendix_intro)
    for scale in report.appendix:
        title = scale.title + (f" ({_('undertema')} {scale.subtheme})" if scale.subtheme else "")
        doc.add_heading(title, level=2)
        table(scale.table.headers, scale.table.rows)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "docx":
        return render_docx(report)
    raise ValueError(fmt)
