"""Acceptance: a leader answers through the personal link in real headless Chromium, closes the
page halfway, resumes, submits (twice), and the answer reaches the stored response and the results."""

from __future__ import annotations

import importlib.util
import re

import pytest
from playwright.sync_api import expect

from ledelsesrum.studies.models import Round
from ledelsesrum.surveys import answering, distribution
from ledelsesrum.surveys.models import Response
from ledelsesrum.surveys.tests.factories import (
    close,
    make_invitation,
    make_questionnaire,
    make_round,
    make_study,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = {"locale": "da-DK", "viewport": {"width": 390, "height": 844}}


def _other_respondents(round: Round, values: list[int]) -> None:
    """Leaders who answered S2_1 before, so the item's group reaches k in the results."""
    for value in values:
        response = answering.start_response(make_invitation(round))
        answering.save_section(response, 2, {"S2_1": value})
        answering.submit(response)


def _new_page(browser):
    context = browser.new_context(**MOBILE)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_a_leader_answers_closes_the_page_resumes_and_submits_once(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    study = make_study(k=3)
    make_questionnaire(study, pages=4)
    round = make_round(study)
    invitation = make_invitation(round)
    _other_respondents(round, [2, 3, 5])
    link = distribution.link_for(invitation)

    context, page = _new_page(browser)
    page.goto(link)
    expect(page).to_have_title(re.compile(r"^Side 1 af 4 – Om dig"))
    assert page.evaluate("document.documentElement.lang") == "da"
    expect(page.locator("progress")).to_have_attribute("value", "1")
    page.fill("#q-F_AAR", "12")
    page.check("#q-F_UDD-2")
    page.click("button[value=next]")

    expect(page).to_have_title(re.compile(r"^Side 2 af 4"))
    page.check("#q-S1_1-2")
    page.check("#q-S1_2-1")
    page.check("#q-S1_3-0")
    page.click("button[value=next]")

    # Halfway through page 3: one answer given, no button pressed. Save-on-change stores it.
    expect(page).to_have_title(re.compile(r"^Side 3 af 4"))
    page.check("#q-S2_1-4")
    expect(page.locator("#autosave-status")).to_contain_text("Dine svar er gemt")
    context.close()

    # A new browser (no cookies, no history) with the same link resumes on page 3.
    context, page = _new_page(browser)
    page.goto(link)
    expect(page).to_have_title(re.compile(r"^Side 3 af 4"))
    expect(page.locator("#q-S2_1-4")).to_be_checked()
    page.click("button[value=back]")
    expect(page).to_have_title(re.compile(r"^Side 2 af 4"))
    expect(page.locator("#q-S1_1-2")).to_be_checked()
    expect(page.locator("#q-S1_3-0")).to_be_checked()
    page.click("button[value=next]")
    expect(page.locator("#q-S2_1-4")).to_be_checked()
    page.check("#q-S2_2-5")
    page.click("button[value=next]")

    expect(page).to_have_title(re.compile(r"^Side 4 af 4 – Dine ord"))
    page.fill("#q-AABEN1", "Tid til faglig ledelse – og færre møder.")
    page.click("button[value=submit]")
    expect(page.locator("h1")).to_have_text("Tak, din besvarelse er modtaget")
    stored = Response.objects.get(invitation=invitation)
    first_submit = stored.submitted_at
    assert first_submit is not None

    # Back button, then submit again: harmless.
    page.go_back()
    expect(page).to_have_title(re.compile(r"^Side 4 af 4"))
    page.click("button[value=submit]")
    expect(page.locator("h1")).to_have_text("Tak, din besvarelse er modtaget")
    stored.refresh_from_db()
    assert stored.submitted_at == first_submit
    assert Response.objects.filter(round=round).count() == 4
    context.close()

    close(round)
    stored.refresh_from_db()
    assert stored.invitation_id is None
    assert stored.answers == {"F_AAR": 12, "F_UDD": "diplom", "S1_1": 2, "S1_2": 1, "S1_3": 0, "S2_1": 4, "S2_2": 5}
    assert stored.open_answers == {"AABEN1": "Tid til faglig ledelse – og færre møder."}
    assert stored.unit_id == invitation.unit_id and stored.area == invitation.area

    if importlib.util.find_spec("ledelsesrum.analysis.results") is not None:
        from ledelsesrum.analysis.results import compute_results

        results = compute_results(Round.objects.get(pk=round.pk))
        item = next(i for i in results["items"] if i["code"] == "S2_1")
        # 2, 3, 5 from the others and 4 from the browser.
        assert item["cells"]["total"]["n"] == 4
        assert item["cells"]["total"]["mean"] == pytest.approx(3.5)

    # After closing, the link is dead and says nothing.
    context, page = _new_page(browser)
    response = page.goto(link)
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Linket virker ikke")
    context.close()


def test_a_scale_question_can_be_answered_with_the_keyboard_only(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    study = make_study()
    make_questionnaire(study, pages=3)
    round = make_round(study)
    invitation = make_invitation(round)

    context, page = _new_page(browser)
    page.goto(distribution.link_for(invitation) + "?side=2")
    expect(page).to_have_title(re.compile(r"^Side 2 af 3"))

    # Tab from the top of the page until the first radio of the first scale question has focus.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q-S1_1":
            break
    assert page.evaluate("document.activeElement.id") == "q-S1_1-1"
    # The focus is visible (a real outline on the option around the focused radio).
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.closest('label')).outlineStyle"
    )
    assert outline != "none"
    page.keyboard.press("Space")
    expect(page.locator("#q-S1_1-1")).to_be_checked()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#q-S1_1-3")).to_be_checked()

    # On to the "Næste" button with Tab only, and press it with Space.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "next":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Næste"
    page.keyboard.press("Space")
    expect(page).to_have_title(re.compile(r"^Side 3 af 3"))
    assert Response.objects.get(invitation=invitation).answers == {"S1_1": 3}

    # Touch targets are at least 44 px high on the 390 px wide screen.
    page.goto(distribution.link_for(invitation) + "?side=2")
    heights = page.eval_on_selector_all(
        "label.option, .respond-nav button", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
    context.close()


def test_the_questionnaire_works_without_javascript(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    study = make_study()
    make_questionnaire(study, pages=3)
    round = make_round(study)
    invitation = make_invitation(round)

    context = browser.new_context(java_script_enabled=False, **MOBILE)
    page = context.new_page()
    page.goto(distribution.link_for(invitation))
    page.fill("#q-F_AAR", "400")
    page.check("#q-F_UDD-1")
    page.click("button[value=next]")

    # The error is announced at the top, linked to the field, and what was typed is kept.
    expect(page).to_have_title(re.compile(r"^Fejl: Side 1 af 3"))
    summary = page.locator(".error-summary[role=alert]")
    expect(summary).to_contain_text("Der er 1 fejl på siden")
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_attribute("href", "#q-F_AAR")
    expect(page.locator("#q-F_AAR")).to_have_value("400")
    expect(page.locator("#q-F_AAR")).to_have_attribute("aria-invalid", "true")
    page.fill("#q-F_AAR", "4")
    page.click("button[value=next]")
    expect(page).to_have_title(re.compile(r"^Side 2 af 3"))
    page.check("#q-S1_1-5")
    page.click("button[value=next]")
    page.fill("#q-AABEN1", "Uden JavaScript.")
    page.click("button[value=submit]")
    expect(page.locator("h1")).to_have_text("Tak, din besvarelse er modtaget")
    context.close()

    stored = Response.objects.get(invitation=invitation)
    assert stored.answers == {"F_AAR": 4, "F_UDD": "ingen", "S1_1": 5}
    assert stored.open_answers == {"AABEN1": "Uden JavaScript."}
    assert stored.submitted_at is not None


@pytest.mark.parametrize("client_waits", [True, False], ids=["page-waits", "server-orders"])
def test_a_slow_autosave_never_overwrites_the_page_saved_by_the_next_button(
    browser, live_server, settings, monkeypatch, client_waits
):
    """The blur of a text field fires an autosave in the same click as "Næste". If that autosave
    reaches the server after the page's full save, it must not store its older state of the page.
    The server holds the first autosave for a second to make the race certain. Two guards, each
    tested alone: the page waits for its autosaves before submitting; and (with the page's wait
    switched off) the server ignores a save numbered lower than one already stored."""
    import threading
    import time

    from ledelsesrum.surveys import views_respond

    settings.SITE_URL = live_server.url
    study = make_study(k=3)
    make_questionnaire(study, pages=4)
    round = make_round(study)
    invitation = make_invitation(round)
    link = distribution.link_for(invitation)

    real_save = views_respond.answering.save_section
    held = threading.Event()

    def slow_first_autosave(response, index, cleaned, **kwargs):
        if not held.is_set() and "F_UDD" in cleaned and cleaned["F_UDD"] is None:
            held.set()
            time.sleep(1.5)
        return real_save(response, index, cleaned, **kwargs)

    monkeypatch.setattr(views_respond.answering, "save_section", slow_first_autosave)

    context, page = _new_page(browser)
    if not client_waits:
        def no_wait(route):
            body = route.fetch().text()
            assert "var WAIT_LIMIT_MS = 5000;" in body
            route.fulfill(body=body.replace("var WAIT_LIMIT_MS = 5000;", "var WAIT_LIMIT_MS = 0;"),
                          content_type="text/javascript")

        page.route("**/surveys/respond.js", no_wait)
    page.goto(link)
    page.fill("#q-F_AAR", "12")
    page.check("#q-F_UDD-2")  # the blur of F_AAR sends an autosave without F_UDD: held back
    page.click("button[value=next]")
    expect(page).to_have_title(re.compile(r"^Side 2 af 4"))
    assert held.is_set(), "the autosave without F_UDD never reached the server"
    time.sleep(1.6)  # were the held autosave still running, it would have finished by now
    # A route handler still fetching respond.js for page 2 would raise into a later test.
    page.unroute_all(behavior="ignoreErrors")
    context.close()

    stored = Response.objects.get(invitation=invitation)
    assert stored.answers.get("F_AAR") == 12
    assert stored.answers.get("F_UDD") == "diplom"
    assert stored.current_section == 1
