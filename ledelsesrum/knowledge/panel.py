"""The panel "Hvad ved vi — og hvad har andre gjort?" beside a sub-theme's synthesis.

It proposes knowledge entries for one sub-theme of one study from two sources:

* **link** – entries whose data names the sub-theme (``subthemes: ["3b"]``), ranked by how close
  they are to the sub-theme's confirmed units when there are any;
* **similarity** – entries close to what the leaders said: ``search.related_to_texts`` over the
  texts of the confirmed units plus the analyst's essence.

The analyst chooses which entries travel into the report (:class:`ChosenEntry`). Chosen entries
come first in the proposals, in the order they were chosen, whether or not they are still proposed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ledelsesrum.coding.models import MeaningUnit, SubthemeEssence
from ledelsesrum.coding.study_codebook import codebook_for

from . import search
from .base import Entry, load_entries
from .models import ChosenEntry

MAX_TEXTS = 200  # more units say little more about the sub-theme and only slow the embedding
LINKED = "linked"
SIMILAR = "similar"
CHOSEN = "chosen"


class PanelError(ValueError):
    """A choice that cannot be made; the message is Danish and meant for the user."""


@dataclass
class Proposal:
    entry: Entry
    reasons: list[str]  # LINKED, SIMILAR, CHOSEN (chosen only when neither of the others)
    chosen: bool
    score: float = 0.0

    @property
    def why(self) -> str:
        labels = {
            LINKED: _("knyttet til undertemaet"),
            SIMILAR: _("ligner udsagnene"),
            CHOSEN: _("valgt fra vidensbasen"),
        }
        return " · ".join(str(labels[r]) for r in self.reasons)


def subtheme_codes(study=None) -> list[tuple[str, str]]:
    """The sub-themes of the study's codebook (default: the built-in 19) as (code, label)."""
    return [(s.id, s.label) for s in codebook_for(study).subthemes]


def _check_subtheme(subtheme: str, study=None) -> None:
    if subtheme not in codebook_for(study):
        raise PanelError(_("Undertemaet %(code)s findes ikke i kodningsrammen.") % {"code": subtheme})


def unit_texts(study, subtheme: str) -> list[str]:
    """The texts the panel compares entries with: the essence first, then the coded units."""
    texts: list[str] = []
    essence = (SubthemeEssence.objects.filter(study=study, code=subtheme)
               .values_list("essence", flat=True).first())
    if essence and essence.strip():
        texts.append(essence)
    texts += list(MeaningUnit.objects.filter(study=study, code=subtheme)
                  .order_by("source_key", "position", "id").values_list("text", flat=True)[:MAX_TEXTS])
    return texts


def chosen(study, subtheme: str) -> list[Entry]:
    """The entries chosen for the report of ``subtheme``, in the order they were chosen.

    An id that vanished from the data (a renamed entry) is skipped rather than breaking the page.
    """
    kb = load_entries()
    ids = ChosenEntry.objects.filter(study=study, subtheme=subtheme).values_list("entry_id", flat=True)
    return [kb.get(i) for i in ids if i in kb]


def proposals(study, subtheme: str, limit: int = 6) -> list[Proposal]:
    """Chosen entries first, then up to ``limit`` proposals by link and by similarity.

    When the sub-theme has units, at least half of the slots go to entries that are similar but
    not linked (if there are such), so the analyst also sees what the data alone points to.
    """
    kb = load_entries()
    texts = unit_texts(study, subtheme)
    chosen_ids = [e.id for e in chosen(study, subtheme)]
    linked = [e for e in kb if subtheme in e.subthemes]
    linked_ids = {e.id for e in linked}
    scores: dict[str, float] = {}
    similar_ids: list[str] = []
    if texts:
        # One ranking of the whole base: similarity only (no link bonus), so "ligner udsagnene"
        # means what it says.
        hits = search.related_to_texts(texts, subtheme=None, limit=len(kb))
        scores = {h.entry.id: h.score for h in hits}
        top = [h.entry.id for h in hits[: limit * 2]]
        similar_ids = top
        linked.sort(key=lambda e: -scores.get(e.id, 0.0))
    similar_only = [i for i in similar_ids if i not in linked_ids]
    n_similar = min(len(similar_only), max(limit - len(linked), limit // 2)) if texts else 0
    picked = [e.id for e in linked[: limit - n_similar]] + similar_only[:n_similar]
    top_similar = set(similar_ids[:limit])

    out: list[Proposal] = []
    for entry_id in dict.fromkeys(chosen_ids + picked):
        entry = kb.get(entry_id)
        reasons = []
        if entry_id in linked_ids:
            reasons.append(LINKED)
        if entry_id in top_similar or entry_id in similar_only[:n_similar]:
            reasons.append(SIMILAR)
        if not reasons:
            reasons.append(CHOSEN)
        out.append(Proposal(entry, reasons, entry_id in chosen_ids, scores.get(entry_id, 0.0)))
    return out


def choose(study, subtheme: str, entry_id: str, user=None) -> tuple[ChosenEntry, bool]:
    """Record that ``entry_id`` travels into the report of ``subtheme``; idempotent.

    Returns the choice and whether it was new.
    """
    _check_subtheme(subtheme, study)
    if entry_id not in load_entries():
        raise PanelError(_("Posten findes ikke i vidensbasen."))
    existing = ChosenEntry.objects.filter(study=study, subtheme=subtheme, entry_id=entry_id).first()
    if existing is not None:
        return existing, False
    last = (ChosenEntry.objects.filter(study=study, subtheme=subtheme)
            .aggregate(m=Max("position"))["m"])
    try:
        with transaction.atomic():
            item = ChosenEntry.objects.create(
                study=study, subtheme=subtheme, entry_id=entry_id,
                position=0 if last is None else last + 1, chosen_by=user,
            )
    except IntegrityError:  # a double submit won the race; the choice exists, which is the goal
        return ChosenEntry.objects.get(study=study, subtheme=subtheme, entry_id=entry_id), False
    return item, True


def unchoose(study, subtheme: str, entry_id: str, user=None) -> bool:
    """Take ``entry_id`` out of the report of ``subtheme``; True when something was removed."""
    deleted, _detail = ChosenEntry.objects.filter(
        study=study, subtheme=subtheme, entry_id=entry_id).delete()
    return deleted > 0
