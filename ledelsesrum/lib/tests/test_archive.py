"""Decompression bombs are refused before parsing (issue 10, finding 3). Measured before the check:
a 1 MB .xlsx declaring 301 MB parsed for 1.9 s; a 1 MB .docx declaring 302 MB ran > 15 CPU
minutes and > 3.2 GB before it was stopped (python /tmp script, 2026-12-03)."""

from __future__ import annotations

import time

import pytest

from ledelsesrum.interviews.noteimport import NoteFileError, blocks_from_docx
from ledelsesrum.lib.tabular import TabularError, read_table

from .bombs import docx_bomb, xlsx_bomb


@pytest.mark.django_db
def test_an_xlsx_bomb_is_refused_in_danish_at_once():
    data = xlsx_bomb()
    started = time.perf_counter()
    with pytest.raises(TabularError, match="når den pakkes ud"):
        read_table(data, "ledere.xlsx")
    assert time.perf_counter() - started < 1


def test_a_docx_bomb_is_refused_in_danish_at_once():
    data = docx_bomb()
    started = time.perf_counter()
    with pytest.raises(NoteFileError, match="når den pakkes ud"):
        blocks_from_docx("noter.docx", data)
    assert time.perf_counter() - started < 1
