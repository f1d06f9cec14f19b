"""Shape the results structure for the results page: one breakdown at a time, charts included.

Pure functions of the dict from ``compute_results``; a withheld figure has no value here to
render, only its reason text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from . import charts
from .results import BREAKDOWN_KEYS, reason_text


def breakdown_choices(result: dict) -> list[tuple[str, str]]:
    return [(b["key"], b["label"]) for b in result["breakdowns"] if b["key"] in BREAKDOWN_KEYS]


# The results page shows one thing at a time: the overview (a heat map of every scale for every
# group), or one scale with its questions, or, when asked for, everything. A study broken down by
# unit has hundreds of groups; one long page of 93 tables is of no use to anyone.
OVERVIEW = ""
ALL = "alle"
OTHER = "oevrige"  # questions that belong to no scale

# Heat map bands of the 0–100 score. They only colour the cells; the figure is always written in
# the cell, so nothing is told by colour alone (WCAG 1.4.1). Dark ink on pale fills: contrast above
# 7:1 on every band.
HEAT_BANDS: tuple[tuple[int, str], ...] = (
    (85, "heat-5"), (70, "heat-4"), (55, "heat-3"), (40, "heat-2"), (0, "heat-1"),
)


def heat_band(mean: float | None) -> str:
    if mean is None:
        return "heat-none"
    for lower, css in HEAT_BANDS:
        if mean >= lower:
            return css
    return "heat-1"


def heat_legend() -> list[tuple[str, str]]:
    bounds = [lower for lower, _css in HEAT_BANDS]
    uppers = [100, *[b - 1 for b in bounds[:-1]]]
    return [(css, f"{lower}–{upper}") for (lower, css), upper in
            reversed(list(zip(HEAT_BANDS, uppers, strict=True)))]


def scale_choices(result: dict) -> list[tuple[str, str]]:
    choices = [(OVERVIEW, _("Overblik over alle skalaer"))]
    choices += [(s["code"], s["title"]) for s in result["scales"]]
    if _items_outside_scales(result):
        choices.append((OTHER, _("Øvrige spørgsmål")))
    choices.append((ALL, _("Alle skalaer og spørgsmål på én side")))
    return choices


def _items_outside_scales(result: dict) -> list[dict]:
    in_scale = {code for s in result["scales"] for code in s["items"]}
    return [it for it in result["items"] if it["code"] not in in_scale]


def subtree_choices(groups: list[dict]) -> list[tuple[str, str]]:
    """Units that have sub-units, for "show only this part of the organisation"."""
    parents = {g.get("parent") for g in groups}
    return [(g["key"], "\u2003" * g.get("depth", 0) + g["label"])
            for g in groups if g["key"] in parents]


def _subtree(groups: list[dict], root: str) -> list[dict]:
    keep = {root}
    for g in groups:  # the unit table lists a parent before its children
        if g.get("parent") in keep:
            keep.add(g["key"])
    return [g for g in groups if g["key"] in keep]


def _has_figures(result: dict, key: str) -> bool:
    return any(s["cells"][key].get("mean") is not None for s in result["scales"]) or any(
        it["cells"][key].get("mean") is not None for it in result["items"])


def page_context(result: dict, by: str, scale: str | None = OVERVIEW, under: str | None = None,
                 only_shown: bool = False) -> dict[str, Any]:
    k = result["thresholds"]["k"]
    breakdowns = {b["key"]: b for b in result["breakdowns"]}
    if by not in breakdowns or by not in BREAKDOWN_KEYS:
        by = "area"
    total_group = breakdowns["total"]["groups"][0]
    all_groups = breakdowns.get(by, {"groups": []})["groups"]
    subtrees = subtree_choices(all_groups) if by == "unit" else []
    if under not in {key for key, _label in subtrees}:
        under = None
    shown_groups = _subtree(all_groups, under) if under else all_groups
    hidden_count = 0
    if only_shown:
        kept = [g for g in shown_groups if _has_figures(result, g["key"])]
        hidden_count = len(shown_groups) - len(kept)
        shown_groups = kept
    groups = [total_group, *shown_groups]

    scale_codes = [s["code"] for s in result["scales"]]
    choices = scale_choices(result)
    if scale not in {key for key, _label in choices}:
        scale = OVERVIEW
    if scale == ALL:
        chosen_scales = list(result["scales"])
        chosen_items = list(result["items"])
    elif scale == OTHER:
        chosen_scales = []
        chosen_items = _items_outside_scales(result)
    elif scale:
        chosen_scales = [s for s in result["scales"] if s["code"] == scale]
        codes = chosen_scales[0]["items"]
        chosen_items = sorted((it for it in result["items"] if it["code"] in codes),
                              key=lambda it: codes.index(it["code"]))
    else:
        chosen_scales, chosen_items = [], []

    # Previous and next along the scales (and the questions outside them), for reading in turn.
    sequence = [key for key, _label in choices if key not in (OVERVIEW, ALL)]
    position = sequence.index(scale) if scale in sequence else None
    titles = dict(choices)

    def url(scale_key: str) -> str:
        params = {"by": by, "skala": scale_key, "under": under or "",
                  "kun_viste": "1" if only_shown else ""}
        return "?" + urlencode({name: value for name, value in params.items() if value})

    def link(key: str) -> dict[str, str]:
        return {"key": key, "label": titles[key], "url": url(key)}

    neighbours = {
        "previous": link(sequence[position - 1]) if position else None,
        "next": link(sequence[position + 1])
        if position is not None and position + 1 < len(sequence) else None,
    }

    return {
        "by": by,
        "scale_key": scale,
        "under": under or "",
        "only_shown": only_shown,
        "hidden_count": hidden_count,
        "choices": breakdown_choices(result),
        "by_label": dict(breakdown_choices(result)).get(by, "").lower(),
        "scale_choices": choices,
        "subtree_choices": subtrees,
        "neighbours": neighbours,
        "overview_url": url(OVERVIEW),
        "scale_links": [link(key) for key in sequence],
        "groups": groups,
        "overview_scales": [{**_scale_summary(s), "url": url(s["code"])}
                            for s in result["scales"]],
        "heatmap": _heatmap(result, groups, url) if scale == OVERVIEW else None,
        "heat_legend": heat_legend(),
        "scales": [_scale_block(s, groups) for s in chosen_scales],
        "items": [_item_block(it, groups) for it in chosen_items],
        "scale_codes": scale_codes,
        "k": k,
    }


def _scale_summary(scale: dict) -> dict[str, Any]:
    sk = scale["k"]
    return {
        "scale": scale,
        "alpha_note": reason_text(scale["alpha"]["reason"], sk) if scale["alpha"]["withheld"]
        else "",
        "total": scale["cells"]["total"],
        "total_note": _cell_note(scale["cells"]["total"], sk),
    }


def _heatmap(result: dict, groups: list[dict], url: Callable[[str], str]) -> dict[str, Any]:
    columns = result["scales"]
    rows = []
    for g in groups:
        cells = []
        for scale in columns:
            cell = scale["cells"][g["key"]]
            cells.append({
                "scale": scale,
                "value": cell.get("mean"),
                "note": _cell_note(cell, scale["k"]),
                "css": heat_band(cell.get("mean")),
            })
        rows.append({"group": g, "cells": cells})
    return {"columns": [{"scale": c, "url": url(c["code"])} for c in columns], "rows": rows}


def _scale_block(scale: dict, groups: list[dict]) -> dict[str, Any]:
    sk = scale["k"]
    rows = []
    chart_rows = []
    for g in groups:
        cell = scale["cells"][g["key"]]
        note = _cell_note(cell, sk)
        rows.append({"group": g, "cell": cell, "note": note, "css": heat_band(cell.get("mean")),
                     "figure_notes": _figure_notes(cell, sk)})
        chart_rows.append(charts.Row(g["label"], cell["mean"], note))
    return {
        **_scale_summary(scale),
        "rows": rows,
        "chart": charts.score_bars(
            chart_rows, title=_("%(scale)s: score 0–100 efter gruppe") % {"scale": scale["title"]},
            k=sk,
        ),
    }


def _item_block(item: dict, groups: list[dict]) -> dict[str, Any]:
    ik = item["k"]
    rows = []
    chart_rows = []
    for g in groups:
        cell = item["cells"][g["key"]]
        note = _cell_note(cell, ik)
        dist = cell.get("distribution")
        dist_note = note or reason_text((cell.get("withheld_figures") or {}).get("distribution"), ik)
        three = _three_band_percent(dist)
        rows.append({
            "group": g, "cell": cell, "note": note, "dist_note": dist_note,
            "three": three,
            "five": list(zip(item["labels"], dist["percent"], strict=False))
            if dist and dist["bands"] == 5 else None,
            "figure_notes": _figure_notes(cell, ik),
        })
        chart_rows.append(charts.Row(g["label"], three, dist_note))
    return {
        "item": item,
        "rows": rows,
        "chart": charts.stacked_bars(
            chart_rows, item["band_labels"],
            title=_("Fordeling af svar: %(text)s") % {"text": item["text"]}, k=ik,
            reverse=bool(item.get("reverse")),
        ),
    }


def _three_band_percent(dist: dict | None) -> list[float] | None:
    if not dist:
        return None
    if dist["bands"] == 3:
        return list(dist["percent"])
    c = dist["counts"]
    n = sum(c) or 1
    return [round(100.0 * x / n) for x in (c[0] + c[1], c[2], c[3] + c[4])]


def _cell_note(cell: dict, k: int) -> str:
    if cell.get("withheld"):
        return reason_text(cell.get("reason"), k)
    if cell.get("reason"):
        return reason_text(cell["reason"], k)
    return ""


def _figure_notes(cell: dict, k: int) -> dict[str, str]:
    return {name: reason_text(code, k) for name, code in (cell.get("withheld_figures") or {}).items()}


# --- change between rounds ---------------------------------------------------------------------


def _signed(value: float | None) -> str:
    from django.utils.formats import number_format

    if value is None:
        return ""
    text = number_format(abs(value), 1)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _p_text(p: float | None) -> str:
    from django.utils.formats import number_format

    if p is None:
        return ""
    return "< 0,001" if p < 0.001 else number_format(p, 3)


def _withheld_note(table: dict, row: dict) -> str:
    """Which round(s) withheld a change row's figures: "skjult i runde 1 og 2"."""
    sides = []
    if row["reason_before"]:
        sides.append(str(table["from_round"]["number"]))
    if row["reason_after"]:
        sides.append(str(table["to_round"]["number"]))
    return _("skjult i runde %(rounds)s") % {"rounds": " og ".join(sides)} if sides else ""


