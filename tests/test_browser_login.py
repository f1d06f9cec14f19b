import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_works_in_chromium(login_page, analyst, live_server):
    page = login_page("alice")
    assert page.url.endswith("/undersoegelser/")
    assert page.locator("h1").inner_text() == "Undersøgelser"
    assert page.evaluate("document.documentElement.lang") == "da"
