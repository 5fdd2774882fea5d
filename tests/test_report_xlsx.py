"""The periodic report's workbook (cks_report/lib/report_xlsx.py), without Odoo: re-read with
openpyxl, its figures are those given, its totals are formulas, its headers frozen and repeated,
its print set up for A4, and every text stays text."""

import io

import openpyxl
from cks_report_lib import report_xlsx


def _book(data):
    return openpyxl.load_workbook(io.BytesIO(report_xlsx.write_xlsx(data)))


def _rows(sheet):
    return {row[1].value: row for row in sheet.iter_rows() if isinstance(row[1].value, str)}


def test_figures_and_formulas():
    data = report_xlsx.sample()
    sheet = _book(data)["Báo cáo"]
    rows = _rows(sheet)
    for key, label in report_xlsx.CERTIFICATE_ROWS:
        row = rows[label]
        assert (row[2].value, row[3].value) == (data["figures"][f"{key}_org"], data["figures"][f"{key}_ind"])
        assert row[4].value == f"=SUM(C{row[0].row}:D{row[0].row})"
    assert "Gồm 1 chứng thư số cấp cho thiết bị" in rows["Số lượng cấp mới"][5].value
    assert rows["Thiết bị lưu khóa bí mật bị mất, thất lạc"][2].value == 1
    total = rows["Tổng số sự cố"][2].value
    first = rows[report_xlsx.INCIDENT_ROWS[0][1]][0].row
    last = rows[report_xlsx.INCIDENT_ROWS[-1][1]][0].row
    assert total == f"=SUM(C{first}:C{last})"
    documents = next(r for r in sheet.iter_rows() if str(r[0].value or "").startswith("- Số lượng văn bản"))
    assert documents[2].value == 1520


def test_cached_values_of_the_formulas():
    """A reader that does not calculate (a preview, a parser) sees the totals too."""
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx.write_xlsx(report_xlsx.sample())), data_only=True)["Báo cáo"]
    assert _rows(sheet)["Số lượng cấp mới"][4].value == 15


def test_frozen_headers_and_print_setup():
    book = _book(report_xlsx.sample())
    sheet = book["Báo cáo"]
    header = next(r for r in sheet.iter_rows() if r[0].value == "STT")[0].row
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
    assert sheet.page_setup.fitToHeight == 0
    assert round(sheet.page_margins.left, 2) == 1.18
    by_body = book["Theo cơ quan"]
    assert by_body.freeze_panes == "C3"
    assert by_body.page_setup.orientation == "landscape"
    total = next(r for r in by_body.iter_rows() if r[1].value == "Tổng số")
    assert total[2].value == f"=SUM(C3:C{total[0].row - 1})"


def test_an_empty_period_says_so():
    data = report_xlsx.sample()
    data["figures"] = dict.fromkeys(report_xlsx.FIGURE_KEYS, 0)
    data["by_body"] = []
    book = _book(data)
    values = [c for row in book["Báo cáo"].iter_rows(values_only=True) for c in row]
    assert report_xlsx.EMPTY_SENTENCE in values
    total = next(r for r in book["Theo cơ quan"].iter_rows() if r[1].value == "Tổng số")
    assert total[2].value == "=0"
    assert report_xlsx.EMPTY_SENTENCE not in [
        c for row in _book(report_xlsx.sample())["Báo cáo"].iter_rows(values_only=True) for c in row
    ]


def test_text_stays_text():
    data = report_xlsx.sample()
    data["difficulties"] = "<script>alert('x')</script>"
    data["causes"] = '=HYPERLINK("http://x","y")'
    data["by_body"] = [{"body": "=1+1 <b>Sở</b>", **data["figures"]}]
    book = _book(data)
    cells = {c.value: c for row in book["Báo cáo"].iter_rows() for c in row if isinstance(c.value, str)}
    assert "<script>alert('x')</script>" in cells
    assert cells['=HYPERLINK("http://x","y")'].data_type == "s"
    body = next(r for r in book["Theo cơ quan"].iter_rows(min_row=3) if r[1].value and "Sở" in r[1].value)[1]
    assert (body.value, body.data_type) == ("=1+1 <b>Sở</b>", "s")
