"""Per-study coding setup: which codebook a study codes with, and its quantifier thresholds.

The default is the built-in frame (seed 004) and ``quantifiers.DEFAULT_SCALE``. A study can take
a copy of the built-in codebook and edit it, or import one (CLI JSON or REFI-QDA ``.qdc``); it is
stored as ``codebook.to_data`` JSON in :class:`StudyCodingSetup`. A code that has coded units can
never disappear (no edit, import or switch back to the built-in codebook may drop it), so no
confirmed code is orphaned. Every codebook change gets a new version token and drops the study's
suggestions (the cached suggester and ``MeaningUnit.suggestion_cache``), because the anchors the
suggestions come from changed.

No request objects here; the views audit-log what is done.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Collection
from dataclasses import replace

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ledelsesrum.studies.models import Study

from .codebook import (
    Codebook,
    CodebookError,
    SubTheme,
    Theme,
    from_data,
    from_qdc,
    load_codebook,
    to_data,
)
from .models import MeaningUnit, SecondCoding, StudyCodingSetup
from .quantifiers import (
    ADJUSTABLE_WORDS,
    DEFAULT_SCALE,
    QuantifierScale,
    ThresholdError,
    scale_from_shares,
)

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_SUBTHEMES = 300
MAX_LABEL = 200
MAX_DESCRIPTION = 5000
# Same shape as the "<id>) <label>" prefix of .qdc names, so ids survive an export; no "/" (URLs)
# and at most 16 characters (MeaningUnit.code).
CODE_ID = re.compile(r"^[0-9A-Za-zÆØÅæøå][0-9A-Za-zÆØÅæøå._-]{0,15}$")

_lock = threading.Lock()
_custom: dict[int, tuple[str, Codebook]] = {}  # study id → (version, codebook)


def default_codebook() -> Codebook:
    return load_codebook("default")


def _study_id(study: Study | int) -> int:
    return study if isinstance(study, int) else study.pk


def setup_of(study: Study | int) -> StudyCodingSetup | None:
    return StudyCodingSetup.objects.filter(study_id=_study_id(study)).first()


def codebook_version(study: Study | int) -> str:
    """"" for the built-in codebook, else the token of the study's current codebook."""
    row = StudyCodingSetup.objects.filter(study_id=_study_id(study)).filter(codebook__isnull=False).values_list(
        "codebook_version", flat=True
    ).first()
    return row or ""


