"""Sessions end after a spell of inactivity and, at the latest, a working day after login.

A laptop left open in a meeting room must not keep an analyst's results open for the two weeks
Django's default session lasts (ASVS 4.0 V3.3.2). Activity is a page the user asks for: a GET
from htmx (a progress bar polling) does not keep the session alive on its own.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

STARTED = "_session_started"
LAST_SEEN = "_session_last_seen"
# Write the time of activity at most this often, so every click is not a session write.
RESOLUTION_SECONDS = 60


def expired(session, now: float, *, idle: float, absolute: float) -> bool:
    started = session.get(STARTED)
    last_seen = session.get(LAST_SEEN)
    if started is None or last_seen is None:
        return False
    return now - last_seen > idle or now - started > absolute


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = time.time()
        idle = settings.SESSION_IDLE_TIMEOUT_SECONDS
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
        if expired(session, now, idle=idle, absolute=absolute):
            from ledelsesrum.accounts import audit

            audit.record("auth.session_expired", request=request, user=user)
            logout(request)
            messages.info(request, _("Du er logget ud, fordi du ikke har været aktiv i et stykke tid. Log ind igen."))
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                return response
            return redirect_to_login(request.get_full_path())
        session.setdefault(STARTED, now)
        polling = request.method == "GET" and request.headers.get("HX-Request")
        if LAST_SEEN not in session or (not polling and now - session[LAST_SEEN] >= RESOLUTION_SECONDS):
            session[LAST_SEEN] = now
        return self.get_response(request)
