"""The red team's attacker: integer programming over everything a reader has seen.

Independent of ``ledelsesrum.disclosure`` and of ``analysis.results``: it knows only the published
payloads (every release of a round, every channel reads from them), the response overview, the
register an insider has (which atom every respondent belongs to, and the unit tree as published),
the answer scale's bounds (1–5; 0–100 for scale scores) and that counts are whole numbers.

Per item it sets up the attacker's polytope over ``x[a, j]`` = the number of respondents of atom
``a`` who gave answer ``j`` (0 = no answer / "Ved ikke", 1..5) and asks scipy's HiGHS MILP for the
tightest interval of every target:

* the sum (hence mean) of every atom and of every group with 1..k-1 answers,
* the unanimity of every atom with 1..2k-1 answers (all of it in one category or one band),
* every category count of an atom or of a group a reader has seen pinned between 1 and k-1,
* (count mode, counts unknown) the count of every atom and every withheld group with 1..k-1.

Two attackers: ``counts_known=True`` also knows every atom's number of respondents and of answers
per item (the strongest attacker, used for values); ``counts_known=False`` knows only which atoms
are empty (used for counts). A finding is a target whose interval is a single value.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

BANDS = ((1, 2), (3,), (4, 5))
CATEGORIES = (1, 2, 3, 4, 5)


@dataclass
class Finding:
    what: str
    lower: float
    upper: float

    def __str__(self) -> str:
        return f"{self.what} pinned to [{self.lower:g}, {self.upper:g}]"


@dataclass
class Register:
    """What an insider knows about the respondents' groups: the atom of each respondent.

    ``answers[i]`` is respondent i's answers (item code → value) — used only to compute the true
    values the attacker's findings are compared with, never as knowledge.
    """

    atom_of: list[int]
    n_atoms: int
    groups: dict[str, frozenset[int]]
    answers: list[dict]
    segments: list[tuple] = field(default_factory=list)

    def groups_for(self, parents: dict[str, str | None]) -> dict[str, frozenset[int]]:
        """Group key → atoms under one published unit tree (a release's own tree)."""
        return _groups(self.segments, parents)

    def true_counts(self, code: str | None) -> np.ndarray:
        """atoms × 6: respondents per answer 0..5 (code None: responses per atom in column 0)."""
        out = np.zeros((self.n_atoms, 6), dtype=np.int64)
        for answers, atom in zip(self.answers, self.atom_of, strict=True):
            if code is None:
                out[atom, 0] += 1
                continue
            v = answers.get(code)
            j = v if isinstance(v, int) and 1 <= v <= 5 else 0
            out[atom, j] += 1
        return out


def register_from_rows(rows: Sequence[tuple[dict, tuple]], parents: dict[str, str | None]) -> Register:
    """Atoms from (answers, (unit_id, area, level, seniority, span)) rows and a published tree.

    ``parents`` maps every published unit key ("unit:12") to its parent key (or None)."""
    segs = sorted({seg for _a, seg in rows}, key=repr)
    index = {s: i for i, s in enumerate(segs)}
    return Register(
        atom_of=[index[seg] for _a, seg in rows], n_atoms=len(segs),
        groups=_groups(segs, parents), answers=[a for a, _s in rows], segments=segs,
    )


def _groups(segs: Sequence[tuple], parents: dict[str, str | None]) -> dict[str, frozenset[int]]:
    groups: dict[str, set[int]] = {"total": set(range(len(segs)))}
    names = ("area", "level", "seniority_band", "span_band")
    for i, seg in enumerate(segs):
        for pos, name in enumerate(names, start=1):
            groups.setdefault(f"{name}:{seg[pos] or ''}", set()).add(i)
        node = f"unit:{seg[0]}" if seg[0] is not None else "unit:none"
        seen: set[str] = set()
        while node is not None and node not in seen:
            seen.add(node)
            groups.setdefault(node, set()).add(i)
            node = parents.get(node)
    return {k: frozenset(v) for k, v in groups.items()}


# --- facts ---------------------------------------------------------------------------------------


@dataclass
class Fact:
    """lo <= sum over (atom, answer) of coef * x[atom, answer] <= hi."""

    terms: dict[tuple[int, int], float]
    lo: float
    hi: float
    source: str = ""


def _group_terms(atoms: Iterable[int], answers: Iterable[int], weight=lambda j: 1.0):
    return {(a, j): weight(j) for a in atoms for j in answers}


def sum_interval(mean: float, n: int, decimals: int, scale: float = 1.0) -> tuple[int, int]:
    """Whole-number sums consistent with a mean rounded to ``decimals`` (on a ``scale``)."""
    half = 0.5 * 10.0 ** (-decimals)
    lo = math.ceil((mean - half) * n / scale - 1e-9)
    hi = math.floor((mean + half) * n / scale + 1e-9)
    return lo, hi


class ItemModel:
    """The attacker's integer polytope for one item (or the responses, with ``code=None``)."""

    def __init__(self, register: Register, code: str | None, k: int, *, counts_known: bool,
                 invited_slack: int = 3) -> None:
        self.reg = register
        self.code = code
        self.k = k
        self.counts_known = counts_known
        self.truth = register.true_counts(code)
        self.n_atoms = register.n_atoms
        self.facts: list[Fact] = []
        self.invited_slack = invited_slack
        self.groups = register.groups
        self.seen_groups: dict[str, frozenset[int]] = dict(register.groups)

    def use_groups(self, groups: dict[str, frozenset[int]]) -> None:
        """Read the next payload's group keys with that payload's own unit tree."""
        self.groups = groups
        for key, atoms in groups.items():
            if self.seen_groups.get(key, atoms) != atoms:
                key = f"{key} (another tree)"
            self.seen_groups[key] = atoms

    def var(self, a: int, j: int) -> int:
        return a * 6 + j

    # facts from what was published
    def add(self, terms: dict, lo: float, hi: float, source: str) -> None:
        self.facts.append(Fact(terms, lo, hi, source))

    def published_n(self, key: str, n: int) -> None:
        atoms = self.groups[key]
        answers = range(1, 6) if self.code is not None else (0,)
        self.add(_group_terms(atoms, answers), n, n, f"n {key}")

    def published_responses(self, atoms: Iterable[int], n: int, source: str) -> None:
        """A published number of respondents (any answer, incl. none) of a set of atoms."""
        self.add(_group_terms(atoms, range(6)), n, n, source)

    def published_sum(self, key: str, lo: int, hi: int) -> None:
        atoms = self.groups[key]
        self.add(_group_terms(atoms, range(1, 6), weight=float), lo, hi, f"sum {key}")

    def published_counts(self, key: str, bands: Sequence[Sequence[int]], counts: Sequence[int]) -> None:
        atoms = self.groups[key]
        for band, c in zip(bands, counts, strict=True):
            self.add(_group_terms(atoms, band), c, c, f"band {band} {key}")

    def between(self, key: str, lo: float, hi: float, source: str) -> None:
        atoms = self.groups[key]
        answers = range(1, 6) if self.code is not None else (0,)
        self.add(_group_terms(atoms, answers), lo, hi, source)

    # solving
    def _build(self):
        n_vars = self.n_atoms * 6
        extra = getattr(self, "_unanimity", [])
        n_bin = len(extra) * 5
        total_vars = n_vars + n_bin
        rows: list[tuple[dict[int, float], float, float]] = []
        for f in self.facts:
            rows.append(({self.var(a, j): c for (a, j), c in f.terms.items()}, f.lo, f.hi))
        lower = np.zeros(total_vars)
        upper = np.full(total_vars, np.inf)
        for a in range(self.n_atoms):
            resp = int(self.truth[a].sum())
            answered = int(self.truth[a, 1:].sum())
            if self.code is None:
                for j in range(1, 6):
                    upper[self.var(a, j)] = 0.0
                if self.counts_known:
                    lower[self.var(a, 0)] = upper[self.var(a, 0)] = resp
                else:
                    # Known zeros: an empty atom is known to be empty, the others hold >= 1.
                    lower[self.var(a, 0)] = 1.0 if resp else 0.0
                    upper[self.var(a, 0)] = resp + self.invited_slack if resp else 0.0
                continue
            if self.counts_known:
                rows.append(({self.var(a, j): 1.0 for j in range(6)}, resp, resp))
                rows.append(({self.var(a, j): 1.0 for j in range(1, 6)}, answered, answered))
            else:
                if resp == 0:
                    for j in range(6):
                        upper[self.var(a, j)] = 0.0
                else:
                    rows.append(({self.var(a, j): 1.0 for j in range(6)}, 1.0,
                                 resp + self.invited_slack))
        for i, (atoms, _note) in enumerate(extra):
            # "everyone in the group answered the same": binaries u_j, one of them 1.
            base = n_vars + i * 5
            rows.append(({base + j: 1.0 for j in range(5)}, 1.0, 1.0))
            big = float(sum(int(self.truth[a].sum()) + self.invited_slack for a in atoms))
            for j in range(1, 6):
                terms = {self.var(a, jj): 1.0 for a in atoms for jj in range(1, 6) if jj != j}
                terms[base + j - 1] = big
                rows.append((terms, -np.inf, big))
            upper[base:base + 5] = 1.0
        a = lil_matrix((len(rows), total_vars))
        lo = np.empty(len(rows))
        hi = np.empty(len(rows))
        for r, (terms, l_, h_) in enumerate(rows):
            for v, c in terms.items():
                a[r, v] = c
            lo[r], hi[r] = l_, h_
        self._a = a.tocsr()
        self._lo, self._hi = lo, hi
        self._bounds = Bounds(lower, upper)
        self._n_total = total_vars

    def unanimous(self, key: str, note: str = "") -> None:
        """Published: everyone in the group who answered gave the same answer."""
        if not hasattr(self, "_unanimity"):
            self._unanimity = []
        self._unanimity.append((self.groups[key], note))

    def interval(self, objective: dict[tuple[int, int], float]) -> tuple[float, float]:
        if not hasattr(self, "_a"):
            self._build()
        c = np.zeros(self._n_total)
        for (a, j), w in objective.items():
            c[self.var(a, j)] = w
        cons = [LinearConstraint(self._a, self._lo, self._hi)] if self._a.shape[0] else []
        out = []
        for sign in (1.0, -1.0):
            res = milp(sign * c, constraints=cons, integrality=np.ones(self._n_total),
                       bounds=self._bounds, options={"presolve": True})
            if res.status != 0:
                raise AssertionError(f"attacker model infeasible ({res.message}): the published "
                                     "figures contradict the true data — a harness bug")
            out.append(sign * res.fun)
        return round(out[0], 6), round(out[1], 6)


def _answered(t: np.ndarray, atoms: Iterable[int]) -> int:
    return int(sum(t[a, 1:].sum() for a in atoms))


def value_findings(model: ItemModel, *, k: int, extra_targets: dict[str, frozenset[int]] | None = None,
                   subset_size: int = 3) -> list[Finding]:
    """Everything the counts-known attacker can pin about one item's answers."""
    t = model.truth
    findings: list[Finding] = []
    live = [a for a in range(model.n_atoms) if t[a, 1:].sum() > 0]
    small = [a for a in live if t[a, 1:].sum() < k]
    targets: dict[str, frozenset[int]] = {}
    for size in range(1, subset_size + 1):
        for combo in itertools.combinations(small, size):
            if _answered(t, combo) < k:
                targets["atoms " + ",".join(map(str, combo))] = frozenset(combo)
    for key, atoms in {**model.seen_groups, **(extra_targets or {})}.items():
        n = _answered(t, atoms)
        if 0 < n < k:
            targets[key] = atoms
    seen: set[frozenset[int]] = set()
    for name, atoms in targets.items():
        live_atoms = frozenset(a for a in atoms if t[a, 1:].sum() > 0)
        if not live_atoms or live_atoms in seen:
            continue
        seen.add(live_atoms)
        lo, hi = model.interval({(a, j): float(j) for a in live_atoms for j in range(1, 6)})
        if lo == hi:
            findings.append(Finding(f"sum of {name} (n={_answered(t, live_atoms)})", lo, hi))
    # A category count of 1..k-1 pinned in any group a reader has seen (a small cell of the
    # group's frequency table: "one leader answered 2").
    for key, atoms in model.seen_groups.items():
        live_atoms = [a for a in atoms if t[a, 1:].sum() > 0]
        if not live_atoms:
            continue
        for j in CATEGORIES:
            lo, hi = model.interval({(a, j): 1.0 for a in live_atoms})
            if lo == hi and 0 < lo < k:
                findings.append(Finding(f"{key}: count of answer {j}", lo, hi))
    # Unanimity of every atom with 1..2k-1 answers, per category and per band; and any category
    # count of an atom pinned at 1..k-1.
    for a in live:
        n = int(t[a, 1:].sum())
        for j in CATEGORIES:
            lo, hi = model.interval({(a, j): 1.0})
            if lo == hi and 0 < lo < k:
                findings.append(Finding(f"atom {a}: count of answer {j}", lo, hi))
        if n >= 2 * k:
            continue
        for band in (*((j,) for j in CATEGORIES), *BANDS):
            others = {(a, j): 1.0 for j in range(1, 6) if j not in band}
            lo, hi = model.interval(others)
            if hi == 0 and t[a, list(band)].sum() > 0:
                findings.append(Finding(f"atom {a} (n={n}) all answered {band}", lo, hi))
    return findings


def count_findings(model: ItemModel, *, k: int, withheld: dict[str, frozenset[int]]) -> list[Finding]:
    """Counts (counts unknown, empty atoms known): small atoms and withheld small groups."""
    t = model.truth
    col = (0,) if model.code is None else tuple(range(1, 6))
    findings = []
    targets = {f"atom {a}": frozenset([a]) for a in range(model.n_atoms)}
    targets.update(withheld)
    for name, atoms in targets.items():
        n = int(sum(t[a, list(col)].sum() for a in atoms))
        if not 0 < n < k:
            continue
        lo, hi = model.interval({(a, j): 1.0 for a in atoms for j in col})
        if lo == hi:
            findings.append(Finding(f"count of {name}", lo, hi))
    return findings


# --- reading published payloads ----------------------------------------------------------------


def _unit_parents(payload: dict) -> dict[str, str | None]:
    for b in payload["breakdowns"]:
        if b["key"] == "unit":
            return {g["key"]: g.get("parent") for g in b["groups"]}
    return {}


def parents_of(payloads: Sequence[dict]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for p in payloads:
        out.update(_unit_parents(p))
    return out


def item_model(register: Register, payloads: Sequence[dict], code: str, *, counts_known: bool,
               k: int | None = None, reasons: bool = True) -> ItemModel:
    """Every fact about item ``code`` in every payload (all releases of the round)."""
    # Held to the lowest threshold any release published the item under: the promise all keep.
    k_published = min(i["k"] for p in payloads for i in p["items"] if i["code"] == code)
    model = ItemModel(register, code, k or k_published, counts_known=counts_known)
    for payload in payloads:
        model.use_groups(register.groups_for(_unit_parents(payload)))
        item = next(i for i in payload["items"] if i["code"] == code)
        k_item = item["k"]
        for key, cell in item["cells"].items():
            if key not in model.groups:
                continue
            n = cell.get("n")
            if n is not None:
                model.published_n(key, n)
                if cell.get("mean") is not None and n:
                    lo, hi = sum_interval(cell["mean"], n, 2)
                    model.published_sum(key, lo, hi)
                dist = cell.get("distribution")
                if dist:
                    bands = BANDS if dist["bands"] == 3 else tuple((j,) for j in CATEGORIES)
                    model.published_counts(key, bands, dist["counts"])
            if not reasons:
                continue
            reason = cell.get("reason")
            if reason == "below_threshold":
                model.between(key, 1, k_item - 1, f"reason below {key}")
            elif reason == "complementary":
                model.between(key, k_item, np.inf, f"reason complement {key}")
            if (cell.get("withheld_figures") or {}).get("mean") == "unanimous":
                model.unanimous(key, "reason unanimous")
    return model


def responses_model(register: Register, payloads: Sequence[dict], *, k: int,
                    overviews: Sequence[dict] = (), unit_of_atom: Sequence | None = None,
                    counts_known: bool = False) -> ItemModel:
    model = ItemModel(register, None, k, counts_known=counts_known)
    for payload in payloads:
        model.use_groups(register.groups_for(_unit_parents(payload)))
        for b in payload["breakdowns"]:
            for g in b["groups"]:
                fig = g["responses"]
                if fig.get("n") is not None and g["key"] in model.groups:
                    model.published_n(g["key"], fig["n"])
    for ov in overviews:
        add_overview(model, ov)
    return model


def add_overview(model: ItemModel, overview: dict) -> None:
    """Rows of the response overview: their members are unit ids or areas."""
    reg = model.reg
    if overview.get("submitted") is not None:
        model.published_responses(range(reg.n_atoms), overview["submitted"], "overview total")
    for part, rows in ((0, overview.get("units") or []), (1, overview.get("areas") or [])):
        for row in rows:
            if row.get("submitted") is None:
                continue
            members = set(row["members"])
            atoms = [a for a, seg in enumerate(reg.segments) if seg[part] in members]
            model.published_responses(atoms, row["submitted"], f"overview {row['label']}")


def withheld_groups(payloads: Sequence[dict], register: Register, code: str | None) -> dict:
    out = {}
    for payload in payloads:
        if code is None:
            for b in payload["breakdowns"]:
                for g in b["groups"]:
                    if g["responses"].get("n") is None and g["key"] in register.groups:
                        out[g["key"]] = register.groups[g["key"]]
        else:
            item = next(i for i in payload["items"] if i["code"] == code)
            for key, cell in item["cells"].items():
                if cell.get("n") is None and key in register.groups:
                    out[key] = register.groups[key]
    return out
