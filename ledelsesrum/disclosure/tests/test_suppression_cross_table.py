"""sdcTable's counterexample: two suppressions in every row and column can still leak a cell."""

from __future__ import annotations

from ledelsesrum.disclosure.lp_audit import attack
from ledelsesrum.disclosure.suppression import protect

from .lp_harness import assert_safe, findings, published_after, two_way

# 5 x 5 inner cells, atom = row * 5 + col. The naive pattern below suppresses two 2x2 blocks
# (rows/cols 0-1 and 2-3) joined by the cell (1, 2). Every row and column with a suppression has
# at least two, but (1, 2) is a bridge in the row-column graph of suppressed cells: the sum of
# rows 0 and 1 minus the sum of columns 0 and 1 isolates it.
COUNTS = [
    20, 21, 30, 31, 32,
    22, 23, 3, 33, 34,
    35, 36, 24, 25, 37,
    38, 39, 26, 27, 40,
    41, 42, 43, 44, 45,
]
NAIVE = {"r0c0", "r0c1", "r1c0", "r1c1", "r2c2", "r2c3", "r3c2", "r3c3", "r1c2"}


def _rows_and_columns_with_suppressions(withheld):
    rows, cols = {}, {}
    for key in withheld:
        r, c = key[1], key[3]
        rows[r] = rows.get(r, 0) + 1
        cols[c] = cols.get(c, 0) + 1
    return rows, cols


def test_the_naive_pattern_has_two_suppressions_in_every_row_and_column_it_touches():
    rows, cols = _rows_and_columns_with_suppressions(NAIVE)
    assert min(rows.values()) >= 2 and min(cols.values()) >= 2


def test_the_audit_flags_the_naive_pattern():
    s = two_way(5, 5)
    seen = published_after(s.cells, NAIVE, COUNTS)
    found = attack([c for c, _ in seen], [n for _, n in seen], COUNTS, 5)
    assert [(f.target, f.lower, f.upper, f.n) for f in found] == [("atom 7", 3.0, 3.0, 3)]


def test_protect_returns_a_pattern_the_audit_finds_safe():
    s = two_way(5, 5)
    withheld = protect(s.cells, COUNTS, 5, relations=s.relations)
    assert "r1c2" in withheld
    seen = published_after(s.cells, withheld, COUNTS)
    hidden = [c for c in s.cells if c.key in withheld]
    assert findings(seen, COUNTS, 5, withheld=hidden) == []
    assert findings(seen, COUNTS, 5, withheld=hidden, known_zeros=False) == []
    # and it is economical: one small cell costs a rectangle of four
    assert len(withheld) == 4


def test_protect_also_repairs_the_naive_pattern_when_given_more_primaries():
    # every naive cell treated as sensitive: still nothing derivable afterwards
    counts = list(COUNTS)
    for key in NAIVE:
        counts[int(key[1]) * 5 + int(key[3])] = 2
    s = two_way(5, 5)
    withheld = protect(s.cells, counts, 5, relations=s.relations)
    assert NAIVE <= withheld
    assert_safe(published_after(s.cells, withheld, counts), counts, 5)
