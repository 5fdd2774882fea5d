"""The public check page of printed forms (/cks/verify), as a visitor without a session sees it:
what it confirms of a real print, of a record changed since, of a forged reference and of
garbage, and that it shows nothing classified of the record."""

import html
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from odoo.addons.cks_report.lib import form_data
from odoo.addons.cks_report.models.cks_form_reports import in_vietnamese
from odoo.addons.cks_token_asset.tests.token_common import TokenCase


@tagged("post_install", "-at_install")
class TestVerifyPage(TokenCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the page speaks Vietnamese first: the province's language, with the modules' translations
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["cks_report", "cks_signing"], ["vi_VN"])
        cls.users["custodian"].name = "Trần Thị Bình"
        cls.users["officer"].name = "Lê Văn Cường"
        cls.handover = cls.submitted_handover(
            "Phòng Văn thư, Sở Thông tin và Truyền thông", line={"accessories": "Vỏ hộp, dây đeo"}
        )
        cls.reference = cls.print_form(cls.handover)
        # what the page must never show: the record's number, its people, bodies, place and device
        cls.classified = (
            cls.handover.name,
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Sở Thông tin và Truyền thông",
            "Phòng Văn thư",
            "Vỏ hộp, dây đeo",
            cls.token_a.serial,
            cls.token_a.make_model,
        )

    @classmethod
    def print_form(cls, record):
        """Print form 14 of ``record`` as its giver; the reference its QR code carries."""
        report = cls.env["ir.actions.report"].with_user(cls.users["custodian"])
        report._render_qweb_html("cks_report.action_report_form_14", record.ids)
        return in_vietnamese(record)._cks_form()["reference"]

    def page(self, ref=None, headers=None, **params):
        """The page's text (HTML unescaped) for ``ref``, as a visitor without a session."""
        query = urlencode({**({"ref": ref} if ref is not None else {}), **params})
        response = self.url_open(f"/cks/verify?{query}", headers=headers, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/html", response.headers["Content-Type"])
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        body = response.text
        self.assertNotIn("Traceback", body)
        for value in self.classified:
            self.assertNotIn(value, html.unescape(body), "the page shows nothing classified")
        return html.unescape(body)

    def assertSays(self, text, *expected):
        for sentence in expected:
            self.assertIn(sentence, text)

    def test_a_real_print_is_confirmed_in_vietnamese(self):
        text = self.page(self.reference)
        parts = form_data.parse_reference(self.reference)
        entry = self.env["cks.print.reference"].search([("reference", "=", self.reference)])
        printed_on = self.env["cks.form.print"]._local_date(entry.printed_at).strftime("%d/%m/%Y")
        self.assertSays(
            text,
            '<html lang="vi-VN">',
            "Kiểm tra biểu mẫu đã in",
            "Biểu mẫu này do hệ thống in ra.",
            "Đúng định dạng.",
            "Mẫu 14 — Biên bản bàn giao",
            printed_on,
            "Khớp với giá trị băm hệ thống đã cấp cho bản in này.",
            f"Sự kiện số {parts['anchor'].split(':')[0]} của chuỗi lịch sử quản lý có đúng giá trị băm",
            "Không thay đổi kể từ khi in.",
            self.reference,
        )
        # the address the QR code carries, as a QR reader opens it, and pasted into the form
        base_url = self.env["ir.config_parameter"].get_param("web.base.url")
        self.assertIn("Không thay đổi kể từ khi in.", self.page(form_data.verify_url(base_url, self.reference)))

    def test_in_english_when_asked(self):
        self.assertSays(
            self.page(self.reference, lang="en_US"),
            '<html lang="en-US">',
            "This form was printed by this system.",
            "Form 14 — Biên bản bàn giao",
            "Unchanged since it was printed.",
        )
        self.assertSays(
            self.page(self.reference, headers={"Accept-Language": "en-US,en;q=0.8"}),
            "This form was printed by this system.",
        )
        self.assertSays(self.page(self.reference, headers={"Accept-Language": "fr-FR"}), "Đúng định dạng.")

    def test_a_record_changed_since_it_was_printed(self):
        handover = self.draft_handover(remarks="Kèm phong bì mã PIN")
        reference = self.print_form(handover)
        handover.write({"remarks": "Không kèm phụ kiện"})
        text = self.page(reference)
        self.assertSays(
            text,
            "Biểu mẫu này do hệ thống in ra, nhưng cần xem các điểm dưới đây.",
            "Mẫu 14 — Biên bản bàn giao",
            "Đã thay đổi kể từ khi in",
        )
        self.assertNotIn("Không kèm phụ kiện", text)
        self.assertNotIn("Kèm phong bì mã PIN", text)

    def test_a_forged_reference_is_not_issued_here(self):
        parts = form_data.parse_reference(self.reference)
        forged = self.reference.replace(parts["digest"], "0" * 64)
        text = self.page(forged)
        self.assertSays(text, "Mã tham chiếu này không do hệ thống này cấp.", "Đúng định dạng.")
        self.assertNotIn(forged, text, "a reference never printed here is not repeated")
        self.assertNotIn("Mẫu 14", text)
        # a reference naming a record that does not exist reads the same
        other = form_data.reference("cks.handover", 987654321, "0" * 64, None)
        self.assertEqual(self.page(other).replace(other, ""), text.replace(forged, ""))

    def test_garbage_is_answered_plainly_and_writes_nothing(self):
        Ledger = self.env["cks.print.reference"]
        count = Ledger.search_count([])
        for garbage in (
            "hello",
            "<script>alert(1)</script>",
            "CKS1|x|y|z|w",
            "CKS1|cks.handover|1|" + "g" * 64 + "|-",
            "\x00\x01",
            "Đ" * 300,
        ):
            with self.subTest(garbage=garbage[:20]):
                text = self.page(garbage)
                self.assertSays(text, "Đây không phải là mã tham chiếu của biểu mẫu do CKS in.")
                self.assertNotIn("<script>alert", text)
        self.assertSays(self.page("CKS1|" * 1000), "Nội dung này quá dài")
        self.assertSays(self.page(""), "Kiểm tra biểu mẫu đã in", 'name="ref"')
        self.assertSays(self.page(), "Kiểm tra biểu mẫu đã in")
        self.assertEqual(Ledger.search_count([]), count, "checking writes nothing")
