"""Idle timeout and absolute session cap."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ledelsesrum.accounts import session_timeout
from ledelsesrum.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db
PAGE = reverse("studies:list")


def _logged_in(analyst) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "korrekt-hest-batteri-42"})
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 200
    return client


def _shift(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = session[key] - ago
    session.save()


def test_a_session_ends_after_thirty_minutes_without_activity(analyst, settings):
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 30 * 60
    client = _logged_in(analyst)
    _shift(client, **{session_timeout.LAST_SEEN: 29 * 60})
    assert client.get(PAGE).status_code == 200

    client = _logged_in(analyst)
    _shift(client, **{session_timeout.LAST_SEEN: 31 * 60})
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert "_auth_user_id" not in client.session
    assert client.get(PAGE).status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired", username="alice").exists()


def test_activity_keeps_the_session_but_not_beyond_the_absolute_cap(analyst, settings):
    client = _logged_in(analyst)
    # Active a minute ago, but logged in eleven hours ago.
    _shift(client, **{session_timeout.LAST_SEEN: 60, session_timeout.STARTED: 11 * 3600})
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    # Django's own cookie lasts no longer than the cap either.
    assert settings.SESSION_COOKIE_AGE <= 10 * 3600


def test_a_page_request_counts_as_activity(analyst):
    client = _logged_in(analyst)
    _shift(client, **{session_timeout.LAST_SEEN: 20 * 60})
    assert client.get(PAGE).status_code == 200
    _shift(client, **{session_timeout.LAST_SEEN: 20 * 60})
    # Forty minutes after the first shift, twenty after the last page: still in.
    assert client.get(PAGE).status_code == 200


def test_htmx_polling_does_not_keep_a_session_alive(analyst):
    client = _logged_in(analyst)
    _shift(client, **{session_timeout.LAST_SEEN: 20 * 60})
    client.get(PAGE, HTTP_HX_REQUEST="true")  # a progress bar polling
    _shift(client, **{session_timeout.LAST_SEEN: 20 * 60})
    response = client.get(PAGE, HTTP_HX_REQUEST="true")
    # htmx gets a redirect header to the login page instead of a page fragment.
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")
