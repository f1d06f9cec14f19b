"""The admin's account pages, and every third-party admin made strict.

Django's and django-axes' own ModelAdmins accept any lookup on a local field in the query string
(``?password__startswith=pbkdf2_sha256$…`` is an oracle on a password hash); they are
re-registered here on `StrictModelAdmin`, so no admin page of Ledelsesrum filters by anything
but its declared list filters (docs/security.md).
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from ledelsesrum.lib.admin import ReadOnlyModelAdmin, StrictModelAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    # The log is append-only; retention is handled by a command, which is itself logged.
    list_display = ("created_at", "username", "action", "object_type", "object_id", "study_id")
    list_filter = ("action",)
    search_fields = ("username", "action", "object_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


def _strict(model, base):
    """Re-register ``model`` with ``base`` on top of StrictModelAdmin's lookup rule."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    strict = type(base.__name__, (StrictModelAdmin, base), {"__module__": __name__})
    admin.site.register(model, strict)


_strict(User, auth_admin.UserAdmin)
_strict(Group, auth_admin.GroupAdmin)
# A TOTP secret in the admin would let an administrator copy anyone's second factor; a lost
# phone is reset with ``ledelsesrum reset-2fa USER`` (audit-logged) instead.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
for _model, _base in ((AccessAttempt, axes_admin.AccessAttemptAdmin),
                      (AccessLog, axes_admin.AccessLogAdmin),
                      (AccessFailureLog, axes_admin.AccessFailureLogAdmin)):
    if admin.site.is_registered(_model):
        _strict(_model, _base)
