"""The client's IP address, also behind a reverse proxy, for login lockout and the audit log.

Behind ``LEDELSESRUM_TRUSTED_PROXIES`` = N proxies, each appends the address it saw to
``X-Forwarded-For``; the N-th entry from the right is the one the outermost trusted proxy saw,
so a client cannot choose its own address by sending the header. With no proxy configured the
header is ignored (anyone could forge it) and ``REMOTE_ADDR`` is used.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if proxies <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than configured: the request did not come through the proxies.
        return remote
    return _valid(forwarded[-proxies]) or remote
