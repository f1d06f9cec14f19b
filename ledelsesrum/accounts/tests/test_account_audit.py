"""Sign-ins, failed sign-ins, sign-outs, users created, privileges, roles and passwords changed are
in the audit log (issue 10, finding 6: there were no such events), with names, never secrets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.accounts.roles import grant

pytestmark = pytest.mark.django_db
PASSWORD = "korrekt-hest-batteri-42"


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_login_failed_login_and_logout_are_logged(client, analyst):
    AuditEvent.objects.all().delete()
    client.post(reverse("accounts:login"), {"username": "alice", "password": "forkert-kodeord"},
                REMOTE_ADDR="10.1.2.3")
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD},
                REMOTE_ADDR="10.1.2.3")
    client.post(reverse("accounts:logout"))
    assert actions() == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.detail == {"attempted_username": "alice"}
    assert failed.ip_address == "10.1.2.3"
    assert AuditEvent.objects.get(action="auth.login").username == "alice"
    logged = str(list(AuditEvent.objects.values("detail")))
    assert "forkert-kodeord" not in logged and PASSWORD not in logged


def test_a_password_typed_into_the_name_field_is_not_logged_whole(client, analyst):
    secret = "mit-hemmelige-kodeord-som-er-meget-langt-og-unikt-1234"
    client.post(reverse("accounts:login"), {"username": secret, "password": "x"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert secret not in str(event.detail)


def test_users_privileges_roles_and_passwords_are_logged(django_user_model):
    user = django_user_model.objects.create_user(username="carl", password=PASSWORD)
    grant(user, "analyst")
    user.is_staff = True
    user.save()
    user.set_password("et-helt-andet-kodeord-99")
    user.save()
    user.groups.clear()
    assert actions() == ["user.create", "user.roles", "user.privileges", "user.password_change",
                         "user.roles"]
    roles = AuditEvent.objects.filter(action="user.roles").order_by("id")
    assert roles[0].detail == {"target": "carl", "change": "add", "roles": ["analyst"]}
    assert roles[1].detail["change"] == "clear"
    assert AuditEvent.objects.get(action="user.privileges").detail == {"target": "carl",
                                                                       "is_staff": True}
    assert "pbkdf2" not in str(list(AuditEvent.objects.values("detail")))
