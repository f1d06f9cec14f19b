"""Accuracy of the coding engine on *real* text: units from seeds 000–003 that no one on the team
wrote, coded blind by two coders and settled (``bench/data/realset.jsonl``, see docs/coding.md).

    unshare -n -- .venv/bin/python bench/bench_realset.py                 # E5, both splits
    .venv/bin/python bench/bench_realset.py --splits dev --draws 10 --embedder char

For each split: zero-shot top-1 / top-3 / theme (of 6) over the units with a settled sub-theme
(units coded "none" and units the adjudicator marked ambiguous are left out), and with a
stratified fraction confirmed (``--fractions``, default 0.05 0.1 0.2 0.4; mean of ``--draws``
draws) on the rest — the *same* rest scored zero-shot too, so the gain is paired. Tune on 'dev'
only; 'heldout' is for reporting, never for tuning descriptions, examples or parameters.
``--context`` gives each unit its neighbours (the units before and after it in its seed) as the
product gives a unit the neighbouring units of its note.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_coding import make_embedder, stratified  # noqa: E402

from ledelsesrum.coding.codebook import load_codebook  # noqa: E402
from ledelsesrum.coding.embeddings import EmbeddingCache  # noqa: E402
from ledelsesrum.coding.suggest import Context, Suggester  # noqa: E402

REALSET = Path(__file__).resolve().parent / "data" / "realset.jsonl"


def load_realset(path: Path = REALSET, *, evaluable: bool = True) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if evaluable:
        rows = [r for r in rows if r["subtheme"] != "none" and not r.get("ambiguous")]
    return rows


def scores(probs: np.ndarray, codes: list[str], gold: list[str]) -> np.ndarray:
    """Per unit: [top-1 hit, top-3 hit, theme hit]."""
    order = np.argsort(-probs, axis=1)
    names = np.asarray(codes)
    out = []
    for row, g in zip(order, gold, strict=True):
        best = names[row[0]]
        out.append([best == g, g in names[row[:3]], best[0] == g[0]])
    return np.asarray(out, dtype=float)


def neighbour_contexts(rows: list[dict]) -> list[Context]:
    """For each of ``rows``: the units just before and after it in its seed (all units count)."""
    everything = load_realset(evaluable=False)
    index = {r["id"]: i for i, r in enumerate(everything)}
    seed = [r["source"].split(",")[0] for r in everything]
    out = []
    for r in rows:
        i = index[r["id"]]
        out.append(Context(neighbours=tuple(
            everything[j]["text"] for j in (i - 1, i + 1) if 0 <= j < len(everything) and seed[j] == seed[i]
        )))
    return out


def evaluate(rows: list[dict], embedder, fractions: list[float], draws: int, context: bool = False) -> list[dict]:
    codebook = load_codebook("default")
    texts = [r["text"] for r in rows]
    gold = [r["subtheme"] for r in rows]
    contexts = neighbour_contexts(rows) if context else None
    zero_model = Suggester(codebook, embedder).fit(corpus=texts)
    zero = scores(zero_model.probabilities(texts, contexts), zero_model.codes, gold)
    table = [{"fraction": 0.0, "n": len(rows), "zero": zero.mean(axis=0), "taught": zero.mean(axis=0),
              "diff_se": np.zeros(3)}]
    for fraction in fractions:
        zs, ts = [], []
        for seed in range(draws):
            chosen = stratified(gold, seed, fraction)
            rest = [i for i in range(len(texts)) if i not in chosen]
            model = Suggester(codebook, embedder).fit([(texts[i], gold[i]) for i in sorted(chosen)], corpus=texts)
            rest_contexts = [contexts[i] for i in rest] if contexts else None
            ts.append(scores(model.probabilities([texts[i] for i in rest], rest_contexts), model.codes,
                             [gold[i] for i in rest]).mean(axis=0))
            zs.append(zero[rest].mean(axis=0))
        diff = np.asarray(ts) - np.asarray(zs)
        table.append({"fraction": fraction, "n": len(rows), "zero": np.mean(zs, axis=0), "taught": np.mean(ts, axis=0),
                      "diff_se": diff.std(axis=0, ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.zeros(3)})
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--splits", nargs="+", default=["dev", "heldout"])
    parser.add_argument("--fractions", nargs="+", type=float, default=[0.05, 0.1, 0.2, 0.4])
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--embedder", choices=["e5", "char"], default="e5")
    parser.add_argument("--context", action="store_true", help="give each unit its neighbouring units")
    args = parser.parse_args()
    embedder = make_embedder(args.embedder, EmbeddingCache(None))
    everything = load_realset()
    print(f"real set: {len(load_realset(evaluable=False))} units, {len(everything)} with a settled sub-theme; "
          f"embedder {getattr(embedder, 'name', args.embedder)}")
    for split in args.splits:
        rows = [r for r in everything if r["split"] == split]
        started = time.perf_counter()
        table = evaluate(rows, embedder, args.fractions, args.draws, context=args.context)
        print(f"\n{split} ({len(rows)} units, {time.perf_counter() - started:.0f} s)")
        print("confirmed  zero-shot top-1/top-3/theme   with confirmations top-1/top-3/theme   gain top-1 ± se")
        for row in table:
            z, t, se = row["zero"], row["taught"], row["diff_se"]
            print(f"  {row['fraction']:>5.0%}    {z[0]:.3f} / {z[1]:.3f} / {z[2]:.3f}          "
                  f"{t[0]:.3f} / {t[1]:.3f} / {t[2]:.3f}            {t[0] - z[0]:+.3f} ± {se[0]:.3f}")


if __name__ == "__main__":
    main()
