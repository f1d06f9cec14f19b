"""The exports as Danish Excel users meet them, opened by LibreOffice (issue 13).

LibreOffice converts the downloaded CSV with the options Danish Calc uses on import
(separator ";", UTF-8, language da-DK) and the XLSX as it is; the test reads what came out: the
figures must land in their own columns, as numbers, and the dates as dates.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ledelsesrum.analysis import exports

from .factories import suppression_scenario

# Field separator ";" (59), text delimiter '"' (34), UTF-8 (76), from line 1, standard cell
# format, language Danish (1030): what Calc's import dialog offers a Danish user.
DANISH_CSV_FILTER = "CSV:59,34,76,1,,1030"


def _convert(libreoffice, tmp_path, name: str, data: bytes, infilter: str | None = None):
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out"
    command = [libreoffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", "xlsx", "--outdir", str(out), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return load_workbook(out / (source.stem + ".xlsx"))


@pytest.fixture
def scenario(db):
    return suppression_scenario()


def test_the_danish_csv_opens_in_columns_with_numbers_as_numbers(libreoffice, tmp_path, scenario, board_client):
    body = board_client.get(reverse("analysis:export", args=[scenario["study"].pk, "csv"])).content
    assert body.startswith("\ufeff".encode()) and b"\r\n" in body
    sheet = _convert(libreoffice, tmp_path, "resultater.csv", body, DANISH_CSV_FILTER).active
    header = [c.value for c in sheet[1]]
    assert header == exports.COLUMNS  # every column its own, none in column A alone
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    total = next(r for r in rows if r["record"] == "scale" and r["group_key"] == "total")
    assert isinstance(total["score_0_100"], float) and 0 <= total["score_0_100"] <= 100
    means = [r["mean_1_5"] for r in rows if r["record"] == "item" and r["mean_1_5"] is not None]
    assert means and all(isinstance(m, (int, float)) for m in means), means[:3]
    assert any(isinstance(m, float) and not m.is_integer() for m in means)  # "2,6" read as 2.6


def test_the_international_csv_is_the_english_form(board_client, scenario):
    body = board_client.get(reverse("analysis:export", args=[scenario["study"].pk, "csv"]),
                            {"stil": "international"}).content.decode("utf-8-sig")
    header, first = body.split("\n")[:2]
    assert header.split(",") == exports.COLUMNS
    assert ";" not in header and "\r" not in body
    assert any("." in field for line in body.split("\n")[1:] for field in line.split(",")
               if field.replace(".", "").isdigit())


def test_the_xlsx_opens_with_danish_headings_numbers_and_dates(libreoffice, tmp_path, scenario, board_client):
    body = board_client.get(reverse("analysis:export", args=[scenario["study"].pk, "xlsx"])).content
    direct = load_workbook(io.BytesIO(body))
    sheet = direct["Resultater"]
    assert [c.value for c in sheet[1]] == [exports.HEADINGS[c] for c in exports.COLUMNS]
    assert sheet.freeze_panes == "A2"
    # Widths fit the widest value: no column left at the default that cuts a heading short.
    for i, column in enumerate(exports.COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        assert sheet.column_dimensions[letter].width >= min(len(exports.HEADINGS[column]), 58), column
    about = {row[0].value: row[1].value for row in direct["Om"].iter_rows(min_row=2)}
    assert isinstance(about["Runden afsluttet"], dt.datetime)
    assert "Anonymitetsgrænse (k)" in about and about["Anonymitetsgrænse (k)"] == 5
    reason_column = exports.COLUMNS.index("reason") + 1
    reasons = {row[0].value for row in sheet.iter_rows(min_row=2, min_col=reason_column,
                                                        max_col=reason_column) if row[0].value}
    assert reasons and all(r[0].isupper() and "_" not in r for r in reasons), reasons

    reopened = _convert(libreoffice, tmp_path, "resultater.xlsx", body)
    rows = list(reopened["Resultater"].iter_rows(min_row=2, values_only=True))
    score_column = exports.COLUMNS.index("score_0_100")
    scores = [r[score_column] for r in rows if r[score_column] is not None]
    assert scores and all(isinstance(s, (int, float)) for s in scores)
    about = {row[0].value: row[1].value for row in reopened["Om"].iter_rows(min_row=2)}
    assert isinstance(about["Runden afsluttet"], dt.datetime)


def test_the_cli_writes_either_style(scenario, tmp_path):
    import typer
    from typer.testing import CliRunner

    from ledelsesrum.analysis.cli import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    study = str(scenario["study"].pk)
    out = tmp_path / "r.csv"
    res = CliRunner().invoke(app, ["results", "--study", study, "--format", "csv", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().decode("utf-8-sig").split("\r\n")[0].split(";") == exports.COLUMNS
    res = CliRunner().invoke(app, ["results", "--study", study, "--format", "csv", "--csv-stil", "international"])
    assert res.exit_code == 0 and res.stdout.split("\n")[0].split(",") == exports.COLUMNS
    res = CliRunner().invoke(app, ["results", "--study", study, "--format", "csv", "--csv-stil", "fransk"])
    assert res.exit_code == 1 and "Ukendt CSV-stil 'fransk'" in res.output


def test_csv_text_styles_write_decimals_and_separators_and_keep_formulas_harmless():
    rows = [{"a": 58.7, "b": "=HYPERLINK(1)", "c": 3, "d": 0.000012}]
    danish = exports.csv_text(["a", "b", "c", "d"], rows)
    assert danish == "a;b;c;d\r\n58,7;'=HYPERLINK(1);3;0,000012\r\n"
    international = exports.csv_text(["a", "b", "c", "d"], rows, "international")
    assert international == "a,b,c,d\n58.7,'=HYPERLINK(1),3,0.000012\n"
