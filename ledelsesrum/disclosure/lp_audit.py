"""Independent audit: what can an attacker who sees the published cells work out?

Deliberately shares no code with `suppression` (only the `Cell` record): it takes everything one
role can see and, with linear programming, computes the tightest interval an attacker can pin each
sensitive atom, each withheld cell and (with integer programming) any small union of atoms to.
This is the pattern of sdcTable's `attack()`.

The LPs are the continuous relaxation (counts >= 0, no integrality): an attacker who also uses
integrality can at most shrink an interval to the integers inside it, so a finding is reported
when the interval is narrower than `margin`; use a margin just below 1 to flag intervals that hold a
single integer. Solver tolerances are handled by a small epsilon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .suppression import Cell

__all__ = [
    "Finding", "attack", "attack_linear", "attack_values", "attack_unions", "indicator_in_span",
]

_EPS = 1e-6


@dataclass
class Finding:
    target: str  # "atom 3", "cell unit=12" or "union atoms 1,4"
    lower: float  # the interval an attacker can pin the count (or mean) to
    upper: float
    n: int  # the true number of respondents behind the target


def _matrix(published: Sequence[Cell], n_atoms: int) -> np.ndarray:
    a = np.zeros((len(published), n_atoms))
    for i, cell in enumerate(published):
        for atom in cell.atoms:
            a[i, atom] = 1.0
    return a


def _interval(c: np.ndarray, a: np.ndarray, b: np.ndarray, bounds) -> tuple[float, float]:
    """min and max of c.x subject to a x = b and the bounds; +inf when unbounded."""
    kw = {"A_eq": a, "b_eq": b} if a.shape[0] else {}
    lo = linprog(c, bounds=bounds, method="highs", **kw)
    hi = linprog(-c, bounds=bounds, method="highs", **kw)
    if lo.status == 2 or hi.status == 2:
        raise ValueError("the published figures are inconsistent with each other")
    lower = lo.fun if lo.status == 0 else -np.inf
    upper = -hi.fun if hi.status == 0 else np.inf
    return float(lower), float(upper)


def attack(
    published: Sequence[Cell],
    published_values: Sequence[float],
    atom_counts: Sequence[int],
    k: int,
    *,
    margin: float = 0.0,
    targets: Sequence[Cell] = (),
    known_zeros: bool = False,
) -> list[Finding]:
    """Pin sensitive atoms (0 < n < k) and the given withheld cells from the published counts.

    `known_zeros=True` models an attacker who also knows which atoms are empty (e.g. from the
    organisation chart); `protect` defends against that stronger attacker.
    """
    counts = np.asarray(atom_counts, dtype=float)
    n_atoms = counts.size
    a = _matrix(published, n_atoms)
    b = np.asarray(published_values, dtype=float)
    bounds = [(0.0, 0.0) if known_zeros and counts[i] == 0 else (0.0, None) for i in range(n_atoms)]
    findings: list[Finding] = []
    goals: list[tuple[str, np.ndarray, int]] = []
    for i in range(n_atoms):
        if 0 < counts[i] < k:
            e = np.zeros(n_atoms)
            e[i] = 1.0
            goals.append((f"atom {i}", e, int(counts[i])))
    for cell in targets:
        c = np.zeros(n_atoms)
        c[list(cell.atoms)] = 1.0
        goals.append((f"cell {cell.key}", c, int(c @ counts)))
    for name, c, n in goals:
        lower, upper = _interval(c, a, b, bounds)
        if upper - lower <= margin + _EPS:
            findings.append(Finding(name, lower, upper, n))
    return findings


def attack_values(
    published: Sequence[Cell],
    published_sums: Sequence[float],
    atom_counts: Sequence[int],
    k: int,
    *,
    min_value: float,
    max_value: float,
    margin: float = 0.0,
    targets: Sequence[Cell] = (),
) -> list[Finding]:
    """Pin the mean of sensitive atoms and withheld cells from published sums (n x mean).

    Counts are taken as known to the attacker (worst case); each atom's sum lies in
    [min_value * n, max_value * n]. Findings report the interval of the mean.
    """
    counts = np.asarray(atom_counts, dtype=float)
    n_atoms = counts.size
    a = _matrix(published, n_atoms)
    b = np.asarray(published_sums, dtype=float)
    bounds = [(min_value * n, max_value * n) for n in counts]
    findings: list[Finding] = []
    goals: list[tuple[str, np.ndarray, int]] = []
    for i in range(n_atoms):
        if 0 < counts[i] < k:
            e = np.zeros(n_atoms)
            e[i] = 1.0
            goals.append((f"atom {i}", e, int(counts[i])))
    for cell in targets:
        c = np.zeros(n_atoms)
        c[list(cell.atoms)] = 1.0
        if c @ counts > 0:
            goals.append((f"cell {cell.key}", c, int(c @ counts)))
    for name, c, n in goals:
        lower, upper = _interval(c, a, b, bounds)
        lower, upper = lower / n, upper / n
        if upper - lower <= margin + _EPS:
            findings.append(Finding(name, lower, upper, n))
    return findings


def attack_unions(
    published: Sequence[Cell],
    atom_counts: Sequence[int],
    k: int,
    *,
    known_zeros: bool = True,
    limit: int = 5,
) -> list[Finding]:
    """Sets of atoms with 1..k-1 respondents whose count is a linear function of published cells.

    Integer program: binary v (the set), free y (weights of published cells), v = A^T y on the
    atoms the attacker cannot rule out, 1 <= counts.v <= k-1. Each solution is confirmed in exact
    arithmetic (so a solver tolerance cannot invent a finding) and cut off to find the next.
    """
    counts = np.asarray(atom_counts, dtype=np.int64)
    live = np.flatnonzero(counts > 0) if known_zeros else np.arange(counts.size)
    a = _matrix(published, counts.size)[:, live]  # cells x live atoms
    n_live, n_pub = live.size, len(published)
    if not n_live or k <= 1:
        return []
    # variables: v (n_live, binary), y (n_pub, free)
    eq = np.hstack([np.eye(n_live), -a.T])
    size_row = np.concatenate([counts[live].astype(float), np.zeros(n_pub)])
    rows = [LinearConstraint(eq, 0.0, 0.0), LinearConstraint(size_row[None, :], 1.0, k - 1.0)]
    integrality = np.concatenate([np.ones(n_live), np.zeros(n_pub)])
    bounds = Bounds(
        np.concatenate([np.zeros(n_live), np.full(n_pub, -np.inf)]),
        np.concatenate([np.ones(n_live), np.full(n_pub, np.inf)]),
    )
    findings: list[Finding] = []
    cuts: list[LinearConstraint] = []
    for _ in range(limit):
        res = milp(np.zeros(n_live + n_pub), constraints=rows + cuts, integrality=integrality, bounds=bounds)
        if res.status != 0 or res.x is None:
            break
        chosen = np.flatnonzero(res.x[:n_live] > 0.5)
        cut = np.zeros(n_live + n_pub)
        cut[chosen] = 1.0
        cuts.append(LinearConstraint(cut[None, :], -np.inf, chosen.size - 1.0))
        atoms = live[chosen]
        ignore = set(np.flatnonzero(counts == 0).tolist()) if known_zeros else None
        if not indicator_in_span(published, counts.size, set(atoms.tolist()), ignore=ignore):
            continue
        n = int(counts[atoms].sum())
        findings.append(Finding("union atoms " + ",".join(map(str, atoms)), n, n, n))
    return findings


def indicator_in_span(
    published: Sequence[Cell], n_atoms: int, atoms: set[int], *, ignore: set[int] | None = None
) -> bool:
    """Exact test: is the indicator of `atoms` a rational combination of the published cells?

    Coordinates in `ignore` (atoms known to be empty) are left out of the comparison.
    """
    keep = [i for i in range(n_atoms) if not ignore or i not in ignore]
    rows = [[Fraction(1 if i in cell.atoms else 0) for i in keep] for cell in published]
    target = [Fraction(1 if i in atoms else 0) for i in keep]
    return _rank(rows + [target]) == _rank(rows)


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows if any(r)]
    rank = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        p = rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                f = rows[i][col] / p[col]
                rows[i] = [x - f * y for x, y in zip(rows[i], p, strict=True)]
        rank += 1
    return rank


def attack_linear(
    published: Sequence[Cell],
    atom_counts: Sequence[int],
    k: int,
    *,
    targets: Sequence[Cell] = (),
    tolerance: float = 1e-7,
) -> list[Finding]:
    """The same question as `attack` with ``known_zeros=True`` and ``margin=0``, answered with
    linear algebra instead of two LPs per target — fast enough to audit every release.

    Why it is the same answer: the true counts are a feasible point of the attacker's polytope
    {x >= 0, published sums = published values, empty atoms = 0} in which every non-empty atom is
    at least 1, so that point lies in the polytope's relative interior. A linear function is then
    constant on the polytope exactly when it is constant on its affine hull, i.e. when its vector
    lies in the row space of the published incidence matrix (restricted to non-empty atoms).
    A target is pinned iff its indicator's projection onto that row space equals itself.
    The tolerance only decides float noise (entries are 0/1); a test checks agreement with the LPs.
    """
    counts = np.asarray(atom_counts, dtype=np.int64).reshape(-1)
    support = np.flatnonzero(counts > 0)
    sensitive = [int(a) for a in support if counts[a] < k]
    if not published or (not sensitive and not targets) or support.size == 0:
        return []
    x = _matrix(published, counts.size)[:, support]
    if not x.any():
        return []
    # Orthonormal basis of the row space of x (the span of published cells over the atoms).
    _, sv, vt = np.linalg.svd(x, full_matrices=False)
    rank = int((sv > sv.max() * max(x.shape) * 1e-12).sum())
    basis = vt[:rank]  # rank × |support|
    position = {int(a): j for j, a in enumerate(support)}
    findings: list[Finding] = []
    # An atom's unit vector lies in the row space iff its squared projection length is 1.
    leverage = (basis**2).sum(axis=0)
    for atom in sensitive:
        if leverage[position[atom]] > 1.0 - tolerance:
            n = int(counts[atom])
            findings.append(Finding(f"atom {atom}", float(n), float(n), n))
    for cell in targets:
        members = [position[a] for a in cell.atoms if a in position]
        n = int(sum(counts[a] for a in cell.atoms))
        if not members or not 0 < n < k:
            continue
        vec = np.zeros(support.size)
        vec[members] = 1.0
        residual = vec - basis.T @ (basis @ vec)
        if float(np.abs(residual).max()) < tolerance * 10:
            findings.append(Finding(f"cell {cell.key}", float(n), float(n), n))
    return findings
