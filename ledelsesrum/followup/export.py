"""XLSX export of a study's recommendations, decisions and actions (one sheet each)."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ledelsesrum.coding.study_codebook import codebook_for

from .models import Action, Decision, Recommendation
from .progress import is_overdue, theme_of


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    return ws


def build_workbook(study, today: dt.date) -> Workbook:
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
    _sheet(wb, _("Beslutninger"),
           [_("Anbefaling-id"), _("Undertema"), _("Beslutning"), _("Begrundelse"),
            _("Justeret anbefaling"), _("Mødedato"), _("Besluttet"), _("Registreret af")],
           [[d.recommendation_id, d.recommendation.subtheme, d.get_outcome_display(), d.reason,
             d.adjusted_text, d.meeting_date, timezone_naive(d.decided_at),
             d.decided_by.get_username() if d.decided_by else ""] for d in decisions])
    _sheet(wb, _("Handlinger"),
           [_("Id"), _("Anbefaling-id"), _("Undertema"), _("Handling"), _("Ansvarlig"), _("E-mail"),
            _("Frist"), _("Status"), _("Overskredet"), _("Dokumentation"), _("Skalaer"), _("Opdateret")],
           [[a.pk, a.recommendation_id, a.recommendation.subtheme, a.title, a.owner_name,
             a.owner_email, a.deadline, a.get_status_display(),
             _("Ja") if is_overdue(a, today) else _("Nej"), a.evidence, ", ".join(a.scale_codes),
             timezone_naive(a.updated_at)] for a in actions])
    return wb


def timezone_naive(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write local time without tzinfo."""
    from django.utils import timezone

    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def write_xlsx(study, target: str | BinaryIO, today: dt.date) -> None:
    build_workbook(study, today).save(target)
