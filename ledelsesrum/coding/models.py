"""Meaning units of a study, the analyst's codes on them, and the essence per sub-theme.

Unit text is never a real name: interview notes are already pseudonymised when saved, and open
answers pass through ``lib.redact.redact`` when the unit is built.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeaningUnit(models.Model):
    """A sentence group carrying one meaning, from an interview note or an open answer."""

    study = models.ForeignKey(
        "studies.Study", on_delete=models.CASCADE, related_name="meaning_units",
        verbose_name=_("undersøgelse"),
    )
    interview_note = models.ForeignKey(
        "interviews.InterviewNote", null=True, blank=True, on_delete=models.CASCADE,
        related_name="meaning_units", verbose_name=_("interviewnote"),
    )
    # Open answers: no foreign key to the response on purpose; the id is enough to find it again.
    response_id = models.PositiveIntegerField(_("besvarelse"), null=True, blank=True)
    question_code = models.CharField(_("spørgsmål"), max_length=64, blank=True)
    # Lets distinct leaders be counted; unknown (None) for open answers after the round closed.
    leader = models.ForeignKey(
        "organisation.Leader", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("leder"),
    )
    # "note:<id>" or "answer:<response id>:<question code>"; groups the units of one source text.
    source_key = models.CharField(max_length=120, db_index=True)
    source_digest = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(_("placering"), default=0)
    text = models.TextField(_("tekst"))
    condensed = models.TextField(_("kondenseret mening"), blank=True)
    code = models.CharField(_("undertema"), max_length=16, blank=True, db_index=True)
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    coded_at = models.DateTimeField(_("kodet"), null=True, blank=True)
    # Top suggestions as last computed: [{"code", "score", "reason"}].
    suggestion_cache = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "source_key", "position", "id"]
        verbose_name = _("meningsenhed")
        verbose_name_plural = _("meningsenheder")

    def __str__(self) -> str:
        return f"{self.source_key}#{self.position}"

    @property
    def is_open_answer(self) -> bool:
        return self.interview_note_id is None


class CodingDecision(models.Model):
    """Every code given to a unit, and whether it was a suggestion (rank) or the analyst's own."""

    unit = models.ForeignKey(MeaningUnit, on_delete=models.CASCADE, related_name="decisions")
    code = models.CharField(max_length=16)
    previous_code = models.CharField(max_length=16, blank=True)
    suggestion_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kodebeslutning")
        verbose_name_plural = _("kodebeslutninger")

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.code}"


class SubthemeEssence(models.Model):
    """The essence of a sub-theme in a study, written by the analyst on the synthesis page."""

    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16)
    essence = models.TextField(_("essens"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("essens")
        verbose_name_plural = _("essenser")
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="essence_one_per_code")]

    def __str__(self) -> str:
        return self.code


class SecondCoding(models.Model):
    """A second coder's blind code on a sampled unit, for inter-coder agreement.

    A row with an empty ``code`` is a unit drawn for the coder and not yet coded.
    """

    unit = models.ForeignKey(MeaningUnit, on_delete=models.CASCADE, related_name="second_codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("undertema"), max_length=16, blank=True)
    coded_at = models.DateTimeField(_("kodet"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__source_key", "unit__position", "unit_id", "id"]
        verbose_name = _("andenkodning")
        verbose_name_plural = _("andenkodninger")
        constraints = [models.UniqueConstraint(fields=["unit", "coder"], name="second_coding_one_per_coder")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.coder_id} → {self.code or '-'}"


class StudyCodingSetup(models.Model):
    """How a study codes: its own codebook (or the built-in frame) and its quantifier thresholds.

    No row, or an empty ``codebook``, means the built-in codebook; empty ``thresholds`` mean the
    default scale. Both are validated by ``study_codebook`` before they are saved here.
    """

    study = models.OneToOneField(
        "studies.Study", on_delete=models.CASCADE, related_name="coding_setup", verbose_name=_("undersøgelse"),
    )
    # The CLI JSON structure of codebook.to_data; None = the built-in codebook.
    codebook = models.JSONField(_("kodebog"), null=True, blank=True)
    codebook_name = models.CharField(_("kodebogens navn"), max_length=200, blank=True)
    # A fresh random token on every codebook change: keys the in-process caches (codebook,
    # suggester) so that every worker process notices a change made in another one.
    codebook_version = models.CharField(max_length=32, blank=True)
    # Share of interviewed leaders per adjustable word, e.g. {"mange": 0.4}; {} = defaults.
    thresholds = models.JSONField(_("tærskler"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kodningsopsætning")
        verbose_name_plural = _("kodningsopsætninger")

    def __str__(self) -> str:
        return f"{self.study_id}: {'egen kodebog' if self.codebook else 'indbygget kodebog'}"
