import pytest
from django.urls import reverse

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.models import AuditEvent


@pytest.mark.django_db
def test_it_logs_in_with_the_right_password(client, analyst):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "korrekt-hest-batteri-42"}
    )
    assert response.status_code == 302
    assert response.url == reverse("studies:list")
    assert client.get(reverse("studies:list")).status_code == 200


@pytest.mark.django_db
def test_it_locks_out_after_five_failed_attempts(client, analyst):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "alice", "password": "forkert"})
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "korrekt-hest-batteri-42"}
    )
    # Even the right password is refused while locked out.
    assert response.status_code == 429
    assert "For mange mislykkede forsøg" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_pages_require_login(client):
    response = client.get(reverse("studies:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.django_db
def test_audit_record_keeps_who_and_what(analyst):
    event = audit.record("results.export", user=analyst, study_id=7, format="csv")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.username == "alice"
    assert stored.study_id == 7
    assert stored.detail == {"format": "csv"}


def _login(client, password: str, ip: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        reverse("accounts:login"), {"username": "alice", "password": password}, **extra
    )


@pytest.mark.django_db
def test_a_stranger_cannot_lock_an_analyst_out_from_another_address(client, analyst):
    for _ in range(8):
        _login(client, "forkert", "203.0.113.9")
    assert _login(client, "korrekt-hest-batteri-42", "203.0.113.9").status_code == 429
    # The analyst at her own desk is not locked out by the attacker's attempts.
    response = _login(client, "korrekt-hest-batteri-42", "10.1.2.3")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(analyst.pk)


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_lock(client, analyst, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for _ in range(5):
        _login(client, "forkert", proxy, forwarded="198.51.100.7")
    assert _login(client, "korrekt-hest-batteri-42", proxy, forwarded="198.51.100.7").status_code == 429
    # Same proxy, another client: not locked.
    assert _login(client, "korrekt-hest-batteri-42", proxy, forwarded="198.51.100.8").status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_dodge_the_lock(client, analyst, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        # The attacker prepends a new address every time; the proxy appends the real one.
        _login(client, "forkert", "10.0.0.1", forwarded=f"192.0.2.{i}, 198.51.100.7")
    response = _login(client, "korrekt-hest-batteri-42", "10.0.0.1", forwarded="192.0.2.99, 198.51.100.7")
    assert response.status_code == 429


@pytest.mark.django_db
def test_without_a_configured_proxy_the_header_is_ignored(client, analyst, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(5):
        _login(client, "forkert", "203.0.113.9", forwarded=f"192.0.2.{i}")
    assert _login(client, "korrekt-hest-batteri-42", "203.0.113.9", forwarded="192.0.2.200").status_code == 429


@pytest.mark.django_db
def test_failures_during_a_lockout_do_not_restart_the_cool_off(client, analyst, settings):
    import datetime

    from axes.models import AccessAttempt

    for _ in range(5):
        _login(client, "forkert", "203.0.113.9")
    first = AccessAttempt.objects.get(username="alice").attempt_time
    for _ in range(10):
        _login(client, "forkert", "203.0.113.9")
    # The attempt time (from which the cool-off counts) was not pushed forward.
    assert AccessAttempt.objects.get(username="alice").attempt_time == first
    AccessAttempt.objects.update(attempt_time=first - datetime.timedelta(minutes=16))
    assert _login(client, "korrekt-hest-batteri-42", "203.0.113.9").status_code == 302
