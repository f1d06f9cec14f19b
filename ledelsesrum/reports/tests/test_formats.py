import io
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from ledelsesrum.analysis.release import released_results
from ledelsesrum.coding.codebook import load_codebook
from ledelsesrum.reports.compose import compose
from ledelsesrum.reports.render import render_docx, render_html, render_pdf

from .builders import report_study

THEMES = [t.label for t in load_codebook("default").themes]


@pytest.fixture
def report(db):
    scenario = report_study()
    return scenario, compose(scenario["study"])


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_pdf_renders_page_by_page_with_chapters_quantifiers_and_appendix(report, tmp_path):
    scenario, rep = report
    data = render_pdf(rep)
    assert data.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / "r.pdf"), str(tmp_path / "p")],
                   check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 10
    from PIL import Image

    for page in pages:
        lo, hi = Image.open(page).convert("L").getextrema()
        assert lo < 128, f"{page.name} is blank"
    text = " ".join(_pdf_text(data, tmp_path).split())
    for title in THEMES:
        assert title in text
    assert re.search(r"\b(alle|langt de fleste|mange|nogle|få) (interviewede )?ledere", text)
    assert "Bilag: Spørgeskemaundersøgelsens resultater" in text
    assert "Score (0–100)" in text
    # Table of contents with page numbers from target-counter.
    assert re.search(r"1\. Motivation og trivsel \.* ?\d+", text)
    assert released_results(scenario["round"])["scales"]


def test_group_under_the_threshold_has_no_number_in_any_format(report, tmp_path):
    scenario, rep = report
    result = released_results(scenario["round"])
    assert result["scales"][0]["cells"]["area:Småområdet"]["withheld"] is True
    pdf_lines = [line for line in _pdf_text(render_pdf(rep), tmp_path).splitlines() if "Småområdet" in line]
    html = render_html(rep)
    html_rows = re.findall(r"<tr><th scope=\"row\">Småområdet</th>(.*?)</tr>", html)
    doc = Document(io.BytesIO(render_docx(rep)))
    docx_rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows
                 if row.cells[0].text == "Småområdet"]
    assert pdf_lines and html_rows and docx_rows
    for line in pdf_lines + html_rows + [" ".join(r) for r in docx_rows]:
        rest = line.replace("Småområdet", "").replace("færre end 5 svar", "")
        assert not re.search(r"\d", rest), line
    # The chart draws the group as a gap, with no value.
    assert "Småområdet: Skjult" in html


def test_docx_has_real_headings_and_tables_and_a_title_page(report):
    _scenario, rep = report
    doc = Document(io.BytesIO(render_docx(rep)))
    styles = [p.style.name for p in doc.paragraphs]
    assert "Title" in styles
    headings1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    for title in THEMES:
        assert any(title in h for h in headings1)
    assert "Heading 2" in styles and "Heading 3" in styles
    assert len(doc.tables) >= 2
    assert doc.tables[-1].rows[0].cells[0].text == "Gruppe"
    assert not any("Leder B" in p.text for p in doc.paragraphs)


def test_html_report_is_danish_and_never_shows_a_pseudonym(report):
    _scenario, rep = report
    html = render_html(rep)
    assert '<html lang="da">' in html
    assert "hyphens: auto" in html and "target-counter" in html
    assert "Leder B" not in html and "[leder]" in html
    assert "Hemmeligt fritekstsvar" not in html
    assert "Giv lederne et eget budget." in html
    assert "Der er endnu ikke skrevet anbefalinger" in html
