"""The audit's view of one family's published cells: classes of live atoms, with breakdown
tables left out where they provably add no set the audit looks for.

Its own implementation (the audit stays independent of ``suppression``; only the array
utilities of ``rows`` are shared) of the same argument:
let f = sum of y_c·1_c over the published cells. Two live atoms that lie in the same published
cells except that one is in category c and the other in category c' of a breakdown table (the
cells of one table partition a published cell P) give f(a) - f(a') = y_c - y_c'. If f is the
indicator of a set the audit looks for and neither atom is in it, y_c = y_c'. Where such ties,
each seen in more places than the set can touch, connect every category of the table, all its
categories carry one coefficient and add only a multiple of P: the table can be left out and
P kept. Live atoms that the remaining cells cannot tell apart then form one class, and every
question is asked about classes (their weights summed): a national round's 260,000 atoms
become one class per unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .rows import column_signatures, unique_rows


class View:
    """Published ``keys`` of ``cells`` over the ``live`` atoms, reduced for one question.

    ``witness``: live atoms of which fewer than ``need`` can be in the set looked for.
    ``cls``: class per atom (-1 for atoms not live); ``vectors``: the classes of each kept cell.
    """

    def __init__(self, cells: dict[str, frozenset[int]], keys: Sequence[str], n_atoms: int,
                 live: np.ndarray, witness: np.ndarray, need: int,
                 atoms_of: dict[str, np.ndarray] | None = None) -> None:
        atoms_of = atoms_of if atoms_of is not None else {}
        keys = sorted(set(keys))
        arrays = []
        for key in keys:
            arr = atoms_of.get(key)
            if arr is None:
                arr = np.fromiter(sorted(cells[key]), dtype=np.int64, count=len(cells[key]))
                atoms_of[key] = arr
            arrays.append(arr[live[arr]])
        member = _membership(arrays, n_atoms)  # keys x atoms, live atoms only
        kept = list(range(len(keys)))
        self.dropped: list[str] = []
        for table in list(_tables(keys, arrays)):
            rest = [k for k in kept if k not in table]
            if _tied(member, rest, table, witness & live, need, n_atoms):
                kept = rest
                self.dropped += [keys[k] for k in table]
                union = np.sort(np.concatenate([arrays[k] for k in table]))
                if not any(np.array_equal(arrays[k], union) for k in kept):
                    # the table's sum is known: keep it as a cell of its own
                    arrays.append(union)
                    keys.append("sum of " + ", ".join(keys[k] for k in table))
                    kept.append(len(arrays) - 1)
                    member = _membership(arrays, n_atoms)
        self.keys = [keys[k] for k in kept]
        # classes: live atoms in exactly the same kept cells
        cls = np.full(n_atoms, -1, dtype=np.int64)
        idx = np.flatnonzero(live)
        if idx.size:
            cls[idx] = unique_rows(column_signatures(member[kept], idx))
        self.cls = cls
        self.n_classes = int(cls.max()) + 1 if idx.size else 0
        # each kept cell's classes: one sparse product (cells x atoms) @ (atoms x classes)
        ok = np.flatnonzero(cls >= 0)
        onehot = sparse.csr_matrix((np.ones(ok.size, dtype=np.int64), (ok, cls[ok])),
                                   shape=(n_atoms, max(self.n_classes, 1)))
        per = (member[kept].astype(np.int64) @ onehot).tocsr()
        per.sort_indices()
        self.vectors = [per.indices[per.indptr[i]:per.indptr[i + 1]].tolist()
                        for i in range(len(kept))]

    def sums(self, per_atom: np.ndarray) -> np.ndarray:
        """Per class, the sum over its (live) atoms."""
        ok = self.cls >= 0
        return np.bincount(self.cls[ok], weights=np.asarray(per_atom)[ok],
                           minlength=self.n_classes).astype(np.int64)

    def any(self, flags: np.ndarray) -> np.ndarray:
        ok = (self.cls >= 0) & np.asarray(flags, dtype=bool)
        return np.bincount(self.cls[ok], minlength=self.n_classes) > 0

    def all(self, flags: np.ndarray) -> np.ndarray:
        return ~self.any(~np.asarray(flags, dtype=bool))

    def atoms(self, classes: Sequence[int]) -> list[int]:
        wanted = np.zeros(max(self.n_classes, 1), dtype=bool)
        wanted[list(classes)] = True
        ok = self.cls >= 0
        return np.flatnonzero(ok & wanted[np.where(ok, self.cls, 0)]).tolist()


def _membership(arrays: Sequence[np.ndarray], n_atoms: int) -> sparse.csr_matrix:
    indptr = np.concatenate([[0], np.cumsum([a.size for a in arrays])]).astype(np.int64)
    indices = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
    return sparse.csr_matrix((np.ones(indices.size, dtype=np.int8), indices, indptr),
                             shape=(len(arrays), n_atoms))


def _tables(keys: Sequence[str], arrays: Sequence[np.ndarray]) -> list[list[int]]:
    """Candidate breakdown tables: published cells of one dimension ("level:1", "level:2", ...)
    over disjoint sets of live atoms (their sum is then a combination of published cells)."""
    by_dim: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if ":" in key:
            by_dim[key.split(":", 1)[0]].append(i)
    out = []
    for members in by_dim.values():
        members = [i for i in members if arrays[i].size]
        if not 2 <= len(members) <= 62:
            continue
        union = np.concatenate([arrays[i] for i in members])
        if np.unique(union).size == union.size:  # disjoint
            out.append(members)
    return out


def _tied(member: sparse.csr_matrix, rest: Sequence[int], table: Sequence[int],
          witness: np.ndarray, need: int, n_atoms: int) -> bool:
    """Do ties, each seen in ``need`` buckets of witness atoms, connect the table's cells?"""
    child = np.full(n_atoms, -1, dtype=np.int64)
    csr = member.tocsr()
    for j, k in enumerate(table):
        child[csr.indices[csr.indptr[k]:csr.indptr[k + 1]]] = j
    atoms = np.flatnonzero((child >= 0) & witness)
    if atoms.size == 0:
        return False
    other = member[list(rest)] if rest else sparse.csr_matrix(np.zeros((0, n_atoms), dtype=np.int8))
    bucket = unique_rows(column_signatures(other, atoms))
    masks = np.zeros(int(bucket.max()) + 1, dtype=np.int64)
    np.bitwise_or.at(masks, bucket, np.left_shift(np.int64(1), child[atoms]))
    m = len(table)
    root = list(range(m))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    present = masks[masks & (masks - 1) != 0]
    for i in range(m):
        has_i = (present >> i) & 1
        if not has_i.any():
            continue
        for j in range(i + 1, m):
            if find(i) != find(j) and int(np.count_nonzero(has_i & (present >> j))) >= need:
                root[find(i)] = find(j)
    return len({find(i) for i in range(m)}) == 1
