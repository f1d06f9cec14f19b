"""Response headers: nothing with personal data is cached; HSTS when configured."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_and_the_login_page_are_not_stored(client, analyst_client):
    assert _no_store(client.get(reverse("accounts:login")))
    assert _no_store(analyst_client.get(reverse("studies:list")))


def test_a_respondent_page_is_not_stored(client):
    # An unknown token still answers with a page; it must not be cached either.
    response = client.get(reverse("surveys:respond", kwargs={"token": "x" * 43}))
    assert _no_store(response)


def test_an_export_is_not_stored(analyst_client):
    from ledelsesrum.surveys.tests.factories import make_study

    study = make_study()
    response = analyst_client.get(reverse("followup:export", kwargs={"study_id": study.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert _no_store(response)


def test_static_files_may_be_cached(client):
    response = client.get("/static/js/htmx.min.js")
    assert response.status_code == 200
    assert not _no_store(response)


def _setting(name: str, **env: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ledelsesrum.settings'; django.setup();"
        f"from django.conf import settings; print(settings.{name})"
    )
    environment = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True).stdout.strip()


def test_hsts_is_off_by_default_and_switched_on_by_the_environment():
    assert _setting("SECURE_HSTS_SECONDS") == "0"
    assert _setting("SECURE_HSTS_SECONDS", LEDELSESRUM_HSTS_SECONDS="31536000") == "31536000"


def test_hsts_is_sent_on_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
