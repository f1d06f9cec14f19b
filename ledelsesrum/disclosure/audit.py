"""The audit every release passes before it is published: independent of ``policy`` and
``suppression``, it reads only the published payloads and the true per-atom data.

It takes *everything ever published* for the round — every earlier release and the new one — and
checks what an attacker who also knows every atom's respondent count can work out:

1. reasons: only the layout's fixed reason codes appear (a reason such as "everyone answered
   the same" is a figure too);
2. versions: a figure published in two releases has the same value in both (else their
   difference is a group of changed answers), and a figure is never published after an earlier
   release withheld it;
3. own cells: no published count of 1..k-1, no mean under k_v answers, no distribution under
   2k_v or with a band under k_v, five categories only with every category >= k_v;
4. derived groups, every set of atoms a published difference can isolate (exact arithmetic):
   no count of 1..k-1; no sum of 1..k_v-1 answers; no set holding a group under 2k_v answers
   whose sum lies within one step of a bound (the scale's 1 and 5, a scale score's 0 and 100);
   no derived distribution under 2k_v or with a band under k_v, nor one with nobody in 2 and 5
   or nobody in 1 and 4 (with the mean that pins the five categories); no shown mean inside a
   shown distribution (or the rest of it) at the least or most sum its share allows.

Each finding names the family and the atoms; ``analysis.results`` refuses the release on any.
The derivation check builds the reduced row echelon form of the published cells (fraction-free
integers, its own implementation) over classes of live atoms — breakdown tables left out where
ties prove they add nothing (``audit_view``) — and searches, from every eligible class, the sets
whose reduced vectors cancel; the weights bound the search (respondents for counts, distance to a bound for
sums). A search cut short by its node budget is itself a finding: the audit fails closed.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .audit_view import View

NODE_BUDGET = 400_000
BANDS: tuple[tuple[int, ...], ...] = ((1, 2), (3,), (4, 5))


@dataclass
class RoundData:
    cells: dict[str, frozenset[int]]
    n_atoms: int
    responses: np.ndarray
    item_counts: dict[str, np.ndarray]  # atoms x 6 (answer 0..5)
    scale_n: dict[str, np.ndarray]
    scale_off: dict[str, tuple[np.ndarray, np.ndarray]]  # (above 0, below 100) per atom
    # The thresholds the study demands (k; k_v per item and scale): a payload may say less,
    # the audit holds it to these.
    k: int = 0
    item_k: dict[str, int] = field(default_factory=dict)
    scale_k: dict[str, int] = field(default_factory=dict)


@dataclass
class Finding:
    family: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.family}: {self.kind} ({self.detail})"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    inherited: list[Finding] = field(default_factory=list)  # already in earlier releases alone
    checks: int = 0
    spans: int = 0
    seconds: float = 0.0

    def summary(self) -> dict:
        return {"checks": self.checks, "findings": len(self.findings),
                "inherited": len(self.inherited), "seconds": round(self.seconds, 3)}


# --- exact span and search ------------------------------------------------------------------


class Echelon:
    """Reduced row echelon form of 0/1 vectors over the live atoms, in exact integers."""

    def __init__(self, vectors: Iterable[Iterable[int]], prefer: np.ndarray) -> None:
        self.rows: dict[int, dict[int, int]] = {}
        self.holding: defaultdict[int, set[int]] = defaultdict(set)  # atom -> pivots of rows
        self.prefer = prefer  # larger = better pivot
        for vec in vectors:
            self.add({int(a): 1 for a in vec})

    def reduce(self, v: dict[int, int]) -> dict[int, int]:
        for p in [x for x in v if x in self.rows]:
            c = v.pop(p, 0)
            if not c:
                continue
            row = self.rows[p]
            a = row[p]
            if a != 1:
                for x in v:
                    v[x] *= a
            for x, y in row.items():
                if x == p:
                    continue
                z = v.get(x, 0) - c * y
                if z:
                    v[x] = z
                else:
                    v.pop(x, None)
        if v:
            g = math.gcd(*v.values())
            if g > 1:
                v = {x: y // g for x, y in v.items()}
        return v

    def add(self, v: dict[int, int]) -> None:
        r = self.reduce(v)
        if not r:
            return
        prefer = self.prefer
        p = max(r, key=lambda x: (abs(r[x]) == 1, prefer[x], -x))
        a = r[p]
        for q in list(self.holding.get(p, ())):
            row = self.rows[q]
            c = row.pop(p)
            if a != 1:
                for x in row:
                    row[x] *= a
            for x, y in r.items():
                if x == p:
                    continue
                z = row.get(x, 0) - c * y
                if z:
                    if x not in row:
                        self.holding[x].add(q)
                    row[x] = z
                elif x in row:
                    del row[x]
                    self.holding[x].discard(q)
            g = math.gcd(*row.values())
            if g > 1:
                for x in row:
                    row[x] //= g
        self.holding.pop(p, None)
        self.rows[p] = r
        for x in r:
            if x != p:
                self.holding[x].add(p)


def dangerous_sets(
    echelon: Echelon,
    live: np.ndarray,
    weight: np.ndarray,
    budget: int,
    target: np.ndarray | None = None,
    *,
    limit: int = 5,
) -> tuple[list[list[int]], bool]:
    """Sets T of live atoms with sum(weight[T]) <= budget, holding a target, 1_T in the span.

    Returns (sets found, complete). ``complete`` is False when the node budget ran out.
    """
    eligible = live & (weight <= budget)
    targets = eligible if target is None else eligible & target
    if not targets.any():
        return [], True
    rows = echelon.rows
    cand = np.flatnonzero(eligible).tolist()
    w = weight.tolist()
    tg = targets.tolist()
    pivots = [a for a in cand if a in rows]
    scale = math.lcm(*(abs(rows[a][a]) for a in pivots)) if pivots else 1

    def reduced(a: int) -> dict[int, int]:
        if a not in rows:
            return {a: scale}
        row = rows[a]
        f = scale // row[a]
        return {x: -f * y for x, y in row.items() if x != a}

    # Sets are searched from their first atom, pivots first: a set of non-pivots alone is never
    # in the span (each non-pivot's reduced vector is its own coordinate, held by pivots only).
    cand.sort(key=lambda a: (a not in rows, a))
    rank = {a: i for i, a in enumerate(cand)}
    vec = {a: reduced(a) for a in cand}
    holders: defaultdict[int, list[int]] = defaultdict(list)
    for a, v in vec.items():
        for x in v:
            holders[x].append(a)
    found: list[list[int]] = []
    nodes = [NODE_BUDGET]
    complete = True
    least = min(w[a] for a in cand)

    def search(low: int, s: dict[int, int], chosen: list[int], used: int, hit: bool) -> bool:
        if nodes[0] <= 0:
            return False
        nodes[0] -= 1
        room = budget - used
        lo = rank[low]
        best = None
        for x in sorted(s, key=lambda x: len(holders.get(x, ())))[:6]:
            options = [a for a in holders.get(x, ()) if rank[a] > lo and w[a] <= room
                       and a not in chosen]
            if not options:
                return True
            if best is None or len(options) < len(best):
                best = options
        if least > 0:
            # an entry no later pivot holds needs an atom of its own
            alone = sum(1 for x in s
                        if not any(a in rows and rank[a] > lo for a in holders.get(x, ())))
            if alone > room // least:
                return True
        for a in best or ():
            t = dict(s)
            for x, y in vec[a].items():
                z = t.get(x, 0) + y
                if z:
                    t[x] = z
                else:
                    del t[x]
            h = hit or tg[a]
            if not t:
                if h:
                    found.append(chosen + [a])
                    if len(found) >= limit:
                        return False
            elif not search(low, t, chosen + [a], used + w[a], h):
                return False
        return True

    for a in cand:
        if not vec[a]:
            if tg[a]:
                found.append([a])
            continue
        if not search(a, vec[a], [a], w[a], tg[a]):
            if len(found) >= limit:
                break
            complete = False
            break
    return found, complete


# --- reading the payloads -------------------------------------------------------------------


def _shown(payloads: Sequence[dict], pick) -> dict[str, list]:
    """key -> list of published values of one figure across the payloads (None = withheld)."""
    out: dict[str, list] = defaultdict(list)
    for payload in payloads:
        for key, value in pick(payload).items():
            out[key].append(value)
    return out


def _items(payload: dict) -> dict[str, dict]:
    return {i["code"]: i for i in payload.get("items", [])}


def _scales(payload: dict) -> dict[str, dict]:
    return {s["code"]: s for s in payload.get("scales", [])}


def _reasons(payload: dict) -> Iterable[str]:
    yield payload.get("responses", {}).get("reason")
    for b in payload.get("breakdowns", []):
        for g in b["groups"]:
            yield g["responses"].get("reason")
    for fam in (*payload.get("items", []), *payload.get("scales", [])):
        for cell in fam["cells"].values():
            yield cell.get("reason")
            yield from (cell.get("withheld_figures") or {}).values()
        if "alpha" in fam:
            yield fam["alpha"].get("reason")


# --- the audit ------------------------------------------------------------------------------


class _Audit:
    def __init__(self, data: RoundData, k: int) -> None:
        self.data = data
        self.k = k
        self.report = Report()
        self._views: dict[tuple, View] = {}
        self._class_spans: dict[int, tuple[View, Echelon]] = {}
        self._atoms_of: dict[str, np.ndarray] = {}
        self.prefer = np.asarray(data.responses, dtype=np.int64)

    def find(self, family: str, kind: str, detail: str) -> None:
        self.report.findings.append(Finding(family, kind, detail))

    def view(self, keys: Iterable[str], live: np.ndarray, witness: np.ndarray,
             need: int) -> View:
        sig = (tuple(sorted(set(keys))), np.packbits(live).tobytes(),
               np.packbits(witness).tobytes(), need)
        hit = self._views.get(sig)
        if hit is None:
            hit = View(self.data.cells, sig[0], self.data.n_atoms, live, witness, need,
                       atoms_of=self._atoms_of)
            if len(self._views) > 16:
                self._views.clear()
            self._views[sig] = hit
        return hit

    def class_span(self, view: View) -> Echelon:
        """The echelon form of a view's cells over its classes (smallest cells first: rows
        then stay short, as a tree's parent reduces to its own atoms)."""
        hit = self._class_spans.get(id(view))
        if hit is None or hit[0] is not view:
            self.report.spans += 1
            hit = (view, Echelon(sorted(view.vectors, key=len), view.sums(self.prefer)))
            if len(self._class_spans) > 16:
                self._class_spans.clear()
            self._class_spans[id(view)] = hit
        return hit[1]

    def derived(self, family: str, kind: str, keys: Iterable[str], live: np.ndarray,
                weight: np.ndarray, budget: int, target: np.ndarray | None = None) -> None:
        self.report.checks += 1
        keys = list(keys)
        if not keys:
            return
        eligible = live & (weight <= budget)
        if not (eligible if target is None else eligible & target).any():
            return
        # On classes of live atoms, breakdown tables left out where ties prove they add no
        # such set (audit_view): exact, and what makes a national round fit in minutes.
        view = self.view(keys, live, live & (weight >= 1), budget + 1)
        c_weight = view.sums(np.where(live, weight, 0))
        c_target = None if target is None else view.any(live & target)
        echelon = self.class_span(view)
        sets, complete = dangerous_sets(echelon, np.ones(view.n_classes, dtype=bool), c_weight,
                                        budget, c_target)
        for classes in sets:
            self.find(family, kind, "atoms " + ",".join(map(str, view.atoms(classes))))
        if not complete:
            self.find(family, "search cut short", "the audit could not prove the release safe")

    def empty_within(self, family: str, kind: str, keys: Iterable[str], live: np.ndarray,
                     empty: np.ndarray) -> None:
        """No combination of the shown cells may live on ``empty`` atoms alone: compare the
        rank of the cells with the rank of the cells with the empty atoms struck out."""
        self.report.checks += 1
        keys = sorted(set(keys))
        if not keys or not empty.any():
            return
        # A combination living on empty atoms vanishes on the others: they are the witnesses.
        view = self.view(keys, live, live & ~empty, 1)
        c_empty = ~view.any(live & ~empty)
        full = sorted(view.vectors, key=len)
        rest = [[c for c in vec if not c_empty[c]] for vec in full]
        prefer = view.sums(self.prefer)
        if _rank(full, prefer) != _rank(rest, prefer):
            self.find(family, kind, "a combination of shown cells covers only empty atoms")


