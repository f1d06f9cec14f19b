"""Small builders for import files used by several test modules."""

from __future__ import annotations

import io

import openpyxl

HEADER = "navn;e-mail;enhed;område;ledelsesniveau;stillingsbetegnelse;ledelsesspænd;år som leder;lederuddannelse"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SOLSIKKEN = "Børn og Unge > Dagtilbud Nord > Børnehuset Solsikken"
GOOD_ROWS = (
    f"Mette Hansen;mette@kommune.dk;{SOLSIKKEN};Dagtilbud;Førstelinjeleder;Dagtilbudsleder;14;6;diplom",
    "Jens Ørsted;jens@kommune.dk;Børn og Unge > Dagtilbud Nord;Dagtilbud;Mellemleder;Områdeleder;5;12;Master i ledelse",
)
