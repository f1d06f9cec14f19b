"""Re-ranking speed while the classifier learns: confirm units one by one, re-rank 600 each time.

    .venv/bin/python bench/bench_rerank_learning.py [--confirm 520] [--embedder e5|char]

600 units from the real set (``bench/data/realset.jsonl``, each text twice with a suffix so all are
distinct); after every confirmation the probabilities of all 600 are computed, as the coding page
does. Prints the median and maximum time per block of 100 confirmations (the maximum includes the
cross-validated recalibration of the classifier's share, every fifth more confirmations).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_coding import make_embedder  # noqa: E402
from bench_realset import load_realset  # noqa: E402

from ledelsesrum.coding.codebook import load_codebook  # noqa: E402
from ledelsesrum.coding.embeddings import EmbeddingCache  # noqa: E402
from ledelsesrum.coding.suggest import Suggester  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--confirm", type=int, default=520)
    parser.add_argument("--embedder", choices=["e5", "char"], default="e5")
    args = parser.parse_args()
    rows = load_realset() * 2
    texts = [f"{r['text']} ({i})" for i, r in enumerate(rows)][:600]
    gold = [r["subtheme"] for r in rows][:600]
    suggester = Suggester(load_codebook("default"), make_embedder(args.embedder, EmbeddingCache(None))).fit(corpus=texts)
    suggester.probabilities(texts)
    blocks: dict[int, list[float]] = {}
    for i in range(min(args.confirm, len(texts))):
        started = time.perf_counter()
        suggester.confirm(texts[i], gold[i])
        suggester.probabilities(texts)
        blocks.setdefault(i // 100, []).append(time.perf_counter() - started)
    for block, times in blocks.items():
        print(f"confirmed {block * 100:>3}–{block * 100 + len(times) - 1:>3}: "
              f"median {1000 * np.median(times):.0f} ms, max {1000 * max(times):.0f} ms")


if __name__ == "__main__":
    main()
