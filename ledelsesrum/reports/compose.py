"""Compose a study's report (the shape of seed 004) as a plain dataclass tree.

Every renderer (HTML, PDF, DOCX) draws from the ``Report`` this returns and from nothing else, so
the anonymity rules are applied once, here: survey figures come only from the stored release of
the latest closed round (suppression already applied, a withheld figure is shown as "–"), open
answers are quoted only when enough respondents wrote about the sub-theme, and statements never
carry a pseudonym or a gendered word (``clean_statement``). Quotes are whole sentences and each is
printed once in the whole report (``quotes.QuoteBook``).

Texts the analyst edited (``SectionText``) replace the generated draft; recommendations come from
``followup.Recommendation`` (the same rows the board decides on; the report prints the analyst's
original text, never the board's adjusted text). Both are stored apart from the draft, so
regenerating never loses an edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ledelsesrum.studies.models import Study

from .neutral import neutralise_gender
from .quotes import REPORT_QUOTE_CHARS, QuoteBook, quote_source

DASH = "–"
# Pseudonyms the note pseudonymiser writes ("[Leder C]", "[Leder AB]"): never printed in a report.
PSEUDONYM_RE = re.compile(r"\[\s*Leder\s+[A-ZÆØÅ]{1,3}\s*\]")
# The other study-wide pseudonyms ("[Person 3]", "[E-mail 1]" …) and the local labels
# ("[Navn 2]"): a numbered pseudonym would link quotes about one person across the report.
OTHER_PSEUDONYMS_RE = re.compile(
    r"\[\s*(Person|Navn|E-mail|E-mailadresse|Telefon|Telefonnummer|CPR|CPR-nummer)\s+\d+\s*\]"
)
STATEMENTS_PER_SUBTHEME = 3
# Candidates asked of the synthesis per sub-theme: enough to skip what was quoted already.
STATEMENT_CANDIDATES = 12
QUOTE_MARKS = "\"'»«„“”"

Progress = Callable[[int, int, str], None]


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)
    edited: bool = False
    numbered_edited: bool = False


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class KnowledgeItem:
    title: str
    summary: str
    source: str


@dataclass
class JointRow:
    scale: str
    score: str
    n: str


@dataclass
class SubthemeSection:
    code: str
    title: str
    phrase: str
    essence: str
    statements: list[str]
    joint: list[JointRow]
    knowledge: list[KnowledgeItem]
    recommendations: list[str]
    essence_edited: bool = False

    @property
    def anchor(self) -> str:
        return f"undertema-{self.code}"

    @property
    def essence_key(self) -> str:
        return f"essence:{self.code}"


@dataclass
class Chapter:
    number: str
    title: str
    subthemes: list[SubthemeSection]

    @property
    def anchor(self) -> str:
        return f"tema-{self.number}"


@dataclass
class AppendixScale:
    code: str
    title: str
    subtheme: str
    table: Table
    chart_svg: str


@dataclass
class Report:
    study_id: int
    title: str
    subtitle: str
    organisation: str
    date: str
    front: list[Section]
    chapters: list[Chapter]
    closing: Section
    appendix_intro: str
    appendix: list[AppendixScale]
    threshold: int

    @property
    def toc(self) -> list[tuple[str, str]]:
        """(anchor, title) of every top-level part, in order."""
        items = [(f"afsnit-{s.key}", s.title) for s in self.front]
        items += [(c.anchor, f"{c.number}. {c.title}") for c in self.chapters]
        items.append((f"afsnit-{self.closing.key}", self.closing.title))
        items.append(("bilag", _("Bilag: Spørgeskemaundersøgelsens resultater")))
        return items


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return DASH
    return f"{value:.{decimals}f}".replace(".", ",")


def fmt_percent(numerator: int | None, denominator: int | None) -> str:
    if not numerator or not denominator:
        return DASH
    return f"{round(100 * numerator / denominator)} %"


def clean_statement(text: str) -> str:
    """A quote as the report prints it: no numbered pseudonym, no gendered word (``neutral``)."""
    text = " ".join(text.split())
    # The renderers add »…«: a pair of marks around the whole text would be doubled. Marks inside
    # (a leader's words within the note, "»…,« siger hun.") stay, and quotes.QuoteBook turns them
    # into inner quotes.
    if len(text) >= 2 and text[0] in QUOTE_MARKS and text[-1] in QUOTE_MARKS \
            and not any(ch in QUOTE_MARKS for ch in text[1:-1]):
        text = text[1:-1].strip()
    text = neutralise_gender(text)
    generic = {
        "Person": _("[person]"), "Navn": _("[person]"), "E-mail": _("[e-mail]"), "E-mailadresse": _("[e-mail]"),
        "Telefon": _("[telefon]"), "Telefonnummer": _("[telefon]"), "CPR": _("[cpr]"), "CPR-nummer": _("[cpr]"),
    }
    text = OTHER_PSEUDONYMS_RE.sub(lambda m: generic[m.group(1)], text)
    return PSEUDONYM_RE.sub(_("[leder]"), text)


def _organisation_name(study: Study) -> str:
    from ledelsesrum.organisation.models import Unit

    node = study.population_unit
    if node is None:
        node = Unit.objects.filter(parent__isnull=True).order_by("id").first()
    while node is not None and node.parent_id is not None:
        node = node.parent
    return node.name if node is not None else ""


def _overrides(study: Study) -> dict[str, str]:
    from .models import SectionText

    return {k: t for k, t in SectionText.objects.filter(study=study).values_list("key", "text")
            if t and t.strip()}


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _lines(text: str) -> list[str]:
    """One research question per line; a leading "1." or "-" the analyst typed is dropped."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(\d+[.)]|[-*•])\s*", "", line).strip()
        if line:
            out.append(line)
    return out


