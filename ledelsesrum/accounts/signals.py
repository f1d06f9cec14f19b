"""Account and admin events in the audit log: logins, failed logins, logouts, users created,
privileges, roles and passwords changed, and every change made in the Django admin.

Only identifiers go in: never a password, a session key or what an admin form held.
"""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from . import audit

User = get_user_model()
_PRIVILEGES = ("is_active", "is_staff", "is_superuser")
_ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit.record("auth.login", user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record("auth.logout", user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The name typed, cut short: a password typed into the name field must not be logged whole.
    attempted = str(credentials.get("username", ""))[:40]
    audit.record("auth.login_failed", request=request, attempted_username=attempted)


@receiver(pre_save, sender=User)
def _remember_privileges(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        instance._audit_before = None
        return
    before = sender.objects.filter(pk=instance.pk).values(*_PRIVILEGES, "password").first()
    instance._audit_before = before
    # Django re-hashing the same password at login (new iteration count) saves only the password
    # after clearing the raw one; that is not a password change.
    update_fields = kwargs.get("update_fields")
    instance._audit_rehash = (
        update_fields is not None and set(update_fields) == {"password"}
        and getattr(instance, "_password", "set") is None
    )


@receiver(post_save, sender=User)
def _user_saved(sender, instance, created, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if created:
        audit.record("user.create", obj=instance, target=instance.get_username(),
                     **{f: getattr(instance, f) for f in _PRIVILEGES})
        return
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    changed = {f: getattr(instance, f) for f in _PRIVILEGES if before[f] != getattr(instance, f)}
    if changed:
        audit.record("user.privileges", obj=instance, target=instance.get_username(), **changed)
    if before["password"] != instance.password and not getattr(instance, "_audit_rehash", False):
        audit.record("user.password_change", obj=instance, target=instance.get_username())


@receiver(m2m_changed, sender=User.groups.through)
def _roles_changed(sender, instance, action, pk_set, reverse, model, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # a group's members changed: log per user (a clear names no users)
        for user in User.objects.filter(pk__in=pk_set or ()):
            audit.record("user.roles", obj=user, target=user.get_username(),
                         change=action[5:], roles=[instance.name])
        if action == "post_clear" and isinstance(instance, Group):
            audit.record("user.roles", obj=instance, change="clear", roles=[instance.name])
        return
    names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)) if pk_set else []
    audit.record("user.roles", obj=instance, target=instance.get_username(),
                 change=action[5:], roles=names)
    if hasattr(instance, "_ledelsesrum_roles"):
        del instance._ledelsesrum_roles


@receiver(post_save, sender=LogEntry)
def _admin_action(sender, instance, created, **kwargs) -> None:
    if not created or kwargs.get("raw"):
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    audit.record(_ADMIN_ACTIONS.get(instance.action_flag, "admin.action"), user=instance.user,
                 model=model._meta.label if model else "", admin_object_id=str(instance.object_id or ""),
                 fields=_changed_fields(instance))


def _changed_fields(entry: LogEntry) -> list[str]:
    """Which fields an admin change touched (names only, never values)."""
    import json

    try:
        messages = json.loads(entry.change_message or "[]")
    except ValueError:
        return []
    fields: list[str] = []
    for message in messages if isinstance(messages, list) else []:
        for part in message.values() if isinstance(message, dict) else []:
            if isinstance(part, dict):
                fields.extend(str(f) for f in part.get("fields", []))
    return fields
