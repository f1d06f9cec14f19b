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
    # The results page's words, not "fewer than 5": a group may be withheld as a complement
    # (issue 13: a group of 7 said "færre end 5 svar" in the report's chart).
    assert "Skjult af hensyn til anonymiteten" in texts
    assert not any("færre end" in t for t in texts)
    assert "stroke-dasharray" in svg
    bars = re.findall(r'<rect [^>]*fill="#0b5cad"', svg)
    assert bars == []


def test_score_bars_write_the_value_next_to_the_bar():
    svg = charts.score_bars([charts.Row("Alle", 62.5)], title="Score", k=5)
    assert ">62,5</text>" in svg


def test_a_reverse_worded_item_colours_agreement_as_the_bad_answer():
    """Issue 12: "Jeg føler mig ofte stresset" showed agreement in green."""
    green, red = charts.THREE_BAND_COLOURS[0][0], charts.THREE_BAND_COLOURS[2][0]
    rows = [charts.Row("Alle", [70.0, 20.0, 10.0])]
    normal = charts.stacked_bars(rows, ["Enig", "Hverken", "Uenig"], title="t", k=5)
    reverse = charts.stacked_bars(rows, ["Enig", "Hverken", "Uenig"], title="t", k=5, reverse=True)
    first_fill = lambda svg: svg.split('<rect', 1)[1].split('fill="', 1)[1].split('"', 1)[0]  # noqa: E731
    assert first_fill(normal) == green
    assert first_fill(reverse) == red


def test_the_results_page_explains_and_colours_the_reversed_item(board_client, db):
    from django.urls import reverse

    from .factories import suppression_scenario

    scenario = suppression_scenario()
    html = board_client.get(reverse("analysis:results", kwargs={"study_id": scenario["study"].pk}),
                            {"skala": "alle"}).content.decode()
    blocks = html.split('<article class="result-block"')
    r3 = next(b for b in blocks if "<h3>R3. " in b)  # R3 is reverse-scored in the factories
    r1 = next(b for b in blocks if "<h3>R1. " in b)
    assert "Vendt spørgsmål" in r3 and "Vendt spørgsmål" not in r1
    red = charts.THREE_BAND_COLOURS[2][0]
    fills = lambda block: re.findall(r'<rect[^>]*fill="(#[0-9a-f]{6})"', block)  # noqa: E731
    assert fills(r3) and fills(r1) and fills(r3)[0] == red != fills(r1)[0]
