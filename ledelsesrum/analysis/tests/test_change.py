"""The change table between two releases: Welch's test from summary statistics, Benjamini–Hochberg
within a breakdown, and no number for a row whose cell is withheld in either round."""

from __future__ import annotations

import pytest
from scipy.stats import false_discovery_control, ttest_ind_from_stats

from ledelsesrum.analysis import change_exports
from ledelsesrum.analysis.change import (
    BETTER,
    NO_ANSWERS,
    NO_CHANGE,
    NOT_COMPARABLE,
    NOT_TESTED,
    WITHHELD,
    WORSE,
    ChangeError,
    benjamini_hochberg,
    compare,
    overall_by_scale,
    welch_from_stats,
)

AREAS = ["Skole", "Ældre", "Lille"]


def cell(n, mean, sd=None):
    return {"n": n, "mean": mean, "sd": sd, "withheld": False, "reason": None,
            "withheld_figures": {}}


def withheld(reason="below_threshold"):
    return {"n": None, "mean": None, "sd": None, "withheld": True, "reason": reason,
            "withheld_figures": {}}


def payload(number, scales, *, areas=AREAS, study_id=1, kind="main", k=5):
    groups = [{"key": f"area:{a}", "label": a, "responses": {}} for a in areas]
    return {
        "format": "ledelsesrum.results/1",
        "study": {"id": study_id, "name": "Ledervilkår"},
        "round": {"id": 10 + number, "number": number, "kind": kind,
                  "closed_at": f"2026-0{number}-01T10:00:00+00:00"},
        "thresholds": {"k": k, "sensitive": 20, "open_text": 10},
        "breakdowns": [
            {"key": "total", "label": "I alt", "groups": [{"key": "total", "label": "Alle"}]},
            {"key": "area", "label": "Område", "groups": groups},
        ],
        "scales": [
            {"code": code, "title": code.title(), "subtheme": "1d", "k": k, "cells": cells}
            for code, cells in scales.items()
        ],
    }


def rows_by_key(table, scale="raaderum"):
    s = next(s for s in table["scales"] if s["code"] == scale)
    return {r["group_key"]: r for r in s["rows"]}


def test_welch_matches_scipy_from_summary_statistics():
    for args in [(55.0, 18.0, 40, 61.5, 21.0, 35), (70.2, 10.1, 6, 60.0, 25.3, 80),
                 (50.0, 5.0, 2, 50.5, 5.0, 2)]:
        ours = welch_from_stats(*args)
        ref = ttest_ind_from_stats(*args[3:], *args[:3], equal_var=False)
        assert ours.t == pytest.approx(ref.statistic, rel=1e-9)
        assert ours.p == pytest.approx(ref.pvalue, rel=1e-9)


def test_welch_is_undefined_for_n_below_2_or_no_variance():
    assert welch_from_stats(50, 10, 1, 60, 10, 30) is None
    assert welch_from_stats(50, 0, 10, 60, 0, 10) is None


def test_benjamini_hochberg_matches_scipy():
    ps = [0.01, 0.04, 0.03, 0.5, 0.0001, 0.2]
    assert benjamini_hochberg(ps) == pytest.approx(list(false_discovery_control(ps)))
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])


def test_the_total_is_tested_with_its_own_sd_and_matches_scipy():
    before = payload(1, {"raaderum": {"total": cell(60, 55.0, 18.0)}})
    after = payload(2, {"raaderum": {"total": cell(64, 63.5, 17.0)}})
    row = rows_by_key(compare(before, after))["total"]
    ref = ttest_ind_from_stats(63.5, 17.0, 64, 55.0, 18.0, 60, equal_var=False)
    assert (row["score_before"], row["score_after"], row["delta"]) == (55.0, 63.5, 8.5)
    assert (row["n_before"], row["n_after"]) == (60, 64)
    assert row["p"] == pytest.approx(ref.pvalue, rel=1e-3)
    assert row["p_adjusted"] == row["p"]  # one test in the family "total"
    assert row["sd_source"] == "own"
    assert row["verdict"] == BETTER


def test_a_group_is_tested_with_the_rounds_overall_sd():
    before = payload(1, {"raaderum": {"total": cell(60, 55.0, 20.0), "area:Skole": cell(12, 50.0)}})
    after = payload(2, {"raaderum": {"total": cell(60, 56.0, 15.0), "area:Skole": cell(14, 70.0)}})
    row = rows_by_key(compare(before, after))["area:Skole"]
    ref = ttest_ind_from_stats(70.0, 15.0, 14, 50.0, 20.0, 12, equal_var=False)
    assert row["sd_source"] == "total"
    assert row["p"] == pytest.approx(ref.pvalue, rel=1e-3)
    assert row["delta"] == 20.0 and row["verdict"] == BETTER


