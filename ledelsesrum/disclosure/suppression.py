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

import heapq
import itertools
import math
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .rows import column_signatures, unique_rows

__all__ = ["CannotProtect", "Cell", "Criterion", "Protector", "protect", "protect_cached"]

# Bounds that keep a pathological structure from running away; hitting them only makes the
# result more conservative (see `_Run.fallback`).
_MAX_ROUNDS = 40
_SEARCH_BUDGET = 200_000  # nodes of the small-indicator search per pass
_DENSE = 64  # a reduced vector longer than this is "dense" in the search


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
    hierarchical: bool = True,
) -> set[str]:
    """Keys of the cells to withhold (primary + complementary).

    `relations` are (parent key, child keys) where the children partition the parent (the unit
    hierarchy, each breakdown table); relations of that form among the cells are also detected.
    `primary` names cells to withhold for a reason other than their count (a unanimous small
    group's mean): they are withheld, and so is whatever would let them be worked out.
    """
    return Protector(cells, len(atom_counts), relations=relations,
                     hierarchical=hierarchical).protect(atom_counts, k, primary=primary)


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


class CannotProtect(Exception):
    """Figures that are already public (an earlier release) reveal a protected set by themselves."""


@dataclass(frozen=True)
class Criterion:
    """Which sets of atoms must stay out of the published span, per atom of the structure.

    A set T of live atoms is *dangerous* when ``sum(weight[T]) <= budget`` and T holds a target
    atom. Counts (rule b): weight = respondents, budget = k - 1, every small atom a target.
    Near-unanimity of a sum: weight = the distance of the atom's sum from the scale's bound,
    budget = 1, targets = atoms with fewer than 2k answers. ``live`` atoms are the non-empty
    ones; the others are taken as known to be empty (the stronger attacker).
    """

    live: np.ndarray  # bool per atom
    weight: np.ndarray  # int per atom (>= 0)
    budget: int
    target: np.ndarray | None = None  # bool per atom; None = every eligible atom

    @classmethod
    def counts(cls, atom_counts: Sequence[int] | np.ndarray, k: int) -> Criterion:
        c = np.asarray(atom_counts, dtype=np.int64).reshape(-1)
        return cls(c > 0, c, k - 1, None)

    def key(self) -> tuple:
        t = None if self.target is None else np.packbits(self.target).tobytes()
        return (np.packbits(self.live).tobytes(), self.weight.tobytes(), self.budget, t)


