"""The periodic report "Tình hình quản lý và sử dụng chữ ký số, chứng thư số chuyên dùng Chính
phủ" (6 months / year) as a formatted workbook, without Odoo.

The outline is the one of the appendices "Đề cương báo cáo" of QĐ …/2020 Bắc Giang (Phụ lục,
after Điều 12) and QĐ 09/2023 Bắc Ninh (Phụ lục, Điều 14.8): I. situation and results —
1. management of certificates (new, revocation requested, information changed, renewal
requested; each for organisations and individuals), 2. results (documents issued with a digital
signature, public services using one); difficulties and causes; II. tasks ahead; III. proposals.
The device figures (recovered, handed back, incidents) follow item 1 as the province's own
addition (TT 185/2019 Điều 10, 15; Mẫu 15).

``write_xlsx(data)`` takes a plain dict (see ``sample()``) and returns the bytes of an .xlsx
written with xlsxwriter: totals are real formulas (with their value cached), the table headers
are frozen and repeated on each printed page, A4 fitted to the width. Every text is written as
a string: a name starting with "=" stays text, never a formula.
"""

from __future__ import annotations

import io

import xlsxwriter

# The wording of the appendices, printed in Vietnamese whatever the reader's language.
CERTIFICATE_ROWS = (
    ("new", "Số lượng cấp mới"),
    ("revoked", "Số lượng đề nghị thu hồi"),
    ("changed", "Số lượng thay đổi thông tin"),
    ("renewed", "Số lượng đề nghị gia hạn"),
)
DEVICE_ROWS = (
    ("devices_recovered", "Thiết bị lưu khóa bí mật thu hồi từ thuê bao"),
    ("devices_returned", "Thiết bị lưu khóa bí mật bàn giao lại cho cơ quan cấp trên, Ban Cơ yếu Chính phủ"),
)
INCIDENT_ROWS = (
    ("incidents_lost", "Thiết bị lưu khóa bí mật bị mất, thất lạc"),
    ("incidents_damaged", "Thiết bị lưu khóa bí mật bị hỏng"),
    ("incidents_compromised", "Khóa bí mật bị lộ hoặc nghi bị lộ"),
)
# every figure the records give, by key (a certificate row has _org, _ind and _dev: _dev, the
# certificates of devices, services and software, is counted in _org as well)
FIGURE_KEYS = tuple(
    [f"{key}_{part}" for key, _label in CERTIFICATE_ROWS for part in ("org", "ind", "dev")]
    + [key for key, _label in DEVICE_ROWS + INCIDENT_ROWS]
)
WORDS = {
    "section_1": "I. TÌNH HÌNH VÀ KẾT QUẢ TRIỂN KHAI QUẢN LÝ VÀ SỬ DỤNG CHỮ KÝ SỐ, CHỨNG THƯ SỐ",
    "management": "1. Công tác quản lý chứng thư số",
    "devices": "Thiết bị lưu khóa bí mật",
    "results": "2. Kết quả triển khai ứng dụng chữ ký số tại cơ quan, đơn vị",
    "deployment": "2.1. Tình hình triển khai ứng dụng chữ ký số trong các lĩnh vực",
    "achieved": "2.2. Kết quả đạt được",
    "documents_signed": "Số lượng văn bản ban hành có sử dụng chữ ký số",
    "public_services": "Số lượng dịch vụ công có sử dụng chữ ký số",
    "difficulties": "3. Những khó khăn, vướng mắc chủ yếu",
    "causes": "Nguyên nhân",
    "section_2": "II. NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN THỜI GIAN TỚI",
    "section_3": "III. ĐỀ XUẤT, KIẾN NGHỊ",
    "no": "STT",
    "content": "Nội dung",
    "organization": "Chứng thư số cơ quan, tổ chức",
    "individual": "Chứng thư số cá nhân",
    "total": "Tổng số",
    "count": "Số lượng",
    "remarks": "Ghi chú",
    "incidents_total": "Tổng số sự cố",
    "devices_note": "Gồm {count} chứng thư số cấp cho thiết bị, dịch vụ, phần mềm",
    "body": "Cơ quan, đơn vị",
    "by_body": "Theo cơ quan",
    "report": "Báo cáo",
    "none": "(không có)",
    "number": "Số:",
    "to": "Kính gửi:",
    "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập - Tự do - Hạnh phúc",
    "organization_short": "Tổ chức",
    "individual_short": "Cá nhân",
}
EMPTY_SENTENCE = (
    "Trong kỳ báo cáo không phát sinh việc cấp mới, đề nghị thu hồi, thay đổi thông tin, đề nghị gia hạn "
    "chứng thư số, thu hồi thiết bị lưu khóa bí mật hay sự cố nào."
)
TEXT_KEYS = (
    "deployment",
    "documents_signed_note",
    "public_services_note",
    "difficulties",
    "causes",
    "tasks",
    "proposals",
)


