"""Protect + audit a national round: 1, 10, 49 and 98 organisations (prints figures; not a test).

    .venv/bin/python bench/bench_disclosure.py --orgs 1 10 49 98 --items 6

Each organisation is a municipality of ~219 units (root → 6 forvaltninger → 5 districts → 5–7
institutions; a third of the institutions have 1–4 respondents, the rest ~25), ~3,300
respondents, the results page's published layout (total; area, level, seniority and span band as
national tables; every unit as its subtree), and answers drawn per unit from a beta-binomial
(units differ; some agree strongly), 3 % skipped. At 98 organisations that is ~21,000 units and
~258,000 atoms. Every figure is one fresh process per size: CPU seconds, peak memory (ru_maxrss),
cells and atoms, respondents hidden (responses withheld in leaf units), and with `--baseline`
the same for the response counts alone, by this engine and by the pre-rework one (commit
819f91a, read from git: dense, counts capped at k so complements follow key order). Results:
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE_COMMIT = "819f91a"
AREAS = ["Børn og Unge", "Social og Sundhed", "Teknik og Miljø", "Kultur og Fritid",
         "Beskæftigelse", "Økonomi og Personale"]


def national(orgs: int, seed: int = 7):
    """(atoms, responses, cells, relations, unit counts) of a synthetic national round."""
    rng = np.random.default_rng(seed)
    cells: dict[str, list[int]] = {"total": []}
    parent: dict[str, str | None] = {}
    leaves: list[tuple[str, int, list[str]]] = []  # (leaf key, area, ancestor keys)
    for o in range(orgs):
        root = f"unit:o{o}"
        parent[root] = None
        for a in range(6):
            fv = f"{root}.a{a}"
            parent[fv] = root
            for d in range(5):
                dist = f"{fv}.d{d}"
                parent[dist] = fv
                for leaf in range(int(rng.integers(5, 8))):
                    key = f"{dist}.u{leaf}"
                    parent[key] = dist
                    leaves.append((key, a, [key, dist, fv, root]))
    # Institutions differ: about a third have 1-4 leaders responding (small units are what
    # disclosure control is about), the rest a Poisson around 25.
    small = rng.random(len(leaves)) < 0.3
    resp_per_leaf = np.where(small, rng.integers(1, 5, len(leaves)),
                             rng.poisson(24, len(leaves)) + 1)
    atom_key: dict[tuple, int] = {}
    responses: list[int] = []
    atom_leaf: list[int] = []
    for li, (_key, _a, _anc) in enumerate(leaves):
        n = int(resp_per_leaf[li])
        level = rng.choice(4, size=n, p=[0.03, 0.12, 0.25, 0.60])
        sen = rng.choice(5, size=n)
        span = rng.choice(5, size=n, p=[0.3, 0.3, 0.2, 0.1, 0.1])
        for lv, sn, sp in zip(level.tolist(), sen.tolist(), span.tolist(), strict=True):
            k = (li, lv, sn, sp)
            if k not in atom_key:
                atom_key[k] = len(responses)
                responses.append(0)
                atom_leaf.append(li)
            responses[atom_key[k]] += 1
    n_atoms = len(responses)
    for (li, lv, sn, sp), atom in atom_key.items():
        key, area, anc = leaves[li]
        for name in (f"area:{AREAS[area]}", f"level:{lv}", f"seniority_band:{sn}",
                     f"span_band:{sp}", *anc):
            cells.setdefault(name, []).append(atom)
    cells["total"] = list(range(n_atoms))
    children: dict[str, list[str]] = {}
    for u, p in parent.items():
        if p is not None:
            children.setdefault(p, []).append(u)
    relations = [(u, kids) for u, kids in children.items()]
    relations.append(("total", [u for u, p in parent.items() if p is None]))
    for table in ("area", "level", "seniority_band", "span_band"):
        relations.append(("total", [k for k in cells if k.startswith(table + ":")]))
    return (np.asarray(responses, dtype=np.int64), np.asarray(atom_leaf), cells, relations,
            len(parent), rng)


def items_for(responses: np.ndarray, atom_leaf: np.ndarray, n_items: int, rng):
    """Per item atoms × 6 answer counts: per unit a leaning, per respondent a draw."""
    from ledelsesrum.disclosure.policy import ItemData

    out = []
    n_leaves = int(atom_leaf.max()) + 1
    for i in range(n_items):
        lean = rng.beta(2, 2, n_leaves)  # a unit's typical answer, 0..1 → 1..5
        agree = rng.uniform(2, 30, n_leaves)  # high = the unit agrees strongly
        counts = np.zeros((responses.size, 6), dtype=np.int64)
        p = np.clip(lean[atom_leaf], 0.01, 0.99)
        conc = agree[atom_leaf]
        a, b = p * conc, (1 - p) * conc
        for atom in range(responses.size):
            q = rng.beta(a[atom], b[atom], int(responses[atom]))
            v = 1 + rng.binomial(4, q)
            skip = rng.random(v.size) < 0.03
            counts[atom, 0] = int(skip.sum())
            counts[atom, 1:] += np.bincount(v[~skip], minlength=6)[1:6]
        out.append(ItemData(f"Q{i + 1}", counts, sensitive=False))
    return out


def run_one(orgs: int, n_items: int, audit: bool, baseline: bool = False) -> dict:
    from ledelsesrum.disclosure import audit as audit_mod
    from ledelsesrum.disclosure.policy import Layout, Thresholds, decide
    from ledelsesrum.disclosure.suppression import Cell

    t0 = time.process_time()
    w0 = time.perf_counter()
    responses, atom_leaf, cells, relations, n_units, rng = national(orgs)
    items = items_for(responses, atom_leaf, n_items, rng)
    gen = time.process_time() - t0
    t1 = time.process_time()
    layout = Layout([Cell(k, frozenset(v)) for k, v in cells.items()], responses.size,
                    relations=relations)
    structure = time.process_time() - t1
    t2 = time.process_time()
    decision = decide(layout, responses, items, [], Thresholds(5, 20, 10))
    decide_cpu = time.process_time() - t2
    hidden_units = [k for k in decision.counts_withheld if k.startswith("unit:")]
    resp_cells = layout.cell_sums(responses)
    index = {k: i for i, k in enumerate(layout.keys)}
    hidden_resp = int(sum(resp_cells[index[k]] for k in hidden_units
                          if k.count(".") == 3))  # leaves: each respondent once
    out = {
        "orgs": orgs, "units": n_units, "atoms": int(responses.size),
        "respondents": int(responses.sum()), "cells": len(layout.keys), "items": n_items,
        "cpu_generate": round(gen, 1), "cpu_structure": round(structure, 1),
        "cpu_protect": round(decide_cpu, 1),
        "withheld_cells": len(decision.counts_withheld),
        "respondents_hidden_in_leaf_units": hidden_resp,
    }
    if audit:
        t3 = time.process_time()
        payload = shape(layout, responses, items, decision)
        data = audit_mod.RoundData(
            cells={c.key: c.atoms for c in layout.cells}, n_atoms=responses.size,
            responses=responses, item_counts={it.code: it.counts for it in items},
            scale_n={}, scale_off={})
        report = audit_mod.audit(data, [payload], allowed_reasons={"withheld", "no_answers",
                                                                    "total_only"})
        out["cpu_audit"] = round(time.process_time() - t3, 1)
        out["audit_findings"] = len(report.findings)
    out["wall"] = round(time.perf_counter() - w0, 1)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if baseline:  # after the peak is read: the old engine's dense matrices are its own
        out.update(responses_only(layout, responses))
        out.update(run_baseline(layout, responses))
    return out


def leaf_respondents(layout, responses, withheld) -> int:
    resp_cells = layout.cell_sums(responses)
    index = {key: i for i, key in enumerate(layout.keys)}
    return int(sum(resp_cells[index[key]] for key in withheld
                   if key.startswith("unit:") and key.count(".") == 3))


def responses_only(layout, responses) -> dict:
    """The new engine on the response counts alone (like for like with the old engine, which
    protected each family on its own and did not link item counts to response counts)."""
    from ledelsesrum.disclosure.policy import Layout, _protect
    from ledelsesrum.disclosure.suppression import Criterion

    k = 5
    t = time.process_time()
    fresh = Layout(layout.cells, layout.n_atoms, relations=layout.relations)  # no memo
    withheld = _protect(fresh.protector, Criterion.counts(np.minimum(responses, k), k), set(),
                        responses, layout.keys)
    return {"new_cpu_protect_counts": round(time.process_time() - t, 1),
            "new_withheld_cells_counts": len(withheld),
            "new_respondents_hidden_counts": leaf_respondents(layout, responses, withheld)}


def old_engine():
    """The suppression module as it was before the rework (commit 819f91a), read from git."""
    import types

    source = subprocess.run(["git", "show", f"{BASELINE_COMMIT}:ledelsesrum/analysis/suppression.py"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_suppression")
    sys.modules["old_suppression"] = module
    exec(compile(source, "old_suppression.py", "exec"), module.__dict__)
    return module


def run_baseline(layout, responses) -> dict:
    """Respondents hidden by the pre-rework engine on the same round: counts capped at k, so
    complements were chosen by key order rather than by size."""
    old = old_engine()
    k = 5
    t = time.process_time()
    cells = [old.Cell(c.key, c.atoms) for c in layout.cells]
    withheld = old.protect(cells, np.minimum(responses, k).tolist(), k,
                           relations=layout.relations)
    hidden = leaf_respondents(layout, responses, withheld)
    return {"baseline_cpu_protect_counts": round(time.process_time() - t, 1),
            "baseline_withheld_cells": len(withheld),
            "baseline_respondents_hidden_in_leaf_units": hidden}


def shape(layout, responses, items, decision) -> dict:
    """The payload's figures (what the audit reads), without labels."""
    keys = layout.keys
    resp_cells = layout.cell_sums(responses)
    groups = [{"key": k, "responses": {"n": None if k in decision.counts_withheld
                                       else int(resp_cells[i])}} for i, k in enumerate(keys)]
    out_items = []
    for it in items:
        d = decision.items[it.code]
        n = layout.cell_sums(it.counts[:, 1:].sum(axis=1))
        s = layout.cell_sums(it.counts[:, 1:] @ np.arange(1, 6))
        bands = [layout.cell_sums(it.counts[:, list(b)].sum(axis=1))
                 for b in ((1, 2), (3,), (4, 5))]
        cells = {}
        for i, k in enumerate(keys):
            if k in d.n_withheld:
                cells[k] = {"n": None, "mean": None, "distribution": None, "reason": "withheld"}
                continue
            c = {"n": int(n[i]), "mean": None, "distribution": None, "reason": None}
            if n[i] and k not in d.mean_withheld:
                c["mean"] = round(s[i] / n[i], 2)
                if k not in d.dist_withheld:
                    c["distribution"] = {"bands": 3, "counts": [int(b[i]) for b in bands]}
            cells[k] = c
        out_items.append({"code": it.code, "k": d.k, "cells": cells})
    return {"thresholds": {"k": 5, "sensitive": 20, "open_text": 10},
            "responses": {"n": int(responses.sum())},
            "breakdowns": [{"key": "all", "groups": groups}], "items": out_items, "scales": []}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, nargs="+", default=[1, 10, 49, 98])
    ap.add_argument("--items", type=int, default=6)
    ap.add_argument("--no-audit", action="store_true")
    ap.add_argument("--baseline", action="store_true",
                    help="also run the pre-rework engine (dense; small sizes only)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.items, not args.no_audit, args.baseline)))
        return
    for orgs in args.orgs:
        cmd = [sys.executable, __file__, "--one", str(orgs), "--items", str(args.items)]
        if args.no_audit:
            cmd.append("--no-audit")
        if args.baseline:
            cmd.append("--baseline")
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            print(f"{orgs} organisations: failed\n{res.stderr[-2000:]}", flush=True)
            continue
        print(res.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
