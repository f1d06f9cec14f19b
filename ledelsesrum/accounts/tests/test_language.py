import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_are_danish_even_for_an_english_browser(analyst_client):
    response = analyst_client.get(reverse("studies:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "da"
    assert '<html lang="da">' in response.content.decode()


@pytest.mark.django_db
def test_a_chosen_language_is_respected(analyst_client, settings):
    analyst_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = analyst_client.get(reverse("studies:list"))
    assert response["Content-Language"] == "en"
