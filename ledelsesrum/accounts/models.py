from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Sign-ins, sign-outs and account changes (accounts.signals): logged, but not accesses to data.
ACCOUNT_ACTION_PREFIXES = ("auth.", "user.", "admin.")


class AuditEventQuerySet(models.QuerySet):
    def without_account_events(self):
        """Events about studies and data, leaving out sign-ins and account changes."""
        out = self
        for prefix in ACCOUNT_ACTION_PREFIXES:
            out = out.exclude(action__startswith=prefix)
        return out


class AuditEvent(models.Model):
    """Who viewed, exported or changed what, and when.

    ``detail`` holds identifiers and parameters only — never answers or note text.
    """

    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="audit_events", verbose_name=_("bruger"),
    )
    username = models.CharField(_("brugernavn"), max_length=150, blank=True)
    action = models.CharField(_("handling"), max_length=64, db_index=True)
    object_type = models.CharField(_("objekttype"), max_length=64, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    study_id = models.BigIntegerField(_("undersøgelse"), null=True, blank=True, db_index=True)
    detail = models.JSONField(_("detaljer"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("logpost")
        verbose_name_plural = _("auditlog")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action}"
