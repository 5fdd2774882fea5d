"""Importing subscribers and bodies through Odoo's own import (base_import), as the UI does.

The files are read, their headers mapped (``parse_preview``) and imported (``execute_import``)
by ``base_import.import``, with the context the import dialog sends (``tracking_disable``).
"""

import io
import itertools
import logging
import time

import openpyxl
import xlsxwriter

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

_logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBSCRIBER_HEADERS = [
    "name",
    "kind",
    "body_id",
    "cccd",
    "position",
    "department",
    "email",
    "mobile",
    "employment_status",
]
ROWS = 5000
BAD_CCCD_ROW, NO_SEAL_ROW, BAD_STATUS_ROW = 1234, 2718, 4321  # 0-based data rows (file row = index + 2)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Đức", "Quang", "Hữu", "Minh", "Đình", "Xuân", "Trọng"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Thanh", "Ngọc", "Thị Hồng", "Thị Kim", "Diệu", "Thị Mỹ"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nghĩa", "Phúc", "Quý"]
GIVEN_F = ["Anh", "Châu", "Dung", "Giang", "Hà", "Hằng", "Hương", "Lan", "Liên", "Nga", "Oanh", "Phương", "Yến"]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Trưởng phòng", "Phó Trưởng phòng", "Văn thư", "Kế toán"]
STATUSES = ["working"] * 7 + ["transferred", "retired", "left"]


