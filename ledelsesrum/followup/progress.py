"""Progress of the follow-up per theme and overall, each action beside the change in the scales
it was meant to move, and reminders for overdue actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledelsesrum.coding.codebook import load_codebook
from ledelsesrum.coding.study_codebook import codebook_for

from .models import Action, Decision, Recommendation

REMINDER_INTERVAL = dt.timedelta(days=7)
CLOSED_STATUSES = {Action.Status.DONE, Action.Status.DROPPED}


def is_overdue(action: Action, today: dt.date) -> bool:
    return action.deadline is not None and action.deadline < today and action.status not in CLOSED_STATUSES


@dataclass
class Progress:
    """Counts for one theme (``theme_id`` "1"…"6") or overall (``theme_id`` "")."""

    theme_id: str
    label: str
    recommendations: int = 0
    decided: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: {o: 0 for o in Decision.Outcome.values})
    actions_by_status: dict[str, int] = field(default_factory=lambda: {s: 0 for s in Action.Status.values})
    overdue: list[Action] = field(default_factory=list)

    @property
    def undecided(self) -> int:
        return self.recommendations - self.decided

    @property
    def actions(self) -> int:
        return sum(self.actions_by_status.values())

    @property
    def done(self) -> int:
        return self.actions_by_status[Action.Status.DONE]

    @property
    def active_actions(self) -> int:
        """Actions that count towards completion: dropped actions are out of the denominator."""
        return self.actions - self.actions_by_status[Action.Status.DROPPED]

    @property
    def share_done(self) -> float | None:
        return self.done / self.active_actions if self.active_actions else None

    @property
    def percent_done(self) -> int | None:
        share = self.share_done
        return None if share is None else round(share * 100)

    def as_dict(self) -> dict:
        return {
            "theme_id": self.theme_id, "label": self.label, "recommendations": self.recommendations,
            "decided": self.decided, "undecided": self.undecided, "outcomes": dict(self.outcomes),
            "actions_by_status": dict(self.actions_by_status), "actions": self.actions,
            "done": self.done, "active_actions": self.active_actions, "share_done": self.share_done,
            "overdue_action_ids": [a.pk for a in self.overdue],
        }


def theme_of(subtheme: str, book=None) -> str:
    """The theme id of a sub-theme in ``book`` (default: the built-in frame)."""
    book = book if book is not None else load_codebook("default")
    if subtheme in book:
        return book.theme_of(subtheme).id
    return subtheme[:1]


def compute_progress(study, today: dt.date) -> tuple[list[Progress], Progress]:
    """Return (one :class:`Progress` per theme of the codebook, the overall :class:`Progress`)."""
    book = codebook_for(study)
    themes = {t.id: Progress(t.id, t.label) for t in book.themes}
    overall = Progress("", _("I alt"))
    recs = Recommendation.objects.filter(study=study).select_related("decision")
    for rec in recs:
        bucket = themes.get(theme_of(rec.subtheme, book))
        targets = [overall] + ([bucket] if bucket else [])
        decision = getattr(rec, "decision", None)
        for target in targets:
            target.recommendations += 1
            if decision is not None:
                target.decided += 1
                target.outcomes[decision.outcome] += 1
    actions = Action.objects.filter(recommendation__study=study).select_related("recommendation")
    for action in actions:
        bucket = themes.get(theme_of(action.recommendation.subtheme, book))
        for target in [overall] + ([bucket] if bucket else []):
            target.actions_by_status[action.status] += 1
            if is_overdue(action, today):
                target.overdue.append(action)
    return list(themes.values()), overall


# --- actions beside the change in their scales ---------------------------------------------------

NO_NEW_MEASUREMENT = "no_new_measurement"
NOT_READY = "not_ready"
NOT_MEASURED = "not_measured"


@dataclass
class ScaleChange:
    """The overall change in one scale between the last two closed main rounds, for an action."""

    code: str
    title: str
    status: str  # a verdict code of analysis.change, or NO_NEW_MEASUREMENT / NOT_READY / NOT_MEASURED
    delta: float | None = None
    score_before: float | None = None
    score_after: float | None = None
    from_round: int | None = None
    to_round: int | None = None

    @property
    def text(self) -> str:
        from ledelsesrum.analysis.change import verdict_text

        if self.status == NO_NEW_MEASUREMENT:
            return _("ingen ny måling endnu")
        if self.status == NOT_READY:
            return _("udviklingen er ikke beregnet endnu")
        if self.status == NOT_MEASURED:
            return _("skalaen indgår ikke i spørgeskemaet")
        return verdict_text(self.status)

    @property
    def arrow(self) -> str:
        from ledelsesrum.analysis.change import VERDICT_ARROW

        return VERDICT_ARROW.get(self.status, "")

    @property
    def delta_text(self) -> str:
        if self.delta is None:
            return ""
        from django.utils.formats import number_format

        sign = "+" if self.delta > 0 else "−" if self.delta < 0 else "±"
        return sign + number_format(abs(self.delta), 1)


def _overall_change(study) -> tuple[str | None, dict | None, tuple[int, int] | None]:
    """(status when there is no table, scale code → overall row, (from, to) round numbers)."""
    from ledelsesrum.analysis.change import closed_main_rounds, latest_overall_change
    from ledelsesrum.analysis.release import too_large_to_release_inline
    from ledelsesrum.analysis.results import DisclosureError

    rounds = closed_main_rounds(study)
    if len(rounds) < 2:
        return NO_NEW_MEASUREMENT, None, None
    numbers = (rounds[-2].number, rounds[-1].number)
    table = latest_overall_change(study, compute_missing=False)
    if table is None:
        # A large round's missing release is the results pages' job; say it is not ready yet.
        if any(too_large_to_release_inline(r) for r in rounds[-2:]):
            return NOT_READY, None, numbers
        try:
            table = latest_overall_change(study, compute_missing=True)
        except DisclosureError:
            return NOT_READY, None, numbers
    return None, table, numbers


def action_scale_changes(study, actions) -> dict[int, list[ScaleChange]]:
    """action id → one :class:`ScaleChange` per code in ``Action.scale_codes``.

    Only the overall ("total") row of the change table is used: a figure from the two released
    results (analysis.change), so nothing new can be disclosed here.
    """
    actions = [a for a in actions if a.scale_codes]
    if not actions:
        return {}
    from ledelsesrum.surveys.bank import load_bank

    bank = load_bank()
    status, table, numbers = _overall_change(study)
    out: dict[int, list[ScaleChange]] = {}
    for action in actions:
        entries = []
        for code in action.scale_codes:
            bank_scale = bank.scale(code)
            title = bank_scale.title if bank_scale else code
            if table is None:
                entries.append(ScaleChange(code, title, status or NOT_READY))
                continue
            row = table.get(code)
            if row is None:
                entries.append(ScaleChange(code, title, NOT_MEASURED))
                continue
            entries.append(ScaleChange(
                code, row.get("title") or title, row["verdict"], delta=row["delta"],
                score_before=row["score_before"], score_after=row["score_after"],
                from_round=numbers[0] if numbers else None,
                to_round=numbers[1] if numbers else None,
            ))
        out[action.pk] = entries
    return out


def overdue_actions(today: dt.date):
    return [
        a for a in Action.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(deadline__lt=today).select_related("recommendation__study", "owner_user")
    ]


def send_overdue_reminders(today: dt.date | None = None) -> int:
    """E-mail the owner of each overdue action, at most once per week per action. Returns mails sent."""
    today = today or timezone.localdate()
    sent = 0
    for action in overdue_actions(today):
        address = action.reminder_address
        if not address:
            continue
        last = action.last_reminded_at
        if last is not None and timezone.localdate(last) > today - REMINDER_INTERVAL:
            continue
        with transaction.atomic():
            # Re-read under lock so two cron runs at once do not both send.
            locked = Action.objects.select_for_update().get(pk=action.pk)
            if locked.last_reminded_at != last:
                continue
            send_mail(
                subject=_("Påmindelse: handlingen \"%(title)s\" har overskredet fristen") % {"title": action.title},
                message=_(
                    "Kære %(owner)s\n\n"
                    "Handlingen \"%(title)s\" i undersøgelsen \"%(study)s\" havde frist %(deadline)s "
                    "og er endnu ikke markeret som gennemført.\n\n"
                    "Opdatér status og dokumentation i Ledelsesrum, eller aftal en ny frist.\n\n"
                    "Venlig hilsen\nLedelsesrum"
                ) % {
                    "owner": action.owner_name, "title": action.title,
                    "study": action.recommendation.study.name,
                    "deadline": action.deadline.strftime("%d.%m.%Y"),
                },
                from_email=None,
                recipient_list=[address],
            )
            locked.last_reminded_at = timezone.make_aware(
                dt.datetime.combine(today, dt.time(hour=12))
            ) if today != timezone.localdate() else timezone.now()
            Action.objects.filter(pk=locked.pk).update(last_reminded_at=locked.last_reminded_at)
            sent += 1
    return sent
