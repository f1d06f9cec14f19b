"""Thin views for editing the report: section texts (``editing``) and recommendations
(``followup.decisions``). Analysts and administrators only; every change is audit-logged with
keys and ids, never texts. Plain forms that redirect back to the edited part of the report."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.roles import can_manage_studies
from ledelsesrum.followup import decisions
from ledelsesrum.followup.models import Recommendation
from ledelsesrum.studies.models import Study

from . import editing


class TextForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Tekst"), required=False,
                           widget=forms.Textarea(attrs={"rows": 12}))


class RecommendationTextForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Anbefaling"), widget=forms.Textarea(attrs={"rows": 4}))


def _study(request, study_id: int) -> Study:
    if not can_manage_studies(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _back(study_id: int, anchor: str):
    url = reverse("reports:view", kwargs={"study_id": study_id})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _rec_anchor(rec: Recommendation) -> str:
    return f"undertema-{rec.subtheme}"


@login_required
def section_edit(request, study_id: int, key: str):
    study = _study(request, study_id)
    try:
        target = editing.editable(study, key)
    except editing.EditError as exc:
        raise Http404(str(exc)) from exc
    if request.method == "POST":
        form = TextForm(request.POST)
        if request.POST.get("action") == "reset":
            if editing.reset_text(study, key):
                audit.record("report.section_reset", request=request, study_id=study.pk, key=key)
            messages.success(request, _("Afsnittet følger igen det genererede udkast."))
            return _back(study.pk, target.anchor)
        if form.is_valid():
            saved = editing.save_text(study, key, form.cleaned_data["text"], request.user)
            audit.record("report.section_edit", request=request, study_id=study.pk, key=key,
                         edited=saved is not None)
            messages.success(request, _("Teksten er gemt.") if saved is not None
                             else _("Teksten er den samme som udkastet; afsnittet følger udkastet."))
            return _back(study.pk, target.anchor)
    else:
        form = TextForm(initial={"text": target.current})
    return render(request, "reports/edit_section.html", {"study": study, "target": target, "form": form})


@login_required
@require_POST
def recommendation_add(request, study_id: int, code: str):
    study = _study(request, study_id)
    try:
        rec = decisions.add_recommendation(
            study, subtheme=code, text=request.POST.get("text", ""), user=request.user,
            source_note=_("Rapporten, undertema %(code)s") % {"code": code},
        )
    except decisions.FollowupError as exc:
        messages.error(request, str(exc))
        return _back(study.pk, f"undertema-{code}")
    audit.record("report.recommendation_add", request=request, study_id=study.pk, obj=rec,
                 recommendation_id=rec.pk, subtheme=code)
    messages.success(request, _("Anbefalingen er gemt."))
    return _back(study.pk, _rec_anchor(rec))


@login_required
def recommendation_edit(request, study_id: int, pk: int):
    study = _study(request, study_id)
    rec = get_object_or_404(Recommendation, pk=pk, study=study)
    form = RecommendationTextForm(request.POST if request.method == "POST" else None,
                                  initial={"text": rec.text})
    if request.method == "POST" and form.is_valid():
        try:
            decisions.update_recommendation(rec, text=form.cleaned_data["text"])
        except decisions.FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            audit.record("report.recommendation_edit", request=request, study_id=study.pk, obj=rec,
                         recommendation_id=rec.pk)
            messages.success(request, _("Anbefalingen er gemt."))
            return _back(study.pk, _rec_anchor(rec))
    return render(request, "reports/edit_recommendation.html", {
        "study": study, "rec": rec, "form": form, "decided": decisions.has_decision(rec),
    })


@login_required
@require_POST
def recommendation_delete(request, study_id: int, pk: int):
    study = _study(request, study_id)
    rec = Recommendation.objects.filter(pk=pk, study=study).first()
    if rec is None:  # already deleted (a double submit): nothing left to do
        messages.info(request, _("Anbefalingen er allerede slettet."))
        return _back(study.pk, "")
    anchor = _rec_anchor(rec)
    try:
        decisions.delete_recommendation(rec)
    except decisions.FollowupError as exc:
        messages.error(request, str(exc))
        return _back(study.pk, anchor)
    audit.record("report.recommendation_delete", request=request, study_id=study.pk,
                 recommendation_id=pk, subtheme=rec.subtheme)
    messages.success(request, _("Anbefalingen er slettet."))
    return _back(study.pk, anchor)


@login_required
@require_POST
def recommendation_move(request, study_id: int, pk: int):
    study = _study(request, study_id)
    rec = get_object_or_404(Recommendation, pk=pk, study=study)
    try:
        expected = int(request.POST.get("index", ""))
    except ValueError:
        expected = None
    moved = decisions.move_recommendation(rec, up=request.POST.get("direction") == "up",
                                          expected_index=expected)
    if moved:
        audit.record("report.recommendation_move", request=request, study_id=study.pk,
                     recommendation_id=rec.pk, direction=request.POST.get("direction"))
    return _back(study.pk, _rec_anchor(rec))
