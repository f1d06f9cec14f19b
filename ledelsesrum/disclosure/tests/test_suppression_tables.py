"""Breakdown tables that cross the unit tree (level, seniority, span band across every unit) are
left out of the algebra where they provably add no dangerous set (`Protector.reduce_for`). That
is what makes a national round fast; these tests check that it stays safe: every release made
with the reduction passes the independent MILP attacker, and the rule that decides when a table
may be left out (ties seen in more buckets than a dangerous set can break) matters."""

from __future__ import annotations

import numpy as np
import pytest

from ledelsesrum.disclosure import suppression
from ledelsesrum.disclosure.suppression import Cell, Criterion, Protector

from .lp_harness import findings, organisation, published_after


def _round(seed: int):
    """Two top units of three leaves each, crossed with two breakdowns of three values; about
    a third of the leaves small (1-4 people), the rest 10-20, spread over the breakdowns."""
    rng = np.random.default_rng(seed)
    parents = [None, None, 0, 0, 0, 1, 1, 1]
    s = organisation(parents, [3, 3], cross=False)
    leaves = [2, 3, 4, 5, 6, 7]
    sizes = {u: int(rng.integers(1, 5)) if rng.random() < 0.35 else int(rng.integers(10, 21))
             for u in leaves}
    counts = np.zeros(s.n_atoms, dtype=np.int64)
    combos = [(u, a, b) for u in leaves for a in range(3) for b in range(3)]
    for u in leaves:
        for _ in range(sizes[u]):
            a, b = int(rng.integers(0, 3)), int(rng.integers(0, 3))
            counts[combos.index((u, a, b))] += 1
    return s, counts


@pytest.mark.parametrize("seed", range(10))
def test_releases_made_with_the_reduction_pass_the_milp_attacker(seed):
    s, counts = _round(seed)
    k = 3
    protector = Protector(s.cells, s.n_atoms, relations=s.relations)
    withheld = protector.protect(counts, k)
    seen = published_after(s.cells, withheld, counts)
    assert findings(seen, counts, k, withheld=[c for c in s.cells if c.key in withheld]) == []
    # the same as the full structure decides: both safe, hiding about as much
    full = Protector(s.cells, s.n_atoms, relations=s.relations, reduce_tables=False)
    other = full.protect(counts, k)
    assert not full.leaks(Criterion.counts(np.minimum(counts, k), k),
                          [c.key for c in s.cells if c.key not in withheld])
    assert abs(len(withheld) - len(other)) <= 3


def test_the_reduction_happens_on_these_rounds():
    """Else the test above would prove nothing about it."""
    reduced = 0
    for seed in range(10):
        s, counts = _round(seed)
        p = Protector(s.cells, s.n_atoms, relations=s.relations)
        live, weight, _e, _t = p._merged_criterion(Criterion.counts(np.minimum(counts, 3), 3))
        plan = p.reduce_for(live & (weight >= 1), 3)
        if plan is not None:
            reduced += 1
            assert plan[1] <= {c.key for c in s.cells if c.key.startswith("b")}
    assert reduced >= 5


def _tie_a_small_set_breaks():
    """Levels L1/L2 and seniority S1/S2 cross units u, v, w. Only unit u (one person at each
    level, same seniority: atoms a and a2) ties the two levels together, so a set holding a
    breaks the only tie. With u withheld, a must stay underivable, yet L1 - (v - S2) = a."""
    # atoms: a = (u, L1, S1), a2 = (u, L2, S1), b1 = (v, L1, S1), b2 = (v, L2, S2), c = (w, L2, S1)
    counts = np.array([1, 1, 10, 8, 9], dtype=np.int64)
    cells = [Cell("total", frozenset(range(5))), Cell("L1", frozenset({0, 2})),
             Cell("L2", frozenset({1, 3, 4})), Cell("S1", frozenset({0, 1, 2, 4})),
             Cell("S2", frozenset({3})), Cell("u", frozenset({0, 1})),
             Cell("v", frozenset({2, 3})), Cell("w", frozenset({4}))]
    relations = [("total", ["u", "v", "w"]), ("total", ["L1", "L2"]), ("total", ["S1", "S2"])]
    return cells, counts, relations


def test_a_tie_that_the_small_set_itself_breaks_keeps_the_table():
    cells, counts, relations = _tie_a_small_set_breaks()
    k = 5
    p = Protector(cells, counts.size, relations=relations)
    live, weight, _e, _t = p._merged_criterion(Criterion.counts(np.minimum(counts, k), k))
    assert [t[1] for t in p._tables()] == [(1, 2)]  # the level table is a candidate
    assert p.reduce_for(live & (weight >= 1), k) is None  # one bucket < need = k
    assert p.reduce_for(live & (weight >= 1), 1) is not None  # (what the mutant does)
    withheld = p.protect(counts, k)
    seen = published_after(cells, withheld, counts)
    assert findings(seen, counts, k, withheld=[c for c in cells if c.key in withheld]) == []


def test_weakening_the_tie_count_lets_a_single_person_through(monkeypatch):
    """Mutant: ties counted once are taken as unbreakable (need = 1 for every question)."""
    cells, counts, relations = _tie_a_small_set_breaks()
    k = 5
    real = Protector.reduce_for

    def weakened(self, witness, need, keep=()):
        return real(self, witness, 1, keep)

    monkeypatch.setattr(suppression.Protector, "reduce_for", weakened)
    p = Protector(cells, counts.size, relations=relations)
    withheld = p.protect(counts, k)
    seen = published_after(cells, withheld, counts)
    assert findings(seen, counts, k, withheld=[c for c in cells if c.key in withheld]), (
        "the weakened rule leaves the levels out, and L1 - v + S2 is one person")


def test_cells_asked_about_keep_their_table():
    """`derivable` never leaves out the table of a cell it is asked about."""
    s, counts = _round(1)
    p = Protector(s.cells, s.n_atoms, relations=s.relations)
    live = counts > 0
    plan = p.reduce_for(p.merge_any(live), 1, keep=["b1=0"])
    assert plan is None or "b1=0" not in plan[1]
    shown = [c.key for c in s.cells if c.key != "b1=0"]
    assert p.derivable(["b1=0"], live, shown) == {"b1=0"}  # total minus the others


@pytest.mark.parametrize(("budget", "rounds"), [(0, 40), (200_000, 0)])
def test_the_conservative_fallbacks_stay_safe_with_the_reduction(monkeypatch, budget, rounds):
    """Found by the property test: with the search cut short (or no rounds) a run falls back to
    withholding what touches a small atom. A reduced run that withheld the total (its tables'
    children all shown, so the total is known anyway) was repeated with the total forced
    published, and that fallback then left total minus the rest showing a small group. Such a
    parent now sends the question to the full structure."""
    monkeypatch.setattr(suppression, "_SEARCH_BUDGET", budget)
    monkeypatch.setattr(suppression, "_MAX_ROUNDS", rounds)
    s = organisation([None, None], [3, 2])
    counts = np.array([1, 4, 0, 0, 1, 1, 1, 1, 1, 4, 1, 4], dtype=np.int64)
    k = 5
    withheld = Protector(s.cells, s.n_atoms, relations=s.relations).protect(counts, k)
    seen = published_after(s.cells, withheld, counts)
    assert findings(seen, counts, k, withheld=[c for c in s.cells if c.key in withheld]) == []
