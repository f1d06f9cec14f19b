"""Statistics against hand-computed references."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ledelsesrum.analysis import stats

NAN = np.nan


def test_cronbach_alpha_matches_the_hand_computed_reference():
    # item variances 5/3, 4/3, 4.75/3; total-score variance 12.25 → α = 3/2·(1 − 13.75/36.75) = 46/49
    data = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5]], dtype=float)
    alpha = stats.cronbach_alpha(data)
    assert alpha.value == pytest.approx(46 / 49, abs=1e-12)
    assert alpha.n == 4 and alpha.items == 3


def test_cronbach_alpha_uses_listwise_complete_cases_only():
    data = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5], [5, NAN, 1], [1, 0, 5]], dtype=float)
    alpha = stats.cronbach_alpha(data)
    assert alpha.value == pytest.approx(46 / 49, abs=1e-12)
    assert alpha.n == 4


def test_cronbach_alpha_flips_reverse_scored_items_first():
    data = np.array([[1, 2, 2], [2, 2, 3], [3, 4, 3], [4, 4, 5]], dtype=float)
    flipped = data.copy()
    flipped[:, 2] = 6 - flipped[:, 2]
    assert stats.cronbach_alpha(flipped, [False, False, True]).value == pytest.approx(46 / 49)
    assert stats.cronbach_alpha(flipped).value < 0.5


def test_cronbach_alpha_is_undefined_without_two_items_or_two_cases():
    assert stats.cronbach_alpha(np.array([[1.0], [2.0]])).value is None
    assert stats.cronbach_alpha(np.array([[1.0, 2.0]])).value is None
    assert stats.cronbach_alpha(np.array([[3.0, 3.0], [3.0, 3.0]])).value is None


def test_dont_know_is_not_an_answer_in_item_stats():
    st = stats.item_stats(np.array([1, 2, 0, NAN, 5, 0], dtype=float))
    assert st.n == 3
    assert st.counts == (1, 1, 0, 0, 1)
    assert st.mean == pytest.approx(8 / 3)
    assert st.mean_100 == pytest.approx((5 - 8 / 3) / 4 * 100)
    assert st.sd == pytest.approx(math.sqrt(((1 - 8 / 3) ** 2 + (2 - 8 / 3) ** 2 + (5 - 8 / 3) ** 2) / 2))


def test_reverse_scored_item_mean_on_0_100_is_flipped():
    st = stats.item_stats(np.array([1, 1, 1], dtype=float), reverse=True)
    assert st.mean_100 == 0.0
    assert stats.item_stats(np.array([1, 1, 1], dtype=float)).mean_100 == 100.0


def test_scale_score_is_the_mean_of_answered_items_on_0_100():
    m = np.array([[1, 1, 3, 5]], dtype=float)  # 100, 100, 50, 0
    assert stats.scale_scores(m)[0] == pytest.approx(62.5)
    assert stats.scale_scores(m, [False, False, False, True])[0] == pytest.approx(87.5)


def test_scale_score_is_missing_when_fewer_than_half_the_items_are_answered():
    four = np.array([[1, 2, NAN, 0], [1, NAN, NAN, 0]], dtype=float)
    scores = stats.scale_scores(four)
    assert scores[0] == pytest.approx(87.5)  # 2 of 4 answered: enough
    assert np.isnan(scores[1])  # 1 of 4: missing
    five = np.array([[1, 1, 0, 0, NAN], [1, 1, 1, 0, NAN]], dtype=float)
    scores = stats.scale_scores(five)
    assert np.isnan(scores[0]) and scores[1] == pytest.approx(100.0)


def test_three_bands_collapse_high_mid_low():
    assert stats.three_band_counts((1, 2, 3, 4, 5)) == (3, 3, 9)
    assert stats.percentages((1, 1, 2)) == [25, 25, 50]
