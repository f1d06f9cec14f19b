"""Thin views for the REFI-QDA project exchange (``.qdpx``); the logic is in ``refi_qda``.

Access: analysts only — the file holds the study's interview notes (pseudonymised, but still
personal data), which administrators and board readers do not read, and interviewers read only in
local labels. Export and import are audit-logged with ids and counts, never text.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ledelsesrum.accounts import audit, roles
from ledelsesrum.studies.models import Study

from . import refi_qda


class QdpxImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Projektfil (REFI-QDA .qdpx)"), allow_empty_file=True,
        help_text=gettext_lazy("Fra NVivo, ATLAS.ti, MAXQDA eller QualCoder: »Eksportér projekt (REFI-QDA)«."),
        widget=forms.ClearableFileInput(attrs={"accept": ".qdpx,.qde,application/zip"}),
    )


def _study(request, study_id: int) -> Study:
    if roles.ANALYST not in roles.roles_of(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _page(request, study: Study, *, form=None, problems=None, status: int = 200):
    plan = refi_qda.plan_export(study, request.user)
    return render(request, "coding/exchange_page.html", {
        "study": study, "plan": plan, "form": form or QdpxImportForm(), "problems": problems or [],
        "is_analyst": True,
    }, status=status)


@login_required
def exchange(request, study_id: int):
    study = _study(request, study_id)
    audit.record("coding.exchange.view", request=request, study_id=study.pk)
    return _page(request, study)


@login_required
def export_qdpx(request, study_id: int):
    study = _study(request, study_id)
    data, plan = refi_qda.export_study(study, request.user)
    audit.record("coding.exchange.export", request=request, study_id=study.pk, format="qdpx",
                 sources=plan.sources, segments=plan.segments, memos=plan.memos,
                 held_back_notes=plan.held_back, unplaced_units=plan.unplaced)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ledelsesrum-{study.pk}.qdpx"'
    return response


@login_required
@require_POST
def import_qdpx(request, study_id: int):
    study = _study(request, study_id)
    form = QdpxImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, study, form=form, problems=[_("Vælg en .qdpx-fil.")], status=400)
    upload = form.cleaned_data["file"]
    if upload.size > settings.MAX_UPLOAD_BYTES:
        problems = [_("Filen er for stor (højst %(mb)d MB).") % {"mb": settings.MAX_UPLOAD_BYTES // 1024 // 1024}]
    else:
        try:
            outcome = refi_qda.import_into_study(study, upload.read(), request.user)
        except refi_qda.QdpxError as exc:
            problems = [str(exc)]
        except refi_qda.ImportRefused as exc:
            problems = exc.problems
        else:
            audit.record("coding.exchange.import", request=request, study_id=study.pk, format="qdpx",
                         sources=outcome.sources, segments=outcome.segments, coded=outcome.coded,
                         created=outcome.created, unchanged=outcome.unchanged, new_codes=outcome.new_codes,
                         memos=outcome.memos, unit_ids=outcome.unit_ids)
            messages.success(request, _(
                "Projektet er importeret: %(segments)s kodede markeringer fra %(sources)s kilder "
                "(%(coded)s enheder kodet, %(created)s nye enheder, %(unchanged)s var kodet i forvejen).")
                % {"segments": outcome.segments, "sources": outcome.sources, "coded": outcome.coded,
                   "created": outcome.created, "unchanged": outcome.unchanged})
            if outcome.new_codes:
                messages.info(request, _("Nye koder i kodebogen: %(codes)s.") % {"codes": ", ".join(outcome.new_codes)})
            if outcome.skipped:
                messages.info(request, _("Uden plads i Ledelsesrum og ikke importeret: %(what)s.")
                              % {"what": "; ".join(outcome.skipped)})
            return redirect(reverse("coding:exchange", kwargs={"study_id": study.pk}))
    audit.record("coding.exchange.import_refused", request=request, study_id=study.pk, format="qdpx",
                 problems=len(problems))
    return _page(request, study, form=form, problems=problems, status=400)
