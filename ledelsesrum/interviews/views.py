"""Thin views for interviews; the logic is in ``notes``, ``importer``, ``pseudonymise``, ``themes``.

Access: analysts and interviewers (``roles.can_interview``); an interviewer only sees the
interviews assigned to them; everyone else (board readers, administrators without the analyst
role) gets 403. The pseudonym key is for the analyst role only, and so are the study-wide
pseudonyms: an interviewer reads and types notes in the interview's local labels (``local_keys``).
Every view of notes or the key, and every import, is written to the audit log (ids only).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ledelsesrum.accounts import audit, roles
from ledelsesrum.coding.study_codebook import codebook_for
from ledelsesrum.jobs import runner
from ledelsesrum.jobs.models import Job
from ledelsesrum.studies.models import Study

from . import staging
from .forms import GuideForm, GuideQuestionForm, InterviewForm, NotesForm, NotesUploadForm
from .importer import IMPORT_JOB, plan_staged, visible_interviews
from .local_keys import TextView
from .models import GuideQuestion, Interview, InterviewGuide, InterviewNote, PseudonymKey
from .notes import TextInput, save_texts
from .themes import ThemeRef, theme_index, themes_for_guide

SESSION_KEY = "interview_imports"


def is_analyst(user) -> bool:
    """The pseudonym key and every interview: the analyst role only (not administrators)."""
    return roles.ANALYST in roles.roles_of(user)


def _study(request, study_id: int) -> Study:
    if not roles.can_interview(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _interview(request, study: Study, pk: int) -> Interview:
    interview = get_object_or_404(Interview.objects.select_related("leader", "interviewer"), pk=pk, study=study)
    if not is_analyst(request.user) and interview.interviewer_id != request.user.pk:
        raise PermissionDenied
    return interview


def _guide(study: Study) -> InterviewGuide:
    guide, _created = InterviewGuide.objects.get_or_create(study=study)
    return guide


def _linked_theme_ids(study: Study) -> list[str]:
    ids: list[str] = []
    for question in GuideQuestion.objects.filter(guide__study=study):
        ids.extend(str(t) for t in question.themes or [])
    return ids


# --- register -----------------------------------------------------------------------------------

@login_required
def register(request, study_id: int):
    study = _study(request, study_id)
    interviews = visible_interviews(study.pk, request.user).annotate(
        note_count=Count("notes", filter=~Q(notes__text=""))
    )
    counts = {s: 0 for s in Interview.Status.values}
    # Counted on the interviews alone: with the notes joined in, each note would count once.
    for row in visible_interviews(study.pk, request.user).values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    status = request.GET.get("status", "")
    if status in Interview.Status.values:
        interviews = interviews.filter(status=status)
    else:
        status = ""
    interviews = interviews.order_by("planned_at", "leader__name", "id")
    audit.record("interviews.register.view", request=request, study_id=study.pk, status=status)
    return render(request, "interviews/register.html", {
        "study": study, "interviews": interviews, "counts": counts, "status": status,
        "statuses": Interview.Status.choices, "total": sum(counts.values()),
        "is_analyst": is_analyst(request.user),
    })


@login_required
def interview_edit(request, study_id: int, pk: int | None = None):
    study = _study(request, study_id)
    interview = _interview(request, study, pk) if pk else None
    form = InterviewForm(request.POST or None, instance=interview, study=study, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.study = study
        if "interviewer" not in form.fields:
            saved.interviewer = request.user
        saved.save()
        audit.record(
            "interviews.interview.save", request=request, obj=saved, study_id=study.pk,
            created=interview is None,
        )
        messages.success(request, _("Interviewet er gemt."))
        return redirect("interviews:detail", study_id=study.pk, pk=saved.pk)
    return render(request, "interviews/interview_form.html", {
        "study": study, "form": form, "interview": interview,
    })


@login_required
@require_POST
def interview_status(request, study_id: int, pk: int):
    study = _study(request, study_id)
    interview = _interview(request, study, pk)
    action = request.POST.get("action")
    new_status = {
        "done": Interview.Status.DONE, "cancel": Interview.Status.CANCELLED, "plan": Interview.Status.PLANNED,
    }.get(action)
    if new_status is None:
        raise Http404
    interview.status = new_status
    if new_status == Interview.Status.DONE and interview.held_at is None:
        interview.held_at = timezone.localdate()
    interview.save(update_fields=["status", "held_at", "updated_at"])
    audit.record("interviews.interview.status", request=request, obj=interview, study_id=study.pk,
                 status=new_status)
    messages.success(request, _("Status er nu: %(status)s.") % {"status": interview.get_status_display()})
    if request.POST.get("next") == "register":
        return redirect("interviews:register", study_id=study.pk)
    return redirect("interviews:detail", study_id=study.pk, pk=interview.pk)


# --- one interview: notes and summaries ----------------------------------------------------------

def _notes_themes(study: Study, notes: list[InterviewNote]):
    codebook = codebook_for(study)
    index = theme_index(codebook)
    wanted = _linked_theme_ids(study) + [n.theme_id for n in notes if n.theme_id]
    refs = themes_for_guide(wanted, codebook)
    # A note imported under a theme the codebook no longer has still gets its textarea.
    known = {r.id for r in refs}
    for note in notes:
        if note.theme_id and note.theme_id not in known and note.theme_id not in index:
            refs.append(ThemeRef(note.theme_id, note.theme_id, True))
            known.add(note.theme_id)
    return refs


@login_required
def interview_detail(request, study_id: int, pk: int):
    study = _study(request, study_id)
    interview = _interview(request, study, pk)
    notes = list(interview.notes.all())
    themes = _notes_themes(study, notes)
    by_key = {(n.kind, n.theme_id): n for n in notes}
    # Non-analysts read the notes in this interview's local labels, never the study's pseudonyms.
    shown = TextView(request.user)
    if request.method == "POST":
        form = NotesForm(request.POST, themes=themes)
        if form.is_valid():
            return _save_notes(request, study, interview, form)
    else:
        shown.prepare(interview.pk, [n.text for n in notes])
        initial = {}
        for kind, theme_id, name in NotesForm(themes=themes).text_fields():
            note = by_key.get((kind, theme_id))
            if note is not None:
                initial[name] = shown.show(interview.pk, note.text)
                initial[f"v_{name}"] = note.version
        form = NotesForm(initial=initial, themes=themes)
    audit.record("interviews.notes.view", request=request, obj=interview, study_id=study.pk,
                 note_ids=[n.pk for n in notes])
    guide = InterviewGuide.objects.filter(study=study).first()
    return render(request, "interviews/interview.html", {
        "study": study, "interview": interview, "form": form, "notes": by_key,
        "imported": [n for n in notes if n.source == InterviewNote.Source.IMPORT],
        "questions": guide.questions.all() if guide else [], "local_labels": shown.local,
    })


def _save_notes(request, study: Study, interview: Interview, form: NotesForm):
    inputs = []
    for kind, theme_id, name in form.text_fields():
        if name not in request.POST:
            # A field the page did not have (e.g. a theme an import added since) is left alone.
            continue
        version = form.cleaned_data.get(f"v_{name}")
        # No version: the page showed no note here; a note that appeared since is not overwritten.
        inputs.append(TextInput(kind, theme_id, form.cleaned_data.get(name) or "",
                                version if version is not None else 0))
    shown = TextView(request.user)
    outcomes = save_texts(interview, inputs, user=request.user, local_labels=shown.local)
    saved = [o for o in outcomes if o.status in ("created", "updated")]
    conflicts = [o for o in outcomes if o.status == "conflict"]
    replacements = sum(o.replacements for o in saved)
    audit.record("interviews.notes.save", request=request, obj=interview, study_id=study.pk,
                 note_ids=[o.note_id for o in saved], replacements=replacements,
                 conflicts=len(conflicts))
    if saved:
        messages.success(request, ngettext(
            "Gemt. %(n)d navn eller personoplysning er erstattet med et pseudonym.",
            "Gemt. %(n)d navne og personoplysninger er erstattet med pseudonymer.",
            replacements,
        ) % {"n": replacements})
    elif not conflicts:
        messages.info(request, _("Ingen ændringer at gemme."))
    if conflicts:
        labels = ", ".join(str(form[NotesForm.field_name(o.kind, o.theme_id)].label) for o in conflicts)
        if shown.local:
            message = _(
                "Disse felter er ændret af en anden, siden du åbnede siden, og er ikke gemt: %(fields)s. "
                "Din tekst står nedenfor, som du skrev den – kopiér den, genindlæs siden, og indsæt den igen."
            )
        else:
            message = _(
                "Disse felter er ændret af en anden, siden du åbnede siden, og er ikke gemt: %(fields)s. "
                "Din tekst står nedenfor (pseudonymiseret) – kopiér den, genindlæs siden, og indsæt den igen."
            )
        messages.error(request, message % {"fields": labels})
        # Show the user's own text again, not the other person's, so nothing is lost: pseudonymised
        # for an analyst; as typed for anyone else, because a refused text's new names have no
        # pseudonym yet, so no local label either (and the text is what they just sent).
        data = request.POST.copy()
        notes = list(interview.notes.all())
        versions = {n.pk: n.version for n in notes}
        for o in outcomes:
            name = NotesForm.field_name(o.kind, o.theme_id)
            if not (shown.local and o.status == "conflict"):
                data[name] = shown.show(interview.pk, o.text)
            if o.status != "conflict" and o.note_id:
                data[f"v_{name}"] = str(versions[o.note_id])
        return render(request, "interviews/interview.html", {
            "study": study, "interview": interview,
            "form": NotesForm(data, themes=form.themes), "notes": {(n.kind, n.theme_id): n for n in notes},
            "imported": [n for n in notes if n.source == InterviewNote.Source.IMPORT],
            "questions": GuideQuestion.objects.filter(guide__study=study), "local_labels": shown.local,
        }, status=409)
    return redirect("interviews:detail", study_id=study.pk, pk=interview.pk)


# --- the pseudonym key ---------------------------------------------------------------------------

@login_required
def key(request, study_id: int):
    if not is_analyst(request.user):
        raise PermissionDenied
    study = get_object_or_404(Study, pk=study_id)
    entries = PseudonymKey.objects.filter(study=study).order_by("kind", "pseudonym")
    audit.record("interviews.key.view", request=request, study_id=study.pk, entries=entries.count())
    return render(request, "interviews/key.html", {"study": study, "entries": entries})


# --- the guide -----------------------------------------------------------------------------------

def _guide_access(request, study_id: int) -> tuple[Study, bool]:
    can_edit = roles.can_manage_studies(request.user)
    if not (can_edit or roles.can_interview(request.user)):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id), can_edit


@login_required
def guide(request, study_id: int):
    study, can_edit = _guide_access(request, study_id)
    guide = _guide(study)
    guide_form = GuideForm(instance=guide)
    question_form = GuideQuestionForm(codebook=codebook_for(study))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "guide":
            guide_form = GuideForm(request.POST, instance=guide)
            if guide_form.is_valid():
                guide_form.save()
                messages.success(request, _("Interviewguiden er gemt."))
                return redirect("interviews:guide", study_id=study.pk)
        else:
            question_form = GuideQuestionForm(request.POST, codebook=codebook_for(study))
            if question_form.is_valid():
                with transaction.atomic():
                    question = question_form.save(commit=False)
                    question.guide = guide
                    last = guide.questions.order_by("-position").first()
                    question.position = (last.position + 1) if last else 1
                    question.save()
                messages.success(request, _("Spørgsmålet er tilføjet."))
                return redirect("interviews:guide", study_id=study.pk)
    index = theme_index(codebook_for(study))
    questions = [
        (q, [index[t] for t in q.themes if t in index]) for q in guide.questions.all()
    ]
    return render(request, "interviews/guide.html", {
        "study": study, "guide": guide, "questions": questions, "can_edit": can_edit,
        "guide_form": guide_form, "question_form": question_form,
    })


@login_required
def question_edit(request, study_id: int, qid: int):
    study, can_edit = _guide_access(request, study_id)
    if not can_edit:
        raise PermissionDenied
    question = get_object_or_404(GuideQuestion, pk=qid, guide__study=study)
    form = GuideQuestionForm(request.POST or None, instance=question, codebook=codebook_for(study))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Spørgsmålet er gemt."))
        return redirect("interviews:guide", study_id=study.pk)
    return render(request, "interviews/question_form.html", {"study": study, "form": form, "question": question})


@login_required
@require_POST
def question_action(request, study_id: int, qid: int):
    study, can_edit = _guide_access(request, study_id)
    if not can_edit:
        raise PermissionDenied
    question = get_object_or_404(GuideQuestion, pk=qid, guide__study=study)
    action = request.POST.get("action")
    with transaction.atomic():
        ordered = list(question.guide.questions.select_for_update().order_by("position", "id"))
        i = next(n for n, q in enumerate(ordered) if q.pk == question.pk)
        if action == "delete":
            ordered.pop(i)
            question.delete()
        elif action == "up" and i > 0:
            ordered[i - 1], ordered[i] = ordered[i], ordered[i - 1]
        elif action == "down" and i < len(ordered) - 1:
            ordered[i + 1], ordered[i] = ordered[i], ordered[i + 1]
        for position, q in enumerate(ordered, start=1):
            if q.position != position:
                GuideQuestion.objects.filter(pk=q.pk).update(position=position)
    return redirect("interviews:guide", study_id=study.pk)


# --- import --------------------------------------------------------------------------------------

def _staged(request) -> dict:
    return request.session.get(SESSION_KEY, {})


@login_required
def import_upload(request, study_id: int):
    study = _study(request, study_id)
    form = NotesUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["files"]
        token = staging.stage(f.chunks() for f in files)
        batches = _staged(request)
        batches[token] = {"study_id": study.pk, "filenames": [f.name for f in files]}
        request.session[SESSION_KEY] = batches
        return redirect("interviews:import_preview", study_id=study.pk, token=token)
    return render(request, "interviews/import_upload.html", {"study": study, "form": form})


def _job_for(token: str) -> Job | None:
    return Job.objects.filter(kind=IMPORT_JOB, params__token=token).order_by("-pk").first()


@login_required
def import_preview(request, study_id: int, token: str):
    study = _study(request, study_id)
    info = _staged(request).get(token)
    if info is None or info.get("study_id") != study.pk or not staging.valid_token(token):
        raise Http404
    if not staging.is_pending(token):
        job = _job_for(token)
        if job is not None:
            return redirect("jobs:detail", pk=job.pk)
        messages.error(request, _("Filerne er ikke længere gemt. Vælg dem igen."))
        return redirect("interviews:import", study_id=study.pk)
    if request.method == "POST" and request.POST.get("cancel"):
        staging.discard(token)
        audit.record("interviews.import.cancel", request=request, study_id=study.pk)
        messages.success(request, _("Importen er annulleret, og filerne er slettet."))
        return redirect("interviews:import", study_id=study.pk)
    filenames = info["filenames"]
    # Each file is parsed once per upload; later loads and the confirmation read the kept result.
    plan = plan_staged(study.pk, token, filenames, user=request.user)
    interviews = list(visible_interviews(study.pk, request.user).order_by("leader__name", "id"))
    chosen: dict[int, int | None] = {f.index: f.interview_id for f in plan.files}
    problems: list[str] = []
    if request.method == "POST":
        for f in plan.files:
            raw = request.POST.get(f"interview_{f.index}", "")
            chosen[f.index] = int(raw) if raw.isdigit() else None
        allowed = {i.pk for i in interviews}
        for f in plan.files:
            if f.parsed is not None and chosen[f.index] not in allowed:
                problems.append(_("%(file)s: vælg det interview, filen hører til.") % {"file": f.filename})
        if plan.ok and not problems:
            return _confirm(request, study, token, plan, chosen)
    if not plan.ok:
        problems = plan.errors + problems
        # A batch with an unreadable file can never be imported as it is: keep no personal data.
        staging.discard(token)
    audit.record("interviews.import.preview", request=request, study_id=study.pk, files=len(plan.files),
                 errors=len(plan.errors))
    index = theme_index(codebook_for(study))
    rows = [
        {
            "file": f, "chosen": chosen.get(f.index),
            "themes": [index[t].display if t in index else t for t in (f.parsed.theme_ids if f.parsed else [])],
            "has_notes": bool(f.parsed and any(not s.theme_id for s in f.parsed.sections)),
        }
        for f in plan.files
    ]
    return render(request, "interviews/import_preview.html", {
        "study": study, "rows": rows, "plan": plan, "interviews": interviews, "problems": problems,
    }, status=400 if problems and request.method == "POST" else 200)


def _confirm(request, study: Study, token: str, plan, chosen: dict[int, int | None]):
    if not staging.claim(token):
        # A second click or another tab: show the import that is already running.
        job = _job_for(token)
        if job is not None:
            return redirect("jobs:detail", pk=job.pk)
        messages.error(request, _("Importen er allerede sat i gang, eller filerne er udløbet. Vælg dem igen."))
        return redirect("interviews:import", study_id=study.pk)
    files = [{"index": f.index, "filename": f.filename, "interview_id": chosen[f.index]} for f in plan.files]
    job = runner.enqueue(
        IMPORT_JOB, {"study_id": study.pk, "token": token, "user_id": request.user.pk, "files": files},
        user=request.user, study_id=study.pk,
    )
    audit.record("interviews.import.confirm", request=request, study_id=study.pk, job_id=job.pk,
                 files=len(files), interview_ids=sorted({f["interview_id"] for f in files}))
    return redirect("jobs:detail", pk=job.pk)