def codebook_for(study: Study | int | None) -> Codebook:
    """The codebook the study codes with: its own when it has one, else (and for no study) the
    built-in frame."""
    if study is None:
        return default_codebook()
    study_id = _study_id(study)
    version = codebook_version(study_id)
    if not version:
        return default_codebook()
    with _lock:
        cached = _custom.get(study_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    setup = StudyCodingSetup.objects.filter(study_id=study_id).values_list("codebook", "codebook_name").first()
    if setup is None or setup[0] is None:
        return default_codebook()
    codebook = from_data(setup[0], name=setup[1])
    with _lock:
        _custom[study_id] = (version, codebook)
    return codebook


def is_custom(study: Study | int) -> bool:
    return bool(codebook_version(study))


def quantifier_scale_for(study: Study | int) -> QuantifierScale:
    """The study's quantifier scale: its thresholds, or the default scale when none are set."""
    shares = StudyCodingSetup.objects.filter(study_id=_study_id(study)).values_list("thresholds", flat=True).first()
    if not shares:
        return DEFAULT_SCALE
    try:
        return scale_from_shares(shares)
    except (ThresholdError, TypeError, ValueError):
        # Saved thresholds were validated; anything else is a hand-edited row: fall back safely.
        return DEFAULT_SCALE


def thresholds_of(study: Study | int) -> dict[str, float]:
    """The adjustable words' shares in effect (saved ones over the defaults)."""
    scale = quantifier_scale_for(study)
    return {lv.word: lv.min_share for lv in scale.levels if lv.word in ADJUSTABLE_WORDS}


# --- usage ------------------------------------------------------------------------------------


def code_usage(study: Study | int) -> dict[str, int]:
    """Coded units per code: first codes and second coders' codes (both must keep their code)."""
    study_id = _study_id(study)
    usage: dict[str, int] = {}
    for code, n in (
        MeaningUnit.objects.filter(study_id=study_id).exclude(code="").values_list("code").annotate(n=Count("id"))
    ):
        usage[code] = usage.get(code, 0) + n
    for code, n in (
        SecondCoding.objects.filter(unit__study_id=study_id).exclude(code="").values_list("code").annotate(n=Count("id"))
    ):
        usage[code] = usage.get(code, 0) + n
    return usage


def _units_text(n: int) -> str:
    return ngettext("%(n)s kodet enhed", "%(n)s kodede enheder", n) % {"n": n}


def missing_used_codes(study: Study | int, codebook: Codebook) -> dict[str, int]:
    """Codes with coded units that ``codebook`` lacks."""
    return {code: n for code, n in sorted(code_usage(study).items()) if code not in codebook}


# --- validation -------------------------------------------------------------------------------


def check(codebook: Codebook) -> Codebook:
    """Rules on top of ``codebook.validate`` that the web app needs; raises CodebookError (Danish)."""
    if len(codebook.subthemes) > MAX_SUBTHEMES:
        raise CodebookError(
            _("Kodebogen har %(n)s undertemaer; højst %(max)s er tilladt.")
            % {"n": len(codebook.subthemes), "max": MAX_SUBTHEMES}
        )
    for item in [*codebook.themes, *codebook.subthemes]:
        if not CODE_ID.match(item.id):
            raise CodebookError(
                _("Id »%(id)s« kan ikke bruges: brug højst 16 tegn, kun bogstaver, tal, punktum, bindestreg "
                  "og understreg, og start med et bogstav eller et tal.") % {"id": item.id}
            )
        if len(item.label) > MAX_LABEL:
            raise CodebookError(_("Etiketten på %(id)s er for lang (højst %(max)s tegn).") % {"id": item.id, "max": MAX_LABEL})
        if len(item.description) > MAX_DESCRIPTION:
            raise CodebookError(
                _("Beskrivelsen af %(id)s er for lang (højst %(max)s tegn).") % {"id": item.id, "max": MAX_DESCRIPTION}
            )
    return codebook


def upload_format(content: bytes) -> str:
    """"qdc" for XML content, else "json" (how ``parse_upload`` tells them apart)."""
    return "qdc" if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "json"


def parse_upload(filename: str, content: bytes, *, reserved: Collection[str] = ()) -> Codebook:
    """A codebook from an uploaded file (JSON or REFI-QDA .qdc, recognised by content).

    Raises CodebookError with a Danish message for an empty, huge, non-UTF-8, broken or wrongly
    structured file."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise CodebookError(_("Filen er for stor (højst 1 MB)."))
    if content[:4] == b"PK\x03\x04":  # a zip: a REFI-QDA project (.qdpx), not text
        from .refi_qda import QdpxError, codebook_from_qdpx

        try:
            return check(codebook_from_qdpx(content))
        except QdpxError as exc:
            raise CodebookError(str(exc)) from None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodebookError(_("Filen er ikke UTF-8-tekst. Gem den som UTF-8 og prøv igen.")) from None
    text = text.strip()
    if not text:
        raise CodebookError(_("Filen er tom."))
    name = re.sub(r"\.(json|qdc|xml)$", "", filename or "", flags=re.IGNORECASE)[:200]
    if text.startswith("<"):
        # Entity declarations are never needed in a codebook; refusing them rules out entity bombs.
        if re.search(r"<!(DOCTYPE|ENTITY)", text, flags=re.IGNORECASE):
            raise CodebookError(_("REFI-QDA-filen indeholder en DOCTYPE- eller ENTITY-erklæring; den kan ikke bruges."))
        codebook = _structured(from_qdc, text, reserved=reserved)
        if not codebook.name or codebook.name == "Ledelsesrum":
            codebook = Codebook(themes=codebook.themes, name=name)
        return check(codebook)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodebookError(
            _("Filen er ikke gyldig JSON (linje %(line)s, kolonne %(col)s: %(msg)s).")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from None
    except RecursionError:
        raise CodebookError(_("Filen er ikke gyldig JSON (for dybt indlejret).")) from None
    return check(_structured(from_data, data, name=name))


def _structured(parse, *args, **kwargs) -> Codebook:
    try:
        return parse(*args, **kwargs)
    except CodebookError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError):
        # The parsers name the usual mistakes; anything else is still a structure problem.
        raise CodebookError(_("Filen har ikke en kodebogs struktur (temaer med undertemaer).")) from None


# --- saving -----------------------------------------------------------------------------------


def _refuse_missing(study: Study, codebook: Codebook) -> None:
    missing = missing_used_codes(study, codebook)
    if missing:
        listed = ", ".join(f"{code} ({_units_text(n)})" for code, n in missing.items())
        raise CodebookError(
            _("Kodebogen mangler undertemaer, som enheder allerede er kodet med: %(codes)s. Tilføj dem, "
              "eller kod enhederne om først. Intet er ændret.") % {"codes": listed}
        )


def _invalidate(study_id: int) -> None:
    """The anchors changed: drop the study's suggester and the stored suggestions."""
    from .workspace import forget_suggester

    with _lock:
        _custom.pop(study_id, None)
    forget_suggester(study_id)
    MeaningUnit.objects.filter(study_id=study_id).exclude(suggestion_cache=[]).update(suggestion_cache=[])


def save_codebook(study: Study, codebook: Codebook | None, *, user=None) -> None:
    """Make ``codebook`` the study's codebook (``None``: back to the built-in one).

    Refuses (CodebookError, nothing saved) a codebook that breaks the rules or drops a code
    that has coded units."""
    target = default_codebook() if codebook is None else check(codebook)
    with transaction.atomic():
        Study.objects.select_for_update().filter(pk=study.pk).first()  # one change at a time per study
        _refuse_missing(study, target)
        setup, _created = StudyCodingSetup.objects.get_or_create(study=study)
        setup.codebook = None if codebook is None else to_data(codebook)
        setup.codebook_name = "" if codebook is None else (codebook.name or "")[:200]
        setup.codebook_version = "" if codebook is None else uuid.uuid4().hex
        setup.updated_by = user if user is not None and getattr(user, "is_authenticated", False) else None
        setup.save()
    _invalidate(study.pk)


def edit(study: Study, change: Callable[[Codebook], Codebook], *, user=None) -> Codebook:
    """Apply ``change`` to the study's own codebook and save it, under a lock so that two people
    editing at once cannot overwrite each other's change. Raises CodebookError (nothing saved)
    while the study uses the built-in codebook, or when ``change`` or the rules refuse."""
    with transaction.atomic():
        Study.objects.select_for_update().filter(pk=study.pk).first()
        row = StudyCodingSetup.objects.filter(study=study).values_list("codebook", "codebook_name").first()
        if row is None or row[0] is None:
            raise CodebookError(_("Lav først en kopi af standardkodebogen; den indbyggede kodebog kan ikke ændres."))
        new = change(from_data(row[0], name=row[1]))
        save_codebook(study, new, user=user)
    return new


def default_copy() -> Codebook:
    """The built-in codebook under the name of an editable copy."""
    return Codebook(themes=default_codebook().themes, name=_("Kopi af standardkodebogen"))


def copy_default(study: Study, *, user=None) -> Codebook:
    """Give the study an editable copy of the built-in codebook."""
    codebook = default_copy()
    save_codebook(study, codebook, user=user)
    return codebook


def save_thresholds(study: Study, shares: dict[str, float] | None, *, user=None) -> QuantifierScale:
    """Save the study's thresholds (``None`` or {}: back to the defaults). Raises ThresholdError."""
    scale = scale_from_shares(shares or {})
    setup, _created = StudyCodingSetup.objects.get_or_create(study=study)
    setup.thresholds = {k: round(float(v), 6) for k, v in (shares or {}).items()}
    setup.updated_by = user if user is not None and getattr(user, "is_authenticated", False) else None
    setup.save(update_fields=["thresholds", "updated_by", "updated_at"])
    return scale


# --- editing (pure: a new Codebook from an old one) -------------------------------------------


def _examples(lines: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    items = lines.splitlines() if isinstance(lines, str) else list(lines)
    return tuple(e.strip().lstrip("-•").strip() for e in items if e.strip().lstrip("-•").strip())


def _all_ids(codebook: Codebook) -> set[str]:
    return {t.id for t in codebook.themes} | set(codebook.code_ids)


def _new_id(codebook: Codebook, code_id: str) -> str:
    code_id = code_id.strip()
    if code_id in _all_ids(codebook):
        raise CodebookError(_("Id »%(id)s« findes allerede i kodebogen.") % {"id": code_id})
    return code_id


def _theme(codebook: Codebook, theme_id: str) -> Theme:
    for theme in codebook.themes:
        if theme.id == theme_id:
            return theme
    raise CodebookError(_("Temaet %(id)s findes ikke i kodebogen.") % {"id": theme_id})


def _with_theme(codebook: Codebook, theme: Theme) -> Codebook:
    themes = tuple(theme if t.id == theme.id else t for t in codebook.themes)
    return check(Codebook(themes=themes, name=codebook.name))


def add_theme(codebook: Codebook, theme_id: str, label: str, description: str, sub_id: str, sub_label: str) -> Codebook:
    """A new theme with its first sub-theme (a theme needs at least one)."""
    theme_id = _new_id(codebook, theme_id)
    if sub_id.strip() == theme_id:
        raise CodebookError(_("Temaet og undertemaet skal have forskellige id'er."))
    sub_id = _new_id(codebook, sub_id)
    sub = SubTheme(id=sub_id, label=sub_label.strip(), theme_id=theme_id)
    theme = Theme(id=theme_id, label=label.strip(), description=description.strip(), subthemes=(sub,))
    return check(Codebook(themes=(*codebook.themes, theme), name=codebook.name))


def update_theme(codebook: Codebook, theme_id: str, label: str, description: str) -> Codebook:
    theme = _theme(codebook, theme_id)
    return _with_theme(codebook, replace(theme, label=label.strip(), description=description.strip()))


def remove_theme(study: Study, codebook: Codebook, theme_id: str) -> Codebook:
    theme = _theme(codebook, theme_id)
    usage = code_usage(study)
    used = {s.id: usage[s.id] for s in theme.subthemes if usage.get(s.id)}
    if used:
        listed = ", ".join(f"{code} ({_units_text(n)})" for code, n in used.items())
        raise CodebookError(
            _("Temaet %(id)s kan ikke fjernes: undertemaerne %(codes)s er brugt. Kod enhederne om først.")
            % {"id": theme_id, "codes": listed}
        )
    if len(codebook.themes) == 1:
        raise CodebookError(_("Kodebogen skal have mindst ét tema."))
    return check(Codebook(themes=tuple(t for t in codebook.themes if t.id != theme_id), name=codebook.name))


def add_subtheme(
    codebook: Codebook, theme_id: str, sub_id: str, label: str, description: str, examples: str | list[str]
) -> Codebook:
    theme = _theme(codebook, theme_id)
    sub = SubTheme(
        id=_new_id(codebook, sub_id), label=label.strip(), description=description.strip(),
        examples=_examples(examples), theme_id=theme_id,
    )
    return _with_theme(codebook, replace(theme, subthemes=(*theme.subthemes, sub)))


def update_subtheme(
    codebook: Codebook, code: str, label: str, description: str, examples: str | list[str]
) -> Codebook:
    if code not in codebook:
        raise CodebookError(_("Undertemaet %(id)s findes ikke i kodebogen.") % {"id": code})
    theme = codebook.theme_of(code)
    subs = tuple(
        replace(s, label=label.strip(), description=description.strip(), examples=_examples(examples))
        if s.id == code else s
        for s in theme.subthemes
    )
    return _with_theme(codebook, replace(theme, subthemes=subs))


def remove_subtheme(study: Study, codebook: Codebook, code: str) -> Codebook:
    if code not in codebook:
        raise CodebookError(_("Undertemaet %(id)s findes ikke i kodebogen.") % {"id": code})
    used = code_usage(study).get(code, 0)
    if used:
        raise CodebookError(
            _("Undertemaet %(id)s kan ikke fjernes: %(units)s med det. Kod enhederne om først.")
            % {"id": code, "units": ngettext("der er %(n)s kodet enhed", "der er %(n)s kodede enheder", used) % {"n": used}}
        )
    theme = codebook.theme_of(code)
    if len(theme.subthemes) == 1:
        raise CodebookError(
            _("Undertemaet %(id)s er det eneste i tema %(theme)s; et tema skal have mindst ét undertema. "
              "Fjern hele temaet i stedet.") % {"id": code, "theme": theme.id}
        )
    return _with_theme(codebook, replace(theme, subthemes=tuple(s for s in theme.subthemes if s.id != code)))
