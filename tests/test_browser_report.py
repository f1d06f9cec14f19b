"""Acceptance (issue 5) in a real headless Chromium: the analyst edits a text of the report and adds
a recommendation in the report view, sees both there, and finds both in the downloaded DOCX."""

from __future__ import annotations

import io

import pytest
from docx import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _char_embedder(monkeypatch):
    monkeypatch.setenv("LEDELSESRUM_CODING_EMBEDDER", "char")


def test_the_analyst_edits_the_report_adds_a_recommendation_and_downloads_it(analyst, login_page, live_server):
    from ledelsesrum.followup.models import Recommendation
    from ledelsesrum.reports.models import SectionText
    from ledelsesrum.reports.tests.builders import report_study

    study = report_study()["study"]
    page = login_page("alice")
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/rapport/")
    method = page.locator("#afsnit-method")
    assert "Genereret udkast" in method.inner_text()

    # Edit the method section: the form holds the generated draft.
    page.get_by_role("link", name="Rediger Metode og kvalitetskriterier").click()
    assert "Undersøgelsen kombinerer" in page.input_value("#id_text")
    page.fill("#id_text", "Vi talte med lederne og spurgte alle.\n\nAndet afsnit om metoden.")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.get_by_text("Teksten er gemt.").wait_for()
    assert page.url.endswith("#afsnit-method")
    method_text = page.locator("#afsnit-method").inner_text()
    assert "Vi talte med lederne og spurgte alle." in method_text
    assert "Redigeret af alice" in method_text
    assert SectionText.objects.get(study=study).key == "method"

    # Add a recommendation to sub-theme 1d.
    sub = page.locator("#undertema-1d")
    sub.get_by_text("Tilføj anbefaling").click()
    page.fill("#ny-anbefaling-1d", "Giv lederne et fast ugentligt tidsrum til faglig ledelse.")
    sub.get_by_role("button", name="Gem anbefaling").click()
    page.get_by_text("Anbefalingen er gemt.").wait_for()
    items = page.locator("#undertema-1d .report-rec-text").all_inner_texts()
    assert items == ["Giv lederne et eget budget.", "Giv lederne et fast ugentligt tidsrum til faglig ledelse."]
    assert Recommendation.objects.filter(study=study, subtheme="1d").count() == 2

    # The knowledge panel of the sub-theme is one link away.
    assert sub.get_by_role("heading", name="Hvad ved vi — og hvad har andre gjort?").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent som Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename == f"rapport-{study.pk}.docx"
    doc = Document(io.BytesIO(open(download.path(), "rb").read()))
    texts = [p.text for p in doc.paragraphs]
    assert "Vi talte med lederne og spurgte alle." in texts and "Andet afsnit om metoden." in texts
    assert "Undersøgelsen kombinerer" not in "\n".join(texts)
    assert "Giv lederne et fast ugentligt tidsrum til faglig ledelse." in texts
