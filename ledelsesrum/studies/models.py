from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Floors from ANONYMITY.md: a study may raise its thresholds, never go below these.
MIN_ANONYMITY_THRESHOLD = 3
MIN_OPEN_TEXT_THRESHOLD = 5
MIN_SENSITIVE_THRESHOLD = 10

DEFAULT_MAIN_FIELDS = [
    "Lederrollen",
    "Ledelsesrum",
    "Trivsel og udviklingsmuligheder",
]


def default_main_fields() -> list[str]:
    return list(DEFAULT_MAIN_FIELDS)


class Study(models.Model):
    """A study of the conditions leaders work under (seed 004's "undersøgelse")."""

    name = models.CharField(_("navn"), max_length=200)
    purpose = models.TextField(_("formål"), blank=True)
    research_questions = models.JSONField(_("undersøgelsesspørgsmål"), default=list, blank=True)
    main_fields = models.JSONField(_("hovedfelter"), default=default_main_fields, blank=True)
    # Population rule: a leader is in the population when active, within population_unit's
    # subtree (if set), and their level/area is listed (an empty list means "all").
    population_unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("afgrænset til enhed"),
    )
    population_levels = models.JSONField(_("ledelsesniveauer med"), default=list, blank=True)
    population_areas = models.JSONField(_("områder med"), default=list, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymitetsgrænse"), default=5, validators=[MinValueValidator(MIN_ANONYMITY_THRESHOLD)],
        help_text=_("Mindste antal besvarelser, før et tal vises (mindst 3)."),
    )
    open_text_threshold = models.PositiveSmallIntegerField(
        _("grænse for fritekst"), default=10, validators=[MinValueValidator(MIN_OPEN_TEXT_THRESHOLD)],
    )
    sensitive_threshold = models.PositiveSmallIntegerField(
        _("grænse for følsomme spørgsmål"), default=20,
        validators=[MinValueValidator(MIN_SENSITIVE_THRESHOLD)],
    )
    retention_until = models.DateField(_("slettes senest"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("undersøgelse")
        verbose_name_plural = _("undersøgelser")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        floors = {
            "anonymity_threshold": (MIN_ANONYMITY_THRESHOLD, _("Anonymitetsgrænsen kan ikke være under 3.")),
            "open_text_threshold": (MIN_OPEN_TEXT_THRESHOLD, _("Grænsen for fritekst kan ikke være under 5.")),
            "sensitive_threshold": (
                MIN_SENSITIVE_THRESHOLD, _("Grænsen for følsomme spørgsmål kan ikke være under 10.")
            ),
        }
        for field, (floor, message) in floors.items():
            value = getattr(self, field)
            if value is not None and value < floor:
                errors[field] = message
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Slutdatoen ligger før startdatoen.")
        if self.retention_until and self.ends_on and self.retention_until < self.ends_on:
            errors["retention_until"] = _("Sletningsdatoen ligger før undersøgelsens slutdato.")
        if self.pk:
            # ANONYMITY.md: once results are out, a lower threshold would reveal what was withheld.
            released = self.rounds.filter(status=Round.Status.CLOSED).exists()
            previous = Study.objects.filter(pk=self.pk).values(*floors).first()
            if released and previous:
                for field in floors:
                    value = getattr(self, field)
                    if field not in errors and value is not None and value < previous[field]:
                        errors[field] = _(
                            "Resultaterne er frigivet; grænsen kan ikke sænkes under %(value)s nu."
                        ) % {"value": previous[field]}
        if errors:
            raise ValidationError(errors)

    @property
    def results_released(self) -> bool:
        return self.rounds.filter(status=Round.Status.CLOSED).exists()

    @property
    def main_round(self) -> "Round | None":
        return self.rounds.filter(kind=Round.Kind.MAIN).order_by("-number").first()


class Round(models.Model):
    """One round of data collection. Membership is frozen when the round is launched;
    results are released only when it is closed."""

    class Kind(models.TextChoices):
        # "Runde 1", "Pilottest 1" everywhere (pages, exports, file names): issue 12 found
        # "Undersøgelse 1" beside "Runde 1" and a pilot downloaded as "runde-3".
        MAIN = "main", _("Runde")
        PILOT = "pilot", _("Pilottest")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Under forberedelse")
        COLLECTING = "collecting", _("Indsamler svar")
        CLOSED = "closed", _("Afsluttet – resultater frigivet")

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("runde"), default=1)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    launched_at = models.DateTimeField(_("startet"), null=True, blank=True)
    closes_on = models.DateField(_("svarfrist"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    # The unit tree as it was at launch: {"unit id": [parent id or null, name]}. Results of the
    # round always use it, so a reorganisation after the release changes no published group.
    unit_tree = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["study", "kind", "number"]
        verbose_name = _("runde")
        verbose_name_plural = _("runder")
        constraints = [
            models.UniqueConstraint(fields=["study", "kind", "number"], name="round_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.study} – {self.label}"

    @property
    def label(self) -> str:
        """"Runde 2" or "Pilottest 1"."""
        return f"{self.get_kind_display()} {self.number}"

    @property
    def slug(self) -> str:
        """For file names: "runde-2", "pilottest-1"."""
        return f"{'pilottest' if self.kind == self.Kind.PILOT else 'runde'}-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.COLLECTING

    @property
    def results_released(self) -> bool:
        return self.status == self.Status.CLOSED
