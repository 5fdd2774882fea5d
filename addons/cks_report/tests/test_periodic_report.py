"""The periodic report (6 months / year): its figures counted from the records at the period's
boundaries, split organisation / individual, by scope; the PDF's HTML and the workbook (re-read
with openpyxl) with what a user typed escaped; the flow fields; the reminders of the due dates."""

import base64
import datetime as dt
import io
import re

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.cks_request.tests.request_common import RequestCase
from odoo.addons.cks_subscriber.lib import flow

from ..lib import report_xlsx
from ..models.cks_periodic_report import local_midnight_utc
from .printed_text import pdf_text_unspaced, text_of

YEAR = 2019  # before any demo data: the figures of the year are only those made here


@tagged("post_install", "-at_install")
class TestPeriodicReport(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Subscriber = cls.env["cks.subscriber"]
        cls.sub_org = Subscriber.create(
            {"name": "Sở Thông tin và Truyền thông", "kind": "organization", "body_id": cls.dept_a.id}
        )
        cls.sub_dev = Subscriber.create({"name": "Cổng dịch vụ công", "kind": "device", "body_id": cls.dept_a.id})
        cls.Report = cls.env["cks.periodic.report"]

    serial = 0xC000

    # ------------------------------------------------------------------ helpers
    def local(self, *args):
        """A time of the province (Asia/Ho_Chi_Minh) as the naive UTC the ORM stores."""
        moment = dt.datetime(*args)
        return local_midnight_utc(moment.date()) + (moment - dt.datetime.combine(moment.date(), dt.time.min))

    def cert(self, subscriber, serial, valid_from, issue_type="new"):
        return self.make_certificate(subscriber, serial, valid_from=valid_from, issue_type=issue_type)

    def request(self, subscriber, request_type, **flow_values):
        self.serial += 1
        cert = self.cert(subscriber, self.serial, dt.datetime(2018, 1, 1))
        vals = {"request_type": request_type, "subscriber_id": subscriber.id, "certificate_id": cert.id}
        vals.update(grounds="retirement") if request_type == "revocation" else vals.update(change_details="Họ tên")
        request = self.env["cks.request"].create(vals)
        with flow.opened("cks.request"):
            request.write(flow_values)
        return request

    def report(self, body, kind="h1", year=YEAR, role="officer", **vals):
        report = self.Report.with_user(self.users[role]).create(
            {"period_kind": kind, "year": year, "body_id": body.id if body else False, **vals}
        )
        report.action_compute()
        return report

    def html(self, report):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html("cks_report.action_report_periodic", report.ids)
        return html.decode()

    def workbook(self, report):
        action = report.action_download_xlsx()
        attachment = self.env["ir.attachment"].browse(int(re.search(r"/web/content/(\d+)", action["url"]).group(1)))
        return openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))

    # ------------------------------------------------------------------ figures
    def test_period_dates_follow_the_kind_and_stay_editable_in_draft(self):
        report = self.report(self.dept_a)
        self.assertEqual((report.date_from, report.date_to), (dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30)))
        report.write({"period_kind": "year"})
        self.assertEqual(report.date_to, dt.date(YEAR, 12, 31))
        report.write({"date_to": dt.date(YEAR, 6, 17)})  # a province that closes its figures earlier
        self.assertEqual(report.date_to, dt.date(YEAR, 6, 17))

    def test_boundaries_are_the_province_days(self):
        """Submitted 30/6 23:59 in Hà Tĩnh counts in the first six months, 1/7 00:00 does not;
        1/1 00:00 does, 31/12 23:59 of the year before does not (UTC+7)."""
        inside = [
            self.request(self.sub_own, "revocation", state="submitted", submitted_at=self.local(YEAR, 6, 30, 23, 59)),
            self.request(self.sub_own, "revocation", state="submitted", submitted_at=self.local(YEAR, 1, 1, 0, 0)),
        ]
        self.request(self.sub_own, "revocation", state="submitted", submitted_at=self.local(YEAR, 7, 1, 0, 0))
        self.request(self.sub_own, "revocation", state="submitted", submitted_at=self.local(YEAR - 1, 12, 31, 23, 59))
        # cancelled, or never submitted: not requested
        self.request(self.sub_own, "revocation", state="cancelled", submitted_at=self.local(YEAR, 3, 1, 9, 0))
        self.request(self.sub_own, "revocation")
        self.assertEqual(inside[0].submitted_at, dt.datetime(YEAR, 6, 30, 16, 59))
        report = self.report(self.dept_a)
        self.assertEqual((report.revoked_ind, report.revoked_org), (2, 0))
        self.assertEqual(self.report(self.dept_a, kind="year").revoked_ind, 3)
        # certificates: the day their validity starts, in the province
        self.cert(self.sub_own, 0xD001, self.local(YEAR, 6, 30, 23, 59))
        self.cert(self.sub_own, 0xD002, self.local(YEAR, 7, 1, 0, 0))
        self.assertEqual(self.report(self.dept_a).new_ind, 1)

    def test_organisation_individual_split_and_what_counts(self):
        when = self.local(YEAR, 3, 15, 10, 0)
        self.cert(self.sub_own, 0xE001, when)
        self.cert(self.sub_unit, 0xE002, when)  # a body below: in the scope
        self.cert(self.sub_org, 0xE003, when)
        self.cert(self.sub_dev, 0xE004, when)  # with the organisations, told apart
        self.cert(self.sub_org, 0xE005, when, issue_type="renewal")  # not a new one
        self.request(self.sub_org, "renewal", state="submitted", submitted_at=when)
        self.request(self.sub_own, "renewal", state="sent", submitted_at=when)
        self.request(self.sub_dev, "revocation", state="done", submitted_at=when, result_at=when)
        self.request(self.sub_own, "change", state="done", submitted_at=when, result_at=when)
        self.request(self.sub_org, "change", state="sent", submitted_at=when)  # not carried out yet
        self.request(self.sub_org, "change", state="done", submitted_at=when, result_at=self.local(YEAR, 7, 2, 8, 0))
        report = self.report(self.dept_a)
        figures = {key: report[key] for key in report_xlsx.FIGURE_KEYS}
        expected = dict.fromkeys(report_xlsx.FIGURE_KEYS, 0)
        expected.update(
            new_ind=2,
            new_org=2,
            new_dev=1,
            renewed_org=1,
            renewed_ind=1,
            revoked_org=1,
            revoked_dev=1,
            changed_ind=1,
        )
        self.assertEqual(figures, expected)
        self.assertEqual((report.new_total, report.revoked_total, report.no_data), (4, 1, False))
        breakdown = {int(key): value for key, value in report.breakdown.items()}
        self.assertEqual(breakdown[self.unit_a.id]["new_ind"], 1)
        self.assertEqual(breakdown[self.dept_a.id]["new_ind"], 1)

    def test_scope_is_the_body_and_its_subtree_or_the_province(self):
        when = self.local(YEAR, 2, 1, 9, 0)
        self.cert(self.sub_unit, 0xF001, when)
        self.cert(self.sub_other, 0xF002, when)
        self.assertEqual(self.report(self.dept_a).new_ind, 1)
        self.assertEqual(self.report(self.unit_a).new_ind, 1)
        self.assertEqual(self.report(self.dept_b, role="admin").new_ind, 1)
        self.assertEqual(self.report(False, role="admin").new_ind, 2)
        # the counting is one method taking the period and the scope
        counted = self.Report._count_figures(dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30), self.dept_b)
        self.assertEqual(counted["totals"]["new_ind"], 1)
        self.assertEqual(set(counted["by_body"]), {self.dept_b.id})

    def test_devices_recovered_and_incidents(self):
        self.token_a._transition("report_damaged", reason="Hỏng cổng USB")
        self.token_a._transition("recover", reason="Thu hồi thiết bị hỏng")
        self.token_a._transition("return_ca", reason="Bàn giao lại Ban Cơ yếu")
        today = self.env["cks.form.print"]._local_date(dt.datetime.now())
        report = self.report(self.dept_a, kind="year", year=today.year)
        self.assertEqual(
            (report.incidents_damaged, report.devices_recovered, report.devices_returned, report.incidents_total),
            (1, 1, 1, 1),
        )
        self.assertEqual(self.report(self.dept_a, kind="year", year=today.year - 1).devices_recovered, 0)

    # ------------------------------------------------------------------ outputs
    def test_a_period_without_data_says_so(self):
        report = self.report(self.dept_b, year=2010, role="admin")
        self.assertTrue(report.no_data)
        text = text_of(self.html(report))
        self.assertIn(report_xlsx.EMPTY_SENTENCE, text)
        self.assertIn("06 tháng đầu năm 2010", text)
        book = self.workbook(report)
        values = [cell for row in book["Báo cáo"].iter_rows(values_only=True) for cell in row]
        self.assertIn(report_xlsx.EMPTY_SENTENCE, values)

    def test_pdf_prints_the_figures_and_the_typed_parts(self):
        when = self.local(YEAR, 4, 1, 9, 0)
        for serial in range(3):
            self.cert(self.sub_own, 0x1100 + serial, when)
        self.cert(self.sub_dev, 0x1200, when)
        report = self.report(
            self.dept_a,
            documents_signed=1520,
            public_services=34,
            difficulties="Thiết bị cũ, chưa tương thích",
            proposals="Tăng cường tập huấn",
        )
        text = text_of(self.html(report))
        for expected in (
            "BÁO CÁO",
            "Tình hình quản lý, sử dụng chữ ký số, chứng thư số chuyên dùng Chính phủ 06 tháng đầu năm 2019",
            "Từ ngày 01/01/2019 đến ngày 30/06/2019",
            "1 Số lượng cấp mới 1 3 4 Gồm 1 chứng thư số cấp cho thiết bị, dịch vụ, phần mềm",
            "Số lượng văn bản ban hành có sử dụng chữ ký số: 1520",
            "Số lượng dịch vụ công có sử dụng chữ ký số: 34",
            "Thiết bị cũ, chưa tương thích",
            "Tăng cường tập huấn",
            "III. ĐỀ XUẤT, KIẾN NGHỊ",
            f"CKS1|cks.periodic.report|{report.id}|",
        ):
            self.assertIn(expected, text)
        self.assertNotIn(report_xlsx.EMPTY_SENTENCE, text)

    def test_workbook_figures_formulas_and_layout(self):
        when = self.local(YEAR, 5, 5, 9, 0)
        self.cert(self.sub_own, 0x1301, when)
        self.cert(self.sub_unit, 0x1302, when)
        self.cert(self.sub_org, 0x1303, when)
        self.request(self.sub_own, "revocation", state="submitted", submitted_at=when)
        report = self.report(self.dept_a, documents_signed=75)
        book = self.workbook(report)
        sheet = book["Báo cáo"]
        rows = {row[1].value: row for row in sheet.iter_rows() if isinstance(row[1].value, str)}
        new = rows["Số lượng cấp mới"]
        self.assertEqual((new[2].value, new[3].value), (1, 2))
        self.assertRegex(new[4].value, r"^=SUM\(C\d+:D\d+\)$")
        revoked = rows["Số lượng đề nghị thu hồi"]
        self.assertEqual((revoked[2].value, revoked[3].value), (0, 1))
        self.assertTrue(rows["Tổng số sự cố"][2].value.startswith("=SUM("))
        documents = next(row for row in sheet.iter_rows() if str(row[0].value or "").startswith("- Số lượng văn bản"))
        self.assertEqual(documents[2].value, 75)
        self.assertEqual(sheet.freeze_panes, f"A{new[0].row}")
        self.assertEqual(sheet.page_setup.paperSize, 9)
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        by_body = book["Theo cơ quan"]
        bodies = {row[1].value: row for row in by_body.iter_rows(min_row=3) if row[1].value}
        self.assertEqual(bodies[self.unit_a.complete_name][3].value, 1)  # new, individuals
        self.assertTrue(bodies["Tổng số"][3].value.startswith("=SUM(D3:"))

    def test_markup_in_a_name_or_a_narrative_is_escaped_everywhere(self):
        self.dept_a.name = "Sở <b>Thông tin</b>"
        self.cert(self.sub_own, 0x1601, self.local(YEAR, 3, 3, 9, 0))
        report = self.report(
            self.dept_a,
            difficulties="<script>alert('x')</script>",
            causes='=HYPERLINK("http://x","y")',
        )
        html = self.html(report)
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("<B>THÔNG TIN", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertIn("SỞ &lt;B&gt;THÔNG TIN&lt;/B&gt;", html)
        book = self.workbook(report)
        names = [row[1] for row in book["Theo cơ quan"].iter_rows(min_row=3, values_only=True)]
        self.assertIn(self.dept_a.complete_name, names)
        self.assertIn("<b>Thông tin</b>", self.dept_a.complete_name)
        sheet = book["Báo cáo"]
        cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
        self.assertIn("<script>alert('x')</script>", cells)
        formula_text = cells['=HYPERLINK("http://x","y")']
        self.assertEqual(formula_text.data_type, "s")  # text, never a formula

    # ------------------------------------------------------------------ flow and access
    def test_flow_fields_are_refused_to_a_client(self):
        report = self.report(self.dept_a)
        officer_report = report.with_user(self.users["officer"])
        self.assertLessEqual(set(report_xlsx.FIGURE_KEYS), set(self.Report._flow_fields))
        for vals in (
            {"state": "done"},
            {"name": "99/BC-CKS"},
            {"new_org": 99},
            {"computed_by_id": 1},
            {"breakdown": {}},
        ):
            with self.assertRaises(UserError):
                officer_report.write(vals)
        with self.assertRaises(UserError):
            self.Report.with_user(self.users["officer"]).create(
                {"year": YEAR, "body_id": self.dept_a.id, "state": "done", "incidents_lost": 5}
            )

    def test_validate_numbers_and_freezes(self):
        report = self.report(self.dept_a)
        report.action_validate()
        self.assertEqual(report.state, "done")
        self.assertRegex(report.name, r"^\d+/BC-CKS$")
        self.cert(self.sub_own, 0x1401, self.local(YEAR, 2, 2, 9, 0))
        with self.assertRaises(UserError):
            report.action_compute()
        with self.assertRaises(UserError):
            report.write({"difficulties": "Sửa sau khi gửi"})
        with self.assertRaises(UserError):
            report.unlink()
        self.assertEqual(report.new_ind, 0)

    def test_access_by_scope(self):
        other = self.report(self.dept_b, role="admin")
        province = self.report(False, role="admin")
        officer = self.users["officer"]
        Report = self.Report.with_user(officer)
        self.assertFalse(Report.search([("id", "in", (other + province).ids)]))
        with self.assertRaises(AccessError):
            Report.create({"year": YEAR, "body_id": False})
        with self.assertRaises(UserError):  # the scope's guard names the body outside the officer's
            Report.create({"year": YEAR, "body_id": self.dept_b.id})
        auditor = self.Report.with_user(self.users["auditor"]).browse((other + province).ids)
        self.assertEqual(len(auditor.read(["name"])), 2)
        with self.assertRaises(AccessError):
            auditor[0].action_compute()

    def test_province_sums_what_its_bodies_typed(self):
        self.report(self.dept_a, documents_signed=100, public_services=3).action_validate()
        self.report(self.dept_b, role="admin", documents_signed=50, public_services=2).action_validate()
        self.report(self.unit_a, documents_signed=999)  # a draft: not counted
        province = self.report(False, role="admin")
        self.assertEqual((province.documents_signed, province.public_services), (150, 5))

    def test_wizard_creates_the_report_with_its_figures(self):
        self.cert(self.sub_own, 0x1501, self.local(YEAR, 12, 31, 23, 0))
        wizard = (
            self.env["cks.periodic.report.wizard"]
            .with_user(self.users["officer"])
            .create({"period_kind": "year", "year": YEAR})
        )
        self.assertEqual(wizard.body_id, self.dept_a)
        report = self.Report.browse(wizard.action_create()["res_id"])
        self.assertEqual((report.body_id, report.new_ind, report.date_to), (self.dept_a, 1, dt.date(YEAR, 12, 31)))

    # ------------------------------------------------------------------ reminders
    def test_reminders_before_the_due_dates_once_each(self):
        self.profile.write({"report_h1_day": 17, "report_h1_month": 6, "report_year_day": 0, "report_year_month": 0})
        Activity = self.env["mail.activity"]
        domain = [("res_model", "=", "cks.province.profile"), ("res_id", "=", self.profile.id)]
        admin = self.users["admin"]
        self.Report._cron_reminders(today=dt.date(2031, 6, 1))  # 16 days before: nothing yet
        self.assertFalse(Activity.search(domain))
        self.Report._cron_reminders(today=dt.date(2031, 6, 7))  # 10 days before
        first = Activity.search(domain)
        self.assertIn(admin, first.user_id)
        self.assertEqual(set(first.mapped("date_deadline")), {dt.date(2031, 6, 17)})
        self.Report._cron_reminders(today=dt.date(2031, 6, 8))
        self.assertEqual(Activity.search(domain), first, "once per threshold")
        self.Report._cron_reminders(today=dt.date(2031, 6, 14))  # 3 days before
        second = Activity.search(domain) - first
        self.assertEqual(len(second), len(first))
        self.Report._cron_reminders(today=dt.date(2031, 6, 15))
        self.Report._cron_reminders(today=dt.date(2031, 6, 18))  # past the due date
        self.assertEqual(len(Activity.search(domain)), 2 * len(first))
        # no date in the profile: no reminder
        self.profile.write({"report_h1_day": 0})
        self.Report._cron_reminders(today=dt.date(2032, 6, 14))
        self.assertEqual(len(Activity.search(domain)), 2 * len(first))


@tagged("post_install", "-at_install")
class TestPeriodicReportPdf(RequestCase, HttpCase):
    def test_an_empty_period_prints_as_a_real_pdf_that_says_so(self):
        report = self.env["cks.periodic.report"].create(
            {"period_kind": "year", "year": 2010, "body_id": self.dept_b.id}
        )
        report.action_compute()
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("cks_report.action_report_periodic", report.ids)
        )
        self.assertEqual(kind, "pdf")
        text = pdf_text_unspaced(pdf)
        for expected in ("BÁO CÁO", "năm 2010", report_xlsx.EMPTY_SENTENCE, "III. ĐỀ XUẤT, KIẾN NGHỊ"):
            self.assertIn(expected.replace(" ", ""), text)
