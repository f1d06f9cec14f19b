"""Thin views for coding meaning units; the logic is in ``workspace``.

Access: analysts see and code every unit of a study (notes and open answers), build units and
read the synthesis and the matrix. Interviewers code the units of their own interviews only,
and read and write them in each interview's local labels (``interviews.local_keys``), never in the
study-wide pseudonyms; suggestion reasons quote them only their own units. Everyone else gets
403. Every view and decision goes to the audit log with ids only.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledelsesrum.accounts import audit, roles
from ledelsesrum.interviews.local_keys import TextView
from ledelsesrum.interviews.models import Interview
from ledelsesrum.jobs import runner
from ledelsesrum.jobs.models import Job
from ledelsesrum.studies.models import Study

from . import workspace
from .codebook import CodebookError
from .forms import ConfirmForm, EssenceForm, code_choices
from .models import MeaningUnit, SubthemeEssence
from .suggest import SimilarUnit

PAGE_SIZE = 20
FILTERS = ("status", "subtheme", "source")


def _is_analyst(user) -> bool:
    return roles.ANALYST in roles.roles_of(user)


def _study(request, study_id: int, *, analyst_only: bool = False) -> Study:
    allowed = _is_analyst(request.user) if analyst_only else roles.can_interview(request.user)
    if not allowed:
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _visible_units(request, study: Study):
    qs = MeaningUnit.objects.filter(study=study)
    if not _is_analyst(request.user):
        # Interviewers: units of their own interviews; open answers are for analysts only.
        qs = qs.filter(interview_note__interview__interviewer=request.user)
    return qs


def _unit(request, study: Study, pk: int) -> MeaningUnit:
    return get_object_or_404(_visible_units(request, study), pk=pk)


def _filters(data) -> dict[str, str]:
    out = {"status": data.get("status") or "uncoded", "subtheme": data.get("subtheme", ""), "source": data.get("source", "")}
    if out["status"] not in {"uncoded", "coded", "all"}:
        out["status"] = "uncoded"
    if out["source"] not in {"", "notes", "answers"}:
        out["source"] = ""
    return out


def _interview_id(unit: MeaningUnit) -> int | None:
    return unit.interview_note.interview_id if unit.interview_note_id else None


def _texts_by_interview(units) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for unit in units:
        if unit.interview_note_id:
            out.setdefault(unit.interview_note.interview_id, []).extend([unit.text, unit.condensed])
    return out


def _who(request, study: Study, units: list[MeaningUnit], shown: TextView) -> dict[int, str]:
    """Whose interview a unit is from: the study's leader pseudonym for analysts; for everyone
    else a number among their own interviews, since they know whom they interviewed and the
    pseudonym would be a line of the key."""
    if not shown.local:
        pseudonyms = workspace.leader_pseudonyms(study, sorted({u.leader_id for u in units if u.leader_id}))
        return {u.pk: pseudonyms.get(u.leader_id, "") for u in units if u.leader_id}
    own = list(
        Interview.objects.filter(study=study, interviewer=request.user).order_by("id").values_list("id", flat=True)
    )
    number = {pk: n for n, pk in enumerate(own, start=1)}
    return {
        u.pk: _("nr. %(n)d") % {"n": number[_interview_id(u)]}
        for u in units if _interview_id(u) in number
    }


def _quote(request, study: Study, shown: TextView):
    """For a reader of local labels, suggestion reasons quote only units they may see (their own
    interviews), in those interviews' labels; None (quote everything as stored) for analysts."""
    if not shown.local:
        return None
    visible = dict(
        _visible_units(request, study).filter(interview_note__isnull=False)
        .values_list("pk", "interview_note__interview_id")
    )

    def quote(similar: SimilarUnit) -> str | None:
        if similar.unit_id is None:  # an example from the codebook
            return similar.text
        try:
            interview_id = visible.get(int(similar.unit_id))
        except ValueError:
            return None
        return None if interview_id is None else shown.show(interview_id, similar.text)

    return quote