def _section(key: str, title: str, draft: list[str], overrides: dict[str, str], **extra) -> Section:
    if key in overrides:
        return Section(key, title, _paragraphs(overrides[key]), edited=True, **extra)
    return Section(key, title, draft, **extra)


def _release(study: Study) -> dict | None:
    from ledelsesrum.analysis.release import released_results
    from ledelsesrum.analysis.results import latest_closed_round

    round_ = latest_closed_round(study)
    if round_ is None:
        return None
    return released_results(round_)


def _invited(study: Study, result: dict | None) -> int | None:
    from ledelsesrum.surveys.models import Invitation

    if result is None:
        return None
    count = Invitation.objects.filter(round_id=result["round"]["id"]).count()
    return count or None


def _front(study: Study, result: dict | None, overrides: dict[str, str]) -> list[Section]:
    from ledelsesrum.interviews.models import Interview

    fields = [f for f in (study.main_fields or []) if f]
    purpose_draft = _paragraphs(study.purpose) if study.purpose else [
        _("Formålet med undersøgelsen er endnu ikke beskrevet.")
    ]
    if fields:
        purpose_draft.append(_("Undersøgelsen ser på ledelse inden for disse hovedfelter:"))
    questions = [q for q in (study.research_questions or []) if q]
    questions_edited = "questions" in overrides
    if questions_edited:
        questions = _lines(overrides["questions"])
    purpose = _section("purpose", _("Formål og undersøgelsesspørgsmål"), purpose_draft, overrides,
                       bullets=fields, numbered=questions, numbered_edited=questions_edited)

    interviews = Interview.objects.filter(study=study)
    done = interviews.filter(status=Interview.Status.DONE).count()
    planned = interviews.exclude(status=Interview.Status.CANCELLED).count()
    population_draft = [
        _("Der er gennemført %(done)s af %(planned)s planlagte interview med ledere.")
        % {"done": done, "planned": planned}
    ]
    if result is None:
        population_draft.append(_("Spørgeskemaundersøgelsens resultater er ikke frigivet endnu."))
    else:
        responses = result.get("responses") or {}
        n = None if responses.get("withheld") else responses.get("n")
        invited = _invited(study, result)
        population_draft.append(
            _("Spørgeskemaet er besvaret af %(n)s ledere ud af %(invited)s inviterede "
              "(svarprocent %(rate)s).")
            % {"n": fmt_number(n), "invited": fmt_number(invited), "rate": fmt_percent(n, invited)}
        )
        population_draft.append(
            _("Tal for grupper med færre end %(k)s besvarelser vises ikke, og heller ikke tal, som en "
              "sådan gruppe kunne regnes ud fra; de står som »–«.")
            % {"k": result["thresholds"]["k"]}
        )
    population = _section("population", _("Deltagere og besvarelser"), population_draft, overrides)

    method_draft = [
        _("Undersøgelsen kombinerer en spørgeskemaundersøgelse blandt alle ledere i målgruppen med "
          "samtaler med lederne. Spørgeskemaet giver bredde og sammenlignelige tal; samtalerne giver "
          "dybde: ledernes egne erfaringer, overvejelser og forslag."),
        _("Samtalerne følger en interviewguide med få åbne spørgsmål inden for rapportens temaer. "
          "Undervejs skrives notater, som renskrives og pseudonymiseres. Notaterne deles i "
          "meningsenheder, som kodes til et undertema, og for hvert undertema kondenseres "
          "essensen af det, lederne fortæller."),
        _("Hvor mange ledere et udsagn dækker, angives med ord (fx »mange ledere«) ud fra andelen "
          "af de interviewede ledere, der har udtalt sig om undertemaet. Resultaterne er ledernes "
          "stemmer på et bestemt tidspunkt, ikke et endegyldigt billede."),
    ]
    quality = [
        _("Resultaterne gengiver så vidt muligt ledernes egne oplevelser, refleksioner og idéer."),
        _("Resultaterne er konkrete og peger på handlemuligheder."),
        _("Ingen enkeltperson kan genkendes: små grupper vises ikke, og citater bærer hverken navn "
          "eller pseudonym."),
    ]
    method = _section("method", _("Metode og kvalitetskriterier"), method_draft, overrides,
                      bullets=quality)
    return [purpose, population, method]


