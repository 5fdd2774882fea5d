import base64
import datetime as dt
import io
import re
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.cks_request.tests.request_common import RequestCase
from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_token_asset.models.cks_custody_event import from_paper_register

from ..lib import register_xlsx as rx
from .printed_text import text_of


@tagged("post_install", "-at_install")
class TestRegisters(RequestCase):
    """The device register and the subscriber list (XLSX and PDF), and the dashboard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Token = cls.env["cks.token"]
        cls.token_unit = Token.create({"serial": "VT-0003", "make_model": "Bit4id"})
        cls.token_unit._transition("issue", body=cls.unit_a, reason="Cấp cho trường")
        cls.token_unit._transition("relocate", location="Tủ sắt phòng Hành chính")
        # a device carried over from a paper register: registered in 2024, issued in March 2024
        with from_paper_register(dt.datetime(2024, 1, 10, 3, 0)):
            cls.token_old = Token.create({"serial": "VT-0000", "make_model": "ePass2003"})
        with from_paper_register(dt.datetime(2024, 3, 1, 3, 0)):
            cls.token_old._transition("issue", body=cls.unit_a, reason="Sổ giấy")
        cls.token_old._transition("assign", custodian=cls.users["custodian"], reason="Giao văn thư")
        cls.sub_own.write({"cccd": "042095000123", "position": "Chuyên viên", "email": "an@stttt.gov.vn"})

    # ------------------------------------------------------------ helpers
    def wizard(self, role="admin", **vals):
        return (
            self.env["cks.register.export"]
            .with_user(self.users[role])
            .create({"kind": "devices", "output": "xlsx", "date": dt.date.today() + dt.timedelta(days=1), **vals})
        )

    def xlsx(self, wizard):
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(re.search(r"/web/content/(\d+)\?download=true", action["url"]).group(1))
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertEqual((attachment.res_model, attachment.res_id), (wizard._name, wizard.id))
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
        head = rx.HEADER_ROW + 1
        headers = [cell.value for cell in sheet[head]]
        rows = []
        for row in sheet.iter_rows(min_row=head + 1, values_only=True):
            if row[0] == rx.TOTAL_LABEL:
                break
            if row[0] is not None:
                rows.append(dict(zip(headers, row, strict=True)))
        return sheet, headers, rows

    def html(self, wizard):
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(wizard.env.user)
            ._render_qweb_html("cks_report.action_report_register", wizard.ids)
        )
        return html.decode()

    def labels(self, model, field_name):
        env = self.env(context={"lang": "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else "en_US"})
        return dict(env[model]._fields[field_name]._description_selection(env))

    # ------------------------------------------------------------ devices
    def test_device_register_xlsx(self):
        sheet, headers, rows = self.xlsx(self.wizard())
        self.assertEqual(sheet["A1"].value, "MẬT")
        self.assertEqual(sheet["A2"].value, "SỔ QUẢN LÝ THIẾT BỊ LƯU KHÓA BÍ MẬT")
        self.assertIn("Cơ quan, đơn vị:", sheet["A3"].value)
        self.assertEqual(len(headers), 10)
        ours = {row[headers[1]]: row for row in rows if row[headers[1]].startswith("VT-")}
        self.assertEqual(sorted(ours), ["VT-0000", "VT-0001", "VT-0002", "VT-0003"])
        states = self.labels("cks.token", "state")
        a = ours["VT-0001"]
        self.assertEqual(a[headers[3]], "ePass2003")
        self.assertEqual(a[headers[4]], self.dept_a.complete_name)
        self.assertEqual(a[headers[5]], self.users["custodian"].name)
        self.assertEqual(a[headers[7]], states["assigned"])
        self.assertEqual(a[headers[8]], self.cert_a.serial)
        self.assertEqual(ours["VT-0003"][headers[6]], "Tủ sắt phòng Hành chính")
        self.assertEqual(ours["VT-0002"][headers[7]], states["issued"])
        self.assertIsInstance(a[headers[9]], dt.datetime)  # the date of the last event, as a date
        self.assertEqual([row[headers[0]] for row in rows], list(range(1, len(rows) + 1)))
        # the count under the rows is a formula, the header is frozen
        total_row = rx.HEADER_ROW + 2 + len(rows)
        self.assertEqual(sheet.cell(total_row, 1).value, rx.TOTAL_LABEL)
        self.assertEqual(sheet.cell(total_row, 2).data_type, "f")
        self.assertTrue(sheet.cell(total_row, 2).value.startswith("=SUBTOTAL(103,"))
        self.assertEqual(sheet.freeze_panes, f"A{rx.HEADER_ROW + 2}")

    def test_officer_exports_only_his_subtree(self):
        _sheet, headers, rows = self.xlsx(self.wizard("officer"))
        self.assertEqual(sorted(row[headers[1]] for row in rows), ["VT-0000", "VT-0001", "VT-0003"])
        _sheet, headers, rows = self.xlsx(self.wizard("officer", kind="subscribers"))
        names = {row[headers[1]] for row in rows}
        self.assertEqual(names, {self.sub_own.name, self.sub_unit.name})
        # another body's subtree, asked for by name, stays out of reach
        _sheet, headers, rows = self.xlsx(self.wizard("officer", body_id=self.dept_b.id))
        self.assertEqual(rows, [])

    def test_filter_by_body(self):
        _sheet, headers, rows = self.xlsx(self.wizard(body_id=self.unit_a.id))
        self.assertEqual([row[headers[1]] for row in rows], ["VT-0000", "VT-0003"])
        _sheet, headers, rows = self.xlsx(self.wizard(kind="subscribers", body_id=self.dept_a.id))
        self.assertEqual({row[headers[1]] for row in rows}, {self.sub_own.name, self.sub_unit.name})

    def test_devices_as_of_a_date(self):
        """The register as it stood at the end of a day: from the custody events up to it."""
        states = self.labels("cks.token", "state")
        _sheet, headers, rows = self.xlsx(self.wizard("officer", date=dt.date(2023, 12, 31)))
        self.assertEqual(rows, [])
        _sheet, headers, rows = self.xlsx(self.wizard("officer", date=dt.date(2024, 2, 1)))
        self.assertEqual([row[headers[1]] for row in rows], ["VT-0000"])
        self.assertEqual(rows[0][headers[7]], states["received"])
        self.assertFalse(rows[0][headers[4]])
        self.assertEqual(rows[0][headers[9]], dt.datetime(2024, 1, 10))
        _sheet, headers, rows = self.xlsx(self.wizard("officer", date=dt.date(2024, 3, 1)))
        self.assertEqual(rows[0][headers[7]], states["issued"])
        self.assertEqual(rows[0][headers[4]], self.unit_a.complete_name)
        self.assertFalse(rows[0][headers[5]])  # assigned to the clerk only later
        # the body filter applies to the body that held the device on that day
        _sheet, headers, rows = self.xlsx(self.wizard("officer", date=dt.date(2024, 2, 1), body_id=self.unit_a.id))
        self.assertEqual(rows, [])

    def test_subscribers_registered_by_a_date(self):
        _sheet, headers, rows = self.xlsx(self.wizard(kind="subscribers", date=dt.date.today() - dt.timedelta(days=2)))
        self.assertFalse({self.sub_own.name, self.sub_unit.name, self.sub_other.name} & {r[headers[1]] for r in rows})

    def test_subscriber_list_xlsx(self):
        sheet, headers, rows = self.xlsx(self.wizard(kind="subscribers", body_id=self.province.id))
        self.assertIsNone(sheet["A1"].value)  # not classified
        self.assertEqual(sheet["A2"].value, "DANH SÁCH THUÊ BAO")
        by_name = {row[headers[1]]: row for row in rows}
        own = by_name[self.sub_own.name]
        self.assertEqual(len(headers), 10)
        self.assertEqual(own[headers[4]], "Chuyên viên")
        self.assertEqual(own[headers[5]], "042095000123")  # text: the leading zero stays
        self.assertEqual(own[headers[6]], "an@stttt.gov.vn")
        self.assertEqual(own[headers[8]], self.labels("cks.subscriber", "employment_status")["working"])
        self.assertEqual(own[headers[9]], 1)
        self.assertEqual(by_name[self.sub_other.name][headers[9]], 1)

    def test_personal_id_only_for_who_may_read_it(self):
        Subscriber = type(self.env["cks.subscriber"])
        original = Subscriber._has_field_access

        def no_cccd(model, field, operation):
            return field.name != "cccd" and original(model, field, operation)

        with patch.object(Subscriber, "_has_field_access", no_cccd):
            _sheet, headers, rows = self.xlsx(self.wizard(kind="subscribers"))
        self.assertEqual(len(headers), 9)
        self.assertNotIn("042095000123", [value for row in rows for value in row.values()])

    def test_markup_is_escaped_in_the_pdf_and_plain_text_in_the_xlsx(self):
        name = "<script>alert('x')</script>=HYPERLINK(\"http://x\")"
        self.sub_unit.name = name
        _sheet, headers, rows = self.xlsx(self.wizard(kind="subscribers"))
        self.assertIn(name, [row[headers[1]] for row in rows])
        html = self.html(self.wizard(kind="subscribers", output="pdf"))
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;", html)

    def test_pdf_holds_the_rows_and_the_marking(self):
        wizard = self.wizard("officer", output="pdf")
        action = wizard.action_export()
        self.assertEqual(action["report_name"], "cks_report.report_register")
        html = self.html(wizard)
        text = text_of(html)
        self.assertRegex(html, r">\s*MẬT\s*<")  # the marking itself, not the "MẬT" of the title
        for expected in (
            "SỔ QUẢN LÝ THIẾT BỊ LƯU KHÓA BÍ MẬT",
            "VT-0000",
            "VT-0001",
            "VT-0003",
            "Tủ sắt phòng Hành chính",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("VT-0002", text)
        self.assertIn("Tổng số: 3 thiết bị", text)
        self.assertIn("display: table-header-group", html)
        # the reference names the register's issuing body, not the short-lived export wizard
        self.assertIn(f"CKS1|cks.body|{wizard.body_id.id or self.users['officer'].cks_body_id.id}|", text)
        subscribers = self.html(self.wizard("officer", kind="subscribers", output="pdf"))
        self.assertNotRegex(subscribers, r">\s*MẬT\s*<")
        self.assertIn(self.sub_unit.name, text_of(subscribers))

    def test_long_register_repeats_its_header_on_each_page(self):
        wizard = self.wizard(output="pdf")
        register = wizard._register_data()["form"]["register"]
        self.assertGreaterEqual(len(register["rows"]), 4)
        with (
            patch("odoo.addons.cks_report.wizard.cks_register_export.ROWS_FIRST_PAGE", 2),
            patch("odoo.addons.cks_report.wizard.cks_register_export.ROWS_PER_PAGE", 2),
        ):
            html = self.html(wizard)
        pages = html.count("page-break-before: always")
        self.assertGreaterEqual(pages, 1)
        self.assertEqual(html.count("<thead"), pages + 1)

    def test_who_may_export(self):
        for role in ("officer", "head", "admin", "auditor"):
            self.wizard(role)
        for role in ("subscriber", "custodian"):
            with self.assertRaises(AccessError):
                self.wizard(role)

    def test_files_go_with_the_wizard(self):
        wizard = self.wizard()
        wizard.action_export()
        domain = [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        self.assertEqual(self.env["ir.attachment"].search_count(domain), 1)
        wizard.sudo().unlink()
        self.assertEqual(self.env["ir.attachment"].search_count(domain), 0)

    # ------------------------------------------------------------ dashboard
    def test_dashboard_actions_open(self):
        for xmlid, model in (
            ("cks_report.cks_dashboard_tokens_action", "cks.token"),
            ("cks_report.cks_dashboard_expiring_action", "cks.certificate"),
            ("cks_report.cks_dashboard_requests_action", "cks.request"),
            ("cks_report.cks_dashboard_overdue_action", "cks.request"),
        ):
            for role in ("officer", "auditor"):
                action = self.env["ir.actions.act_window"].with_user(self.users[role])._for_xml_id(xmlid)
                self.assertEqual(action["res_model"], model)
                views = [(view_id, mode) for view_id, mode in action["views"] if mode in ("graph", "pivot")]
                self.assertEqual([mode for _id, mode in views], ["graph", "pivot"])
                result = self.env[model].with_user(self.users[role]).get_views(views)
                self.assertEqual(set(result["views"]), {"graph", "pivot"})
        menu = self.env.ref("cks_report.menu_cks_dashboard_tokens")
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("cks_report.menu_cks_reports_root"))

    def test_dashboard_groups(self):
        Token = self.env["cks.token"].with_user(self.users["officer"])
        groups = {
            (state, body): count for state, body, count in Token._read_group([], ["state", "body_id"], ["__count"])
        }
        self.assertEqual(groups[("assigned", self.dept_a)], 1)
        self.assertEqual(groups[("assigned", self.unit_a)], 1)
        self.assertEqual(groups[("issued", self.unit_a)], 1)
        self.assertNotIn(("issued", self.dept_b), groups)  # another body's device

        self.make_certificate(self.sub_unit, 0xC001, days_after=40)
        action = self.env["ir.actions.act_window"]._for_xml_id("cks_report.cks_dashboard_expiring_action")
        Cert = self.env["cks.certificate"].with_user(self.users["officer"])
        months = dict(Cert._read_group(safe_eval(action["domain"]), ["valid_to:month"], ["__count"]))
        valid = Cert.search([("state", "=", "valid")])
        self.assertEqual(len(months), len({(cert.valid_to.year, cert.valid_to.month) for cert in valid}))
        self.assertEqual(sum(months.values()), 3)  # cert_a, cert_unit and the new one; not cert_other

        first = self.draft()
        second = self.approved(certificate_id=self.cert_unit.id, subscriber_id=self.sub_unit.id)
        Request = self.env["cks.request"].with_user(self.users["officer"])
        by_type = {
            (kind, state): n for kind, state, n in Request._read_group([], ["request_type", "state"], ["__count"])
        }
        self.assertEqual(by_type[("revocation", "draft")], 1)
        self.assertEqual(by_type[("revocation", "approved")], 1)

        with flow.opened("cks.request"):
            second.write({"deadline": dt.date.today() - dt.timedelta(days=3)})
            first.write({"deadline": dt.date.today() + dt.timedelta(days=3)})
        action = self.env["ir.actions.act_window"]._for_xml_id("cks_report.cks_dashboard_overdue_action")
        domain = safe_eval(action["domain"], {"context_today": dt.date.today})
        overdue = Request._read_group(domain, ["holder_body_id", "state"], ["__count"])
        self.assertEqual(overdue, [(second.holder_body_id, "approved", 1)])