def is_empty(figures: dict) -> bool:
    """True when the records give no figure at all for the period."""
    return not any(figures.get(key) for key in FIGURE_KEYS)


def device_note(figures: dict, key: str) -> str:
    """The remark of a certificate row: how many of its organisation's certificates are devices'."""
    count = figures.get(f"{key}_dev") or 0
    return WORDS["devices_note"].format(count=count) if count else ""


def sample() -> dict:
    """What ``write_xlsx`` takes (also the pytest's fixture)."""
    figures = dict.fromkeys(FIGURE_KEYS, 0)
    figures.update(new_org=3, new_ind=12, new_dev=1, revoked_ind=2, renewed_org=1, incidents_lost=1)
    return {
        "header": {
            "issuer_parent": "UBND TỈNH HÀ TĨNH",
            "issuer": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "number": "12/BC-CKS",
            "place_date": "Hà Tĩnh, ngày 10 tháng 6 năm 2026",
            "title": "BÁO CÁO",
            "summary": "Tình hình quản lý, sử dụng chữ ký số, chứng thư số chuyên dùng Chính phủ 06 tháng đầu năm 2026",
            "recipient": "Sở Thông tin và Truyền thông",
        },
        "period": "Từ ngày 01/01/2026 đến ngày 30/06/2026",
        "figures": figures,
        "by_body": [
            {"body": "Sở Thông tin và Truyền thông", **figures},
        ],
        "documents_signed": 1520,
        "public_services": 34,
        **dict.fromkeys(TEXT_KEYS, ""),
    }


