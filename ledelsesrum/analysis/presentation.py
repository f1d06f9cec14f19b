"""Shape the results structure for the results page: one breakdown at a time, charts included.

Pure functions of the dict from ``compute_results``; a withheld figure has no value here to
render, only its reason text.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from . import charts
from .results import BREAKDOWN_KEYS, reason_text


def breakdown_choices(result: dict) -> list[tuple[str, str]]:
    return [(b["key"], b["label"]) for b in result["breakdowns"] if b["key"] in BREAKDOWN_KEYS]


def page_context(result: dict, by: str) -> dict[str, Any]:
    k = result["thresholds"]["k"]
    breakdowns = {b["key"]: b for b in result["breakdowns"]}
    if by not in breakdowns or by not in BREAKDOWN_KEYS:
        by = "area"
    total_group = breakdowns["total"]["groups"][0]
    groups = [total_group, *breakdowns.get(by, {"groups": []})["groups"]]

    def label(g: dict) -> str:
        return g["label"]

    scales = []
    for scale in result["scales"]:
        sk = scale["k"]
        rows = []
        chart_rows = []
        for g in groups:
            cell = scale["cells"][g["key"]]
            note = _cell_note(cell, sk)
            rows.append({"group": g, "cell": cell, "note": note,
                         "figure_notes": _figure_notes(cell, sk)})
            chart_rows.append(charts.Row(label(g), cell["mean"], note))
        scales.append({
            "scale": scale,
            "rows": rows,
            "alpha_note": reason_text(scale["alpha"]["reason"], sk) if scale["alpha"]["withheld"]
            else "",
            "total": scale["cells"]["total"],
            "total_note": _cell_note(scale["cells"]["total"], sk),
            "chart": charts.score_bars(
                chart_rows, title=_("%(scale)s: score 0–100 efter gruppe") % {"scale": scale["title"]},
                k=sk,
            ),
        })
    items = []
    for item in result["items"]:
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
            chart_rows.append(charts.Row(label(g), three, dist_note))
        items.append({
            "item": item,
            "rows": rows,
            "chart": charts.stacked_bars(
                chart_rows, item["band_labels"],
                title=_("Fordeling af svar: %(text)s") % {"text": item["text"]}, k=ik,
                reverse=bool(item.get("reverse")),
            ),
        })
    return {
        "by": by,
        "choices": breakdown_choices(result),
        "groups": groups,
        "scales": scales,
        "items": items,
        "k": k,
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


def change_context(table: dict, by: str) -> dict[str, Any]:
    """One breakdown of the change table (``change.compare``) for the page, verdicts as text."""
    from django.utils.formats import number_format

    from .change import VERDICT_ARROW, WITHHELD, verdict_text

    breakdowns = {b["key"]: b for b in table["breakdowns"]}
    if by not in breakdowns or by not in BREAKDOWN_KEYS:
        by = "area"
    shown = {"total", by}

    def signed(value: float | None) -> str:
        if value is None:
            return ""
        text = number_format(abs(value), 1)
        return ("+" if value > 0 else "−" if value < 0 else "±") + text

    def p_text(p: float | None) -> str:
        if p is None:
            return ""
        return "< 0,001" if p < 0.001 else number_format(p, 3)

    scales = []
    for scale in table["scales"]:
        rows = []
        for row in scale["rows"]:
            if row["breakdown"] not in shown:
                continue
            note = ""
            if row["verdict"] == WITHHELD:
                sides = []
                if row["reason_before"]:
                    sides.append(str(table["from_round"]["number"]))
                if row["reason_after"]:
                    sides.append(str(table["to_round"]["number"]))
                note = _("skjult i runde %(rounds)s") % {"rounds": " og ".join(sides)} if sides \
                    else ""
            rows.append({
                **row,
                "delta_text": signed(row["delta"]),
                "p_text": p_text(row["p_adjusted"]),
                "verdict_label": verdict_text(row["verdict"]),
                "arrow": VERDICT_ARROW.get(row["verdict"], ""),
                "note": note,
            })
        scales.append({"scale": scale, "rows": rows})
    choices = [(b["key"], b["label"]) for b in table["breakdowns"] if b["key"] in BREAKDOWN_KEYS]
    return {"by": by, "choices": choices, "scales": scales}
