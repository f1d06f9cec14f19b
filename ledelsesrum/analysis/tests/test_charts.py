"""Accessible SVG charts; withheld groups are labelled gaps without a value."""

import re

from ledelsesrum.analysis import charts


def test_stacked_bars_are_an_accessible_image_with_text_labels():
    svg = charts.stacked_bars(
        [charts.Row("Alle", [50, 30, 20]), charts.Row("Skole", None, "Skjult – færre end 5 svar")],
        ["I høj grad", "I nogen grad", "I lav grad"], title="Fordeling", k=5,
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg
    assert "50 %" in svg and "I høj grad" in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "Alle: I høj grad 50 %, I nogen grad 30 %, I lav grad 20 %" in desc
    assert "Skole: Skjult – færre end 5 svar" in desc


def test_a_withheld_group_is_a_labelled_gap_without_any_number():
    svg = charts.score_bars([charts.Row("Lilleskolen", None)], title="Score", k=5)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Skjult – færre end 5 svar" in texts
    assert "stroke-dasharray" in svg
    bars = re.findall(r'<rect [^>]*fill="#0b5cad"', svg)
    assert bars == []


def test_score_bars_write_the_value_next_to_the_bar():
    svg = charts.score_bars([charts.Row("Alle", 62.5)], title="Score", k=5)
    assert ">62,5</text>" in svg
