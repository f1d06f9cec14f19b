"""Ranked sub-theme suggestions for meaning units, explained, and better with every confirmation.

Method (see docs/coding.md):

1. **Zero-shot.** Every sub-theme has anchor texts: "label. description" and its examples. Units
   and anchors are embedded (E5 or the char-n-gram fallback) and *centred* on the corpus mean. A
   unit's embedding score for a code mixes the cosine to the code's prototype (mean of its anchors)
   and to its closest anchor. A lexical score (tf-idf cosine over character n-grams of stemmed
   text, which also matches parts of Danish compounds) is added.
2. The per-code zero-shot scores are standardised over the corpus (so a code with a generic
   description does not win everywhere).
3. **With confirmed units.** A separate *evidence* term is added per code: the mean of the k
   highest similarities to that code's confirmed units, where a similarity is the centred
   embedding cosine plus the lexical (tf-idf) cosine. It is standardised over the corpus (per
   code, so it says "closer to this code's confirmed units than the corpus usually is") and
   weighted by ``knn_weight · n / (n + label_prior)``: one confirmation nudges, many confirmations
   rule. The zero-shot part is left untouched (folding confirmed units into the prototypes or
   the closest-anchor score cost accuracy with 1–2 confirmations per code); a code with no
   confirmations keeps its zero-shot score exactly.
4. **A classifier over the confirmed units.** Once two codes have confirmed units, a multinomial
   logistic regression is trained on their embeddings (centred, L2-normalised) and blended with
   the score above in log-probability space: ``(1 − a)·log p_zero + a·log p_clf`` with
   ``a = clf_weight · n / (n + clf_halfway)`` for ``n`` confirmations, so the analyst's own
   decisions (and how often each code occurs in this study) take over as they accumulate. A code
   with no confirmation gets the classifier's lowest log-probability for that unit, not zero, so
   it can still be suggested from its description. On the real set's dev split (issue 11) this
   took 20 %-confirmed top-1 from 0.31 to 0.54 (docs/coding.md).
5. **Context** (optional, per unit, :class:`Context`): the sub-theme the note was written under
   (a summary per guide theme) or the open question's sub-theme adds ``context_theme_weight`` to
   that code's logit, and the units just before and after it in the same note add
   ``context_neighbour_weight`` × the mean of their log-probabilities (consecutive units of a
   passage mostly share a theme: on the real set's dev split zero-shot top-1 0.268 → 0.287, top-3 0.493 → 0.560 with E5).
6. Confidences are a softmax over all codes.

A confirmation only appends one vector and one sparse lexical row and marks its code's evidence
statistics and the classifier stale; nothing is re-embedded, and the classifier (a few hundred
rows of 384 numbers) is refitted on the next scoring, so re-ranking 600 units stays in the tens of
milliseconds.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .codebook import Codebook
from .embeddings import Embedder, Progress, centre, default_embedder, l2_normalise, text_key
from .text import KeyTerms, normalise, stemmed_text, stems


@dataclass(frozen=True)
class SuggestConfig:
    """Weights of the scoring; defaults were tuned on the 'dev' part of data/devset.jsonl."""

    proto_weight: float = 0.5  # prototype cosine vs closest-anchor cosine in the zero-shot score
    lexical_weight: float = 0.5  # char-n-gram tf-idf cosine added to the zero-shot score
    label_prior: float = 2.0  # evidence of a code with n confirmed units weighs n / (n + label_prior)
    knn_k: int = 3  # confirmed neighbours per code averaged in the evidence score
    knn_weight: float = 0.5  # weight of the standardised evidence score (added to the logits)
    knn_lexical: float = 1.0  # lexical cosine added to the embedding cosine in the evidence similarity
    standardise: bool = True  # z-score each code's column over the corpus
    temperature: float = 0.35  # softmax temperature for the confidences
    # The classifier over confirmed units (tuned on the dev split of bench/data/realset.jsonl).
    clf_weight: float = 0.6  # the classifier's share of the log-probabilities once many units are confirmed
    clf_halfway: float = 5.0  # confirmations at which the classifier has half of clf_weight
    clf_c: float = 10.0  # inverse L2 regularisation of the logistic regression
    context_theme_weight: float = 1.0  # logit added for the sub-theme a note was written under
    context_neighbour_weight: float = 0.6  # × mean log-probabilities of the neighbouring units
    calibrate_from: int = 40  # from this many confirmations the share is fitted to them (cross-validated)
    reason_units: int = 2  # similar confirmed units named in a reason
    reason_terms: int = 4  # shared key terms named in a reason


@dataclass(frozen=True)
class Context:
    """What the product knows about a unit besides its text (see the module docstring, step 5)."""

    theme_code: str = ""  # the (sub-)theme the note was written under, or the open question's sub-theme
    neighbours: tuple[str, ...] = ()  # texts of the units just before and after it


@dataclass(frozen=True)
class SimilarUnit:
    unit_id: str | None
    text: str
    similarity: float


@dataclass(frozen=True)
class Reason:
    """Why a code was suggested: the closest confirmed units (or codebook examples) and shared terms."""

    similar: tuple[SimilarUnit, ...] = ()
    shared_terms: tuple[str, ...] = ()
    from_examples: bool = False  # True when no unit is confirmed for the code yet
    from_context: bool = False  # True when the note was written under this sub-theme

    def describe(self) -> str:
        """One Danish sentence for the analyst (gettext; needs Django settings)."""
        from django.utils.translation import gettext as _

        parts = []
        if self.similar:
            quoted = "; ".join(f"«{_clip(s.text)}»" for s in self.similar)
            if self.from_examples:
                parts.append(_("Ligner kodebogens eksempel: %(units)s") % {"units": quoted})
            else:
                parts.append(_("Ligner kodede enheder: %(units)s") % {"units": quoted})
        if self.shared_terms:
            parts.append(_("fælles nøgleord: %(terms)s") % {"terms": ", ".join(self.shared_terms)})
        if self.from_context:
            parts.append(_("noten er skrevet under dette tema"))
        return "; ".join(parts) + "." if parts else _("Ud fra kodens beskrivelse.")

    def as_dict(self) -> dict[str, object]:
        return {
            "similar": [
                {"id": s.unit_id, "text": s.text, "similarity": round(s.similarity, 3)} for s in self.similar
            ],
            "shared_terms": list(self.shared_terms),
            "from_examples": self.from_examples,
            "from_context": self.from_context,
        }


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float  # confidence in [0, 1]; a unit's scores over all codes sum to 1
    reason: Reason = field(default_factory=Reason)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _over_all_codes(known: np.ndarray, classes: np.ndarray, n_codes: int) -> np.ndarray:
    """A classifier's log-probabilities over its ``classes`` spread to every code: a code nobody has
    confirmed gets the unit's lowest known log-probability, so its zero-shot score alone decides."""
    out = np.repeat(known.min(axis=1, keepdims=True), n_codes, axis=1)
    out[:, classes] = known
    return out


