"""In a real headless Chromium: search, open an entry and read its cited passage."""

from __future__ import annotations

import pytest

from ledelsesrum.knowledge.base import seeds_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_searches_opens_an_entry_and_sees_the_source(analyst, login_page, live_server):
    page = login_page("alice")
    page.goto(live_server.url + "/viden/")
    page.fill("#id_q", "relationel koordinering")
    # htmx live search replaces the results without a page load.
    page.wait_for_selector("#knowledge-results mark")
    assert "resultat" in page.locator("#knowledge-results").inner_text()
    assert "q=relationel" in page.url  # the search is in the address, so it can be shared
    page.click("#knowledge-results a[href='/viden/relationel-koordinering/']")
    page.wait_for_url("**/viden/relationel-koordinering/")
    assert page.locator("h1").inner_text() == "Relationel koordinering"
    quote = page.locator("blockquote").first
    assert quote.is_visible()
    if seeds_dir() is not None:
        assert "Gittell" in quote.inner_text()
    assert "linje 1471–1501" in page.locator("figcaption").first.inner_text()
