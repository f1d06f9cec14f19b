"""lib.tabular reads what Danish offices actually produce, and refuses the rest in Danish."""

import io

import openpyxl
import pytest

from ledelsesrum.lib.tabular import (
    TabularError,
    canonical_key,
    column_letter,
    decode_text,
    normalise_header,
    read_table,
    sniff_delimiter,
)

DANISH = "navn;e-mail;enhed\nSøren Ærø;soren@kommune.dk;Børnehuset Åkanden\n"


def test_cp1252_file_with_danish_letters_is_read_correctly():
    table = read_table(DANISH.encode("cp1252"), "ledere.csv")
    assert table.encoding == "cp1252"
    assert table.rows[0].values == {
        "name": "Søren Ærø", "email": "soren@kommune.dk", "unit": "Børnehuset Åkanden",
    }


def test_utf8_with_bom_is_read_correctly_and_the_bom_is_not_in_the_first_header():
    table = read_table(b"\xef\xbb\xbf" + DANISH.encode("utf-8"), "ledere.csv")
    assert table.encoding == "utf-8-sig"
    assert table.keys == ["name", "email", "unit"]
    assert table.rows[0].get("name") == "Søren Ærø"


def test_plain_utf8_is_preferred_over_cp1252():
    text, encoding = decode_text("Åse Ødegård".encode())
    assert (text, encoding) == ("Åse Ødegård", "utf-8")


def test_utf16_from_excel_unicode_text_is_read():
    table = read_table(DANISH.replace(";", "\t").encode("utf-16"), "ledere.txt")
    assert table.rows[0].get("unit") == "Børnehuset Åkanden"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_sniffed(delimiter):
    text = DANISH.replace(";", delimiter)
    assert sniff_delimiter(text) == delimiter
    assert read_table(text.encode(), "x.csv").rows[0].get("email") == "soren@kommune.dk"


def test_semicolon_wins_when_names_contain_commas():
    text = 'navn;e-mail\n"Hansen, Mette";mette@k.dk\nJens Olsen;jens@k.dk\n'
    table = read_table(text.encode(), "x.csv")
    assert table.delimiter == ";"
    assert table.rows[0].get("name") == "Hansen, Mette"


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Navn", "name"), (" NAME ", "name"), ("E-mail", "email"), ("EMAIL", "email"),
        ("Mail", "email"), ("e_mail", "email"), ("Enhed", "unit"), ("Område", "area"),
        ("Omraade", "area"), ("omrade", "area"), ("Ledelsesniveau", "level"), ("Niveau", "level"),
        ("Stillingsbetegnelse", "title"), ("Ledelsesspænd", "span_of_control"),
        ("Antal medarbejdere", "span_of_control"), ("År som leder", "years_as_leader"),
        ("Aar_som_leder", "years_as_leader"), ("Anciennitet", "years_as_leader"),
        ("Lederuddannelse", "leadership_education"), ("RAAD01", "raad01"),
    ],
)
def test_headers_are_normalised_to_canonical_keys(header, key):
    assert canonical_key(header) == key


def test_normalise_header_spells_out_danish_letters():
    assert normalise_header("  År_som-Leder ") == "aar som leder"


def test_empty_rows_are_skipped_and_row_numbers_match_excel():
    text = "navn;e-mail\n\nA;a@k.dk\n;\nB;b@k.dk\n"
    table = read_table(text.encode(), "x.csv")
    assert [r.number for r in table.rows] == [3, 5]


def test_a_multiline_cell_counts_as_one_excel_row():
    text = 'navn;e-mail\n"A\nanden linje";a@k.dk\nB;b@k.dk\n'
    table = read_table(text.encode(), "x.csv")
    assert [r.number for r in table.rows] == [2, 3]
    assert table.rows[0].get("name") == "A\nanden linje"


def test_xlsx_first_sheet_is_read_with_numbers_as_text():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Navn", "E-mail", "Ledelsesspænd", None])
    ws.append(["Åse", "aase@k.dk", 12.0, None])
    ws.append([None, None, None, None])
    ws.append(["Bo", "bo@k.dk", 7, None])
    wb.create_sheet("Andet").append(["ignored"])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), "ledere.xlsx")
    assert table.format == "xlsx"
    assert [r.values for r in table.rows] == [
        {"name": "Åse", "email": "aase@k.dk", "span_of_control": "12"},
        {"name": "Bo", "email": "bo@k.dk", "span_of_control": "7"},
    ]
    assert [r.number for r in table.rows] == [2, 4]


def test_an_xlsx_renamed_csv_is_still_read_as_xlsx():
    wb = openpyxl.Workbook()
    wb.active.append(["navn", "email"])
    wb.active.append(["A", "a@k.dk"])
    buf = io.BytesIO()
    wb.save(buf)
    assert read_table(buf.getvalue(), "ledere.csv").format == "xlsx"


