from django.db import models
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """One release of the disclosure-controlled results of a closed round.

    Results of a round never change after it closes, so they are computed and audited once and
    every channel — page, CSV, XLSX, JSON, CLI — serves the latest release. Releases are
    append-only: a study whose thresholds are raised gets a *new* release (``version`` + 1),
    which withholds everything the earlier ones withheld and is audited together with them,
    because whatever was published once (a page, a downloaded CSV) is the attacker's knowledge.
    """

    round = models.ForeignKey("studies.Round", on_delete=models.CASCADE, related_name="releases")
    version = models.PositiveIntegerField(default=1)
    settings_key = models.CharField(max_length=100)
    payload = models.JSONField()
    audited = models.BooleanField(default=False)
    seconds = models.FloatField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("frigivet resultat")
        verbose_name_plural = _("frigivne resultater")
        ordering = ["round", "version"]
        constraints = [
            models.UniqueConstraint(fields=["round", "version"], name="release_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.round} v{self.version} ({self.settings_key})"