@tagged("post_install", "-at_install")
class TestImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Body = cls.env["cks.body"]
        cls.province = Body.create({"name": "UBND tỉnh Nhập thử", "level": "province", "has_legal_personality": True})
        cls.depts = Body.create(
            [
                {"name": name, "parent_id": cls.province.id, "level": "department", "has_legal_personality": True}
                for name in ("Sở Thông tin và Truyền thông", "Sở Tài chính", "UBND huyện Cẩm Xuyên")
            ]
        )
        cls.no_seal = Body.create(
            {"name": "Trung tâm Công nghệ thông tin", "parent_id": cls.depts[0].id, "has_legal_personality": False}
        )
        existing = cls.env["cks.subscriber"].with_context(active_test=False).search([("cccd", "!=", False)])
        cls.taken_cccds = set(existing.mapped("cccd"))

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _xlsx(headers, rows):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
        sheet = workbook.add_worksheet()
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header)
        for row_index, row in enumerate(rows, 1):
            for col, value in enumerate(row):
                if value:
                    sheet.write_string(row_index, col, value)
        workbook.close()
        return buffer.getvalue()

    def _import(self, model, content, file_name="import.xlsx", file_type=XLSX, options=None):
        """Map the headers as the import dialog proposes, then import; returns (result, mapped fields)."""
        wizard = self.env["base_import.import"].create(
            {"res_model": model, "file": content, "file_name": file_name, "file_type": file_type}
        )
        options = {"has_headers": True, **(options or {})}
        preview = wizard.parse_preview(dict(options))
        self.assertNotIn("error", preview, preview.get("error"))
        fields = ["/".join(preview["matches"].get(index, [])) or False for index in range(len(preview["headers"]))]
        result = wizard.execute_import(fields, preview["headers"], dict(options))
        return result, fields

    def _person(self, index):
        female = index % 2
        rng = index * 7919
        family = FAMILY[rng % len(FAMILY)]
        middle = (MIDDLE_F if female else MIDDLE_M)[(rng // 3) % 8]
        given = (GIVEN_F if female else GIVEN_M)[(rng // 5) % 13]
        return f"{family} {middle} {given}", female

    def _subscriber_rows(self, bad=False):
        bodies = self.depts.mapped("complete_name")
        rows = []
        serial = itertools.count(100000)
        for index in range(ROWS):
            name, female = self._person(index)
            year = 60 + index % 40
            cccd = f"042{female}{year:02d}{next(serial):06d}"
            while cccd in self.taken_cccds:
                cccd = f"042{female}{year:02d}{next(serial):06d}"
            rows.append(
                [
                    name,
                    "individual",
                    bodies[index % len(bodies)],
                    cccd,
                    POSITIONS[index % len(POSITIONS)],
                    "Phòng Hành chính - Tổng hợp",
                    f"nv{index:04d}@hatinh.gov.vn",
                    f"09{index:08d}",
                    STATUSES[index % len(STATUSES)],
                ]
            )
        if bad:
            rows[BAD_CCCD_ROW][3] = rows[BAD_CCCD_ROW][3][:-1]  # 11 digits
            rows[NO_SEAL_ROW][2] = self.no_seal.complete_name
            rows[BAD_STATUS_ROW][8] = "nghỉ phép"
        return rows

    def _count(self):
        return self.env["cks.subscriber"].with_context(active_test=False).search_count([])

    # -------------------------------------------------------------------- tests
    def test_5000_rows_with_errors_import_nothing(self):
        rows = self._subscriber_rows(bad=True)
        before = self._count()
        start = time.perf_counter()
        result, fields = self._import("cks.subscriber", self._xlsx(SUBSCRIBER_HEADERS, rows))
        _logger.info("5,000 subscriber rows with 3 errors: import refused in %.1f s", time.perf_counter() - start)
        self.assertEqual(fields, SUBSCRIBER_HEADERS, "every header maps to its field automatically")
        self.assertFalse(result["ids"])
        self.assertEqual(self._count(), before, "not one subscriber may be created")
        errors = [message for message in result["messages"] if message["type"] == "error"]
        by_row = {message["rows"]["from"]: message for message in errors}
        for message in errors:
            _logger.info("error at file row %s: %s", message["rows"]["from"] + 2, message["message"])
        self.assertLessEqual({BAD_CCCD_ROW, NO_SEAL_ROW, BAD_STATUS_ROW}, set(by_row))
        self.assertIn(rows[BAD_CCCD_ROW][3], by_row[BAD_CCCD_ROW]["message"])
        self.assertIn("Trung tâm Công nghệ thông tin", by_row[NO_SEAL_ROW]["message"])
        self.assertEqual(by_row[BAD_STATUS_ROW]["field"], "employment_status")
        self.assertIn("nghỉ phép", by_row[BAD_STATUS_ROW]["message"])
        # Any other error only repeats, for the first row of the batch, one of the rows' own errors
        own_messages = {by_row[row]["message"] for row in (BAD_CCCD_ROW, NO_SEAL_ROW, BAD_STATUS_ROW)}
        for row, message in by_row.items():
            if row not in (BAD_CCCD_ROW, NO_SEAL_ROW, BAD_STATUS_ROW):
                self.assertIn(message["message"], own_messages)

    def test_dialog_batches_are_all_or_nothing(self):
        """The dialog imports in batches (option "limit"); an error in the last batch leaves nothing behind."""
        rows = self._subscriber_rows()[:300]
        rows[250][3] = "12345"  # malformed CCCD in the third batch of 100
        before = self._count()
        result, _fields = self._import(
            "cks.subscriber", self._xlsx(SUBSCRIBER_HEADERS, rows), options={"limit": 100, "skip": 0}
        )
        self.assertFalse(result["ids"])
        self.assertFalse(result.get("nextrow"), "no further batch is left for the dialog to send")
        self.assertEqual(self._count(), before, "the first batches must not have been imported")
        self.assertTrue([m for m in result["messages"] if m["type"] == "error" and m["rows"]["from"] == 250])
        rows[250][3] = rows[249][3][:-3] + "999"
        result, _fields = self._import(
            "cks.subscriber", self._xlsx(SUBSCRIBER_HEADERS, rows), options={"limit": 100, "skip": 0}
        )
        self.assertEqual(len(result["ids"]), 300, "the whole file lands in one go")
        self.assertFalse(result.get("nextrow"))

    def test_5000_rows_import(self):
        rows = self._subscriber_rows()
        before = self._count()
        start = time.perf_counter()
        result, _fields = self._import("cks.subscriber", self._xlsx(SUBSCRIBER_HEADERS, rows))
        _logger.info("5,000 subscriber rows imported in %.1f s", time.perf_counter() - start)
        self.assertEqual([m for m in result["messages"] if m["type"] == "error"], [])
        self.assertEqual(len(result["ids"]), ROWS)
        self.assertEqual(self._count(), before + ROWS)
        subscribers = self.env["cks.subscriber"].browse(result["ids"])
        self.assertEqual(subscribers.mapped("name"), [row[0] for row in rows], "Vietnamese names kept intact")
        self.assertEqual(subscribers.mapped("cccd"), [row[3] for row in rows])
        self.assertEqual(subscribers[:3].mapped("body_id"), self.depts)
        self.assertEqual(subscribers.mapped("employment_status")[:10], STATUSES)

    def test_bodies_with_parent_by_name(self):
        csv_text = "\n".join(
            [
                "name,parent_id,level,has_legal_personality,edoc_code,vat,email",
                f"Sở Giáo dục và Đào tạo,{self.province.complete_name},department,1,000.00.15.T99,3000901285,"
                "sgddt@hatinh.gov.vn",
                f'Trường THPT Phan Đình Phùng,"{self.province.complete_name} / Sở Giáo dục và Đào tạo",unit,1,'
                "000.01.15.T99,,",
                f"Tổ Công nghệ thông tin,{self.depts[1].complete_name},unit,0,,,",
            ]
        )
        result, fields = self._import(
            "cks.body",
            csv_text.encode(),
            file_name="co_quan.csv",
            file_type="text/csv",
            options={"separator": ",", "quoting": '"', "encoding": "utf-8"},
        )
        self.assertEqual(fields, ["name", "parent_id", "level", "has_legal_personality", "edoc_code", "vat", "email"])
        self.assertEqual(result["messages"], [])
        education, school, team = self.env["cks.body"].browse(result["ids"])
        self.assertEqual(education.parent_id, self.province)
        self.assertEqual(school.parent_id, education, "a parent created earlier in the same file is found")
        self.assertEqual(
            school.complete_name, "UBND tỉnh Nhập thử / Sở Giáo dục và Đào tạo / Trường THPT Phan Đình Phùng"
        )
        self.assertEqual(team.parent_id, self.depts[1])
        self.assertEqual((education.has_legal_personality, team.has_legal_personality), (True, False))
        self.assertEqual((education.vat, education.email), ("3000901285", "sgddt@hatinh.gov.vn"))
        self.assertEqual(education.partner_id.name, "Sở Giáo dục và Đào tạo")

    # ---------------------------------------------------------------- templates
    def _template(self, model):
        (template,) = self.env[model].get_import_templates()
        url = template["template"]
        self.assertTrue(url.startswith("/cks_subscriber/static/xls/"), url)
        return file_path(url.lstrip("/"))

    def _ensure_body(self, complete_name):
        """The body with this full name, created (with its missing parents) if the database lacks it."""
        Body = self.env["cks.body"]
        parent = Body
        names = complete_name.split(" / ")
        for depth in range(1, len(names) + 1):
            body = Body.search([("complete_name", "=", " / ".join(names[:depth]))], limit=1)
            if not body:
                body = Body.create(
                    {"name": names[depth - 1], "parent_id": parent.id or False, "has_legal_personality": True}
                )
            parent = body
        return parent

    def _template_rows(self, path):
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        headers, *rows = [[value or "" for value in row] for row in sheet.iter_rows(values_only=True)]
        return headers, rows

    def test_templates_exist_and_headers_map(self):
        for model in ("cks.subscriber", "cks.body"):
            with self.subTest(model=model):
                path = self._template(model)
                with open(path, "rb") as template:
                    content = template.read()
                headers, rows = self._template_rows(path)
                self.assertTrue(2 <= len(rows) <= 3, "two or three example rows")
                sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
                self.assertEqual(sheets[1], "Hướng dẫn")
                wizard = self.env["base_import.import"].create(
                    {"res_model": model, "file": content, "file_name": path.rsplit("/", 1)[-1], "file_type": XLSX}
                )
                langs = ["en_US"] + (["vi_VN"] if self.env["res.lang"]._lang_get("vi_VN") else [])
                for lang in langs:
                    preview = wizard.with_context(lang=lang).parse_preview({"has_headers": True})
                    self.assertEqual(preview["headers"], headers)
                    self.assertEqual(
                        preview["matches"],
                        {index: [header] for index, header in enumerate(headers)},
                        f"every header maps to the field it names ({lang})",
                    )

    def test_subscriber_template_examples_import(self):
        path = self._template("cks.subscriber")
        headers, rows = self._template_rows(path)
        column = headers.index("body_id")
        for row in rows:
            self._ensure_body(row[column])
        with open(path, "rb") as template:
            result, fields = self._import("cks.subscriber", template.read(), file_name="mau.xlsx")
        self.assertEqual(fields, headers)
        self.assertEqual(result["messages"], [])
        subscribers = self.env["cks.subscriber"].browse(result["ids"])
        self.assertEqual(subscribers.mapped("name"), [row[0] for row in rows])
        self.assertEqual(set(subscribers.mapped("kind")), {"individual", "organization", "device"})
        individual = subscribers.filtered(lambda s: s.kind == "individual")
        self.assertEqual(individual.cccd, rows[0][headers.index("cccd")], "the leading zero of the CCCD is kept")

    def test_body_template_examples_import(self):
        path = self._template("cks.body")
        headers, rows = self._template_rows(path)
        column = headers.index("parent_id")
        created = {" / ".join([*row[column].split(" / "), row[0]]) for row in rows if row[column]}
        for row in rows:
            # parents outside the file must exist; those the file itself creates must not yet
            if row[column] and row[column] not in created:
                self._ensure_body(row[column])
        with open(path, "rb") as template:
            result, _fields = self._import("cks.body", template.read(), file_name="mau.xlsx")
        self.assertEqual(result["messages"], [])
        bodies = self.env["cks.body"].browse(result["ids"])
        self.assertEqual(bodies.mapped("name"), [row[0] for row in rows])
        self.assertEqual(bodies[1].parent_id, bodies[0])
