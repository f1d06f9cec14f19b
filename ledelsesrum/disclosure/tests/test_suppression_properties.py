"""Property: for random organisations, filters and counts, nothing small survives `protect`."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledelsesrum.disclosure import suppression
from ledelsesrum.disclosure.suppression import Cell, protect

from .lp_harness import findings, organisation, published_after


@st.composite
def cases(draw, max_units=7):
    n_units = draw(st.integers(2, max_units))
    parents: list[int | None] = [None]
    for u in range(1, n_units):
        parents.append(draw(st.one_of(st.none(), st.integers(0, u - 1))))
    breakdowns = draw(st.lists(st.integers(2, 3), min_size=0, max_size=2))
    s = organisation(parents, breakdowns, cross=draw(st.booleans()))
    # ad-hoc filters a reader might combine (overlapping and nested segments, trackers)
    for i in range(draw(st.integers(0, 3))):
        atoms = draw(st.sets(st.integers(0, s.n_atoms - 1), min_size=1))
        s.cells.append(Cell(f"filter={i}", frozenset(atoms)))
    if draw(st.booleans()):
        s.relations = []  # protect must find every residual by itself
    small = st.integers(0, 4)
    counts = draw(st.lists(st.one_of(small, small, st.integers(0, 12)),
                           min_size=s.n_atoms, max_size=s.n_atoms))
    k = draw(st.sampled_from([3, 5, 10]))
    return s, counts, k


def _n(cell, counts):
    return sum(counts[a] for a in cell.atoms)


def _assert_safe(s, counts, k, withheld):
    seen = published_after(s.cells, withheld, counts)
    assert all(not (0 < n < k) for _, n in seen)
    hidden = [c for c in s.cells if c.key in withheld]
    # the LP attacker with and without knowing the empty atoms, and the exact union search
    assert findings(seen, counts, k, withheld=hidden, known_zeros=True) == []
    assert findings(seen, counts, k, withheld=hidden, known_zeros=False, unions=False) == []
    by_key = {c.key: c for c in s.cells}
    for parent, kids in s.relations:
        if parent not in withheld:
            residual = sum(_n(by_key[c], counts) for c in kids if c in withheld)
            assert residual == 0 or residual >= k, (parent, residual)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_nothing_small_can_be_published_or_derived(case):
    s, counts, k = case
    _assert_safe(s, counts, k, protect(s.cells, counts, k, relations=s.relations))


@pytest.mark.parametrize(("budget", "rounds"), [(0, 40), (200_000, 0)])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(case=cases(max_units=5))
def test_the_conservative_fallbacks_are_still_safe(monkeypatch, budget, rounds, case):
    monkeypatch.setattr(suppression, "_SEARCH_BUDGET", budget)
    monkeypatch.setattr(suppression, "_MAX_ROUNDS", rounds)
    s, counts, k = case
    _assert_safe(s, counts, k, protect(s.cells, counts, k, relations=s.relations))
