"""In a real headless Chromium: search, open an entry, read its cited passage, put it in the card
pile, edit its question and download the dialogue cards as a PDF that poppler can render."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PIL import Image

from ledelsesrum.knowledge.base import seeds_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils mangler")
def test_a_leader_turns_a_found_entry_into_a_printed_dialogue_card(analyst, login_page, live_server,
                                                                   tmp_path):
    page = login_page("alice")
    page.goto(live_server.url + "/viden/")
    page.fill("#id_q", "relationel koordinering")
    page.wait_for_selector("#knowledge-results mark")
    page.click("#knowledge-results a[href='/viden/relationel-koordinering/']")
    page.wait_for_url("**/viden/relationel-koordinering/")
    quote = page.locator("blockquote").first
    assert quote.is_visible()
    if seeds_dir() is not None:
        assert "Gittell" in quote.inner_text()

    page.click("form.cards-add button[type=submit]")
    page.wait_for_url("**/viden/relationel-koordinering/")
    assert "er lagt i kortbunken" in page.locator(".messages").inner_text()
    page.click("form.cards-add a")  # "Se kortbunken"
    page.wait_for_url("**/viden/dialogkort/bunke/")

    question = page.locator("#question-relationel-koordinering")
    assert "»Relationel koordinering«" in question.input_value()
    question.fill("Hvor i vores hverdag mangler vi fælles mål og respekt på tværs?")
    page.check("input[name=size][value=A6]")
    with page.expect_download() as download_info:
        page.click("#cards-download")
    download = download_info.value
    assert download.suggested_filename == "dialogkort-A6.pdf"
    pdf = tmp_path / "kort.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "side")], check=True)
    sides = sorted(tmp_path.glob("side-*.png"))
    assert len(sides) == 2  # front and back of the one card
    for side in sides:
        assert sum(Image.open(side).convert("L").histogram()[:128]) > 200  # text was drawn

    # The edited question was kept with the pile.
    page.goto(live_server.url + "/viden/dialogkort/bunke/")
    assert page.locator("#question-relationel-koordinering").input_value().startswith("Hvor i vores")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils mangler")
def test_a_finding_of_the_dialogue_edition_becomes_a_printed_dialogue_card(analyst, login_page, live_server,
                                                                           tmp_path):
    from ledelsesrum.reports.dialogue import finding_card_key
    from ledelsesrum.reports.tests.builders import report_study

    study = report_study()["study"]
    key = finding_card_key(study.pk, "1d")
    page = login_page("alice")
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/rapport/dialog/")
    # The visible text starts the accessible name (axe: label-content-name-mismatch).
    page.get_by_role("button", name=re.compile(r"^Læg i kortbunken\s*–\s*fundet 1d Råderum og Indflydelse$")).click()
    page.wait_for_url(f"**/undersoegelser/{study.pk}/rapport/dialog/#dialog-tema-1")
    assert "er lagt i kortbunken" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Kortbunken (dialogkort)").click()
    page.wait_for_url("**/viden/dialogkort/bunke/")
    page.locator(".cards-back summary").first.click()
    assert "Lederne ønsker mere råderum." in page.locator(".cards-back").first.inner_text()
    page.fill(f"[id='question-{key}']", "Hvad ville mere råderum betyde for os?")
    with page.expect_download() as download_info:
        page.click("#cards-download")
    pdf = tmp_path / "fund.pdf"
    download_info.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "fund")], check=True)
    sides = sorted(tmp_path.glob("fund-*.png"))
    assert len(sides) == 2
    for side in sides:
        assert sum(Image.open(side).convert("L").histogram()[:128]) > 200
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hvad ville mere" in text and "Fund fra" in text
