"""Danish error pages in the app's layout: 400, 403 (and CSRF), 404, 405, 500."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

pytestmark = pytest.mark.django_db


def _crash(request):
    raise RuntimeError("boom")


def _ok(request):
    return HttpResponse("ok")


urlpatterns = [path("crash/", _crash), path("ok-form/", _ok), path("", include("ledelsesrum.urls"))]


def test_an_unknown_address_gets_the_danish_404(client):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Siden findes ikke" in html and 'lang="da"' in html and "Ledelsesrum" in html
    assert "Not Found" not in html


def test_a_role_without_access_gets_the_danish_403(board_client):
    response = board_client.get(reverse("organisation:units"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Ingen adgang" in html and "Forbidden" not in html
    assert 'class="site-header"' in html  # the app's layout, with its menu


def test_a_get_on_a_post_only_address_gets_the_danish_405(analyst_client):
    response = analyst_client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "Handlingen kan ikke udføres sådan" in response.content.decode()
    assert "POST" in response["Allow"]


def test_an_expired_form_gets_the_danish_csrf_page(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formularen er udløbet" in html and "CSRF verification failed" not in html


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_crash_gets_the_danish_500_without_details():
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Der skete en fejl" in html and "Det, der allerede var gemt, er ikke tabt" in html
    assert "boom" not in html and "Traceback" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_bad_request_gets_the_danish_400(client):
    response = client.get("/ok-form/", HTTP_HOST="ikke en vært")
    assert response.status_code == 400
    assert "Forespørgslen kunne ikke forstås" in response.content.decode()
