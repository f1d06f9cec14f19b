"""Dialogue cards from knowledge entries, and their duplex PDF (checked with poppler)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from ledelsesrum.knowledge.base import load_entries
from ledelsesrum.knowledge.cards import (
    CardError,
    DialogueCard,
    cards_from_entries,
    default_question,
    render_cards_pdf,
)

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None,
                                   reason="poppler-utils mangler")


def pdf_pages(pdf: bytes, folder: Path) -> list[Path]:
    """Render every page to PNG with pdftoppm; the PNGs, in page order."""
    path = folder / "cards.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def pdf_page_size_mm(pdf: bytes, folder: Path) -> tuple[float, float]:
    path = folder / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    return w / 72 * 25.4, h / 72 * 25.4


def dark_pixels(png: Path) -> int:
    gray = Image.open(png).convert("L")
    return sum(gray.histogram()[:128])


def test_one_card_per_chosen_entry_in_order_with_summary_and_readable_source():
    cards = cards_from_entries(["tid-til-ledelse", "relationel-koordinering"])
    assert [c.entry_id for c in cards] == ["tid-til-ledelse", "relationel-koordinering"]
    card = cards[1]
    entry = load_entries().get("relationel-koordinering")
    assert isinstance(card, DialogueCard)
    assert card.title == "Relationel koordinering"
    assert card.background == entry.summary
    assert card.source_label == ("Videncenter for Velfærdsledelse: ti udviklingsprojekter, "
                                 "linje 1471–1501 og 1877–1887")
    # The label is the frame's (seed 004, line 412), the same the codebook and item bank show.
    assert card.theme == "4b Tværgående ledelse – inden for egen forvaltning og mellem sektorer"
    assert "001_" not in card.source_label  # a reader sees a name, not a file


def test_the_default_question_is_danish_and_built_from_kind_and_title():
    card = cards_from_entries(["relationel-koordinering"])[0]
    assert card.question == "Hvordan kan vi bruge »Relationel koordinering« til at se på vores egen ledelse?"
    for entry in load_entries():
        question = default_question(entry)
        assert question.endswith("?") and f"»{entry.title}«" in question
        assert question.startswith("Hv")  # a question a group can talk about, every kind covered


def test_the_analysts_question_wins_and_blank_ones_fall_back_to_the_default():
    cards = cards_from_entries(
        ["tid-til-ledelse", "relationel-koordinering"],
        {"tid-til-ledelse": "  Hvor   går vores tid hen?  ", "relationel-koordinering": "   "},
    )
    assert cards[0].question == "Hvor går vores tid hen?"
    assert cards[1].question.startswith("Hvordan kan vi bruge »Relationel koordinering«")


def test_unknown_ids_and_repeats_are_skipped():
    cards = cards_from_entries(["findes-ikke", "tid-til-ledelse", "tid-til-ledelse"])
    assert [c.entry_id for c in cards] == ["tid-til-ledelse"]


@needs_poppler
def test_the_pdf_has_front_and_back_per_card_on_a6_pages_that_are_not_blank(tmp_path):
    cards = cards_from_entries(["relationel-koordinering", "tid-til-ledelse", "vilde-problemer"])
    pdf = render_cards_pdf(cards, "A6")
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) == 2 * len(cards)
    assert all(dark_pixels(p) > 200 for p in pages)
    width, height = pdf_page_size_mm(pdf, tmp_path)
    assert abs(width - 105) < 1 and abs(height - 148) < 1


@needs_poppler
def test_a5_cards_are_a5_pages_and_a_long_background_still_fits_one_page(tmp_path):
    longest = max(load_entries(), key=lambda e: len(e.summary) + len(e.citations) * 40)
    cards = cards_from_entries([longest.id], {longest.id: "Hvad " + "meget langt spørgsmål " * 20 + "?"})
    pdf = render_cards_pdf(cards, "A5")
    assert len(pdf_pages(pdf, tmp_path)) == 2
    width, height = pdf_page_size_mm(pdf, tmp_path)
    assert abs(width - 148) < 1 and abs(height - 210) < 1


def test_an_unknown_size_or_an_empty_pile_is_a_danish_error():
    with pytest.raises(CardError, match="A6 eller A5"):
        render_cards_pdf(cards_from_entries(["tid-til-ledelse"]), "A4")
    with pytest.raises(CardError, match="tom"):
        render_cards_pdf([], "A6")