def _joint_rows(result: dict | None, subtheme: str) -> list[JointRow]:
    if result is None:
        return []
    rows = []
    for scale in result.get("scales", []):
        if scale.get("subtheme") != subtheme:
            continue
        cell = (scale.get("cells") or {}).get("total") or {}
        withheld = cell.get("withheld", True)
        rows.append(JointRow(
            scale.get("title") or scale["code"],
            DASH if withheld else fmt_number(cell.get("mean"), 1),
            DASH if withheld else fmt_number(cell.get("n")),
        ))
    return rows


def _knowledge(study: Study, subtheme: str) -> list[KnowledgeItem]:
    from ledelsesrum.knowledge.panel import chosen

    items = []
    for entry in chosen(study, subtheme):
        source = "; ".join(c.document_title for c in entry.citations) or entry.kind_label
        items.append(KnowledgeItem(entry.title, entry.summary, source))
    return items


def _subtheme(study: Study, code: str, result: dict | None, overrides: dict[str, str],
              essences: dict[str, str], recommendations: dict[str, list[str]],
              book: QuoteBook | None = None) -> SubthemeSection:
    from ledelsesrum.coding.workspace import synthesis

    book = book if book is not None else QuoteBook()
    syn = synthesis(study, code, statements=STATEMENT_CANDIDATES)
    # Open answers are quoted only when enough respondents wrote about the sub-theme (ANONYMITY.md).
    open_ok = syn.answer_voices >= study.open_text_threshold
    by_id = {u.pk: u for u in syn.units}
    statements = []
    for st in syn.statements:
        unit = by_id.get(st.unit_id)
        if unit is None or (unit.interview_note_id is None and not open_ok):
            continue
        # Whole sentences, and nothing quoted anywhere earlier in the report (quotes.QuoteBook).
        quote = book.take(clean_statement(quote_source(st.text, st.condensed)), REPORT_QUOTE_CHARS)
        if quote is None:
            continue
        statements.append(quote)
        if len(statements) == STATEMENTS_PER_SUBTHEME:
            break
    key = f"essence:{code}"
    essence = overrides.get(key) or essences.get(code, "")
    phrase = syn.phrase
    if not phrase:
        phrase = _("Ingen interviewede ledere har udtalt sig om dette undertema.") if syn.interviewed \
            else _("Der er endnu ingen gennemførte interview.")
    return SubthemeSection(
        code=code, title=syn.label, phrase=phrase, essence=essence.strip(),
        statements=statements, joint=_joint_rows(result, code), knowledge=_knowledge(study, code),
        recommendations=recommendations.get(code, []), essence_edited=key in overrides,
    )


