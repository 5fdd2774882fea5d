#!/usr/bin/env python3
"""Writes the Vietnamese import templates of cks_subscriber (static/xls/*.xlsx).

    .venv/bin/python scripts/make-import-templates.py

The first row of the first sheet holds the fields' technical names: Odoo's import
(base_import) maps a header to a field when it equals the technical name, the English
label or the label in the user's language, so technical names map for every user
whatever the language. Each header cell carries a note with the Vietnamese label;
the sheet "Hướng dẫn" explains every column. The output is deterministic (fixed
document dates, fixed zip timestamps), so re-running it changes nothing.
"""

import datetime as dt
import sys
from pathlib import Path

import polib
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "addons" / "cks_subscriber" / "static" / "xls"
FIXED_DATE = dt.datetime(2025, 1, 1, 0, 0, 0)

_MODULE = ROOT / "addons" / "cks_subscriber"
sys.path.insert(0, str(_MODULE))
from lib.codes import BODY_LEVELS, EMPLOYMENT_STATUSES, SUBSCRIBER_KINDS  # noqa: E402  (the module's own codes)

_VI = {entry.msgid: entry.msgstr for entry in polib.pofile(str(_MODULE / "i18n" / "vi.po")) if entry.msgstr}


def _vietnamese(pairs):
    """The codes with their Vietnamese labels, as the users see them in the application."""
    return [(code, _VI.get(label, label)) for code, label in pairs]


KINDS = _vietnamese(SUBSCRIBER_KINDS)
EMPLOYMENT_STATUSES = _vietnamese(EMPLOYMENT_STATUSES)
LEVELS = _vietnamese(BODY_LEVELS)


def _codes(pairs):
    return "; ".join(f"{code} = {label}" for code, label in pairs)


BODY_HELP = (
    "Tên đầy đủ của cơ quan quản lý trực tiếp, đúng như trong danh mục Cơ quan, đơn vị của hệ thống "
    '(cột "Tên đầy đủ", gồm cả cấp trên, các cấp cách nhau bằng " / "), ví dụ '
    '"UBND tỉnh Hà Tĩnh / Sở Thông tin và Truyền thông". Cơ quan phải có tư cách pháp nhân và con dấu riêng.'
)

# (technical name, Vietnamese label, required, explanation, text column)
SUBSCRIBER_COLUMNS = [
    ("name", "Họ và tên / Tên thuê bao", True, "Họ và tên của cá nhân, hoặc tên cơ quan, tổ chức, thiết bị.", False),
    ("kind", "Loại thuê bao", True, "Ghi mã: " + _codes(KINDS) + ".", False),
    ("body_id", "Cơ quan quản lý trực tiếp", True, BODY_HELP, False),
    (
        "cccd",
        "Số định danh cá nhân (CCCD)",
        False,
        "Ghi cho cá nhân: đúng 12 chữ số, 3 số đầu là mã tỉnh nơi đăng ký khai sinh (Hà Tĩnh: 042). "
        "Ô được định dạng văn bản để giữ số 0 ở đầu.",
        True,
    ),
    ("position", "Chức vụ", False, 'Chức vụ của cá nhân, ví dụ "Chuyên viên", "Phó Giám đốc Sở".', False),
    ("department", "Phòng, ban", False, "Phòng, ban nơi cá nhân công tác.", False),
    ("email", "Thư điện tử công vụ", False, "Địa chỉ thư điện tử công vụ, ví dụ ten@hatinh.gov.vn.", False),
    ("mobile", "Số điện thoại di động", False, "Số điện thoại di động.", True),
    (
        "employment_status",
        "Tình trạng công tác",
        True,
        "Ghi mã: "
        + _codes(EMPLOYMENT_STATUSES)
        + ". Không để trống: ghi working cho người đang công tác và cho cơ quan, tổ chức, thiết bị.",
        False,
    ),
    ("tax_code", "Mã số thuế", False, "Với cơ quan, tổ chức: mã số thuế.", True),
    ("budget_code", "Mã quan hệ ngân sách", False, "Với cơ quan, tổ chức: mã đơn vị có quan hệ với ngân sách.", True),
    ("address", "Địa chỉ", False, "Với cơ quan, tổ chức, thiết bị: địa chỉ.", False),
]
SUBSCRIBER_EXAMPLES = [
    {
        "name": "Nguyễn Thị Minh Châu",
        "kind": "individual",
        "body_id": "UBND tỉnh Hà Tĩnh / Sở Thông tin và Truyền thông",
        "cccd": "042196004517",
        "position": "Chuyên viên",
        "department": "Phòng Bưu chính, Viễn thông và CNTT",
        "email": "chauntm.stttt@hatinh.gov.vn",
        "mobile": "0912 111 222",
        "employment_status": "working",
    },
    {
        "name": "Ủy ban nhân dân xã Cẩm Bình",
        "kind": "organization",
        "body_id": "UBND tỉnh Hà Tĩnh / UBND huyện Cẩm Xuyên / UBND xã Cẩm Bình",
        "email": "cambinh.camxuyen@hatinh.gov.vn",
        "employment_status": "working",
        "tax_code": "3000678952",
        "budget_code": "1029241",
        "address": "Thôn Tây Yên, xã Cẩm Bình, huyện Cẩm Xuyên, tỉnh Hà Tĩnh",
    },
    {
        "name": "Hệ thống thư điện tử công vụ tỉnh Hà Tĩnh",
        "kind": "device",
        "body_id": "UBND tỉnh Hà Tĩnh / Sở Thông tin và Truyền thông",
        "email": "thudientu@hatinh.gov.vn",
        "employment_status": "working",
        "address": "Số 18 Nguyễn Chí Thanh, phường Tân Giang, thành phố Hà Tĩnh",
    },
]

