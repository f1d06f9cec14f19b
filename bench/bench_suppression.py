"""Timings of `protect` for realistic structures (prints figures; not a test).

    .venv/bin/python bench/bench_suppression.py

A municipality: 5 areas x 8 districts x 5 leaf units (245 units), leaders in leaf units, crossed
with level (3), seniority band (4) and span band (4); cells = total, every unit, every breakdown
value and area x each breakdown. Atoms = the unit x level x seniority x span combinations present.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledelsesrum.disclosure.suppression import Cell, Protector, protect_cached  # noqa: E402


def municipality(respondents: int, seed: int = 1, leaves_per_district: int = 5):
    rng = np.random.default_rng(seed)
    units, parent = ["root"], [None]
    leaves, area_of = [], {}
    for a in range(5):
        units.append(f"a{a}")
        parent.append(0)
        ai = len(units) - 1
        for d in range(8):
            units.append(f"a{a}d{d}")
            parent.append(ai)
            di = len(units) - 1
            for leaf in range(leaves_per_district):
                units.append(f"a{a}d{d}u{leaf}")
                parent.append(di)
                leaves.append(len(units) - 1)
                area_of[len(units) - 1] = a
    weight = rng.pareto(1.5, len(leaves)) + 1
    leaf = rng.choice(leaves, size=respondents, p=weight / weight.sum())
    level = rng.choice(3, size=respondents, p=[0.6, 0.3, 0.1])
    seniority = rng.choice(4, size=respondents)
    span = rng.choice(4, size=respondents, p=[0.4, 0.3, 0.2, 0.1])
    combos, atom_of = np.unique(np.stack([leaf, level, seniority, span], axis=1), axis=0,
                                return_inverse=True)
    atom_of = atom_of.reshape(-1)
    n_atoms = len(combos)

    ancestors = {}
    for u in range(len(units)):
        chain, p = [], u
        while p is not None:
            chain.append(p)
            p = parent[p]
        ancestors[u] = chain
    members: dict[str, set[int]] = {}
    for i, (lf, lv, sn, sp) in enumerate(combos):
        a = area_of[lf]
        keys = [f"unit={units[u]}" for u in ancestors[lf]]
        keys += [f"level={lv}", f"seniority={sn}", f"span={sp}",
                 f"area={a}&level={lv}", f"area={a}&seniority={sn}", f"area={a}&span={sp}"]
        for key in keys:
            members.setdefault(key, set()).add(i)
    members["unit=root"] = set(range(n_atoms))
    cells = [Cell("total" if k == "unit=root" else k, frozenset(v)) for k, v in members.items()]
    relations: list[tuple[str, list[str]]] = []
    for u in range(1, len(units)):
        kids = [f"unit={units[c]}" for c in range(len(units))
                if parent[c] == u and f"unit={units[c]}" in members]
        if kids and f"unit={units[u]}" in members:
            relations.append((f"unit={units[u]}", kids))
    relations.append(("total", [f"unit={units[c]}" for c in range(len(units)) if parent[c] == 0]))
    for var, size in (("level", 3), ("seniority", 4), ("span", 4)):
        relations.append(("total", [f"{var}={v}" for v in range(size) if f"{var}={v}" in members]))
        for a in range(5):
            relations.append((f"unit=a{a}", [f"area={a}&{var}={v}" for v in range(size)
                                             if f"area={a}&{var}={v}" in members]))
    return cells, relations, atom_of, n_atoms, rng


def timed(fn, repeat=1):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best * 1000


def main() -> None:
    for respondents in (2_000, 50_000):
        report(respondents, k=5)


def report(respondents: int, k: int) -> None:
    if True:
        cells, relations, atom_of, n_atoms, rng = municipality(respondents)
        full = np.bincount(atom_of, minlength=n_atoms)
        print(f"\n{respondents} respondents: {len(cells)} cells, {n_atoms} atoms, "
              f"{int(((full > 0) & (full < k)).sum())} atoms with 1..{k - 1} respondents")
        p, ms = timed(lambda: Protector(cells, n_atoms, relations=relations))
        print(f"  structure (merge atoms, detect relations)    {ms:8.1f} ms")
        _, ms = timed(p.structural_span)
        print(f"  span of all cells (once per structure)       {ms:8.1f} ms")
        safe = np.maximum(full, k)
        _, ms = timed(lambda: p.protect(safe, k), 5)
        print(f"  nothing sensitive: protect                   {ms:8.3f} ms")
        out, ms = timed(lambda: p.protect(full, k))
        print(f"  all answered: protect                        {ms:8.1f} ms "
              f"({len(out)} of {len(cells)} cells withheld)")
        _, ms = timed(lambda: p.protect(full, k), 5)
        print(f"  same pattern again (memoised)                {ms:8.3f} ms")
        # 60 items: 45 answered by everyone, 15 skipped by 2-8 % ("ved ikke")
        items = []
        for item in range(60):
            if item % 4 == 0:
                answered = rng.random(len(atom_of)) > rng.uniform(0.02, 0.08)
                items.append(np.bincount(atom_of[answered], minlength=n_atoms))
            else:
                items.append(full)

        def run_items():
            return [protect_cached(cells, c.tolist(), k, relations=relations) for c in items]

        _, ms = timed(run_items)
        print(f"  60 items, 16 distinct patterns (cold)        {ms:8.1f} ms")
        _, ms = timed(run_items)
        print(f"  60 items again (memoised)                    {ms:8.1f} ms")


if __name__ == "__main__":
    main()
