"""Analyst-owned texts of a study's report: edited section texts.

The composer generates a draft from the data; anything stored here wins over the draft, so a
regenerated report keeps the analyst's edits. Recommendations are ``followup.Recommendation``
(one model for the report and the board's decisions).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SectionText(models.Model):
    """An edited text for one section key of the report (e.g. ``purpose``, ``method``,
    ``closing``, ``essence:1d``); an empty text means "use the generated draft"."""

    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("afsnit"), max_length=40)
    text = models.TextField(_("tekst"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("redigeret afsnit")
        verbose_name_plural = _("redigerede afsnit")
        constraints = [
            models.UniqueConstraint(fields=["study", "key"], name="report_section_text_unique"),
        ]

    def __str__(self) -> str:
        return self.key