def _list_context(request, study: Study, filters: dict[str, str]) -> dict:
    qs = _visible_units(request, study).select_related("interview_note")
    if filters["source"] == "notes":
        qs = qs.filter(interview_note__isnull=False)
    elif filters["source"] == "answers":
        qs = qs.filter(interview_note__isnull=True)
    if filters["subtheme"]:
        qs = qs.filter(code=filters["subtheme"])
    if filters["status"] == "uncoded" and not filters["subtheme"]:
        qs = qs.filter(code="")
    elif filters["status"] == "coded":
        qs = qs.exclude(code="")
    units = list(qs)
    uncoded = [u for u in units if not u.code]
    if filters["status"] == "uncoded" and uncoded:
        units = workspace.most_informative_first(study, uncoded)
    data = request.POST if request.method == "POST" else request.GET
    # get_page clamps: after confirming the last unit of the last page the previous page is shown.
    page = Paginator(units, PAGE_SIZE).get_page(data.get("page"))
    units = list(page.object_list)
    shown = TextView(request.user)
    for interview_id, texts in _texts_by_interview(units).items():
        shown.prepare(interview_id, texts)
    suggestions = workspace.suggestions_for(
        study, [u for u in units if not u.code], quote=_quote(request, study, shown),
    )
    codebook = workspace.codebook_for(study)
    who = _who(request, study, units, shown)
    rows = []
    for unit in units:
        interview_id = _interview_id(unit)
        sentences = workspace.sentences_of(unit)
        rows.append({
            "unit": unit,
            "text": shown.show(interview_id, unit.text),
            "condensed": shown.show(interview_id, unit.condensed),
            "who": who.get(unit.pk, ""),
            "suggestions": suggestions.get(unit.pk, []),
            "label": codebook.get(unit.code).label if unit.code in codebook else "",
            "boundaries": [(i, shown.show(interview_id, s)) for i, s in enumerate(sentences[1:], start=1)],
            "has_next": workspace.next_unit(unit) is not None,
        })
    visible = _visible_units(request, study)
    return {
        "study": study, "rows": rows, "filters": filters, "query": urlencode(filters), "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "ellipsis": page.paginator.ELLIPSIS,
        "choices": code_choices(study), "is_analyst": _is_analyst(request.user),
        "total": visible.count(), "coded": visible.exclude(code="").count(), "shown_of": len(uncoded),
    }


@login_required
def units(request, study_id: int):
    study = _study(request, study_id)
    filters = _filters(request.GET)
    context = _list_context(request, study, filters)
    context["running"] = Job.objects.filter(
        kind=workspace.BUILD_JOB, study_id=study.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).first()
    audit.record("coding.units.view", request=request, study_id=study.pk, units=[r["unit"].pk for r in context["rows"]])
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        # Page links swap only the list; a history restore needs the whole page.
        return render(request, "coding/_unit_list.html", context)
    return render(request, "coding/units.html", context)


@login_required
@require_POST
def build(request, study_id: int):
    study = _study(request, study_id, analyst_only=True)
    running = Job.objects.filter(
        kind=workspace.BUILD_JOB, study_id=study.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).first()
    job = running or runner.enqueue(workspace.BUILD_JOB, {"study_id": study.pk}, user=request.user, study_id=study.pk)
    audit.record("coding.units.build", request=request, study_id=study.pk, job_id=job.pk)
    return redirect("jobs:detail", pk=job.pk)


def _back(request, study: Study, filters: dict[str, str]):
    """htmx: the re-rendered list; without JS: back to the list with the same filters."""
    if request.headers.get("HX-Request"):
        return render(request, "coding/_unit_list.html", _list_context(request, study, filters))
    query = {**filters, "page": request.POST.get("page", "")} if request.POST.get("page", "").isdigit() else filters
    return redirect(reverse("coding:units", kwargs={"study_id": study.pk}) + "?" + urlencode(query))


