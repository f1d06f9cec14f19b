"""Printable dialogue cards from knowledge entries: a question on the front, background and source
on the back – the card format leaders know from Væksthus for Ledelse.

Pure domain code: no request objects. ``cards_from_entries`` builds the cards, ``render_cards_pdf``
lays them out with WeasyPrint, one card side per page, front and back alternating so a duplex
printer puts each card's background on the back of its question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ledelsesrum.frame.subthemes import load_frame

from .base import Citation, Entry, KnowledgeBase, load_entries

SIZES: dict[str, tuple[int, int]] = {"A6": (105, 148), "A5": (148, 210)}  # width × height, mm
MAX_QUESTION_LENGTH = 300


class CardError(ValueError):
    """The cards cannot be made; the message is Danish and shown to the user."""


@dataclass(frozen=True)
class DialogueCard:
    question: str
    title: str
    background: str
    source_label: str
    entry_id: str  # the pile key: a knowledge entry's id, or a finding's key (reports.dialogue)
    theme: str
    kind: str = "entry"  # "entry" (from the knowledge base) or "finding" (from a study's report)


def default_question(entry: Entry) -> str:
    """A plain Danish question for a leader group or board, built from the entry's kind and title.

    The title is quoted rather than bent into the sentence, so the question is grammatical for
    any title ("Hvordan kan vi bruge »Relationel koordinering« hos os?").
    """
    title = f"»{entry.title}«"
    templates = {
        "concept": _("Hvad betyder %(t)s for os – og hvor ser vi det i vores hverdag?"),
        "framework": _("Hvordan kan vi bruge %(t)s til at se på vores egen ledelse?"),
        "strategy": _("Hvordan kan vi arbejde med %(t)s hos os?"),
        "tool": _("Hvordan kan vi bruge %(t)s i vores ledergruppe?"),
        "method": _("Hvordan kan vi bruge %(t)s, når vi skal blive klogere på vores egen praksis?"),
        "case": _("Hvad kan vi lære af %(t)s – og hvad ville vi gøre anderledes?"),
        "figure": _("Hvad siger %(t)s os – og hvordan ser det ud hos os?"),
        "dilemma": _("Hvordan håndterer vi dilemmaet %(t)s hos os?"),
    }
    template = templates.get(entry.kind, _("Hvad betyder %(t)s for os?"))
    return template % {"t": title}


def _span(citation: Citation) -> str:
    if citation.first == citation.last:
        return str(citation.first)
    return f"{citation.first}–{citation.last}"


def source_label(entry: Entry) -> str:
    """The entry's citations as one readable line, grouped by document:
    "Videncenter for Velfærdsledelse: ti udviklingsprojekter, linje 1471–1501 og 1877–1887".

    Document titles are the readable names in ``base.SEED_DOCUMENTS``.
    """
    by_document: dict[str, list[Citation]] = {}
    for c in entry.citations:
        by_document.setdefault(c.document, []).append(c)
    parts = []
    for citations in by_document.values():
        spans = [_span(c) for c in citations]
        joined = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + _(" og ") + spans[-1]
        parts.append(_("%(document)s, linje %(lines)s") % {
            "document": citations[0].document_title, "lines": joined})
    return "; ".join(parts)


def theme_label(entry: Entry) -> str:
    """The first sub-theme of the frame ("3b Tid til ledelse"), else the entry's kind."""
    labels = load_frame().subtheme_labels()
    for s in entry.subthemes:
        if s in labels:
            return f"{s} {labels[s]}"
    return entry.kind_label


def clean_question(text: str | None) -> str:
    """One line, trimmed to ``MAX_QUESTION_LENGTH`` characters; "" when empty."""
    return " ".join((text or "").split())[:MAX_QUESTION_LENGTH]


def cards_from_entries(
    entry_ids: Sequence[str],
    questions: Mapping[str, str] | None = None,
    *,
    kb: KnowledgeBase | None = None,
) -> list[DialogueCard]:
    """One card per chosen entry, in the given order; unknown ids and repeats are skipped.

    ``questions`` maps entry id to the analyst's own question; an empty one falls back to
    :func:`default_question`.
    """
    kb = kb if kb is not None else load_entries()
    questions = questions or {}
    cards: list[DialogueCard] = []
    seen: set[str] = set()
    for entry_id in entry_ids:
        entry = kb.get(entry_id)
        if entry is None or entry_id in seen:
            continue
        seen.add(entry_id)
        cards.append(
            DialogueCard(
                question=clean_question(questions.get(entry_id)) or default_question(entry),
                title=entry.title,
                background=entry.summary,
                source_label=source_label(entry),
                entry_id=entry.id,
                theme=theme_label(entry),
            )
        )
    return cards


def _text_scale(card: DialogueCard) -> float:
    """Shrink long backgrounds so every card side stays on exactly one page."""
    length = len(card.background) + len(card.source_label)
    if length > 900:
        return 0.75
    if length > 600:
        return 0.85
    return 1.0


def cards_html(cards: Sequence[DialogueCard], size: str = "A6") -> str:
    """The print HTML for ``cards``: front, back, front, back … (duplex)."""
    if size not in SIZES:
        raise CardError(_("Ukendt kortstørrelse. Vælg A6 eller A5."))
    if not cards:
        raise CardError(_("Kortbunken er tom. Tilføj mindst én post."))
    width, height = SIZES[size]
    # Crop-safe margin: nothing printed within 8 mm (A6) / 11 mm (A5) of the edge.
    margin = 8 if size == "A6" else 11
    total = len(cards)
    return render_to_string("knowledge/cards/print.html", {
        "size": size,
        "margin_mm": margin,
        # Each side gets a fixed box of the page's inner height, so it can never spill onto a
        # second page (the page count must stay 2 × cards for duplex printing).
        "inner_height_mm": height - 2 * margin,
        "inner_width_mm": width - 2 * margin,
        # A5 is the same card, bigger: scale the type with the page.
        "base_pt": 10 if size == "A6" else 13,
        "cards": [
            {"card": c, "number": n, "total": total, "scale": _text_scale(c)}
            for n, c in enumerate(cards, start=1)
        ],
    })


def render_cards_pdf(cards: Sequence[DialogueCard], size: str = "A6") -> bytes:
    """The cards as a tagged PDF/UA-1 file, one side per page (2 × len(cards) pages), page size A6
    or A5. Each card's question is its H1, the background's title an H2 (``lib.pdf``)."""
    from ledelsesrum.lib.pdf import write_pdf

    return write_pdf(cards_html(cards, size))
