"""Inter-coder agreement: Cohen's κ (two coders) and Krippendorff's α (nominal, any number).

Each coder assigns at most one sub-theme per unit; ``None`` means the coder left the unit uncoded
(missing for α; a category of its own is not invented). Results match scikit-learn's
``cohen_kappa_score`` and the ``krippendorff`` package (tested).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Coding = Mapping[str, str | None]  # unit id → code (or None)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's κ for two equally long label sequences (no missing values)."""
    if len(a) != len(b):
        raise ValueError("Kodningerne skal have samme længde.")
    n = len(a)
    if n == 0:
        return float("nan")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    if expected == 1.0:
        # Both coders used one and the same category throughout: sklearn reports nan here too.
        return float("nan")
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(reliability: Sequence[Sequence[str | None]]) -> float:
    """Krippendorff's α (nominal) for a coders × units table; ``None`` is a missing value."""
    values = sorted({v for row in reliability for v in row if v is not None})
    if not values:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    coincidence = np.zeros((k, k))
    n_units = max((len(r) for r in reliability), default=0)
    for u in range(n_units):
        present = [v for row in reliability if u < len(row) and (v := row[u]) is not None]
        m = len(present)
        if m < 2:
            continue
        counts = Counter(present)
        for c1, n1 in counts.items():
            for c2, n2 in counts.items():
                pairs = n1 * (n2 - 1) if c1 == c2 else n1 * n2
                coincidence[index[c1], index[c2]] += pairs / (m - 1)
    n = coincidence.sum()
    if n <= 1:
        return float("nan")
    marginals = coincidence.sum(axis=1)
    observed = n - np.trace(coincidence)
    expected = (n * n - (marginals**2).sum()) / (n - 1)
    if expected == 0:
        return float("nan")
    return float(1 - observed / expected)


@dataclass(frozen=True)
class Disagreement:
    unit_id: str
    code_a: str | None
    code_b: str | None


@dataclass(frozen=True)
class AgreementReport:
    n_units: int  # units coded by both coders
    percent_agreement: float
    kappa: float
    alpha: float
    per_code: dict[str, dict[str, float]]  # code → {"kappa", "alpha", "n_a", "n_b"}
    disagreements: list[Disagreement]


def compare(coder_a: Coding, coder_b: Coding, codes: Sequence[str] | None = None) -> AgreementReport:
    """Agreement between two coders over the units both have seen.

    Overall κ uses units coded by both; α uses every unit seen by both (``None`` = missing).
    Per code, each coder's choice is reduced to "this code / another code" (binary κ and α).
    """
    shared = [u for u in coder_a if u in coder_b]
    both = [u for u in shared if coder_a[u] is not None and coder_b[u] is not None]
    a = [str(coder_a[u]) for u in both]
    b = [str(coder_b[u]) for u in both]
    kappa = cohen_kappa(a, b)
    alpha = krippendorff_alpha_nominal([[coder_a[u] for u in shared], [coder_b[u] for u in shared]])
    all_codes = list(codes) if codes is not None else sorted(set(a) | set(b))
    per_code: dict[str, dict[str, float]] = {}
    for code in all_codes:
        ba = ["1" if x == code else "0" for x in a]
        bb = ["1" if x == code else "0" for x in b]
        per_code[code] = {
            "kappa": cohen_kappa(ba, bb),
            "alpha": krippendorff_alpha_nominal([ba, bb]),
            "n_a": float(ba.count("1")),
            "n_b": float(bb.count("1")),
        }
    disagreements = [Disagreement(u, coder_a[u], coder_b[u]) for u in shared if coder_a[u] != coder_b[u]]
    pct = sum(x == y for x, y in zip(a, b, strict=True)) / len(a) if a else float("nan")
    return AgreementReport(len(both), pct, kappa, alpha, per_code, disagreements)
