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
