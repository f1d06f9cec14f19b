"""Validation of a study's quantifier thresholds (the three middle words; "alle" and "få" fixed)."""

import pytest

from ledelsesrum.coding.quantifiers import (
    DEFAULT_SCALE,
    ThresholdError,
    default_shares,
    format_percent,
    scale_from_shares,
    threshold_errors,
    word_ranges,
)


def test_the_defaults_are_valid_and_give_the_default_scale():
    assert default_shares() == {"langt de fleste": 0.75, "mange": 0.40, "nogle": 0.15}
    assert threshold_errors(default_shares()) == {}
    assert scale_from_shares({}) == DEFAULT_SCALE


def test_a_changed_threshold_moves_the_word():
    scale = scale_from_shares({"mange": 0.3})
    assert DEFAULT_SCALE.word(1, 3) == "nogle" and scale.word(1, 3) == "mange"
    assert scale.word(3, 3) == "alle" and scale.word(1, 14) == "få" and scale.word(0, 3) == "ingen"


@pytest.mark.parametrize(
    ("shares", "word", "message"),
    [
        ({"mange": 0.8}, "mange", "»mange« skal være lavere end »langt de fleste« (75 %)."),
        ({"mange": 0.75}, "mange", "»mange« skal være lavere end »langt de fleste« (75 %)."),
        ({"langt de fleste": 1.0}, "langt de fleste", "»langt de fleste« skal ligge over 0 % og under 100 %."),
        ({"nogle": 0.0}, "nogle", "»nogle« skal ligge over 0 % og under 100 %."),
        ({"nogle": -0.1}, "nogle", "over 0 %"),
        ({"nogle": 0.5}, "nogle", "»nogle« skal være lavere end »mange« (40 %)."),
        ({"mange": 0.375, "nogle": 0.375}, "nogle", "»nogle« skal være lavere end »mange« (37,5 %)."),
        ({"mange": None}, "mange", "Angiv en procentsats for »mange«."),
        ({"alle": 0.9}, "", "Ukendt kvantor: »alle«."),
    ],
)
def test_invalid_thresholds_get_a_danish_message_on_the_word(shares, word, message):
    errors = threshold_errors({**default_shares(), **shares})
    assert any(message in m for m in errors.get(word, [])), errors
    with pytest.raises(ThresholdError):
        scale_from_shares({k: v for k, v in shares.items() if v is not None} or {"mange": None})


def test_format_percent_and_word_ranges():
    assert (format_percent(0.4), format_percent(0.375), format_percent(1.0)) == ("40", "37,5", "100")
    assert word_ranges(DEFAULT_SCALE, 4) == [("alle", 4, 4), ("langt de fleste", 3, 3), ("mange", 2, 2), ("nogle", 1, 1)]
    assert word_ranges(DEFAULT_SCALE, 14)[-1] == ("få", 1, 2)
