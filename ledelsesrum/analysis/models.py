from django.db import models
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """The released, disclosure-controlled results of a closed round, computed once.

    Results of a round never change after it closes (no answers can be added), so they are
    computed and audited once and every channel — page, CSV, XLSX, JSON, CLI — serves this same
    payload. ``settings_key`` records the thresholds it was computed with; a study whose
    thresholds are raised gets a new release.
    """

    round = models.OneToOneField("studies.Round", on_delete=models.CASCADE, related_name="release")
    settings_key = models.CharField(max_length=100)
    payload = models.JSONField()
    audited = models.BooleanField(default=False)
    seconds = models.FloatField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("frigivet resultat")
        verbose_name_plural = _("frigivne resultater")

    def __str__(self) -> str:
        return f"{self.round} ({self.settings_key})"
