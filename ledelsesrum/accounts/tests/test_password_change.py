"""The password change page and the validators everywhere a password is set."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_change")
OLD = "korrekt-hest-batteri-42"


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_user_changes_the_password_and_other_sessions_end(analyst):
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        response = browser.post(reverse("accounts:login"), {"username": "alice", "password": OLD})
        assert response.status_code == 302
    page = here.get(URL)
    assert page.status_code == 200
    assert "Nuværende adgangskode" in page.content.decode() or "Gammel adgangskode" in page.content.decode()

    response = here.post(URL, {
        "old_password": OLD, "new_password1": "lang-ny-sætning-om-vilkår-7", "new_password2": "lang-ny-sætning-om-vilkår-7",
    })
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.check_password("lang-ny-sætning-om-vilkår-7")
    assert here.get(reverse("studies:list")).status_code == 200
    # The other browser is logged out by the change.
    assert elsewhere.get(reverse("studies:list")).status_code == 302
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(analyst.pk)).count() == 1


@pytest.mark.parametrize("weak", ["123456789012", "qwertyuiop123", "password1234", "kort-kode"])
def test_a_weak_new_password_is_refused_in_danish(analyst_client, analyst, weak):
    response = analyst_client.post(URL, {"old_password": OLD, "new_password1": weak, "new_password2": weak})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.check_password(OLD)


def test_the_wrong_old_password_changes_nothing(analyst_client, analyst):
    response = analyst_client.post(URL, {
        "old_password": "forkert", "new_password1": "lang-ny-sætning-om-vilkår-7", "new_password2": "lang-ny-sætning-om-vilkår-7",
    })
    assert response.status_code == 200
    analyst.refresh_from_db()
    assert analyst.check_password(OLD)


def _createuser(*args: str):
    from ledelsesrum.cli import _register_context_commands, app

    _register_context_commands()
    return CliRunner().invoke(app, ["createuser", *args])


@pytest.mark.parametrize("weak", ["123456789012", "1qaz2wsx3edc", "kort-kode", "bent@example.dk"])
def test_createuser_applies_the_password_validators(weak):
    result = _createuser("bent", "--password", weak, "--email", "bent@example.dk")
    assert result.exit_code == 2, result.output
    assert not get_user_model().objects.filter(username="bent").exists()


def test_createuser_accepts_a_strong_password():
    result = _createuser("bent", "--password", "lang-ny-sætning-om-vilkår-7")
    assert result.exit_code == 0, result.output
    assert get_user_model().objects.get(username="bent").check_password("lang-ny-sætning-om-vilkår-7")
