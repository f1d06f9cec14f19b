"""Password hashes: PBKDF2-SHA256 at 600,000 iterations; older hashes verify and are re-hashed."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

PASSWORD = "korrekt-hest-batteri-42"


def test_new_hashes_use_600000_iterations():
    encoded = make_password(PASSWORD)
    algorithm, iterations, _salt, _hash = encoded.split("$")
    assert algorithm == "pbkdf2_sha256" and int(iterations) == 600_000
    assert identify_hasher(encoded).iterations == 600_000  # OWASP's figure for PBKDF2-SHA256


@pytest.mark.django_db
def test_a_hash_from_djangos_default_still_logs_in_and_is_rehashed(client, django_user_model):
    old = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt12", iterations=1_000_000)
    user = django_user_model.objects.create(username="gammel", password=old)
    response = client.post(reverse("accounts:login"), {"username": "gammel", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.split("$")[1] == "600000"
    # The same password, hashed again: not a password change in the audit log.
    from ledelsesrum.accounts.models import AuditEvent

    assert not AuditEvent.objects.filter(action="user.password_change").exists()
    assert AuditEvent.objects.filter(action="auth.login", username="gammel").exists()
