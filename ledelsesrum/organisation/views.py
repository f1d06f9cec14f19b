"""Thin views; domain logic lives in the named modules of this app (importer, tree, staging)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..accounts import audit, roles
from ..jobs import runner
from ..jobs.models import Job
from . import staging
from .columns import first_values, summary
from .forms import ColumnMappingForm, LeaderFilterForm, LeaderForm, UnitForm, UploadForm
from .importer import LeaderImportFailed, StagedPreview, preview_staged, preview_upload
from .models import Leader, Unit
from .tree import subtree_ids, unit_paths, unit_tree

IMPORT_JOB = "ledelsesrum.organisation.importer:import_leaders_job"
SESSION_KEY = "organisation_imports"
PREVIEW_ROWS = 25
PAGE_SIZE = 50


def manager_required(view):
    """Only roles that may set up studies see and change the organisation (it holds personal data)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.can_manage_studies(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@manager_required
def unit_list(request):
    tree = unit_tree()
    return render(request, "organisation/units.html", {
        "tree": tree,
        "unit_count": Unit.objects.count(),
        "leader_count": Leader.objects.filter(active=True).count(),
        "without_unit": Leader.objects.filter(active=True, unit=None).count(),
    })


@manager_required
def unit_edit(request, pk: int | None = None):
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.record("organisation.unit.save", request=request, obj=saved)
        messages.success(request, _("Enheden %(name)s er gemt.") % {"name": saved.name})
        return redirect("organisation:units")
    return render(request, "organisation/unit_form.html", {"form": form, "unit": unit})


@manager_required
def leader_list(request):
    form = LeaderFilterForm(request.GET or None)
    leaders = Leader.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            leaders = leaders.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q))
        if data["unit"]:
            leaders = leaders.filter(unit_id__in=subtree_ids(int(data["unit"])))
        if data["area"]:
            leaders = leaders.filter(area=data["area"])
        if data["level"]:
            leaders = leaders.filter(level=data["level"])
        if data["education"]:
            leaders = leaders.filter(leadership_education=data["education"])
        if data["active"]:
            leaders = leaders.filter(active=data["active"] == "1")
    paginator = Paginator(leaders.order_by("name", "id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("side"))
    paths = unit_paths()
    rows = [(leader, paths.get(leader.unit_id, "")) for leader in page.object_list]
    query = request.GET.copy()
    query.pop("side", None)
    audit.record("organisation.leaders.view", request=request, page=page.number, count=paginator.count)
    return render(request, "organisation/leaders.html", {
        "form": form, "page": page, "rows": rows, "total": paginator.count,
        "query": query.urlencode(),
    })


@manager_required
def leader_edit(request, pk: int | None = None):
    leader = get_object_or_404(Leader, pk=pk) if pk else None
    form = LeaderForm(request.POST or None, instance=leader)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.record("organisation.leader.save", request=request, obj=saved, created=leader is None)
        messages.success(request, _("%(name)s er gemt.") % {"name": saved.name})
        return redirect("organisation:leaders")
    return render(request, "organisation/leader_form.html", {"form": form, "leader": leader})


# --- import ----------------------------------------------------------------------------------

def _staged(request) -> dict:
    return request.session.get(SESSION_KEY, {})


@manager_required
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = staging.stage(upload.chunks())
        imports = _staged(request)
        imports[token] = {"filename": upload.name}
        request.session[SESSION_KEY] = imports
        return redirect("organisation:import_preview", token=token)
    return render(request, "organisation/import_upload.html", {"form": form})


@manager_required
def import_preview(request, token: str):
    info = _staged(request).get(token)
    if info is None or not staging.valid_token(token):
        raise Http404
    if request.method == "POST":
        if request.POST.get("cancel"):
            return _cancel(request, token)
        if request.POST.get("step") == "columns":
            return _choose_columns(request, token, info)
        return _confirm(request, token, info)
    if not staging.is_pending(token):
        return _gone(request, token)
    # Parsed once per upload (the table is kept with it); planned against the database now.
    return _show_preview(request, token, info, preview_upload(token, info["filename"], info.get("columns")))


def _gone(request, token: str):
    job = _job_for(token)
    if job is not None:
        return redirect("jobs:detail", pk=job.pk)
    messages.error(request, _("Filen er ikke længere gemt. Vælg den igen."))
    return redirect("organisation:import")


def _show_preview(request, token: str, info: dict, preview: StagedPreview,
                  form: ColumnMappingForm | None = None):
    plan = preview.plan
    if not preview.keep:
        # A file with errors can never be imported as it is: do not keep its personal data.
        staging.discard(token)
        form = None
    elif form is None and preview.mapping is not None:
        form = ColumnMappingForm(preview.mapping, first_values(preview.table))
    digest = plan.digest() if plan.ok else ""
    if digest and info.get("plan") != digest:
        _remember_plan(request, token, digest)
    audit.record("organisation.import.preview", request=request, rows=plan.total_rows,
                 errors=len(plan.row_errors) + len(plan.file_errors))
    return render(request, "organisation/import_preview.html", {
        "plan": plan, "counts": plan.counts, "token": token, "filename": info["filename"],
        "plan_digest": digest, "column_form": form, "mapping": preview.mapping,
        "mapping_summary": summary(preview.mapping) if preview.mapping else [],
        "name_source": preview.mapping.source_of("name") if preview.mapping and preview.mapping.name_from_parts else "",
        "columns_chosen": bool(info.get("columns")),
        # Every new unit with its whole path, so a path read the wrong way shows before import.
        "new_units": plan.new_unit_paths[:100], "more_units": max(0, len(plan.new_unit_paths) - 100),
        "preview_rows": plan.rows[:PREVIEW_ROWS], "errors": plan.row_errors[:500],
        "more_errors": max(0, len(plan.row_errors) - 500),
    })


def _choose_columns(request, token: str, info: dict):
    """The column step: keep the columns the analyst chose (or go back to the recognised ones)
    for this upload, and show the preview again from the kept table — nothing is uploaded or
    parsed again."""
    if not staging.is_pending(token):
        return _gone(request, token)
    if request.POST.get("reset"):
        _remember_columns(request, token, None)
        messages.success(request, _("Forhåndsvisningen bruger igen de genkendte kolonner."))
        return redirect("organisation:import_preview", token=token)
    preview = preview_upload(token, info["filename"], info.get("columns"))
    if preview.mapping is None:  # the file cannot be read: show why
        return _show_preview(request, token, info, preview)
    form = ColumnMappingForm(preview.mapping, first_values(preview.table), data=request.POST)
    if not form.is_valid():
        return _show_preview(request, token, info, preview, form)
    _remember_columns(request, token, form.mapping.to_data())
    audit.record("organisation.import.columns", request=request, columns=sorted(form.mapping.to_data()))
    messages.success(request, _("Kolonnevalget er gemt, og forhåndsvisningen er opdateret."))
    return redirect("organisation:import_preview", token=token)


def _remember_columns(request, token: str, columns: dict | None) -> None:
    """The columns chosen for this upload (None: the recognised ones). The plan shown before is
    forgotten, so that a confirmation must come from the preview made with these columns."""
    imports = _staged(request)
    entry = {k: v for k, v in imports[token].items() if k not in ("columns", "plan")}
    if columns is not None:
        entry["columns"] = columns
    imports[token] = entry
    request.session[SESSION_KEY] = imports


def _job_for(token: str) -> Job | None:
    return Job.objects.filter(kind=IMPORT_JOB, params__token=token).order_by("-pk").first()


def _cancel(request, token: str):
    """Delete the staged upload (and what was kept with it) unless its import already runs."""
    if staging.is_pending(token):
        staging.discard(token)
        audit.record("organisation.import.cancel", request=request)
        messages.success(request, _("Importen er annulleret, og filen er slettet."))
    return redirect("organisation:import")


def _remember_plan(request, token: str, digest: str) -> None:
    """The last plan shown for this upload, for a confirmation that does not carry one."""
    imports = _staged(request)
    imports[token] = {**imports[token], "plan": digest}
    request.session[SESSION_KEY] = imports


def _plan_changed(token: str, info: dict, shown: str) -> bool:
    """True when the plan made now is not the one ``shown`` in the preview."""
    try:
        return preview_staged(token, info["filename"], info.get("columns")).digest() != shown
    except LeaderImportFailed:
        return True


def _confirm(request, token: str, info: dict):
    # The job imports exactly the plan shown in the preview, or nothing; the job checks again.
    shown = request.POST.get("plan") or info.get("plan", "")
    if staging.is_pending(token):
        if not shown:  # nothing was previewed yet: show it first
            return redirect("organisation:import_preview", token=token)
        if _plan_changed(token, info, shown):
            messages.error(request, _("Lederne, enhederne eller filen er ændret, siden forhåndsvisningen "
                                      "blev vist. Se den opdaterede forhåndsvisning, og bekræft igen."))
            return redirect("organisation:import_preview", token=token)
    if not staging.claim(token):
        # A second click, another tab or a retried request: show the import already running.
        job = _job_for(token)
        if job is not None:
            return redirect("jobs:detail", pk=job.pk)
        messages.error(request, _("Importen er allerede sat i gang eller filen er udløbet. Vælg filen igen."))
        return redirect("organisation:import")
    params = {"token": token, "filename": info["filename"], "plan": shown}
    if info.get("columns"):
        params["columns"] = info["columns"]
    job = runner.enqueue(IMPORT_JOB, params, user=request.user)
    audit.record("organisation.import.confirm", request=request, job_id=job.pk)
    return redirect("jobs:detail", pk=job.pk)


@manager_required
def import_done(request, token: str):
    job = _job_for(token) if staging.valid_token(token) else None
    if job is None:
        raise Http404
    return render(request, "organisation/import_done.html", {
        "job": job, "result": job.result, "leaders_url": reverse("organisation:leaders"),
    })
