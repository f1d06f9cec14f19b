"""The fast linear audit must find exactly what the LP audit finds (empty atoms known, margin 0)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledelsesrum.disclosure.lp_audit import attack, attack_linear
from ledelsesrum.disclosure.suppression import Cell


def _pinned(findings):
    return {f.target for f in findings}


@st.composite
def structures(draw):
    n_atoms = draw(st.integers(2, 9))
    counts = draw(st.lists(st.integers(0, 6), min_size=n_atoms, max_size=n_atoms))
    n_cells = draw(st.integers(1, 8))
    cells = []
    for i in range(n_cells):
        atoms = draw(st.frozensets(st.integers(0, n_atoms - 1), min_size=1, max_size=n_atoms))
        cells.append(Cell(f"c{i}", atoms))
    published = draw(st.lists(st.sampled_from(cells), unique_by=lambda c: c.key, min_size=1))
    targets = [c for c in cells if c not in published]
    return published, counts, targets


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures(), st.sampled_from([3, 5]))
def test_linear_audit_agrees_with_the_lp_audit(structure, k):
    published, counts, targets = structure
    # As in a release audit: the withheld cells that hold 1..k-1 respondents.
    targets = [c for c in targets if 0 < sum(counts[a] for a in c.atoms) < k]
    values = [float(sum(counts[a] for a in c.atoms)) for c in published]
    lp = attack(published, values, counts, k, targets=targets, known_zeros=True)
    linear = attack_linear(published, counts, k, targets=targets)
    assert _pinned(linear) == _pinned(lp)


def test_parent_minus_visible_child_is_found():
    # Parent of 9 = child A (6) + child B (3): publishing parent and A pins B.
    parent = Cell("parent", frozenset({0, 1}))
    a = Cell("a", frozenset({0}))
    b = Cell("b", frozenset({1}))
    found = attack_linear([parent, a], [6, 3], 5, targets=[b])
    assert {"atom 1", "cell b"} <= _pinned(found)


def test_two_hidden_siblings_are_safe():
    parent = Cell("parent", frozenset({0, 1, 2}))
    a = Cell("a", frozenset({0}))
    assert attack_linear([parent, a], [6, 3, 4], 5) == []
