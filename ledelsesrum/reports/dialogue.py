"""The dialogue edition: one short page per theme with key findings and questions for the board,
the chefs and the leader groups.

Built only from ``compose(study)``, so the anonymity rules of the full report carry over
unchanged: figures are the joint display's (a withheld figure is "–" there and is left out here),
statements are already cleaned of pseudonyms, and open answers below the threshold are already
gone. Nothing here reads the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ledelsesrum.knowledge.cards import DialogueCard, clean_question

from .compose import DASH, Chapter, Report, SubthemeSection, compose
from .quotes import DIALOGUE_QUOTE_CHARS, QuoteBook
from .render import PRINT_CSS

MAX_FINDINGS = 4
MIN_FINDINGS = 2
# The quantifier phrase ends in "(count af total)"; the count orders findings by breadth of voice.
_COUNT_RE = re.compile(r"\((\d+) af (\d+)\)\s*$")


@dataclass
class Finding:
    code: str
    title: str
    text: str  # "<quantifier phrase>: <essence or condensed statement>"
    scores: list[tuple[str, str]] = field(default_factory=list)  # (scale, score) released, shown
    gist: str = ""  # the essence or statement in ``text`` ("" when there is none)


@dataclass
class AudienceQuestions:
    key: str  # "board", "chefs", "leaders"
    title: str
    questions: list[str]


@dataclass
class DialogueTheme:
    number: str
    title: str
    findings: list[Finding]
    audiences: list[AudienceQuestions]
    recommendations: list[str]

    @property
    def anchor(self) -> str:
        return f"dialog-tema-{self.number}"


@dataclass
class DialogueEdition:
    study_id: int
    title: str
    subtitle: str
    organisation: str
    date: str
    intro: str
    themes: list[DialogueTheme]


def voice_count(phrase: str) -> int:
    """How many leaders the quantifier phrase covers (0 when it carries no count)."""
    m = _COUNT_RE.search(phrase or "")
    return int(m.group(1)) if m else 0


def _shown_scores(sub: SubthemeSection) -> list[tuple[str, str]]:
    # The joint display already turned withheld figures into a dash: those are never printed.
    return [(row.scale, row.score) for row in sub.joint if row.score and row.score != DASH]


def _has_content(sub: SubthemeSection) -> bool:
    return voice_count(sub.phrase) > 0 or bool(sub.essence) or bool(_shown_scores(sub))


def _gist(sub: SubthemeSection, book: QuoteBook) -> str:
    """The essence, else the sub-theme's first statement not yet used in the edition, shortened to
    whole sentences (a cut inside a sentence ends with " …")."""
    if sub.essence:
        book.remember(sub.essence)
        return sub.essence
    return book.take_first(sub.statements, DIALOGUE_QUOTE_CHARS) or ""


def _finding(sub: SubthemeSection, book: QuoteBook | None = None) -> Finding:
    gist = _gist(sub, book if book is not None else QuoteBook())
    phrase = sub.phrase[:1].upper() + sub.phrase[1:]
    if gist and voice_count(sub.phrase) > 0:
        text = f"{phrase}: {gist}"
    elif gist:
        text = gist
    elif _COUNT_RE.search(sub.phrase):
        text = _("%(phrase)s har udtalt sig om undertemaet.") % {"phrase": phrase}
    else:
        text = phrase
    return Finding(sub.code, sub.title, text, _shown_scores(sub), gist)


def key_subthemes(chapter: Chapter) -> list[SubthemeSection]:
    """2–4 sub-themes: the broadest voice first, then those with figures or an essence."""
    order = {s.code: i for i, s in enumerate(chapter.subthemes)}
    ranked = sorted(chapter.subthemes, key=lambda s: (
        -voice_count(s.phrase), not _shown_scores(s), not s.essence, order[s.code]))
    chosen = [s for s in ranked if _has_content(s)][:MAX_FINDINGS]
    for s in ranked:  # a theme nobody spoke about still gets something to talk about
        if len(chosen) >= MIN_FINDINGS:
            break
        if s not in chosen:
            chosen.append(s)
    return chosen


def _questions(labels: list[str]) -> list[AudienceQuestions]:
    """Danish question templates filled with the key sub-themes' labels (rotating over them)."""
    board = [
        _("Hvad skal der til, for at lederne får bedre vilkår inden for »%(label)s«?"),
        _("Hvilke rammer og beslutninger i direktionen påvirker »%(label)s« mest?"),
        _("Hvordan vil vi kunne se om et år, at »%(label)s« har flyttet sig?"),
    ]
    chefs = [
        _("Hvor oplever I, at jeres ledere har brug for mere opbakning i forhold til »%(label)s«?"),
        _("Hvad kan I som chefer gøre anderledes i dialogen med lederne om »%(label)s«?"),
        _("Hvilke gode erfaringer med »%(label)s« kan I dele på tværs af områderne?"),
    ]
    leaders = [
        _("Hvor oplever I »%(label)s« i jeres hverdag som ledere?"),
        _("Hvad virker allerede godt for jer, når det gælder »%(label)s«?"),
        _("Hvad skal der til, for at I selv kan gøre en forskel for »%(label)s«?"),
    ]
    count = 3 if len(labels) >= 2 else 2
    out = []
    for key, title, templates in (
        ("board", _("Spørgsmål til direktionen"), board),
        ("chefs", _("Spørgsmål til cheferne"), chefs),
        ("leaders", _("Spørgsmål til ledergrupperne"), leaders),
    ):
        qs = [t % {"label": labels[i % len(labels)]} for i, t in enumerate(templates[:count])]
        out.append(AudienceQuestions(key, title, qs))
    return out


