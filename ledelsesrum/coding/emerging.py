"""Emerging themes: units that fit no code well, clustered into candidate new codes.

A unit "fits no code" when its best centred cosine to any code (prototype or confirmed units) is
low *for a unit that has close neighbours*: novelty = (mean cosine to its two nearest other units)
− (best code cosine). By default the ``quantile`` (20 %) most novel units are taken, since absolute
cosines differ between embedders; an explicit ``threshold`` on the best code cosine overrides that. Those units are clustered with average-linkage agglomerative clustering on
cosine distance; each cluster of at least ``min_size`` units becomes a candidate with key terms
(tf-idf over stems) and the units closest to its centre as examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .embeddings import l2_normalise
from .suggest import Suggester
from .text import KeyTerms


@dataclass(frozen=True)
class CandidateTheme:
    key_terms: tuple[str, ...]
    examples: tuple[str, ...]  # the most central texts
    members: tuple[int, ...]  # indices into the texts given
    cohesion: float  # mean cosine of members to the centre


def _distinct_examples(central_first: Sequence[str], n: int) -> tuple[str, ...]:
    """The ``n`` most central texts, each wording once: several leaders saying the same thing
    showed as one example three times (issue 12)."""
    seen: set[str] = set()
    out: list[str] = []
    for text in central_first:
        key = " ".join(text.casefold().split()).rstrip(".!")
        if key in seen:
            continue
        seen.add(key)
        out.append(text)
        if len(out) == n:
            break
    return tuple(out)


def find_emerging(
    suggester: Suggester,
    texts: Sequence[str],
    *,
    threshold: float | None = None,
    quantile: float = 0.2,
    distance: float = 0.75,
    min_size: int = 3,
    n_examples: int = 3,
) -> list[CandidateTheme]:
    """Candidate themes among ``texts`` that the codebook does not cover, largest first."""
    from sklearn.cluster import AgglomerativeClustering

    if len(texts) < max(min_size, 3):
        return []
    best = suggester.best_similarity(texts)
    if threshold is not None:
        loose = [i for i, b in enumerate(best) if b < threshold]
    else:
        all_vectors = suggester.vectors(texts)
        sims = all_vectors @ all_vectors.T
        np.fill_diagonal(sims, -1.0)
        density = np.sort(sims, axis=1)[:, -2:].mean(axis=1)
        novelty = density - best
        cut = float(np.quantile(novelty, 1 - quantile))
        loose = [i for i, v in enumerate(novelty) if v >= cut]
    if len(loose) < max(min_size, 2):
        return []
    vectors = suggester.vectors([texts[i] for i in loose])
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    ).fit_predict(vectors)
    terms = KeyTerms(texts)
    out = []
    for label in sorted(set(labels.tolist())):
        rows = np.flatnonzero(labels == label)
        if len(rows) < min_size:
            continue
        centre = l2_normalise(vectors[rows].mean(axis=0))
        sims = vectors[rows] @ centre
        order = rows[np.argsort(-sims)]
        members = tuple(loose[r] for r in rows)
        out.append(
            CandidateTheme(
                key_terms=tuple(terms.top_of_group([texts[i] for i in members], k=6)),
                examples=_distinct_examples([texts[loose[r]] for r in order], n_examples),
                members=members,
                cohesion=float(sims.mean()),
            )
        )
    out.sort(key=lambda c: (-len(c.members), -c.cohesion))
    return out
