"""Attacker harness: everything one role can see, against the true atom counts.

Channel tests (page, CSV, XLSX, JSON, CLI) collect what they published as (Cell, n) pairs across
all tables and call `findings(...)` or `assert_safe(...)`. The audit is independent of `protect`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ledelsesrum.disclosure.lp_audit import Finding, attack, attack_unions
from ledelsesrum.disclosure.suppression import Cell


def findings(
    seen: Iterable[tuple[Cell, float]],
    atom_counts: Sequence[int],
    k: int,
    *,
    withheld: Sequence[Cell] = (),
    margin: float = 0.0,
    known_zeros: bool = True,
    unions: bool = True,
) -> list[Finding]:
    """Everything the attacker can pin: small atoms, withheld small cells, small unions.

    Also reports any published cell whose n is between 1 and k-1 (rule a), and a published
    figure that disagrees with the true counts (the harness would otherwise audit a fiction).
    """
    seen = list(seen)
    out: list[Finding] = []
    by_atoms: dict[frozenset[int], float] = {}
    for cell, value in seen:
        true_n = sum(atom_counts[a] for a in cell.atoms)
        if abs(value - true_n) > 1e-9:
            raise AssertionError(f"published {cell.key}={value} but the true count is {true_n}")
        if 0 < true_n < k:
            out.append(Finding(f"published {cell.key}", value, value, true_n))
        by_atoms[cell.atoms] = value
    # the same atom set may be shown in several tables; one equation each is enough
    cells = [Cell(f"eq{i}", atoms) for i, atoms in enumerate(by_atoms)]
    values = list(by_atoms.values())
    small_withheld = [c for c in withheld if 0 < sum(atom_counts[a] for a in c.atoms) < k]
    out += attack(cells, values, atom_counts, k, margin=margin, targets=small_withheld,
                  known_zeros=known_zeros)
    if unions:
        out += attack_unions(cells, atom_counts, k, known_zeros=known_zeros)
    return out


def assert_safe(seen: Iterable[tuple[Cell, float]], atom_counts: Sequence[int], k: int, **kw) -> None:
    found = findings(seen, atom_counts, k, **kw)
    assert not found, "disclosure: " + "; ".join(
        f"{f.target} pinned to [{f.lower:g}, {f.upper:g}] (n={f.n})" for f in found
    )


def published_after(cells: Sequence[Cell], withheld: set[str], atom_counts: Sequence[int]):
    """(Cell, n) for every cell not withheld: what a reader sees after `protect`."""
    return [(c, sum(atom_counts[a] for a in c.atoms)) for c in cells if c.key not in withheld]


# -- small builders of realistic cell structures for tests ------------------------------------


@dataclass
class Structure:
    cells: list[Cell] = field(default_factory=list)
    relations: list[tuple[str, list[str]]] = field(default_factory=list)
    n_atoms: int = 0

    def cell(self, key: str) -> Cell:
        return next(c for c in self.cells if c.key == key)


def table(*dims: int) -> tuple[list[tuple[int, ...]], dict[tuple[int, ...], int]]:
    """Atoms of a full cross-classification: one atom per combination."""
    combos = list(itertools.product(*(range(d) for d in dims)))
    return combos, {c: i for i, c in enumerate(combos)}


def two_way(rows: int, cols: int) -> Structure:
    """A rows x cols table with row margins, column margins and the total (atoms = inner cells)."""
    combos, index = table(rows, cols)
    s = Structure(n_atoms=len(combos))
    s.cells.append(Cell("total", frozenset(range(len(combos)))))
    for r in range(rows):
        s.cells.append(Cell(f"r{r}", frozenset(index[(r, c)] for c in range(cols))))
    for c in range(cols):
        s.cells.append(Cell(f"c{c}", frozenset(index[(r, c)] for r in range(rows))))
    for r, c in combos:
        s.cells.append(Cell(f"r{r}c{c}", frozenset([index[(r, c)]])))
    s.relations.append(("total", [f"r{r}" for r in range(rows)]))
    s.relations.append(("total", [f"c{c}" for c in range(cols)]))
    for r in range(rows):
        s.relations.append((f"r{r}", [f"r{r}c{c}" for c in range(cols)]))
    for c in range(cols):
        s.relations.append((f"c{c}", [f"r{r}c{c}" for r in range(rows)]))
    return s


def organisation(parents: list[int | None], breakdowns: list[int], cross: bool = True) -> Structure:
    """Unit tree (parents[i] is the parent of unit i, None for the root's children) where leaders
    sit in leaf units, crossed with breakdown variables of the given number of values.

    Cells: total, every unit (its subtree), every breakdown value, and (cross) every top-level
    unit x first breakdown value. Relations: hierarchy and every table.
    """
    children: dict[int | None, list[int]] = {}
    for u, p in enumerate(parents):
        children.setdefault(p, []).append(u)
    leaves = [u for u in range(len(parents)) if u not in children]
    combos = list(itertools.product(leaves, *(range(b) for b in breakdowns)))
    s = Structure(n_atoms=len(combos))

    def subtree(u: int) -> set[int]:
        out = {u}
        for c in children.get(u, []):
            out |= subtree(c)
        return out

    def top(u: int) -> int:
        while parents[u] is not None:
            u = parents[u]
        return u

    s.cells.append(Cell("total", frozenset(range(len(combos)))))
    for u in range(len(parents)):
        sub = subtree(u)
        s.cells.append(Cell(f"unit={u}", frozenset(i for i, c in enumerate(combos) if c[0] in sub)))
    s.relations.append(("total", [f"unit={u}" for u in children.get(None, [])]))
    for u, kids in children.items():
        if u is not None:
            s.relations.append((f"unit={u}", [f"unit={c}" for c in kids]))
    for d, size in enumerate(breakdowns):
        keys = []
        for v in range(size):
            key = f"b{d}={v}"
            keys.append(key)
            s.cells.append(Cell(key, frozenset(i for i, c in enumerate(combos) if c[1 + d] == v)))
        s.relations.append(("total", keys))
    if cross and breakdowns:
        for t in children.get(None, []):
            keys = []
            for v in range(breakdowns[0]):
                key = f"unit={t}&b0={v}"
                keys.append(key)
                s.cells.append(Cell(key, frozenset(
                    i for i, c in enumerate(combos) if top(c[0]) == t and c[1] == v)))
            s.relations.append((f"unit={t}", keys))
    # drop empty-structure duplicates of keys (a cell with no atoms stays: it publishes 0)
    return s
