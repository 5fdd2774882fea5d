from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.cks_request.tests.request_common import RequestCase
from odoo.addons.cks_subscriber.lib import flow

from .printed_text import pdf_pages, text_of


class FormCase(RequestCase):
    def html(self, report, records):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)
        return text_of(html.decode())

    def label(self, model, name):
        """A field's label as the form prints it: in Vietnamese where Vietnamese is installed."""
        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else "en_US"
        return self.env[model]._fields[name]._description_string(self.env(context={"lang": lang}))


@tagged("post_install", "-at_install")
class TestRequestForms(FormCase):
    def test_form_09_is_the_subscribers_request_to_the_body(self):
        request = self.draft(grounds="retirement")
        request.action_submit()
        text = self.html("cks_report.action_report_request_form", request)
        for expected in (
            "VĂN BẢN ĐỀ NGHỊ",
            "Thu hồi chứng thư số",
            "Kính gửi: Sở Thông tin và Truyền thông",
            "Nguyễn Văn An",
            self.cert_a.serial,
            "Mẫu số 09, Phụ lục",
            f"Số: {request.name}",
        ):
            self.assertIn(expected, text)

    def test_form_01_missing_a_detail_names_it_and_prints_nothing(self):
        request = self.draft(request_type="new_individual")
        with self.assertRaises(UserError) as caught:
            self.env["ir.actions.report"]._render_qweb_pdf("cks_report.action_report_request_form", request.ids)
        for name in ("cccd", "position", "email", "mobile"):
            self.assertIn(self.label("cks.subscriber", name), str(caught.exception))
        self.sub_own.write(
            {"cccd": "042095000123", "position": "Chuyên viên", "email": "an@stttt.gov.vn", "mobile": "0912345678"}
        )
        text = self.html("cks_report.action_report_request_form", request)
        for expected in ("Cấp chứng thư số của cá nhân", "042095000123", "Chuyên viên", "an@stttt.gov.vn"):
            self.assertIn(expected, text)

    def test_form_10_is_the_bodys_letter_to_the_ca_with_its_table(self):
        request, batch = self.sent(grounds="leaving")
        text = self.html("cks_report.action_report_batch_letter", batch)
        for expected in (
            "Thu hồi chứng thư số",
            "Kính gửi: Cục Chứng thực số và Bảo mật thông tin - Ban Cơ yếu Chính phủ",
            "Số: 12/STTTT-CNTT",  # the letter's own number and symbol, as sent
            "đề nghị thu hồi chứng thư số của 1 thuê bao",
            "Nguyễn Văn An",
            self.cert_a.serial,
            "Mẫu số 10, Phụ lục",
        ):
            self.assertIn(expected, text)
        self.assertEqual(request.batch_id, batch)

    def test_form_13_hands_the_recovered_device_back(self):
        request, _batch = self.sent()
        request.action_record_result("done")
        recovery = self.env["cks.request"].search([("origin_id", "=", request.id)])
        with self.assertRaises(UserError):  # the device is not back yet: nothing to hand over
            self.env["ir.actions.report"]._render_qweb_pdf("cks_report.action_report_request_form", recovery.ids)
        recovery.action_device_received()
        recovery.action_hand_back("7/BB-TH")
        text = self.html("cks_report.action_report_request_form", recovery)
        for expected in ("BIÊN BẢN BÀN GIAO", "Số: 7/BB-TH", "VT-0001", request.name, "Cục Chứng thực số"):
            self.assertIn(expected, text)


@tagged("post_install", "-at_install")
class TestLongLetter(FormCase, HttpCase):
    def test_a_letter_of_500_subscribers_runs_over_pages_with_its_header_on_each(self):
        """A batch of 500 revocations: a real PDF of several pages, the table's header on every one."""
        subscribers = self.env["cks.subscriber"].create(
            [{"name": f"Thuê bao thử số {index}", "body_id": self.dept_a.id} for index in range(500)]
        )
        certs = self.env["cks.certificate"].create(
            [
                {
                    "subscriber_id": subscriber.id,
                    "serial": f"BB{index:05X}",
                    "issuer": "CN=CA thử nghiệm,C=VN",
                    "valid_from": "2025-01-01",
                    "valid_to": "2029-01-01",
                }
                for index, subscriber in enumerate(subscribers)
            ]
        )
        with flow.opened("cks.request"):
            requests = (
                self.env["cks.request"]
                .with_context(tracking_disable=True)
                .create(
                    [
                        {
                            "request_type": "revocation",
                            "subscriber_id": cert.subscriber_id.id,
                            "certificate_id": cert.id,
                            "grounds": "leaving",
                            "state": "approved",
                        }
                        for cert in certs
                    ]
                )
            )
        batch = self.env["cks.request.batch"].browse(requests.action_create_batch()["res_id"])
        self.assertEqual(batch.request_count, 500)
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("cks_report.action_report_batch_letter", batch.ids)
        )
        pages = pdf_pages(pdf)
        self.assertGreater(len(pages), 5)
        header = "".join(self.label("cks.subscriber", "email").split())
        for number, page in enumerate(pages[:-1], 1):  # the last page may hold only the signatures
            self.assertIn(header, page.replace(" ", ""), f"page {number} lacks the table's header")
        self.assertIn("Thuêbaothửsố499", "".join(pages).replace(" ", ""))
