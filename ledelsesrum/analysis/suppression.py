"""Disclosure control: which published cells must be withheld so no small group can be worked out.

This is the one place the anonymity rule for counts, means and distributions is decided
(see docs/anonymity.md and /work/shared/ANONYMITY.md). Every results channel calls `protect`.

Model. Every released number is a sum over *atoms*: the smallest groups all published filters
together can isolate. A `Cell` is the set of atoms it sums over; its n is the sum of their counts.
`protect` returns the keys to withhold so that, for what remains published:

(a) no cell has 0 < n < k;
(b) no linear combination of published cells equals the indicator of a set of atoms whose total
    count is between 1 and k-1 (a single small atom, a small cell, "parent minus visible
    children", a union of small siblings, an overlap A + B - (A u B), ...).

The attacker is assumed to know which atoms are empty, so empty atoms are dropped before the
algebra; guarding against that stronger attacker implies (b) for the weaker one.

Algorithm (Statistics Norway's GaussSuppression idea, Langsrud): the primaries (small cells and
small atoms, later also small residual unions) must stay outside the span of the published cells.
Candidates are visited in order of preference to publish; a candidate is withheld exactly when
adding it to the span would pull a primary into it. Then residual relations and an exhaustive
search for any remaining small indicator in the span add primaries, and the pass is rerun until a
fixed point. Arithmetic is exact: sparse integer vectors, fraction-free elimination with gcd
normalisation (no floats, no modulus), so every "is this in the span" answer is a proof.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Cell", "Protector", "protect", "protect_cached"]

# Bounds that keep a pathological structure from running away; hitting them only makes the
# result more conservative (see `_Run.fallback`).
_MAX_ROUNDS = 40
_SEARCH_BUDGET = 200_000  # nodes of the small-indicator search per pass


@dataclass(frozen=True)
class Cell:
    """A published figure: the atoms it sums over, named by a stable key."""

    key: str  # e.g. "area=Børn og Unge", "unit=12", "total"
    atoms: frozenset[int]  # indices into atom_counts


def protect(
    cells: Sequence[Cell],
    atom_counts: Sequence[int],
    k: int,
    *,
    relations: Sequence[tuple[str, Sequence[str]]] = (),
    primary: Iterable[str] = (),
) -> set[str]:
    """Keys of the cells to withhold (primary + complementary).

    `relations` are (parent key, child keys) where the children partition the parent (the unit
    hierarchy, each breakdown table); relations of that form among the cells are also detected.
    `primary` names cells to withhold for a reason other than their count (a unanimous small
    group's mean): they are withheld, and so is whatever would let them be worked out.
    """
    return Protector(cells, len(atom_counts), relations=relations).protect(
        atom_counts, k, primary=primary
    )


_PROTECTORS: OrderedDict[tuple, Protector] = OrderedDict()


def protect_cached(
    cells: Sequence[Cell],
    atom_counts: Sequence[int],
    k: int,
    *,
    relations: Sequence[tuple[str, Sequence[str]]] = (),
) -> set[str]:
    """`protect`, memoised on the cell structure and then on (atom counts, k).

    Many items of a questionnaire share one count pattern; a results run then pays once.
    """
    key = (tuple(cells), len(atom_counts), tuple((p, tuple(ch)) for p, ch in relations))
    protector = _PROTECTORS.get(key)
    if protector is None:
        protector = Protector(cells, len(atom_counts), relations=relations)
        _PROTECTORS[key] = protector
        while len(_PROTECTORS) > 32:
            _PROTECTORS.popitem(last=False)
    else:
        _PROTECTORS.move_to_end(key)
    return protector.protect(atom_counts, k)


class Protector:
    """The precomputed structure of one set of cells; `protect` is memoised per count pattern."""

    def __init__(
        self,
        cells: Sequence[Cell],
        n_atoms: int,
        *,
        relations: Sequence[tuple[str, Sequence[str]]] = (),
    ) -> None:
        self.cells = list(cells)
        self.keys = [c.key for c in self.cells]
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("cell keys must be unique")
        self.n_atoms = n_atoms
        for cell in self.cells:
            if any(a < 0 or a >= n_atoms for a in cell.atoms):
                raise ValueError(f"cell {cell.key!r} refers to an atom outside 0..{n_atoms - 1}")

        # Membership matrix cells x atoms, then merge atoms that lie in exactly the same cells:
        # no published figure can tell them apart, so they act as one atom.
        member = np.zeros((len(self.cells), n_atoms), dtype=np.uint8)
        for i, cell in enumerate(self.cells):
            if cell.atoms:
                member[i, np.fromiter(cell.atoms, dtype=np.int64, count=len(cell.atoms))] = 1
        columns = np.ascontiguousarray(member.T)
        seen: dict[bytes, int] = {}
        group = np.fromiter((seen.setdefault(col.tobytes(), len(seen)) for col in columns),
                            dtype=np.int64, count=n_atoms)
        self.group = group.astype(np.int64)
        self.n_groups = int(self.group.max()) + 1 if n_atoms else 0
        merged = np.zeros((len(self.cells), self.n_groups), dtype=np.int64)
        if n_atoms:
            merged[:, self.group] = member  # identical columns within a group
        self.member = merged  # cells x merged atoms, 0/1
        self.cell_atoms = [np.flatnonzero(row) for row in merged]

        index = {key: i for i, key in enumerate(self.keys)}
        rels: list[tuple[int, tuple[int, ...]]] = []
        for parent, children in relations:
            if parent not in index or any(c not in index for c in children):
                raise ValueError(f"relation {parent!r} names an unknown cell")
            rels.append((index[parent], tuple(index[c] for c in children)))
        rels.extend(self._detect_relations())
        self.relations = list(dict.fromkeys(rels))
        self._memo: dict[tuple[tuple[int, ...], int], frozenset[str]] = {}
        self._all: _Span | None = None

    def structural_span(self) -> _Span:
        """The span of all cells over all atoms: independent of counts, built once."""
        if self._all is None:
            span = _Span(None)
            for atoms in self.cell_atoms:
                r = span.reduce(dict.fromkeys(atoms.tolist(), 1))
                if r:
                    span.publish(r)
            self._all = span
        return self._all

    def _detect_relations(self) -> list[tuple[int, tuple[int, ...]]]:
        """Cells whose maximal proper sub-cells are disjoint and cover them exactly."""
        m = self.member.astype(np.float64)
        if m.size == 0:
            return []
        sizes = m.sum(axis=1)
        inter = m @ m.T  # exact: integers far below 2**53
        subset = inter == sizes[:, None]  # subset[i, j]: cell i is inside cell j
        proper = subset & (sizes[:, None] < sizes[None, :])
        found = []
        for p in range(len(self.cells)):
            subs = np.flatnonzero(proper[:, p])
            if subs.size < 2:
                continue
            # maximal: not a proper subset of another sub-cell of p
            maximal = subs[~proper[np.ix_(subs, subs)].any(axis=1)].tolist()
            cover = m[maximal].sum(axis=0)
            if cover.max(initial=0) <= 1 and np.array_equal(cover, m[p]):
                # identical sub-cells under different keys would double count; keep one each
                found.append((p, tuple(sorted(maximal))))
        return found

    def protect(self, atom_counts: Sequence[int], k: int, *, primary: Iterable[str] = ()) -> set[str]:
        if k < 1:
            raise ValueError("k must be at least 1")
        if len(atom_counts) != self.n_atoms:
            raise ValueError("atom_counts must have one entry per atom")
        counts = np.asarray(atom_counts, dtype=np.int64).reshape(-1)
        if counts.size and counts.min() < 0:
            raise ValueError("atom counts cannot be negative")
        forced = frozenset(primary)
        unknown = forced - set(self.keys)
        if unknown:
            raise ValueError(f"unknown primary cells: {sorted(unknown)}")
        merged = np.bincount(self.group, weights=counts, minlength=self.n_groups).astype(np.int64)
        sensitive = (merged > 0) & (merged < k)
        if not sensitive.any() and not forced:
            return set()  # every cell is 0 or >= k and no subset of atoms is small
        memo_key = (tuple(merged.tolist()), k, forced)
        hit = self._memo.get(memo_key)
        if hit is None:
            index = {key: i for i, key in enumerate(self.keys)}
            hit = frozenset(_Run(self, merged, k, forced={index[key] for key in forced}).solve())
            if len(self._memo) > 256:
                self._memo.clear()
            self._memo[memo_key] = hit
        return set(hit)



Vector = dict[int, int]  # sparse integer vector over merged atoms: atom -> nonzero coefficient


def _primitive(v: Vector) -> Vector:
    """Divide by the gcd of the entries: the same direction with the smallest integers."""
    g = math.gcd(*v.values())
    return v if g == 1 else {j: x // g for j, x in v.items()}


def _direction(v: Vector, skip: int | None = None) -> tuple[tuple[int, int], ...]:
    """Canonical key of the line through v: two vectors share it iff one is a multiple of the other.

    `skip` leaves one coordinate out (a row's own pivot entry).
    """
    items = sorted((j, x) for j, x in v.items() if j != skip)
    g = math.gcd(*(x for _, x in items))
    if items[0][1] < 0:
        g = -g
    return tuple((j, x // g) for j, x in items)


class _Run:
    """One call of `protect` for one count pattern: passes until a fixed point."""

    def __init__(
        self, structure: Protector, merged: np.ndarray, k: int, forced: set[int] | None = None
    ) -> None:
        self.s = structure
        self.k = k
        positive = merged > 0
        self.merged = merged
        self.count = merged.tolist()
        self.sens = (positive & (merged < k)).tolist()
        # Empty atoms are dropped: the attacker is assumed to know them (conservative).
        self.atoms = [a[positive[a]].tolist() for a in structure.cell_atoms]
        self.n = (structure.member @ merged).tolist()
        # Cells named as primary by the caller are treated exactly like small cells (if they hold
        # anyone): withheld, and kept out of the published span.
        self.small = [
            (0 < n < k) or (i in (forced or ()) and n > 0) for i, n in enumerate(self.n)
        ]
        self.n_pos = int(positive.sum())
        self.extra: list[Vector] = []  # residual unions and other small sets found
        self._extra_seen: set[tuple] = set()
        self.forced: set[int] = set()  # cells withheld because a search was cut short
        full = [len(a) == self.n_pos for a in self.atoms]
        self.order = sorted(
            (i for i in range(len(structure.cells)) if not self.small[i]),
            key=lambda i: (not full[i], -self.n[i], structure.keys[i]),
        )

    # -- driver ---------------------------------------------------------------------------------

    def solve(self) -> set[str]:
        if not any(self.small) and self.all_published_is_safe():
            return set()
        for _ in range(_MAX_ROUNDS):
            withheld = self.gauss_pass()
            if not (self.residuals(withheld) or self.small_indicators()):
                return {self.s.keys[i] for i in sorted(withheld)}
        return self.fallback()

    def all_published_is_safe(self) -> bool:
        """Fast path: no cell is small; does publishing everything reveal any small set?

        Reuses the count-independent span of all cells, adds the (known) empty atoms, and runs
        the small-indicator search. Anything it finds is a valid primary for the full run.
        """
        span = self.s.structural_span().copy(self.sens)
        for z in np.flatnonzero(self.merged == 0).tolist():
            r = span.reduce({z: 1})
            if r:
                span.publish(r)
        self._rows = span.rows
        return not self.small_indicators()

    def fallback(self) -> set[str]:
        """Withhold every cell touching a small atom: nothing published can then isolate one."""
        return {
            self.s.keys[i]
            for i, atoms in enumerate(self.atoms)
            if self.small[i] or any(self.sens[a] for a in atoms)
        }

    def add_primary(self, atoms: list[int]) -> bool:
        key = tuple(sorted(atoms))
        if key in self._extra_seen:
            return False
        self._extra_seen.add(key)
        self.extra.append(dict.fromkeys(key, 1))
        return True

    # -- the Gaussian pass ----------------------------------------------------------------------

    def gauss_pass(self) -> set[int]:
        """Publish candidates in order unless one would bring a primary into the published span."""
        span = _Span(self.sens)
        for i in range(len(self.atoms)):
            if self.small[i]:
                span.add_primary(dict.fromkeys(self.atoms[i], 1))
        for v in self.extra:
            span.add_primary(dict(v))
        withheld = {i for i in range(len(self.atoms)) if self.small[i]} | set(self.forced)
        for c in self.order:
            if c in self.forced:
                continue
            r = span.reduce(dict.fromkeys(self.atoms[c], 1))
            if not r:
                continue  # already in the span: publishing adds nothing
            if span.would_reveal(r):
                withheld.add(c)
            else:
                span.publish(r)
        self._rows = span.rows
        return withheld

    # -- residuals ------------------------------------------------------------------------------

    def residuals(self, withheld: set[int]) -> bool:
        """Parent published: the withheld children together must be 0 or at least k."""
        added = False
        for parent, children in self.s.relations:
            if parent in withheld:
                continue
            union = {a for c in children if c in withheld for a in self.atoms[c]}
            total = sum(self.count[a] for a in union)
            if 0 < total < self.k:
                added |= self.add_primary(list(union))
        return added

    # -- exhaustive search for any small indicator left in the span -----------------------------

    def small_indicators(self) -> bool:
        """Find every set T of atoms with 1..k-1 respondents whose indicator is in the span.

        Such a T holds small atoms only, and 1_T is in the span iff the reduced vectors g_i of
        its atoms sum to zero. Search each T from its lowest atom: while the running sum has a
        nonzero entry, some further atom of T must have a nonzero there, so branch over those
        (the entry with fewest choices first). The respondent budget k-1 bounds the depth.
        Found sets become primaries. If the node budget runs out, every cell touching an atom
        whose search was cut short is withheld: that atom is then outside the span entirely.
        """
        rows, sens, count, k = self._rows, self.sens, self.count, self.k
        small = [i for i in range(len(sens)) if sens[i]]
        if not small:
            return False
        scale = math.lcm(*(abs(rows[p][p]) for p in small if p in rows)) if any(
            p in rows for p in small) else 1

        def g(i: int) -> Vector:
            if i not in rows:
                return {i: scale}
            row = rows[i]
            f = scale // row[i]
            return {x: -f * v for x, v in row.items() if x != i}

        vecs = {i: g(i) for i in small}
        # atoms (small ones) whose reduced vector is nonzero at each entry
        holders: defaultdict[int, list[int]] = defaultdict(list)
        for i, v in vecs.items():
            for x in v:
                holders[x].append(i)
        found: list[list[int]] = []
        cut_short: list[int] = []
        budget = [_SEARCH_BUDGET]

        def dfs(low: int, s: Vector, chosen: list[int], used: int) -> bool:
            if budget[0] <= 0:
                return False
            budget[0] -= 1
            room = k - 1 - used
            best = None
            for x in s:
                options = [i for i in holders.get(x, ()) if i > low and count[i] <= room
                           and i not in chosen]
                if not options:
                    return True  # this entry can never cancel
                if best is None or len(options) < len(best):
                    best = options
                    if len(best) == 1:
                        break
            for i in best:
                t = dict(s)
                for x, v in vecs[i].items():
                    y = t.get(x, 0) + v
                    if y:
                        t[x] = y
                    else:
                        del t[x]
                if not t:
                    found.append(chosen + [i])
                elif not dfs(low, t, chosen + [i], used + count[i]):
                    return False
            return True

        for i in small:
            if not vecs[i]:
                found.append([i])  # cannot happen: small atoms are primaries; kept for safety
            elif not dfs(i, vecs[i], [i], count[i]):
                cut_short.append(i)
                budget[0] = _SEARCH_BUDGET  # give the remaining atoms a fair search
        added = False
        for atoms in found:
            added |= self.add_primary(atoms)
        if cut_short:
            bad = set(cut_short)
            self.forced |= {c for c, atoms in enumerate(self.atoms) if bad & set(atoms)}
            added = True
        return added


class _Span:
    """The published span in reduced echelon form, and the primaries reduced modulo it.

    rows[p] has a nonzero at its pivot atom p and zeros at every other pivot; vectors are reduced
    by eliminating pivots, so reduced vectors live on non-pivot atoms. Publishing a reduced
    vector r pulls a primary into the span iff the primary's reduced vector is a multiple of r,
    so reduced primaries are indexed by their direction. A small atom i reduces to e_i while it is
    not a pivot and to a multiple of rows[i] without its pivot entry once it is; those directions
    are indexed too. All arithmetic is on Python integers: exact.
    """

    def __init__(self, sens: list[bool] | None) -> None:
        self.sens = sens  # None: no primaries at all (the structural span)
        self.track = sens is not None  # index the directions of small pivot atoms
        self.rows: dict[int, Vector] = {}
        self.col: defaultdict[int, set[int]] = defaultdict(set)  # atom -> pivots of rows using it
        self.prim: list[Vector] = []
        self.pcol: defaultdict[int, set[int]] = defaultdict(set)
        self.pkey: list[tuple] = []
        self.rkey: dict[int, tuple] = {}
        self.forbidden: dict[tuple, int] = {}

    def copy(self, sens: list[bool]) -> _Span:
        """A copy for one count pattern, to extend and search (no primaries are tracked)."""
        out = _Span(sens)
        out.track = False
        out.rows = {p: dict(v) for p, v in self.rows.items()}
        for x, owners in self.col.items():
            if owners:
                out.col[x] = set(owners)
        return out

    def _count(self, key: tuple, step: int) -> None:
        n = self.forbidden.get(key, 0) + step
        if n:
            self.forbidden[key] = n
        else:
            del self.forbidden[key]

    def _key_row(self, p: int, row: Vector) -> None:
        key = _direction(row, skip=p)
        self.rkey[p] = key
        self._count(key, 1)

    def add_primary(self, v: Vector) -> None:
        r = self.reduce(v)
        if not r:
            raise AssertionError("a primary is already in the span")
        pid = len(self.prim)
        self.prim.append(r)
        key = _direction(r)
        self.pkey.append(key)
        self._count(key, 1)
        for x in r:
            self.pcol[x].add(pid)

    def reduce(self, v: Vector) -> Vector:
        rows = self.rows
        r = v
        for p in [x for x in v if x in rows]:
            f = r.pop(p, 0)
            if not f:
                continue
            row = rows[p]
            a = row[p]
            if a != 1:
                for x in r:
                    r[x] *= a
            for x, c in row.items():
                if x != p:
                    y = r.get(x, 0) - f * c
                    if y:
                        r[x] = y
                    else:
                        r.pop(x, None)
        return _primitive(r) if r else r

    def would_reveal(self, r: Vector) -> bool:
        if len(r) == 1 and self.sens[next(iter(r))]:
            return True  # would isolate a small atom that is not yet a pivot
        return _direction(r) in self.forbidden

    def publish(self, r: Vector) -> None:
        sens, col, pcol = self.sens, self.col, self.pcol
        # pivot on a large atom if possible, with a unit entry and the fewest rows to update
        # (a bounded scan: the choice only affects speed, never the result)
        options = r if len(r) <= 64 else list(itertools.islice(r, 64))
        if sens is None:
            j = min(options, key=lambda x: (abs(r[x]) != 1, len(col.get(x, ())), x))
        else:
            j = min(options, key=lambda x: (sens[x], abs(r[x]) != 1,
                                            len(col.get(x, ())) + len(pcol.get(x, ())), x))
        a = r[j]
        for p in col.pop(j, ()):
            row = self.rows[p]
            added, removed = _eliminate(row, r, j, a)
            for x in removed:
                if x != j:
                    col[x].discard(p)
            for x in added:
                col[x].add(p)
            if self.track and sens[p]:
                self._count(self.rkey[p], -1)
                self._key_row(p, row)
        for pid in pcol.pop(j, ()):
            v = self.prim[pid]
            added, removed = _eliminate(v, r, j, a)
            for x in removed:
                if x != j:
                    pcol[x].discard(pid)
            for x in added:
                pcol[x].add(pid)
            self._count(self.pkey[pid], -1)
            key = _direction(v)
            self.pkey[pid] = key
            self._count(key, 1)
        self.rows[j] = r
        for x in r:
            if x != j:
                col[x].add(j)
        if self.track and sens[j]:
            self._key_row(j, r)


def _eliminate(v: Vector, r: Vector, j: int, a: int) -> tuple[list[int], list[int]]:
    """In place v := a*v - v[j]*r (no entry left at the new pivot j); returns support changes."""
    f = v.pop(j)
    if a != 1:
        for x in v:
            v[x] *= a
    added: list[int] = []
    removed = [j]
    for x, c in r.items():
        if x == j:
            continue
        y = v.get(x, 0) - f * c
        if y:
            if x not in v:
                added.append(x)
            v[x] = y
        elif x in v:
            del v[x]
            removed.append(x)
    if a not in (1, -1) and v:
        g = math.gcd(*v.values())
        if g > 1:
            for x in v:
                v[x] //= g
    return added, removed
