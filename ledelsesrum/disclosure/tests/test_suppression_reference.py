"""The fast engine withholds exactly what a slow, obviously correct reference withholds.

The reference uses dense rational rank computations and brute-force enumeration of every small
set of atoms. The greedy decisions depend only on which vectors lie in which spans, not on how
the elimination is organised, so both must agree cell for cell.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledelsesrum.disclosure.suppression import Cell, Protector, protect

from .lp_harness import organisation


def _rank(vectors: list[list[Fraction]]) -> int:
    rows = [list(v) for v in vectors]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col]:
                f = rows[i][col] / rows[rank][col]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def _in_span(v, basis) -> bool:
    return _rank(basis + [v]) == _rank(basis)


def reference_protect(cells: list[Cell], counts: list[int], k: int, relations) -> set[str]:
    structure = Protector(cells, len(counts), relations=relations, hierarchical=False)
    merged = [0] * structure.n_groups
    for atom, group in enumerate(structure.group):
        merged[group] += counts[atom]
    live = [g for g in range(len(merged)) if merged[g] > 0]
    if not any(0 < merged[g] < k for g in live):
        return set()

    def vec(groups) -> list[Fraction]:
        return [Fraction(1 if g in groups else 0) for g in live]

    cell_groups = [{int(structure.group[a]) for a in c.atoms} for c in cells]
    n = [sum(merged[g] for g in gs) for gs in cell_groups]
    small = [0 < x < k for x in n]
    sensitive = [g for g in live if merged[g] < k]
    full = [set(gs) >= set(live) for gs in cell_groups]
    order = sorted((i for i in range(len(cells)) if not small[i]),
                   key=lambda i: (not full[i], -n[i], cells[i].key))
    extra: list[set[int]] = []
    while True:
        primaries = [vec(cell_groups[i]) for i in range(len(cells)) if small[i]]
        primaries += [vec({g}) for g in sensitive] + [vec(t) for t in extra]
        published: list[list[Fraction]] = []
        withheld = {i for i in range(len(cells)) if small[i]}
        for c in order:
            trial = published + [vec(cell_groups[c])]
            if any(_in_span(p, trial) for p in primaries):
                withheld.add(c)
            else:
                published.append(vec(cell_groups[c]))
        new = []
        for parent, children in structure.relations:
            if parent not in withheld:
                union = set().union(*(cell_groups[c] for c in children if c in withheld))
                if 0 < sum(merged[g] for g in union) < k and union not in extra + new:
                    new.append(union)
        if not new:
            for size in range(1, k):
                for combo in itertools.combinations(sensitive, size):
                    if sum(merged[g] for g in combo) < k and _in_span(vec(set(combo)), published):
                        if set(combo) not in extra + new:
                            new.append(set(combo))
        if not new:
            return {cells[i].key for i in withheld}
        extra += new


@st.composite
def small_cases(draw):
    n_units = draw(st.integers(2, 4))
    parents: list[int | None] = [None]
    for u in range(1, n_units):
        parents.append(draw(st.one_of(st.none(), st.integers(0, u - 1))))
    s = organisation(parents, draw(st.lists(st.integers(2, 3), max_size=1)),
                     cross=draw(st.booleans()))
    for i in range(draw(st.integers(0, 2))):
        atoms = draw(st.sets(st.integers(0, s.n_atoms - 1), min_size=1))
        s.cells.append(Cell(f"filter={i}", frozenset(atoms)))
    if draw(st.booleans()):
        s.relations = []
    counts = draw(st.lists(st.one_of(st.integers(0, 3), st.integers(0, 9)),
                           min_size=s.n_atoms, max_size=s.n_atoms))
    return s, counts, draw(st.sampled_from([3, 5]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_cases())
def test_the_engine_agrees_with_the_brute_force_reference(case):
    s, counts, k = case
    assert protect(s.cells, counts, k, relations=s.relations, hierarchical=False) == \
        reference_protect(s.cells, counts, k, s.relations)
