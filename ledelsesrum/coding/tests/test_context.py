"""Context the product already has: the theme a note was written under and the neighbouring units."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ledelsesrum.coding import workspace
from ledelsesrum.coding.codebook import load_codebook
from ledelsesrum.coding.embeddings import CharNgramEmbedder
from ledelsesrum.coding.models import MeaningUnit
from ledelsesrum.coding.suggest import Context, SuggestConfig, Suggester
from ledelsesrum.interviews.models import Interview, InterviewNote
from ledelsesrum.studies.models import Study

REALSET = Path(__file__).resolve().parents[3] / "bench" / "data" / "realset.jsonl"
CORPUS = [
    "Lederen har for lidt tid til ledelse, fordi driften fylder.",
    "Budgettet er stramt, og der skal spares igen i år.",
    "Samarbejdet med politikerne i udvalget fungerer godt.",
    "Hun savner sparring med sin chef.",
    "Det er svært at rekruttere sygeplejersker.",
] * 5
VAGUE = "Det fylder meget i hverdagen, og det er noget, vi taler om."


@pytest.fixture(scope="module")
def suggester():
    return Suggester(load_codebook("default"), CharNgramEmbedder()).fit(corpus=CORPUS + [VAGUE])


def test_the_note_theme_lifts_its_sub_theme_and_says_so(suggester):
    plain = suggester.probabilities([VAGUE])[0]
    code = "2e"
    lifted = suggester.probabilities([VAGUE], [Context(theme_code=code)])[0]
    i = suggester.codes.index(code)
    assert lifted[i] > 2 * plain[i]
    assert np.isclose(lifted.sum(), 1.0)
    ranked = suggester.suggest([VAGUE], contexts=[Context(theme_code=code)])[0]
    reason = next(s.reason for s in ranked if s.code == code)
    assert reason.from_context and "noten er skrevet under dette tema" in reason.describe()


def test_a_theme_id_lifts_all_its_sub_themes(suggester):
    plain = suggester.probabilities([VAGUE])[0]
    lifted = suggester.probabilities([VAGUE], [Context(theme_code="3")])[0]
    for code in ("3a", "3b"):
        i = suggester.codes.index(code)
        assert lifted[i] > plain[i]


def test_neighbours_pull_towards_their_codes(suggester):
    neighbours = ("Budgettet er stramt, og der skal spares igen i år.", "Økonomien styrer alt, vi skal spare.")
    plain = suggester.probabilities([VAGUE])[0]
    pulled = suggester.probabilities([VAGUE], [Context(neighbours=neighbours)])[0]
    i = suggester.codes.index("2e")
    assert pulled[i] > plain[i]
    # No context, or contexts of None, change nothing.
    assert np.allclose(suggester.probabilities([VAGUE], [None]), plain[None, :])


def test_neighbouring_units_help_on_real_text():
    """Real dev split, in the order the units stand in their seed: each unit's neighbours are the
    units before and after it. Context must add top-1 accuracy; with its weight at 0 it cannot."""
    rows = [json.loads(line) for line in REALSET.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows]
    seed = [r["source"].split(",")[0] for r in rows]
    evaluable = [i for i, r in enumerate(rows) if r["split"] == "dev" and r["subtheme"] != "none" and not r.get("ambiguous")]
    contexts = [Context(neighbours=tuple(texts[j] for j in (i - 1, i + 1) if 0 <= j < len(rows) and seed[j] == seed[i]))
                for i in evaluable]

    def top1(config=None, with_context=True):
        model = Suggester(load_codebook("default"), CharNgramEmbedder(), config).fit(corpus=texts)
        probs = model.probabilities([texts[i] for i in evaluable], contexts if with_context else None)
        best = np.asarray(model.codes)[probs.argmax(axis=1)]
        return float(np.mean([b == rows[i]["subtheme"] for b, i in zip(best, evaluable, strict=True)]))

    without = top1(with_context=False)
    assert top1() > without + 0.02
    assert top1(SuggestConfig(context_neighbour_weight=0.0)) == pytest.approx(without)


@pytest.mark.django_db
def test_the_workspace_gives_each_unit_its_note_theme_and_neighbours():
    study = Study.objects.create(name="Kontekst")
    interview = Interview.objects.create(study=study)
    note = InterviewNote.objects.create(interview=interview, kind="summary", theme_id="2e", text="x")
    units = [
        MeaningUnit.objects.create(study=study, interview_note=note, source_key="n1", position=p, text=t)
        for p, t in enumerate(["Første enhed.", "Anden enhed.", "Tredje enhed."])
    ]
    other = MeaningUnit.objects.create(study=study, source_key="n2", position=1, text="Andet sted.")
    contexts = workspace.contexts_for([units[1], units[0], other])
    assert contexts[0] == Context("2e", ("Første enhed.", "Tredje enhed."))
    assert contexts[1] == Context("2e", ("Anden enhed.",))
    assert contexts[2] == Context("", ())
