"""The analyst's questionnaire builder and the read-only preview.

Thin views: parse, call builder.py, render. Every action is a plain POST form that redirects back
to the builder; when htmx sends it (HX-Request), the changed list of pages is returned instead so
the page updates in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ledelsesrum.accounts import audit
from ledelsesrum.accounts.roles import can_manage_studies
from ledelsesrum.studies.models import Study

from . import builder
from .bank import BankError, load_bank, load_instrument
from .forms_builder import (
    AddFromBankForm,
    CreateFromBankForm,
    CustomQuestionForm,
    InstrumentImportForm,
    QuestionEditForm,
    SectionForm,
)
from .models import Question, Questionnaire, Section


def _study(request: HttpRequest, study_id: int) -> Study:
    if not can_manage_studies(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _questionnaire(study: Study) -> Questionnaire:
    return get_object_or_404(Questionnaire, study=study)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _builder_url(study: Study, anchor: str = "") -> str:
    url = reverse("surveys:builder", kwargs={"study_id": study.pk})
    return f"{url}#{anchor}" if anchor else url


def _study_url(study: Study) -> str:
    return reverse("studies:detail", kwargs={"pk": study.pk})


def _sections(questionnaire: Questionnaire) -> list[Section]:
    return list(
        questionnaire.sections.order_by("position", "id").prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
        )
    )


def _sections_context(study: Study, questionnaire: Questionnaire, notice: str = "") -> dict:
    sections = _sections(questionnaire)
    questions = [q for s in sections for q in s.questions.all()]
    return {
        "study": study,
        "questionnaire": questionnaire,
        "sections": sections,
        "locked_reason": builder.editing_locked_reason(study),
        "question_count": len(questions),
        "minutes": builder.estimate_minutes(questions),
        "notice": notice,
    }


def _after_edit(request: HttpRequest, study: Study, error: str = "", anchor: str = "") -> HttpResponse:
    """The answer to an edit: the refreshed page list for htmx, else a redirect to the builder."""
    if _is_htmx(request):
        context = _sections_context(study, _questionnaire(study), notice=error)
        return render(request, "surveys/builder/_sections.html", context)
    if error:
        messages.error(request, error)
    return redirect(_builder_url(study, anchor))


# --------------------------------------------------------------------------------------------


@login_required
def builder_page(request: HttpRequest, study_id: int) -> HttpResponse:
    study = _study(request, study_id)
    bank = load_bank()
    questionnaire = Questionnaire.objects.filter(study=study).first()
    context = {
        "study": study,
        "study_url": _study_url(study),
        "bank": bank,
        "import_form": InstrumentImportForm(),
        "section_form": SectionForm(),
        "locked_reason": builder.editing_locked_reason(study),
    }
    if questionnaire is None:
        context["create_form"] = CreateFromBankForm(bank=bank)
        context["bank_minutes"] = builder.estimate_bank_minutes(study, bank)
    else:
        context.update(_sections_context(study, questionnaire))
    return render(request, "surveys/builder/builder.html", context)


@login_required
@require_POST
def builder_create(request: HttpRequest, study_id: int) -> HttpResponse:
    study = _study(request, study_id)
    bank = load_bank()
    form = CreateFromBankForm(request.POST, bank=bank)
    if not form.is_valid():
        messages.error(request, _("Vælg skalaerne igen."))
        return redirect(_builder_url(study))
    try:
        questionnaire = builder.create_questionnaire_from_bank(study, scale_codes=form.cleaned_data["scales"])
    except builder.BuilderError as exc:
        messages.error(request, str(exc))
        return redirect(_builder_url(study))
    audit.record("questionnaire.create", request=request, obj=questionnaire, study_id=study.pk,
                 bank_version=questionnaire.bank_version)
    messages.success(request, _("Spørgeskemaet er oprettet fra spørgebanken."))
    return redirect(_builder_url(study))


@login_required
@require_POST
def builder_import(request: HttpRequest, study_id: int) -> HttpResponse:
    study = _study(request, study_id)
    form = InstrumentImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_builder_url(study))
    upload = form.cleaned_data["file"]
    try:
        instrument = load_instrument(upload)
        questionnaire = builder.import_instrument(study, instrument)
    except BankError as exc:
        messages.error(request, _("Instrumentet kunne ikke indlæses:"))
        for error in exc.errors[:20]:
            messages.error(request, error)
        if len(exc.errors) > 20:
            messages.error(request, _("… og %(n)s fejl mere.") % {"n": len(exc.errors) - 20})
        return redirect(_builder_url(study))
    except builder.BuilderError as exc:
        messages.error(request, str(exc))
        return redirect(_builder_url(study))
    audit.record("questionnaire.import", request=request, obj=questionnaire, study_id=study.pk,
                 instrument_version=instrument.version)
    messages.success(
        request,
        _("Instrumentet '%(title)s' (version %(version)s) er indlæst.")
        % {"title": instrument.title or upload.name, "version": instrument.version},
    )
    return redirect(_builder_url(study))


@login_required
@require_http_methods(["GET", "POST"])
def builder_bank(request: HttpRequest, study_id: int) -> HttpResponse:
    """Browse the bank and add a scale or a single question to the questionnaire."""
    study = _study(request, study_id)
    questionnaire = _questionnaire(study)
    bank = load_bank()
    if request.method == "POST":
        form = AddFromBankForm(request.POST, questionnaire=questionnaire)
        if not form.is_valid():
            for error in form.non_field_errors() + [e for f in form.errors.values() for e in f]:
                messages.error(request, error)
            return redirect(request.path)
        data = form.cleaned_data
        try:
            if data.get("scale"):
                added = builder.add_bank_scale(questionnaire, data["scale"], section=data.get("section"))
                messages.success(request, _("%(n)s spørgsmål er tilføjet.") % {"n": len(added)})
            else:
                question = builder.add_bank_item(questionnaire, data["item"], data["section"])
                messages.success(request, _("Spørgsmålet %(code)s er tilføjet.") % {"code": question.code})
        except builder.BuilderError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        return redirect(_builder_url(study))
    present = set(questionnaire.questions.values_list("code", flat=True))
    sections = list(questionnaire.sections.order_by("position", "id"))
    target = None
    if request.GET.get("side", "").isdigit():
        target = next((s for s in sections if s.pk == int(request.GET["side"])), None)
    scales = [
        {
            "scale": s,
            "subtheme_label": bank.subthemes.get(s.subtheme, ""),
            "items": [(i, i.code in present) for i in s.items],
            "complete": all(i.code in present for i in s.items),
        }
        for s in bank.scales
    ]
    extra = [(i, i.code in present) for i in [*bank.facts, *bank.open_questions]]
    return render(request, "surveys/builder/bank.html", {
        "study": study, "questionnaire": questionnaire, "bank": bank, "scales": scales,
        "extra": extra, "sections": sections, "target": target,
        "locked_reason": builder.editing_locked_reason(study),
    })


@login_required
@require_http_methods(["GET", "POST"])
def builder_custom(request: HttpRequest, study_id: int) -> HttpResponse:
    study = _study(request, study_id)
    questionnaire = _questionnaire(study)
    bank = load_bank()
    initial = {}
    if request.GET.get("side", "").isdigit():
        initial["section"] = int(request.GET["side"])
    form = CustomQuestionForm(request.POST or None, questionnaire=questionnaire, bank=bank, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question = builder.add_custom_question(
                questionnaire, data["section"], kind=data["kind"], text=data["text"],
                help_text=data["help_text"], options=data["option_labels"],
                response_scale=data.get("response_scale") or "grad5", reverse=data["reverse"],
            )
        except builder.BuilderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Spørgsmålet %(code)s er tilføjet.") % {"code": question.code})
            return redirect(_builder_url(study, f"q-{question.pk}"))
    return render(request, "surveys/builder/custom.html", {
        "study": study, "form": form, "locked_reason": builder.editing_locked_reason(study),
    })


@login_required
@require_http_methods(["GET", "POST"])
def builder_question_edit(request: HttpRequest, study_id: int, question_id: int) -> HttpResponse:
    study = _study(request, study_id)
    question = get_object_or_404(Question, pk=question_id, questionnaire__study=study)
    form = QuestionEditForm(request.POST or None, initial={"text": question.text, "help_text": question.help_text})
    if request.method == "POST" and form.is_valid():
        try:
            builder.update_question(question, text=form.cleaned_data["text"], help_text=form.cleaned_data["help_text"])
        except builder.BuilderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Spørgsmålet %(code)s er ændret.") % {"code": question.code})
            return redirect(_builder_url(study, f"q-{question.pk}"))
    return render(request, "surveys/builder/question_edit.html", {
        "study": study, "question": question, "form": form,
        "locked_reason": builder.editing_locked_reason(study),
    })


@login_required
@require_POST
def builder_question_action(request: HttpRequest, study_id: int, question_id: int) -> HttpResponse:
    """up / down / remove / move (to the section in ``section``)."""
    study = _study(request, study_id)
    question = get_object_or_404(Question, pk=question_id, questionnaire__study=study)
    action = request.POST.get("action", "")
    anchor = f"q-{question.pk}"
    try:
        if action in ("up", "down"):
            builder.move_question(question, action)
        elif action == "remove":
            builder.remove_question(question)
            anchor = f"s-{question.section_id}"
        elif action == "move":
            section_id = request.POST.get("section", "")
            section = Section.objects.filter(
                pk=int(section_id) if section_id.isdigit() else 0, questionnaire=question.questionnaire
            ).first()
            if section is None:
                raise builder.BuilderError(_("Vælg den side, spørgsmålet skal flyttes til."))
            builder.move_question_to_section(question, section)
        else:
            raise builder.BuilderError(_("Ukendt handling."))
    except builder.BuilderError as exc:
        return _after_edit(request, study, error=str(exc), anchor=anchor)
    return _after_edit(request, study, anchor=anchor)


@login_required
@require_POST
def builder_section_add(request: HttpRequest, study_id: int) -> HttpResponse:
    study = _study(request, study_id)
    questionnaire = _questionnaire(study)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _after_edit(request, study, error=_("Skriv en overskrift til den nye side."))
    try:
        section = builder.add_section(questionnaire, form.cleaned_data["title"], form.cleaned_data["intro"])
    except builder.BuilderError as exc:
        return _after_edit(request, study, error=str(exc))
    return _after_edit(request, study, anchor=f"s-{section.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def builder_section_edit(request: HttpRequest, study_id: int, section_id: int) -> HttpResponse:
    study = _study(request, study_id)
    section = get_object_or_404(Section, pk=section_id, questionnaire__study=study)
    form = SectionForm(request.POST or None, initial={"title": section.title, "intro": section.intro})
    if request.method == "POST" and form.is_valid():
        try:
            builder.rename_section(section, title=form.cleaned_data["title"], intro=form.cleaned_data["intro"])
        except builder.BuilderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Siden er ændret."))
            return redirect(_builder_url(study, f"s-{section.pk}"))
    return render(request, "surveys/builder/section_edit.html", {
        "study": study, "section": section, "form": form,
        "locked_reason": builder.editing_locked_reason(study),
    })


@login_required
@require_POST
def builder_section_action(request: HttpRequest, study_id: int, section_id: int) -> HttpResponse:
    """up / down / remove (an empty page)."""
    study = _study(request, study_id)
    section = get_object_or_404(Section, pk=section_id, questionnaire__study=study)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            builder.move_section(section, action)
        elif action == "remove":
            builder.remove_section(section)
            return _after_edit(request, study)
        else:
            raise builder.BuilderError(_("Ukendt handling."))
    except builder.BuilderError as exc:
        return _after_edit(request, study, error=str(exc), anchor=f"s-{section.pk}")
    return _after_edit(request, study, anchor=f"s-{section.pk}")


@login_required
def preview(request: HttpRequest, study_id: int) -> HttpResponse:
    """The questionnaire as a respondent sees it, one page at a time; nothing is saved."""
    study = _study(request, study_id)
    questionnaire = _questionnaire(study)
    sections = _sections(questionnaire)
    if not sections:
        messages.error(request, _("Spørgeskemaet har ingen sider endnu."))
        return redirect(_builder_url(study))
    raw = request.GET.get("side", "1")
    number = int(raw) if raw.isdigit() else 1
    number = min(max(number, 1), len(sections))
    section = sections[number - 1]
    questions = [
        {"question": q, "options": builder.answer_options(q)} for q in section.questions.all()
    ]
    return render(request, "surveys/builder/preview.html", {
        "study": study, "questionnaire": questionnaire, "sections": sections, "section": section,
        "questions": questions, "number": number, "total": len(sections),
        "minutes": builder.estimate_minutes(q for s in sections for q in s.questions.all()),
    })
