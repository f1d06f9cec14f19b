"""Overlapping and nested segments, and filter trackers, found without being told relations."""

from __future__ import annotations

from ledelsesrum.disclosure.lp_audit import attack_unions
from ledelsesrum.disclosure.suppression import Cell, protect

from .lp_harness import assert_safe, findings, published_after


def _c(key: str, *atoms: int) -> Cell:
    return Cell(key, frozenset(atoms))


def _leaks(cells, withheld, counts, k=5):
    seen = published_after(cells, withheld, counts)
    return findings(seen, counts, k, withheld=[c for c in cells if c.key in withheld])


def test_a_and_b_and_their_union_would_reveal_the_overlap():
    # atoms: only A (10), A and B (2), only B (10)
    cells = [_c("A", 0, 1), _c("B", 1, 2), _c("A|B", 0, 1, 2)]
    counts = [10, 2, 10]
    assert {f.target for f in _leaks(cells, set(), counts)} == {"atom 1", "union atoms 1"}
    withheld = protect(cells, counts, 5)
    assert len(withheld) == 1
    assert _leaks(cells, withheld, counts) == []


def test_an_overlap_of_two_small_groups_is_protected_as_a_union():
    # The overlap is two atoms (1 + 2 leaders) that a level table tells apart, so neither is
    # derivable alone, but A + B - (A|B) gives their sum, 3. Atoms: only A at level 1 and 2
    # (0, 1), both at level 1 and 2 (2, 3), only B at level 1 and 2 (4, 5).
    cells = [_c("A", 0, 1, 2, 3), _c("B", 2, 3, 4, 5), _c("A|B", *range(6)),
             _c("level=1", 0, 2, 4), _c("level=2", 1, 3, 5)]
    counts = [5, 5, 1, 2, 5, 5]
    assert [f.target for f in _leaks(cells, set(), counts)] == ["union atoms 2,3"]
    assert [f.target for f in attack_unions(cells, counts, 5)] == ["union atoms 2,3"]
    withheld = protect(cells, counts, 5)
    assert withheld
    assert _leaks(cells, withheld, counts) == []


def test_nested_segments_whose_difference_is_small_are_not_both_shown():
    # "leaders in area Nord" and "leaders in area Nord with more than 2 years": 3 differ,
    # spread over two atoms (two units) that the unit table tells apart.
    cells = [_c("area=Nord", 0, 1, 2, 3), _c("area=Nord&seniority>2", 2, 3),
             _c("unit=1", 0, 2), _c("unit=2", 1, 3)]
    counts = [1, 2, 9, 8]
    assert _leaks(cells, set(), counts)
    withheld = protect(cells, counts, 5)
    assert _leaks(cells, withheld, counts) == []
    assert not {"area=Nord", "area=Nord&seniority>2"} <= set(c.key for c in cells) - withheld


def test_a_filter_tracker_cannot_isolate_a_small_group():
    # small group T (2) padded with a large group P (30); the reader may ask for T|P and for P
    cells = [_c("T|P", 0, 1), _c("P", 1), _c("Q", 2), _c("total", 0, 1, 2)]
    counts = [2, 30, 25]
    assert {f.target for f in _leaks(cells, set(), counts)} == {"atom 0", "union atoms 0"}
    withheld = protect(cells, counts, 5)
    assert _leaks(cells, withheld, counts) == []
    assert_safe(published_after(cells, withheld, counts), counts, 5)


def test_self_reported_education_crossed_with_unit_is_protected_in_both_tables():
    # unit (3) x education (2); the education table and the unit table are both published,
    # and unit 0 has a single leader without a leadership education
    cells = [_c("total", *range(6))]
    cells += [_c(f"unit={u}", 2 * u, 2 * u + 1) for u in range(3)]
    cells += [_c(f"education={e}", e, 2 + e, 4 + e) for e in range(2)]
    cells += [_c(f"unit={u}&education={e}", 2 * u + e) for u in range(3) for e in range(2)]
    counts = [1, 9, 6, 7, 8, 12]
    withheld = protect(cells, counts, 5)
    assert "unit=0&education=0" in withheld
    assert _leaks(cells, withheld, counts) == []