@login_required
@require_POST
def confirm(request, study_id: int, pk: int):
    study = _study(request, study_id)
    unit = _unit(request, study, pk)
    filters = _filters(request.POST)
    form = ConfirmForm(request.POST, study=study)
    if not form.is_valid():
        messages.error(request, _("Vælg et undertema fra kodebogen."))
        return _back(request, study, filters)
    condensed = form.cleaned_data.get("condensed")
    if condensed is not None:
        condensed = TextView(request.user).read(_interview_id(unit), condensed)
    workspace.confirm(unit, form.cleaned_data["chosen"], request.user, condensed=condensed if "condensed" in request.POST else None)
    audit.record("coding.unit.confirm", request=request, study_id=study.pk, unit_id=unit.pk, code=unit.code)
    messages.success(request, _("Enheden er kodet som %(code)s.") % {"code": unit.code})
    return _back(request, study, filters)


@login_required
@require_POST
def split(request, study_id: int, pk: int):
    study = _study(request, study_id)
    unit = _unit(request, study, pk)
    filters = _filters(request.POST)
    try:
        new = workspace.split_unit(unit, int(request.POST.get("at", "0")))
    except ValueError:
        messages.error(request, _("Vælg en sætningsgrænse inde i enheden."))
    else:
        audit.record("coding.unit.split", request=request, study_id=study.pk, unit_id=unit.pk, new_unit_id=new.pk)
        messages.success(request, _("Enheden er delt i to."))
    return _back(request, study, filters)


@login_required
@require_POST
def edit_text(request, study_id: int, pk: int):
    study = _study(request, study_id)
    unit = _unit(request, study, pk)
    filters = _filters(request.POST)
    try:
        workspace.edit_unit_text(unit, TextView(request.user).read(_interview_id(unit), request.POST.get("text", "")))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        audit.record("coding.unit.edit", request=request, study_id=study.pk, unit_id=unit.pk)
        messages.success(request, _("Enhedens tekst er gemt."))
    return _back(request, study, filters)


@login_required
@require_POST
def merge(request, study_id: int, pk: int):
    study = _study(request, study_id)
    unit = _unit(request, study, pk)
    filters = _filters(request.POST)
    following = workspace.next_unit(unit)
    if following is None or not _visible_units(request, study).filter(pk=following.pk).exists():
        messages.error(request, _("Enheden er den sidste i sin tekst."))
    else:
        workspace.merge_with_next(unit)
        audit.record("coding.unit.merge", request=request, study_id=study.pk, unit_id=unit.pk, merged_id=following.pk)
        messages.success(request, _("Enheden er slået sammen med den næste."))
    return _back(request, study, filters)


@login_required
def synthesis(request, study_id: int):
    study = _study(request, study_id, analyst_only=True)
    items = workspace.overview(study)
    audit.record("coding.synthesis.view", request=request, study_id=study.pk)
    return render(request, "coding/synthesis.html", {
        "study": study, "items": items, "interviewed": items[0].interviewed if items else 0,
    })


@login_required
def synthesis_detail(request, study_id: int, code: str):
    study = _study(request, study_id, analyst_only=True)
    try:
        result = workspace.synthesis(study, code)
    except CodebookError:
        raise Http404 from None
    essence, _created = SubthemeEssence.objects.get_or_create(study=study, code=code)
    if request.method == "POST":
        form = EssenceForm(request.POST)
        if form.is_valid():
            essence.essence = form.cleaned_data["essence"]
            essence.updated_by = request.user
            essence.save()
            audit.record("coding.essence.save", request=request, study_id=study.pk, code=code)
            messages.success(request, _("Essensen er gemt."))
            return redirect("coding:synthesis_detail", study_id=study.pk, code=code)
    else:
        form = EssenceForm(initial={"essence": essence.essence})
    audit.record("coding.synthesis.view", request=request, study_id=study.pk, code=code,
                 units=[u.pk for u in result.units])
    return render(request, "coding/synthesis_detail.html", {"study": study, "s": result, "form": form})


@login_required
def matrix(request, study_id: int):
    study = _study(request, study_id, analyst_only=True)
    m = workspace.matrix(study)
    codebook = workspace.codebook_for(study)
    audit.record("coding.matrix.view", request=request, study_id=study.pk)
    return render(request, "coding/matrix.html", {
        "study": study, "m": m, "columns": [(c, codebook.get(c).label) for c in m.codes],
    })
