"""Rule (a): a figure for 1..k-1 respondents is withheld; k or more, or none, is shown."""

from __future__ import annotations

import pytest

from ledelsesrum.disclosure.suppression import Cell, Protector, protect, protect_cached

from .lp_harness import assert_safe, published_after


def _units(*sizes: int) -> list[Cell]:
    return [Cell(f"unit={i}", frozenset([i])) for i in range(len(sizes))]


@pytest.mark.parametrize("k", [3, 5, 10])
def test_a_group_of_k_minus_one_is_withheld_and_a_group_of_k_is_shown(k):
    cells = _units(k - 1, k, k + 1)
    withheld = protect(cells, [k - 1, k, k + 1], k)
    assert withheld == {"unit=0"}


def test_nothing_is_withheld_when_no_group_is_small():
    cells = [Cell("total", frozenset(range(3)))] + _units(5, 6, 7)
    assert protect(cells, [5, 6, 7], 5) == set()


def test_a_group_where_nobody_answered_is_shown_as_zero():
    cells = [Cell("total", frozenset(range(3)))] + _units(0, 6, 7)
    withheld = protect(cells, [0, 6, 7], 5)
    assert withheld == set()
    assert_safe(published_after(cells, withheld, [0, 6, 7]), [0, 6, 7], 5)


def test_small_atoms_inside_a_large_cell_do_not_hide_the_cell():
    # two small atoms that no published figure separates act as one group of 6
    cells = [Cell("area=Nord", frozenset([0, 1])), Cell("area=Syd", frozenset([2]))]
    assert protect(cells, [3, 3, 9], 5) == set()


def test_the_count_is_per_item_so_skipped_answers_can_make_a_group_small():
    cells = [Cell("total", frozenset([0, 1])), Cell("unit=0", frozenset([0])),
             Cell("unit=1", frozenset([1]))]
    assert protect(cells, [6, 9], 5) == set()  # item everyone answered
    assert protect(cells, [4, 9], 5) == {"unit=0", "unit=1"}  # two in unit 0 skipped it


@pytest.mark.parametrize(
    ("cells", "counts", "k", "message"),
    [
        (_units(1), [1], 0, "k must be"),
        (_units(1), [-1], 5, "negative"),
        ([Cell("a", frozenset([3]))], [1], 5, "outside"),
        ([Cell("a", frozenset([0])), Cell("a", frozenset([0]))], [1], 5, "unique"),
    ],
)
def test_invalid_input_is_rejected_with_a_clear_error(cells, counts, k, message):
    with pytest.raises(ValueError, match=message):
        protect(cells, counts, k)


def test_counts_for_another_structure_are_rejected():
    with pytest.raises(ValueError, match="one entry per atom"):
        Protector(_units(1), 1).protect([1, 2], 5)


def test_a_relation_naming_an_unknown_cell_is_rejected():
    with pytest.raises(ValueError, match="unknown cell"):
        protect(_units(5), [5], 5, relations=[("total", ["unit=0"])])


def test_the_cached_variant_answers_like_protect_and_reuses_one_structure():
    cells = [Cell("total", frozenset(range(4)))] + _units(1, 2, 3, 4)
    counts = [2, 9, 9, 9]
    first = protect_cached(cells, counts, 5)
    assert first == protect(cells, counts, 5)
    first.add("mutating the answer must not poison the cache")
    assert protect_cached(cells, counts, 5) == protect(cells, counts, 5)
    protector = Protector(cells, 4)
    assert protector.protect(counts, 5) == protector.protect(counts, 5) == protect(cells, counts, 5)
    assert len(protector._memo) == 1


def test_the_result_does_not_depend_on_the_order_of_the_cells():
    cells = [Cell("total", frozenset(range(4)))] + _units(1, 2, 3, 4)
    counts = [2, 9, 9, 9]
    assert protect(cells, counts, 5) == protect(list(reversed(cells)), counts, 5)
