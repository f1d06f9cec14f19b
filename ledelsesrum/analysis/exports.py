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

import numpy as np

from ledelsesrum.lib.spreadsheet import append_safe, csv_safe, finish_sheet, local_datetime

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
            extra: dict[str, Any] = {}
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
            extra = {}
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
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(record=record, code=code, text=text, breakdown=breakdown, group_key=group_key,
               group=group, depth=depth)
    for key, value in values.items():
        if key == "withheld":
            row[key] = 1 if value else 0
        else:
            row[key] = "" if value is None else value
    return row


# CSV in the Danish convention by default: Danish Excel splits on ";" and reads "58,7" as a number
# (with "," and "." everything lands in column A and every mean becomes text). The international
# form is for scripts and English-language spreadsheets. Both are UTF-8; files get a BOM.
CSV_STYLES: dict[str, tuple[str, str, str]] = {
    # name: (separator, decimal mark, line end)
    "da": (";", ",", "\r\n"),
    "international": (",", ".", "\n"),
}
DEFAULT_CSV_STYLE = "da"


def csv_style(value: str | None) -> str:
    """The style asked for (web ``?stil=``, CLI ``--csv-stil``); unknown or empty → Danish."""
    return value if value in CSV_STYLES else DEFAULT_CSV_STYLE


def _csv_value(value: Any, decimal: str) -> Any:
    if isinstance(value, float) and not isinstance(value, bool):
        # Positional, never "1e-05": a spreadsheet reads both, a person only the first.
        text = np.format_float_positional(value, trim="-")
        return text.replace(".", decimal) if decimal != "." else text
    return csv_safe(value)


def csv_text(columns: list[str], records: Iterable[dict[str, Any]], style: str = DEFAULT_CSV_STYLE) -> str:
    """CSV of flat rows in ``style`` (the caller adds a BOM when writing a file)."""
    separator, decimal, line_end = CSV_STYLES[style]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, delimiter=separator, lineterminator=line_end)
    writer.writeheader()
    for row in records:
        writer.writerow({key: _csv_value(value, decimal) for key, value in row.items()})
    return buf.getvalue()


# XLSX is read by people in Danish Excel: Danish headings and texts, numbers as numbers, dates as
# dates. The CSV keeps the documented column keys and codes for scripts; the sheet "Kolonner" pairs
# each heading with its key.
HEADINGS = {
    "record": "Post", "code": "Kode", "text": "Tekst", "breakdown": "Opdeling",
    "group_key": "Gruppens nøgle", "group": "Gruppe", "depth": "Niveau i enhedstræet",
    "n": "Svar (n)", "mean_1_5": "Gennemsnit (1–5)", "score_0_100": "Score (0–100)",
    "sd": "Spredning (sd)", "bands": "Antal kategorier",
    "pct_1": "% kategori 1", "pct_2": "% kategori 2", "pct_3": "% kategori 3",
    "pct_4": "% kategori 4", "pct_5": "% kategori 5",
    "pct_high": "% i høj grad", "pct_mid": "% i nogen grad", "pct_low": "% i lav grad",
    "alpha": "Cronbachs α", "alpha_n": "α: antal komplette svar",
    "withheld": "Skjult (1 = ja)", "reason": "Hvorfor skjult", "withheld_figures": "Skjulte tal",
}
RECORD_TEXT = {"responses": "Besvarelser", "scale": "Skala", "item": "Spørgsmål"}
FIGURE_TEXT = {"n": "svar", "mean": "gennemsnit", "sd": "spredning", "distribution": "fordeling",
               "five_bands": "fem kategorier"}


def reason_in_words(code: Any) -> Any:
    from .results import REASON_TEXT, reason_text

    return reason_text(code) if code in REASON_TEXT else code


def withheld_figures_in_words(value: Any) -> Any:
    if not value:
        return value
    parts = []
    for pair in str(value).split("|"):
        figure, _sep, code = pair.partition(":")
        parts.append(f"{FIGURE_TEXT.get(figure, figure)}: {reason_in_words(code)}")
    return "; ".join(parts)


def workbook_bytes(about: list[tuple[str, Any]], title: str, columns: list[str],
                   records: Iterable[dict[str, Any]], headings: dict[str, str] | None = None,
                   in_words: dict[str, Any] | None = None) -> bytes:
    """A workbook with the sheet 'Om' (label/value pairs), ``title`` holding the flat rows under
    Danish ``headings`` (``in_words``: column → function giving a code's Danish text), and
    'Kolonner' pairing each heading with the CSV's column key. Empty fields are empty cells."""
    from openpyxl import Workbook

    headings = headings or {}
    in_words = in_words or {}
    wb = Workbook()
    sheet_about = wb.worksheets[0]  # a new workbook's one (active) sheet
    sheet_about.title = "Om"
    append_safe(sheet_about, ["Oplysning", "Værdi"])
    for key, value in about:
        append_safe(sheet_about, [key, local_datetime(value)])
    finish_sheet(sheet_about)
    sheet = wb.create_sheet(title)
    append_safe(sheet, [headings.get(c, c) for c in columns])
    for row in records:
        values = []
        for c in columns:
            value = row[c]
            if value == "":
                value = None
            elif c in in_words:
                value = in_words[c](value)
            values.append(value)
        append_safe(sheet, values)
    finish_sheet(sheet)
    sheet_columns = wb.create_sheet("Kolonner")
    append_safe(sheet_columns, ["Overskrift", "Kolonne i CSV og JSON"])
    for c in columns:
        append_safe(sheet_columns, [headings.get(c, c), c])
    finish_sheet(sheet_columns)
    wb.active = 1  # open on the figures
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(result: dict, style: str = DEFAULT_CSV_STYLE) -> str:
    return csv_text(COLUMNS, rows(result), style)


def to_xlsx(result: dict) -> bytes:
    """Workbook with 'Om' (study, round, thresholds), 'Resultater' (the CSV rows, in Danish) and
    'Kolonner'."""
    th = result.get("thresholds", {})
    resp = result.get("responses", {})
    breakdowns = {b["key"]: b["label"] for b in result.get("breakdowns", [])}
    about = [
        ("Undersøgelse", result["study"]["name"]),
        ("Undersøgelsens id", result["study"]["id"]),
        ("Runde", result["round"]["number"]),
        ("Runden afsluttet", result["round"]["closed_at"]),
        ("Anonymitetsgrænse (k)", th.get("k")),
        ("Grænse for følsomme spørgsmål", th.get("sensitive")),
        ("Grænse for åbne svar", th.get("open_text")),
        ("Besvarelser", resp.get("n") if not resp.get("withheld") else ""),
        ("Dannet", result.get("generated_at")),
        ("Format", result.get("format")),
    ]
    return workbook_bytes(about, "Resultater", COLUMNS, rows(result), HEADINGS, {
        "record": lambda v: RECORD_TEXT.get(v, v),
        "breakdown": lambda v: breakdowns.get(v, v),
        "reason": reason_in_words,
        "withheld_figures": withheld_figures_in_words,
    })
