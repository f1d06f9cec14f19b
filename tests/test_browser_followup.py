"""Acceptance: the analyst carries a recommendation to a decision, an action and visible progress."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_analyst_decides_a_recommendation_completes_its_action_and_sees_progress_change(
    analyst, login_page, live_server
):
    from ledelsesrum.followup.models import Action, Decision, Recommendation
    from ledelsesrum.studies.models import Study

    study = Study.objects.create(name="Ledernes vilkår 2026")
    page = login_page("alice")
    page.goto(f"{live_server.url}/undersoegelser/{study.pk}/opfoelgning/")
    assert page.get_by_test_id("done-all").inner_text() == "0 af 0 handlinger gennemført"

    page.get_by_text("Tilføj anbefaling").click()
    page.select_option("#id_subtheme", "1d")
    page.fill("#id_text", "Giv lederne mere råderum over eget budget.")
    page.get_by_role("button", name="Gem anbefaling").click()
    page.get_by_text("Anbefalingen er gemt.").wait_for()

    page.get_by_role("link", name="Registrér beslutning").click()
    page.check("input[name=outcome][value=adopted]")
    page.fill("#id_meeting_date", "2026-05-04")
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Beslutningen er gemt.").wait_for()
    assert Decision.objects.get().outcome == "adopted"

    page.get_by_role("link", name="Ny handling").click()
    page.fill("#id_title", "Delegér budgetansvar til afdelingsledere")
    page.fill("#id_owner_name", "Økonomichefen")
    page.fill("#id_deadline", "2030-01-01")
    page.check("input[name=scale_codes][value=RAADERUM]")
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Handlingen er oprettet.").wait_for()
    assert page.get_by_test_id("done-all").inner_text() == "0 af 1 handlinger gennemført"

    page.get_by_role("link", name="Opdatér Delegér budgetansvar til afdelingsledere").click()
    page.select_option("#id_status", "done")
    page.fill("#id_evidence", "Budgetdelegation vedtaget i direktionen; referat 4. maj.")
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Handlingen er opdateret.").wait_for()

    overall = page.locator("#overall-heading").locator("..")
    assert "1 af 1 handlinger gennemført" in overall.inner_text()
    assert "(100 %)" in overall.inner_text()
    assert page.get_by_test_id("done-1").inner_text() == "1 af 1 handlinger gennemført"
    action = Action.objects.get()
    assert action.status == "done" and action.scale_codes == ["RAADERUM"]
    assert Recommendation.objects.get().actions.count() == 1
