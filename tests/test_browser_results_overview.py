"""The results page at length (issue 12, items 4 and 9), in Chromium on the demo.

The demo (60 of its leaders here, broken down by unit: dozens of groups) is the size at which one long page
of every table became unusable. The analyst must get an overview first — a heat map of scales ×
groups with the withheld cells marked — then one scale at a time with jump links, and filters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo_results(demo_build, live_server, page):
    result = demo_build(size=60, with_interviews=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/konto/log-ind/")
    page.fill("#id_username", "analytiker")
    page.fill("#id_password", result.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/undersoegelser/")
    return live_server.url + f"/undersoegelser/{result.study_id}/resultater/", result


def _axe_violations(page) -> list[str]:
    import axe_playwright_python

    page.evaluate((Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({len(v['nodes'])})" for v in found["violations"]]


def _released(demo) -> dict:
    from ledelsesrum.analysis.release import released_results
    from ledelsesrum.studies.models import Study

    return released_results(Study.objects.get(pk=demo.study_id).main_round)


def _height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def test_by_unit_the_page_opens_on_a_heat_map_not_on_every_table(demo_results, page):
    url, demo = demo_results
    result = _released(demo)
    scales = result["scales"]
    units = next(b for b in result["breakdowns"] if b["key"] == "unit")["groups"]
    withheld = sum(1 for g in units for s in scales if s["cells"][g["key"]]["mean"] is None)
    assert withheld, "the demo must have withheld unit cells for this test to mean anything"

    page.goto(url + "?by=unit")
    heatmap = page.locator("table.heatmap")
    expect(heatmap).to_be_visible()
    # One column per scale, one row per unit plus the total.
    expect(heatmap.locator("thead th")).to_have_count(len(scales) + 1)
    expect(heatmap.locator("tbody tr")).to_have_count(len(units) + 1)
    # Every withheld cell is marked (a dash, hatched, with its reason for screen readers) and no
    # shown cell is.
    expect(heatmap.locator("td.heat-none")).to_have_count(withheld)
    first_hidden = heatmap.locator("td.heat-none").first
    expect(first_hidden).to_contain_text("–")
    expect(first_hidden.locator(".visually-hidden")).to_contain_text("anonymitet")
    shown_cells = heatmap.locator("td.heat:not(.heat-none)")
    expect(shown_cells).to_have_count(len(units + [None]) * len(scales) - withheld)
    assert re.fullmatch(r"\d{1,3}(,\d)?", shown_cells.first.inner_text().strip())
    # No per-question tables on the overview, and the page stays short.
    expect(page.locator("article.result-block")).to_have_count(0)
    assert _height(page) < 8000, _height(page)
    assert _axe_violations(page) == []


def test_one_scale_at_a_time_with_jump_links_and_neighbours(demo_results, page):
    url, demo = demo_results
    result = _released(demo)
    scale = result["scales"][1]
    page.goto(url + "?by=unit")
    page.locator("table.heatmap thead").get_by_role("link", name=scale["title"], exact=True).click()
    expect(page).to_have_url(re.compile(rf"skala={scale['code']}"))
    blocks = page.locator("article.result-block")
    # The scale and exactly its questions, in order.
    expect(blocks).to_have_count(1 + len(scale["items"]))
    expect(blocks.first.locator("h3")).to_have_text(scale["title"])
    for i, code in enumerate(scale["items"], start=1):
        expect(blocks.nth(i).locator("h3")).to_contain_text(f"{code}. ")
    # The breakdown chosen on the overview is kept.
    expect(page.locator("#id_by")).to_have_value("unit")
    # Jump links lead to each question on the page.
    jump = page.get_by_role("navigation", name="Spring til")
    last_code = scale["items"][-1]
    jump.get_by_role("link", name=re.compile(rf"^{last_code}\. ")).click()
    expect(page).to_have_url(re.compile(rf"#sp-{last_code.lower()}$"))
    expect(page.locator(f"#sp-{last_code.lower()}")).to_be_in_viewport()
    # Next and previous scale.
    jump.get_by_role("link", name=re.compile("^Næste: ")).click()
    expect(page.locator("article.result-block").first.locator("h3")).to_have_text(result["scales"][2]["title"])
    page.get_by_role("navigation", name="Spring til").get_by_role("link", name=re.compile("^Forrige: ")).click()
    expect(page.locator("article.result-block").first.locator("h3")).to_have_text(scale["title"])
    assert _axe_violations(page) == []
    page.get_by_role("link", name="← Overblik").click()
    expect(page.locator("table.heatmap")).to_be_visible()


def test_filters_narrow_the_groups_to_one_part_of_the_organisation(demo_results, page):
    url, demo = demo_results
    result = _released(demo)
    units = next(b for b in result["breakdowns"] if b["key"] == "unit")["groups"]
    area = next(g for g in units if g["depth"] == 1 and any(c.get("parent") == g["key"] for c in units))
    below = {area["key"]}
    for g in units:
        if g.get("parent") in below:
            below.add(g["key"])
    page.goto(url + "?by=unit")
    page.select_option("#id_under", area["key"])
    page.get_by_role("button", name="Vis").click()
    rows = page.locator("table.heatmap tbody tr")
    expect(rows).to_have_count(len(below) + 1)  # the subtree and the total
    expect(rows.nth(1).locator("th")).to_have_text(area["label"])

    hidden_rows = [g for g in units if g["key"] in below
                   and all(s["cells"][g["key"]]["mean"] is None for s in result["scales"])
                   and all(it["cells"][g["key"]]["mean"] is None for it in result["items"])]
    page.check("#id_kun_viste")
    page.get_by_role("button", name="Vis").click()
    expect(rows).to_have_count(len(below) + 1 - len(hidden_rows))
    if hidden_rows:
        expect(page.locator("#hidden-groups")).to_contain_text(f"{len(hidden_rows)} ")
    # The filter is kept when the analyst goes on to a scale.
    page.locator("table.heatmap thead a").first.click()
    expect(page.locator("#id_under")).to_have_value(area["key"])
    expect(page.locator("article.result-block").first.locator("tbody tr")).to_have_count(
        len(below) + 1 - len(hidden_rows))


def test_a_reversed_question_is_coloured_and_explained_the_right_way_round(demo_results, page):
    from ledelsesrum.analysis import charts
    url, demo = demo_results
    result = _released(demo)
    reversed_item = next(it for it in result["items"] if it.get("reverse"))
    plain_item = next(it for it in result["items"] if not it.get("reverse"))
    scale = next(s for s in result["scales"] if reversed_item["code"] in s["items"])
    page.goto(url + f"?skala={scale['code']}")
    block = page.locator(f"#sp-{reversed_item['code'].lower()}")
    expect(block.locator(".badge")).to_have_text("vendt")
    expect(block).to_contain_text("Vendt spørgsmål: her er det et dårligt tegn at være enig")
    # The first band of the stacked bar ("enig") is red for the reversed item, green otherwise.
    green, red = charts.THREE_BAND_COLOURS[0][0], charts.THREE_BAND_COLOURS[2][0]
    assert block.locator("svg rect").first.get_attribute("fill") == red
    plain_scale = next(s for s in result["scales"] if plain_item["code"] in s["items"])
    page.goto(url + f"?skala={plain_scale['code']}")
    plain = page.locator(f"#sp-{plain_item['code'].lower()}")
    expect(plain).not_to_contain_text("Vendt spørgsmål")
    assert plain.locator("svg rect").first.get_attribute("fill") == green


def test_the_change_page_has_an_overview_jump_links_and_the_same_filters(demo_results, page):
    url, demo = demo_results
    page.goto(url + "udvikling/?by=unit")
    full = _height(page)
    overview = page.locator("table.change-overview")
    expect(overview).to_be_visible()
    rows = overview.locator("tbody tr")
    titles = page.locator("article.result-block h2")
    expect(rows).to_have_count(titles.count())
    # A jump link leads to its scale, and back.
    last_title = titles.last.inner_text()
    overview.get_by_role("link", name=last_title, exact=True).click()
    expect(titles.last).to_be_in_viewport()
    page.locator("article.result-block").last.get_by_role("link", name="↑ Til overblikket").click()
    expect(overview).to_be_in_viewport()
    # One scale, only groups with figures: a fraction of the page.
    page.select_option("#id_skala", index=1)
    page.check("#id_kun_viste")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("article.result-block")).to_have_count(1)
    expect(page.locator("#id_by")).to_have_value("unit")
    assert _height(page) < full / 4, (_height(page), full)
    assert page.locator('article.result-block td .suppressed').count() == 0
    assert _axe_violations(page) == []
