import pytest

from ledelsesrum.coding.quantifiers import DEFAULT_SCALE, QuantifierScale, quantifier


@pytest.mark.parametrize(
    ("count", "total", "word"),
    [
        (20, 20, "alle"),
        (19, 20, "langt de fleste"),
        (15, 20, "langt de fleste"),
        (14, 20, "mange"),
        (8, 20, "mange"),
        (7, 20, "nogle"),
        (3, 20, "nogle"),
        (2, 20, "få"),
        (1, 78, "få"),
        (0, 20, "ingen"),
    ],
)
def test_default_thresholds(count, total, word):
    assert quantifier(count, total) == word


def test_phrase_shows_the_counts():
    assert DEFAULT_SCALE.phrase(12, 14) == "langt de fleste ledere (12 af 14)"


def test_thresholds_are_configurable():
    strict = QuantifierScale.from_thresholds({"alle": 1.0, "langt de fleste": 0.9, "mange": 0.5, "nogle": 0.2, "få": 0.0})
    assert strict.word(17, 20) == "mange"
    assert DEFAULT_SCALE.word(17, 20) == "langt de fleste"


def test_bad_thresholds_and_counts_are_rejected():
    with pytest.raises(ValueError, match="mellem 0 og 1"):
        QuantifierScale.from_thresholds({"alle": 1.5})
    with pytest.raises(ValueError):
        DEFAULT_SCALE.word(5, 4)
