"""Write to the audit log. One function, used by every view, export and command."""

from __future__ import annotations

from typing import Any

from .client_ip import client_ip
from .models import AuditEvent


def record(
    action: str,
    *,
    user=None,
    request=None,
    obj: Any = None,
    study_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Record that ``user`` did ``action`` (e.g. ``results.view``, ``results.export``).

    Pass identifiers and parameters in ``detail``; never answers, notes or other payloads.
    """
    if request is not None and user is None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    ip = None
    if request is not None:
        ip = client_ip(request)
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "")) if obj is not None else "",
        study_id=study_id,
        detail=detail,
        ip_address=ip,
    )
