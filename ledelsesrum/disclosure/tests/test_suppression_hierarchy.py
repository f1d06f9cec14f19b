"""Hierarchy: a parent minus its visible children must never leave a group of 1..k-1."""

from __future__ import annotations

from ledelsesrum.disclosure.lp_audit import attack
from ledelsesrum.disclosure.suppression import Cell, protect

from .lp_harness import assert_safe, findings, organisation, published_after


def _family(counts: list[int]) -> tuple[list[Cell], list[tuple[str, list[str]]]]:
    cells = [Cell("area", frozenset(range(len(counts))))]
    cells += [Cell(f"unit={i}", frozenset([i])) for i in range(len(counts))]
    return cells, [("area", [f"unit={i}" for i in range(len(counts))])]


def test_one_small_child_takes_the_smallest_sibling_with_it():
    cells, relations = _family([2, 6, 7, 30])
    withheld = protect(cells, [2, 6, 7, 30], 5, relations=relations)
    assert withheld == {"unit=0", "unit=1"}  # residual 8 >= 5, and the larger units stay
    assert_safe(published_after(cells, withheld, [2, 6, 7, 30]), [2, 6, 7, 30], 5)


def test_withholding_only_the_small_child_lets_the_attacker_subtract_it():
    cells, _ = _family([2, 6, 7, 30])
    naive = published_after(cells, {"unit=0"}, [2, 6, 7, 30])
    found = attack([c for c, _ in naive], [n for _, n in naive], [2, 6, 7, 30], 5)
    assert [(f.target, f.lower, f.upper) for f in found] == [("atom 0", 2.0, 2.0)]


def test_several_small_siblings_whose_sum_is_below_k_pull_in_a_large_one():
    counts = [1, 2, 1, 10, 12]
    cells, relations = _family(counts)
    withheld = protect(cells, counts, 5, relations=relations)
    assert withheld == {"unit=0", "unit=1", "unit=2", "unit=3"}
    assert_safe(published_after(cells, withheld, counts), counts, 5)


def test_small_siblings_whose_sum_reaches_k_protect_each_other():
    counts = [2, 3, 10, 12]
    cells, relations = _family(counts)
    withheld = protect(cells, counts, 5, relations=relations)
    assert withheld == {"unit=0", "unit=1"}
    assert_safe(published_after(cells, withheld, counts), counts, 5)


def test_the_residual_is_found_without_being_told_the_relation():
    counts = [1, 2, 1, 10, 12]
    cells, _ = _family(counts)
    withheld = protect(cells, counts, 5)
    assert withheld == {"unit=0", "unit=1", "unit=2", "unit=3"}


def test_complements_hold_at_every_level_of_a_deep_tree():
    # 0 -> 1, 2; 1 -> 3, 4; 2 -> 5, 6; leaders sit in 3, 4, 5, 6 (atoms in that order)
    s = organisation([None, 0, 0, 1, 1, 2, 2], [])
    counts = [3, 20, 20, 20]  # unit 3 is small: unit 4 must go, and then unit 1 vs unit 2
    withheld = protect(s.cells, counts, 5, relations=s.relations)
    assert {"unit=3", "unit=4"} <= withheld
    assert ("unit=1" in withheld) == ("unit=2" in withheld)
    seen = published_after(s.cells, withheld, counts)
    hidden = [c for c in s.cells if c.key in withheld]
    assert findings(seen, counts, 5, withheld=hidden) == []
    for parent, kids in s.relations:
        if parent not in withheld:
            residual = sum(sum(counts[a] for a in s.cell(c).atoms) for c in kids if c in withheld)
            assert residual == 0 or residual >= 5


def test_a_lone_small_child_also_hides_its_parent_when_the_parent_is_as_small():
    s = organisation([None, 0, 0], [])  # unit 0 has children 1, 2
    counts = [3, 1]
    withheld = protect(s.cells, counts, 5, relations=s.relations)
    assert {"unit=0", "unit=1", "unit=2", "total"} == withheld