def test_a_significant_drop_is_a_clear_worsening_and_a_small_one_no_sure_change():
    before = payload(1, {"raaderum": {"total": cell(100, 70.0, 15.0)},
                         "tid": {"total": cell(100, 60.0, 15.0)}})
    after = payload(2, {"raaderum": {"total": cell(100, 58.0, 15.0)},
                        "tid": {"total": cell(100, 61.0, 15.0)}})
    table = compare(before, after)
    assert rows_by_key(table)["total"]["verdict"] == WORSE
    assert rows_by_key(table, "tid")["total"]["verdict"] == NO_CHANGE


def test_the_correction_can_turn_a_nominal_p_below_5_percent_into_no_sure_change():
    # Raw p just under 0.05 for Skole; four other groups without change in the same family.
    areas = ["Skole", "A", "B", "C", "D"]
    cells_b = {"total": cell(200, 60.0, 15.0), "area:Skole": cell(40, 60.0)}
    cells_a = {"total": cell(200, 60.0, 15.0), "area:Skole": cell(40, 66.7)}
    for a in areas[1:]:
        cells_b[f"area:{a}"] = cell(40, 60.0)
        cells_a[f"area:{a}"] = cell(40, 60.1)
    table = compare(payload(1, {"raaderum": cells_b}, areas=areas),
                    payload(2, {"raaderum": cells_a}, areas=areas))
    row = rows_by_key(table)["area:Skole"]
    assert row["p"] < 0.05 <= row["p_adjusted"]
    assert row["verdict"] == NO_CHANGE


def test_a_withheld_cell_in_either_round_gives_a_row_without_any_number():
    before = payload(1, {"raaderum": {"total": cell(60, 55.0, 18.0), "area:Lille": withheld(),
                                      "area:Skole": cell(20, 50.0)}})
    after = payload(2, {"raaderum": {"total": cell(60, 56.0, 18.0), "area:Lille": cell(6, 90.0),
                                     "area:Skole": withheld("complementary")}})
    rows = rows_by_key(compare(before, after))
    for key, reasons in [("area:Lille", ("below_threshold", None)),
                         ("area:Skole", (None, "complementary"))]:
        row = rows[key]
        assert row["verdict"] == WITHHELD
        assert (row["reason_before"], row["reason_after"]) == reasons
        for figure in ("n_before", "n_after", "score_before", "score_after", "delta", "t", "df",
                       "p", "p_adjusted"):
            assert row[figure] is None, (key, figure)


def test_a_group_present_in_one_round_only_is_not_comparable():
    before = payload(1, {"raaderum": {"total": cell(60, 55.0, 18.0), "area:Gammel": cell(10, 40.0)}},
                     areas=["Gammel"])
    after = payload(2, {"raaderum": {"total": cell(60, 56.0, 18.0), "area:Ny": cell(10, 80.0)}},
                    areas=["Ny"])
    table = compare(before, after)
    rows = rows_by_key(table)
    for key in ("area:Gammel", "area:Ny"):
        assert rows[key]["verdict"] == NOT_COMPARABLE
        assert rows[key]["delta"] is None and rows[key]["score_after"] is None
        assert rows[key]["score_before"] is None
    area_groups = [g["key"] for b in table["breakdowns"] if b["key"] == "area" for g in b["groups"]]
    assert area_groups == ["area:Ny", "area:Gammel"]
    csv_text = change_exports.to_csv(table)
    assert "Ikke sammenlignelig" in csv_text and "80" not in csv_text.split("area:Ny")[1].split("\n")[0]


def test_no_sd_means_a_delta_without_a_test_and_no_answers_means_no_delta():
    before = payload(1, {"raaderum": {"total": cell(6, 55.0), "area:Skole": cell(0, None)}})
    after = payload(2, {"raaderum": {"total": cell(6, 60.0), "area:Skole": cell(5, 60.0)}})
    rows = rows_by_key(compare(before, after))
    assert rows["total"]["verdict"] == NOT_TESTED and rows["total"]["delta"] == 5.0
    assert rows["total"]["p"] is None
    assert rows["area:Skole"]["verdict"] == NO_ANSWERS and rows["area:Skole"]["delta"] is None


def test_rounds_must_be_two_main_rounds_of_one_study_in_order():
    a = payload(1, {"raaderum": {"total": cell(60, 55.0, 18.0)}})
    b = payload(2, {"raaderum": {"total": cell(60, 56.0, 18.0)}})
    with pytest.raises(ChangeError, match="tidligere runde"):
        compare(b, a)
    with pytest.raises(ChangeError, match="forskellige undersøgelser"):
        compare(a, payload(2, {}, study_id=2))
    with pytest.raises(ChangeError, match="hovedrunder"):
        compare(a, payload(2, {}, kind="pilot"))


def test_overall_by_scale_gives_the_total_rows():
    before = payload(1, {"raaderum": {"total": cell(60, 55.0, 18.0)}})
    after = payload(2, {"raaderum": {"total": cell(60, 65.0, 18.0)}})
    overall = overall_by_scale(compare(before, after))
    assert overall["raaderum"]["delta"] == 10.0 and overall["raaderum"]["title"] == "Raaderum"