class Protector:
    """The precomputed structure of one set of cells; `protect` is memoised per pattern.

    Everything structural is sparse (cells x atoms in CSR): a national round of ~20,000 units
    and ~260,000 atoms fits in a few hundred MB.
    """

    def __init__(
        self,
        cells: Sequence[Cell],
        n_atoms: int,
        *,
        relations: Sequence[tuple[str, Sequence[str]]] = (),
        detect: bool = True,
        hierarchical: bool = True,
        reduce_tables: bool = True,
    ) -> None:
        # hierarchical: try hierarchical suppression on the laminar cells with a proof first
        # (fast at any size); False: always the Gaussian method (the reference test's).
        self.hierarchical = hierarchical
        # reduce_tables: answer questions on a smaller structure where a breakdown table that
        # crosses the tree provably adds no dangerous set (see `table_reduction`).
        self.reduce_tables = reduce_tables
        self.cells = list(cells)
        self.keys = [c.key for c in self.cells]
        if len(set(self.keys)) != len(self.keys):
            raise ValueError("cell keys must be unique")
        self.n_atoms = n_atoms
        indptr = [0]
        indices: list[int] = []
        for cell in self.cells:
            atoms = sorted(cell.atoms)
            if atoms and (atoms[0] < 0 or atoms[-1] >= n_atoms):
                raise ValueError(f"cell {cell.key!r} refers to an atom outside 0..{n_atoms - 1}")
            indices.extend(atoms)
            indptr.append(len(indices))
        member = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.int8), np.asarray(indices, dtype=np.int64),
             np.asarray(indptr, dtype=np.int64)), shape=(len(self.cells), n_atoms))
        # Merge atoms that lie in exactly the same cells: no published figure can tell them
        # apart, so they act as one atom.
        csc = member.tocsc()
        csc.sort_indices()
        seen: dict[bytes, int] = {}
        ind, ptr = csc.indices, csc.indptr
        group = np.fromiter(
            (seen.setdefault(ind[ptr[a]:ptr[a + 1]].tobytes(), len(seen)) for a in range(n_atoms)),
            dtype=np.int64, count=n_atoms)
        self.group = group
        self.n_groups = len(seen)
        onehot = sparse.csr_matrix(
            (np.ones(n_atoms, dtype=np.int8), (np.arange(n_atoms), group)),
            shape=(n_atoms, self.n_groups))
        merged = (member @ onehot).tocsr()
        merged.data[:] = 1
        merged.sort_indices()
        self.member = merged  # cells x merged atoms, 0/1 (sparse)
        self.cell_atoms = [merged.indices[merged.indptr[i]:merged.indptr[i + 1]].copy()
                           for i in range(len(self.cells))]

        index = {key: i for i, key in enumerate(self.keys)}
        rels: list[tuple[int, tuple[int, ...]]] = []
        for parent, children in relations:
            if parent not in index or any(c not in index for c in children):
                raise ValueError(f"relation {parent!r} names an unknown cell")
            rels.append((index[parent], tuple(index[c] for c in children)))
        if detect:
            rels.extend(self._detect_relations())
        self.relations = list(dict.fromkeys(rels))
        self._memo: dict[tuple, frozenset[str]] = {}
        self._all: _Span | None = None
        self.runs = 0  # full (non-memoised, non-trivial) runs, for benchmarks

    @property
    def laminar(self) -> list[bool]:
        """Per cell: part of the largest laminar family found (the unit tree, typically).

        Cells that partially overlap others are set aside, the most conflicting first, until
        no two remaining cells overlap partially. Structural, computed once.
        """
        cached = self.__dict__.get("_laminar")
        if cached is not None:
            return cached
        m = self.member.astype(np.int32)
        sizes = np.diff(m.indptr)
        inter = sparse.coo_matrix(m @ m.T)
        conflicts: dict[int, set[int]] = defaultdict(set)
        for i, j, v in zip(inter.row.tolist(), inter.col.tolist(), inter.data.tolist(),
                           strict=True):
            if i < j and 0 < v < min(sizes[i], sizes[j]):
                conflicts[i].add(j)
                conflicts[j].add(i)
        flags = [True] * len(self.cells)
        heap = [(-len(v), i) for i, v in conflicts.items()]
        heapq.heapify(heap)
        while heap:
            neg, i = heapq.heappop(heap)
            if not flags[i] or -neg != len(conflicts[i]):
                if flags[i] and conflicts[i]:
                    heapq.heappush(heap, (-len(conflicts[i]), i))
                continue
            if not conflicts[i]:
                continue
            flags[i] = False
            for j in conflicts.pop(i):
                conflicts[j].discard(i)
        self.__dict__["_laminar"] = flags
        return flags

    def _tree(self):
        """The laminar cells as a tree: parent per cell, and each cell's own atoms (those whose
        smallest laminar cell it is); structural, computed once."""
        cached = self.__dict__.get("_tree_cache")
        if cached is not None:
            return cached
        flags = self.laminar
        order = sorted((i for i in range(len(self.cells)) if flags[i]),
                       key=lambda i: -len(self.cell_atoms[i]))
        owner = np.full(self.n_groups, -1, dtype=np.int64)
        parent = {}
        for c in order:
            atoms = self.cell_atoms[c]
            if atoms.size == 0:
                parent[c] = -1
                continue
            parent[c] = int(owner[atoms[0]])
            owner[atoms] = c
        groups = defaultdict(list)
        for a, c in enumerate(owner.tolist()):
            groups[c].append(a)
        own = {c: np.asarray(groups.get(c, []), dtype=np.int64) for c in order}
        cached = (order, parent, own)
        self.__dict__["_tree_cache"] = cached
        self.__dict__["_owner"] = owner
        return cached

    def quick_dangerous(self, shown: Sequence[int], live: np.ndarray, weight: np.ndarray,
                        eligible: np.ndarray, target: np.ndarray, budget: int) -> bool | None:
        """Is a dangerous set in the span of ``shown``? Exact when `blocks_within` can tell
        (whole blocks only), else the laminar certificate's proof of "no", else None."""
        inside = eligible & live
        blocks = self.blocks_within(shown, live, inside)
        if blocks is not None:
            return any(int(weight[b].sum()) <= budget and bool(target[b].any()) for b in blocks)
        flags = self.laminar
        atoms = [self.cell_atoms[i][live[self.cell_atoms[i]]].tolist() for i in shown]
        if laminar_certificate(atoms, np.where(live, weight, 0).tolist(), budget,
                               (target & live).tolist(), laminar_flags=[flags[i] for i in shown]):
            return False
        return None

    def blocks_within(self, shown: Iterable[int], live: np.ndarray,
                      inside: np.ndarray) -> list[np.ndarray] | None:
        """The vectors of the shown cells' span that live on ``inside`` atoms only, exactly —
        when they are just whole blocks; None when the other cells add more (unknown here).

        Blocks are the live atoms grouped by their smallest *shown* laminar cell. A vector of
        the span is sum(z_b 1_b) + sum(y_n 1_n) over blocks b and the other shown cells n;
        writing v(a) for an atom's membership of those cells, it vanishes off ``inside`` iff y
        makes v·y constant on every block's atoms outside ``inside`` (and zero on atoms in no
        block). If those constraints have the same rank as the constraints over *all* atoms,
        then v·y is constant on whole blocks too, so the vector is a combination of blocks
        lying inside. Returns those blocks (member atoms, merged indices). All exact.
        """
        order, parent, _own = self._tree()
        owner = self.__dict__["_owner"]
        flags = self.laminar
        shown = set(shown)
        others = [i for i in sorted(shown) if not flags[i] and self.cell_atoms[i].size]
        if len(others) > 62:
            return None
        # each laminar cell -> its nearest shown laminar ancestor (itself if shown)
        up: dict[int, int] = {}
        for c in order:  # parents come first
            if c in shown:
                up[c] = c
            else:
                p = parent[c]
                up[c] = up.get(p, -1) if p >= 0 else -1
        eff = np.fromiter((up.get(int(o), -1) if o >= 0 else -1 for o in owner.tolist()),
                          dtype=np.int64, count=owner.size)
        mask = np.zeros(self.n_groups, dtype=np.int64)
        for j, c in enumerate(others):
            mask[self.cell_atoms[c]] |= np.int64(1) << np.int64(j)
        atoms = np.flatnonzero(live)
        if atoms.size == 0:
            return []
        a_eff, a_mask, a_in = eff[atoms], mask[atoms], inside[atoms]

        def constraint_rows(select: np.ndarray) -> set[tuple[int, int]]:
            """(mask, rep mask) pairs: v(a) - v(rep) within blocks, v(a) outside blocks."""
            idx = np.flatnonzero(select)
            if idx.size == 0:
                return set()
            e, m = a_eff[idx], a_mask[idx]
            rows: set[tuple[int, int]] = set()
            out = e < 0
            rows.update((int(x), 0) for x in np.unique(m[out]).tolist())
            blk = ~out
            if blk.any():
                eb, mb = e[blk], m[blk]
                uniq, first = np.unique(eb, return_index=True)
                rep = mb[first][np.searchsorted(uniq, eb)]
                diff = mb != rep
                pairs = np.unique(np.stack([mb[diff], rep[diff]], axis=1), axis=0)
                rows.update((int(x), int(y)) for x, y in pairs.tolist())
            return rows

        width = len(others)

        def vectors(rows: set[tuple[int, int]]) -> list[tuple[int, ...]]:
            return [tuple(((x >> j) & 1) - ((y >> j) & 1) for j in range(width)) for x, y in rows]

        full = _rank_exact(vectors(constraint_rows(np.ones(atoms.size, dtype=bool))))
        part = _rank_exact(vectors(constraint_rows(~a_in)))
        if full != part:
            return None
        # whole blocks inside
        out: list[np.ndarray] = []
        order_idx = np.argsort(a_eff, kind="stable")
        e_sorted = a_eff[order_idx]
        bounds = np.flatnonzero(np.diff(e_sorted)) + 1
        for seg in np.split(order_idx, bounds):
            if seg.size == 0 or a_eff[seg[0]] < 0:
                continue
            if a_in[seg].all():
                out.append(atoms[seg])
        return out

    def _repair(self, live: np.ndarray, weight: np.ndarray, target: np.ndarray, budget: int,
                size: np.ndarray, unavailable: set[int]) -> set[int] | None:
        """Hierarchical complementary suppression on the laminar cells, then a proof.

        Each published laminar cell's block (its atoms not in a published sub-cell) must not be
        dangerous; a dangerous block takes in its smallest published sub-cell (withheld), or,
        with none left, its cell is withheld and the block goes up to the parent. The result is
        returned only if `laminar_certificate` then proves the whole publication safe; otherwise
        None, and the exact Gaussian method runs instead.
        """
        order, parent, own = self._tree()
        if not order:
            return None
        w = np.where(live, weight, 0)
        blk_w = {c: int(w[own[c]].sum()) for c in order}
        blk_t = {c: bool((target[own[c]] & live[own[c]]).any()) for c in order}
        blk_live = {c: bool(live[own[c]].any()) for c in order}
        cell_size = np.asarray(self.member @ size).reshape(-1)
        withheld = set(unavailable)
        rep: dict[int, int] = {}  # withheld laminar cell -> where its block went

        def find(c: int) -> int:
            path = []
            while c in rep:
                path.append(c)
                c = rep[c]
            for x in path:
                rep[x] = c
            return c

        children: dict[int, set[int]] = defaultdict(set)
        for c in order:
            if parent[c] >= 0:
                children[parent[c]].add(c)

        def absorb(child: int) -> None:
            """Withhold ``child``: its block and its sub-cells join its parent's block."""
            withheld.add(child)
            up = find(parent[child]) if parent[child] >= 0 else -1
            rep[child] = up
            if up < 0:
                return
            blk_w[up] += blk_w[child]
            blk_t[up] = blk_t[up] or blk_t[child]
            blk_live[up] = blk_live[up] or blk_live[child]
            children[up].discard(child)
            children[up] |= children.pop(child, set())

        for c in order:
            if c in unavailable:
                absorb(c)
        for _ in range(4 * len(order) + 10):
            light = [c for c in order if c not in withheld and blk_live[c] and blk_t[c]
                     and blk_w[c] <= budget]
            if not light:
                break
            for c in light:
                if c in withheld or not (blk_live[c] and blk_t[c] and blk_w[c] <= budget):
                    continue
                kids = [k for k in children.get(c, ()) if k not in withheld]
                if kids:
                    absorb(min(kids, key=lambda k: (cell_size[k], self.keys[k])))
                else:
                    absorb(c)
        else:
            return None
        # Non-laminar cells that are dangerous on their own are withheld as well.
        atoms_live = [a[live[a]] for a in self.cell_atoms]
        for i, atoms in enumerate(atoms_live):
            if i in withheld or not atoms.size:
                continue
            if int(w[atoms].sum()) <= budget and bool(target[atoms].any()):
                withheld.add(i)
        shown = [i for i in range(len(self.cells)) if i not in withheld]
        eligible = live & (w <= budget)
        if self.quick_dangerous(shown, live, w, eligible, target, budget) is False:
            return withheld
        return None

    def merge(self, values: Sequence[int] | np.ndarray) -> np.ndarray:
        """Per-atom values summed per merged atom."""
        v = np.asarray(values, dtype=np.int64).reshape(-1)
        if v.size != self.n_atoms:
            raise ValueError("atom_counts must have one entry per atom")
        return np.bincount(self.group, weights=v, minlength=self.n_groups).astype(np.int64)

    def merge_any(self, flags: np.ndarray) -> np.ndarray:
        return np.bincount(self.group, weights=np.asarray(flags, dtype=np.int64),
                           minlength=self.n_groups) > 0

    def cell_sums(self, merged_values: np.ndarray) -> np.ndarray:
        return np.asarray(self.member @ merged_values).reshape(-1)

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
        m = self.member
        if m.nnz == 0:
            return []
        sizes = np.diff(m.indptr)
        inter = (m.astype(np.int32) @ m.T.astype(np.int32)).tocoo()
        # supersets[j]: cells that properly contain cell j
        supersets: dict[int, set[int]] = defaultdict(set)
        for j, p, v in zip(inter.row.tolist(), inter.col.tolist(), inter.data.tolist(),
                           strict=True):
            if j != p and v == sizes[j] and sizes[j] < sizes[p]:
                supersets[j].add(p)
        subs: dict[int, list[int]] = defaultdict(list)
        for j, sups in supersets.items():
            for p in sups:
                subs[p].append(j)
        found = []
        for p, candidates in subs.items():
            if len(candidates) < 2:
                continue
            inside = set(candidates)
            # maximal: not inside another sub-cell of p
            maximal = sorted(j for j in candidates
                             if not any(s in inside for s in supersets[j] if s != p))
            if len(maximal) < 2 or int(sizes[maximal].sum()) != int(sizes[p]):
                continue
            union = np.unique(np.concatenate([self.cell_atoms[j] for j in maximal]))
            if union.size == sizes[p]:  # disjoint and covering
                found.append((p, tuple(maximal)))
        return found

    # -- breakdown tables that cross the tree -------------------------------------------------

    def _tables(self) -> list[tuple[int, tuple[int, ...], np.ndarray, np.ndarray, np.ndarray, int]]:
        """Relations whose children all lie outside the laminar family (a breakdown such as
        level or seniority across every unit), each with its witness buckets: the parent's
        merged atoms grouped by their cells other than the table's children, so that two atoms
        of one bucket in different children differ in nothing else. Structural, computed once.

        Returns (parent, children, groups, child index per group, bucket per group, buckets).
        """
        cached = self.__dict__.get("_tables_cache")
        if cached is not None:
            return cached
        flags = self.laminar
        out = []
        for parent, children in self.relations:
            if not 2 <= len(children) <= 62 or any(flags[c] for c in children):
                continue
            child_of = np.full(self.n_groups, -1, dtype=np.int64)
            for j, c in enumerate(children):
                child_of[self.cell_atoms[c]] = j
            groups = np.flatnonzero(child_of >= 0)
            if groups.size == 0:
                continue
            # each group's cells other than the table's children: an exact signature
            others = np.setdiff1d(np.arange(len(self.cells)), children)
            bucket = unique_rows(column_signatures(self.member[others], groups))
            out.append((parent, tuple(children), groups, child_of[groups], bucket,
                        int(bucket.max()) + 1))
        self.__dict__["_tables_cache"] = out
        return out

    def reduce_for(self, witness: np.ndarray, need: int, keep: Iterable[str] = ()
                   ) -> tuple[Protector, set[str], list[tuple[str, list[str]]]] | None:
        """A smaller structure that answers "is such a set in the published span?" exactly.

        Let f = sum of y_c·1_c over published cells (plus anything on known-empty atoms). Two
        live atoms of one witness bucket, in children c and c' of a breakdown table, differ only
        there, so f(a) - f(a') = y_c - y_c'. When f is the indicator of the set looked for and
        neither atom is in it, y_c = y_c'. If such ties connect all the table's children (each
        tie seen in ``need`` buckets, so that no set can break them all), the children share
        one coefficient and add only a multiple of their parent: f is a combination of the
        other cells and the parent. The table can then be left out (its parent counting as
        published when all its children are), and atoms only it told apart merge.

        ``witness``: merged atoms of which fewer than ``need`` can lie in the set (live atoms
        of positive weight with need = budget + 1 for a set of weight <= budget; atoms the set
        cannot hold with need = 1). Tables with a child in ``keep`` stay. Returns (protector,
        dropped cell keys, reduced tables as (parent, children)), or None if none reduces.
        """
        if not self.reduce_tables:
            return None
        info = self._tables()
        if not info:
            return None
        index = {key: i for i, key in enumerate(self.keys)}
        keep_i = {index[key] for key in keep if key in index}
        chosen: list[int] = []
        dropped: set[int] = set()
        for t, (_parent, children, groups, child, bucket, n_buckets) in enumerate(info):
            if keep_i.intersection(children) or dropped.intersection(children):
                continue
            sel = witness[groups]
            masks = np.zeros(n_buckets, dtype=np.int64)
            np.bitwise_or.at(masks, bucket[sel], np.left_shift(np.int64(1), child[sel]))
            if _ties_connect(masks, len(children), need):
                chosen.append(t)
                dropped.update(children)
        # a parent must stay in the structure
        chosen = [t for t in chosen if info[t][0] not in dropped]
        if not chosen:
            return None
        chosen_t = tuple(chosen)
        cache = self.__dict__.setdefault("_reduced_cache", {})
        reduced = cache.get(chosen_t)
        drop = {c for t in chosen_t for c in info[t][1]}
        if reduced is None:
            cells = [c for i, c in enumerate(self.cells) if i not in drop]
            rels = [(self.keys[p], [self.keys[c] for c in ch]) for p, ch in self.relations
                    if p not in drop and not drop.intersection(ch)]
            reduced = Protector(cells, self.n_atoms, relations=rels,
                                hierarchical=self.hierarchical, reduce_tables=False)
            cache[chosen_t] = reduced
        tables = [(self.keys[info[t][0]], [self.keys[c] for c in info[t][1]]) for t in chosen_t]
        return reduced, {self.keys[c] for c in drop}, tables

    @staticmethod
    def _known_parents(tables: list[tuple[str, list[str]]], shown: set[str]) -> set[str]:
        """Parents of reduced tables whose children are all published (their sum is known)."""
        return {parent for parent, children in tables if shown.issuperset(children)}

    def protect(
        self,
        atom_counts: Sequence[int],
        k: int,
        *,
        primary: Iterable[str] = (),
        unavailable: Iterable[str] = (),
        published: Iterable[str] = (),
        order: Sequence[int] | np.ndarray | None = None,
    ) -> set[str]:
        """Cells to withhold so that no set of 1..k-1 respondents is derivable (rule b).

        ``primary``: cells to withhold for another reason, and keep underivable.
        ``unavailable``: cells that are not published anyway (nothing to protect in them).
        ``published``: cells already public (an earlier release): never withheld, always known.
        ``order``: sizes to prefer publishing large cells by (default: the counts themselves).
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        counts = np.asarray(atom_counts, dtype=np.int64).reshape(-1)
        if counts.size != self.n_atoms:
            raise ValueError("atom_counts must have one entry per atom")
        if counts.size and counts.min() < 0:
            raise ValueError("atom counts cannot be negative")
        return self.protect_sets(Criterion.counts(counts, k), primary=primary,
                                 unavailable=unavailable, published=published,
                                 order=counts if order is None else order)

    def _merged_criterion(self, criterion: Criterion
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        live = self.merge_any(criterion.live)
        weight = np.where(live, self.merge(criterion.weight), 0)
        eligible = live & (weight <= criterion.budget)
        if criterion.target is None:
            target = eligible
        else:
            target = eligible & self.merge_any(criterion.target)
        return live, weight, eligible, target

    def leaks(self, criterion: Criterion, published: Iterable[str]) -> bool:
        """Would publishing exactly ``published`` reveal a dangerous set? (No suppression.)

        A cheap check before `protect_sets`: most families are already safe with what another
        family's protection left published.
        """
        live, weight, eligible, target = self._merged_criterion(criterion)
        if not target.any():
            return False
        published = set(published)
        plan = self.reduce_for(live & (weight >= 1), criterion.budget + 1)
        if plan is not None:
            reduced, dropped, tables = plan
            return reduced.leaks(criterion, (published - dropped)
                                 | self._known_parents(tables, published))
        index = {key: i for i, key in enumerate(self.keys)}
        shown = sorted(index[key] for key in published)
        run = _Run(self, live=live, weight=weight, eligible=eligible, target=target,
                   budget=criterion.budget, size=weight, forced=set(),
                   unavailable=set(range(len(self.keys))) - set(shown), first=[])
        if any(run.small[i] for i in shown):
            return True
        quick = self.quick_dangerous(shown, live, weight, eligible, target, criterion.budget)
        if quick is not None:
            return quick
        span = self._published_span(tuple(shown), live, eligible)
        run._rows = span.rows
        return run.small_indicators()

    def derivable(self, cells: Iterable[str], live: np.ndarray, published: Iterable[str]) -> set[str]:
        """Which of ``cells`` (their live atoms) are linear combinations of ``published``."""
        cells = list(cells)
        published = set(published)
        g_live = self.merge_any(live)
        # f = the cell's indicator takes one value on both atoms of any witness pair (they lie
        # in the same cells but the table's), so every live atom is a witness.
        plan = self.reduce_for(g_live, 1, keep=cells)
        if plan is not None:
            reduced, dropped, tables = plan
            return reduced.derivable(cells, live, (published - dropped)
                                     | self._known_parents(tables, published))
        index = {key: i for i, key in enumerate(self.keys)}
        shown = tuple(sorted(index[key] for key in published))
        span = self._published_span(shown, g_live, None)
        out = set()
        for key in cells:
            atoms = [a for a in self.cell_atoms[index[key]].tolist() if g_live[a]]
            if atoms and not span.reduce(dict.fromkeys(atoms, 1)):
                out.add(key)
        return out

    def _published_span(self, shown: tuple[int, ...], live: np.ndarray,
                        eligible: np.ndarray | None = None) -> _Span:
        """The span of the shown cells (and the known-empty atoms), pivoting on atoms that
        cannot be in a dangerous set where possible: the search then has little to do."""
        key = (shown, np.packbits(live).tobytes(),
               None if eligible is None else np.packbits(eligible).tobytes())
        cache = self.__dict__.setdefault("_span_cache", OrderedDict())
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
        span = _Span(None if eligible is None else eligible.tolist())
        span.track = False
        # smallest cells first: a unit tree then reduces each parent to its own atoms instead
        # of rewriting the total's long row for every unit (same span, far less fill-in)
        for c in sorted(shown, key=lambda c: self.cell_atoms[c].size):
            atoms = [a for a in self.cell_atoms[c].tolist() if live[a]]
            r = span.reduce(dict.fromkeys(atoms, 1))
            if r:
                span.publish(r)
        for z in np.flatnonzero(~live).tolist():
            r = span.reduce({z: 1})
            if r:
                span.publish(r)
        cache[key] = span
        while len(cache) > 8:
            cache.popitem(last=False)
        return span

    def protect_sets(
        self,
        criterion: Criterion,
        *,
        primary: Iterable[str] = (),
        unavailable: Iterable[str] = (),
        published: Iterable[str] = (),
        order: Sequence[int] | np.ndarray | None = None,
    ) -> set[str]:
        """Cells to withhold so that no dangerous set (see `Criterion`) is derivable."""
        index = {key: i for i, key in enumerate(self.keys)}
        forced = frozenset(primary)
        off = frozenset(unavailable)
        first = frozenset(published)
        unknown = (forced | off | first) - index.keys()
        if unknown:
            raise ValueError(f"unknown primary cells: {sorted(unknown)}")
        live, weight, eligible, target = self._merged_criterion(criterion)
        if not target.any() and not forced:
            return set()  # nothing dangerous can exist
        plan = self.reduce_for(live & (weight >= 1), criterion.budget + 1, keep=forced)
        if plan is not None and not forced.intersection(p for p, _c in plan[2]):
            reduced, dropped, tables = plan
            # A parent whose children all stay published is known even if withheld. The
            # reduced answer stands only where it publishes every such parent; otherwise (or
            # when the caller withholds one) the full structure decides, so that its choices
            # (and its conservative fallback) may take table cells too.
            known = {parent for parent, children in tables if not off.intersection(children)}
            if not known & off:
                runs_before = reduced.runs
                try:
                    out: set[str] | None = reduced.protect_sets(
                        criterion, primary=forced, unavailable=off - dropped,
                        published=first - dropped, order=order)
                except CannotProtect:
                    out = None
                self.runs += reduced.runs - runs_before
                if out is not None and not known & out:
                    return out | (off & dropped)
        size = self.merge(order) if order is not None else weight
        memo_key = (criterion.key(), forced, off, first, size.tobytes())
        hit = self._memo.get(memo_key)
        if hit is None:
            self.runs += 1
            off_i = {index[key] for key in off}
            quick = None
            if self.hierarchical and not forced and not first:
                quick = self._repair(live, weight, target, criterion.budget, size, off_i)
            if quick is not None:
                hit = frozenset(self.keys[i] for i in quick)
            else:
                run = _Run(self, live=live, weight=weight, eligible=eligible, target=target,
                           budget=criterion.budget, size=size,
                           forced={index[key] for key in forced}, unavailable=off_i,
                           first=[index[key] for key in sorted(first)])
                hit = frozenset(run.solve())
            if len(self._memo) > 256:
                self._memo.clear()
            self._memo[memo_key] = hit
        return set(hit)


def _ties_connect(masks: np.ndarray, m: int, need: int) -> bool:
    """Do ties seen in at least ``need`` buckets connect all ``m`` children? ``masks``: per
    bucket, a bit per child holding a witness atom of that bucket."""
    root = list(range(m))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    present = masks[masks & (masks - 1) != 0]  # buckets with two children or more
    for i in range(m):
        has_i = (present >> i) & 1
        if not has_i.any():
            continue
        for j in range(i + 1, m):
            if find(i) != find(j) and int(np.count_nonzero(has_i & (present >> j))) >= need:
                root[find(i)] = find(j)
    return len({find(i) for i in range(m)}) == 1


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
    """One call of `protect_sets` for one pattern: passes until a fixed point."""

    def __init__(
        self,
        structure: Protector,
        *,
        live: np.ndarray,
        weight: np.ndarray,
        eligible: np.ndarray,
        target: np.ndarray,
        budget: int,
        size: np.ndarray,
        forced: set[int],
        unavailable: set[int],
        first: list[int],
    ) -> None:
        self.s = structure
        self.budget = budget
        self.live = live
        self.count = weight.tolist()  # the weight each atom takes from the budget
        self.sens = eligible.tolist()  # atoms that can be part of a dangerous set
        self.target = target.tolist()  # atoms whose presence makes a light set dangerous
        # Empty atoms are dropped: the attacker is assumed to know them (conservative).
        self.atoms = [a[live[a]].tolist() for a in structure.cell_atoms]
        n_cells = len(self.atoms)
        self.unavailable = unavailable
        self.first = [c for c in first if c not in unavailable]
        # A cell is primary when its own set of live atoms is dangerous (or the caller says so).
        self.small = [
            bool(atoms) and (i in forced or self.dangerous(atoms))
            for i, atoms in enumerate(self.atoms)
        ]
        self.forced_cells = {i for i in forced if self.atoms[i]}
        self.n_pos = int(live.sum())
        self.extra: list[Vector] = []  # residual unions and other dangerous sets found
        self._extra_seen: set[tuple] = set()
        self.forced: set[int] = set()  # cells withheld because a search was cut short
        cell_size = np.asarray(structure.member @ size).reshape(-1).tolist()
        full = [len(a) == self.n_pos for a in self.atoms]
        first_set = set(self.first)
        self.order = sorted(
            (i for i in range(n_cells)
             if not self.small[i] and i not in unavailable and i not in first_set),
            key=lambda i: (not full[i], -cell_size[i], structure.keys[i]),
        )

    def dangerous(self, atoms: Iterable[int]) -> bool:
        total = 0
        hit = False
        for a in atoms:
            if not self.sens[a]:
                return False
            total += self.count[a]
            if total > self.budget:
                return False
            hit = hit or self.target[a]
        return hit

    # -- driver ---------------------------------------------------------------------------------

    def solve(self) -> set[str]:
        # Fast path: nothing forced, no available cell dangerous on its own, and the span of all
        # available cells holds no dangerous set: withhold nothing more.
        if (not self.first and not self.forced_cells
                and not any(self.small[i] for i in range(len(self.small))
                            if i not in self.unavailable)
                and self.all_published_is_safe()):
            return {self.s.keys[i] for i in sorted(self.unavailable)}
        for _ in range(_MAX_ROUNDS):
            withheld = self.gauss_pass()
            if self.residuals(withheld):
                continue
            if self.certified(i for i in range(len(self.atoms)) if i not in withheld):
                return {self.s.keys[i] for i in sorted(withheld)}
            if not self.small_indicators():
                return {self.s.keys[i] for i in sorted(withheld)}
        return self.fallback()

    def certified(self, shown: Iterable[int]) -> bool:
        """No dangerous set in the span of ``shown``, by `laminar_certificate` (or unknown)."""
        if self.extra or self.forced_cells:
            return False  # primaries beyond the weight rule: only the search knows them
        shown = list(shown)
        return self.s.quick_dangerous(shown, self.live, np.asarray(self.count),
                                      np.asarray(self.sens), np.asarray(self.target),
                                      self.budget) is False

    def all_published_is_safe(self) -> bool:
        """Fast path: no cell is dangerous; does publishing everything reveal a dangerous set?

        Reuses the count-independent span of all cells (a superset of what can be published),
        adds the (known) empty atoms, and runs the search. Anything it finds is a valid primary
        for the full run.
        """
        if self.unavailable:
            shown = tuple(i for i in range(len(self.atoms)) if i not in self.unavailable)
            if self.certified(shown):
                return True
            self._rows = self.s._published_span(shown, self.live, np.asarray(self.sens)).rows
            return not self.small_indicators()
        if self.certified(range(len(self.atoms))):
            return True
        span = self.s.structural_span().copy(self.target)
        for z in np.flatnonzero(~self.live).tolist():
            r = span.reduce({z: 1})
            if r:
                span.publish(r)
        self._rows = span.rows
        return not self.small_indicators()

    def fallback(self) -> set[str]:
        """Withhold every cell touching an eligible atom: nothing published can isolate one."""
        return {
            self.s.keys[i]
            for i, atoms in enumerate(self.atoms)
            if i not in self.first and (self.small[i] or any(self.sens[a] for a in atoms))
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
        """Publish candidates in order unless one would bring a primary into the published span.

        Cells already public are published first, whatever they reveal: if they reveal a
        primary on their own, nothing can be done here and `CannotProtect` is raised.
        """
        span = _Span(self.target)
        for i in range(len(self.atoms)):
            if self.small[i]:
                span.add_primary(dict.fromkeys(self.atoms[i], 1))
        for v in self.extra:
            span.add_primary(dict(v))
        for c in self.first:
            r = span.reduce(dict.fromkeys(self.atoms[c], 1))
            if not r:
                continue
            if span.would_reveal(r):
                raise CannotProtect(self.s.keys[c])
            span.publish(r)
        withheld = ({i for i in range(len(self.atoms)) if self.small[i] and i not in self.first}
                    | set(self.forced) | set(self.unavailable))
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
        """Parent published: the withheld children together must not be a dangerous set."""
        added = False
        hidden = withheld | self.unavailable
        for parent, children in self.s.relations:
            if parent in hidden:
                continue
            union = {a for c in children if c in hidden for a in self.atoms[c]}
            if union and self.dangerous(union):
                added |= self.add_primary(list(union))
        return added

    # -- exhaustive search for any dangerous set left in the span -------------------------------

    def small_indicators(self) -> bool:
        """Find every dangerous set T whose indicator is in the span.

        Such a T holds eligible atoms only, and 1_T is in the span iff the reduced vectors g_i
        of its atoms sum to zero. Search each T from its lowest atom: while the running sum has
        a nonzero entry, some further atom of T must have a nonzero there, so branch over those
        (the entry with fewest choices first). The budget bounds the weight (for counts, the
        depth). Found sets holding a target become primaries. If the node budget runs out,
        every cell touching an atom whose search was cut short is withheld: that atom is then
        outside the span entirely.
        """
        rows, sens, count, budget = self._rows, self.sens, self.count, self.budget
        target = self.target
        small = [i for i in range(len(sens)) if sens[i]]
        if not small or not any(target):
            return False
        scale = math.lcm(*(abs(rows[p][p]) for p in small if p in rows)) if any(
            p in rows for p in small) else 1

        def g(i: int) -> Vector:
            if i not in rows:
                return {i: scale}
            row = rows[i]
            f = scale // row[i]
            return {x: -f * v for x, v in row.items() if x != i}

        # Search sets from their first atom in an order that puts pivot atoms first: a set
        # whose atoms are all non-pivots is never in the span (a non-pivot's vector is its own
        # coordinate, which only pivots also hold), so a search from a non-pivot ends at once.
        small.sort(key=lambda i: (i not in rows, i))
        pos = {i: n for n, i in enumerate(small)}
        vecs = {i: g(i) for i in small}
        # eligible atoms whose reduced vector is nonzero at each entry
        holders: defaultdict[int, list[int]] = defaultdict(list)
        for i, v in vecs.items():
            for x in v:
                holders[x].append(i)
        found: list[list[int]] = []
        cut_short: list[int] = []
        budget_nodes = [_SEARCH_BUDGET]
        hold_len = {x: len(v) for x, v in holders.items()}
        min_weight = min(count[i] for i in small)
        # Dense vectors (rows of whole tables) are few; when the running sum is too long for
        # sparse atoms alone to cancel, a dense atom must come next: branch on those only.
        dense = [i for i in small if len(vecs[i]) > _DENSE]
        dense_set = set(dense)
        max_sparse = max((len(vecs[i]) for i in small if i not in dense_set), default=0)

        def dfs(low: int, s: Vector, chosen: list[int], used: int) -> bool:
            if budget_nodes[0] <= 0:
                return False
            budget_nodes[0] -= 1
            room = budget - used
            lowpos = pos[low]
            best = None
            if min_weight > 0 and dense:
                atoms_left = room // min_weight
                if len(s) > atoms_left * max_sparse:
                    valid = [d for d in dense if pos[d] > lowpos and count[d] <= room
                             and d not in chosen]
                    if not valid:
                        return True
                    held: set[int] = set()
                    for d in valid:
                        held.update(vecs[d])
                    uncovered = sum(1 for x in s if x not in held)
                    if uncovered > (atoms_left - 1) * max_sparse:
                        return True
                    best = valid
            # Every entry must be cancelled, so branching on any one is complete; look at the
            # entries with the fewest holders first, and stop at an entry nobody can cancel.
            entries: Iterable[int]
            if best is not None:
                entries = ()
            elif len(s) > 8:
                entries = sorted(s, key=lambda x: hold_len.get(x, 0))[:8]
            else:
                entries = s
            for x in entries:
                options = [i for i in holders.get(x, ()) if pos[i] > lowpos and count[i] <= room
                           and i not in chosen]
                if not options:
                    return True  # this entry can never cancel
                if best is None or len(options) < len(best):
                    best = options
                    if len(best) == 1:
                        break
            if min_weight > 0 and len(s) > 1 and entries:
                # Entries only a non-pivot atom can cancel take one atom each.
                forced = 0
                limit = room // min_weight
                for x in s:
                    if all(i not in rows for i in holders.get(x, ()) if pos[i] > lowpos):
                        forced += 1
                        if forced > limit:
                            return True
            for i in best or ():
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
                found.append([i])  # an eligible atom alone in the span
            elif not dfs(i, vecs[i], [i], count[i]):
                if any(target[j] for j in small if pos[j] >= pos[i]):
                    cut_short.append(i)
                budget_nodes[0] = _SEARCH_BUDGET  # give the remaining atoms a fair search
        added = False
        for atoms in found:
            if any(target[a] for a in atoms):
                added |= self.add_primary(atoms)
        if cut_short:
            bad = set(cut_short)
            new = {c for c, atoms in enumerate(self.atoms)
                   if bad & set(atoms) and c not in self.first} - self.forced
            if new:
                self.forced |= new
                added = True
        return added


def laminar_certificate(
    cell_atoms: Sequence[Sequence[int]],
    weight: Sequence[int],
    budget: int,
    target: Sequence[bool],
    *,
    laminar_flags: Sequence[bool] | None = None,
    max_other: int = 64,
) -> bool:
    """Prove that no dangerous set lies in the span of the given cells (True), or give up.

    For layouts made of a laminar family (the unit tree) and a few other cells (national
    tables): blocks are the atoms with the same smallest laminar cell; the span of the laminar
    cells is that of the block indicators. A set T is in the whole span iff some y gives
    1_T - sum(y_n 1_n) constant on every block and zero outside them; writing v(a) for an
    atom's membership of the other cells, that is M y = r_T with one row v(a) - v(rep) per
    block atom (v(a) outside blocks). A light T (weights >= 1, at most budget/min weight
    atoms) touches few blocks; if the rows of any that many blocks can be removed without the
    rank of M dropping — shown by packing that many + 1 disjoint block families of full rank —
    then y leaves M y = 0, so T is a union of whole blocks, and whole blocks are checked
    directly. All arithmetic is exact. ``cell_atoms`` holds only live atoms.
    """
    w = list(weight)
    flags = list(laminar_flags) if laminar_flags is not None else [True] * len(cell_atoms)
    unique: dict[tuple[int, ...], bool] = {}
    for c, flag in zip(cell_atoms, flags, strict=True):
        if len(c):
            key = tuple(sorted(set(c)))
            unique[key] = unique.get(key, False) or flag
    # Laminar candidates first (largest first, as the owner test needs), then the rest.
    cells = sorted(unique, key=lambda c: (not unique[c], -len(c)))
    eligible = [a for a in {a for c in cells for a in c} if w[a] <= budget]
    if not any(target[a] for a in eligible):
        return True
    least = min(w[a] for a in eligible)
    if least <= 0:
        return False  # weightless atoms: a dangerous set can touch any number of blocks
    max_atoms = budget // least
    owner: dict[int, int] = {}
    laminar: list[tuple[int, ...]] = []
    other: list[tuple[int, ...]] = []
    for c in cells:
        owners = {owner.get(a, -1) for a in c}
        if unique[c] and len(owners) == 1:
            idx = len(laminar)
            laminar.append(c)
            for a in c:
                owner[a] = idx
        else:
            other.append(c)
        if len(other) > max_other:
            return False
    atoms = sorted({a for c in cells for a in c})
    member: dict[int, int] = dict.fromkeys(atoms, 0)
    for j, c in enumerate(other):
        bit = 1 << j
        for a in c:
            member[a] |= bit
    width = len(other)

    def vec(mask: int) -> tuple[int, ...]:
        return tuple((mask >> j) & 1 for j in range(width))

    blocks: dict[int, list[int]] = defaultdict(list)
    outside: list[int] = []
    for a in atoms:
        if a in owner:
            blocks[owner[a]].append(a)
        else:
            outside.append(a)
    # Whole blocks: light with a target means a dangerous set (they are in the span).
    for members in blocks.values():
        if sum(w[a] for a in members) <= budget and any(target[a] for a in members):
            return False
    if outside and width == 0:
        return False
    groups: list[list[tuple[int, ...]]] = []
    for members in blocks.values():
        rep = member[members[0]]
        rows = {member[a] ^ rep for a in members[1:] if member[a] != rep}
        if rows:
            # v(a) - v(rep) as a signed vector
            groups.append([tuple(((member[a] >> j) & 1) - ((rep >> j) & 1) for j in range(width))
                           for a in members[1:] if member[a] != rep])
    for a in outside:
        groups.append([vec(member[a])])
    if not groups:
        return True
    full = _rank_exact([r for g in groups for r in set(g)])
    if full == 0:
        return True
    need = max_atoms + 1
    families: list[list[tuple[int, ...]]] = []
    current: list[tuple[int, ...]] = []
    for g in groups:
        grown = _extend(current, set(g))
        if len(grown) > len(current):
            current = grown
            if len(current) == full:
                families.append(current)
                current = []
                if len(families) >= need:
                    return True
    return False


def _rank_exact(rows: Iterable[tuple[int, ...]]) -> int:
    return len(_extend([], rows))


def _extend(basis: list[tuple[int, ...]], rows: Iterable[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Row echelon basis extended by ``rows``; exact integers.

    Every basis row's first nonzero entry (its lead) is distinct; a vector is reduced by the
    rows in increasing lead order, each step touching only entries at or after that lead.
    """
    out = sorted(basis, key=_lead)
    for r in rows:
        v = list(r)
        for b in out:
            lead = _lead(b)
            if v[lead]:
                f, g = v[lead], b[lead]
                v = [g * x - f * y for x, y in zip(v, b, strict=True)]
                d = math.gcd(*v)
                if d > 1:
                    v = [x // d for x in v]
        if any(v):
            out.append(tuple(v))
            out.sort(key=_lead)
    return out


def _lead(row: Sequence[int]) -> int:
    return next(j for j, x in enumerate(row) if x)


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
        assert self.sens is not None  # only spans that track primaries are asked
        if len(r) == 1 and self.sens[next(iter(r))]:
            return True  # would isolate a small atom that is not yet a pivot
        return _direction(r) in self.forbidden

    def publish(self, r: Vector) -> None:
        sens, col, pcol = self.sens, self.col, self.pcol
        # pivot on a large atom if possible, with a unit entry and the fewest rows to update
        # (a bounded scan: the choice only affects speed, never the result)
        options = r if len(r) <= 64 else list(itertools.islice(r, 64))
        if sens is not None and all(sens[x] for x in options):
            # look further for an atom that cannot be in a dangerous set
            other = next((x for x in r if not sens[x]), None)
            if other is not None:
                options = [other]
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
            if self.track and sens is not None and sens[p]:
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
        if self.track and sens is not None and sens[j]:
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