# --- dialogue cards from findings ---------------------------------------------------------------
# A finding travels to the card pile (knowledge.views_cards) as a key; the card is made from the
# study's current report every time it is shown or printed, so it always obeys today's anonymity
# rules and the reader's access, never a stale copy.
# The code part follows study_codebook.CODE_ID.
_FINDING_KEY_RE = re.compile(r"^fund-(\d+)-([0-9A-Za-zÆØÅæøå._-]{1,16})$")


def finding_card_key(study_id: int, code: str) -> str:
    return f"fund-{study_id}-{code}"


def parse_finding_card_key(key: str) -> tuple[int, str] | None:
    """``(study_id, code)`` of a finding card's key, or None for anything else (an entry id)."""
    m = _FINDING_KEY_RE.match(key or "")
    return (int(m.group(1)), m.group(2)) if m else None


def finding_card_question(label: str) -> str:
    return _("Hvor genkender vi »%(label)s« i vores hverdag – og hvad vil vi gøre ved det?") % {"label": label}


def finding_cards(report: Report, codes: list[str], questions: dict[str, str] | None = None) -> dict[str, DialogueCard]:
    """Dialogue cards of the sub-themes ``codes`` of ``report``, keyed by their pile key.

    Front: the analyst's question or :func:`finding_card_question`. Back: the finding as in the
    dialogue edition (quantifier phrase and essence, the released scores shown beside it) and the
    study as source. A code that is not in the report is left out.
    """
    questions = questions or {}
    subs = {s.code: s for chapter in report.chapters for s in chapter.subthemes}
    source = _("Fund fra »%(title)s«%(org)s, %(date)s") % {
        "title": report.title, "org": f", {report.organisation}" if report.organisation else "",
        "date": report.date,
    }
    # A key finding reads on its card as in the edition (the same statement, not one used before).
    in_edition = {f.code: f for theme in dialogue_from_report(report).themes for f in theme.findings}
    cards: dict[str, DialogueCard] = {}
    for code in codes:
        sub = subs.get(code)
        if sub is None:
            continue
        finding = in_edition.get(code) or _finding(sub)
        scores = " ".join(
            _("%(scale)s: score %(score)s af 100.") % {"scale": scale, "score": score}
            for scale, score in finding.scores
        )
        key = finding_card_key(report.study_id, code)
        cards[key] = DialogueCard(
            question=clean_question(questions.get(key)) or finding_card_question(sub.title),
            title=sub.title,
            background=f"{finding.text} {scores}".strip(),
            source_label=source,
            entry_id=key,
            theme=f"{sub.code} {sub.title}",
            kind="finding",
        )
    return cards


def dialogue_theme(chapter: Chapter, book: QuoteBook | None = None) -> DialogueTheme:
    """``book`` (one per edition) keeps a statement from being the gist of two findings."""
    book = book if book is not None else QuoteBook()
    subs = key_subthemes(chapter)
    labels = [s.title for s in subs] or [chapter.title]
    recommendations = [r for s in chapter.subthemes for r in s.recommendations]
    return DialogueTheme(chapter.number, chapter.title, [_finding(s, book) for s in subs],
                         _questions(labels), recommendations)


def dialogue_from_report(report: Report) -> DialogueEdition:
    book = QuoteBook()
    return DialogueEdition(
        study_id=report.study_id, title=report.title,
        subtitle=_("Dialogudgave: nøglefund og spørgsmål til drøftelse"),
        organisation=report.organisation, date=report.date,
        intro=_("Dialogudgaven samler for hvert tema de vigtigste fund fra rapporten og forslag til "
                "spørgsmål, som direktionen, cheferne og ledergrupperne kan drøfte. Tal for grupper "
                "med færre end %(k)s besvarelser vises ikke, og heller ikke tal, som en sådan gruppe "
                "kunne regnes ud fra.") % {"k": report.threshold},
        themes=[dialogue_theme(c, book) for c in report.chapters],
    )


def compose_dialogue(study, **kwargs) -> DialogueEdition:
    """The dialogue edition of ``study`` (keyword arguments go to ``compose``)."""
    return dialogue_from_report(compose(study, **kwargs))


def render_dialogue_html(edition: DialogueEdition) -> str:
    """A standalone HTML document (print stylesheet inlined); the PDF is made from it."""
    return render_to_string("reports/dialogue_document.html", {
        "edition": edition, "css": PRINT_CSS.read_text(encoding="utf-8"),
    })


def render_dialogue_pdf(edition: DialogueEdition) -> bytes:
    from ledelsesrum.lib.pdf import HTML

    return HTML(string=render_dialogue_html(edition)).write_pdf()


def render_dialogue(edition: DialogueEdition, fmt: str) -> bytes:
    if fmt == "html":
        return render_dialogue_html(edition).encode("utf-8")
    if fmt == "pdf":
        return render_dialogue_pdf(edition)
    raise ValueError(fmt)
