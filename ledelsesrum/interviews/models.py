"""Interviews of a study: the guide, the register, the notes and the pseudonym key.

Note text is stored pseudonymised (see ``pseudonymise.py``); the key from pseudonym to real
value lives in its own table, ``PseudonymKey``, which only the analyst role may read. Everyone
else sees the text in labels local to one interview (``LocalPseudonym``, ``local_pseudonyms.py``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewGuide(models.Model):
    """A guide with a few overarching questions (seed 004), one per study."""

    study = models.OneToOneField(
        "studies.Study", on_delete=models.CASCADE, related_name="interview_guide",
        verbose_name=_("undersøgelse"),
    )
    title = models.CharField(_("titel"), max_length=200, default=_("Interviewguide"))
    intro = models.TextField(_("indledning"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interviewguide")
        verbose_name_plural = _("interviewguides")

    def __str__(self) -> str:
        return self.title


class GuideQuestion(models.Model):
    guide = models.ForeignKey(InterviewGuide, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("spørgsmål"))
    position = models.PositiveIntegerField(_("placering"), default=0)
    # Codebook theme or sub-theme ids ("1", "3b"): the themes the question opens.
    themes = models.JSONField(_("temaer"), default=list, blank=True)

    class Meta:
        ordering = ["guide", "position", "id"]
        verbose_name = _("spørgsmål i interviewguide")
        verbose_name_plural = _("spørgsmål i interviewguide")

    def __str__(self) -> str:
        return self.text[:60]


class Interview(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        DONE = "done", _("Gennemført")
        CANCELLED = "cancelled", _("Aflyst")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("Fremmøde")
        VIDEO = "video", _("Video")
        PHONE = "phone", _("Telefon")

    study = models.ForeignKey(
        "studies.Study", on_delete=models.CASCADE, related_name="interviews",
        verbose_name=_("undersøgelse"),
    )
    leader = models.ForeignKey(
        "organisation.Leader", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="interviews", verbose_name=_("leder"),
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="interviews", verbose_name=_("interviewer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    planned_at = models.DateField(_("planlagt dato"), null=True, blank=True)
    held_at = models.DateField(_("afholdt dato"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("varighed (minutter)"), null=True, blank=True)
    format = models.CharField(_("form"), max_length=10, choices=Format.choices, blank=True)
    location = models.CharField(_("sted"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["study", "planned_at", "id"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        who = self.leader.name if self.leader_id else _("(leder slettet)")
        return f"{who} – {self.get_status_display()}"


class InterviewNote(models.Model):
    """Notes or a written summary of one interview, optionally for one theme. Text is pseudonymised.

    There is at most one note per (interview, kind, theme): typing in the app edits it, an import
    appends to it. ``version`` lets a stale form be told apart from a double submit.
    """

    class Kind(models.TextChoices):
        NOTES = "notes", _("Noter")
        SUMMARY = "summary", _("Resumé")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Skrevet i Ledelsesrum")
        IMPORT = "import", _("Importeret")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SUMMARY)
    theme_id = models.CharField(_("tema"), max_length=16, blank=True)
    text = models.TextField(_("tekst (pseudonymiseret)"), blank=True)
    source = models.CharField(_("kilde"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    original_filename = models.CharField(_("oprindeligt filnavn"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["interview", "kind", "theme_id"]
        verbose_name = _("interviewnote")
        verbose_name_plural = _("interviewnoter")
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "kind", "theme_id"], name="interviewnote_one_per_theme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.theme_id}".strip()


class PseudonymKey(models.Model):
    """One pseudonym of a study and the real value behind it. Readable by the analyst role only."""

    class Kind(models.TextChoices):
        NAME = "name", _("Navn")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Telefon")
        CPR = "cpr", _("CPR-nummer")

    study = models.ForeignKey(
        "studies.Study", on_delete=models.CASCADE, related_name="pseudonym_keys",
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    real_value = models.CharField(_("rigtig værdi"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # The normalised real value the pseudonymiser looks up (case- and space-insensitive).
    lookup = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "kind", "pseudonym"]
        verbose_name = _("pseudonymnøgle")
        verbose_name_plural = _("pseudonymnøgler")
        constraints = [
            models.UniqueConstraint(fields=["study", "pseudonym"], name="pseudonym_unique_per_study"),
            models.UniqueConstraint(
                fields=["study", "kind", "lookup"], name="pseudonym_value_unique_per_study"
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class LocalPseudonym(models.Model):
    """The label one interview shows instead of a study-wide pseudonym to everyone but analysts.

    ``[Leder C]`` may be ``[Navn 2]`` in one interview and ``[Navn 1]`` in another: numbered per
    interview in order of first appearance (see ``local_pseudonyms.py``), and stored so a label
    never changes meaning while someone edits.
    """

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="local_pseudonyms")
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    label = models.CharField(_("lokal betegnelse"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interview", "id"]
        verbose_name = _("lokalt pseudonym")
        verbose_name_plural = _("lokale pseudonymer")
        constraints = [
            models.UniqueConstraint(fields=["interview", "pseudonym"], name="local_pseudonym_unique"),
            models.UniqueConstraint(fields=["interview", "label"], name="local_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label