def _clip(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + " …"


# A scipy sparse matrix (tf-idf rows); scikit-learn ships no type hints for what it returns.
Sparse = Any


@dataclass
class _Labelled:
    key: str
    text: str
    code: str
    unit_id: str | None


class Suggester:
    """Suggests sub-themes of ``codebook`` for texts; see the module docstring for the method."""

    def __init__(
        self, codebook: Codebook, embedder: Embedder | None = None, config: SuggestConfig | None = None
    ) -> None:
        self.codebook = codebook
        self.embedder = embedder if embedder is not None else default_embedder()
        self.config = config or SuggestConfig()
        self.codes = codebook.code_ids
        self._code_index = {c: i for i, c in enumerate(self.codes)}
        self._fitted = False
        self._vectors: dict[str, np.ndarray] = {}  # key → centred embedding
        self._lexical: dict[str, np.ndarray] = {}  # key → lexical cosine to every code
        self._lexrows: dict[str, Sparse] = {}  # key → sparse tf-idf row (1 × vocabulary)
        self._normal_cache: dict[str, str] = {}
        self._labelled: list[_Labelled] = []
        self._labelled_keys: dict[str, int] = {}
        self._labelled_matrix = np.zeros((0, 0), dtype=np.float32)
        self._labelled_codes = np.zeros(0, dtype=np.int64)
        self._column_stats: tuple[np.ndarray, np.ndarray] | None = None
        # (classes as code indices, fitted model) or None
        self._classifier: tuple[np.ndarray, Any] | None = None
        self._classifier_stale = True
        self._share: float | None = None  # the calibrated classifier share, and at how many units
        self._share_at = 0

    # --- fitting ---------------------------------------------------------------------------------

    def fit(
        self,
        labelled: Iterable[tuple[str, str] | tuple[str, str, str]] = (),
        corpus: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Suggester:
        """Prepare the codebook, the corpus centre and the confirmed units.

        ``labelled`` holds ``(text, code)`` or ``(unit_id, text, code)``; ``corpus`` the texts that
        will be coded (used for the centring mean, the lexical vocabulary and standardisation).
        """
        items = [self._labelled_item(entry) for entry in labelled]
        # A refit changes the centre and the vocabulary: forget derived caches.
        self._vectors, self._lexical, self._lexrows = {}, {}, {}
        corpus_texts = [normalise(t) for t in corpus]
        anchor_texts: list[str] = []
        self._anchor_owner: list[int] = []
        for i, sub in enumerate(self.codebook.subthemes):
            for text in sub.anchor_texts:
                anchor_texts.append(normalise(text))
                self._anchor_owner.append(i)
        unit_texts = list(dict.fromkeys(corpus_texts + [it.text for it in items]))
        self.embedder.fit(anchor_texts + unit_texts)
        raw = self.embedder.embed(anchor_texts + unit_texts, progress=progress)
        raw_anchors, raw_units = raw[: len(anchor_texts)], raw[len(anchor_texts) :]
        # Centre on the units when there are enough of them, else on the codebook itself.
        basis = raw_units if len(raw_units) >= 20 else raw
        self._mean = basis.mean(axis=0).astype(np.float32)
        if not getattr(self.embedder, "needs_centring", True):
            self._mean = np.zeros_like(self._mean)
        self._anchors = centre(raw_anchors, self._mean)
        owner = np.asarray(self._anchor_owner)
        self._anchor_owner_arr = owner
        self._anchor_texts = anchor_texts
        protos = np.stack([self._anchors[owner == i].mean(axis=0) for i in range(len(self.codes))])
        self._zero_protos = l2_normalise(protos)
        for text, vec in zip(unit_texts, centre(raw_units, self._mean) if len(raw_units) else [], strict=False):
            self._vectors[text_key(text)] = vec
        self._fit_lexical(anchor_texts, unit_texts)
        self.key_terms = KeyTerms(unit_texts + anchor_texts)
        self._code_terms = self._build_code_terms()
        self._labelled, self._labelled_keys = [], {}
        self._labelled_matrix = np.zeros((0, self._zero_protos.shape[1]), dtype=np.float32)
        self._labelled_codes = np.zeros(0, dtype=np.int64)
        self._sums = np.zeros_like(self._zero_protos)
        self._counts = np.zeros(len(self.codes), dtype=np.float32)
        self._labelled_lex: list[Sparse] = []
        self._labelled_lex_matrix: Sparse | None = None  # stacked self._labelled_lex, rebuilt lazily
        # Evidence statistics (per code: mean, std of its evidence score over the reference texts).
        self._ref_texts = corpus_texts if len(corpus_texts) >= 20 else list(dict.fromkeys(corpus_texts + anchor_texts))
        self._ref_cache: tuple[np.ndarray, Sparse] | None = None
        self._evidence_mu = np.zeros(len(self.codes), dtype=np.float32)
        self._evidence_sd = np.ones(len(self.codes), dtype=np.float32)
        self._stale: set[int] = set()
        self._fitted = True
        # Standardise with zero-shot statistics so that later confirmations shift scores
        # relative to a fixed baseline instead of renormalising it away.
        self._column_stats = None
        if self.config.standardise and len(corpus_texts) >= 20:
            self._column_stats = self._compute_column_stats(corpus_texts)
        for it in items:
            self._add_labelled(it)
        return self

    def _labelled_item(self, entry: tuple[str, ...]) -> _Labelled:
        if len(entry) == 3:
            unit_id, text, code = entry
        else:
            text, code = entry
            unit_id = None
        if code not in self._code_index:
            raise ValueError(f"Ukendt undertema: {code!r}.")
        text = normalise(text)
        return _Labelled(text_key(text), text, code, unit_id)

    def _fit_lexical(self, anchor_texts: list[str], unit_texts: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True)
        code_docs = []
        for i in range(len(self.codes)):
            code_docs.append(" ".join(stemmed_text(t) for t, o in zip(anchor_texts, self._anchor_owner, strict=True) if o == i))
        self._vectorizer.fit(code_docs + [stemmed_text(t) for t in unit_texts])
        self._code_lexical = self._lexical_rows(code_docs, stemmed=True)

    def _lexical_rows(self, texts: Sequence[str], *, stemmed: bool = False) -> Sparse:
        docs = list(texts) if stemmed else [stemmed_text(t) for t in texts]
        matrix = self._vectorizer.transform(docs)
        return matrix  # sparse, rows l2-normalised by TfidfVectorizer

    def _build_code_terms(self) -> list[dict[str, float]]:
        """Per code: stem → weight, from its anchors, favouring stems distinctive among codes."""
        per_code: list[dict[str, float]] = []
        df: dict[str, int] = {}
        bags = []
        for i in range(len(self.codes)):
            bag: dict[str, int] = {}
            for t, o in zip(self._anchor_texts, self._anchor_owner, strict=True):
                if o == i:
                    for s in stems(t):
                        if len(s) > 2:
                            bag[s] = bag.get(s, 0) + 1
            bags.append(bag)
            for s in bag:
                df[s] = df.get(s, 0) + 1
        n = len(self.codes)
        for bag in bags:
            per_code.append({s: c * np.log(1 + n / df[s]) for s, c in bag.items()})
        return per_code

    # --- confirmations ---------------------------------------------------------------------------

    def _add_labelled(self, item: _Labelled) -> None:
        vec = self._vectors_for([item.text])[0]
        ci = self._code_index[item.code]
        if item.key in self._labelled_keys:  # re-coded: move it
            row = self._labelled_keys[item.key]
            old = int(self._labelled_codes[row])
            self._sums[old] -= vec
            self._counts[old] -= 1
            self._labelled_codes[row] = ci
            self._labelled[row] = item
            self._stale.add(old)
        else:
            self._labelled_keys[item.key] = len(self._labelled)
            self._labelled.append(item)
            self._labelled_matrix = np.vstack([self._labelled_matrix, vec[None, :]])
            self._labelled_codes = np.append(self._labelled_codes, ci)
            self._labelled_lex.append(self._lexical_matrix([item.text]))
            self._labelled_lex_matrix = None
        self._sums[ci] += vec
        self._counts[ci] += 1
        self._stale.add(ci)
        self._classifier_stale = True

    def confirm(self, text: str, code: str, unit_id: str | None = None) -> None:
        """Record the analyst's decision for one unit; cheap (no re-embedding of other units)."""
        if not self._fitted:
            self.fit()
        if code not in self._code_index:
            raise ValueError(f"Ukendt undertema: {code!r}.")
        text = normalise(text)
        self._add_labelled(_Labelled(text_key(text), text, code, unit_id))

    @property
    def label_counts(self) -> dict[str, int]:
        return {c: int(self._counts[i]) for i, c in enumerate(self.codes)} if self._fitted else {}

    # --- scoring ---------------------------------------------------------------------------------

    def _vectors_for(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in self._vectors]
        if missing:
            raw = self.embedder.embed(list(dict.fromkeys(missing)))
            for t, vec in zip(dict.fromkeys(missing), centre(raw, self._mean), strict=True):
                self._vectors[text_key(t)] = vec
        if not keys:
            return np.zeros((0, self._zero_protos.shape[1]), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def _normalised(self, texts: Sequence[str]) -> list[str]:
        cache = self._normal_cache
        out = []
        for t in texts:
            n = cache.get(t)
            if n is None:
                n = cache[t] = normalise(t)
            out.append(n)
        return out

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Centred embeddings of ``texts`` (cached; embeds only unseen texts)."""
        if not self._fitted:
            self.fit(corpus=texts)
        return self._vectors_for([normalise(t) for t in texts])

    def _scores(self, units: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Zero-shot score: prototype + closest-anchor + lexical (confirmations do not enter it)."""
        cfg = self.config
        proto = units @ self._zero_protos.T
        anchor_sims = units @ self._anchors.T
        closest = np.full_like(proto, -1.0)
        for i in range(len(self.codes)):
            closest[:, i] = anchor_sims[:, self._anchor_owner_arr == i].max(axis=1)
        score = cfg.proto_weight * proto + (1 - cfg.proto_weight) * closest
        if cfg.lexical_weight:
            score = score + cfg.lexical_weight * self._lexical_scores(texts)
        return score

    # --- evidence from confirmed units -------------------------------------------------------------

    def _lexical_matrix(self, texts: Sequence[str]) -> Sparse:
        """Sparse tf-idf rows (l2-normalised) of ``texts``; memoised per text."""
        from scipy.sparse import csr_matrix, vstack

        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._lexrows}
        if missing:
            rows = self._lexical_rows(list(missing.values())).tocsr()
            for i, k in enumerate(missing):
                self._lexrows[k] = rows[i]
        if not keys:
            return csr_matrix((0, len(self._vectorizer.vocabulary_)), dtype=np.float64)
        return vstack([self._lexrows[k] for k in keys], format="csr")

    def _similarities(self, units: np.ndarray, lex: Sparse, cols: np.ndarray | None = None) -> np.ndarray:
        """Evidence similarity of units to confirmed units (all, or the rows ``cols``)."""
        from scipy.sparse import vstack

        if self._labelled_lex_matrix is None:
            self._labelled_lex_matrix = vstack(self._labelled_lex, format="csr")
        emb, lab_lex = self._labelled_matrix, self._labelled_lex_matrix
        if cols is not None:
            emb, lab_lex = emb[cols], lab_lex[cols]
        sims = units @ emb.T
        if self.config.knn_lexical:
            sims = sims + self.config.knn_lexical * (lex @ lab_lex.T).toarray()
        return sims

    def _top_k_mean(self, block: np.ndarray) -> np.ndarray:
        k = min(self.config.knn_k, block.shape[1])
        return np.partition(block, block.shape[1] - k, axis=1)[:, -k:].mean(axis=1)

    def _refresh_evidence_stats(self) -> None:
        """Per stale code: mean and std of its evidence score over the reference (corpus) texts."""
        if not self._stale:
            return
        if self._ref_cache is None:
            self._ref_cache = (self._vectors_for(self._ref_texts), self._lexical_matrix(self._ref_texts))
        ref_units, ref_lex = self._ref_cache
        for ci in sorted(self._stale):
            cols = np.flatnonzero(self._labelled_codes == ci)
            if not len(cols) or not len(self._ref_texts):
                self._evidence_mu[ci], self._evidence_sd[ci] = 0.0, 1.0
                continue
            top = self._top_k_mean(self._similarities(ref_units, ref_lex, cols))
            # Floor: on the dev set the std is 0.08–0.16; a tiny reference set must not blow z up.
            self._evidence_mu[ci], self._evidence_sd[ci] = top.mean(), max(float(top.std()), 0.05)
        self._stale.clear()

    def _evidence(self, units: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Weighted, standardised similarity of each text to each code's confirmed units."""
        out = np.zeros((len(texts), len(self.codes)), dtype=np.float32)
        if not len(self._labelled) or not self.config.knn_weight:
            return out
        self._refresh_evidence_stats()
        sims = self._similarities(units, self._lexical_matrix(texts))
        prior = self.config.label_prior
        for ci in np.flatnonzero(self._counts > 0):
            cols = np.flatnonzero(self._labelled_codes == ci)
            n = float(self._counts[ci])
            z = (self._top_k_mean(sims[:, cols]) - self._evidence_mu[ci]) / self._evidence_sd[ci]
            out[:, ci] = self.config.knn_weight * n / (n + prior) * z
        return out

    def _lexical_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Lexical cosine of each text to each code; memoised because it never changes."""
        keys = [text_key(t) for t in texts]
        missing = [(k, t) for k, t in dict(zip(keys, texts, strict=True)).items() if k not in self._lexical]
        if missing:
            tfidf = self._lexical_rows([t for _, t in missing]).tocsr()
            rows = (tfidf @ self._code_lexical.T).toarray()
            for i, ((k, _), row) in enumerate(zip(missing, rows, strict=True)):
                self._lexical[k] = row.astype(np.float32)
                self._lexrows.setdefault(k, tfidf[i])  # kept for the evidence similarities
        if not keys:
            return np.zeros((0, len(self.codes)), dtype=np.float32)
        return np.stack([self._lexical[k] for k in keys])

    def _compute_column_stats(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        units = self._vectors_for(texts)
        z = self._scores(units, texts)
        return z.mean(axis=0), z.std(axis=0) + 1e-6

    def raw_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Combined (unnormalised) score per text and code, shape (n, codes)."""
        if not self._fitted:
            self.fit(corpus=texts)
        texts = self._normalised(texts)
        units = self._vectors_for(texts)
        score = self._scores(units, texts)
        evidence = self._evidence(units, texts)
        if self._column_stats is not None:
            mu, sd = self._column_stats
            return (score - mu) / sd + evidence
        # Unstandardised cosines are divided by the temperature in probabilities(): the evidence
        # goes into the logits on the same footing as in the standardised case.
        return score + self.config.temperature * evidence

    def _new_model(self, *, warm: bool = False) -> Any:  # a scikit-learn LogisticRegression
        from sklearn.linear_model import LogisticRegression

        # tol 1e-3 stops lbfgs ~twice as early with the same ranking on the dev split.
        return LogisticRegression(C=self.config.clf_c, tol=1e-3, max_iter=500, warm_start=warm)

    def _refit_classifier(self) -> None:
        self._classifier_stale = False
        codes = self._labelled_codes
        classes = np.unique(codes)
        if not self.config.clf_weight or len(classes) < 2:
            self._classifier = None
            return
        previous = self._classifier
        # One more confirmation moves the optimum a little: start from the last solution when
        # the set of codes is the same (a few lbfgs steps instead of a cold fit).
        if previous is not None and np.array_equal(previous[0], classes):
            model = previous[1]
        else:
            model = self._new_model(warm=True)
        with warnings.catch_warnings():  # "more classes than half the samples": expected early on
            warnings.simplefilter("ignore", UserWarning)
            model.fit(l2_normalise(self._labelled_matrix), codes)
        self._classifier = (np.asarray(model.classes_, dtype=np.int64), model)

    def classifier_share(self) -> float:
        """The classifier's weight ``a`` in the blend now (0 until two codes have confirmations).

        ``a`` is judged from the confirmed units themselves, so a strong codebook keeps its say and
        a weak one (prose nobody on the team wrote) yields to the analyst's decisions: below
        ``calibrate_from`` confirmations it grows with their number and with how often the
        zero-shot choice was wrong for them; from then on it is the share that gives them the
        highest likelihood, the classifier's probabilities cross-validated (5 folds).
        Recalibrated whenever the confirmations have grown by a fifth."""
        if self._classifier_stale:
            self._refit_classifier()
        if self._classifier is None:
            return 0.0
        n = len(self._labelled)
        if self._share is None or n < self._share_at or n - self._share_at >= max(1, self._share_at // 5):
            self._share, self._share_at = self._calibrated_share(), n
        return self._share

    def _zero_log_probs_of_confirmed(self) -> np.ndarray:
        texts = [it.text for it in self._labelled]
        zero = self._scores(self._vectors_for(texts), texts)
        if self._column_stats is not None:
            mu, sd = self._column_stats
            zero = (zero - mu) / sd
        else:
            zero = zero / self.config.temperature
        return _log_softmax(zero)

    def _calibrated_share(self) -> float:
        from sklearn.model_selection import KFold

        vectors = l2_normalise(self._labelled_matrix)
        codes = self._labelled_codes
        n = len(codes)
        log_zero = self._zero_log_probs_of_confirmed()
        if n < self.config.calibrate_from:
            # Too few units to cross-validate a classifier: judge the codebook instead. Where its
            # zero-shot choice was right for most confirmed units, the classifier gets little say.
            wrong = float((log_zero.argmax(axis=1) != codes).mean())
            return self.config.clf_weight * n / (n + self.config.clf_halfway) * min(1.0, 1.25 * wrong)
        held = np.zeros_like(log_zero)
        for train, test in KFold(n_splits=5, shuffle=True, random_state=0).split(vectors):
            classes = np.unique(codes[train])
            if len(classes) < 2:
                held[test] = np.log(1.0 / len(self.codes))
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                model = self._new_model().fit(vectors[train], codes[train])
            held[test] = _over_all_codes(model.predict_log_proba(vectors[test]), model.classes_, len(self.codes))
        rows = np.arange(len(codes))
        best, best_ll = 0.0, -np.inf
        for share in np.linspace(0.0, 0.9, 10):
            ll = float(_log_softmax((1 - share) * log_zero + share * held)[rows, codes].mean())
            if ll > best_ll + 1e-9:
                best, best_ll = float(share), ll
        return best

    def _classifier_log_probs(self, texts: Sequence[str]) -> np.ndarray:
        assert self._classifier is not None  # called only with a fitted classifier
        classes, model = self._classifier
        return _over_all_codes(model.predict_log_proba(l2_normalise(self._vectors_for(texts))), classes, len(self.codes))

    def probabilities(self, texts: Sequence[str], contexts: Sequence[Context | None] | None = None) -> np.ndarray:
        if contexts is not None and any(c is not None for c in contexts):
            return self._with_context(texts, contexts)
        raw = self.raw_scores(texts)
        # Standardised scores are already on a unit scale; raw cosines need a temperature.
        scale = 1.0 if self._column_stats is not None else self.config.temperature
        logits = raw / scale
        logits -= logits.max(axis=1, keepdims=True)
        share = self.classifier_share() if len(self._labelled) else 0.0
        if share:
            log_zero = _log_softmax(logits)
            logits = (1 - share) * log_zero + share * self._classifier_log_probs(self._normalised(texts))
            logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def _with_context(self, texts: Sequence[str], contexts: Sequence[Context | None]) -> np.ndarray:
        cfg = self.config
        if len(contexts) != len(texts):
            raise ValueError("one context per text")
        neighbour_texts = list(dict.fromkeys(t for c in contexts if c is not None for t in c.neighbours))
        everything = list(texts) + [t for t in neighbour_texts if t not in set(texts)]
        log_p = np.log(self.probabilities(everything) + 1e-12)
        row_of = {t: i for i, t in enumerate(everything)}
        logits = log_p[: len(texts)].copy()
        for i, context in enumerate(contexts):
            if context is None:
                continue
            rows = [row_of[t] for t in context.neighbours if t in row_of]
            if rows and cfg.context_neighbour_weight:
                logits[i] += cfg.context_neighbour_weight * log_p[rows].mean(axis=0)
            if cfg.context_theme_weight:
                logits[i, self._context_columns(context.theme_code)] += cfg.context_theme_weight
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def _context_columns(self, theme_code: str) -> list[int]:
        """The codes a note's theme points at: the sub-theme itself, or every sub-theme of a theme."""
        if theme_code in self._code_index:
            return [self._code_index[theme_code]]
        return [i for i, sub in enumerate(self.codebook.subthemes) if theme_code and sub.theme_id == theme_code]

    def best_similarity(self, texts: Sequence[str]) -> np.ndarray:
        """Best centred cosine of each text to any code (prototype or confirmed unit)."""
        if not self._fitted:
            self.fit(corpus=texts)
        units = self._vectors_for([normalise(t) for t in texts])
        best = (units @ self._zero_protos.T).max(axis=1)
        if len(self._labelled):
            best = np.maximum(best, (units @ l2_normalise(self._sums + 1e-9).T).max(axis=1))
        return best

    def suggest(
        self, texts: Sequence[str], top: int | None = None, *, reasons: bool = True,
        contexts: Sequence[Context | None] | None = None,
    ) -> list[list[Suggestion]]:
        """For each text, every code ranked best first (or the ``top`` best) with confidence and reason."""
        texts = self._normalised(texts)
        if contexts is not None:
            contexts = [
                None if c is None else Context(c.theme_code, tuple(self._normalised(list(c.neighbours))))
                for c in contexts
            ]
        probs = self.probabilities(texts, contexts)
        order = np.argsort(-probs, axis=1, kind="stable")
        limit = top or len(self.codes)
        units = self._vectors_for(texts) if reasons else None
        out: list[list[Suggestion]] = []
        for row, text in enumerate(texts):
            ranked = []
            unit_stems = set(stems(text)) if reasons else set()
            context = contexts[row] if contexts is not None else None
            for ci in order[row, :limit]:
                reason = self._reason(units[row], unit_stems, int(ci)) if reasons and units is not None else Reason()
                if reasons and context is not None and int(ci) in self._context_columns(context.theme_code):
                    reason = Reason(reason.similar, reason.shared_terms, reason.from_examples, from_context=True)
                ranked.append(Suggestion(self.codes[ci], float(probs[row, ci]), reason))
            out.append(ranked)
        return out

    def _reason(self, unit: np.ndarray, unit_stems: set[str], ci: int) -> Reason:
        cfg = self.config
        cols = np.flatnonzero(self._labelled_codes == ci) if len(self._labelled) else np.zeros(0, dtype=int)
        if len(cols):
            sims = self._labelled_matrix[cols] @ unit
            best = cols[np.argsort(-sims)[: cfg.reason_units]]
            similar = tuple(
                SimilarUnit(self._labelled[j].unit_id, self._labelled[j].text, float(self._labelled_matrix[j] @ unit))
                for j in best
            )
            from_examples = False
        else:
            idx = np.flatnonzero(self._anchor_owner_arr == ci)
            sims = self._anchors[idx] @ unit
            j = idx[int(np.argmax(sims))]
            similar = (SimilarUnit(None, self._anchor_texts[j], float(sims.max())),)
            from_examples = True
        weights = self._code_terms[ci]
        shared = sorted((s for s in unit_stems if s in weights), key=lambda s: (-weights[s], s))
        terms = tuple(self.key_terms.surface(s) for s in shared[: cfg.reason_terms])
        return Reason(similar, terms, from_examples)

    # --- active learning -------------------------------------------------------------------------

    def most_informative(
        self, texts: Sequence[str], n: int = 10, *, method: str = "margin",
        contexts: Sequence[Context | None] | None = None,
    ) -> list[int]:
        """Indices of the ``n`` texts whose confirmation would teach the model most.

        ``margin``: smallest gap between the two best confidences; ``entropy``: most spread-out
        confidences. Already confirmed texts are skipped.
        """
        probs = self.probabilities(texts, contexts)
        if method == "entropy":
            uncertainty = -(probs * np.log(probs + 1e-12)).sum(axis=1)
        else:
            top2 = np.sort(probs, axis=1)[:, -2:]
            uncertainty = -(top2[:, 1] - top2[:, 0])
        confirmed = {i for i, t in enumerate(texts) if text_key(normalise(t)) in self._labelled_keys}
        order = [int(i) for i in np.argsort(-uncertainty, kind="stable") if int(i) not in confirmed]
        return order[:n]
