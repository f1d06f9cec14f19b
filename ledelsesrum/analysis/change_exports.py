"""Render the change table (``change.compare``) as JSON, CSV and XLSX (docs/results-format.md).

Only what the change table holds is written: a row without a delta has empty figure fields and
its verdict code, never a number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .change import verdict_text
from .exports import csv_text, workbook_bytes

COLUMNS = [
    "scale", "scale_title", "breakdown", "group_key", "group", "depth",
    "n_before", "score_before", "n_after", "score_after", "delta",
    "t", "df", "p", "p_adjusted", "sd_source", "verdict", "verdict_text",
    "reason_before", "reason_after",
]


def to_json(table: dict, *, indent: int | None = 2) -> str:
    return json.dumps(table, ensure_ascii=False, indent=indent, allow_nan=False)


def rows(table: dict) -> Iterator[dict[str, Any]]:
    for scale in table["scales"]:
        for r in scale["rows"]:
            row = {c: r.get(c) for c in COLUMNS}
            row.update(scale=scale["code"], scale_title=scale["title"],
                       verdict_text=verdict_text(r["verdict"]))
            yield {k: ("" if v is None else v) for k, v in row.items()}


def to_csv(table: dict) -> str:
    return csv_text(COLUMNS, rows(table))


def to_xlsx(table: dict) -> bytes:
    """Workbook with 'Om' (study, rounds, method) and 'Udvikling' (the CSV rows)."""
    about = [
        ("format", table["format"]),
        ("undersøgelse", table["study"].get("name")),
        ("undersøgelse_id", table["study"].get("id")),
        ("fra_runde", table["from_round"]["number"]),
        ("fra_runde_afsluttet", table["from_round"]["closed_at"]),
        ("til_runde", table["to_round"]["number"]),
        ("til_runde_afsluttet", table["to_round"]["closed_at"]),
        ("anonymitetsgrænse_fra", table["thresholds"]["from"]),
        ("anonymitetsgrænse_til", table["thresholds"]["to"]),
        ("test", "Welch t-test (to uafhængige stikprøver) på score 0–100"),
        ("korrektion", table["correction"]),
        ("signifikansniveau", table["alpha"]),
    ]
    return workbook_bytes(about, "Udvikling", COLUMNS, rows(table))
