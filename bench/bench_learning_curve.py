"""Learning curve of the coding suggester: does it get better with every confirmed unit?

    unshare -n -- .venv/bin/python bench/bench_learning_curve.py                 # all splits, 10 draws
    .venv/bin/python bench/bench_learning_curve.py --splits dev --seeds 20 --bare

For every split of the dev set and each labelled fraction (10 %, 20 %, 40 %, stratified per
sub-theme), ``--seeds`` draws are made; for each draw the *same* remaining units are scored twice:
zero-shot (no confirmations) and with the drawn units confirmed (``fit(labelled=…)``). The table
shows mean top-1 of both and the mean paired difference with its standard error over the draws,
so a gain is read against the noise of one split. Tune on 'dev' only; 'heldout' and 'fresh' are
for reporting.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_coding import bare, load_devset, make_embedder, stratified  # noqa: E402

from ledelsesrum.coding.codebook import load_codebook  # noqa: E402
from ledelsesrum.coding.embeddings import EmbeddingCache  # noqa: E402
from ledelsesrum.coding.suggest import Suggester  # noqa: E402


def top1(probs: np.ndarray, codes: list[str], gold: list[str]) -> np.ndarray:
    best = np.asarray(codes)[probs.argmax(axis=1)]
    return best == np.asarray(gold)


def curve(codebook, embedder, rows: list[dict], fractions: list[float], seeds: int) -> list[dict]:
    texts = [r["text"] for r in rows]
    gold = [r["subtheme"] for r in rows]
    zero_hits = top1(Suggester(codebook, embedder).fit(corpus=texts).probabilities(texts), codebook.code_ids, gold)
    out = [{"fraction": 0.0, "labelled": 0, "zero": float(zero_hits.mean()), "taught": float(zero_hits.mean()),
            "diff": 0.0, "se": 0.0}]
    for fraction in fractions:
        zero, taught, labelled = [], [], []
        for seed in range(seeds):
            chosen = stratified(gold, seed, fraction)
            rest = [i for i in range(len(texts)) if i not in chosen]
            s = Suggester(codebook, embedder).fit([(texts[i], gold[i]) for i in sorted(chosen)], corpus=texts)
            hits = top1(s.probabilities([texts[i] for i in rest]), s.codes, [gold[i] for i in rest])
            zero.append(zero_hits[rest].mean())
            taught.append(hits.mean())
            labelled.append(len(chosen))
        diff = np.asarray(taught) - np.asarray(zero)
        out.append({"fraction": fraction, "labelled": float(np.mean(labelled)), "zero": float(np.mean(zero)),
                    "taught": float(np.mean(taught)), "diff": float(diff.mean()),
                    "se": float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--splits", nargs="*", help="splits to run (default: every split in the file)")
    parser.add_argument("--fractions", nargs="*", type=float, default=[0.1, 0.2, 0.4])
    parser.add_argument("--seeds", type=int, default=10, help="stratified draws per fraction")
    parser.add_argument("--bare", action="store_true", help="also the bare codebook (labels only)")
    parser.add_argument("--embedder", choices=["e5", "char"], default="e5")
    args = parser.parse_args()

    rows = load_devset()
    splits = args.splits or list(dict.fromkeys(r["split"] for r in rows))
    books = [("built-in", load_codebook("default"))]
    if args.bare:
        books.append(("bare", bare(books[0][1])))
    embedder = make_embedder(args.embedder, EmbeddingCache(None))
    started = time.perf_counter()
    print(f"# learning curve ({args.embedder}), {args.seeds} stratified draws per fraction; top-1 on the units"
          " left unlabelled, zero-shot vs with the rest confirmed (paired)")
    print(f"{'codebook':9s} {'split':8s} {'labelled':>12s} {'zero-shot':>9s} {'taught':>7s} {'gain':>7s} {'± se':>6s}")
    for name, book in books:
        for split in splits:
            part = [r for r in rows if r["split"] == split]
            for point in curve(book, embedder, part, args.fractions, args.seeds):
                label = f"{point['fraction']:.0%} ({point['labelled']:.0f})"
                print(f"{name:9s} {split:8s} {label:>12s} {point['zero']:9.3f} {point['taught']:7.3f}"
                      f" {point['diff']:+7.3f} {point['se']:6.3f}", flush=True)
    print(f"# {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
