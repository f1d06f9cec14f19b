from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An organisational unit; units form a tree (forvaltning → område → tilbud)."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        FORVALTNING = "forvaltning", _("Forvaltning")
        OMRAADE = "omraade", _("Område")
        TILBUD = "tilbud", _("Tilbud/enhed")

    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.TILBUD)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("overordnet enhed"),
    )
    code = models.CharField(_("kode"), max_length=50, blank=True, help_text=_("Valgfri ekstern nøgle"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Unit"]:
        """From the root down to, and including, this unit."""
        chain: list[Unit] = []
        node: Unit | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return " › ".join(u.name for u in self.ancestors())


class Leader(models.Model):
    """A leader in the organisation: a potential respondent and interviewee."""

    class Education(models.TextChoices):
        NONE = "ingen", _("Ingen formel lederuddannelse")
        COURSES = "kurser", _("Lederkurser")
        DIPLOMA = "diplom", _("Diplomuddannelse i ledelse")
        MASTER = "master", _("Master i ledelse (MPA/MPG o.l.)")
        OTHER = "anden", _("Anden lederuddannelse")

    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), unique=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="leaders",
        verbose_name=_("enhed"),
    )
    area = models.CharField(_("område"), max_length=200, blank=True)
    level = models.CharField(_("ledelsesniveau"), max_length=100, blank=True)
    title = models.CharField(_("stillingsbetegnelse"), max_length=200, blank=True)
    span_of_control = models.PositiveIntegerField(_("ledelsesspænd"), null=True, blank=True)
    years_as_leader = models.PositiveIntegerField(_("år som leder"), null=True, blank=True)
    leadership_education = models.CharField(
        _("lederuddannelse"), max_length=20, choices=Education.choices, blank=True
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("leder")
        verbose_name_plural = _("ledere")

    def __str__(self) -> str:
        return self.name
