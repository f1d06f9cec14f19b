import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from ledelsesrum.coding.agreement import cohen_kappa, compare, krippendorff_alpha_nominal

CODES = ["1a", "1b", "2c", "3a", "4b"]


def _coders(seed: int, n: int = 80, agree: float = 0.7):
    rng = np.random.default_rng(seed)
    a = [str(x) for x in rng.choice(CODES, n)]
    b = [x if rng.random() < agree else str(rng.choice(CODES)) for x in a]
    return a, b


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kappa_matches_scikit_learn(seed):
    a, b = _coders(seed)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_alpha_matches_the_krippendorff_package_with_missing_values_and_three_coders(seed):
    a, b = _coders(seed)
    c, _ = _coders(seed + 10)
    b = [None if i % 7 == 0 else x for i, x in enumerate(b)]
    c = [None if i % 5 == 0 else x for i, x in enumerate(c)]
    index = {code: i for i, code in enumerate(CODES)}
    table = [[np.nan if x is None else index[x] for x in row] for row in (a, b, c)]
    expected = krippendorff.alpha(reliability_data=table, level_of_measurement="nominal")
    assert krippendorff_alpha_nominal([a, b, c]) == pytest.approx(expected, abs=1e-12)


def test_compare_lists_disagreements_and_per_code_scores():
    a = {"u1": "1a", "u2": "1b", "u3": "2c", "u4": "1a", "u5": None}
    b = {"u1": "1a", "u2": "2c", "u3": "2c", "u4": "1a", "u5": "1a"}
    report = compare(a, b)
    assert report.n_units == 4
    assert [(d.unit_id, d.code_a, d.code_b) for d in report.disagreements] == [("u2", "1b", "2c"), ("u5", None, "1a")]
    assert report.per_code["1a"]["kappa"] == pytest.approx(1.0)
    assert report.kappa == pytest.approx(cohen_kappa_score(["1a", "1b", "2c", "1a"], ["1a", "2c", "2c", "1a"]))
    binary_a = ["1" if x == "2c" else "0" for x in ["1a", "1b", "2c", "1a"]]
    binary_b = ["1" if x == "2c" else "0" for x in ["1a", "2c", "2c", "1a"]]
    assert report.per_code["2c"]["kappa"] == pytest.approx(cohen_kappa_score(binary_a, binary_b))


def test_perfect_agreement_is_one():
    a, _ = _coders(3)
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal([a, a]) == pytest.approx(1.0)