class _Sheet:
    """A worksheet written row after row."""

    def __init__(self, sheet, formats):
        self.sheet, self.f, self.row = sheet, formats, 0

    def text(self, col, value, fmt="text", last_col=None):
        value = "" if value is None else str(value)
        if last_col is not None and last_col > col:
            self.sheet.merge_range(self.row, col, self.row, last_col, "", self.f[fmt])
        self.sheet.write_string(self.row, col, value, self.f[fmt])

    def number(self, col, value, fmt="cell_number"):
        self.sheet.write_number(self.row, col, int(value or 0), self.f[fmt])

    def formula(self, col, formula, value, fmt="cell_total"):
        self.sheet.write_formula(self.row, col, formula, self.f[fmt], int(value))

    def paragraph(self, value, col=0, last_col=5, fmt="wrap"):
        """A block of text over the columns, tall enough for its lines."""
        value = (value or "").strip() or WORDS["none"]
        lines = sum(max(1, -(-len(line) // 95)) for line in value.splitlines() or [""])
        self.sheet.set_row(self.row, 15 * lines)
        self.text(col, value, fmt, last_col)
        self.row += 1


def _formats(book):
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top"}

    def fmt(**extra):
        return book.add_format({**base, **extra})

    cell = {"border": 1, "valign": "vcenter"}
    return {
        "text": fmt(),
        "center": fmt(align="center"),
        "bold_center": fmt(align="center", bold=True),
        "italic_center": fmt(align="center", italic=True),
        "title": fmt(align="center", bold=True, font_size=14),
        "heading": fmt(bold=True),
        "wrap": fmt(text_wrap=True, align="justify"),
        "head": fmt(**cell, bold=True, align="center", text_wrap=True, bg_color="#E8E8E8"),
        "cell": fmt(**cell, text_wrap=True),
        "cell_center": fmt(**cell, align="center"),
        "cell_number": fmt(**cell, num_format="#,##0"),
        "cell_total": fmt(**cell, num_format="#,##0", bold=True),
        "cell_bold": fmt(**cell, bold=True, text_wrap=True),
    }


def _header(w: _Sheet, header: dict, period: str):
    pairs = (
        (("issuer_parent", "center"), (WORDS["nation"], "bold_center")),
        (("issuer", "bold_center"), (WORDS["motto"], "bold_center")),
        ((None, "center"), (header.get("place_date", ""), "italic_center")),
    )
    for (key, left_fmt), (right, right_fmt) in pairs:
        left = header.get(key, "") if key else (f"{WORDS['number']} {header.get('number') or ''}")
        w.text(0, left, left_fmt, 1)
        w.text(2, right, right_fmt, 5)
        w.row += 1
    w.row += 1
    for key, fmt in (("title", "title"), ("summary", "bold_center")):
        w.text(0, header.get(key, ""), fmt, 5)
        w.row += 1
    w.text(0, period, "italic_center", 5)
    w.row += 1
    if header.get("recipient"):
        w.text(0, f"{WORDS['to']} {header['recipient']}", "center", 5)
        w.row += 1
    w.row += 1


def _management(w: _Sheet, figures: dict):
    """The table of item 1 with a total per row, then the devices and the incidents. Returns the
    row of the table's header (frozen and repeated)."""
    w.text(0, WORDS["section_1"], "heading", 5)
    w.row += 1
    w.text(0, WORDS["management"], "heading", 5)
    w.row += 1
    header_row = w.row
    for col, key in enumerate(("no", "content", "organization", "individual", "total", "remarks")):
        w.text(col, WORDS[key], "head")
    w.sheet.set_row(w.row, 32)
    w.row += 1
    for index, (key, label) in enumerate(CERTIFICATE_ROWS, 1):
        org, ind = figures.get(f"{key}_org") or 0, figures.get(f"{key}_ind") or 0
        excel_row = w.row + 1
        w.text(0, str(index), "cell_center")
        w.text(1, label, "cell")
        w.number(2, org)
        w.number(3, ind)
        w.formula(4, f"=SUM(C{excel_row}:D{excel_row})", org + ind)
        w.text(5, device_note(figures, key), "cell")
        w.row += 1
    w.row += 1
    w.text(1, WORDS["devices"], "heading", 5)
    w.row += 1
    for col, key in enumerate(("no", "content", "count")):
        w.text(col, WORDS[key], "head")
    w.text(3, WORDS["remarks"], "head", 5)
    w.row += 1
    first_incident = None
    for index, (key, label) in enumerate(DEVICE_ROWS + INCIDENT_ROWS, 1):
        if key == INCIDENT_ROWS[0][0]:
            first_incident = w.row + 1
        w.text(0, str(index), "cell_center")
        w.text(1, label, "cell")
        w.number(2, figures.get(key) or 0)
        w.text(3, "", "cell", 5)
        w.row += 1
    incidents = sum(figures.get(key) or 0 for key, _label in INCIDENT_ROWS)
    w.text(0, "", "cell_center")
    w.text(1, WORDS["incidents_total"], "cell_bold")
    w.formula(2, f"=SUM(C{first_incident}:C{w.row})", incidents)
    w.text(3, "", "cell", 5)
    w.row += 2
    return header_row


def _results(w: _Sheet, data: dict):
    if is_empty(data.get("figures") or {}):
        w.paragraph(EMPTY_SENTENCE, fmt="wrap")
        w.row += 1
    w.text(0, WORDS["results"], "heading", 5)
    w.row += 1
    w.text(0, WORDS["deployment"], "text", 5)
    w.row += 1
    w.paragraph(data.get("deployment"))
    w.text(0, WORDS["achieved"], "text", 5)
    w.row += 1
    for key in ("documents_signed", "public_services"):
        w.text(0, f"- {WORDS[key]}:", "text", 1)
        w.number(2, data.get(key) or 0, "cell_number")
        w.row += 1
        if data.get(f"{key}_note"):
            w.paragraph(data[f"{key}_note"], col=1)
    w.text(0, WORDS["difficulties"], "heading", 5)
    w.row += 1
    w.paragraph(data.get("difficulties"))
    w.text(0, WORDS["causes"], "text", 5)
    w.row += 1
    w.paragraph(data.get("causes"))
    for title, key in (("section_2", "tasks"), ("section_3", "proposals")):
        w.text(0, WORDS[title], "heading", 5)
        w.row += 1
        w.paragraph(data.get(key))


def _by_body(book, formats, rows: list):
    """The figures of each body of the scope, a total row of SUM formulas at the foot."""
    sheet = book.add_worksheet(WORDS["by_body"])
    w = _Sheet(sheet, formats)
    columns = [(f"{key}_{part}", label, part) for key, label in CERTIFICATE_ROWS for part in ("org", "ind")]
    columns += [(key, label, None) for key, label in DEVICE_ROWS + INCIDENT_ROWS]
    sheet.merge_range(0, 0, 1, 0, WORDS["no"], formats["head"])
    sheet.merge_range(0, 1, 1, 1, WORDS["body"], formats["head"])
    col = 2
    for _key, label, part in columns:
        if part == "org":
            sheet.merge_range(0, col, 0, col + 1, label, formats["head"])
        if part:
            sheet.write_string(
                1, col, WORDS[f"{'organization' if part == 'org' else 'individual'}_short"], formats["head"]
            )
        else:
            sheet.merge_range(0, col, 1, col, label, formats["head"])
        col += 1
    sheet.set_row(0, 48)
    w.row = 2
    for index, row in enumerate(rows, 1):
        w.text(0, str(index), "cell_center")
        w.text(1, row.get("body", ""), "cell")
        for offset, (key, _label, _part) in enumerate(columns):
            w.number(2 + offset, row.get(key) or 0)
        w.row += 1
    w.text(0, "", "cell_center")
    w.text(1, WORDS["total"], "cell_bold")
    for offset, (key, _label, _part) in enumerate(columns):
        letter = xlsxwriter.utility.xl_col_to_name(2 + offset)
        formula = f"=SUM({letter}3:{letter}{w.row})" if rows else "=0"
        w.formula(2 + offset, formula, sum(row.get(key) or 0 for row in rows))
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, 1 + len(columns), 11)
    sheet.freeze_panes(2, 2)
    sheet.repeat_rows(0, 1)
    sheet.repeat_columns(0, 1)
    _print_setup(sheet, landscape=True)


def _print_setup(sheet, landscape=False):
    sheet.set_paper(9)  # A4
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    # NĐ 30/2020, Phụ lục I: left 30 mm, right 15 mm, top and bottom 20 mm (inches here)
    sheet.set_margins(left=1.18, right=0.59, top=0.79, bottom=0.79)
    sheet.center_horizontally()
    sheet.set_footer("&C&P/&N")


def write_xlsx(data: dict) -> bytes:
    """The report as the bytes of an .xlsx workbook: the outline on the first sheet, the figures
    of each body of the scope on the second."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    formats = _formats(book)
    sheet = book.add_worksheet(WORDS["report"])
    w = _Sheet(sheet, formats)
    _header(w, data.get("header") or {}, data.get("period") or "")
    header_row = _management(w, data.get("figures") or {})
    _results(w, data)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 46)
    sheet.set_column(2, 3, 17)
    sheet.set_column(4, 4, 12)
    sheet.set_column(5, 5, 30)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.repeat_rows(header_row)
    _print_setup(sheet)
    _by_body(book, formats, data.get("by_body") or [])
    book.set_properties({"title": (data.get("header") or {}).get("summary", ""), "author": "CKS"})
    book.close()
    return out.getvalue()
