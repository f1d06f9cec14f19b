"""Render the change table (``change.compare``) as JSON, CSV and XLSX (docs/results-format.md).

Only what the change table holds is written: a row without a delta has empty figure fields and
its verdict code, never a number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .change import verdict_text
from .exports import DEFAULT_CSV_STYLE, csv_text, reason_in_words, workbook_bytes

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


def to_csv(table: dict, style: str = DEFAULT_CSV_STYLE) -> str:
    return csv_text(COLUMNS, rows(table), style)


HEADINGS = {
    "scale": "Skala (kode)", "scale_title": "Skala", "breakdown": "Opdeling",
    "group_key": "Gruppens nøgle", "group": "Gruppe", "depth": "Niveau i enhedstræet",
    "n_before": "Svar før", "score_before": "Score før (0–100)", "n_after": "Svar efter",
    "score_after": "Score efter (0–100)", "delta": "Ændring", "t": "t", "df": "Frihedsgrader",
    "p": "p", "p_adjusted": "p (korrigeret)", "sd_source": "Spredningens kilde",
    "verdict": "Vurdering (kode)", "verdict_text": "Vurdering",
    "reason_before": "Skjult før", "reason_after": "Skjult efter",
}


def to_xlsx(table: dict) -> bytes:
    """Workbook with 'Om' (study, rounds, method), 'Udvikling' (the CSV rows, in Danish) and
    'Kolonner'."""
    breakdowns = {b["key"]: b.get("label", b["key"]) for b in table.get("breakdowns", [])}
    about = [
        ("Undersøgelse", table["study"].get("name")),
        ("Undersøgelsens id", table["study"].get("id")),
        ("Fra runde", table["from_round"]["number"]),
        ("Fra-runden afsluttet", table["from_round"]["closed_at"]),
        ("Til runde", table["to_round"]["number"]),
        ("Til-runden afsluttet", table["to_round"]["closed_at"]),
        ("Anonymitetsgrænse i fra-runden", table["thresholds"]["from"]),
        ("Anonymitetsgrænse i til-runden", table["thresholds"]["to"]),
        ("Test", "Welch t-test (to uafhængige stikprøver) på score 0–100"),
        ("Korrektion", table["correction"]),
        ("Signifikansniveau", table["alpha"]),
        ("Format", table["format"]),
    ]
    return workbook_bytes(about, "Udvikling", COLUMNS, rows(table), HEADINGS, {
        "breakdown": lambda v: breakdowns.get(v, v),
        "reason_before": reason_in_words,
        "reason_after": reason_in_words,
    })
