"""The results page's views of one release: overview heat map, one scale, filters (pure)."""

import pytest

from ledelsesrum.analysis import presentation
from ledelsesrum.analysis.results import compute_results

from .factories import suppression_scenario


@pytest.fixture
def result(db):
    return compute_results(suppression_scenario()["round"])


def test_heat_bands_cover_the_score_range_and_a_withheld_cell_has_no_band():
    assert presentation.heat_band(None) == "heat-none"
    assert [presentation.heat_band(x) for x in (0, 39.9, 40, 54.9, 55, 70, 84.9, 85, 100)] == [
        "heat-1", "heat-1", "heat-2", "heat-2", "heat-3", "heat-4", "heat-4", "heat-5", "heat-5"]
    assert [span for _css, span in presentation.heat_legend()] == [
        "0–39", "40–54", "55–69", "70–84", "85–100"]


def test_the_overview_is_a_heat_map_and_no_question_tables(result):
    context = presentation.page_context(result, "unit")
    assert context["scales"] == [] and context["items"] == []
    heatmap = context["heatmap"]
    assert [c["scale"]["code"] for c in heatmap["columns"]] == [s["code"] for s in result["scales"]]
    units = next(b for b in result["breakdowns"] if b["key"] == "unit")["groups"]
    assert [r["group"]["key"] for r in heatmap["rows"]] == ["total", *[g["key"] for g in units]]
    for row in heatmap["rows"]:
        for cell, scale in zip(row["cells"], result["scales"], strict=True):
            mean = scale["cells"][row["group"]["key"]]["mean"]
            assert cell["value"] == mean
            assert (cell["css"] == "heat-none") == (mean is None)
            assert (cell["note"] != "") == (mean is None)


def test_one_scale_shows_exactly_its_questions_and_its_neighbours(result):
    first, second = result["scales"][0], result["scales"][1]
    context = presentation.page_context(result, "area", scale=second["code"])
    assert context["heatmap"] is None
    assert [s["scale"]["code"] for s in context["scales"]] == [second["code"]]
    assert [it["item"]["code"] for it in context["items"]] == second["items"]
    assert context["neighbours"]["previous"]["key"] == first["code"]
    assert "skala=" + first["code"] in context["neighbours"]["previous"]["url"]
    assert "by=area" in context["neighbours"]["previous"]["url"]
    everything = presentation.page_context(result, "area", scale="alle")
    assert len(everything["items"]) == len(result["items"])
    assert presentation.page_context(result, "area", scale="nonsense")["heatmap"] is not None


def test_the_subtree_filter_keeps_a_unit_and_everything_below_it(result):
    units = next(b for b in result["breakdowns"] if b["key"] == "unit")["groups"]
    parents = [key for key, _label in presentation.subtree_choices(units)]
    assert parents, "the scenario has units with sub-units"
    root = parents[-1]
    context = presentation.page_context(result, "unit", under=root)
    kept = [r["group"]["key"] for r in context["heatmap"]["rows"]][1:]
    assert kept[0] == root
    for key in kept[1:]:
        parent = next(g for g in units if g["key"] == key)["parent"]
        assert parent in kept
    assert len(kept) < len(units)
    # A key that is not a parent unit (or another breakdown) is ignored, not trusted.
    assert presentation.page_context(result, "area", under=root)["under"] == ""


def test_only_shown_leaves_out_groups_whose_figures_are_all_withheld_and_says_how_many(result):
    full = presentation.page_context(result, "unit")
    short = presentation.page_context(result, "unit", only_shown=True)
    blank = [r for r in full["heatmap"]["rows"]
             if not presentation._has_figures(result, r["group"]["key"])]
    assert blank, "the scenario has a unit whose figures are all withheld"
    assert short["hidden_count"] == len(blank)
    assert len(short["heatmap"]["rows"]) == len(full["heatmap"]["rows"]) - len(blank)
