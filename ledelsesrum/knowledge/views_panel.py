"""Views of the panel "Hvad ved vi — og hvad har andre gjort?" (logic in ``panel``).

The synthesis page loads the panel with htmx; without JavaScript its link opens the same panel as
a page of its own, whose plain forms post and come back. Only analysts see or change choices;
choosing and unchoosing go to the audit log with ids only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ledelsesrum.accounts import audit, roles
from ledelsesrum.studies.models import Study

from . import panel
from .base import load_entries


def can_choose(user) -> bool:
    """Analysts only: the panel sits on the analyst's synthesis page and shapes the report."""
    return roles.can_manage_studies(user) and roles.can_read_open_answers(user)


def _study(request: HttpRequest, study_id: int) -> Study:
    if not can_choose(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _subtheme(code: str, study: Study | None = None) -> str:
    if code not in dict(panel.subtheme_codes(study)):
        raise Http404(_("Undertemaet findes ikke."))
    return code


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


def _render_panel(request: HttpRequest, study: Study, code: str, *, page: bool) -> HttpResponse:
    context = {
        "study": study,
        "code": code,
        "label": dict(panel.subtheme_codes(study))[code],
        "proposals": panel.proposals(study, code),
        "next": request.get_full_path() if page else
        reverse("coding:synthesis_detail", kwargs={"study_id": study.pk, "code": code}),
    }
    template = "knowledge/panel/page.html" if page else "knowledge/panel/_panel.html"
    return render(request, template, context)


@login_required
def panel_view(request: HttpRequest, study_id: int, code: str) -> HttpResponse:
    study = _study(request, study_id)
    code = _subtheme(code, study)
    return _render_panel(request, study, code, page=not request.headers.get("HX-Request"))


def _change(request: HttpRequest, study_id: int, code: str, *, add: bool) -> HttpResponse:
    study = _study(request, study_id)
    code = _subtheme(code, study)
    entry_id = request.POST.get("entry_id") or ""
    if entry_id not in load_entries():
        raise Http404(_("Posten findes ikke."))
    if add:
        _item, changed = panel.choose(study, code, entry_id, request.user)
        action = "knowledge.panel.choose"
    else:
        changed = panel.unchoose(study, code, entry_id, request.user)
        action = "knowledge.panel.unchoose"
    if changed:
        audit.record(action, request=request, study_id=study.pk, subtheme=code, entry_id=entry_id)
    if request.headers.get("HX-Request"):
        return _render_panel(request, study, code, page=False)
    title = load_entries().get(entry_id).title
    if add:
        messages.success(request, _("»%(title)s« kommer med i rapporten.") % {"title": title})
    else:
        messages.success(request, _("»%(title)s« er fjernet fra rapporten.") % {"title": title})
    fallback = reverse("knowledge:panel", kwargs={"study_id": study.pk, "code": code})
    return redirect(_next_url(request, fallback))


@login_required
@require_POST
def choose_view(request: HttpRequest, study_id: int, code: str) -> HttpResponse:
    return _change(request, study_id, code, add=True)


@login_required
@require_POST
def unchoose_view(request: HttpRequest, study_id: int, code: str) -> HttpResponse:
    return _change(request, study_id, code, add=False)


@login_required
@require_http_methods(["GET", "POST"])
def add_to_synthesis(request: HttpRequest, entry_id: str) -> HttpResponse:
    """The entry page's "Føj til en syntese": pick a study and a sub-theme for this entry."""
    entry = load_entries().get(entry_id)
    if entry is None:
        raise Http404(_("Posten findes ikke."))
    is_htmx = bool(request.headers.get("HX-Request"))
    if not can_choose(request.user):
        if request.method == "GET" and is_htmx:
            return HttpResponse("")  # the entry page simply shows no form to non-analysts
        raise PermissionDenied
    studies = list(Study.objects.order_by("-created_at").values_list("pk", "name"))
    subthemes = panel.subtheme_codes()
    error = ""
    if request.method == "POST":
        study_id = request.POST.get("study") or ""
        code = request.POST.get("subtheme") or ""
        study = Study.objects.filter(pk=int(study_id)).first() if study_id.isdigit() else None
        if study is None:
            error = _("Vælg en undersøgelse.")
        elif code not in dict(panel.subtheme_codes(study)):
            error = _("Vælg et undertema.")
        else:
            _item, changed = panel.choose(study, code, entry.id, request.user)
            if changed:
                audit.record("knowledge.panel.choose", request=request, study_id=study.pk,
                             subtheme=code, entry_id=entry.id)
            synthesis_url = reverse("coding:synthesis_detail", kwargs={"study_id": study.pk, "code": code})
            messages.success(request, _("»%(title)s« er føjet til syntesen for %(code)s %(label)s.")
                             % {"title": entry.title, "code": code, "label": dict(subthemes)[code]})
            request.session["knowledge_last_synthesis"] = synthesis_url
            return redirect(reverse("knowledge:entry", kwargs={"entry_id": entry.id}))
    context = {
        "entry": entry, "studies": studies, "subthemes": subthemes, "error": error,
        "selected_study": request.POST.get("study") or (str(studies[0][0]) if studies else ""),
        "selected_subtheme": request.POST.get("subtheme") or (entry.subthemes[0] if entry.subthemes else ""),
        "last_synthesis": request.session.get("knowledge_last_synthesis", ""),
    }
    template = "knowledge/panel/_add_form.html" if is_htmx else "knowledge/panel/add.html"
    return render(request, template, context, status=400 if error else 200)
