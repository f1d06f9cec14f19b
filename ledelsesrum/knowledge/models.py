"""Knowledge entries an analyst chose to carry into the report of a study's sub-theme.

Entries themselves live in YAML (``base``); only the choice is stored, by entry id.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChosenEntry(models.Model):
    study = models.ForeignKey(
        "studies.Study", on_delete=models.CASCADE, related_name="+", verbose_name=_("undersøgelse"),
    )
    subtheme = models.CharField(_("undertema"), max_length=16)
    entry_id = models.CharField(_("post"), max_length=120)
    position = models.PositiveIntegerField(_("placering"), default=0)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("valgt af"),
    )
    chosen_at = models.DateTimeField(_("valgt"), auto_now_add=True)

    class Meta:
        ordering = ["study", "subtheme", "position", "id"]
        verbose_name = _("valgt videnspost")
        verbose_name_plural = _("valgte vidensposter")
        constraints = [
            models.UniqueConstraint(fields=["study", "subtheme", "entry_id"], name="chosen_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subtheme}: {self.entry_id}"
