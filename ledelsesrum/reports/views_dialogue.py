"""Thin views for the dialogue edition: the reading view and the PDF (audit-logged)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ledelsesrum.accounts import audit

from .dialogue import compose_dialogue, render_dialogue
from .render import CONTENT_TYPES
from .views import _study

DIALOGUE_FORMATS = ("pdf", "html")


@login_required
@require_GET
def dialogue(request, study_id: int):
    study = _study(request, study_id)
    edition = compose_dialogue(study)
    audit.record("report.dialogue_view", request=request, study_id=study.pk)
    return render(request, "reports/dialogue_view.html", {"study": study, "edition": edition})


@login_required
@require_GET
def dialogue_download(request, study_id: int, fmt: str):
    study = _study(request, study_id)
    if fmt not in DIALOGUE_FORMATS:
        raise Http404
    data = render_dialogue(compose_dialogue(study), fmt)
    audit.record("report.download", request=request, study_id=study.pk, format=fmt,
                 edition="dialogue")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="dialogudgave-{study.pk}.{fmt}"'
    return response
