"""The demo's interviews: a guide, a register of interviews, Danish summaries per theme, coded units.

Everything goes through the product's own code paths: notes are saved (and pseudonymised) by
``interviews.notes.save_texts``, split into meaning units by ``coding.workspace.build_units`` and
coded by ``coding.workspace.confirm``. The generator knows the sub-theme of every statement it
writes, so a unit gets the sub-theme of most of its sentences; about 15 % of the note units are
left uncoded so the suggestion page has work to show.

Deterministic for a given seed (leaders, statements, statuses and which units are coded).
"""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from ..coding.codebook import Codebook, load_codebook
from ..coding.models import MeaningUnit
from ..coding.text import shorten, split_sentences
from ..interviews.models import GuideQuestion, Interview, InterviewGuide, InterviewNote
from ..organisation.models import Leader
from ..studies.models import Study
from . import interview_texts as texts
from .names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES
from .org import LEVEL_AREA

ProgressCallback = Callable[[int, int, str], None]

INTERVIEW_SHARE = 0.75  # of the demo's leaders are on the interview register (90 of 120)
PLANNED_SHARE = 0.06
CANCELLED_SHARE = 0.045
CODED_SHARE = 0.85  # of the note units get their sub-theme confirmed
MIN_THEMES = 3  # every summary covers at least this many themes
MAX_SUBTHEMES_PER_PARAGRAPH = 4
CONDENSED_CHARS = 110

_BRACKET_RE = re.compile(r"\[[^\]]*\]")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass
class Statement:
    text: str
    subtheme: str


@dataclass
class Summary:
    """One interview's generated summary: per theme id, the paragraph's statements."""

    paragraphs: dict[str, list[Statement]] = field(default_factory=dict)

    def text(self, theme_id: str, opening: str = "") -> str:
        return opening + " ".join(s.text for s in self.paragraphs[theme_id])

    @property
    def subthemes(self) -> set[str]:
        return {s.subtheme for stmts in self.paragraphs.values() for s in stmts}


@dataclass
class InterviewOutcome:
    interviews: int = 0
    done: int = 0
    notes: int = 0
    units: int = 0
    coded: int = 0


# --- generating text ------------------------------------------------------------------------------


def _gendered(first_name: str) -> dict[str, str]:
    if first_name in MALE_FIRST_NAMES:
        return {"Han": "Han", "han": "han", "hans": "hans"}
    return {"Han": "Hun", "han": "hun", "hans": "hendes"}


def fill(fragment: str, *, first_name: str, area: str, chef: str, kollega: str) -> str:
    values = _gendered(first_name) | {
        "chef": chef, "kollega": kollega,
        "brugere": texts.USERS_BY_AREA.get(area, "borgerne"),
        "omr": area.lower() if area else "området",
    }
    return fragment.format(**values)


def plan_voices(rng: random.Random, codebook: Codebook, n: int) -> list[set[str]]:
    """Which sub-themes each of ``n`` leaders voices, drawn by the sub-theme's prevalence.

    Every summary covers at least ``MIN_THEMES`` themes, and every sub-theme is voiced by at
    least two leaders (one when there is only one), so even a small demo shows all six themes.
    """
    by_theme = {t.id: [s.id for s in t.subthemes] for t in codebook.themes}

    def themes_of(codes: set[str]) -> set[str]:
        return {t for t, subs in by_theme.items() if codes & set(subs)}

    plans: list[set[str]] = []
    for _ in range(n):
        voiced = {c for c in codebook.code_ids if rng.random() < texts.PREVALENCE.get(c, 0.3)}
        while len(themes_of(voiced)) < MIN_THEMES:
            missing = [c for t, subs in by_theme.items() if t not in themes_of(voiced) for c in subs]
            voiced.add(rng.choices(missing, weights=[texts.PREVALENCE.get(c, 0.3) for c in missing])[0])
        plans.append(voiced)
    if plans:
        for code in codebook.code_ids:
            lacking = min(2, n) - sum(code in p for p in plans)
            without = [p for p in plans if code not in p]
            for voiced in rng.sample(without, max(0, lacking)):
                voiced.add(code)
    return plans


