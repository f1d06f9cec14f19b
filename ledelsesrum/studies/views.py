"""Thin views; domain logic lives in ``population`` and ``rounds``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.roles import can_interview, can_manage_studies, can_read_results

from . import population, rounds
from .forms import CloseRoundForm, PilotForm, StudyForm
from .models import Round, Study


def _require_view(user) -> None:
    if not (can_manage_studies(user) or can_read_results(user) or can_interview(user)):
        raise PermissionDenied


def _require_manage(user) -> None:
    if not can_manage_studies(user):
        raise PermissionDenied


def _posted(request):
    """Bind a form on POST even when the body is empty (an unticked confirmation box)."""
    return request.POST if request.method == "POST" else None


def _sees_rates(user) -> bool:
    return can_manage_studies(user) or can_read_results(user)


@login_required
@require_GET
def study_list(request):
    _require_view(request.user)
    cards = []
    for study in Study.objects.all():
        current = rounds.open_round(study)
        latest = study.rounds.order_by("-launched_at", "-id").first()
        overview = rounds.response_overview(current) if current and _sees_rates(request.user) else None
        cards.append({"study": study, "round": current or latest, "overview": overview})
    return render(request, "studies/list.html", {"cards": cards})


@login_required
def study_create(request):
    _require_manage(request.user)
    form = StudyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        study = form.save(commit=False)
        study.created_by = request.user
        study.save()
        audit.record("study.create", request=request, obj=study, study_id=study.pk)
        messages.success(request, _("Undersøgelsen er oprettet."))
        return redirect("studies:detail", pk=study.pk)
    return _render_form(request, form, None)


@login_required
def study_edit(request, pk: int):
    _require_manage(request.user)
    study = get_object_or_404(Study, pk=pk)
    form = StudyForm(_posted(request), instance=study)
    if request.method == "POST" and form.is_valid():
        changed = sorted(form.changed_data)
        form.save()
        audit.record("study.update", request=request, obj=study, study_id=study.pk, fields=changed)
        messages.success(request, _("Ændringerne er gemt."))
        return redirect("studies:detail", pk=study.pk)
    return _render_form(request, form, study)


def _render_form(request, form: StudyForm, study: Study | None):
    count = population.population_for(form.instance).count()
    return render(
        request, "studies/form.html", {"form": form, "study": study, "population_count": count}
    )


@login_required
@require_GET
def population_preview(request):
    """The live "N ledere er med" under the population rule while the form is edited (htmx)."""
    _require_manage(request.user)
    unit_id = request.GET.get("population_unit") or None
    try:
        unit_id = int(unit_id) if unit_id else None
    except ValueError:
        unit_id = None
    count = population.leaders_matching(
        unit_id=unit_id,
        levels=request.GET.getlist("population_levels"),
        areas=request.GET.getlist("population_areas"),
    ).count()
    return render(request, "studies/_population_count.html", {"count": count})


@login_required
@require_GET
def study_detail(request, pk: int):
    _require_view(request.user)
    study = get_object_or_404(Study, pk=pk)
    from ledelsesrum.surveys.models import Question

    study_rounds = list(study.rounds.annotate(invited=Count("invitations")).order_by("kind", "number"))
    collecting = next((r for r in study_rounds if r.is_open), None)
    context = {
        "study": study,
        "rounds": study_rounds,
        "population_count": population.population_for(study).count(),
        "question_count": Question.objects.filter(questionnaire__study=study).count(),
        "collecting": collecting,
        "overview": rounds.response_overview(collecting)
        if collecting and _sees_rates(request.user)
        else None,
        "can_start_main": not any(
            r.kind == Round.Kind.MAIN and r.status != Round.Status.CLOSED for r in study_rounds
        ),
        "has_main": any(r.kind == Round.Kind.MAIN for r in study_rounds),
        "has_pilot_open": any(
            r.kind == Round.Kind.PILOT and r.status != Round.Status.CLOSED for r in study_rounds
        ),
    }
    return render(request, "studies/detail.html", context)


@login_required
@require_GET
def round_overview(request, pk: int, round_id: int):
    """The response overview fragment, polled by the detail page while a round collects."""
    if not _sees_rates(request.user):
        raise PermissionDenied
    round_ = get_object_or_404(Round.objects.select_related("study"), pk=round_id, study_id=pk)
    return render(
        request,
        "studies/_overview.html",
        {"overview": rounds.response_overview(round_), "round": round_, "study": round_.study},
    )


@login_required
@require_POST
def round_create(request, pk: int):
    _require_manage(request.user)
    study = get_object_or_404(Study, pk=pk)
    try:
        new = rounds.create_round(study, Round.Kind.MAIN)
    except rounds.RoundError as exc:
        messages.error(request, str(exc))
    else:
        audit.record(
            "round.create", request=request, obj=new, study_id=study.pk, kind=new.kind, number=new.number
        )
        messages.success(request, _("Runde %(number)s er oprettet.") % {"number": new.number})
    return redirect("studies:detail", pk=study.pk)


@login_required
def pilot_create(request, pk: int):
    """Create and launch a pilot round for a chosen handful of leaders in one step."""
    _require_manage(request.user)
    study = get_object_or_404(Study, pk=pk)
    form = PilotForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a refused launch leaves no empty pilot round behind
                pilot = rounds.create_round(study, Round.Kind.PILOT)
                count = rounds.launch_round(pilot, leaders=form.cleaned_data["emails"])
        except rounds.RoundError as exc:
            form.add_error(None, str(exc))
        else:
            audit.record(
                "round.launch", request=request, obj=pilot, study_id=study.pk,
                kind=pilot.kind, number=pilot.number, invitations=count,
            )
            messages.success(
                request, _("Pilottesten er startet med %(count)s ledere.") % {"count": count}
            )
            return redirect("studies:detail", pk=study.pk)
    return render(request, "studies/pilot.html", {"form": form, "study": study})


@login_required
@require_POST
def round_launch(request, pk: int, round_id: int):
    _require_manage(request.user)
    round_ = get_object_or_404(Round, pk=round_id, study_id=pk)
    try:
        count = rounds.launch_round(round_)
    except rounds.RoundError as exc:
        messages.error(request, str(exc))
    else:
        audit.record(
            "round.launch", request=request, obj=round_, study_id=pk,
            kind=round_.kind, number=round_.number, invitations=count,
        )
        messages.success(
            request, _("Runden er startet: %(count)s ledere er inviteret.") % {"count": count}
        )
    return redirect("studies:detail", pk=pk)


@login_required
def round_close(request, pk: int, round_id: int):
    """Ask for confirmation, then close: irreversible, so never on a single click."""
    _require_manage(request.user)
    round_ = get_object_or_404(Round.objects.select_related("study"), pk=round_id, study_id=pk)
    form = CloseRoundForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            rounds.close_round(round_)
        except rounds.RoundError as exc:
            messages.error(request, str(exc))
        else:
            audit.record(
                "round.close", request=request, obj=round_, study_id=pk,
                kind=round_.kind, number=round_.number,
            )
            messages.success(request, _("Runden er afsluttet, og resultaterne er frigivet."))
        return redirect("studies:detail", pk=pk)
    return render(
        request, "studies/close_confirm.html", {"form": form, "round": round_, "study": round_.study}
    )
