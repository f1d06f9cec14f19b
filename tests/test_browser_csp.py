"""The Content-Security-Policy in real Chromium: enforced, and no page of ours breaks it.

Chromium reports every refused script, style or handler on the console; the pages below cover
every template family (staff pages, htmx builder, preview form, admin, the respondent's pages,
the upload error page). A page that needs an inline handler fails here.
"""

import pytest
from django.urls import reverse

from ledelsesrum.surveys.tests.factories import (
    make_invitation,
    make_leader,
    make_questionnaire,
    make_round,
    make_study,
    make_unit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


def test_the_policy_is_enforced_and_the_staff_pages_keep_to_it(live_server, login_page, analyst):
    study = make_study()
    make_questionnaire(study)
    page = login_page("alice")
    violations = _watch(page)
    urls = [
        reverse("studies:list"),
        reverse("studies:detail", kwargs={"pk": study.pk}),
        reverse("surveys:builder", kwargs={"study_id": study.pk}),
        reverse("surveys:preview", kwargs={"study_id": study.pk}),
        reverse("organisation:units"),
        reverse("knowledge:search") + "?q=tid",
        reverse("accounts:password_change"),
        reverse("accounts:account"),
        reverse("accounts:two_factor_setup"),  # the QR code is inline SVG
    ]
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        header = response.headers["content-security-policy"]
        assert "script-src 'self'" in header and "unsafe-inline" not in header and "unsafe-eval" not in header
        page.wait_for_load_state("networkidle")
    assert violations == []

    # The preview form never submits (it was an inline onsubmit handler).
    page.goto(live_server.url + reverse("surveys:preview", kwargs={"study_id": study.pk}))
    before = page.url
    buttons = page.locator("form[data-no-submit] button[type=submit], form[data-no-submit] button:not([type])")
    if buttons.count():
        buttons.first.click()
        page.wait_for_timeout(300)
        assert page.url == before

    # The policy is really enforced: an injected inline script does not run.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__injected = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__injected === undefined")
    assert any("script-src" in v for v in violations)


def test_the_respondent_pages_keep_to_the_policy(live_server, page):
    study = make_study()
    make_questionnaire(study)
    invitation = make_invitation(make_round(study), make_leader(make_unit("Skolen"), name="Søren Ørsted"))
    violations = _watch(page)
    response = page.goto(live_server.url + reverse("surveys:respond", kwargs={"token": invitation.token}))
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    # Answer something so that respond.js saves in the background.
    radios = page.locator("input[type=radio]")
    if radios.count():
        radios.first.check()
        page.wait_for_timeout(500)
    assert violations == []


def test_the_admin_keeps_to_the_policy(live_server, login_page, admin_user):
    page = login_page("adam")
    violations = _watch(page)
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist"), reverse("admin:auth_user_change", args=[admin_user.pk])):
        assert page.goto(live_server.url + url).status == 200, url
        page.wait_for_load_state("networkidle")
    assert violations == []