def generate_summary(
    rng: random.Random, codebook: Codebook, voiced: set[str], *, first_name: str, area: str,
    chef: str, colleagues: Sequence[str],
) -> Summary:
    """A paragraph per theme the leader voices: 2–5 statements from 2–4 of its sub-themes
    (fewer sub-themes when the theme has or the leader voices fewer)."""
    by_theme = {t.id: [s.id for s in t.subthemes] for t in codebook.themes}
    summary = Summary()
    for theme_id, subs in by_theme.items():
        chosen = [c for c in subs if c in voiced]
        if not chosen:
            continue
        if len(chosen) > MAX_SUBTHEMES_PER_PARAGRAPH:
            chosen = sorted(rng.sample(chosen, MAX_SUBTHEMES_PER_PARAGRAPH), key=subs.index)
        n_statements = rng.randint(max(2, len(chosen)), 5)
        counts = Counter(chosen)
        for _ in range(n_statements - len(chosen)):
            counts[rng.choice(chosen)] += 1
        statements: list[Statement] = []
        for code in chosen:
            pool = texts.FRAGMENTS[code]
            for fragment in rng.sample(pool, min(counts[code], len(pool))):
                text = fill(fragment, first_name=first_name, area=area, chef=chef,
                            kollega=rng.choice(colleagues))
                statements.append(Statement(text, code))
        summary.paragraphs[theme_id] = statements
    return summary


# --- mapping units back to generated statements --------------------------------------------------


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD_RE.findall(_BRACKET_RE.sub(" ", text)) if len(w) > 2}


def true_subtheme(unit_text: str, statements: Sequence[Statement]) -> str:
    """The sub-theme most of the unit's text came from ("" when nothing matches).

    The note text is pseudonymised, so sentences are matched by their words (pseudonyms and
    names left out) against the few statements of the same note, weighted by sentence length.
    """
    word_sets = [_words(s.text) for s in statements]
    weight: Counter[str] = Counter()
    for sentence in split_sentences(unit_text):
        words = _words(sentence)
        if not words:
            continue
        scores = [len(words & ws) / len(words) for ws in word_sets]
        best = max(range(len(statements)), key=lambda i: scores[i], default=None)
        if best is not None and scores[best] >= 0.5:
            weight[statements[best].subtheme] += len(sentence)
    if not weight:
        return ""
    return weight.most_common(1)[0][0]


# --- building ------------------------------------------------------------------------------------


@contextmanager
def classical_embedder():
    """Use the fast character n-gram embedder while the demo is built; restore the setting after."""
    from ..coding.workspace import EMBEDDER_ENV

    before = os.environ.get(EMBEDDER_ENV)
    os.environ[EMBEDDER_ENV] = "char"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(EMBEDDER_ENV, None)
        else:
            os.environ[EMBEDDER_ENV] = before


def _create_guide(study: Study) -> InterviewGuide:
    guide, _created = InterviewGuide.objects.get_or_create(
        study=study, defaults={"title": texts.GUIDE_TITLE, "intro": texts.GUIDE_INTRO}
    )
    if not guide.questions.exists():
        GuideQuestion.objects.bulk_create(
            GuideQuestion(guide=guide, text=q, position=i, themes=themes)
            for i, (q, themes) in enumerate(texts.GUIDE_QUESTIONS, start=1)
        )
    return guide


def _chef_for(leader: Leader, leaders: Sequence[Leader], rng: random.Random) -> str:
    """A full name to mention: the area leader of the same area, else another leader."""
    heads = [x for x in leaders if x.area == leader.area and x.level == LEVEL_AREA and x.pk != leader.pk]
    others = heads or [x for x in leaders if x.pk != leader.pk] or list(leaders)
    return rng.choice(others).name