def _rank(vectors: Iterable[list[int]], prefer: np.ndarray) -> int:
    return len(Echelon(vectors, prefer).rows)


def audit(data: RoundData, payloads: Sequence[dict], *, allowed_reasons: Iterable[str]) -> Report:
    """Audit ``payloads`` (every release of the round, oldest first) together.

    Several releases are audited at the lowest threshold any of them was published under: the
    promise each release made. (A raised threshold binds the new release, audited alone.)
    """
    started = time.perf_counter()
    latest = payloads[-1]
    k = max(min(int(p["thresholds"]["k"]) for p in payloads), data.k)
    a = _Audit(data, k)
    allowed = set(allowed_reasons) | {None}
    for payload in payloads:
        bad = {r for r in _reasons(payload) if r not in allowed}
        if bad:
            a.find("payload", "reason code that is a figure", ", ".join(sorted(map(str, bad))))

    cells = data.cells
    resp = np.asarray(data.responses, dtype=np.int64)

    # Every cell's total of a per-atom vector at once (one sparse product per vector; the
    # vector is kept with its totals so that its id is not reused while cached).
    row = {key: i for i, key in enumerate(cells)}
    incidence = _incidence([cells[key] for key in row], data.n_atoms)
    totals: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def cell_total(values: np.ndarray, key: str) -> int:
        hit = totals.get(id(values))
        if hit is None or hit[0] is not values:
            if len(totals) > 32:
                totals.clear()
            hit = (values, np.asarray(incidence @ np.asarray(values, dtype=np.int64)).reshape(-1))
            totals[id(values)] = hit
        return int(hit[1][row[key]])

    # -- counts: responses per group ---------------------------------------------------------
    shown_resp = _versions(a, "responses", _shown(payloads, lambda p: {
        g["key"]: g["responses"].get("n") for b in p["breakdowns"] for g in b["groups"]}))
    for key in shown_resp:
        n = cell_total(resp, key)
        if 0 < n < k:
            a.find("responses", "small published count", key)
    a.derived("responses", "derivable small count", shown_resp, resp > 0, np.minimum(resp, k),
              k - 1)

    # -- items -------------------------------------------------------------------------------
    codes = list(_items(latest))
    classes = _Classes(cells, data.n_atoms)
    for code in codes:
        counts = np.asarray(data.item_counts[code], dtype=np.int64)
        n = counts[:, 1:].sum(axis=1)
        s = counts[:, 1:] @ np.arange(1, 6)
        live = n > 0
        kv = max(min(int(_items(p)[code]["k"]) for p in payloads if code in _items(p)),
                 data.item_k.get(code, 0), k)
        fam = f"item {code}"
        per = [(_items(p).get(code) or {"cells": {}})["cells"] for p in payloads]
        shown_n = _versions(a, fam + " n", _merge(per, lambda c: c.get("n")))
        shown_mean = _versions(a, fam + " mean", _merge(per, lambda c: c.get("mean")))
        dist_values = _merge(
            per, lambda c: tuple(c["distribution"]["counts"]) if c.get("distribution") else None)
        # Three bands after five categories of the same group is the same figure, coarser.
        shown_dist = _versions(a, fam + " distribution", dist_values, same=_same_distribution)
        for key in shown_n:
            m = cell_total(n, key)
            if 0 < m < k:
                a.find(fam, "small published count", key)
        for key in shown_mean:
            if cell_total(n, key) < kv:
                a.find(fam, "mean of fewer than k answers", key)
        atom_bands = np.stack([counts[:, list(b)].sum(axis=1) for b in BANDS], axis=1)
        band_col = [np.ascontiguousarray(atom_bands[:, b]) for b in range(3)]
        cat_col = {j: np.ascontiguousarray(counts[:, j]) for j in range(1, 6)}
        for key in shown_dist:
            values = [v for v in dist_values[key] if v is not None]
            m = cell_total(n, key)
            bands_ = [cell_total(band_col[b], key) for b in range(3)]
            if any(len(v) == 5 for v in values):
                cats = [cell_total(cat_col[j], key) for j in range(1, 6)]
                if min(cats) < kv:
                    a.find(fam, "five categories with a small or empty one", key)
            elif m < 2 * kv or min(bands_) < kv:
                a.find(fam, "distribution of a small group or with a small band", key)
        a.derived(fam + " n", "derivable small count", shown_n, live, np.minimum(n, k), k - 1)
        a.derived(fam + " sum", "derivable sum of a small group", shown_mean, live,
                  np.minimum(n, kv), kv - 1)
        near = live & (n < 2 * kv)
        a.derived(fam + " sum", "derivable group at the low bound", shown_mean, live,
                  np.minimum(s - n, 2), 1, near)
        a.derived(fam + " sum", "derivable group at the high bound", shown_mean, live,
                  np.minimum(5 * n - s, 2), 1, near)
        a.derived(fam + " distribution", "derivable distribution of a small group", shown_dist,
                  live, np.minimum(n, 2 * kv), 2 * kv - 1)
        for b in range(3):
            band = atom_bands[:, b]
            a.derived(fam + " distribution", f"derivable band {b + 1} of 1..k-1", shown_dist,
                      band > 0, np.minimum(band, kv), kv - 1)
            a.empty_within(fam + " distribution", f"derivable group with band {b + 1} empty",
                           shown_dist, live, live & (band == 0))
        # A shown mean inside a shown distribution: its sum (or the rest's) may not be the
        # least or the most its share of the distribution's answers allows.
        mean_ns = {key: (cell_total(n, key), cell_total(s, key)) for key in shown_mean}
        for g_key, d_key in _inside(incidence, row, shown_mean, shown_dist):
            d_bands = [cell_total(band_col[b], d_key) for b in range(3)]
            d_n, d_s = cell_total(n, d_key), cell_total(s, d_key)
            g_n, g_s = mean_ns[g_key]
            if not g_n or g_n > d_n:
                continue
            for m, total in ((g_n, g_s), (d_n - g_n, d_s - g_s)):
                if m and _at_share_bound(m, total, d_bands):
                    a.find(fam + " distribution", "mean at the bound of its share",
                           f"{g_key} in {d_key}")
        # Bands and mean give x2 + x5 and x1 + x4; either 0 pins the five categories.
        for cats in ((2, 5), (1, 4)):
            nobody = counts[:, list(cats)].sum(axis=1) == 0
            a.empty_within(fam + " distribution", f"derivable group with nobody in {cats}",
                           shown_dist, live, live & nobody)
        # The total's five categories: a shown mean (or the rest of the total) at the least
        # or most sum its share of them allows.
        five = "total" in shown_dist and any(
            v is not None and len(v) == 5 for v in dist_values.get("total", []))
        if five:
            t_n, t_s = cell_total(n, "total"), cell_total(s, "total")
            cats = [cell_total(cat_col[j], "total") for j in range(1, 6)]
            for g_key in shown_mean:
                g_n, g_s = mean_ns[g_key]
                if 0 < g_n < t_n and any(_at_five_share_bound(m, total, cats) for m, total in
                                         ((g_n, g_s), (t_n - g_n, t_s - g_s))):
                    a.find(fam + " distribution", "mean at the bound of its share of five",
                           g_key)
        # Several inequalities together, on small rounds: an integer programme.
        a.report.checks += 1
        for what in _integer_attack(classes, counts, kv, shown_mean, shown_dist, five):
            a.find(fam, "an integer programme pins a small group", what)

    # -- scales ------------------------------------------------------------------------------
    for code in _scales(latest):
        n = np.asarray(data.scale_n[code], dtype=np.int64)
        off_low, off_high = data.scale_off[code]
        live = n > 0
        kv = max(min(int(_scales(p)[code]["k"]) for p in payloads if code in _scales(p)),
                 data.scale_k.get(code, 0), k)
        fam = f"scale {code}"
        per = [(_scales(p).get(code) or {"cells": {}})["cells"] for p in payloads]
        shown_n = _versions(a, fam + " n", _merge(per, lambda c: c.get("n")))
        shown_mean = _versions(a, fam + " mean", _merge(per, lambda c: c.get("mean")))
        for key in shown_n:
            m = cell_total(n, key)
            if 0 < m < k:
                a.find(fam, "small published count", key)
        for key in shown_mean:
            if cell_total(n, key) < kv:
                a.find(fam, "mean of fewer than k scores", key)
        a.derived(fam + " n", "derivable small count", shown_n, live, np.minimum(n, k), k - 1)
        a.derived(fam + " sum", "derivable sum of a small group", shown_mean, live,
                  np.minimum(n, kv), kv - 1)
        near = live & (n < 2 * kv)
        for off, side in ((off_low, "0"), (off_high, "100")):
            a.derived(fam + " sum", f"derivable group all at {side}", shown_mean, live,
                      np.minimum(np.asarray(off, dtype=np.int64), 1), 0, near)
    a.report.seconds = time.perf_counter() - started
    return a.report


