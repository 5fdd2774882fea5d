"""A register (sổ, danh sách) as an XLSX workbook, without Odoo: plain rows in, bytes out.

The sheet reads as the paper register does: "MẬT" on top of a classified register (and in the
header of every printed page), the title, the body and the date, then one header row (frozen on
screen, repeated on every printed page, with an autofilter) and the rows; under them the count,
a SUBTOTAL formula that follows the filter. Printed on A4 landscape, fitted to the page width.

Every text is written as text: a name typed as ``=HYPERLINK(...)`` or ``<script>`` stays the
characters it is, never a formula, a link or a number (a CCCD keeps its leading zero).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

CLASSIFIED = "MẬT"
TOTAL_LABEL = "Tổng số"
# the 0-based index of the header row: below "MẬT", the title, the body, the date and a blank row
HEADER_ROW = 5


@dataclass
class Column:
    """One column: its header and its width in characters."""

    header: str
    width: float = 14


@dataclass
class Register:
    """What one register prints. ``rows`` hold str, int, float, date, datetime or None."""

    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    classified: bool = False
    body: str = ""
    date_text: str = ""
    sheet_name: str = "Sổ"
    count_column: int = 1  # the column whose filled cells are counted (the serial, the name)


def build(register: Register) -> bytes:
    """The workbook of ``register`` as bytes."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    font = {"font_name": "Times New Roman", "font_size": 11}
    fmt = {
        "classified": workbook.add_format({**font, "bold": True, "font_size": 13, "font_color": "#B00000"}),
        "title": workbook.add_format({**font, "bold": True, "font_size": 14, "align": "center"}),
        "meta": workbook.add_format({**font, "italic": True, "align": "center"}),
        "header": workbook.add_format(
            {**font, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
        ),
        "cell": workbook.add_format({**font, "valign": "top", "text_wrap": True, "border": 1}),
        "number": workbook.add_format({**font, "valign": "top", "align": "center", "border": 1}),
        "date": workbook.add_format({**font, "valign": "top", "border": 1, "num_format": "dd/mm/yyyy"}),
        "total": workbook.add_format({**font, "bold": True, "border": 1}),
    }
    sheet = workbook.add_worksheet(register.sheet_name[:31])
    ncols = len(register.columns)
    last_col = max(ncols - 1, 0)

    if register.classified:
        sheet.write_string(0, 0, CLASSIFIED, fmt["classified"])
    sheet.merge_range(1, 0, 1, last_col, register.title, fmt["title"])
    sheet.merge_range(2, 0, 2, last_col, register.body, fmt["meta"])
    sheet.merge_range(3, 0, 3, last_col, register.date_text, fmt["meta"])

    head = HEADER_ROW
    for col, column in enumerate(register.columns):
        sheet.write_string(head, col, column.header, fmt["header"])
        sheet.set_column(col, col, column.width)
    sheet.set_row(head, 30)

    first = head + 1
    for offset, row in enumerate(register.rows):
        for col, value in enumerate(row[:ncols]):
            _write(sheet, first + offset, col, value, fmt)
    # an empty register keeps one empty row, so that the count has a range that is not itself
    last = first + max(len(register.rows), 1) - 1

    sheet.freeze_panes(first, 0)
    sheet.autofilter(head, 0, last, last_col)

    total = last + 1
    count_col = min(register.count_column, last_col)
    letter = xl_col_to_name(count_col)
    sheet.write_string(total, 0, TOTAL_LABEL, fmt["total"])
    # 103 = COUNTA of the visible rows: the count follows the autofilter
    sheet.write_formula(
        total,
        count_col,
        f"=SUBTOTAL(103,{letter}{first + 1}:{letter}{last + 1})",
        fmt["total"],
        len(register.rows),
    )

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
    sheet.repeat_rows(head)
    sheet.set_margins(left=0.6, right=0.4, top=0.7, bottom=0.6)
    if register.classified:
        sheet.set_header(f'&C&"Times New Roman,Bold"&14{CLASSIFIED}')
    sheet.set_footer("&C&P/&N")
    workbook.close()
    return out.getvalue()


def _write(sheet, row, col, value, fmt):
    if value is None or value is False:
        sheet.write_blank(row, col, None, fmt["cell"])
    elif isinstance(value, bool):
        sheet.write_string(row, col, str(value), fmt["cell"])
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt["number"])
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), fmt["date"])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt["date"])
    else:
        sheet.write_string(row, col, str(value), fmt["cell"])