def change_context(table: dict, by: str, scale: str | None = None, under: str | None = None,
                   only_shown: bool = False) -> dict[str, Any]:
    """One breakdown of the change table (``change.compare``) for the page, verdicts as text.

    As on the results page: an overview of every scale's overall change with jump links, one
    scale or all, one part of the organisation (``under``), and groups without figures left out
    (``only_shown``). Filters only leave out rows.
    """
    from .change import VERDICT_ARROW, WITHHELD, verdict_text

    breakdowns = {b["key"]: b for b in table["breakdowns"]}
    if by not in breakdowns or by not in BREAKDOWN_KEYS:
        by = "area"
    shown = {"total", by}
    unit_groups = breakdowns["unit"]["groups"] if by == "unit" and "unit" in breakdowns else []
    subtrees = subtree_choices(unit_groups)
    if under not in {key for key, _label in subtrees}:
        under = None
    keep_keys = {g["key"] for g in _subtree(unit_groups, under)} if under else None
    codes = [sc["code"] for sc in table["scales"]]
    if scale not in codes:
        scale = ""
    hidden_keys: set[str] = set()
    signed, p_text = _signed, _p_text

    scales = []
    overview = []
    for one in table["scales"]:
        total_row = next((r for r in one["rows"] if r["group_key"] == "total"), None)
        overview.append({
            "scale": one,
            "delta_text": signed(total_row["delta"]) if total_row else "",
            "verdict_label": verdict_text(total_row["verdict"]) if total_row else "",
            "arrow": VERDICT_ARROW.get(total_row["verdict"], "") if total_row else "",
            "verdict": total_row["verdict"] if total_row else None,
        })
        if scale and one["code"] != scale:
            continue
        rows = []
        for row in one["rows"]:
            if row["breakdown"] not in shown:
                continue
            if keep_keys is not None and row["breakdown"] == "unit" \
                    and row["group_key"] not in keep_keys:
                continue
            if only_shown and row["group_key"] != "total" and row["delta"] is None:
                hidden_keys.add(row["group_key"])
                continue
            note = _withheld_note(table, row) if row["verdict"] == WITHHELD else ""
            rows.append({
                **row,
                "delta_text": signed(row["delta"]),
                "p_text": p_text(row["p_adjusted"]),
                "verdict_label": verdict_text(row["verdict"]),
                "arrow": VERDICT_ARROW.get(row["verdict"], ""),
                "note": note,
            })
        scales.append({"scale": one, "rows": rows})
    choices = [(b["key"], b["label"]) for b in table["breakdowns"] if b["key"] in BREAKDOWN_KEYS]
    return {"by": by, "choices": choices, "scales": scales, "overview": overview,
            "scale_key": scale, "scale_choices": [(sc["code"], sc["title"]) for sc in table["scales"]],
            "subtree_choices": subtrees, "under": under or "", "only_shown": only_shown,
            "hidden_count": len(hidden_keys)}