BODY_COLUMNS = [
    ("name", "Tên cơ quan, đơn vị", True, "Tên của cơ quan, đơn vị (không ghi tên cấp trên).", False),
    (
        "parent_id",
        "Cơ quan cấp trên",
        False,
        'Tên đầy đủ của cơ quan cấp trên như trong hệ thống, các cấp cách nhau bằng " / ", ví dụ '
        '"UBND tỉnh Hà Tĩnh / Sở Giáo dục và Đào tạo". Có thể là cơ quan ở dòng phía trên trong cùng tệp. '
        "Để trống với UBND tỉnh.",
        False,
    ),
    ("level", "Cấp", True, "Ghi mã: " + _codes(LEVELS) + ".", False),
    (
        "has_legal_personality",
        "Có tư cách pháp nhân và con dấu riêng",
        False,
        "1 = có, 0 = không. Chỉ cơ quan có tư cách pháp nhân và con dấu riêng mới được quản lý trực tiếp "
        "thuê bao (Thông tư 185/2019/TT-BQP, Điều 3).",
        False,
    ),
    ("code", "Mã viết tắt", False, "Mã viết tắt tự đặt, ví dụ SGDĐT.", True),
    (
        "edoc_code",
        "Mã định danh điện tử (liên thông văn bản)",
        False,
        "Mã định danh điện tử của cơ quan, ví dụ 000.00.15.H23; không trùng với cơ quan khác.",
        True,
    ),
    ("vat", "Mã số thuế", False, "Mã số thuế của cơ quan.", True),
    ("budget_code", "Mã quan hệ ngân sách", False, "Mã đơn vị có quan hệ với ngân sách.", True),
    ("street", "Địa chỉ", False, "Địa chỉ trụ sở.", False),
    ("email", "Thư điện tử", False, "Thư điện tử của cơ quan.", False),
    ("phone", "Điện thoại", False, "Số điện thoại của cơ quan.", True),
]
BODY_EXAMPLES = [
    {
        "name": "Sở Giáo dục và Đào tạo",
        "parent_id": "UBND tỉnh Hà Tĩnh",
        "level": "department",
        "has_legal_personality": "1",
        "code": "SGDĐT",
        "edoc_code": "000.00.15.H23",
        "vat": "3000901285",
        "budget_code": "1029374",
        "street": "Số 98 Hà Huy Tập, phường Nam Hà, thành phố Hà Tĩnh",
        "email": "sgddt@hatinh.gov.vn",
        "phone": "0239 3855 340",
    },
    {
        "name": "Trường THPT Phan Đình Phùng",
        "parent_id": "UBND tỉnh Hà Tĩnh / Sở Giáo dục và Đào tạo",
        "level": "unit",
        "has_legal_personality": "1",
        "code": "THPT-PĐP",
        "edoc_code": "000.01.15.H23",
        "vat": "3000912396",
        "budget_code": "1029385",
        "street": "Số 120 Phan Đình Phùng, phường Nam Hà, thành phố Hà Tĩnh",
        "email": "c3phandinhphung@hatinh.edu.vn",
        "phone": "0239 3856 122",
    },
    {
        "name": "Bộ phận Tiếp nhận và Trả kết quả",
        "parent_id": "UBND tỉnh Hà Tĩnh / UBND huyện Cẩm Xuyên",
        "level": "unit",
        "has_legal_personality": "0",
        "code": "CX-MC",
        "street": "Số 48 Hà Huy Tập, thị trấn Cẩm Xuyên, huyện Cẩm Xuyên",
        "phone": "0239 3861 300",
    },
]


