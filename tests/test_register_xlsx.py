"""The XLSX of a register (addons/cks_report/lib/register_xlsx.py), read back with openpyxl."""

import datetime as dt
import io

import openpyxl
from cks_report_lib import register_xlsx as rx

COLUMNS = [rx.Column("STT", 5), rx.Column("Số hiệu", 16), rx.Column("Người quản lý", 24), rx.Column("Ngày", 12)]


def load(register):
    return openpyxl.load_workbook(io.BytesIO(rx.build(register))).active


def register(rows, **kw):
    return rx.Register(
        title="SỔ QUẢN LÝ THIẾT BỊ LƯU KHÓA BÍ MẬT",
        columns=COLUMNS,
        rows=rows,
        body="Sở Thông tin và Truyền thông",
        date_text="Tính đến ngày 05/02/2026",
        **kw,
    )


def test_rows_title_and_count_formula():
    rows = [
        [1, "VT-0001", "Trần Thị Bình", dt.date(2026, 2, 5)],
        [2, "VT-0002", None, dt.datetime(2025, 12, 17, 9, 30)],
    ]
    sheet = load(register(rows, classified=True))
    assert sheet["A1"].value == "MẬT"
    assert sheet["A2"].value == "SỔ QUẢN LÝ THIẾT BỊ LƯU KHÓA BÍ MẬT"
    assert sheet["A3"].value == "Sở Thông tin và Truyền thông"
    assert sheet["A4"].value == "Tính đến ngày 05/02/2026"
    head = rx.HEADER_ROW + 1
    assert [c.value for c in sheet[head]] == ["STT", "Số hiệu", "Người quản lý", "Ngày"]
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=head + 1, max_row=head + 2)]
    assert data[0][:3] == [1, "VT-0001", "Trần Thị Bình"]
    assert data[0][3] == dt.datetime(2026, 2, 5)
    assert data[1][2] is None
    total = sheet.cell(head + 3, 1)
    assert total.value == rx.TOTAL_LABEL
    formula = sheet.cell(head + 3, 2)
    assert formula.data_type == "f"
    assert formula.value == f"=SUBTOTAL(103,B{head + 1}:B{head + 2})"


def test_frozen_header_filter_widths_and_print_setup():
    sheet = load(register([[1, "VT-0001", "A", None]], classified=True))
    head = rx.HEADER_ROW + 1
    assert sheet.freeze_panes == f"A{head + 1}"
    assert sheet.auto_filter.ref == f"A{head}:D{head + 1}"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == f"${head}:${head}"
    assert "MẬT" in sheet.oddHeader.center.text


def test_unclassified_register_has_no_marking():
    sheet = load(register([[1, "Nguyễn Văn An", "x", None]]))
    assert sheet["A1"].value is None
    assert not (sheet.oddHeader.center.text or "")


def test_text_stays_text():
    rows = [
        [1, '=HYPERLINK("http://x","y")', "<script>alert(1)</script>", None],
        [2, "042095000123", "+84 912 345 678", None],
    ]
    sheet = load(register(rows))
    head = rx.HEADER_ROW + 1
    first = sheet.cell(head + 1, 2)
    assert first.data_type == "s"
    assert first.value == '=HYPERLINK("http://x","y")'
    assert sheet.cell(head + 1, 3).value == "<script>alert(1)</script>"
    assert sheet.cell(head + 2, 2).value == "042095000123"  # the leading zero of a CCCD stays


def test_empty_register_counts_zero():
    sheet = load(register([]))
    head = rx.HEADER_ROW + 1
    formula = sheet.cell(head + 2, 2)
    assert formula.data_type == "f"
    assert formula.value == f"=SUBTOTAL(103,B{head + 1}:B{head + 1})"
