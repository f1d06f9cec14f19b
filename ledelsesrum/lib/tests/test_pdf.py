"""lib.pdf: any HTML becomes a tagged PDF/UA-1 file, and the checker finds what is missing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ledelsesrum.lib.pdf import HTML, check_pdf, describe_pdf, read_pdf, svg_as_images, write_pdf

CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%" '
    'viewBox="0 0 200 40" aria-labelledby="t1 d1"><title id="t1">Trivsel</title>'
    '<desc id="d1">Alle: 61,2; Skole: Skjult af hensyn til anonymiteten</desc>'
    '<rect x="0" y="0" width="120" height="20" fill="#0b5cad"/></svg>'
)


def page(body: str, *, lang: str = ' lang="da"', title: str = "<title>Prøve</title>") -> str:
    return (f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8">{title}</head>'
            f"<body>{body}</body></html>")


GOOD = page(
    "<h1>Undersøgelsen</h1><p>Tekst.</p><h2>Resultater</h2>"
    "<ul><li>Et</li><li>To</li></ul>"
    '<table><caption>Score</caption><thead><tr><th scope="col">Gruppe</th>'
    '<th scope="col">Score</th></tr></thead><tbody><tr><th scope="row">Alle</th><td>61</td></tr>'
    f"</tbody></table><figure>{CHART}</figure>"
)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_a_well_made_page_becomes_a_tagged_pdf_ua_file_with_nothing_missing():
    data = write_pdf(GOOD)
    assert check_pdf(data) == []
    info = read_pdf(data)
    assert (info.tagged, info.lang, info.title, info.display_title, info.pdfua_part) == (
        True, "da", "Prøve", True, "1")
    for tag in ("Document", "H1", "H2", "P", "L", "LI", "LBody", "Table", "TH", "TD", "Figure"):
        assert info.tags[tag] >= 1, tag
    assert describe_pdf(data).startswith("Tagged: yes, PDF/UA: 1, Lang: da, Title: Prøve")


def test_an_inline_chart_becomes_a_figure_whose_alt_text_is_its_title_and_description():
    html = svg_as_images(GOOD)
    assert "<svg" not in html
    assert 'alt="Trivsel. Alle: 61,2; Skole: Skjult af hensyn til anonymiteten."' in html
    assert 'class="chart"' in html
    figures = [n for n in read_pdf(write_pdf(GOOD)).tree.walk() if n.tag == "Figure"]
    assert [f.alt for f in figures] == ["Trivsel. Alle: 61,2; Skole: Skjult af hensyn til anonymiteten."]


def test_a_decorative_or_broken_svg_is_left_as_it_is():
    decorative = '<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true"><rect/></svg>'
    broken = '<svg role="img"><title>x</svg>'
    assert svg_as_images(decorative) == decorative
    assert svg_as_images(broken) == broken


def test_the_drop_in_html_class_writes_the_same_accessible_pdf():
    data = HTML(string=GOOD).write_pdf()
    assert check_pdf(data) == []


@pytest.mark.parametrize(("html", "problem"), [
    (page("<p>Kun tekst.</p>"), "The PDF has no heading (H1–H6)."),
    (page("<h2>Først</h2><p>x</p>"), "The first heading is H2, not H1."),
    (page("<h1>A</h1><h3>C</h3>"), "A heading level is skipped: H1 is followed by H3."),
    (page("<h1>A</h1><table><tr><td>1</td><td>2</td></tr></table>"),
     "Table 1 has no header cell (TH)."),
    (page("<h1>A</h1><figure><svg xmlns='http://www.w3.org/2000/svg' width='20' height='20'>"
          "<rect width='20' height='20'/></svg></figure>"),
     "Figure 1 has no alternative text (/Alt)."),
    (page("<h1>A</h1>", lang=""), 'The document language (/Lang) is missing: set <html lang="da">.'),
    (page("<h1>A</h1>", title=""), "The document title is missing: set <title>."),
])
def test_the_checker_reports_what_is_missing(html, problem):
    assert problem in check_pdf(write_pdf(html))


def test_an_untagged_pdf_is_reported_as_such():
    from weasyprint import HTML as WeasyHTML

    problems = check_pdf(WeasyHTML(string=GOOD).write_pdf())
    assert problems[0] == "The PDF is not tagged (/MarkInfo /Marked is not true)."


HYPHENATED = page(
    '<h1>Søgning</h1><p style="width: 22mm; hyphens: auto; font-size: 12pt">'
    "Det viser Undersøgelsen tydeligt. Og Undersøgelsen igen med Undersøgelsen og Undersøgelsen.</p>"
)


def test_a_word_hyphenated_at_a_line_end_can_still_be_found_in_the_pdf_text(tmp_path):
    from weasyprint import HTML as WeasyHTML

    # Control: WeasyPrint's default hyphen (U+2010) breaks the words apart in the text…
    default = pdf_text(WeasyHTML(string=HYPHENATED).write_pdf(), tmp_path)
    assert "\u2010" in default and "Undersøgelsen" not in default
    # …the ASCII hyphen lib.pdf sets lets pdftotext join them again.
    text = pdf_text(write_pdf(HYPHENATED), tmp_path)
    assert "\u2010" not in text and "\u00ad" not in text
    assert text.count("Undersøgelsen") == 4


def test_a_link_is_described_by_its_text_not_its_target():
    data = write_pdf(page('<h1 id="top">A</h1><p><a href="#top">Til toppen</a> og '
                          '<a href="https://example.dk/rapport">rapporten</a>.</p>'))
    assert read_pdf(data).links == ["Til toppen", "rapporten"]
    assert check_pdf(data) == []
