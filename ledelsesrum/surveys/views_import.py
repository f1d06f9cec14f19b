"""Import of answers collected elsewhere: upload → preview → confirm → background job → done.

Thin: the rules live in ``importer.py``; the file waits in ``organisation.staging`` between the
preview and the confirmation, parsed once, and the confirmation imports the plan shown or nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.roles import can_manage_studies
from ledelsesrum.jobs import runner
from ledelsesrum.jobs.models import Job
from ledelsesrum.organisation import staging
from ledelsesrum.organisation.forms import UploadForm
from ledelsesrum.studies.models import Round, Study

from .importer import ResponseImportFailed, preview_staged, round_problem
from .models import Question

IMPORT_JOB = "ledelsesrum.surveys.importer:import_responses_job"
SESSION_KEY = "response_imports"
PREVIEW_ROWS = 25


class ResponseUploadForm(UploadForm):
    round = forms.ModelChoiceField(queryset=Round.objects.none(), label=gettext_lazy("Runde"),
                                   empty_label=None)

    field_order = ["round", "file"]

    def __init__(self, study: Study, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = Round.objects.filter(study=study).order_by("kind", "-number")
        self.fields["round"].queryset = rounds
        self.fields["round"].label_from_instance = lambda r: f"{r.get_kind_display()} {r.number} – {r.get_status_display()}"
        open_rounds = [r for r in rounds if r.status == Round.Status.COLLECTING]
        if open_rounds:
            self.fields["round"].initial = open_rounds[0].pk

    def clean_round(self):
        round = self.cleaned_data["round"]
        problem = round_problem(round)
        if problem:
            raise forms.ValidationError(problem)
        return round


def _study(request: HttpRequest, study_id: int) -> Study:
    if not can_manage_studies(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _study_url(study: Study) -> str:
    try:
        return reverse("studies:detail", kwargs={"pk": study.pk})
    except NoReverseMatch:
        return reverse("studies:list")


@login_required
def upload(request: HttpRequest, study_id: int) -> HttpResponse:
    study = _study(request, study_id)
    form = ResponseUploadForm(study, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        token = staging.stage(upload_file.chunks())
        imports = request.session.get(SESSION_KEY, {})
        imports[token] = {"filename": upload_file.name, "study_id": study.pk,
                          "round_id": form.cleaned_data["round"].pk}
        request.session[SESSION_KEY] = imports
        return redirect("surveys:import_responses_preview", study_id=study.pk, token=token)
    codes = list(
        Question.objects.filter(questionnaire__study=study)
        .order_by("section__position", "position", "id").values_list("code", "kind")
    )
    return render(request, "surveys/import/upload.html", {
        "study": study, "form": form, "codes": codes, "study_url": _study_url(study),
    })


def _pending(request: HttpRequest, study: Study, token: str) -> dict:
    info = request.session.get(SESSION_KEY, {}).get(token)
    if info is None or info["study_id"] != study.pk or not staging.valid_token(token):
        raise Http404
    return info


def _job_for(token: str) -> Job | None:
    return Job.objects.filter(kind=IMPORT_JOB, params__token=token).order_by("-pk").first()


def _remember_plan(request: HttpRequest, token: str, digest: str) -> None:
    """The last plan shown for this upload, for a confirmation that does not carry one."""
    imports = request.session.get(SESSION_KEY, {})
    imports[token] = {**imports[token], "plan": digest}
    request.session[SESSION_KEY] = imports


def _plan_changed(token: str, round: Round, info: dict, shown: str) -> bool:
    """True when the plan made now is not the one ``shown`` in the preview."""
    try:
        return preview_staged(token, round, info["filename"]).digest() != shown
    except ResponseImportFailed:
        return True


@login_required
def preview(request: HttpRequest, study_id: int, token: str) -> HttpResponse:
    study = _study(request, study_id)
    info = _pending(request, study, token)
    round = get_object_or_404(Round, pk=info["round_id"], study=study)
    if request.method == "POST":
        if request.POST.get("cancel"):
            return _cancel(request, study, round, token)
        return _confirm(request, study, round, token, info)
    if not staging.is_pending(token):
        job = _job_for(token)
        if job is not None:
            return redirect("jobs:detail", pk=job.pk)
        messages.error(request, _("Filen er ikke længere gemt. Vælg den igen."))
        return redirect("surveys:import_responses", study_id=study.pk)
    try:
        # Parsed once per upload (the table is kept with it); planned against the database now.
        plan = preview_staged(token, round, info["filename"])
    except ResponseImportFailed as exc:
        plan = exc.plan
        # A file with errors can never be imported as it is: do not keep its personal data.
        staging.discard(token)
    digest = plan.digest() if plan.ok else ""
    if digest and info.get("plan") != digest:
        _remember_plan(request, token, digest)
    audit.record("responses.import.preview", request=request, study_id=study.pk, round_id=round.pk,
                 rows=plan.total_rows, errors=len(plan.row_errors) + len(plan.file_errors))
    return render(request, "surveys/import/preview.html", {
        "study": study, "round": round, "plan": plan, "counts": plan.counts,
        "filename": info["filename"], "preview_rows": plan.rows[:PREVIEW_ROWS], "plan_digest": digest,
        "errors": plan.row_errors[:500], "more_errors": max(0, len(plan.row_errors) - 500),
        "study_url": _study_url(study),
    })


def _cancel(request: HttpRequest, study: Study, round: Round, token: str) -> HttpResponse:
    """Delete the staged upload (and what was kept with it) unless its import already runs."""
    if staging.is_pending(token):
        staging.discard(token)
        audit.record("responses.import.cancel", request=request, study_id=study.pk, round_id=round.pk)
        messages.success(request, _("Importen er annulleret, og filen er slettet."))
    return redirect("surveys:import_responses", study_id=study.pk)


def _confirm(request: HttpRequest, study: Study, round: Round, token: str, info: dict) -> HttpResponse:
    # The job imports exactly the plan shown in the preview, or nothing; the job checks again.
    shown = request.POST.get("plan") or info.get("plan", "")
    if staging.is_pending(token):
        if not shown:  # nothing was previewed yet: show it first
            return redirect("surveys:import_responses_preview", study_id=study.pk, token=token)
        if _plan_changed(token, round, info, shown):
            messages.error(request, _("Runden, spørgeskemaet, lederne eller filen er ændret, siden "
                                      "forhåndsvisningen blev vist. Se den opdaterede "
                                      "forhåndsvisning, og bekræft igen."))
            return redirect("surveys:import_responses_preview", study_id=study.pk, token=token)
    if not staging.claim(token):
        job = _job_for(token)
        if job is not None:
            return redirect("jobs:detail", pk=job.pk)
        messages.error(request, _("Importen er allerede sat i gang eller filen er udløbet. Vælg filen igen."))
        return redirect("surveys:import_responses", study_id=study.pk)
    job = runner.enqueue(
        IMPORT_JOB, {"token": token, "filename": info["filename"], "round_id": round.pk, "plan": shown},
        user=request.user, study_id=study.pk,
    )
    audit.record("responses.import.confirm", request=request, study_id=study.pk,
                 round_id=round.pk, job_id=job.pk)
    return redirect("jobs:detail", pk=job.pk)


@login_required
def done(request: HttpRequest, study_id: int, token: str) -> HttpResponse:
    study = _study(request, study_id)
    job = _job_for(token) if staging.valid_token(token) else None
    if job is None or job.study_id != study.pk:
        raise Http404
    return render(request, "surveys/import/done.html", {
        "study": study, "job": job, "result": job.result, "study_url": _study_url(study),
    })
