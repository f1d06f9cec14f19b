"""The optional second factor (TOTP): set-up, the code after the password, replay, disabling."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "korrekt-hest-batteri-42"


def _code(device: TOTPDevice, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=device.drift + offset_steps)
    return str(value).zfill(device.digits)


def _login(username: str = "alice") -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _enable(client: Client, user) -> TOTPDevice:
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'id="totp-secret"' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_without_a_device_the_password_is_enough(analyst):
    assert _login().get(reverse("studies:list")).status_code == 200


def test_a_wrong_code_does_not_turn_it_on(analyst):
    client = _login()
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert response.status_code == 400
    assert "Koden passer ikke" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=analyst, confirmed=True).exists()


def test_with_a_device_no_page_opens_before_the_code(analyst, settings):
    device = _enable(_login(), analyst)
    assert AuditEvent.objects.filter(action="user.second_factor_enable", object_id=str(analyst.pk)).exists()

    client = _login()
    for url in (reverse("studies:list"), reverse("admin:index"), reverse("accounts:account"),
                reverse("followup:export", kwargs={"study_id": 1})):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:two_factor_verify")), url
    assert client.post(reverse("studies:create"), {"name": "x"}).status_code == 302
    htmx = client.get(reverse("studies:list"), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == reverse("accounts:two_factor_verify")

    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "123456", "next": reverse("studies:list")})
    assert wrong.status_code == 400
    assert AuditEvent.objects.filter(action="auth.second_factor_failed", username="alice").exists()

    # django-otp throttles after a failure (1 s, doubling); the test does not wait for it.
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(reverse("accounts:two_factor_verify"), {"token": _code(device, offset_steps=1), "next": reverse("studies:list")})
    assert right.status_code == 302 and right.url == reverse("studies:list")
    assert client.get(reverse("studies:list")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor", username="alice").exists()


def test_a_code_is_accepted_once_only(analyst):
    device = _enable(_login(), analyst)
    used = _code(device)  # the set-up used this step's code already
    client = _login()
    response = client.post(reverse("accounts:two_factor_verify"), {"token": used})
    assert response.status_code == 400
    assert client.get(reverse("studies:list")).status_code == 302


def test_the_next_address_must_be_ours(analyst):
    device = _enable(_login(), analyst)
    client = _login()
    response = client.post(reverse("accounts:two_factor_verify"),
                           {"token": _code(device, offset_steps=1), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("studies:list")


def test_turning_it_off_needs_a_code_and_is_logged(analyst):
    client = _login()
    device = _enable(client, analyst)
    client.post(reverse("accounts:two_factor_disable"), {"token": "000000"})
    assert TOTPDevice.objects.filter(user=analyst).exists()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    client.post(reverse("accounts:two_factor_disable"), {"token": _code(device, offset_steps=1)})
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert AuditEvent.objects.filter(action="user.second_factor_disable").exists()
    assert _login().get(reverse("studies:list")).status_code == 200


def test_a_lost_phone_is_reset_from_the_command_line(analyst):
    _enable(_login(), analyst)
    from ledelsesrum.cli import app

    result = CliRunner().invoke(app, ["reset-2fa", "alice"])
    assert result.exit_code == 0, result.output
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert AuditEvent.objects.filter(action="user.second_factor_reset").exists()
    assert CliRunner().invoke(app, ["reset-2fa", "ingen"]).exit_code == 1