def write_template(path, sheet_name, title, columns, examples, extra_notes):
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    workbook.set_properties(
        {"title": title, "author": "CKS", "company": "CKS", "created": FIXED_DATE, "comments": title}
    )
    workbook.set_calc_mode("auto")
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    header_required = workbook.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True})
    text = workbook.add_format({"num_format": "@"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    bold_wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    title_format = workbook.add_format({"bold": True, "font_size": 14})

    sheet = workbook.add_worksheet(sheet_name)
    sheet.freeze_panes(1, 0)
    for col, (field, label, required, explanation, is_text) in enumerate(columns):
        sheet.set_column(col, col, max(16, min(len(label) + 4, 40)), text if is_text else None)
        sheet.write_string(0, col, field, header_required if required else header)
        note = f"{label}{' (bắt buộc)' if required else ''}\n{explanation}"
        sheet.write_comment(0, col, note, {"x_scale": 2.5, "y_scale": 2.5, "author": "CKS"})
        for row, example in enumerate(examples, 1):
            value = example.get(field)
            if value:
                sheet.write_string(row, col, value, text if is_text else None)
    selections = {"kind": KINDS, "employment_status": EMPLOYMENT_STATUSES, "level": LEVELS}
    for col, (field, *_rest) in enumerate(columns):
        if field in selections:
            sheet.data_validation(
                1,
                col,
                100000,
                col,
                {"validate": "list", "source": [code for code, _label in selections[field]]},
            )

    guide = workbook.add_worksheet("Hướng dẫn")
    guide.set_column(0, 0, 24)
    guide.set_column(1, 1, 36)
    guide.set_column(2, 2, 10)
    guide.set_column(3, 3, 90)
    guide.write_string(0, 0, title, title_format)
    notes = [
        f'Nhập dữ liệu ở trang "{sheet_name}" (trang đầu tiên), mỗi dòng một bản ghi; giữ nguyên dòng tiêu đề '
        "(tên kỹ thuật của trường), hệ thống tự nhận các cột.",
        "Các dòng mẫu chỉ để tham khảo: xóa hoặc sửa trước khi nhập.",
        "Cột tô màu cam là bắt buộc. Di chuột vào ô tiêu đề để xem tên tiếng Việt và giải thích.",
        "Nếu một dòng có lỗi, hệ thống báo lỗi kèm số dòng và không nhập dòng nào của lượt nhập đó; sửa các dòng "
        'lỗi rồi nhập lại. Tệp trên 2.000 dòng được nhập theo lô: bấm "Kiểm tra" (Test) trước khi nhập, hoặc '
        "đặt giới hạn lô (Batch limit) lớn hơn số dòng để cả tệp được nhập trong một lượt.",
        *extra_notes,
    ]
    for row, line in enumerate(notes, 2):
        guide.merge_range(row, 0, row, 3, line, wrap)
        guide.set_row(row, 30)
    start = len(notes) + 3
    for col, caption in enumerate(("Cột (tiêu đề)", "Tên tiếng Việt", "Bắt buộc", "Giá trị, ghi chú")):
        guide.write_string(start, col, caption, header)
    for row, (field, label, required, explanation, _is_text) in enumerate(columns, start + 1):
        guide.write_string(row, 0, field, bold_wrap)
        guide.write_string(row, 1, label, wrap)
        guide.write_string(row, 2, "Có" if required else "", wrap)
        guide.write_string(row, 3, explanation, wrap)
    workbook.close()


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_template(
        OUT_DIR / "cks_subscriber_import_template.xlsx",
        "Thuê bao",
        "Mẫu nhập danh sách thuê bao chữ ký số chuyên dùng",
        SUBSCRIBER_COLUMNS,
        SUBSCRIBER_EXAMPLES,
        [
            "Cá nhân: ghi họ tên, số định danh cá nhân (CCCD, 12 chữ số), chức vụ, thư điện tử công vụ, "
            "số di động. Cơ quan, tổ chức: ghi mã số thuế, mã quan hệ ngân sách, địa chỉ. "
            "Thiết bị, dịch vụ, phần mềm: ghi tên hệ thống và địa chỉ.",
            "Cơ quan quản lý trực tiếp: " + BODY_HELP,
        ],
    )
    write_template(
        OUT_DIR / "cks_body_import_template.xlsx",
        "Cơ quan",
        "Mẫu nhập danh mục cơ quan, đơn vị quản lý trực tiếp",
        BODY_COLUMNS,
        BODY_EXAMPLES,
        [
            "Ghi cơ quan cấp trên trước cơ quan cấp dưới: một cơ quan ở dòng trên có thể là cấp trên của "
            "cơ quan ở dòng dưới.",
        ],
    )


if __name__ == "__main__":
    main()
