"""The board's follow-up: recommendations, the board's decision on each, and the actions that follow.

:class:`Recommendation` is the one model of a recommendation: the analyst writes them in the
report (``reports`` prints them per sub-theme) or here, and the board decides on the same rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Recommendation(models.Model):
    study = models.ForeignKey(
        "studies.Study", on_delete=models.CASCADE, related_name="followup_recommendations",
        verbose_name=_("undersøgelse"),
    )
    # A sub-theme id of the default codebook ("1a" … "6a"); its first character names the theme.
    subtheme = models.CharField(_("undertema"), max_length=16)
    text = models.TextField(_("anbefaling"))
    source_note = models.CharField(_("kilde"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subtheme", "position", "id"]
        verbose_name = _("anbefaling")
        verbose_name_plural = _("anbefalinger")

    def __str__(self) -> str:
        return f"{self.subtheme}: {self.text[:60]}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Vedtaget")
        ADJUSTED = "adjusted", _("Vedtaget med justering")
        REJECTED = "rejected", _("Afvist")

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="decision",
    )
    outcome = models.CharField(_("beslutning"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("begrundelse"), blank=True)
    adjusted_text = models.TextField(_("justeret anbefaling"), blank=True)
    meeting_date = models.DateField(_("mødedato"), null=True, blank=True)
    decided_at = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.outcome}"

    @property
    def allows_actions(self) -> bool:
        return self.outcome in {self.Outcome.ADOPTED, self.Outcome.ADJUSTED}


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IN_PROGRESS = "in_progress", _("I gang")
        DONE = "done", _("Gennemført")
        DROPPED = "dropped", _("Opgivet")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="actions",
    )
    title = models.CharField(_("handling"), max_length=300)
    owner_name = models.CharField(_("ansvarlig"), max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("ansvarlig bruger"),
    )
    owner_email = models.EmailField(_("ansvarliges e-mail"), blank=True)
    deadline = models.DateField(_("frist"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    evidence = models.TextField(_("dokumentation"), blank=True, help_text=_("Hvad viser, at den er gennemført?"))
    scale_codes = models.JSONField(_("skalaer den skal flytte"), default=list, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("handling")
        verbose_name_plural = _("handlinger")

    def __str__(self) -> str:
        return self.title

    @property
    def reminder_address(self) -> str:
        if self.owner_email:
            return self.owner_email
        return getattr(self.owner_user, "email", "") or ""
