"""Read what a reader sees back out of the result channels, and rebuild the atoms independently
of ``results.py`` for the attacker harness."""

from __future__ import annotations

import csv
import io
import re

from ledelsesrum.disclosure.suppression import Cell
from ledelsesrum.organisation.models import Unit
from ledelsesrum.surveys.models import Response

SEGMENTS = ("unit_id", "area", "level", "seniority_band", "span_band")


class Atoms:
    """Atoms (distinct segment combinations) of a round and the atom set of each group key."""

    def __init__(self, round_) -> None:
        rows = list(Response.objects.filter(round=round_, submitted_at__isnull=False)
                    .values_list("answers", *SEGMENTS))
        self.segs = sorted({tuple(r[1:]) for r in rows}, key=repr)
        self.index = {s: i for i, s in enumerate(self.segs)}
        self.rows = [(r[0], self.index[tuple(r[1:])]) for r in rows]
        parents = dict(Unit.objects.values_list("id", "parent_id"))
        self.members: dict[str, set[int]] = {"total": set(range(len(self.segs)))}
        for i, seg in enumerate(self.segs):
            for pos, name in enumerate(SEGMENTS[1:], start=1):
                self.members.setdefault(f"{name}:{seg[pos]}", set()).add(i)
            node = seg[0]
            if node is None:
                self.members.setdefault("unit:none", set()).add(i)
            while node is not None:
                self.members.setdefault(f"unit:{node}", set()).add(i)
                node = parents.get(node)

    def cell(self, key: str) -> Cell:
        return Cell(key, frozenset(self.members[key]))

    def item_counts(self, code: str) -> list[int]:
        counts = [0] * len(self.segs)
        for answers, atom in self.rows:
            v = answers.get(code)
            if isinstance(v, int) and 1 <= v <= 5:
                counts[atom] += 1
        return counts

    def item_sums(self, code: str) -> list[int]:
        sums = [0] * len(self.segs)
        for answers, atom in self.rows:
            v = answers.get(code)
            if isinstance(v, int) and 1 <= v <= 5:
                sums[atom] += v
        return sums

    def response_counts(self) -> list[int]:
        counts = [0] * len(self.segs)
        for _answers, atom in self.rows:
            counts[atom] += 1
        return counts


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def csv_rows(text: str) -> list[dict]:
    """Rows of an export CSV as strings, numbers with a decimal point whichever style it is in.

    The Danish style (the default: ";" and decimal comma) is told by its header line."""
    text = text.lstrip("\ufeff")
    danish = ";" in text.split("\n", 1)[0]
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";" if danish else ","))
    if danish:
        for row in rows:
            for key, value in row.items():
                if value and _DECIMAL_COMMA.match(value):
                    row[key] = value.replace(",", ".")
    return rows


def xlsx_rows(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    from ledelsesrum.analysis.exports import HEADINGS

    ws = load_workbook(io.BytesIO(data), read_only=True)["Resultater"]
    values = list(ws.iter_rows(values_only=True))
    key_of = {heading: key for key, heading in HEADINGS.items()}
    head = [key_of[h] for h in values[0]]
    from ledelsesrum.analysis.exports import RECORD_TEXT

    record_of = {text: code for code, text in RECORD_TEXT.items()}
    rows = [dict(zip(head, row, strict=True)) for row in values[1:]]
    for row in rows:
        row["record"] = record_of.get(row["record"], row["record"])
    return rows


def svg_desc_entries(html: str) -> list[str]:
    out = []
    for desc in re.findall(r"<desc[^>]*>(.*?)</desc>", html, flags=re.S):
        out.extend(desc.split("; "))
    return out


def table_rows(html: str, label: str) -> list[str]:
    """Text of every table row whose header cell is ``label``."""
    rows = re.findall(r"<tr>\s*<th scope=\"row\"[^>]*>" + re.escape(label) + r"</th>(.*?)</tr>",
                      html, flags=re.S)
    return [re.sub(r"<[^>]+>", " ", r) for r in rows]
