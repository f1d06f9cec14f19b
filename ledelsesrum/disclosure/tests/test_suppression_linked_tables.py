"""Linked tables: area, level and area x level tables share the total and the atoms."""

from __future__ import annotations

from ledelsesrum.disclosure.lp_audit import attack
from ledelsesrum.disclosure.suppression import Cell, protect

from .lp_harness import assert_safe, published_after, two_way

# 3 areas x 3 levels; atom index = area * 3 + level
COUNTS = [
    12, 2, 9,   # area 0: level 1 has two leaders
    8, 10, 7,
    11, 6, 14,
]


def _tables(with_cross: bool) -> tuple[list[Cell], list[tuple[str, list[str]]]]:
    s = two_way(3, 3)
    cells = [c for c in s.cells if with_cross or len(c.atoms) > 1]
    keys = {c.key for c in cells}
    relations = [(p, kids) for p, kids in s.relations if p in keys and set(kids) <= keys]
    return cells, relations


def test_margins_alone_reveal_nothing_and_are_all_shown():
    cells, relations = _tables(with_cross=False)
    assert protect(cells, COUNTS, 5, relations=relations) == set()


def test_a_small_cross_cell_is_protected_in_both_directions():
    cells, relations = _tables(with_cross=True)
    withheld = protect(cells, COUNTS, 5, relations=relations)
    assert "r0c1" in withheld
    # at least one more cell in its row and in its column, and all margins stay visible
    assert any(k.startswith("r0c") and k != "r0c1" for k in withheld)
    assert any(k.startswith("r") and k.endswith("c1") and k != "r0c1" for k in withheld)
    assert not {"total", "r0", "r1", "r2", "c0", "c1", "c2"} & withheld
    assert_safe(published_after(cells, withheld, COUNTS), COUNTS, 5)


def test_hiding_the_small_cell_only_in_its_row_still_leaks_it_through_the_column():
    cells, _ = _tables(with_cross=True)
    naive = {"r0c1", "r0c0"}  # protects the row, forgets the column
    seen = published_after(cells, naive, COUNTS)
    found = attack([c for c, _ in seen], [n for _, n in seen], COUNTS, 5)
    assert [f.target for f in found] == ["atom 1"]


def test_a_cell_withheld_in_one_table_is_withheld_under_every_other_name():
    cells, relations = _tables(with_cross=True)
    # the same group published again in another table (e.g. "unit=7" == "area 0, level 1")
    cells = cells + [Cell("unit=7", frozenset([1]))]
    withheld = protect(cells, COUNTS, 5, relations=relations)
    assert {"r0c1", "unit=7"} <= withheld
