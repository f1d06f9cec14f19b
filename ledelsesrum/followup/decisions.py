"""Rules for recommendations, decisions and actions; views and forms only call these.

Every write is idempotent for a repeated identical submission (a double click, a reload), so a
double submit never creates a second recommendation or action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ledelsesrum.coding.study_codebook import codebook_for

from .models import Action, Decision, Recommendation


class FollowupError(ValueError):
    """A rule was broken; the message is Danish and fit to show the user."""


def subtheme_choices(study=None) -> list[tuple[str, str]]:
    book = codebook_for(study)
    return [(s.id, f"{s.id}) {s.label}") for s in book.subthemes]


def scale_choices() -> list[tuple[str, str]]:
    from ledelsesrum.surveys.bank import load_bank

    return [(s.code, f"{s.title} ({s.subtheme})") for s in load_bank().scales]


def add_recommendation(study, *, subtheme: str, text: str, source_note: str = "", user=None) -> Recommendation:
    text = text.strip()
    if not text:
        raise FollowupError(_("Skriv anbefalingens tekst."))
    if subtheme not in codebook_for(study):
        raise FollowupError(_("Ukendt undertema: %(code)s.") % {"code": subtheme})
    with transaction.atomic():
        existing = Recommendation.objects.filter(study=study, subtheme=subtheme, text=text).first()
        if existing is not None:
            return existing
        last = Recommendation.objects.filter(study=study, subtheme=subtheme).order_by("-position").first()
        return Recommendation.objects.create(
            study=study, subtheme=subtheme, text=text, source_note=source_note.strip(),
            position=(last.position + 1) if last else 1, created_by=user,
        )


def has_decision(recommendation: Recommendation) -> bool:
    return Decision.objects.filter(recommendation=recommendation).exists()


def update_recommendation(recommendation: Recommendation, *, text: str) -> Recommendation:
    """Change a recommendation's text; refused once the board has decided on it (the decision
    was taken on that text)."""
    text = text.strip()
    if not text:
        raise FollowupError(_("Skriv anbefalingens tekst."))
    if text == recommendation.text:
        return recommendation
    if has_decision(recommendation):
        raise FollowupError(_("Direktionen har truffet beslutning om anbefalingen, så teksten kan "
                              "ikke længere ændres."))
    if Recommendation.objects.filter(study_id=recommendation.study_id, subtheme=recommendation.subtheme,
                                     text=text).exclude(pk=recommendation.pk).exists():
        raise FollowupError(_("Undertemaet har allerede en anbefaling med den tekst."))
    recommendation.text = text
    recommendation.save(update_fields=["text"])
    return recommendation


def delete_recommendation(recommendation: Recommendation) -> None:
    """Delete a recommendation; refused once the board has decided on it, so a decision and its
    actions are never lost."""
    if has_decision(recommendation):
        raise FollowupError(_("Anbefalingen kan ikke slettes, fordi direktionen har truffet "
                              "beslutning om den. Beslutningen og dens handlinger skal bevares."))
    recommendation.delete()


def move_recommendation(recommendation: Recommendation, *, up: bool, expected_index: int | None = None) -> bool:
    """Move a recommendation one place up or down among its sub-theme's recommendations.

    ``expected_index`` is the place the user saw; when it no longer matches (a double submit, or
    someone else moved it), nothing moves. Returns whether anything moved.
    """
    with transaction.atomic():
        siblings = list(
            Recommendation.objects.select_for_update()
            .filter(study_id=recommendation.study_id, subtheme=recommendation.subtheme)
            .order_by("position", "id")
        )
        index = next((i for i, r in enumerate(siblings) if r.pk == recommendation.pk), None)
        if index is None or (expected_index is not None and index != expected_index):
            return False
        target = index - 1 if up else index + 1
        if not 0 <= target < len(siblings):
            return False
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, rec in enumerate(siblings, start=1):
            if rec.position != position:
                rec.position = position
                rec.save(update_fields=["position"])
    return True


def record_decision(
    recommendation: Recommendation,
    *,
    outcome: str,
    reason: str = "",
    adjusted_text: str = "",
    meeting_date: dt.date | None = None,
    user=None,
) -> Decision:
    """Record (or change) the board's decision. Adjusting or rejecting needs a reason."""
    reason, adjusted_text = reason.strip(), adjusted_text.strip()
    if outcome not in Decision.Outcome.values:
        raise FollowupError(_("Vælg en beslutning."))
    if outcome in {Decision.Outcome.ADJUSTED, Decision.Outcome.REJECTED} and not reason:
        raise FollowupError(_("Skriv en begrundelse, når anbefalingen justeres eller afvises."))
    if outcome == Decision.Outcome.ADJUSTED and not adjusted_text:
        raise FollowupError(_("Skriv den justerede anbefaling."))
    if outcome == Decision.Outcome.REJECTED and recommendation.actions.exclude(
        status=Action.Status.DROPPED
    ).exists():
        raise FollowupError(
            _("Anbefalingen har handlinger, der ikke er opgivet. Opgiv dem, før den afvises.")
        )
    decision, _created = Decision.objects.update_or_create(
        recommendation=recommendation,
        defaults={
            "outcome": outcome, "reason": reason,
            "adjusted_text": adjusted_text if outcome == Decision.Outcome.ADJUSTED else "",
            "meeting_date": meeting_date, "decided_by": user,
        },
    )
    return decision


def _check_action_fields(title: str, owner_name: str, status: str, scale_codes: Iterable[str]) -> None:
    if not title.strip():
        raise FollowupError(_("Giv handlingen en titel."))
    if not owner_name.strip():
        raise FollowupError(_("Angiv en ansvarlig."))
    if status not in Action.Status.values:
        raise FollowupError(_("Ukendt status."))
    known = {code for code, _label in scale_choices()}
    unknown = sorted(set(scale_codes) - known)
    if unknown:
        raise FollowupError(_("Ukendte skalaer: %(codes)s.") % {"codes": ", ".join(unknown)})


def add_action(
    recommendation: Recommendation,
    *,
    title: str,
    owner_name: str,
    owner_email: str = "",
    owner_user=None,
    deadline: dt.date | None = None,
    status: str = Action.Status.PLANNED,
    evidence: str = "",
    scale_codes: Iterable[str] = (),
) -> Action:
    """Create an action; only an adopted or adjusted recommendation can have actions."""
    decision = Decision.objects.filter(recommendation=recommendation).first()
    if decision is None or not decision.allows_actions:
        raise FollowupError(_("Der kan kun oprettes handlinger for vedtagne eller justerede anbefalinger."))
    scale_codes = list(scale_codes)
    _check_action_fields(title, owner_name, status, scale_codes)
    if status == Action.Status.DONE and not evidence.strip():
        raise FollowupError(_("Beskriv, hvad der viser, at handlingen er gennemført."))
    with transaction.atomic():
        existing = Action.objects.filter(recommendation=recommendation, title=title.strip()).first()
        if existing is not None:
            return existing
        return Action.objects.create(
            recommendation=recommendation, title=title.strip(), owner_name=owner_name.strip(),
            owner_email=owner_email.strip(), owner_user=owner_user, deadline=deadline, status=status,
            evidence=evidence.strip(), scale_codes=scale_codes,
        )


def update_action(action: Action, **fields) -> Action:
    """Change an action; marking it done requires evidence of what shows it is done."""
    for name, value in fields.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    _check_action_fields(action.title, action.owner_name, action.status, action.scale_codes)
    if action.status == Action.Status.DONE and not action.evidence:
        raise FollowupError(_("Beskriv, hvad der viser, at handlingen er gennemført."))
    action.save()
    return action
