"""Learning from the analyst's confirmations, measured on text no one on the team wrote.

The dev split of ``bench/data/realset.jsonl`` (units from seeds 000–003, coded blind by two coders,
docs/coding.md). The classical embedder keeps the test fast and deterministic; the E5 figures are
in docs/coding.md (``bench/bench_realset.py``).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from ledelsesrum.coding.codebook import load_codebook
from ledelsesrum.coding.embeddings import CharNgramEmbedder
from ledelsesrum.coding.suggest import SuggestConfig, Suggester

REALSET = Path(__file__).resolve().parents[3] / "bench" / "data" / "realset.jsonl"


@pytest.fixture(scope="module")
def dev():
    rows = [json.loads(line) for line in REALSET.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["split"] == "dev" and r["subtheme"] != "none" and not r.get("ambiguous")]
    assert len(rows) > 150
    return [r["text"] for r in rows], [r["subtheme"] for r in rows]


def _stratified(gold: list[str], seed: int, fraction: float) -> list[int]:
    rng = random.Random(seed)
    by_code: dict[str, list[int]] = {}
    for i, code in enumerate(gold):
        by_code.setdefault(code, []).append(i)
    chosen: list[int] = []
    for members in by_code.values():
        members = members[:]
        rng.shuffle(members)
        chosen.extend(members[: max(1, round(fraction * len(members)))])
    return sorted(chosen)


def _top1(texts, gold, fraction: float, config: SuggestConfig | None = None, draws: int = 2) -> tuple[float, float]:
    """Mean top-1 on the units not confirmed: (zero-shot, with the confirmations)."""
    codebook = load_codebook("default")
    embedder = CharNgramEmbedder()
    zero_model = Suggester(codebook, embedder, config).fit(corpus=texts)
    zero_best = np.asarray(zero_model.codes)[zero_model.probabilities(texts).argmax(axis=1)]
    zero, taught = [], []
    for seed in range(draws):
        chosen = _stratified(gold, seed, fraction)
        rest = [i for i in range(len(texts)) if i not in set(chosen)]
        model = Suggester(codebook, embedder, config).fit([(texts[i], gold[i]) for i in chosen], corpus=texts)
        best = np.asarray(model.codes)[model.probabilities([texts[i] for i in rest]).argmax(axis=1)]
        taught.append(np.mean([b == gold[i] for b, i in zip(best, rest, strict=True)]))
        zero.append(np.mean([zero_best[i] == gold[i] for i in rest]))
    return float(np.mean(zero)), float(np.mean(taught))


def test_every_step_of_confirmations_adds_accuracy_on_real_text(dev):
    texts, gold = dev
    curve = [_top1(texts, gold, f) for f in (0.1, 0.2, 0.4)]
    taught = [t for _, t in curve]
    assert taught == sorted(taught), curve
    for zero, with_labels in curve:
        assert with_labels >= zero + 0.12, curve


def test_the_classifier_is_what_learns(dev):
    """Mutant: the engine without its classifier (the evidence term alone) barely learns here."""
    texts, gold = dev
    zero, without = _top1(texts, gold, 0.2, SuggestConfig(clf_weight=0.0))
    _, with_classifier = _top1(texts, gold, 0.2)
    assert without - zero < 0.08
    assert with_classifier - without > 0.12


def test_a_strong_codebook_keeps_its_say(dev):
    """On units the codebook already gets right, confirmations must not make things worse: the
    share is judged from the confirmed units (here: ones the zero-shot model codes correctly)."""
    texts, _gold = dev
    codebook = load_codebook("default")
    embedder = CharNgramEmbedder()
    zero = Suggester(codebook, embedder).fit(corpus=texts)
    predicted = list(np.asarray(zero.codes)[zero.probabilities(texts).argmax(axis=1)])
    # Pretend the analyst agreed with every zero-shot choice on 60 units.
    model = Suggester(codebook, embedder).fit([(texts[i], predicted[i]) for i in range(60)], corpus=texts)
    assert model.classifier_share() < 0.2
