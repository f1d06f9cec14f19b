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
from . import release as release_module
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
    context = presentation.page_context(
        result, request.GET.get("by", "area"), scale=request.GET.get("skala", ""),
        under=request.GET.get("under") or None, only_shown=request.GET.get("kun_viste") == "1",
    )
    audit.record("results.view", request=request, study_id=study.pk, round_id=round_.pk,
                 by=context["by"], scale=context["scale_key"])
    context.update({
        "study": study,
        "round": round_,
        "result": result,
        "can_read_open_answers": can_read_open_answers(request.user),
        "has_change": study.rounds.filter(kind=Round.Kind.MAIN,
                                          status=Round.Status.CLOSED).count() >= 2,
    })
    return render(request, "analysis/results.html", context)


INLINE_RELEASE_LIMIT = release_module.INLINE_RELEASE_LIMIT


def _large(round_) -> bool:
    return release_module.too_large_to_release_inline(round_, INLINE_RELEASE_LIMIT)


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
        # BOM: Excel reads UTF-8 then. Danish convention unless ?stil=international.
        body: bytes | str = "\ufeff" + exports.to_csv(result, exports.csv_style(request.GET.get("stil")))
    elif format == "xlsx":
        body = exports.to_xlsx(result)
    else:
        body = exports.to_json(result)
    audit.record("results.export", request=request, study_id=study.pk, round_id=round_.pk,
                 format=format)
    response = HttpResponse(body, content_type=content_type)
    filename = f"resultater-undersoegelse-{study.pk}-{round_.slug}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- change between rounds ---------------------------------------------------------------------


def _round_number(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _missing_release_job(request, study: Study, rounds):
    """A large round without a stored release is computed as a job (as on the results page)."""
    for round_ in rounds:
        if stored_release(round_) is None and _large(round_):
            from ledelsesrum.jobs.models import Job
            from ledelsesrum.jobs.runner import enqueue

            job = Job.objects.filter(
                kind="ledelsesrum.analysis.release:release_job", params__round_id=round_.pk,
                status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            ).first() or enqueue("ledelsesrum.analysis.release:release_job",
                                 {"round_id": round_.pk}, user=request.user, study_id=study.pk)
            job.refresh_from_db()
            if job.status != Job.Status.DONE:
                return redirect("jobs:detail", pk=job.pk)
    return None


@login_required
@require_GET
def change_view(request, study_id: int):
    from .change import ChangeError, change_for_rounds, closed_main_rounds, rounds_for

    if not can_read_results(request.user):
        raise PermissionDenied
    study = get_object_or_404(Study, pk=study_id)
    closed = closed_main_rounds(study)
    context: dict = {"study": study, "closed_rounds": closed, "table": None, "error": None}
    try:
        earlier, later = rounds_for(study, _round_number(request.GET.get("fra")),
                                    _round_number(request.GET.get("til")))
    except ChangeError as exc:
        context["error"] = str(exc)
        audit.record("results.change.view", request=request, study_id=study.pk, shown=False)
        return render(request, "analysis/change.html", context)
    pending = _missing_release_job(request, study, (earlier, later))
    if pending is not None:
        return pending
    try:
        table = change_for_rounds(earlier, later)
    except DisclosureError as exc:
        return _refused(request, study, exc)
    except ChangeError as exc:
        context["error"] = str(exc)
        return render(request, "analysis/change.html", context)
    page = presentation.change_context(
        table, request.GET.get("by", "area"), scale=request.GET.get("skala", ""),
        under=request.GET.get("under") or None, only_shown=request.GET.get("kun_viste") == "1",
    )
    audit.record("results.change.view", request=request, study_id=study.pk, shown=True,
                 from_round_id=earlier.pk, to_round_id=later.pk, by=page["by"])
    context.update(page)
    context.update({"table": table, "earlier": earlier, "later": later,
                    "query": f"fra={earlier.number}&til={later.number}"})
    return render(request, "analysis/change.html", context)


@login_required
@require_GET
def change_export(request, study_id: int, format: str):
    from . import change_exports
    from .change import ChangeError, change_for_rounds, rounds_for

    if format not in EXPORT_FORMATS:
        raise Http404(_("Ukendt eksportformat."))
    if not can_read_results(request.user):
        raise PermissionDenied
    study = get_object_or_404(Study, pk=study_id)
    try:
        earlier, later = rounds_for(study, _round_number(request.GET.get("fra")),
                                    _round_number(request.GET.get("til")))
        table = change_for_rounds(earlier, later)
    except ChangeError as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
    except DisclosureError as exc:
        return _refused(request, study, exc)
    content_type, ext = EXPORT_FORMATS[format]
    if format == "csv":
        body: bytes | str = "\ufeff" + change_exports.to_csv(
            table, exports.csv_style(request.GET.get("stil")))
    elif format == "xlsx":
        body = change_exports.to_xlsx(table)
    else:
        body = change_exports.to_json(table)
    audit.record("results.change.export", request=request, study_id=study.pk,
                 from_round_id=earlier.pk, to_round_id=later.pk, format=format)
    response = HttpResponse(body, content_type=content_type)
    filename = (f"udvikling-undersoegelse-{study.pk}-runde-{earlier.number}-"
                f"{later.number}.{ext}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
