"""Acceptance of issue 4 in a real headless Chromium: search the knowledge base, open an entry, see
its cited passage, add it to a sub-theme's synthesis, see it chosen in the panel "Hvad ved vi — og
hvad har andre gjort?", put it in the card pile and download dialogue cards that poppler renders."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from ledelsesrum.coding.models import MeaningUnit
from ledelsesrum.knowledge.base import seeds_dir
from ledelsesrum.knowledge.models import ChosenEntry
from ledelsesrum.studies.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv("LEDELSESRUM_CODING_EMBEDDER", "char")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils mangler")
def test_an_analyst_carries_a_found_entry_into_a_synthesis_and_onto_a_dialogue_card(
        analyst, login_page, live_server, tmp_path):
    study = Study.objects.create(name="Ledernes vilkår 2026")
    for i, text in enumerate([
        "Jeg har ikke tid til ledelse; kalenderen er fyldt med drift og møder.",
        "Der er for lidt tid til at være til stede hos medarbejderne.",
    ]):
        MeaningUnit.objects.create(study=study, source_key=f"note:{i}", text=text, code="3b")

    page = login_page("alice")
    page.goto(live_server.url + "/viden/")
    page.fill("#id_q", "tid til ledelse")
    page.wait_for_selector("#knowledge-results mark")
    page.click("#knowledge-results a[href='/viden/tid-til-ledelse/']")
    page.wait_for_url("**/viden/tid-til-ledelse/")
    quote = page.locator("blockquote").first
    assert quote.is_visible()
    if seeds_dir() is not None:
        assert len(quote.inner_text()) > 40  # the cited passage itself, not the fallback notice

    # "Føj til en syntese" is loaded by htmx; choose the study and sub-theme 3b.
    form = page.locator("form#knowledge-add-synthesis")
    form.wait_for()
    page.select_option("#id_synthesis_study", str(study.pk))
    page.select_option("#id_synthesis_subtheme", "3b")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/viden/tid-til-ledelse/")
    assert "er føjet til syntesen for 3b Tid til ledelse" in page.locator(".messages").inner_text()
    assert ChosenEntry.objects.filter(study=study, subtheme="3b", entry_id="tid-til-ledelse").exists()

    page.click("#knowledge-last-synthesis")
    page.wait_for_url(f"**/{study.pk}/kodning/syntese/3b/")
    chosen = page.locator("#knowledge-panel #proposal-tid-til-ledelse.is-chosen")
    chosen.wait_for()  # the panel replaced its placeholder via htmx
    assert "Hvad ved vi — og hvad har andre gjort?" in page.locator("#knowledge-panel h2").inner_text()
    assert "Med i rapporten" in chosen.inner_text() and "Fjern" in chosen.inner_text()
    # A second proposal is taken along with htmx, without leaving the page.
    other = page.locator("#knowledge-panel .knowledge-proposal:not(.is-chosen)").first
    other_id = other.get_attribute("data-entry")
    other.locator("button[type=submit]").click()
    page.locator(f"#knowledge-panel #proposal-{other_id}.is-chosen").wait_for()
    assert page.url.endswith(f"/{study.pk}/kodning/syntese/3b/")
    assert set(ChosenEntry.objects.filter(study=study, subtheme="3b").values_list("entry_id", flat=True)) == {
        "tid-til-ledelse", other_id}

    # From the panel back to the entry, into the card pile, and out as a PDF.
    chosen.locator("h3 a").click()
    page.wait_for_url("**/viden/tid-til-ledelse/")
    page.click("form.cards-add button[type=submit]")
    page.wait_for_url("**/viden/tid-til-ledelse/")
    page.click("form.cards-add a")
    page.wait_for_url("**/viden/dialogkort/bunke/")
    with page.expect_download() as download_info:
        page.click("#cards-download")
    pdf = tmp_path / "kort.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "side")], check=True)
    sides = sorted(tmp_path.glob("side-*.png"))
    assert len(sides) >= 2
    for side in sides:
        assert sum(Image.open(side).convert("L").histogram()[:128]) > 200  # not blank
