"""lib.tabular: headings a caller recognises (``header_names``) help find the header row below a
title, without changing how columns are keyed."""

from ledelsesrum.lib.tabular import read_table

TITLED = b"Lederliste pr. 1. december;;\n;;\nFornavn;Efternavn;Arbejdsmail\nMette;Hansen;mette@k.dk\n"


def test_a_title_row_above_headings_only_the_caller_knows_is_skipped():
    table = read_table(TITLED, "hr.csv", header_names=["fornavn", "Efter-navn", "ARBEJDSMAIL"])
    assert table.headers == ["Fornavn", "Efternavn", "Arbejdsmail"]
    assert table.header_row == 3
    assert [(r.number, r.values) for r in table.rows] == [
        (4, {"fornavn": "Mette", "efternavn": "Hansen", "arbejdsmail": "mette@k.dk"}),
    ]


def test_without_them_the_title_is_taken_for_the_header_as_before():
    table = read_table(TITLED, "hr.csv")
    assert table.headers == ["Lederliste pr. 1. december"]
