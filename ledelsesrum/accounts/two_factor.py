"""An optional second factor: a time-based one-time code (TOTP, RFC 6238) from an app.

Built on django-otp's TOTP device (its code check, replay protection and throttling of wrong
codes); this module adds what the pages need: the pending device while a user sets it up, the QR
code (segno, inline SVG so the CSP needs no exception) and the secret in readable groups.
A user with a confirmed device must enter a code after the password before any page opens
(:class:`SecondFactorMiddleware`).
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Ledelsesrum"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device of a set-up in progress (one per user; a new set-up reuses it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The key as base32 in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def clean_token(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())[:8]


def check(device: TOTPDevice, token: str) -> tuple[bool, bool]:
    """``(accepted, throttled)``. A code is accepted once only (django-otp keeps the last step)."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return False, True
    return bool(device.verify_token(clean_token(token))), False


class SecondFactorMiddleware:
    """A user with a confirmed device sees nothing but the code page until the code is given."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated and not user.is_verified()
            and not self._exempt(request.path) and user_has_device(user, confirmed=True)
        ):
            verify = reverse("accounts:two_factor_verify")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = verify
                return response
            if request.method == "GET":
                return redirect_to_login(request.get_full_path(), verify)
            return redirect(verify)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        exempt = (reverse("accounts:two_factor_verify"), reverse("accounts:logout"), "/" + settings.STATIC_URL.lstrip("/"))
        return path.startswith(exempt)
