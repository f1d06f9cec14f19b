"""Distribution of personal links: link building, the mail-merge CSV, invitation and reminder
e-mails, and the live response overview (response rates only for groups of at least k).

No request objects here; ``views_distribution.py`` only parses, calls and renders.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..lib.spreadsheet import csv_safe
from ..studies.models import Round
from . import answering
from .models import Invitation

BATCH_SIZE = 100
CSV_COLUMNS = ("Navn", "E-mail", "Enhed", "Link")

ProgressFn = Callable[..., None]


class DistributionError(Exception):
    """An expected problem with a Danish message for the analyst."""


def site_url(base: str | None = None) -> str:
    """Where the leaders open their links: ``LEDELSESRUM_SITE_URL`` when set, else ``base`` (the
    address the analyst reached the app at), else the address ``serve`` listens on. Never a guess:
    with none of them, :class:`DistributionError` says what to set."""
    for candidate in (settings.SITE_URL, base, getattr(settings, "SERVED_URL", "")):
        if candidate:
            return candidate.rstrip("/")
    raise DistributionError(_(
        "Ledelsesrum kender ikke den adresse, lederne skal åbne deres links på. Sæt "
        "LEDELSESRUM_SITE_URL (fx https://ledelsesrum.kommune.dk), og prøv igen."
    ))


def link_for(invitation: Invitation, base: str | None = None) -> str:
    """The absolute personal link of an invitation (:func:`site_url` + ``/s/<token>/``)."""
    if not invitation.token:
        raise ValueError("the invitation has no token (round not launched or already closed)")
    return site_url(base) + reverse("surveys:respond", kwargs={"token": invitation.token})


def _linkable(round: Round) -> QuerySet[Invitation]:
    return (
        round.invitations.filter(token__isnull=False, leader__isnull=False)
        .exclude(token="")
        .select_related("leader", "unit")
        .order_by("leader__name", "pk")
    )


def links_csv(round: Round, base: str | None = None) -> bytes:
    """The links of a round for mail merge: UTF-8 with BOM, ``;``-separated (Danish Excel)."""
    site_url(base)  # refuse before writing anything
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for invitation in _linkable(round):
        leader = invitation.leader
        writer.writerow([
            csv_safe(leader.name),
            csv_safe(leader.email),
            csv_safe(invitation.unit.name if invitation.unit else ""),
            link_for(invitation, base),
        ])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------------------------
# E-mail


def recipients(round: Round, *, reminder: bool = False) -> QuerySet[Invitation]:
    """Who gets the e-mail: invitations not yet sent; for a reminder, everyone not yet submitted."""
    qs = _linkable(round).exclude(leader__email="")
    if reminder:
        return qs.filter(submitted_at__isnull=True).exclude(
            Q(response__isnull=False) & Q(response__submitted_at__isnull=False)
        )
    return qs.filter(sent_at__isnull=True)


def build_message(
    invitation: Invitation, *, reminder: bool = False, connection=None, base: str | None = None,
) -> EmailMultiAlternatives:
    round = invitation.round
    study = round.study
    questionnaire = answering.questionnaire_of(invitation)
    context = {
        "name": invitation.leader.name,
        "study": study,
        "round": round,
        "link": link_for(invitation, base),
        "closes_on": round.closes_on,
        "reminder": reminder,
        "is_pilot": round.kind == Round.Kind.PILOT,
        "privacy": answering.privacy_statement(study, questionnaire),
        "k": study.anonymity_threshold,
    }
    subject = render_to_string("surveys/email/subject.txt", context).strip().replace("\n", " ")
    text = render_to_string("surveys/email/invitation.txt", context)
    html = render_to_string("surveys/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.leader.email], connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def send_invitations(
    round: Round,
    *,
    reminder: bool = False,
    progress: ProgressFn | None = None,
    batch_size: int = BATCH_SIZE,
    base: str | None = None,
) -> int:
    """Send invitations (or reminders) for a collecting round; returns the number sent.

    One mail connection for the whole run, messages in batches; each batch is recorded
    (``sent_at`` / ``reminder_count`` / ``last_reminded_at``) as soon as it has gone, so a
    failure half-way never sends the first half twice when the job is run again.
    """
    if round.status != Round.Status.COLLECTING:
        raise DistributionError(_("Runden indsamler ikke svar; der kan ikke sendes invitationer."))
    site_url(base)  # refuse before sending anything
    invitations = list(recipients(round, reminder=reminder).select_related("round__study"))
    total = len(invitations)
    if progress:
        progress(0, total, _("Sender påmindelser") if reminder else _("Sender invitationer"))
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        connection = get_connection()
        connection.open()
        try:
            for batch in _batches(invitations, batch_size):
                messages = [build_message(inv, reminder=reminder, connection=connection, base=base) for inv in batch]
                connection.send_messages(messages)
                now = timezone.now()
                ids = [inv.pk for inv in batch]
                if reminder:
                    # F() keeps the count right even if two reminder jobs overlap.
                    Invitation.objects.filter(pk__in=ids).update(
                        reminder_count=F("reminder_count") + 1, last_reminded_at=now
                    )
                    Invitation.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=now)
                else:
                    Invitation.objects.filter(pk__in=ids).update(sent_at=now)
                sent += len(batch)
                if progress:
                    progress(sent, total, _("%(n)s af %(total)s sendt") % {"n": sent, "total": total})
        finally:
            connection.close()
    return sent


def send_invitations_job(params: dict, progress) -> dict:
    """Background job: ``{"round_id": int, "reminder": bool, "base_url": str}`` (base_url: the
    address the analyst used, for the links when LEDELSESRUM_SITE_URL is not set)."""
    from ..jobs.runner import JobError

    round = Round.objects.select_related("study").filter(pk=params.get("round_id")).first()
    if round is None:
        raise JobError(_("Runden findes ikke længere."))
    try:
        sent = send_invitations(round, reminder=bool(params.get("reminder")), progress=progress,
                                base=params.get("base_url") or None)
    except DistributionError as exc:
        raise JobError(str(exc)) from exc
    return {
        "sent": sent,
        "next_url": reverse("surveys:distribution", kwargs={"study_id": round.study_id}),
    }


# --------------------------------------------------------------------------------------------
# Response overview


def response_overview(round: Round) -> dict:
    """Invited / started / submitted for the round, per unit and per area, folded so that no group
    under k is shown or derivable. One rule, one place: this is ``studies.rounds.response_overview``
    (also behind the study page), so the distribution page can never disagree with it."""
    from ..studies.rounds import response_overview as overview_of

    return overview_of(round)
