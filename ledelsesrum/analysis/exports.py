"""Render the results structure as JSON, CSV and XLSX (layouts in docs/results-format.md).

Every function takes the dict from ``results.compute_results`` and nothing else: an export can
only contain what disclosure control already let through. A withheld figure is an empty field
with ``withheld`` = 1 and a reason code, never a number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from ledelsesrum.lib.spreadsheet import append_safe, csv_safe

COLUMNS = [
    "record", "code", "text", "breakdown", "group_key", "group", "depth",
    "n", "mean_1_5", "score_0_100", "sd", "bands",
    "pct_1", "pct_2", "pct_3", "pct_4", "pct_5", "pct_high", "pct_mid", "pct_low",
    "alpha", "alpha_n", "withheld", "reason", "withheld_figures",
]


def to_json(result: dict, *, indent: int | None = 2) -> str:
    return json.dumps(result, ensure_ascii=False, indent=indent, allow_nan=False)


def rows(result: dict) -> Iterator[dict[str, Any]]:
    """One flat row per (record, code, group): the CSV and the XLSX sheet 'Resultater'."""
    groups = [
        (b["key"], g["key"], g["label"], g.get("depth", ""), g)
        for b in result.get("breakdowns", [])
        for g in b["groups"]
    ]
    for bkey, gkey, label, depth, g in groups:
        fig = g["responses"]
        yield _row("responses", "", "", bkey, gkey, label, depth, n=fig["n"],
                   withheld=fig["withheld"], reason=fig["reason"])
    for scale in result.get("scales", []):
        alpha = scale["alpha"]
        for bkey, gkey, label, depth, _g in groups:
            cell = scale["cells"].get(gkey)
            if cell is None:
                continue
            extra = {}
            if gkey == "total":
                extra = {"alpha": alpha["value"], "alpha_n": alpha["n"]}
            yield _row("scale", scale["code"], scale["title"], bkey, gkey, label, depth,
                       n=cell["n"], score_0_100=cell["mean"], sd=cell["sd"],
                       withheld=cell["withheld"], reason=cell["reason"],
                       withheld_figures=_wf(cell), **extra)
    for item in result.get("items", []):
        for bkey, gkey, label, depth, _g in groups:
            cell = item["cells"].get(gkey)
            if cell is None:
                continue
            extra: dict[str, Any] = {}
            dist = cell.get("distribution")
            if dist:
                extra["bands"] = dist["bands"]
                pct = dist["percent"]
                if dist["bands"] == 5:
                    for i, p in enumerate(pct, start=1):
                        extra[f"pct_{i}"] = p
                    counts = dist["counts"]
                    n = sum(counts) or 1
                    three = [counts[0] + counts[1], counts[2], counts[3] + counts[4]]
                    pct3 = [round(100.0 * c / n) for c in three]
                else:
                    pct3 = pct
                extra["pct_high"], extra["pct_mid"], extra["pct_low"] = pct3
            yield _row("item", item["code"], item["text"], bkey, gkey, label, depth,
                       n=cell["n"], mean_1_5=cell["mean"], score_0_100=cell["mean_100"],
                       sd=cell["sd"], withheld=cell["withheld"], reason=cell["reason"],
                       withheld_figures=_wf(cell), **extra)


def _wf(cell: dict) -> str:
    return "|".join(f"{k}:{v}" for k, v in sorted((cell.get("withheld_figures") or {}).items()))


def _row(record: str, code: str, text: str, breakdown: str, group_key: str, group: str,
         depth: Any, **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(record=record, code=code, text=text, breakdown=breakdown, group_key=group_key,
               group=group, depth=depth)
    for key, value in values.items():
        if key == "withheld":
            row[key] = 1 if value else 0
        else:
            row[key] = "" if value is None else value
    return row


def csv_text(columns: list[str], records: Iterable[dict[str, Any]]) -> str:
    """UTF-8 CSV of flat rows (the caller adds a BOM for Excel when writing a file)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in records:
        writer.writerow({key: csv_safe(value) for key, value in row.items()})
    return buf.getvalue()


def workbook_bytes(about: list[tuple[str, Any]], title: str, columns: list[str],
                   records: Iterable[dict[str, Any]]) -> bytes:
    """A workbook with the sheet 'Om' (key/value pairs) and ``title`` holding the flat rows,
    a bold header and empty cells for empty fields."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheet_about = wb.active
    sheet_about.title = "Om"
    for key, value in about:
        append_safe(sheet_about, [key, value])
    sheet = wb.create_sheet(title)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in records:
        append_safe(sheet, [row[c] if row[c] != "" else None for c in columns])
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(result: dict) -> str:
    return csv_text(COLUMNS, rows(result))


def to_xlsx(result: dict) -> bytes:
    """Workbook with 'Om' (study, round, thresholds) and 'Resultater' (the CSV rows)."""
    th = result.get("thresholds", {})
    resp = result.get("responses", {})
    about = [
        ("format", result.get("format")),
        ("undersøgelse", result["study"]["name"]),
        ("undersøgelse_id", result["study"]["id"]),
        ("runde", result["round"]["number"]),
        ("runde_afsluttet", result["round"]["closed_at"]),
        ("anonymitetsgrænse", th.get("k")),
        ("grænse_følsomme", th.get("sensitive")),
        ("besvarelser", resp.get("n") if not resp.get("withheld") else ""),
        ("dannet", result.get("generated_at")),
    ]
    return workbook_bytes(about, "Resultater", COLUMNS, rows(result))
