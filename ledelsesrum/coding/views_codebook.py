"""Thin views for the study's codebook ("Kodebog") and quantifier thresholds; the logic is in
``study_codebook``.

Access: analysts and administrators (study set-up). Every change is audit-logged with ids only.
A refused change (bad file, a code with coded units, invalid thresholds) shows a Danish message
and leaves the saved codebook and thresholds as they were.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledelsesrum.accounts import audit, roles
from ledelsesrum.studies.models import Study

from . import study_codebook, workspace
from .codebook import CodebookError, meaning_clashes, to_json, to_qdc
from .forms import (
    CodebookImportForm,
    SubthemeAddForm,
    SubthemeEditForm,
    ThemeAddForm,
    ThemeEditForm,
    ThresholdsForm,
)
from .quantifiers import (
    DEFAULT_SCALE,
    QuantifierScale,
    default_shares,
    format_percent,
    scale_from_shares,
    word_ranges,
)

EXAMPLE_LEADERS = 14  # for the thresholds preview while no interview is done


def _study(request, study_id: int) -> Study:
    if not roles.can_manage_studies(request.user):
        raise PermissionDenied
    return get_object_or_404(Study, pk=study_id)


def _page_url(study: Study, anchor: str = "") -> str:
    return reverse("coding:codebook", kwargs={"study_id": study.pk}) + (f"#{anchor}" if anchor else "")


def _preview(study: Study, scale: QuantifierScale) -> dict:
    interviewed = len(workspace.interviewed_leader_ids(study))
    total = interviewed or EXAMPLE_LEADERS
    return {"total": total, "actual": bool(interviewed), "ranges": word_ranges(scale, total)}


def _render(request, study: Study, *, slot: str = "", form=None, status: int = 200):
    """The page; ``form`` (bound, with errors) replaces the fresh form of ``slot``."""
    codebook = workspace.codebook_for(study)
    custom = study_codebook.is_custom(study)
    usage = study_codebook.code_usage(study)

    def pick(key: str, fresh):
        return form if slot == key else fresh

    themes = []
    for theme in codebook.themes:
        themes.append({
            "theme": theme,
            "edit_form": pick(f"theme:{theme.id}", ThemeEditForm(
                initial={"label": theme.label, "description": theme.description}, prefix=f"t-{theme.id}")),
            "add_form": pick(f"add-sub:{theme.id}", SubthemeAddForm(prefix=f"n-{theme.id}")),
            "used": sum(usage.get(s.id, 0) for s in theme.subthemes),
            "open_edit": slot == f"theme:{theme.id}", "open_add": slot == f"add-sub:{theme.id}",
            "subs": [
                {
                    "sub": sub, "used": usage.get(sub.id, 0), "open_edit": slot == f"sub:{sub.id}",
                    "edit_form": pick(f"sub:{sub.id}", SubthemeEditForm(initial={
                        "label": sub.label, "description": sub.description, "examples": "\n".join(sub.examples),
                    }, prefix=f"s-{sub.id}")),
                }
                for sub in theme.subthemes
            ],
        })
    scale = workspace.quantifier_scale_for(study)
    thresholds = pick("thresholds", ThresholdsForm(initial=ThresholdsForm.initial_for(study_codebook.thresholds_of(study))))
    return render(request, "coding/codebook.html", {
        "study": study, "codebook": codebook, "custom": custom, "themes": themes, "slot": slot,
        "is_analyst": roles.ANALYST in roles.roles_of(request.user),
        "n_subthemes": len(codebook.subthemes), "coded_total": sum(usage.values()),
        "import_form": pick("import", CodebookImportForm()),
        "add_theme_form": pick("add-theme", ThemeAddForm(prefix="nt")),
        "thresholds_form": thresholds, "preview": None if slot == "thresholds" else _preview(study, scale),
        "defaults": [(lv.word, format_percent(lv.min_share)) for lv in DEFAULT_SCALE.levels],
        "scale_is_default": scale == DEFAULT_SCALE,
    }, status=status)


@login_required
def codebook(request, study_id: int):
    study = _study(request, study_id)
    audit.record("coding.codebook.view", request=request, study_id=study.pk)
    return _render(request, study)


def _save(request, study: Study, change, action: str, success: str, *, slot: str = "", form=None,
          anchor: str = "", **detail):
    """Save (``change``: a codebook, ``None`` for the built-in one, or a function editing the
    study's own codebook), audit-log and go back; a refusal re-renders the page with the message
    and the input kept, or — for a plain button — goes back with the message."""
    try:
        if callable(change):
            study_codebook.edit(study, change, user=request.user)
        else:
            study_codebook.save_codebook(study, change, user=request.user)
    except CodebookError as exc:
        messages.error(request, str(exc))
        if form is None:
            return redirect(_page_url(study, anchor))
        return _render(request, study, slot=slot, form=form, status=400)
    audit.record(f"coding.codebook.{action}", request=request, study_id=study.pk, **detail)
    messages.success(request, success)
    return redirect(_page_url(study, anchor))


@login_required
@require_POST
def copy_default(request, study_id: int):
    study = _study(request, study_id)
    if study_codebook.is_custom(study):
        messages.error(request, _("Undersøgelsen har allerede sin egen kodebog."))
        return redirect(_page_url(study))
    return _save(request, study, study_codebook.default_copy(), "copy_default", _("Undersøgelsen har nu sin egen kopi af standardkodebogen, som du kan redigere."))


@login_required
@require_POST
def use_default(request, study_id: int):
    study = _study(request, study_id)
    return _save(request, study, None, "use_default", _("Undersøgelsen koder nu med den indbyggede kodebog."))


@login_required
@require_POST
def import_codebook(request, study_id: int):
    study = _study(request, study_id)
    form = CodebookImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Vælg en fil med en kodebog."))
        return _render(request, study, slot="import", form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > study_codebook.MAX_UPLOAD_BYTES:
            raise CodebookError(_("Filen er for stor (højst 1 MB)."))
        content = upload.read()
        current = workspace.codebook_for(study)
        used = study_codebook.code_usage(study)
        # New ids a .qdc brings in never reuse an id that is in the codebook or already coded.
        imported = study_codebook.parse_upload(upload.name, content,
                                               reserved=set(current.code_ids) | set(used))
        clashes = meaning_clashes(current, imported, used)
        if clashes:
            raise CodebookError(
                _("koder, der allerede er brugt, ville få en anden betydning: %(codes)s. Giv dem "
                  "et nyt id i filen, eller ret betegnelsen her først.") % {"codes": "; ".join(clashes)})
    except CodebookError as exc:
        messages.error(request, _("Kodebogen er ikke importeret: %(reason)s") % {"reason": exc})
        return _render(request, study, slot="import", form=form, status=400)
    return _save(
        request, study, imported, "import",
        _("Kodebogen er importeret: %(themes)s temaer og %(subs)s undertemaer.")
        % {"themes": len(imported.themes), "subs": len(imported.subthemes)},
        slot="import", form=form, format=study_codebook.upload_format(content), codes=imported.code_ids,
    )


@login_required
def export_codebook(request, study_id: int, fmt: str):
    study = _study(request, study_id)
    if fmt not in {"json", "qdc"}:
        raise Http404
    codebook = workspace.codebook_for(study)
    if fmt == "qdc":
        from .refi_qda import study_key

        # GUIDs per study and code: "1a" of one study is not "1a" of another (issue 13).
        body, content_type = (to_qdc(codebook, scope=study_key(study)),
                              "application/xml; charset=utf-8")
    else:
        body, content_type = to_json(codebook) + "\n", "application/json; charset=utf-8"
    audit.record("coding.codebook.export", request=request, study_id=study.pk, format=fmt)
    response = HttpResponse(body.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kodebog-{study.pk}.{fmt}"'
    return response


@login_required
@require_POST
def add_theme(request, study_id: int):
    study = _study(request, study_id)
    form = ThemeAddForm(request.POST, prefix="nt")
    if not form.is_valid():
        return _render(request, study, slot="add-theme", form=form, status=400)
    d = form.cleaned_data
    theme_id = d["theme_id"].strip()
    return _save(
        request, study,
        lambda book: study_codebook.add_theme(book, theme_id, d["label"], d["description"], d["sub_id"], d["sub_label"]),
        "theme_add", _("Temaet %(id)s er tilføjet.") % {"id": theme_id},
        slot="add-theme", form=form, anchor=f"tema-{theme_id}", theme=theme_id, code=d["sub_id"].strip(),
    )


@login_required
@require_POST
def edit_theme(request, study_id: int, theme_id: str):
    study = _study(request, study_id)
    slot = f"theme:{theme_id}"
    form = ThemeEditForm(request.POST, prefix=f"t-{theme_id}")
    if not form.is_valid():
        return _render(request, study, slot=slot, form=form, status=400)
    d = form.cleaned_data
    return _save(
        request, study, lambda book: study_codebook.update_theme(book, theme_id, d["label"], d["description"]),
        "theme_edit", _("Temaet %(id)s er gemt.") % {"id": theme_id},
        slot=slot, form=form, anchor=f"tema-{theme_id}", theme=theme_id,
    )


@login_required
@require_POST
def remove_theme(request, study_id: int, theme_id: str):
    study = _study(request, study_id)
    return _save(
        request, study, lambda book: study_codebook.remove_theme(study, book, theme_id),
        "theme_remove", _("Temaet %(id)s er fjernet.") % {"id": theme_id}, anchor=f"tema-{theme_id}", theme=theme_id,
    )


@login_required
@require_POST
def add_subtheme(request, study_id: int, theme_id: str):
    study = _study(request, study_id)
    slot = f"add-sub:{theme_id}"
    form = SubthemeAddForm(request.POST, prefix=f"n-{theme_id}")
    if not form.is_valid():
        return _render(request, study, slot=slot, form=form, status=400)
    d = form.cleaned_data
    code = d["sub_id"].strip()
    return _save(
        request, study,
        lambda book: study_codebook.add_subtheme(book, theme_id, code, d["label"], d["description"], d["examples"]),
        "subtheme_add", _("Undertemaet %(id)s er tilføjet.") % {"id": code},
        slot=slot, form=form, anchor=f"undertema-{code}", theme=theme_id, code=code,
    )


@login_required
@require_POST
def edit_subtheme(request, study_id: int, code: str):
    study = _study(request, study_id)
    slot = f"sub:{code}"
    form = SubthemeEditForm(request.POST, prefix=f"s-{code}")
    if not form.is_valid():
        return _render(request, study, slot=slot, form=form, status=400)
    d = form.cleaned_data
    return _save(
        request, study,
        lambda book: study_codebook.update_subtheme(book, code, d["label"], d["description"], d["examples"]),
        "subtheme_edit", _("Undertemaet %(id)s er gemt.") % {"id": code},
        slot=slot, form=form, anchor=f"undertema-{code}", code=code,
    )


@login_required
@require_POST
def remove_subtheme(request, study_id: int, code: str):
    study = _study(request, study_id)
    return _save(
        request, study, lambda book: study_codebook.remove_subtheme(study, book, code),
        "subtheme_remove", _("Undertemaet %(id)s er fjernet.") % {"id": code}, anchor=f"undertema-{code}", code=code,
    )


# --- thresholds ---------------------------------------------------------------------------------


@login_required
@require_POST
def thresholds(request, study_id: int):
    study = _study(request, study_id)
    if request.POST.get("reset"):
        study_codebook.save_thresholds(study, None, user=request.user)
        audit.record("coding.thresholds.save", request=request, study_id=study.pk, thresholds=default_shares(), reset=True)
        messages.success(request, _("Kvantorerne bruger igen standardtærsklerne."))
        return redirect(_page_url(study, "kvantorer"))
    form = ThresholdsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tærsklerne er ikke gemt. Ret fejlene nedenfor."))
        return _render(request, study, slot="thresholds", form=form, status=400)
    shares = form.cleaned_data["shares"]
    study_codebook.save_thresholds(study, shares, user=request.user)
    audit.record("coding.thresholds.save", request=request, study_id=study.pk, thresholds=shares)
    messages.success(request, _("Tærsklerne er gemt."))
    return redirect(_page_url(study, "kvantorer"))


@login_required
@require_POST
def thresholds_check(request, study_id: int):
    """Live validation (htmx): the messages and what the thresholds mean for this study."""
    study = _study(request, study_id)
    form = ThresholdsForm(request.POST)
    valid = form.is_valid()
    scale = scale_from_shares(form.cleaned_data["shares"]) if valid else None
    return render(request, "coding/_thresholds_feedback.html", {
        "study": study, "thresholds_form": form, "checked": True, "valid": valid,
        "preview": _preview(study, scale) if scale else None,
    })
