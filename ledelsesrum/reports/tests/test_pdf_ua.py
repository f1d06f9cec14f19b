"""Every PDF the product makes is a tagged PDF/UA-1 file: the report, the dialogue edition and the
dialogue cards (from knowledge entries and from findings). ``lib.pdf.check_pdf`` reads each
structure tree back and lists a missing heading, table header cell or figure alt text."""

from __future__ import annotations

import re
import subprocess

import pytest

from ledelsesrum.knowledge.cards import cards_from_entries, render_cards_pdf
from ledelsesrum.lib.pdf import check_pdf, read_pdf, svg_alt_text, write_pdf
from ledelsesrum.reports.compose import compose
from ledelsesrum.reports.dialogue import (
    compose_dialogue,
    finding_cards,
    render_dialogue_html,
    render_dialogue_pdf,
)
from ledelsesrum.reports.render import render_html, render_pdf

from .builders import report_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(db):
    scenario = report_study()
    return scenario, compose(scenario["study"])


def test_the_report_pdf_is_tagged_with_language_title_headings_tables_and_figures(report):
    _scenario, rep = report
    data = render_pdf(rep)
    assert check_pdf(data) == []
    info = read_pdf(data)
    assert (info.tagged, info.lang, info.title, info.pdfua_part) == (True, "da", rep.title, "1")
    # The title page's H1, a H2 per part (contents, front sections, six themes, closing, appendix).
    assert info.headings.count("H1") == 1
    assert info.headings.count("H2") == 1 + len(rep.front) + len(rep.chapters) + 2
    assert info.tags["Table"] == sum(1 for c in rep.chapters for s in c.subthemes if s.joint) \
        + len(rep.appendix)
    assert info.tags["TH"] >= 3 * len(rep.appendix)
    assert info.tags["L"] >= 3  # contents, main fields, research questions, …
    # Each contents link is described by its title, not by its target ("afsnit-purpose").
    assert [title for _anchor, title in rep.toc] == list(dict.fromkeys(info.links))


def test_each_appendix_chart_is_a_figure_whose_alt_text_gives_every_value(report):
    _scenario, rep = report
    figures = [n for n in read_pdf(render_pdf(rep)).tree.walk() if n.tag == "Figure"]
    expected = [svg_alt_text(scale.chart_svg) for scale in rep.appendix]
    assert [f.alt for f in figures] == expected
    assert all(alt.startswith(scale.title) for alt, scale in zip(expected, rep.appendix, strict=True))
    # The withheld group is named with the reason, never with a number.
    assert any("Småområdet: Skjult" in alt for alt in expected)


def test_the_web_and_html_report_keep_the_inline_svg_charts(report):
    _scenario, rep = report
    html = render_html(rep)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == len(rep.appendix)


def test_the_report_pdf_text_has_no_unicode_hyphen_and_every_theme_is_found(report, tmp_path):
    _scenario, rep = report
    path = tmp_path / "r.pdf"
    path.write_bytes(render_pdf(rep))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "\u2010" not in text
    flat = " ".join(text.split())
    for chapter in rep.chapters:
        assert chapter.title in flat


def test_the_dialogue_edition_html_makes_an_accessible_pdf_through_lib_pdf(report):
    scenario, _rep = report
    edition = compose_dialogue(scenario["study"])
    data = write_pdf(render_dialogue_html(edition))
    assert check_pdf(data) == []
    info = read_pdf(data)
    assert info.headings.count("H2") == len(edition.themes)
    assert re.match(re.escape(edition.title), info.title)


def test_the_dialogue_edition_download_is_tagged(report):
    scenario, _rep = report
    assert check_pdf(render_dialogue_pdf(compose_dialogue(scenario["study"]))) == []


def test_dialogue_cards_from_entries_are_tagged_with_the_question_as_h1(db):
    cards = cards_from_entries(["relationel-koordinering", "tid-til-ledelse"])
    data = render_cards_pdf(cards, "A6")
    assert check_pdf(data) == []
    info = read_pdf(data)
    assert info.pages == 2 * len(cards)
    assert info.headings == ["H1", "H2"] * len(cards)
    assert info.title == "Dialogkort"


def test_dialogue_cards_from_findings_are_tagged(report):
    _scenario, rep = report
    cards = list(finding_cards(rep, ["1d"], {}).values())
    assert cards
    data = render_cards_pdf(cards, "A5")
    assert check_pdf(data) == []
