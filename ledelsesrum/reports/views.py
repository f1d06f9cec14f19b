"""Thin views: the reading view and the downloads (audit-logged)."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.roles import can_manage_studies, can_read_results
from ledelsesrum.jobs.runner import enqueue
from ledelsesrum.studies.models import Study

from .compose import compose
from .jobs import KIND, output_dir
from .render import CONTENT_TYPES
from .render import render as render_format

DOWNLOAD_FORMATS = ("pdf", "docx")
# Above this many coded meaning units a PDF is rendered in the background, not in the request.
INLINE_MAX_UNITS = 1500


def _study(request, study_id: int) -> Study:
    if not can_read_results(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _attachment(data: bytes, fmt: str, study: Study) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="rapport-{study.pk}.{fmt}"'
    return response


def _is_large(study: Study) -> bool:
    from ledelsesrum.coding.models import MeaningUnit

    return MeaningUnit.objects.filter(study=study).exclude(code="").count() > INLINE_MAX_UNITS


@login_required
@require_GET
def view(request, study_id: int):
    study = _study(request, study_id)
    report = compose(study)
    audit.record("report.view", request=request, study_id=study.pk)
    context = {"study": study, "report": report, "editing": can_manage_studies(request.user)}
    if context["editing"]:
        from ledelsesrum.followup.models import Recommendation
        from ledelsesrum.knowledge.views_panel import can_choose

        from .editing import edits

        recs: dict[str, list[dict]] = {}
        for rec in (Recommendation.objects.filter(study=study).select_related("decision")
                    .order_by("subtheme", "position", "id")):
            recs.setdefault(rec.subtheme, []).append(
                {"rec": rec, "decision": getattr(rec, "decision", None)})
        context.update(edits=edits(study), recs=recs, can_choose=can_choose(request.user))
    return render(request, "reports/view.html", context)


@login_required
@require_GET
def download(request, study_id: int, fmt: str):
    study = _study(request, study_id)
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404
    if fmt == "pdf" and (_is_large(study) or request.GET.get("baggrund") == "1"):
        token = secrets.token_hex(8)
        path = output_dir() / f"rapport-{study.pk}-{token}.pdf"
        # The job's "Fortsæt" leads to the finished file.
        next_url = reverse("reports:file", kwargs={"study_id": study.pk, "token": token})
        job = enqueue(KIND, {"study_id": study.pk, "format": fmt, "path": str(path),
                             "next_url": next_url}, user=request.user, study_id=study.pk)
        audit.record("report.download", request=request, study_id=study.pk, format=fmt,
                     job_id=job.pk, background=True)
        return redirect("jobs:detail", pk=job.pk)
    data = render_format(compose(study), fmt)
    audit.record("report.download", request=request, study_id=study.pk, format=fmt)
    return _attachment(data, fmt, study)


@login_required
@require_GET
def job_file(request, study_id: int, token: str):
    study = _study(request, study_id)
    if not token.isalnum():
        raise Http404
    path = output_dir() / f"rapport-{study.pk}-{token}.pdf"
    if not path.is_file():
        raise Http404
    audit.record("report.download", request=request, study_id=study.pk, format="pdf", token=token)
    return _attachment(path.read_bytes(), "pdf", study)
