"""The audit's reduced view (`audit_view.View`): breakdown tables left out only where ties that
no dangerous set can break prove they add nothing; the audit still finds what they reveal."""

from __future__ import annotations

import numpy as np

from ledelsesrum.disclosure import audit as audit_mod
from ledelsesrum.disclosure import audit_view
from ledelsesrum.disclosure.audit_view import View

from .test_suppression_tables import _round


def _tie_case():
    """As in test_suppression_tables: only unit u ties level:1 to level:2, and u holds the
    person (atom 0) that level:1 - unit:v + seniority:2 isolates."""
    counts = np.array([1, 1, 10, 8, 9], dtype=np.int64)
    cells = {"total": frozenset(range(5)), "level:1": frozenset({0, 2}),
             "level:2": frozenset({1, 3, 4}), "seniority:1": frozenset({0, 1, 2, 4}),
             "seniority:2": frozenset({3}), "unit:u": frozenset({0, 1}),
             "unit:v": frozenset({2, 3}), "unit:w": frozenset({4})}
    return cells, counts


def _release(cells, counts, withheld, k=5):
    groups = [{"key": key, "responses": {"n": None if key in withheld
                                         else int(sum(counts[a] for a in atoms))}}
              for key, atoms in cells.items()]
    payload = {"thresholds": {"k": k, "sensitive": 10, "open_text": 10},
               "responses": {"n": int(counts.sum())},
               "breakdowns": [{"key": "all", "groups": groups}], "items": [], "scales": []}
    data = audit_mod.RoundData(cells=cells, n_atoms=counts.size, responses=counts,
                               item_counts={}, scale_n={}, scale_off={})
    return data, payload


def test_a_tie_the_small_set_can_break_keeps_the_table():
    cells, counts = _tie_case()
    live = counts > 0
    keys = [k for k in cells if k not in {"unit:u", "unit:w"}]
    kept = View(cells, keys, counts.size, live, live, 5)
    assert kept.dropped == []
    weak = View(cells, keys, counts.size, live, live, 1)
    assert {"level:1", "level:2"} <= set(weak.dropped)


def test_the_audit_finds_what_the_levels_reveal():
    cells, counts = _tie_case()
    data, payload = _release(cells, counts, {"unit:u", "unit:w"})
    report = audit_mod.audit(data, [payload], allowed_reasons={"withheld"})
    assert any(f.kind == "derivable small count" for f in report.findings), report.findings


def test_weakening_the_tie_count_hides_the_leak_from_the_audit(monkeypatch):
    """Mutant: every tie taken as unbreakable (need = 1): the audit then misses the person."""
    cells, counts = _tie_case()
    data, payload = _release(cells, counts, {"unit:u", "unit:w"})
    real = audit_view.View.__init__

    def weakened(self, cells, keys, n_atoms, live, witness, need, atoms_of=None):
        real(self, cells, keys, n_atoms, live, witness, 1, atoms_of)

    monkeypatch.setattr(audit_view.View, "__init__", weakened)
    report = audit_mod.audit(data, [payload], allowed_reasons={"withheld"})
    assert not any(f.kind == "derivable small count" for f in report.findings)


def test_views_of_rounds_with_many_ties_leave_the_tables_out_and_agree():
    """On rounds where the tables do reduce, the audit's verdict on a leaky release (every
    cell shown) and on the release `protect` makes is the same as without the reduction."""
    from ledelsesrum.disclosure.suppression import Protector

    dropped_somewhere = False
    for seed in range(6):
        s, counts = _round(seed)
        cells = {c.key.replace("=", ":"): c.atoms for c in s.cells}
        live = counts > 0
        view = View(cells, list(cells), counts.size, live, live, 3)
        dropped_somewhere |= bool(view.dropped)
        withheld = Protector(s.cells, s.n_atoms, relations=s.relations).protect(counts, 3)
        withheld = {key.replace("=", ":") for key in withheld}
        for shown_withheld in (set(), withheld):
            data, payload = _release(cells, counts, shown_withheld, k=3)
            found = audit_mod.audit(data, [payload], allowed_reasons={"withheld"}).findings
            data.cells = cells
            plain = _audit_without_views(data, payload)
            assert bool(found) == bool(plain), (seed, found, plain)
    assert dropped_somewhere


def _audit_without_views(data, payload):
    """The audit with the view reduced to nothing (no table left out)."""
    real = audit_view._tied
    audit_view._tied = lambda *a, **k: False
    try:
        return audit_mod.audit(data, [payload], allowed_reasons={"withheld"}).findings
    finally:
        audit_view._tied = real