def _appendix(result: dict | None) -> list[AppendixScale]:
    from ledelsesrum.analysis.charts import Row, score_bars

    if result is None:
        return []
    k = result["thresholds"]["k"]
    groups = [("total", _("Alle"))]
    for breakdown in result.get("breakdowns", []):
        if breakdown["key"] == "area":
            groups += [(g["key"], g["label"]) for g in breakdown["groups"]]
    out = []
    for scale in result.get("scales", []):
        cells = scale.get("cells") or {}
        scale_k = scale.get("k") or k
        rows, chart_rows = [], []
        for key, label in groups:
            cell = cells.get(key)
            shown = cell is not None and not cell.get("withheld") and cell.get("mean") is not None
            n = fmt_number(cell.get("n")) if cell is not None and not cell.get("withheld") else DASH
            score = fmt_number(cell["mean"], 1) if shown else DASH
            rows.append([label, n, score])
            chart_rows.append(Row(label, float(cell["mean"]) if shown else None))
        title = scale.get("title") or scale["code"]
        out.append(AppendixScale(
            code=scale["code"], title=title, subtheme=scale.get("subtheme") or "",
            table=Table(title, [_("Gruppe"), _("Antal"), _("Score (0–100)")], rows),
            chart_svg=score_bars(chart_rows, title=title, k=scale_k),
        ))
    return out


def closing_draft() -> list[str]:
    return [
        _("Rapporten giver ikke færdige løsninger, men et fælles grundlag for at drøfte vilkårene "
          "for ledelse: hvad der allerede virker, hvor lederne oplever forskellige vilkår, og hvilke "
          "forbedringer de selv peger på."),
        _("Anbefalingerne er et oplæg. Direktion, chefer og ledere kan vælge at følge dem, justere "
          "dem eller finde andre veje – det vigtige er, at drøftelsen fører til konkrete skridt, og "
          "at en senere runde af undersøgelsen kan vise, om vilkårene har flyttet sig."),
    ]


def front_drafts(study: Study) -> list[Section]:
    """The generated front sections with no edit applied (the drafts the editor resets to)."""
    return _front(study, _release(study), {})


def compose(study: Study, *, progress: Progress | None = None, today: date | None = None) -> Report:
    """The report of ``study`` as it stands now (a draft with the analyst's edits applied)."""
    from ledelsesrum.coding.models import SubthemeEssence
    from ledelsesrum.coding.workspace import codebook_for
    from ledelsesrum.followup.models import Recommendation

    report = progress or (lambda done, total, message: None)
    codebook = codebook_for(study)
    subthemes = codebook.subthemes
    total = len(subthemes) + 3
    report(0, total, _("Henter frigivne resultater"))
    result = _release(study)
    overrides = _overrides(study)
    essences = dict(SubthemeEssence.objects.filter(study=study).values_list("code", "essence"))
    recommendations: dict[str, list[str]] = {}
    for sub, text in (Recommendation.objects.filter(study=study).order_by("subtheme", "position", "id")
                      .values_list("subtheme", "text")):
        if text.strip():
            recommendations.setdefault(sub, []).append(text.strip())
    front = _front(study, result, overrides)
    report(1, total, _("Skriver indledning"))

    done = 1
    chapters = []
    book = QuoteBook()  # one for the whole report: a quote is printed once, in its first sub-theme
    for theme in codebook.themes:
        sections = []
        for sub in theme.subthemes:
            sections.append(_subtheme(study, sub.id, result, overrides, essences, recommendations, book))
            done += 1
            report(done, total, _("Undertema %(code)s") % {"code": sub.id})
        chapters.append(Chapter(theme.id, theme.label, sections))

    closing = _section("closing", _("Perspektivering"), closing_draft(), overrides)
    appendix = _appendix(result)
    done += 1
    report(done, total, _("Bilag"))
    if result is None:
        appendix_intro = _("Spørgeskemaundersøgelsens resultater er ikke frigivet endnu.")
    else:
        appendix_intro = _(
            "Skalaernes score går fra 0 til 100, hvor 100 er den mest positive vurdering. Tabellerne "
            "viser alle besvarelser og fordelingen på område. Grupper med færre end %(k)s besvarelser "
            "og tal, der kunne afsløre dem, er skjult og står som »–«."
        ) % {"k": result["thresholds"]["k"]}
    when = today or timezone.localdate()
    out = Report(
        study_id=study.pk, title=study.name, subtitle=_("Vilkår for ledelse – som lederne oplever dem"),
        organisation=_organisation_name(study), date=formats.date_format(when, "j. F Y"),
        front=front, chapters=chapters, closing=closing, appendix_intro=appendix_intro,
        appendix=appendix, threshold=study.anonymity_threshold,
    )
    report(total, total, _("Rapporten er sammensat"))
    return out