def test_ragged_row_with_extra_values_is_flagged_on_that_row():
    text = "navn;e-mail\nA;a@k.dk;ekstra\nB\n"
    table = read_table(text.encode(), "x.csv")
    assert table.rows[0].problems and "3 felter" in table.rows[0].problems[0]
    # A short row is fine: missing trailing cells are empty.
    assert table.rows[1].values == {"name": "B"}
    assert table.rows[1].problems == []


def _error(data: bytes, name: str = "x.csv", **kwargs) -> str:
    with pytest.raises(TabularError) as info:
        read_table(data, name, **kwargs)
    return info.value.message


def test_unbalanced_quotes_give_a_danish_error_with_the_line():
    message = _error(b'navn;e-mail\n"A;a@k.dk\nB;b@k.dk\n')
    assert "anførselstegn" in message and "linje" in message


def test_empty_file_is_refused():
    assert "tom" in _error(b"")
    assert "tom" in _error(b"\xef\xbb\xbf \r\n\r\n")


def test_header_only_file_is_refused():
    assert "kun en overskriftsrække" in _error(b"navn;e-mail\n;\n")


def test_png_renamed_csv_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert "PNG-billede" in _error(png, "ledere.csv")


def test_binary_file_is_refused():
    assert "binær" in _error(bytes(range(256)) * 4)


def test_old_xls_is_refused_with_advice():
    assert ".xlsx" in _error(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ledere.xls")


def test_broken_xlsx_is_refused():
    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    assert "beskadiget" in _error(buf.getvalue()[:300], "ledere.xlsx")


def test_file_larger_than_the_limit_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 100
    assert "MB" in _error(b"navn;e-mail\n" + b"A;a@k.dk\n" * 20)


def test_too_many_rows_are_refused():
    text = "navn;e-mail\n" + "A;a@k.dk\n" * 11
    assert "mere end 10 rækker" in _error(text.encode(), max_rows=10)


def test_duplicate_columns_are_refused():
    assert "findes to gange (kolonne B og C)" in _error(b"navn;e-mail;mail\nA;a@k.dk;a@k.dk\n")


def test_data_without_header_is_refused():
    assert "ligner data" in _error(b"A;a@k.dk\nB;b@k.dk\n")


def test_column_letters_follow_excel():
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def test_the_fast_xlsx_reader_agrees_with_openpyxl():
    import datetime as dt

    from ledelsesrum.lib import tabular

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Navn", "E-mail", "Dato", "Tal", "Bool", None, "Tekst"])
    ws.append(["Åse  ", "a@k.dk", dt.date(2024, 3, 1), 12.5, True, None, "x"])
    ws.append([None] * 7)
    ws.append(["Bo", "b@k.dk", dt.datetime(2024, 3, 1, 12, 30), 3, False, None, None])
    ws["C6"] = 7
    ws["C6"].number_format = "dd-mm-yyyy"
    ws["D6"] = 0.25
    ws["D6"].number_format = "0.00%"
    buf = io.BytesIO()
    wb.save(buf)
    fast = tabular._build_table(tabular._xlsx_records_fast(buf.getvalue(), 100), None, 100, "xlsx")
    slow = tabular._read_xlsx_openpyxl(buf.getvalue(), None, 100)
    assert [(r.number, {k: v for k, v in r.values.items() if v}) for r in fast.rows] == [
        (r.number, {k: v for k, v in r.values.items() if v}) for r in slow.rows
    ]
    assert fast.rows[0].values["dato"] == "2024-03-01"
    assert fast.rows[2].values["dato"] == "1900-01-07"


def test_a_title_row_above_the_header_is_skipped_in_csv_and_xlsx():
    """Issue 12: an HR export with a title row was refused as missing 'navn' and 'e-mail'."""
    from ledelsesrum.lib.tabular import read_table

    csv_bytes = ("Lederliste pr. 1. december 2026\n\nnavn;e-mail;enhed\n"
                 "Mette Hansen;mette@kommune.dk;Skolen\nJens Ørsted;jens@kommune.dk;Plejehjemmet\n").encode()
    table = read_table(csv_bytes, "ledere.csv")
    assert table.headers == ["navn", "e-mail", "enhed"] and table.header_row == 3
    assert [r.number for r in table.rows] == [4, 5]
    assert table.rows[0].get("email") == "mette@kommune.dk"

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ledere – Demo Kommune"])
    sheet.append(["Navn", "E-mail", "Enhed"])
    sheet.append(["Mette Hansen", "mette@kommune.dk", "Skolen"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "ledere.xlsx")
    assert table.header_row == 2 and [r.number for r in table.rows] == [3]
    assert table.rows[0].get("name") == "Mette Hansen"


def test_a_one_column_file_is_not_mistaken_for_a_title():
    from ledelsesrum.lib.tabular import read_table

    table = read_table(b"e-mail\nmette@kommune.dk\njens@kommune.dk\n", "ledere.csv")
    assert table.headers == ["e-mail"] and table.header_row == 1 and len(table.rows) == 2
