"""XLSX export of a study's recommendations, decisions and actions (one sheet each)."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ledelsesrum.coding.study_codebook import codebook_for
from ledelsesrum.lib.spreadsheet import append_safe, finish_sheet

from .models import Action, Decision, Recommendation
from .progress import is_overdue, theme_of


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    append_safe(ws, header)
    for row in rows:
        append_safe(ws, row)
    finish_sheet(ws)  # widths that fit (no '###' deadlines), Danish dates, frozen header
    return ws


def build_workbook(study, today: dt.date, *, contacts: bool = True) -> Workbook:
    """The follow-up as three sheets. ``contacts=False`` (a board reader's copy) leaves out the
    action owners' e-mails and who registered each decision: names of the responsible roles say
    what the board needs, and the workbook travels further than the app."""
    book = codebook_for(study)
    recs = list(Recommendation.objects.filter(study=study).select_related("decision"))
    decisions = Decision.objects.filter(recommendation__study=study).select_related(
        "recommendation", "decided_by"
    ).order_by("recommendation__subtheme", "recommendation__position")
    actions = Action.objects.filter(recommendation__study=study).select_related("recommendation")
    wb = Workbook()
    _sheet(wb, _("Anbefalinger"),
           [_("Id"), _("Tema"), _("Undertema"), _("Anbefaling"), _("Kilde"), _("Beslutning")],
           [[r.pk, theme_of(r.subtheme, book), r.subtheme, r.text, r.source_note,
             r.decision.get_outcome_display() if hasattr(r, "decision") else _("Ikke besluttet")]
            for r in recs], first=True)
    _sheet(wb, _("Beslutninger"), *_columns([
        (_("Anbefaling-id"), lambda d: d.recommendation_id),
        (_("Undertema"), lambda d: d.recommendation.subtheme),
        (_("Beslutning"), lambda d: d.get_outcome_display()),
        (_("Begrundelse"), lambda d: d.reason),
        (_("Justeret anbefaling"), lambda d: d.adjusted_text),
        (_("Mødedato"), lambda d: d.meeting_date),
        (_("Besluttet"), lambda d: timezone_naive(d.decided_at)),
        (_("Registreret af"), lambda d: d.decided_by.get_username() if d.decided_by else "") if contacts else None,
    ], decisions))
    _sheet(wb, _("Handlinger"), *_columns([
        (_("Id"), lambda a: a.pk),
        (_("Anbefaling-id"), lambda a: a.recommendation_id),
        (_("Undertema"), lambda a: a.recommendation.subtheme),
        (_("Handling"), lambda a: a.title),
        (_("Ansvarlig"), lambda a: a.owner_name),
        (_("E-mail"), lambda a: a.owner_email) if contacts else None,
        (_("Frist"), lambda a: a.deadline),
        (_("Status"), lambda a: a.get_status_display()),
        (_("Overskredet"), lambda a: _("Ja") if is_overdue(a, today) else _("Nej")),
        (_("Dokumentation"), lambda a: a.evidence),
        (_("Skalaer"), lambda a: ", ".join(a.scale_codes)),
        (_("Opdateret"), lambda a: timezone_naive(a.updated_at)),
    ], actions))
    return wb


def _columns(spec, objects) -> tuple[list[str], list[list]]:
    """Header and rows from (title, getter) pairs; a None pair is a column left out."""
    spec = [c for c in spec if c is not None]
    return [title for title, _get in spec], [[get(o) for _title, get in spec] for o in objects]


def timezone_naive(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write local time without tzinfo."""
    from django.utils import timezone

    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def write_xlsx(study, target: str | BinaryIO, today: dt.date, *, contacts: bool = True) -> None:
    build_workbook(study, today, contacts=contacts).save(target)
