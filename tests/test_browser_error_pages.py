"""Error pages as a person meets them in Chromium: Danish, in the app's layout, with a way on."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_403_404_and_405_are_danish_pages_with_a_way_on(live_server, login_page, board_reader):
    page = login_page("bob")
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for url, status, heading in (
        (reverse("organisation:units"), 403, "Ingen adgang"),
        ("/findes-ikke/", 404, "Siden findes ikke"),
        (reverse("accounts:logout"), 405, "Handlingen kan ikke udføres sådan"),
    ):
        response = page.goto(live_server.url + url)
        assert response.status == status, url
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.lang") == "da"
        assert page.locator("nav[aria-label]").count() == 1  # the menu is there
        assert page.get_by_role("link", name="Til forsiden").count() + page.get_by_role("link", name="Tilbage").count() >= 1
    assert violations == []
