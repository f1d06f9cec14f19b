"""Thin views for inter-coder agreement and emerging themes; the logic is in ``agreement_web``.

Access: the analyst draws samples and reads agreement and emerging themes. A second coder
(analyst or interviewer) codes the units drawn for them, blind: neither the first code nor the
suggestions are shown, and a coder who is not an analyst reads the unit in the local labels of its
interview (``interviews.local_keys``), not the study-wide pseudonyms. Everyone else gets 403. The audit log gets ids only.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledelsesrum.accounts import audit, roles
from ledelsesrum.interviews.local_keys import TextView
from ledelsesrum.studies.models import Study

from . import agreement_web
from .forms import code_choices
from .models import SecondCoding


def _study(request, study_id: int, *, analyst_only: bool) -> Study:
    allowed = roles.ANALYST in roles.roles_of(request.user) if analyst_only else roles.can_interview(request.user)
    if not allowed:
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _nan_to_none(value: float) -> float | None:
    return None if value is None or math.isnan(value) else value


@login_required
def agreement(request, study_id: int):
    study = _study(request, study_id, analyst_only=True)
    results = agreement_web.agreement(study)
    rows = [
        {
            "r": r,
            "kappa": _nan_to_none(r.report.kappa), "alpha": _nan_to_none(r.report.alpha),
            "percent": _nan_to_none(r.report.percent_agreement),
            "per_code": [
                (code, label, _nan_to_none(s["kappa"]), _nan_to_none(s["alpha"]), int(s["n_a"]), int(s["n_b"]))
                for code, label, s in r.per_code
            ],
        }
        for r in results
    ]
    audit.record(
        "coding.agreement.view", request=request, study_id=study.pk,
        coders=[r.coder_id for r in results], units=[d.unit_id for r in results for d in r.disagreements],
    )
    return render(request, "coding/agreement.html", {
        "study": study, "rows": rows, "progress": agreement_web.progress(study),
        "coders": agreement_web.eligible_coders(study),
        "suggested_coder": agreement_web.suggested_coder(study, agreement_web.eligible_coders(study)),
        "default_percent": round(100 * agreement_web.DEFAULT_FRACTION),
        "is_analyst": True,
    })


@login_required
@require_POST
def agreement_sample(request, study_id: int):
    study = _study(request, study_id, analyst_only=True)
    coder = get_user_model().objects.filter(pk=request.POST.get("coder") or 0).first()
    if coder is None or not agreement_web.eligible_coders(study).filter(pk=coder.pk).exists():
        messages.error(request, _("Vælg en anden koder med rollen analytiker eller interviewer."))
        return redirect("coding:agreement", study_id=study.pk)
    try:
        percent = float(request.POST.get("percent", "").replace(",", "."))
        drawn = agreement_web.draw_sample(study, coder, fraction=percent / 100)
    except ValueError:
        messages.error(request, _("Andelen skal være et tal mellem 1 og 100 %."))
        return redirect("coding:agreement", study_id=study.pk)
    audit.record("coding.agreement.sample", request=request, study_id=study.pk, coder_id=coder.pk,
                 units=[s.unit_id for s in drawn])
    if drawn:
        messages.success(request, _("%(n)s enheder er udtrukket til anden kodning.") % {"n": len(drawn)})
    else:
        messages.error(request, agreement_web.empty_sample_reason(study, coder))
    return redirect("coding:agreement", study_id=study.pk)


@login_required
def agreement_code(request, study_id: int):
    """The second coder's blind coding page: one unit at a time, no first code, no suggestions."""
    study = _study(request, study_id, analyst_only=False)
    if request.method == "POST":
        second = get_object_or_404(agreement_web.assigned(study, request.user), pk=request.POST.get("second") or 0)
        try:
            agreement_web.save_second_code(second, request.POST.get("code", ""))
        except ValueError:
            messages.error(request, _("Vælg et undertema fra kodebogen."))
        else:
            audit.record("coding.agreement.code", request=request, study_id=study.pk, unit_id=second.unit_id)
        return redirect("coding:agreement_code", study_id=study.pk)
    todo = agreement_web.pending(study, request.user)
    current: SecondCoding | None = todo.select_related("unit__interview_note").first()
    total = agreement_web.assigned(study, request.user).count()
    text = ""
    if current is not None:
        # Another interviewer's unit, for a second coder who is not an analyst: in the labels of
        # that unit's own interview, which nothing links to the study's key or to other interviews.
        note = current.unit.interview_note
        text = TextView(request.user).show(note.interview_id if note else None, current.unit.text)
    audit.record("coding.agreement.code_view", request=request, study_id=study.pk,
                 unit_id=current.unit_id if current else None)
    return render(request, "coding/agreement_code.html", {
        "study": study, "current": current, "text": text, "remaining": todo.count(), "total": total,
        "choices": code_choices(study), "is_analyst": roles.ANALYST in roles.roles_of(request.user),
    })


@login_required
def emerging(request, study_id: int):
    study = _study(request, study_id, analyst_only=True)
    candidates = agreement_web.emerging(study)
    audit.record("coding.emerging.view", request=request, study_id=study.pk,
                 units=[u for c in candidates for u in c.unit_ids])
    return render(request, "coding/emerging.html", {"study": study, "candidates": candidates, "is_analyst": True})
