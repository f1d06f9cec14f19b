from django.db import models
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    """The instrument of a study, reused by every round (pilot, main, re-measurements)."""

    study = models.OneToOneField("studies.Study", on_delete=models.CASCADE, related_name="questionnaire")
    title = models.CharField(_("titel"), max_length=200)
    intro = models.TextField(_("introduktion"), blank=True)
    privacy_statement = models.TextField(_("hvem ser hvad"), blank=True)
    bank_version = models.CharField(_("spørgebankens version"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("spørgeskema")
        verbose_name_plural = _("spørgeskemaer")

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """One page of the questionnaire."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("overskrift"), max_length=200)
    intro = models.TextField(_("indledning"), blank=True)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        verbose_name = _("side")
        verbose_name_plural = _("sider")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question in a questionnaire, usually taken from the item bank and possibly edited."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Udsagn på svarskala")
        CHOICE = "choice", _("Faktaspørgsmål med svarmuligheder")
        NUMBER = "number", _("Faktaspørgsmål med tal")
        OPEN = "open", _("Åbent spørgsmål")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("kode"), max_length=40)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    text = models.TextField(_("spørgsmål"))
    help_text = models.TextField(_("hjælpetekst"), blank=True)
    # Key of a response scale in the item bank (e.g. "grad5"); options for CHOICE questions.
    response_scale = models.CharField(_("svarskala"), max_length=40, blank=True)
    options = models.JSONField(_("svarmuligheder"), default=list, blank=True)
    scale_code = models.CharField(_("skala"), max_length=40, blank=True, db_index=True)
    subtheme = models.CharField(_("undertema"), max_length=8, blank=True)
    reverse_scored = models.BooleanField(_("vendt"), default=False)
    allow_dont_know = models.BooleanField(_("tillad 'Ved ikke'"), default=True)
    sensitive = models.BooleanField(_("følsomt"), default=False)
    # Leaders may skip any question; an analyst may still insist on a few (rarely wise).
    required = models.BooleanField(_("skal besvares"), default=False)
    bank_code = models.CharField(_("fra spørgebanken"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["section__position", "position", "id"]
        verbose_name = _("spørgsmål")
        verbose_name_plural = _("spørgsmål")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class Invitation(models.Model):
    """A leader's personal link for one round, and the membership frozen at launch.

    The frozen attributes (unit, area, level, bands) are what results are broken down by, so that a
    leader who moves unit mid-round does not move their answers.
    """

    round = models.ForeignKey("studies.Round", on_delete=models.CASCADE, related_name="invitations")
    leader = models.ForeignKey(
        "organisation.Leader", null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    # An unguessable token (secrets.token_urlsafe(32)); cleared when the round closes.
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=100, blank=True)
    seniority_band = models.CharField(max_length=20, blank=True)
    span_band = models.CharField(max_length=20, blank=True)
    education = models.CharField(max_length=20, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitationer")
        constraints = [
            models.UniqueConstraint(fields=["round", "leader"], name="invitation_unique_leader"),
        ]

    def __str__(self) -> str:
        # Never the token: it is the leader's credential.
        return f"Invitation #{self.pk}"


class Response(models.Model):
    """One respondent's answers in one round.

    ``answers`` maps question code → value: 1–5 on a response scale (1 = the most positive
    wording, "I meget høj grad"), 0 for "Ved ikke / ikke relevant", the option key for a CHOICE
    question, a number for a NUMBER question. ``open_answers`` maps code → text.
    Segment attributes are copied from the invitation so that results need no link to the person.
    """

    class Source(models.TextChoices):
        WEB = "web", _("Besvaret online")
        IMPORT = "import", _("Importeret")

    round = models.ForeignKey("studies.Round", on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    area = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=100, blank=True)
    seniority_band = models.CharField(max_length=20, blank=True)
    span_band = models.CharField(max_length=20, blank=True)
    education = models.CharField(max_length=20, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    open_answers = models.JSONField(default=dict, blank=True)
    current_section = models.PositiveSmallIntegerField(default=0)
    # Bumped on every save: lets a client or a test see that a save landed, and makes lost
    # updates visible (two saves always produce two versions).
    version = models.PositiveIntegerField(default=0)
    # Page load id → the highest save number stored from it (answering.save_section): a save that
    # reaches the server after a newer one from the same page is ignored. Random ids, no content.
    save_marks = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    external_id = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("besvarelse")
        verbose_name_plural = _("besvarelser")
        indexes = [models.Index(fields=["round", "submitted_at"])]

    def __str__(self) -> str:
        return f"Besvarelse #{self.pk}"
