"""Which figures of a round may be published: every disclosure rule, in one place.

Pure Python and NumPy, no Django: ``decide`` takes the per-atom data of a closed round and the
cell layout and returns what to withhold. ``analysis.results`` shapes the payload from it and
``audit`` checks the payload independently afterwards. The rules (docs/anonymity.md):

* **Counts** (responses per group, answers per item, valid scale scores): no set of 1..k-1
  respondents derivable (GaussSuppression, `suppression.Protector`), per family. Families are
  linked: where a group's item count equals its response count (nobody skipped) the two are one
  figure, so such a group is withheld in both or in neither; a group withheld for its responses
  shows no item count at all, and an n = 0 there is kept underivable too ("all chose Ved ikke").
* **Sums** (means): against an attacker who knows every atom's count. No set with 1..k_v-1
  answers has a derivable sum (k_v = the item's threshold, 20 for sensitive items), and no
  derivable set holding a group under 2k_v answers lies within one scale step of a bound
  (sum - n <= 1 or 5n - sum <= 1): that would show everyone in it in one band or category.
* **Distributions** (three bands) only for groups with >= 2k_v answers and every band >= k_v;
  no derivable group under 2k_v, and no derivable group with a band under k_v (0 included:
  a derived empty band, with the mean, pins the five categories). Nor may a derivable group
  have nobody in 2 or 5, or nobody in 1 or 4: with the mean, its bands then pin the five
  categories too (the sum is the least or the most the band counts allow). And no shown mean
  inside a shown distribution (or the rest of it) may be the least or the most sum its share
  of that distribution's answers allows (`share_pins`): it fixes every answer within its band. The total shows five
  categories (and its sd) only when every category holds >= k_v.
* **Scales**: counts as above; sums protected like items at the scale's threshold, with
  "everyone at 0 or 100" as the bound rule; a scale cell is withheld wherever one of its items'
  means is withheld (scale minus the other items would approximate it), and kept underivable.
* **Versions**: a new release of a round may only withhold more than every earlier one (`prior`):
  everything ever published is the attacker's knowledge, so a figure once withheld stays
  withheld. Within one round the atoms and the unit tree are frozen, so the figures agree.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .suppression import Cell, Criterion, Protector

N_CATEGORIES = 5
# The rules' steps, named so that the mutation tests can weaken each one by one step.
UNANIMITY_FACTOR = 2  # groups under 2·k_v answers may not be pinned near a bound
BOUND_MARGIN = 1  # "near": a sum within one scale step of n·1 or n·5
BANDS: tuple[tuple[int, ...], ...] = ((1, 2), (3,), (4, 5))


@dataclass(frozen=True)
class Thresholds:
    k: int
    sensitive: int
    open_text: int

    def for_item(self, sensitive: bool) -> int:
        return max(self.sensitive, self.k) if sensitive else self.k


@dataclass
class Layout:
    """The published groups of a round: cells over atoms, and exact partitions among them."""

    cells: list[Cell]
    n_atoms: int
    relations: list[tuple[str, list[str]]] = field(default_factory=list)
    total: str = "total"

    def __post_init__(self) -> None:
        keyset = {c.key for c in self.cells}
        # Only exact partitions are relations; a parent missing a child is not one.
        self.relations = [
            (p, list(ch)) for p, ch in self.relations
            if p in keyset and ch and all(c in keyset for c in ch)
        ]
        self.keys = [c.key for c in self.cells]
        self.protector = Protector(self.cells, self.n_atoms, relations=self.relations)

    def cell_sums(self, per_atom: np.ndarray) -> np.ndarray:
        """Per-cell totals of a per-atom vector (exact for integers)."""
        return self.protector.cell_sums(self.protector.merge(per_atom))


@dataclass
class ItemData:
    code: str
    counts: np.ndarray  # atoms x 6: answers 0 (none / "Ved ikke") and 1..5 per atom
    sensitive: bool = False


@dataclass
class ScaleData:
    code: str
    items: list[str]
    n: np.ndarray  # valid scale scores per atom
    off_low: np.ndarray  # respondents per atom with a score above 0
    off_high: np.ndarray  # respondents per atom with a score below 100
    sensitive: bool = False


@dataclass
class Prior:
    """Figures published by earlier releases of the same round (keys per figure family)."""

    counts: set[str] | None = None  # group keys whose response count was shown
    item_n: dict[str, set[str]] = field(default_factory=dict)
    item_mean: dict[str, set[str]] = field(default_factory=dict)
    item_dist: dict[str, set[str]] = field(default_factory=dict)
    item_five: dict[str, bool] = field(default_factory=dict)
    scale_n: dict[str, set[str]] = field(default_factory=dict)
    scale_mean: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class ItemDecision:
    k: int
    n_withheld: set[str]
    mean_withheld: set[str]
    dist_withheld: set[str]
    five: bool  # the total's five categories (and sd) may be shown


@dataclass
class ScaleDecision:
    k: int
    n_withheld: set[str]
    mean_withheld: set[str]


@dataclass
class Decision:
    counts_withheld: set[str]  # the response count per group
    items: dict[str, ItemDecision]
    scales: dict[str, ScaleDecision]
    timings: dict[str, float] = field(default_factory=dict)
    protect_runs: int = 0


def answered(counts: np.ndarray) -> np.ndarray:
    return counts[:, 1:].sum(axis=1)


def item_sums(counts: np.ndarray) -> np.ndarray:
    return counts[:, 1:] @ np.arange(1, N_CATEGORIES + 1)


def bands(counts: np.ndarray) -> np.ndarray:
    """atoms (or cells) x 3 band counts."""
    return np.stack([counts[:, list(b)].sum(axis=1) for b in BANDS], axis=1)


def decide(
    layout: Layout,
    responses: np.ndarray,
    items: Sequence[ItemData],
    scales: Sequence[ScaleData],
    thresholds: Thresholds,
    *,
    prior: Prior | None = None,
    progress=None,
) -> Decision:
    """What to withhold in a round's release. See the module docstring for the rules."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    p = layout.protector
    runs_before = p.runs
    k = thresholds.k
    keys = layout.keys
    order = np.asarray(responses, dtype=np.int64)  # prefer publishing large groups
    resp_cells = layout.cell_sums(order)
    empty_cells = {keys[i] for i in np.flatnonzero(resp_cells == 0)}

    # 1. Counts: responses per group, answers per item, valid scores per scale.
    families = [(it.code, answered(it.counts)) for it in items]
    families += [("scale:" + s.code, np.asarray(s.n, dtype=np.int64)) for s in scales]
    withheld, family_withheld = _count_families(layout, order, families, k)
    timings["counts"] = time.perf_counter() - t0

    item_out: dict[str, ItemDecision] = {}
    t1 = time.perf_counter()
    for number, item in enumerate(items):
        if progress is not None:
            progress(number, len(items), item.code)
        item_out[item.code] = _decide_item(layout, item, family_withheld[item.code], order,
                                           thresholds)
    timings["items"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    scale_out: dict[str, ScaleDecision] = {}
    for scale in scales:
        item_w: set[str] = set()
        for code in scale.items:
            if code in item_out:
                item_w |= item_out[code].mean_withheld
        scale_out[scale.code] = _decide_scale(layout, scale, family_withheld["scale:" + scale.code],
                                              order, thresholds, item_w)
    timings["scales"] = time.perf_counter() - t2

    decision = Decision(withheld, item_out, scale_out, timings, p.runs - runs_before)
    if prior is not None:
        restrict_to_prior(decision, prior, keys, empty_cells)
    return decision


def _count_families(layout: Layout, responses: np.ndarray,
                    families: Sequence[tuple[str, np.ndarray]], k: int
                    ) -> tuple[set[str], dict[str, set[str]]]:
    """Withheld groups for the response counts and for every other count family.

    Families are linked: an item's count can never exceed the group's responses, so where
    nobody in a group skipped the item the two are the same figure and the attacker can tell
    (a published parent with equal counts proves it). Such groups are withheld in both or in
    neither. A group withheld for its responses shows no figure at all; if nobody in it
    answered an item, that zero is kept underivable too (it would say "all chose Ved ikke").
    """
    p = layout.protector
    keys = layout.keys
    r_cells = layout.cell_sums(responses)
    r_crit = Criterion.counts(np.minimum(responses, k), k)
    r_primary: set[str] = set()
    per: dict[str, set[str]] = {}
    for _ in range(12):
        w_r = _protect(p, r_crit, set(), responses, keys, primary=r_primary)
        per = {}
        grow: set[str] = set()
        done: dict[tuple, set[str]] = {}
        for name, counts in families:
            counts = np.asarray(counts, dtype=np.int64)
            n_cells = layout.cell_sums(counts)
            eq = {keys[i] for i in np.flatnonzero((n_cells == r_cells) & (r_cells > 0))}
            zero = {keys[i] for i in np.flatnonzero((n_cells == 0) & (r_cells > 0))} & w_r
            sig = (np.minimum(counts, k).tobytes(), frozenset(eq & w_r), frozenset(zero))
            if sig in done:
                per[name] = done[sig]
                continue
            live = counts > 0
            # With the same empty atoms, a set of 1..k-1 answers that holds no atom where
            # someone skipped is a set of 1..k-1 respondents, which w_r already protects: only
            # sets through a skipping atom need a search.
            target = (counts < responses) if np.array_equal(live, responses > 0) else None
            crit = Criterion(live, np.minimum(counts, k), k - 1, target)
            w_f = _protect(p, crit, w_r, responses, keys, primary=w_r & eq)
            if zero:
                # The zeros: underivable even to a reader who does not know those atoms are
                # empty (a second pass, so the first holds against one who does).
                live_z = live.copy()
                for key in zero:
                    live_z[list(layout.cells[layout.keys.index(key)].atoms)] = True
                crit_z = Criterion(live_z, np.minimum(counts, k), k - 1, None)
                w_f = _protect(p, crit_z, w_f, responses, keys, primary=zero)
            per[name] = done[sig] = w_f
            grow |= (w_f & eq) - w_r
        if not grow:
            return w_r, per
        r_primary |= grow
    # Did not settle (never seen): one withheld set for every family.
    union = set().union(*per.values()) if per else set()
    union |= _protect(p, r_crit, union, responses, keys)
    return union, {name: set(union) for name, _c in families}


def _protect(p: Protector, crit: Criterion, withheld: set[str], order: np.ndarray,
             keys: Sequence[str], *, primary: set[str] = frozenset()) -> set[str]:
    """Cells to withhold for ``crit`` given what is already withheld (returned too), and the
    ``primary`` cells kept underivable: a cheap check first, the full run only when needed."""
    shown = [key for key in keys if key not in withheld and key not in primary]
    if not p.leaks(crit, shown) and not (primary and p.derivable(primary, crit.live, shown)):
        return set(withheld) | set(primary)
    return p.protect_sets(crit, unavailable=withheld - set(primary), primary=primary,
                          order=order) | set(withheld)


def _decide_item(layout: Layout, item: ItemData, withheld: set[str], order: np.ndarray,
                 th: Thresholds) -> ItemDecision:
    keys = layout.keys
    kv = th.for_item(item.sensitive)
    counts = np.asarray(item.counts, dtype=np.int64)
    n = answered(counts)
    s = item_sums(counts)
    cell_n = layout.cell_sums(n)
    no_answers = {keys[i] for i in np.flatnonzero(cell_n == 0)}
    atom_bands = bands(counts)
    cell_bands = np.stack([layout.cell_sums(atom_bands[:, b]) for b in range(3)], axis=1)
    cell_s = layout.cell_sums(s)
    total_i = keys.index(layout.total)
    total_counts = counts[:, 1:].sum(axis=0)
    pinned: set[str] = set()  # means withheld for the share rule below, kept underivable
    dist_extra: set[str] = set()  # distributions withheld for the integer check
    five_off = False  # the total's five categories withheld for a share or integer pin
    deadline = time.perf_counter() + INTEGER_SECONDS
    for _ in range(2 * len(keys) + 2):
        mean_w = _item_means(layout, n, s, kv, th, withheld | no_answers, pinned, order)
        dist_w = _item_distributions(layout, counts, atom_bands, n, cell_n, cell_bands, kv,
                                     mean_w, order) | dist_extra
        more = share_pins(layout, cell_n, cell_s, cell_bands, mean_w, dist_w) - pinned
        if more:
            pinned |= more
            continue
        five = (not five_off and layout.total not in dist_w and cell_n[total_i] > 0
                and five_categories_allowed(total_counts, kv))
        if five and five_share_pins(cell_n, cell_s, total_i, total_counts, mean_w, keys):
            five_off, five = True, False
        found = integer_pins(layout, counts, kv, mean_w, dist_w, five, deadline=deadline)
        if not found:
            break
        # Take away the least first: the five categories, then the smallest group's mean
        # (groups under 2k_v first), then the smallest distribution.
        if five:
            five_off = True
            continue
        means = [i for i in np.flatnonzero(cell_n > 0).tolist() if keys[i] not in mean_w]
        dists = [i for i in np.flatnonzero(cell_n > 0).tolist() if keys[i] not in dist_w]
        if means:
            pick = min(means, key=lambda i: (cell_n[i] >= 2 * kv, cell_n[i], keys[i]))
            pinned.add(keys[pick])
        elif dists:
            dist_extra.add(keys[min(dists, key=lambda i: (cell_n[i], keys[i]))])
        else:
            break
    else:
        # Did not settle (never seen): no distribution at all, the conservative end.
        dist_w = set(keys)
        five = False
    n_w = set(withheld) if kv == th.k else set(mean_w) - no_answers | set(withheld)
    return ItemDecision(kv, n_w, mean_w, dist_w, five)


def _item_means(layout: Layout, n: np.ndarray, s: np.ndarray, kv: int, th: Thresholds,
                 withheld: set[str], pinned: set[str], order: np.ndarray) -> set[str]:
    """Sums: small sets at the item's own threshold (sensitive items), the bounds rule, and
    the ``pinned`` means kept underivable."""
    p = layout.protector
    keys = layout.keys
    mean_w = set(withheld)
    if kv > th.k:
        mean_w |= _protect(p, Criterion.counts(np.minimum(n, kv), kv), mean_w, order, keys)
    for crit in bound_criteria(n, s, kv):
        mean_w |= _protect(p, crit, mean_w, order, keys)
    if pinned - mean_w:
        mean_w |= _protect(p, Criterion.counts(np.minimum(n, kv), kv), mean_w, order, keys,
                           primary=pinned - mean_w)
    return mean_w


def _item_distributions(layout: Layout, counts: np.ndarray, atom_bands: np.ndarray,
                        n: np.ndarray, cell_n: np.ndarray, cell_bands: np.ndarray, kv: int,
                        mean_w: set[str], order: np.ndarray) -> set[str]:
    """Distributions: only groups with >= 2kv answers and every band >= kv are candidates."""
    p = layout.protector
    keys = layout.keys
    live = n > 0
    ok = (cell_n >= 2 * kv) & (cell_bands >= kv).all(axis=1)
    dist_w = set(mean_w) | {keys[i] for i in np.flatnonzero(~ok)}
    # (No derived group under 2kv needs its own pass: every derived band is 0 — prevented
    # below — or >= kv, so a derived group holds >= 3kv.)
    for b in range(3):
        if len(dist_w) >= len(keys):
            break
        # A derived band count of 1..kv-1 (atoms empty in the band are known to be, here) ...
        band = atom_bands[:, b]
        for crit in band_count_criteria(band, kv):
            dist_w |= _protect(p, crit, dist_w, order, keys)
        # ... and no derived group with the band empty: with its mean it would pin the five
        # categories (no one in "høj grad" leaves "Slet ikke" = sum - 3·nogen - 4·lav).
        dist_w |= _derived_empty(layout, live, live & (band == 0), dist_w, cell_n)
    # With its mean, a group's bands give x2 + x5 (sum - low - 3 mid - 4 high) and x1 + x4
    # (2 low + 3 mid + 5 high - sum): where either is 0 the five categories follow (all low
    # answers are 1s, all high ones 4s ...), so no derivable group may have either empty.
    for slack in within_band_slacks(counts):
        if len(dist_w) >= len(keys):
            break
        dist_w |= _derived_empty(layout, live, live & (slack == 0), dist_w, cell_n)
    return dist_w


BAND_LEAST = (1, 3, 4)  # the least and the most answer in each band (lav, nogen, høj)
BAND_MOST = (2, 3, 5)


def share_bounds(m: int, band_counts: Sequence[int]) -> tuple[int, int]:
    """The least and the most sum ``m`` answers drawn from a group with these band counts can
    have: the lowest answers first (each band at its least), or the highest (at its most)."""
    lo = hi = 0
    left = m
    for count, least in zip(band_counts, BAND_LEAST, strict=True):
        take = min(left, int(count))
        lo += take * least
        left -= take
    left = m
    for count, most in zip(reversed(band_counts), reversed(BAND_MOST), strict=True):
        take = min(left, int(count))
        hi += take * most
        left -= take
    return lo, hi


def share_pins(layout: Layout, cell_n: np.ndarray, cell_s: np.ndarray, cell_bands: np.ndarray,
               mean_w: set[str], dist_w: set[str]) -> set[str]:
    """Shown means that a shown distribution around them pins: a group G inside a group D whose
    bands are shown, with G's sum (or that of D minus G) the least or the most its share of D's
    answers allows. Then every answer of it is fixed within its band (and D's x2 + x5 or x1 + x4
    with it). Returns the cells whose mean to withhold (G; D itself when G is D)."""
    keys = layout.keys
    p = layout.protector
    shown_dist = [i for i, key in enumerate(keys) if key not in dist_w and cell_n[i] > 0]
    if not shown_dist:
        return set()
    shown_mean = [i for i, key in enumerate(keys) if key not in mean_w and cell_n[i] > 0]
    if not shown_mean:
        return set()
    # which shown means lie inside which shown distributions: |G ∩ D| = |G|
    incidence = p.member.astype(np.int64)
    sizes = np.diff(incidence.indptr)
    inter = (incidence[shown_mean] @ incidence[shown_dist].T).tocoo()
    out: set[str] = set()
    for gi, di, common in zip(inter.row.tolist(), inter.col.tolist(), inter.data.tolist(),
                              strict=True):
        g, d = shown_mean[gi], shown_dist[di]
        if common != sizes[g]:
            continue
        band_counts = [int(x) for x in cell_bands[d]]
        n_g, s_g = int(cell_n[g]), int(cell_s[g])
        lo, hi = share_bounds(n_g, band_counts)
        pins = s_g <= lo or s_g >= hi
        n_c, s_c = int(cell_n[d]) - n_g, int(cell_s[d]) - s_g
        if n_c > 0:
            lo_c, hi_c = share_bounds(n_c, band_counts)
            pins = pins or s_c <= lo_c or s_c >= hi_c
        if pins:
            out.add(keys[g])
    return out


def five_share_pins(cell_n: np.ndarray, cell_s: np.ndarray, total_i: int,
                    total_counts: np.ndarray, mean_w: set[str], keys: Sequence[str]) -> bool:
    """The share rule on the total's five categories: a shown mean of a group smaller than the
    total (or the rest of the total) at the least or the most sum that many of the total's
    answers can have fixes its answers (k = 3: 5 answers at the top of [10, 3, 3, 3, 3] are
    5, 5, 5, 4, 4). Then the five categories are withheld (the three bands stay)."""
    cats = [int(c) for c in total_counts]
    n_t, s_t = int(cell_n[total_i]), int(cell_s[total_i])
    for i, key in enumerate(keys):
        n_g = int(cell_n[i])
        if key in mean_w or not 0 < n_g < n_t:
            continue
        for m, total in ((n_g, int(cell_s[i])), (n_t - n_g, s_t - int(cell_s[i]))):
            lo, hi = _category_share_bounds(m, cats)
            if total <= lo or total >= hi:
                return True
    return False


def _category_share_bounds(m: int, cats: Sequence[int]) -> tuple[int, int]:
    lo = hi = 0
    left = m
    for value, count in enumerate(cats, start=1):
        take = min(left, count)
        lo += take * value
        left -= take
    left = m
    for value, count in reversed(list(enumerate(cats, start=1))):
        take = min(left, count)
        hi += take * value
        left -= take
    return lo, hi


# The integer check: pieces of up to this many classes (merged live atoms) are checked
# exactly; bigger ones rely on the linear rules above. Past the time budget (per item) every
# target not yet cleared counts as pinned, so a slow solver withholds more, never less.
INTEGER_MAX_CLASSES = 16
INTEGER_SECONDS = 5.0


def integer_pins(layout: Layout, counts: np.ndarray, kv: int, mean_w: set[str],
                 dist_w: set[str], five: bool, *, deadline: float | None = None) -> list[str]:
    """What an integer programme over everything shown for one item pins (empty: nothing).

    The attacker's model (docs/anonymity.md) on the item's classes — live atoms merged where
    no cell tells them apart — with every atom's answer count, every shown mean as an exact
    sum, every shown distribution's bands and the total's five categories when shown. Several
    inequalities together can pin what no single rule sees (k = 3: the total's five categories
    and two means fix that one leader of 17 answered 4). Targets, as the attacker's: a category
    count of 1..k_v-1 of a class or a cell, a class with an atom under 2k_v all in one category
    or band, the sum of a class, of up to three classes or of a cell under k_v answers.
    Checked wherever the classes are few (INTEGER_MAX_CLASSES) and one holds an atom under
    2k_v answers.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    p = layout.protector
    keys = layout.keys
    counts = np.asarray(counts, dtype=np.int64)
    n = answered(counts)
    groups = np.flatnonzero(p.merge_any(n > 0))
    m = len(groups)
    if m == 0 or m > INTEGER_MAX_CLASSES:
        return []
    index = {int(g): i for i, g in enumerate(groups.tolist())}
    truth = np.stack([p.merge(counts[:, j])[groups] for j in range(1, 6)], axis=1)
    n_c = truth.sum(axis=1)
    atom_min = np.full(m, np.iinfo(np.int64).max)
    for a in np.flatnonzero(n > 0).tolist():
        i = index[int(p.group[a])]
        atom_min[i] = min(atom_min[i], int(n[a]))
    members = [[index[g] for g in p.cell_atoms[c].tolist() if g in index]
               for c in range(len(keys))]
    cell_n = [int(n_c[cl].sum()) for cl in members]
    shown_mean = [c for c in range(len(keys)) if keys[c] not in mean_w and cell_n[c] > 0]
    shown_dist = [c for c in range(len(keys)) if keys[c] not in dist_w and cell_n[c] > 0]
    # Wherever a class holds an atom under 2k_v answers (the groups the rules protect): the
    # bounded size above keeps that cheap, and a narrower trigger missed a leak.
    if not (atom_min < 2 * kv).any():
        return []

    def vec(classes: Iterable[int], answers: Iterable[int], weight=lambda j: 1) -> np.ndarray:
        v = np.zeros(m * 5)
        for c in classes:
            for j in answers:
                v[c * 5 + j - 1] = weight(j)
        return v

    rows: list[np.ndarray] = []
    rhs: list[int] = []
    for c in range(m):
        rows.append(vec([c], range(1, 6)))
        rhs.append(int(n_c[c]))
    for c in shown_mean:
        rows.append(vec(members[c], range(1, 6), weight=lambda j: j))
        rhs.append(int((truth[members[c]] @ np.arange(1, 6)).sum()))
    for c in shown_dist:
        for band in BANDS:
            rows.append(vec(members[c], band))
            rhs.append(int(truth[members[c]][:, [j - 1 for j in band]].sum()))
    if five:
        t = keys.index(layout.total)
        for j in range(1, 6):
            rows.append(vec(members[t], [j]))
            rhs.append(int(truth[members[t], j - 1].sum()))
    x_true = truth.reshape(-1).astype(float)
    # (name, objective, true value, sides to check: +1 most, -1 least)
    targets: list[tuple[str, np.ndarray, float, tuple[int, ...]]] = []
    for c in range(m):
        for j in range(1, 6):
            if 0 < truth[c, j - 1] < kv:
                targets.append((f"class {c}: count of {j}", vec([c], [j]), truth[c, j - 1],
                                (1, -1)))
        if atom_min[c] < 2 * kv:
            for band in (*((j,) for j in range(1, 6)), *BANDS):
                others = [j for j in range(1, 6) if j not in band]
                if truth[c, [j - 1 for j in others]].sum() == 0:
                    targets.append((f"class {c}: all in {band}", vec([c], others), 0, (1,)))
    small = [c for c in range(m) if n_c[c] < kv]
    combos = [(c,) for c in small] + [
        combo for size in (2, 3) for combo in itertools.combinations(small, size)
        if n_c[list(combo)].sum() < kv]
    sums = [(f"classes {combo}: sum", list(combo)) for combo in combos]
    sums += [(f"{keys[c]}: sum", members[c]) for c in range(len(keys)) if 0 < cell_n[c] < kv]
    for name, classes in sums:
        v = vec(classes, range(1, 6), weight=lambda j: j)
        targets.append((name, v, float(v @ x_true), (1, -1)))
    for c in range(len(keys)):
        for j in range(1, 6):
            value = int(truth[members[c], j - 1].sum())
            if 0 < value < kv:
                targets.append((f"{keys[c]}: count of {j}", vec(members[c], [j]), value, (1, -1)))
    if not targets:
        return []
    constraint = LinearConstraint(np.array(rows), np.array(rhs), np.array(rhs))
    bounds = Bounds(np.zeros(m * 5), np.repeat(n_c, 5).astype(float))
    objectives = np.array([t[1] for t in targets])
    values = np.array([t[2] for t in targets])
    # Clear what other answers that publish the same figures clear, without a solver: within a
    # class a 1 and a 5 for a 2 and a 4 (and back); between classes in the same shown cells
    # any two answers swapped.
    shown = [members[c] for c in shown_mean + shown_dist]
    if five:
        shown.append(members[keys.index(layout.total)])
    signature: dict[int, list[int]] = defaultdict(list)
    for c in range(m):
        signature[c] = [i for i, cl in enumerate(shown) if c in cl]
    moves: list[np.ndarray] = []
    for c in range(m):
        d = np.zeros(m * 5)
        d[c * 5:c * 5 + 5] = (-1, 1, 0, 1, -1)
        moves += [d, -d]
        for c2 in range(c + 1, m):
            if signature[c] != signature[c2]:
                continue
            for j, j2 in itertools.permutations(range(5), 2):
                d = np.zeros(m * 5)
                d[c * 5 + j], d[c * 5 + j2], d[c2 * 5 + j], d[c2 * 5 + j2] = -1, 1, 1, -1
                moves.append(d)
    alive = np.ones(len(targets), dtype=bool)
    for d in moves:
        if (x_true + d >= 0).all():
            alive &= np.abs(objectives @ d) < 0.5
    rng = np.random.default_rng(0)
    for _ in range(3 if alive.any() else 0):
        res = milp(rng.normal(size=m * 5), constraints=constraint,
                   integrality=np.ones(m * 5), bounds=bounds, options={"time_limit": 2.0})
        if res.x is not None:
            alive &= np.abs(objectives @ np.round(res.x) - values) < 0.5
    open_ = np.flatnonzero(alive).tolist()
    found: list[str] = []
    while open_:
        ti = open_.pop(0)
        name, v, value, sides = targets[ti]
        cleared = False
        for side in sides:
            left = None if deadline is None else deadline - time.perf_counter()
            if left is not None and left <= 0:
                break
            options = {"presolve": True} | ({} if left is None else {"time_limit": left})
            res = milp(-side * v, constraints=constraint, integrality=np.ones(m * 5),
                       bounds=bounds, options=options)
            if res.x is not None:
                x = np.round(res.x)
                # the point clears every target it moves (this one too)
                open_ = [o for o in open_ if abs(targets[o][1] @ x - targets[o][2]) < 0.5]
                if abs(v @ x - value) > 0.5:
                    cleared = True
                    break
            if res.status != 0:
                break  # not proven: counts as pinned
        if not cleared:
            found.append(name)
    return found


def bound_criteria(n: np.ndarray, s: np.ndarray, kv: int) -> list[Criterion]:
    """No derivable group of fewer than UNANIMITY_FACTOR·k_v answers whose sum lies within
    BOUND_MARGIN steps of a bound of the scale (n·1 or n·5): it would say that (nearly) all of
    them answered at that end. One criterion per bound; the weight is the distance to it."""
    live = n > 0
    target = live & (n < UNANIMITY_FACTOR * kv)
    return [Criterion(live, np.minimum(distance, BOUND_MARGIN + 1), BOUND_MARGIN, target)
            for distance in (s - n, N_CATEGORIES * n - s)]


def within_band_slacks(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per atom, how far its sum lies above the least and below the most its band counts
    allow: x2 + x5 and x1 + x4."""
    counts = np.asarray(counts, dtype=np.int64)
    return counts[:, 2] + counts[:, 5], counts[:, 1] + counts[:, 4]


def band_count_criteria(band: np.ndarray, kv: int) -> list[Criterion]:
    """No derivable count of 1..k_v-1 in a band of a shown distribution."""
    return [Criterion.counts(np.minimum(band, kv), kv)]


def five_categories_allowed(total_counts: np.ndarray, kv: int) -> bool:
    """The total's five categories only when every category holds at least k_v answers: an
    empty or small category would tell every sub-group something about its members."""
    return bool((np.asarray(total_counts) >= kv).all())


def _derived_empty(layout: Layout, live: np.ndarray, empty: np.ndarray, withheld: set[str],
                   cell_n: np.ndarray) -> set[str]:
    """Cells to withhold so that no combination of the shown cells is supported on ``empty``
    atoms alone (such a combination would show a group with nobody in the band).

    Gaussian elimination with the other atoms eliminated first: a row whose leading atom is an
    empty one is a combination of shown cells that lives on empty atoms only. Its cells are
    tracked as tags; the smallest of them is withheld, until no such row is left.
    """
    p = layout.protector
    g_live = p.merge_any(live)
    g_empty = p.merge_any(empty) & g_live
    if not g_empty.any():
        return set()
    # A combination living on empty atoms vanishes on every other live atom, so those are
    # witnesses that tie breakdown tables crossing the tree to their parents (see
    # `Protector.reduce_for`): ask the question on the smaller structure where that holds.
    plan = p.reduce_for(g_live & ~g_empty, 1)
    if plan is not None:
        reduced, dropped, tables = plan
        index = {key: i for i, key in enumerate(layout.keys)}
        shown = set(layout.keys) - withheld
        known = {parent for parent, children in tables if shown.issuperset(children)}
        witness = (g_live & ~g_empty)[p.group]
        r_live = reduced.merge_any(live)
        r_empty = r_live & ~reduced.merge_any(witness)
        r_cell_n = cell_n[[index[key] for key in reduced.keys]]
        extra = _derived_empty_in(reduced, reduced.keys, r_live, r_empty,
                                  (withheld - dropped) - known, r_cell_n)
        if not extra & known:
            return extra
    return _derived_empty_in(p, layout.keys, g_live, g_empty, withheld, cell_n)


def _derived_empty_in(p: Protector, keys: Sequence[str], g_live: np.ndarray,
                      g_empty: np.ndarray, withheld: set[str], cell_n: np.ndarray) -> set[str]:
    """`_derived_empty` on one structure (merged atoms of ``p``; cells named by ``keys``)."""
    if not g_empty.any():
        return set()
    # Fast and exact where the layout allows: the combinations living on empty atoms are
    # whole blocks; take each such block into its parent's by withholding a cell.
    quick = _derived_empty_blocks(p, keys, g_live, g_empty, withheld, cell_n)
    if quick is not None:
        return quick
    n_groups = p.n_groups
    # order: non-empty live atoms < empty atoms < tags (cells)
    rank = np.where(g_empty, n_groups, 0) + np.arange(n_groups)
    extra: set[str] = set()
    while True:
        shown = [i for i, key in enumerate(keys) if key not in withheld and key not in extra]
        rows: dict[int, dict[int, int]] = {}
        offending: list[dict[int, int]] = []
        for c in shown:
            v = {int(rank[a]): 1 for a in p.cell_atoms[c].tolist() if g_live[a]}
            if not v:
                continue
            v[2 * n_groups + c] = 1
            while v:
                lead = min(v)
                row = rows.get(lead)
                if row is None:
                    break
                a, f = row[lead], v[lead]
                v = {x: a * v.get(x, 0) - f * row.get(x, 0) for x in set(v) | set(row)}
                v = {x: y for x, y in v.items() if y}
                if v:
                    g = math.gcd(*v.values())
                    if g > 1:
                        v = {x: y // g for x, y in v.items()}
            if not v:
                continue
            lead = min(v)
            rows[lead] = v
            if n_groups <= lead < 2 * n_groups:
                offending.append(v)
        if not offending:
            return extra
        for v in offending:
            cells = [x - 2 * n_groups for x in v if x >= 2 * n_groups]
            if not cells:
                continue
            smallest = min(cells, key=lambda c: (cell_n[c], keys[c]))
            extra.add(keys[smallest])


def _derived_empty_blocks(p: Protector, keys: Sequence[str], g_live: np.ndarray,
                          g_empty: np.ndarray, withheld: set[str],
                          cell_n: np.ndarray) -> set[str] | None:
    """`_derived_empty` where the span's empty combinations are whole blocks (exact, fast):
    each block is a shown cell minus its shown sub-cells, so withholding the smallest of those
    sub-cells (with every cell holding the same atoms, else its twin shows it still) merges
    the block into a bigger one. None when the layout is not that simple."""
    order, parent, _own = p._tree()
    owner = p.__dict__["_owner"]
    twins: dict[bytes, list[int]] = defaultdict(list)
    for c in order:
        twins[p.cell_atoms[c].tobytes()].append(c)
    extra: set[str] = set()
    for _ in range(len(keys) + 1):
        shown = [i for i, key in enumerate(keys) if key not in withheld and key not in extra]
        blocks = p.blocks_within(shown, g_live, g_empty)
        if blocks is None:
            return None
        if not blocks:
            return extra
        shown_set = set(shown)
        # nearest shown strict ancestor of every laminar cell (parents come first in order),
        # twins folded into one representative so that a twin chain counts as one cell
        rep = {c: _twins_of(twins, p, c)[0] for c in order}
        above: dict[int, int] = {}
        near: dict[int, int] = {}
        for c in order:
            up = parent.get(c, -1)
            above[c] = -1 if up < 0 else (up if up in shown_set else above[up])
            near[c] = c if c in shown_set else above[c]
        kids: dict[int, list[int]] = defaultdict(list)
        for x in order:
            if x not in shown_set:
                continue
            a = above[x]
            while a >= 0 and rep[a] == rep[x]:
                a = above[a]
            if a >= 0:
                kids[rep[a]].append(x)
        done: set[int] = set()
        for block in blocks:
            top = near.get(int(owner[block[0]]), -1)
            if top < 0:
                return None
            if rep[top] in done:
                continue
            done.add(rep[top])
            options = [x for x in kids.get(rep[top], []) if x in shown_set]
            pick = min(options, key=lambda x: (cell_n[x], keys[x])) if options else top
            for twin in _twins_of(twins, p, pick):
                extra.add(keys[twin])
                shown_set.discard(twin)
    return None


def _twins_of(twins: dict[bytes, list[int]], p: Protector, c: int) -> list[int]:
    return twins.get(p.cell_atoms[c].tobytes(), [c])


def _decide_scale(layout: Layout, scale: ScaleData, withheld: set[str], order: np.ndarray,
                  th: Thresholds, item_withheld: set[str]) -> ScaleDecision:
    p = layout.protector
    keys = layout.keys
    kv = th.for_item(scale.sensitive)
    n = np.asarray(scale.n, dtype=np.int64)
    cell_n = layout.cell_sums(n)
    none = {keys[i] for i in np.flatnonzero(cell_n == 0)}
    mean_w = set(withheld) | none
    if kv > th.k:
        mean_w |= _protect(p, Criterion.counts(np.minimum(n, kv), kv), mean_w, order, keys)
    extra = item_withheld - mean_w
    if extra:
        # Scale cells that would approximate a withheld item mean: withheld, and underivable.
        mean_w |= p.protect(np.minimum(n, th.k), th.k, primary=extra, unavailable=mean_w,
                            order=order)
        mean_w |= extra
    live = n > 0
    target = live & (n < 2 * kv)
    for off in (scale.off_low, scale.off_high):
        crit = Criterion(live, np.minimum(np.asarray(off, dtype=np.int64), 1), 0, target)
        mean_w |= _protect(p, crit, mean_w, order, keys)
    n_w = set(withheld) if kv == th.k else set(mean_w) - none | set(withheld)
    return ScaleDecision(kv, n_w, mean_w)


def restrict_to_prior(decision: Decision, prior: Prior, keys: Iterable[str],
                      empty: set[str]) -> None:
    """Withhold everything an earlier release of the round withheld (monotone releases).

    A figure shown now but withheld before would be new knowledge that, together with the
    earlier release, can isolate a small group (a second complement). Empty groups publish 0
    in every release and need no history.
    """
    allkeys = set(keys)

    def hide(current: set[str], shown_before: set[str] | None) -> None:
        if shown_before is None:
            return
        current |= (allkeys - shown_before) - empty

    hide(decision.counts_withheld, prior.counts)
    for code, d in decision.items.items():
        hide(d.n_withheld, prior.item_n.get(code, set()) if code in prior.item_n else None)
        if code in prior.item_mean:
            hide(d.mean_withheld, prior.item_mean[code])
            d.mean_withheld |= d.n_withheld
        if code in prior.item_dist:
            hide(d.dist_withheld, prior.item_dist[code])
            d.dist_withheld |= d.mean_withheld
        if code in prior.item_five and not prior.item_five[code]:
            d.five = False
    for code, d in decision.scales.items():
        if code in prior.scale_n:
            hide(d.n_withheld, prior.scale_n[code])
        if code in prior.scale_mean:
            hide(d.mean_withheld, prior.scale_mean[code])
            d.mean_withheld |= d.n_withheld
