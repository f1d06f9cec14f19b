"""Thin views over :mod:`decisions`, :mod:`progress` and :mod:`export`."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.roles import can_manage_studies, can_read_results
from ledelsesrum.coding.study_codebook import codebook_for
from ledelsesrum.studies.models import Study

from . import decisions
from .export import write_xlsx
from .forms import ActionForm, DecisionForm, RecommendationForm
from .models import Action, Decision, Recommendation
from .progress import action_scale_changes, compute_progress, is_overdue, theme_of


def _require_read(user) -> None:
    if not (can_read_results(user) or can_manage_studies(user)):
        raise PermissionDenied


def _require_manage(user) -> None:
    if not can_manage_studies(user):
        raise PermissionDenied


def _overview_url(study_id: int) -> str:
    from django.urls import reverse

    return reverse("followup:overview", kwargs={"study_id": study_id})


@login_required
def overview(request, study_id: int):
    if request.method != "GET":
        # Board readers are read-only: any write attempt is forbidden, not merely not allowed.
        _require_manage(request.user)
        return HttpResponseNotAllowed(["GET"])
    _require_read(request.user)
    study = get_object_or_404(Study, pk=study_id)
    today = timezone.localdate()
    themes, overall = compute_progress(study, today)
    recs = (
        Recommendation.objects.filter(study=study).select_related("decision")
        .prefetch_related("actions")
    )
    by_theme: dict[str, list] = {t.theme_id: [] for t in themes}
    book = codebook_for(study)

    # Each action beside the overall change in the scales it should move (issue 5, item 5).
    changes = action_scale_changes(study, [a for rec in recs for a in rec.actions.all()])
    for rec in recs:
        actions = [{"action": a, "overdue": is_overdue(a, today), "changes": changes.get(a.pk, [])}
                   for a in rec.actions.all()]
        by_theme.setdefault(theme_of(rec.subtheme, book), []).append(
            {"rec": rec, "decision": getattr(rec, "decision", None), "actions": actions}
        )
    audit.record("followup.view", request=request, study_id=study.pk)
    return render(request, "followup/overview.html", {
        "study": study, "themes": [(t, by_theme.get(t.theme_id, [])) for t in themes],
        "overall": overall, "can_manage": can_manage_studies(request.user),
        "recommendation_form": RecommendationForm(study=study) if can_manage_studies(request.user) else None,
    })


@login_required
def recommendation_create(request, study_id: int):
    _require_manage(request.user)
    study = get_object_or_404(Study, pk=study_id)
    form = RecommendationForm(request.POST if request.method == "POST" else None, study=study)
    if request.method == "POST" and form.is_valid():
        try:
            rec = decisions.add_recommendation(study, user=request.user, **form.cleaned_data)
        except decisions.FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Anbefalingen er gemt."))
            return redirect(_overview_url(study.pk) + f"#anbefaling-{rec.pk}")
    return render(request, "followup/form.html", {
        "study": study, "form": form, "heading": _("Ny anbefaling"),
    })


@login_required
def decide(request, study_id: int, pk: int):
    _require_manage(request.user)
    rec = get_object_or_404(Recommendation, pk=pk, study_id=study_id)
    current = getattr(rec, "decision", None)
    initial = {}
    if current is not None:
        initial = {"outcome": current.outcome, "reason": current.reason,
                   "adjusted_text": current.adjusted_text, "meeting_date": current.meeting_date}
    form = DecisionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = decisions.record_decision(rec, user=request.user, **form.cleaned_data)
        except decisions.FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            audit.record("followup.decide", request=request, study_id=study_id, obj=decision,
                         recommendation_id=rec.pk, outcome=decision.outcome)
            messages.success(request, _("Beslutningen er gemt."))
            return redirect(_overview_url(study_id) + f"#anbefaling-{rec.pk}")
    return render(request, "followup/form.html", {
        "study": rec.study, "form": form, "recommendation": rec, "heading": _("Direktionens beslutning"),
    })


@login_required
def action_create(request, study_id: int, pk: int):
    _require_manage(request.user)
    rec = get_object_or_404(Recommendation, pk=pk, study_id=study_id)
    decision = Decision.objects.filter(recommendation=rec).first()
    if decision is None or not decision.allows_actions:
        messages.error(request, _("Der kan kun oprettes handlinger for vedtagne eller justerede anbefalinger."))
        return redirect(_overview_url(study_id) + f"#anbefaling-{rec.pk}")
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.add_action(rec, **form.cleaned_data)
        except decisions.FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Handlingen er oprettet."))
            return redirect(_overview_url(study_id) + f"#anbefaling-{rec.pk}")
    return render(request, "followup/form.html", {
        "study": rec.study, "form": form, "recommendation": rec, "heading": _("Ny handling"),
    })


@login_required
def action_edit(request, study_id: int, pk: int):
    _require_manage(request.user)
    action = get_object_or_404(Action.objects.select_related("recommendation__study"), pk=pk,
                               recommendation__study_id=study_id)
    initial = {f: getattr(action, f) for f in ActionForm.base_fields}
    form = ActionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.update_action(action, **form.cleaned_data)
        except decisions.FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Handlingen er opdateret."))
            return redirect(_overview_url(study_id) + f"#anbefaling-{action.recommendation_id}")
    return render(request, "followup/form.html", {
        "study": action.recommendation.study, "form": form, "recommendation": action.recommendation,
        "heading": _("Opdatér handling"),
    })


@login_required
def export_xlsx(request, study_id: int):
    if request.method != "GET":
        _require_manage(request.user)
        return HttpResponseNotAllowed(["GET"])
    _require_read(request.user)
    study = get_object_or_404(Study, pk=study_id)
    buffer = io.BytesIO()
    contacts = can_manage_studies(request.user)  # a board reader's copy has no e-mails
    write_xlsx(study, buffer, timezone.localdate(), contacts=contacts)
    audit.record("followup.export", request=request, study_id=study.pk, format="xlsx", contacts=contacts)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="opfoelgning-{study.pk}.xlsx"'
    return response