def _at_five_share_bound(m: int, total: int, cats: Sequence[int]) -> bool:
    """Is ``total`` the least or the most sum of ``m`` answers taken from these five
    categories (the lowest answers first, or the highest)?"""
    def pick(values: Sequence[int]) -> int:
        left, out = m, 0
        for value in values:
            take = min(left, int(cats[value - 1]))
            out += take * value
            left -= take
        return out

    return total <= pick((1, 2, 3, 4, 5)) or total >= pick((5, 4, 3, 2, 1))


# Rounds whose live atoms fall into at most this many classes (atoms no cell tells apart)
# get the integer programme; a solve past the time limit is a finding (fails closed).
INTEGER_MAX_CLASSES = 16
INTEGER_SECONDS = 10.0


class _Classes:
    """Atoms by the set of cells that hold them."""

    def __init__(self, cells: dict[str, frozenset[int]], n_atoms: int) -> None:
        holding: list[list[str]] = [[] for _ in range(n_atoms)]
        for key in sorted(cells):
            for atom in cells[key]:
                holding[atom].append(key)
        self.cells = cells
        self.signature = [tuple(h) for h in holding]


def _integer_attack(classes: _Classes, counts: np.ndarray, kv: int, shown_mean: Iterable[str],
                    shown_dist: Iterable[str], five: bool) -> list[str]:
    """The attacker's integer programme over the item's classes: every answer count per
    atom, the exact sums of shown means, the bands of shown distributions, the total's five
    categories. Returns what it pins: a category count of 1..k_v-1 of a class or a cell, a class
    with an atom under 2k_v in one category or band, a sum of a class (up to three) or a cell
    under k_v. Only rounds of few classes where a group under 2k_v shows a figure or holds an
    atom."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = counts[:, 1:].sum(axis=1)
    live = np.flatnonzero(n > 0).tolist()
    sig: dict[tuple, int] = {}
    of = {a: sig.setdefault(classes.signature[a], len(sig)) for a in live}
    m = len(sig)
    if not m or m > INTEGER_MAX_CLASSES:
        return []
    truth = np.zeros((m, 5), dtype=np.int64)
    least = np.full(m, 10**9)
    for a in live:
        truth[of[a]] += counts[a, 1:]
        least[of[a]] = min(least[of[a]], int(n[a]))
    size = truth.sum(axis=1)
    held = {key: sorted({of[a] for a in atoms if a in of}) for key, atoms in classes.cells.items()}
    held = {key: cl for key, cl in held.items() if cl}
    shown_mean = [k for k in shown_mean if k in held]
    shown_dist = [k for k in shown_dist if k in held]
    # Wherever a class holds an atom under 2k_v answers.
    if not (least < 2 * kv).any():
        return []

    def row(cl: Iterable[int], weights: dict[int, int]) -> np.ndarray:
        r = np.zeros(m * 5)
        for c in cl:
            for j, w in weights.items():
                r[5 * c + j - 1] = w
        return r

    eq = [(row([c], {j: 1 for j in range(1, 6)})) for c in range(m)]
    for key in shown_mean:
        eq.append(row(held[key], {j: j for j in range(1, 6)}))
    for key in shown_dist:
        eq += [row(held[key], {j: 1 for j in band}) for band in BANDS]
    if five and "total" in held:
        eq += [row(held["total"], {j: 1}) for j in range(1, 6)]
    x0 = truth.reshape(-1).astype(float)
    a_eq = np.array(eq)
    b = a_eq @ x0
    goals: list[tuple[str, np.ndarray, bool]] = []  # (what, objective, only the most)
    for c in range(m):
        goals += [(f"class {c} count of {j}", row([c], {j: 1}), False)
                  for j in range(1, 6) if 0 < truth[c, j - 1] < kv]
        if least[c] < 2 * kv:
            for band in ((1,), (2,), (3,), (4,), (5,), *BANDS):
                rest = {j: 1 for j in range(1, 6) if j not in band}
                if not truth[c, [j - 1 for j in rest]].any():
                    goals.append((f"class {c} all in {band}", row([c], rest), True))
    small = [c for c in range(m) if size[c] < kv]
    for r in (1, 2, 3):
        for combo in itertools.combinations(small, r):
            if size[list(combo)].sum() < kv:
                goals.append((f"sum of classes {combo}", row(combo, {j: j for j in range(1, 6)}),
                              False))
    for key, cl in held.items():
        if size[cl].sum() < kv:
            goals.append((f"sum of {key}", row(cl, {j: j for j in range(1, 6)}), False))
        goals += [(f"{key} count of {j}", row(cl, {j: 1}), False)
                  for j in range(1, 6) if 0 < truth[cl, j - 1].sum() < kv]
    started = time.perf_counter()
    objs = np.array([g[1] for g in goals]) if goals else np.zeros((0, m * 5))
    keep = np.ones(len(goals), dtype=bool)
    # Answers that publish the same figures: a 1 and a 5 for a 2 and a 4 in one class, or two
    # answers swapped between classes inside the same shown cells.
    inside = [held[k] for k in [*shown_mean, *shown_dist, *(["total"] if five else [])]
              if k in held]
    where = [tuple(i for i, cl in enumerate(inside) if c in cl) for c in range(m)]
    for c in range(m):
        for sign in (1, -1):
            d = np.zeros(m * 5)
            d[5 * c:5 * c + 5] = np.array([-1, 1, 0, 1, -1]) * sign
            if (x0 + d >= 0).all():
                keep &= np.abs(objs @ d) < 0.5
        for c2 in range(c + 1, m):
            if where[c] == where[c2]:
                for j, j2 in itertools.permutations(range(5), 2):
                    d = np.zeros(m * 5)
                    d[[5 * c + j, 5 * c2 + j2]] = -1
                    d[[5 * c + j2, 5 * c2 + j]] = 1
                    if (x0 + d >= 0).all():
                        keep &= np.abs(objs @ d) < 0.5
    for seed in range(3 if keep.any() else 0):
        res = milp(np.random.default_rng(seed).uniform(-1, 1, m * 5),
                   constraints=LinearConstraint(a_eq, b, b), integrality=np.ones(m * 5),
                   bounds=Bounds(0, np.repeat(size, 5)), options={"time_limit": 2.0})
        if res.x is not None:
            keep &= np.abs(objs @ (np.round(res.x) - x0)) < 0.5
    pending = np.flatnonzero(keep).tolist()
    pinned: list[str] = []
    while pending:
        g = pending.pop(0)
        what, obj, most_only = goals[g]
        moved = False
        for sign in ((-1.0,) if most_only else (-1.0, 1.0)):
            left = INTEGER_SECONDS - (time.perf_counter() - started)
            if left <= 0:
                break
            res = milp(sign * obj, constraints=LinearConstraint(a_eq, b, b),
                       integrality=np.ones(m * 5), bounds=Bounds(0, np.repeat(size, 5)),
                       options={"time_limit": left})
            if res.x is not None:
                x = np.round(res.x)
                pending = [o for o in pending if abs(goals[o][1] @ (x - x0)) < 0.5]
                moved = abs(obj @ (x - x0)) > 0.5
                if moved:
                    break
            if res.status != 0:
                break
        if not moved:
            pinned.append(what)
    return pinned


def _at_share_bound(m: int, total: int, band_counts: Sequence[int]) -> bool:
    """Is ``total`` the least or the most sum of ``m`` answers taken from these bands? (The
    least takes the low band's answers at 1 first, then 3s, then 4s; the most 5s, 3s, 2s.)"""
    def pick(order: Sequence[tuple[int, int]]) -> int:
        left, out = m, 0
        for count, value in order:
            take = min(left, int(count))
            out += take * value
            left -= take
        return out

    low, mid, high = band_counts
    least = pick([(low, 1), (mid, 3), (high, 4)])
    most = pick([(high, 5), (mid, 3), (low, 2)])
    return total <= least or total >= most


def _incidence(atom_sets: Sequence[frozenset[int]], n_atoms: int):
    """Cells x atoms, 0/1, sparse (CSR)."""
    from scipy import sparse

    indptr = np.zeros(len(atom_sets) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(a) for a in atom_sets])
    indices = np.fromiter((x for a in atom_sets for x in sorted(a)), dtype=np.int64,
                          count=int(indptr[-1]))
    return sparse.csr_matrix((np.ones(indices.size, dtype=np.int64), indices, indptr),
                             shape=(len(atom_sets), n_atoms))


