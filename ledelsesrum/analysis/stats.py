"""Descriptive statistics of questionnaire answers: pure numpy, no database, no suppression.

Answer encoding (see ``surveys.models.Response``): on a scale item 1..5 where 1 is the most
positive wording ("I meget høj grad") and 5 the least ("Slet ikke"); 0 is "Ved ikke / ikke
relevant" and counts as *not answered*, as does a missing value (NaN here).

The 0–100 transformation: ``(5 - value) / 4 * 100``, so 100 is the most positive answer; a
reverse-scored item is flipped (``(value - 1) / 4 * 100``) so that 100 is always "good".

Whether a figure may be shown is decided elsewhere (``results.py`` with ``suppression.py``);
these functions compute everything and publish nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_CATEGORIES = 5
# Three bands used when a five-band distribution would show a small cell (ANONYMITY.md):
# høj grad = 1+2, nogen grad = 3, lav grad = 4+5 (indices into the 1..5 categories).
THREE_BANDS: tuple[tuple[int, ...], ...] = ((1, 2), (3,), (4, 5))


def valid_mask(values: np.ndarray) -> np.ndarray:
    """True where a value is a real answer (1..5); False for 0 ("Ved ikke"), NaN or junk."""
    with np.errstate(invalid="ignore"):
        return (values >= 1) & (values <= 5) & (values == np.round(values))


def to_0_100(values: np.ndarray, reverse: bool | np.ndarray = False) -> np.ndarray:
    """Map answers 1..5 to 0..100 (100 = most positive); non-answers become NaN."""
    values = np.asarray(values, dtype=np.float64)
    ok = valid_mask(values)
    score = np.where(reverse, (values - 1.0), (5.0 - values)) / 4.0 * 100.0
    return np.where(ok, score, np.nan)


def mean_1_5_to_0_100(mean: float, reverse: bool = False) -> float:
    return (mean - 1.0) / 4.0 * 100.0 if reverse else (5.0 - mean) / 4.0 * 100.0


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one item in one group of respondents."""

    n: int  # distinct respondents with a real answer (1..5)
    counts: tuple[int, int, int, int, int]  # respondents per category 1..5
    mean: float | None  # on the 1..5 scale
    mean_100: float | None  # on 0..100, reverse-scoring applied
    sd: float | None  # sample standard deviation on 1..5 (None when n < 2)

    @property
    def unanimous(self) -> bool:
        return self.n > 0 and max(self.counts) == self.n


def item_stats_from_counts(counts: np.ndarray | list[int], reverse: bool = False) -> ItemStats:
    """Item statistics from the number of answers per category 1..5.

    Everything an item publishes is a function of these five counts, which is why suppression
    can reason about counts alone.
    """
    c = np.asarray(counts, dtype=np.float64)[:N_CATEGORIES]
    n = int(round(c.sum()))
    if n == 0:
        return ItemStats(0, (0, 0, 0, 0, 0), None, None, None)
    cats = np.arange(1, N_CATEGORIES + 1, dtype=np.float64)
    total = float((c * cats).sum())
    mean = total / n
    sd = None
    if n >= 2:
        ss = float((c * (cats - mean) ** 2).sum())
        sd = float(np.sqrt(ss / (n - 1)))
    return ItemStats(
        n=n,
        counts=tuple(int(round(x)) for x in c),  # type: ignore[arg-type]
        mean=mean,
        mean_100=mean_1_5_to_0_100(mean, reverse),
        sd=sd,
    )


def item_stats(values: np.ndarray, reverse: bool = False) -> ItemStats:
    """Item statistics from one column of raw answers (NaN/0 = not answered)."""
    values = np.asarray(values, dtype=np.float64)
    ok = valid_mask(values)
    counts = np.bincount(values[ok].astype(np.int64), minlength=N_CATEGORIES + 1)[1:]
    return item_stats_from_counts(counts, reverse)


def three_band_counts(counts: np.ndarray | list[int] | tuple[int, ...]) -> tuple[int, int, int]:
    """Collapse counts per category 1..5 to (høj grad, nogen grad, lav grad)."""
    return tuple(int(sum(counts[i - 1] for i in band)) for band in THREE_BANDS)  # type: ignore[return-value]


def percentages(counts: tuple[int, ...] | list[int]) -> list[float]:
    """Shares in percent, rounded to whole numbers (the precision the report uses)."""
    n = sum(counts)
    if n == 0:
        return [0.0 for _ in counts]
    return [round(100.0 * c / n) for c in counts]


def scale_scores(
    matrix: np.ndarray, reverse: list[bool] | np.ndarray | None = None
) -> np.ndarray:
    """Scale score 0–100 per respondent: mean of the answered items' 0–100 scores.

    ``matrix`` is respondents × items of raw answers. A respondent who answered fewer than half of
    the scale's items gets NaN (missing): with 4 items 2 answers suffice, with 5 items 3 are needed.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError("matrix must be respondents × items")
    n_items = matrix.shape[1]
    if n_items == 0:
        return np.full(matrix.shape[0], np.nan)
    rev = np.zeros(n_items, dtype=bool) if reverse is None else np.asarray(reverse, dtype=bool)
    scores = to_0_100(matrix, rev[np.newaxis, :])
    answered = np.sum(~np.isnan(scores), axis=1)
    total = np.nansum(scores, axis=1)
    enough = answered * 2 >= n_items
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(enough & (answered > 0), total / np.maximum(answered, 1), np.nan)


@dataclass(frozen=True)
class Alpha:
    value: float | None
    n: int  # complete cases used
    items: int


def cronbach_alpha(matrix: np.ndarray, reverse: list[bool] | np.ndarray | None = None) -> Alpha:
    """Cronbach's α on listwise complete cases (every item answered 1..5).

    α = J/(J−1) · (1 − Σ var(item) / var(sum)), sample variances (ddof=1), reverse-scored items
    flipped first. None with fewer than two items, fewer than two complete cases, or zero total
    variance.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    n_items = matrix.shape[1] if matrix.ndim == 2 else 0
    if n_items < 2:
        return Alpha(None, 0, n_items)
    rev = np.zeros(n_items, dtype=bool) if reverse is None else np.asarray(reverse, dtype=bool)
    complete = np.all(valid_mask(matrix), axis=1)
    data = matrix[complete]
    n = int(data.shape[0])
    if n < 2:
        return Alpha(None, n, n_items)
    data = np.where(rev[np.newaxis, :], 6.0 - data, data)
    item_var = data.var(axis=0, ddof=1).sum()
    total_var = data.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return Alpha(None, n, n_items)
    return Alpha(float(n_items / (n_items - 1) * (1.0 - item_var / total_var)), n, n_items)


def weighted_moments(n: float, total: float, total_sq: float) -> tuple[float | None, float | None]:
    """Mean and sample sd from count, sum and sum of squares (None where undefined)."""
    if n <= 0:
        return None, None
    mean = total / n
    if n < 2:
        return mean, None
    var = max(0.0, (total_sq - n * mean * mean) / (n - 1))
    return mean, float(np.sqrt(var))
