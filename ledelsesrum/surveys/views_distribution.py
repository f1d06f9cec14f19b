"""The analyst's distribution page: links, e-mails and live response rates. Thin views over
``distribution``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..accounts import audit, roles
from ..jobs import runner
from ..studies.models import Round, Study
from . import distribution

SEND_JOB = "ledelsesrum.surveys.distribution:send_invitations_job"


def _study_for(request, study_id: int) -> Study:
    if not roles.can_manage_studies(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _chosen_round(study: Study, round_id) -> Round | None:
    rounds = study.rounds.all()
    if round_id and str(round_id).isdigit():
        chosen = rounds.filter(pk=int(round_id)).first()
        if chosen is not None:
            return chosen
    collecting = rounds.filter(status=Round.Status.COLLECTING).order_by("-launched_at", "-pk").first()
    return collecting or rounds.order_by("-pk").first()


@login_required
def distribution_page(request, study_id: int):
    study = _study_for(request, study_id)
    chosen = _chosen_round(study, request.GET.get("runde"))
    context = {"study": study, "rounds": study.rounds.all(), "round": chosen}
    if chosen is not None:
        context.update({
            "overview": distribution.response_overview(chosen),
            "linkable": distribution._linkable(chosen).count(),
            "unsent": distribution.recipients(chosen).count(),
            "remindable": distribution.recipients(chosen, reminder=True).count(),
            "is_collecting": chosen.status == Round.Status.COLLECTING,
        })
        audit.record("distribution.view", request=request, study_id=study.pk, round_id=chosen.pk)
    return render(request, "surveys/distribution/page.html", context)


def _base(request) -> str:
    """The address the analyst reached the app at (Host is checked against ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/").rstrip("/")


@login_required
def distribution_links(request, study_id: int):
    study = _study_for(request, study_id)
    chosen = _chosen_round(study, request.GET.get("runde"))
    if chosen is None:
        messages.error(request, _("Der er ingen runde at hente links fra."))
        return redirect("surveys:distribution", study_id=study.pk)
    try:
        body = distribution.links_csv(chosen, base=_base(request))
    except distribution.DistributionError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:distribution", study_id=study.pk)
    audit.record(
        "distribution.export_links", request=request, study_id=study.pk, round_id=chosen.pk,
        format="csv",
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="links-undersoegelse-{study.pk}-{chosen.slug}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def distribution_send(request, study_id: int):
    study = _study_for(request, study_id)
    chosen = _chosen_round(study, request.POST.get("runde"))
    reminder = request.POST.get("reminder") == "1"
    if chosen is None or chosen.status != Round.Status.COLLECTING:
        messages.error(request, _("Runden indsamler ikke svar; der kan ikke sendes e-mails."))
        return redirect("surveys:distribution", study_id=study.pk)
    job = runner.enqueue(
        SEND_JOB, {"round_id": chosen.pk, "reminder": reminder, "base_url": _base(request)},
        user=request.user, study_id=study.pk,
    )
    audit.record(
        "distribution.send", request=request, study_id=study.pk, round_id=chosen.pk,
        reminder=reminder, job_id=job.pk,
    )
    return redirect("jobs:detail", pk=job.pk)
