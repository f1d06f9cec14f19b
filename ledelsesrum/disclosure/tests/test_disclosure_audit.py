"""The independent LP attacker: pins what can be pinned, and nothing else."""

from __future__ import annotations

import pytest

from ledelsesrum.disclosure.lp_audit import (
    attack,
    attack_unions,
    attack_values,
    indicator_in_span,
)
from ledelsesrum.disclosure.suppression import Cell

from .lp_harness import assert_safe, findings

PARENT = Cell("area", frozenset([0, 1, 2]))
KIDS = [Cell(f"unit={i}", frozenset([i])) for i in range(3)]


def test_parent_minus_visible_children_pins_the_hidden_child():
    found = attack([PARENT, KIDS[1], KIDS[2]], [22, 8, 12], [2, 8, 12], 5)
    assert [(f.target, f.lower, f.upper, f.n) for f in found] == [("atom 0", 2.0, 2.0, 2)]


def test_two_hidden_children_give_an_interval_not_a_value():
    found = attack([PARENT, KIDS[2]], [22, 12], [2, 8, 12], 5, targets=[KIDS[0], KIDS[1]])
    assert found == []
    # with a protection margin the interval [0, 10] is wide enough for 9 but not for 10
    assert attack([PARENT, KIDS[2]], [22, 12], [2, 8, 12], 5, margin=9) == []
    assert [f.target for f in attack([PARENT, KIDS[2]], [22, 12], [2, 8, 12], 5, margin=10)] == [
        "atom 0"
    ]


def test_a_withheld_cell_given_as_target_is_reported_when_derivable():
    found = attack([PARENT, KIDS[0], KIDS[2]], [22, 2, 12], [2, 8, 12], 5, targets=[KIDS[1]])
    assert [(f.target, f.lower, f.upper) for f in found] == [("atom 0", 2, 2), ("cell unit=1", 8, 8)]


def test_an_attacker_who_knows_the_empty_atoms_learns_more():
    # "area" = atoms 0 (2 leaders) + 1 (empty); without knowing atom 1 is empty, 0 is in [0, 2]
    cells = [Cell("area", frozenset([0, 1])), Cell("other", frozenset([2]))]
    assert attack(cells, [2, 9], [2, 0, 9], 5) == []
    assert [f.target for f in attack(cells, [2, 9], [2, 0, 9], 5, known_zeros=True)] == ["atom 0"]


def test_inconsistent_published_figures_are_an_error():
    with pytest.raises(ValueError, match="inconsistent"):
        attack([PARENT, KIDS[0]], [5, 9], [2, 8, 12], 5)


def test_means_of_a_hidden_child_follow_from_the_parent_and_the_siblings():
    # sums of a 1..5 item: atom 0 has 2 leaders with mean 1.5
    sums = [3.0, 8 * 2.5, 12 * 4.0]
    published = [PARENT, KIDS[1], KIDS[2]]
    found = attack_values(published, [sum(sums), sums[1], sums[2]], [2, 8, 12], 5,
                          min_value=1, max_value=5)
    assert [(f.target, f.lower, f.upper) for f in found] == [("atom 0", 1.5, 1.5)]


def test_means_of_two_hidden_children_stay_open():
    sums = [3.0, 8 * 2.5, 12 * 4.0]
    found = attack_values([PARENT, KIDS[2]], [sum(sums), sums[2]], [2, 8, 12], 5,
                          min_value=1, max_value=5)
    assert found == []


def test_a_unanimous_group_reveals_every_member_through_its_mean():
    # everyone in the area answered 5: the mean of the small unit is forced to 5 as well
    published = [PARENT, KIDS[1], KIDS[2]]
    found = attack_values([PARENT], [22 * 5.0], [2, 8, 12], 5, min_value=1, max_value=5)
    assert [(f.target, f.lower, f.upper) for f in found] == [("atom 0", 5, 5)]
    assert published  # the same happens whatever else is published


def test_the_union_search_finds_two_small_atoms_revealed_together():
    cells = [Cell("total", frozenset(range(4))), Cell("big", frozenset([2, 3])),
             Cell("level=1", frozenset([0, 2]))]
    counts = [1, 2, 9, 8]
    found = attack_unions(cells, counts, 5)
    assert [(f.target, f.n) for f in found] == [("union atoms 0,1", 3)]
    assert attack(cells, [20, 17, 10], counts, 5) == []  # no single atom is pinned


def test_the_union_search_ignores_unions_of_k_or_more():
    cells = [Cell("total", frozenset(range(3))), Cell("big", frozenset([2]))]
    assert attack_unions(cells, [2, 3, 9], 5) == []


def test_indicator_in_span_is_exact():
    cells = [Cell("a", frozenset([0, 1])), Cell("b", frozenset([1, 2]))]
    assert indicator_in_span(cells, 3, {0, 1})
    assert not indicator_in_span(cells, 3, {1})
    assert indicator_in_span(cells, 3, {0, 1, 2}) is False


def test_the_harness_flags_a_published_small_cell_and_a_wrong_figure():
    cells = [(PARENT, 22), (KIDS[0], 2)]
    assert [f.target for f in findings(cells, [2, 8, 12], 5, unions=False)] == [
        "published unit=0", "atom 0"]
    with pytest.raises(AssertionError, match="true count"):
        assert_safe([(PARENT, 21)], [2, 8, 12], 5)