def build_interviews(
    study: Study, leaders: Sequence[Leader], *, seed: int, interviewer,
    progress: ProgressCallback | None = None,
) -> InterviewOutcome:
    """Add the guide, the interview register, summaries and coded units to the demo ``study``.

    Does nothing (beyond counting) when the study already has interviews.
    """
    from ..coding.workspace import build_units, confirm
    from ..interviews.notes import TextInput, load_register, save_texts

    report = progress or (lambda done, total, message: None)
    outcome = InterviewOutcome()
    if Interview.objects.filter(study=study).exists():
        return count(study)
    rng = random.Random(f"{seed}-interviews")
    codebook = load_codebook("default")
    _create_guide(study)

    leaders = sorted(leaders, key=lambda x: x.pk)
    chosen = sorted(rng.sample(leaders, round(len(leaders) * INTERVIEW_SHARE)), key=lambda x: x.pk)
    n = len(chosen)
    n_planned = max(1, round(n * PLANNED_SHARE)) if n >= 6 else 0
    n_cancelled = max(1, round(n * CANCELLED_SHARE)) if n >= 6 else 0
    statuses = (
        [Interview.Status.PLANNED] * n_planned + [Interview.Status.CANCELLED] * n_cancelled
        + [Interview.Status.DONE] * (n - n_planned - n_cancelled)
    )
    rng.shuffle(statuses)
    today = timezone.localdate()
    colleagues = FEMALE_FIRST_NAMES + MALE_FIRST_NAMES
    register = load_register()
    voices = iter(plan_voices(rng, codebook, statuses.count(Interview.Status.DONE)))
    generated: dict[int, list[Statement]] = {}  # note id → its statements

    for index, (leader, status) in enumerate(zip(chosen, statuses, strict=True), start=1):
        fmt = rng.choices(list(Interview.Format), weights=[0.7, 0.2, 0.1])[0]
        if status == Interview.Status.PLANNED:
            planned, held = today + timedelta(days=rng.randint(2, 30)), None
        else:
            planned = today - timedelta(days=rng.randint(3, 70))
            held = planned if status == Interview.Status.DONE else None
        interview = Interview.objects.create(
            study=study, leader=leader, interviewer=interviewer, status=status, planned_at=planned,
            held_at=held, format=fmt,
            duration_minutes=rng.choice([45, 60, 60, 75, 90]) if held else None,
            location=leader.unit.name if fmt == Interview.Format.IN_PERSON else "",
        )
        outcome.interviews += 1
        if status != Interview.Status.DONE:
            continue
        outcome.done += 1
        summary = generate_summary(
            rng, codebook, next(voices), first_name=leader.name.split(" ")[0], area=leader.area,
            chef=_chef_for(leader, leaders, rng), colleagues=colleagues,
        )
        inputs = [
            TextInput(InterviewNote.Kind.SUMMARY, theme_id,
                      summary.text(theme_id, rng.choice(texts.PARAGRAPH_OPENINGS)))
            for theme_id in summary.paragraphs
        ]
        for item, saved in zip(inputs, save_texts(interview, inputs, user=interviewer, register=register),
                               strict=True):
            if saved.note_id is not None:
                generated[saved.note_id] = summary.paragraphs[item.theme_id]
                outcome.notes += 1
        report(index, n + 1, "Skriver interviewresuméer")

    with classical_embedder():
        build_units(study)
        units = list(
            MeaningUnit.objects.filter(study=study, interview_note_id__in=list(generated), code="")
            .order_by("source_key", "position", "id")
        )
        outcome.units = len(units)
        truth = [true_subtheme(u.text, generated[u.interview_note_id]) for u in units]
        chosen_units = [code != "" and rng.random() < CODED_SHARE for code in truth]
        # Every sub-theme that has units keeps at least one coded, so each shows in the synthesis.
        coded_codes = {c for c, chosen_unit in zip(truth, chosen_units, strict=True) if chosen_unit}
        for i, code in enumerate(truth):
            if code and code not in coded_codes:
                chosen_units[i] = True
                coded_codes.add(code)
        for unit, code, chosen_unit in zip(units, truth, chosen_units, strict=True):
            if chosen_unit:
                unit.study = study  # spare confirm a query per unit
                confirm(unit, code, user=interviewer, condensed=shorten(unit.text, CONDENSED_CHARS))
                outcome.coded += 1
    report(n + 1, n + 1, "Interviews kodet")
    return outcome


def count(study: Study) -> InterviewOutcome:
    """What the study's interview side holds."""
    notes_units = MeaningUnit.objects.filter(study=study, interview_note__isnull=False)
    return InterviewOutcome(
        interviews=Interview.objects.filter(study=study).count(),
        done=Interview.objects.filter(study=study, status=Interview.Status.DONE).count(),
        notes=InterviewNote.objects.filter(interview__study=study).count(),
        units=notes_units.count(),
        coded=notes_units.exclude(code="").count(),
    )
