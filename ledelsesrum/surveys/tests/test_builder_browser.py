"""In real Chromium: the builder reorders and removes in place through htmx (no full reload)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ledelsesrum.studies.models import Study
from ledelsesrum.surveys import builder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reorder_and_remove_update_the_page_in_place(analyst, login_page, page, live_server):
    study = Study.objects.create(name="Browserundersøgelse")
    questionnaire = builder.create_questionnaire_from_bank(study, scale_codes=["TID"])
    login_page("alice")
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/spoergeskema/")
    page.evaluate("window.__notReloaded = true")
    tid01 = questionnaire.questions.get(code="TID01")
    page.click(f"#q-{tid01.pk} button:has-text('Flyt ned')")
    # expect() polls without eval, which the CSP forbids.
    expect(page.locator(f"xpath=//*[@id='q-{tid01.pk}']/preceding-sibling::*[1]")).to_contain_text("TID02")
    assert page.evaluate("window.__notReloaded") is True
    assert list(tid01.section.questions.order_by("position").values_list("code", flat=True))[:2] == ["TID02", "TID01"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#q-{tid01.pk} button:has-text('Fjern')")
    page.wait_for_selector(f"#q-{tid01.pk}", state="detached")
    assert page.evaluate("window.__notReloaded") is True
    assert not questionnaire.questions.filter(code="TID01").exists()