def _inside(incidence, row: dict[str, int], inner: Iterable[str],
            outer: Iterable[str]) -> list[tuple[str, str]]:
    """(g, d) for every cell g of ``inner`` whose atoms all lie in cell d of ``outer``."""
    inner, outer = sorted(inner), sorted(outer)
    if not inner or not outer:
        return []
    gi = incidence[[row[k] for k in inner]]
    di = incidence[[row[k] for k in outer]]
    sizes = np.diff(gi.indptr)
    common = (gi @ di.T).tocoo()
    keep = (common.data == sizes[common.row]) & (sizes[common.row] > 0)
    return [(inner[g], outer[d]) for g, d in zip(common.row[keep].tolist(),
                                                 common.col[keep].tolist(), strict=True)]


def _merge(per_payload: Sequence[dict], pick) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for cells in per_payload:
        for key, cell in cells.items():
            out[key].append(pick(cell))
    return out


def _same_distribution(a: tuple, b: tuple) -> bool:
    """Equal, or three bands that sum five categories given earlier (nothing new). Five
    categories after three bands is new (finer) and counts as a change."""
    if len(a) == len(b):
        return a == b
    if len(a) == 5 and len(b) == 3:
        return (a[0] + a[1], a[2], a[3] + a[4]) == tuple(b)
    return False


def _versions(a: _Audit, family: str, values: dict[str, list], same=None) -> list[str]:
    """Keys published in any version; a finding where versions disagree or a withheld figure
    comes back later."""
    same = same or (lambda x, y: x == y)
    shown = []
    for key, vals in values.items():
        published = [v for v in vals if v is not None]
        if not published:
            continue
        shown.append(key)
        if any(not same(earlier, later) for earlier, later in zip(published, published[1:],
                                                                     strict=False)):
            a.find(family, "figure changed between releases", key)
        first = next(i for i, v in enumerate(vals) if v is not None)
        if any(v is None for v in vals[:first]):
            a.find(family, "figure published after an earlier release withheld it", key)
    return shown
