"""Account pages: one's own password (Django's view, with the project's validators) and the
optional second factor (``two_factor``).

Django's view keeps the current session and, because the session hash follows the password,
logs every other session of the user out. The change is audit-logged by ``signals``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, two_factor


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Din adgangskode er skiftet. Andre steder, du var logget ind, er du nu logget ud."))
        return response


# --- my account and the second factor ------------------------------------------------------------


@login_required
def account(request):
    device = two_factor.confirmed_device(request.user)
    return render(request, "accounts/account.html", {"device": device})


@login_required
def two_factor_setup(request):
    if two_factor.confirmed_device(request.user) is not None:
        return redirect("accounts:account")
    device = two_factor.pending_device(request.user)
    error = ""
    if request.method == "POST":
        accepted, throttled = two_factor.check(device, request.POST.get("token", ""))
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record("user.second_factor_enable", request=request, obj=request.user)
            messages.success(request, _("Totrinsbekræftelse er slået til. Næste gang du logger ind, beder vi om en kode fra appen."))
            return redirect("accounts:account")
        error = _wrong_code(throttled)
    return render(request, "accounts/two_factor_setup.html", {
        "qr": mark_safe(two_factor.qr_svg(device)),  # noqa: S308 - segno's own SVG of our own URL
        "secret": two_factor.secret_text(device), "error": error,
    }, status=200 if not error else 400)


@login_required
@require_POST
def two_factor_disable(request):
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:account")
    accepted, throttled = two_factor.check(device, request.POST.get("token", ""))
    if not accepted:
        messages.error(request, _wrong_code(throttled))
        return redirect("accounts:account")
    TOTPDevice.objects.filter(user=request.user).delete()
    audit.record("user.second_factor_disable", request=request, obj=request.user)
    messages.success(request, _("Totrinsbekræftelse er slået fra."))
    return redirect("accounts:account")


@login_required
def two_factor_verify(request):
    device = two_factor.confirmed_device(request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if device is None or request.user.is_verified():
        return redirect(next_url or "studies:list")
    error = ""
    if request.method == "POST":
        accepted, throttled = two_factor.check(device, request.POST.get("token", ""))
        if accepted:
            otp_login(request, device)
            audit.record("auth.second_factor", request=request)
            return redirect(next_url or "studies:list")
        audit.record("auth.second_factor_failed", request=request, throttled=throttled)
        error = _wrong_code(throttled)
    return render(request, "accounts/two_factor_verify.html", {"error": error, "next": next_url},
                  status=200 if not error else 400)


def _wrong_code(throttled: bool) -> str:
    if throttled:
        return _("For mange forkerte koder. Vent lidt, og prøv igen med en ny kode fra appen.")
    return _("Koden passer ikke. Skriv de seks cifre, appen viser lige nu (en kode kan kun bruges én gang).")
