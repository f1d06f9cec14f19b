"""Thin views of the results: parse, call ``results``/``exports``/``presentation``, render.

Every view and export is written to the audit log (identifiers only).
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.roles import can_read_open_answers, can_read_results
from ledelsesrum.studies.models import Round, Study

from . import exports, presentation
from .release import released_results, stored_release
from .results import DisclosureError, latest_closed_round, open_answers

log = logging.getLogger(__name__)

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json; charset=utf-8", "json"),
}


def _study_and_round(request, study_id: int):
    if not can_read_results(request.user):
        raise PermissionDenied
    study = get_object_or_404(Study, pk=study_id)
    return study, latest_closed_round(study)


def _not_released(request, study: Study, status: int = 200):
    collecting = study.rounds.filter(kind=Round.Kind.MAIN, status=Round.Status.COLLECTING).exists()
    return render(
        request, "analysis/not_released.html", {"study": study, "collecting": collecting},
        status=status,
    )


def _refused(request, study: Study, exc: DisclosureError):
    log.error("results of study %s refused by the disclosure audit", study.pk)
    return render(request, "analysis/refused.html", {"study": study, "message": str(exc)},
                  status=500)


@login_required
@require_GET
def results(request, study_id: int):
    study, round_ = _study_and_round(request, study_id)
    if round_ is None:
        audit.record("results.view", request=request, study_id=study.pk, released=False)
        return _not_released(request, study)
    if stored_release(round_) is None and _large(round_):
        # Computing a release can take a while for a large study: run it as a job and show its
        # progress; the job page offers the way back here when it is done. (A small study is
        # computed right here, in well under a second.)
        from ledelsesrum.jobs.models import Job
        from ledelsesrum.jobs.runner import enqueue

        job = Job.objects.filter(
            kind="ledelsesrum.analysis.release:release_job", params__round_id=round_.pk,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        ).first() or enqueue("ledelsesrum.analysis.release:release_job", {"round_id": round_.pk},
                             user=request.user, study_id=study.pk)
        job.refresh_from_db()
        if job.status != Job.Status.DONE:
            return redirect("jobs:detail", pk=job.pk)
    try:
        result = released_results(round_)
    except DisclosureError as exc:
        return _refused(request, study, exc)
    context = presentation.page_context(result, request.GET.get("by", "area"))
    audit.record("results.view", request=request, study_id=study.pk, round_id=round_.pk,
                 by=context["by"])
    context.update({
        "study": study,
        "round": round_,
        "result": result,
        "can_read_open_answers": can_read_open_answers(request.user),
    })
    return render(request, "analysis/results.html", context)


# Above this many submitted responses a missing release is computed as a background job.
INLINE_RELEASE_LIMIT = 300


def _large(round_) -> bool:
    return round_.responses.filter(submitted_at__isnull=False).count() > INLINE_RELEASE_LIMIT


@login_required
@require_GET
def open_answers_view(request, study_id: int):
    if not can_read_open_answers(request.user):
        raise PermissionDenied
    study, round_ = _study_and_round(request, study_id)
    if round_ is None:
        return _not_released(request, study)
    questions = open_answers(round_)
    audit.record("results.open_answers.view", request=request, study_id=study.pk,
                 round_id=round_.pk)
    return render(request, "analysis/open_answers.html", {
        "study": study, "round": round_, "questions": questions,
        "threshold": study.open_text_threshold,
    })


@login_required
@require_GET
def export(request, study_id: int, format: str):
    if format not in EXPORT_FORMATS:
        raise Http404(_("Ukendt eksportformat."))
    study, round_ = _study_and_round(request, study_id)
    if round_ is None:
        return _not_released(request, study, status=409)
    try:
        result = released_results(round_)
    except DisclosureError as exc:
        return _refused(request, study, exc)
    content_type, ext = EXPORT_FORMATS[format]
    if format == "csv":
        body: bytes | str = "\ufeff" + exports.to_csv(result)  # BOM: Excel reads UTF-8 then
    elif format == "xlsx":
        body = exports.to_xlsx(result)
    else:
        body = exports.to_json(result)
    audit.record("results.export", request=request, study_id=study.pk, round_id=round_.pk,
                 format=format)
    response = HttpResponse(body, content_type=content_type)
    filename = f"resultater-undersoegelse-{study.pk}-runde-{round_.number}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
