import datetime as dt

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.cks_token_asset.tests.token_common import TokenCase

from ..lib import form_data
from .printed_text import text_of


@tagged("post_install", "-at_install")
class TestForms(TokenCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users["custodian"].name = "Trần Thị Bình"
        cls.users["officer"].name = "Lê Văn Cường"
        cls.handover = cls.submitted_handover(
            "Phòng Văn thư, Sở Thông tin và Truyền thông",
            line={"accessories": "Vỏ hộp, dây đeo"},
            remarks="Kèm phong bì mã PIN niêm phong",
        )

    def html(self, report, records):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)
        return html.decode()

    def test_form_14_prints_the_record_and_the_fixed_wording(self):
        html = self.html("cks_report.action_report_form_14", self.handover)
        text = text_of(html)
        for expected in (
            "MẬT",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "BIÊN BẢN BÀN GIAO",
            "Thiết bị lưu khóa bí mật",
            f"Số: {self.handover.name}",
            "tại Phòng Văn thư, Sở Thông tin và Truyền thông, chúng tôi gồm:",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "VT-0001",
            "Vỏ hộp, dây đeo",
            "Mẫu số 14, Phụ lục ban hành kèm theo Thông tư số 185/2019/TT-BQP",
            "Nơi nhận:",
            f"CKS1|cks.handover|{self.handover.id}|",
        ):
            self.assertIn(expected, text)
        self.assertIn("data:image/png;base64,", html)  # the QR code of the reference

    def test_reference_names_the_record_the_content_and_the_anchor(self):
        handover = self.draft_handover(remarks="Kèm phong bì mã PIN")
        form = handover._cks_form()
        reference = form_data.parse_reference(form["reference"])
        head = self.env.ref("cks_token_asset.custody_head_main")
        self.assertEqual((reference["model"], reference["res_id"]), ("cks.handover", handover.id))
        self.assertEqual(reference["anchor"], f"{head.event_count}:{head.last_hash}")
        content = {key: value for key, value in form.items() if key not in ("digest", "anchor", "reference", "qr")}
        self.assertEqual(reference["digest"], form_data.digest(content))
        # what the form says changes its digest
        handover.with_user(self.users["custodian"]).write({"remarks": "Không kèm phụ kiện"})
        self.assertNotEqual(form_data.parse_reference(handover._cks_form()["reference"])["digest"], reference["digest"])

    def test_wording_is_data(self):
        template = self.env.ref("cks_report.form_tt185_14")
        template.write({"closing": "Câu chữ do tỉnh sửa: {place}."})
        text = text_of(self.html("cks_report.action_report_form_14", self.handover))
        self.assertIn("Câu chữ do tỉnh sửa: Phòng Văn thư, Sở Thông tin và Truyền thông.", text)
        template.write({"opening": "Không biết {unknown} và {0.__class__}"})
        self.assertIn(
            "Không biết {unknown} và {0.__class__}",
            text_of(self.html("cks_report.action_report_form_14", self.handover)),
        )

    def test_markup_typed_by_a_user_is_escaped(self):
        handover = self.draft_handover(
            remarks="<script>alert('x')</script><b>đậm</b>", place="<img src=x onerror=alert(1)>"
        )
        self.users["officer"].name = "Lê <i>Văn</i> Cường"
        html = self.html("cks_report.action_report_form_14", handover)
        self.assertNotIn("<script>alert", html)
        self.assertNotIn("<i>Văn</i>", html)
        self.assertNotIn("<img src=x", html)
        self.assertIn("&lt;script&gt;", html)

    def test_a_record_missing_what_the_form_needs_is_not_printed(self):
        empty = (
            self.env["cks.handover"]
            .with_user(self.users["custodian"])
            .create({"place": "Phòng Văn thư", "receiver_id": self.users["officer"].id})
        )
        attachments = self.env["ir.attachment"].search_count([])
        with self.assertRaises(UserError) as caught:
            self.env["ir.actions.report"]._render_qweb_pdf("cks_report.action_report_form_14", empty.ids)
        # a form prints in Vietnamese where Vietnamese is installed: so does its refusal
        lang = "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else "en_US"
        label = (
            self.env["cks.handover"]
            .with_context(lang=lang)
            ._fields["line_ids"]
            ._description_string(self.env(context={"lang": lang}))
        )
        self.assertIn(label, str(caught.exception))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_form_15_prints_the_loss(self):
        report = (
            self.env["cks.loss.report"]
            .with_user(self.users["custodian"])
            .create(
                {
                    "token_id": self.token_a.id,
                    "discovered_at": dt.datetime(2026, 3, 2, 2, 30),
                    "place": "Bến xe Hà Tĩnh",
                    "circumstances": "Để quên trong cặp tài liệu trên xe khách",
                }
            )
        )
        report.with_user(self.users["officer"]).action_confirm()
        text = text_of(self.html("cks_report.action_report_form_15", report))
        for expected in (
            "BIÊN BẢN XÁC NHẬN",
            "Thiết bị lưu khóa bí mật bị thất lạc",
            "Kính gửi: Cục Chứng thực số và Bảo mật thông tin",
            "xác nhận thiết bị lưu khóa bí mật số hiệu VT-0001 bị thất lạc",
            "09:30 02/03/2026",  # the time of discovery, in the province's time
            "Để quên trong cặp tài liệu trên xe khách",
            f"Số: {report.name}",
        ):
            self.assertIn(expected, text)

    def test_administrative_date(self):
        self.assertEqual(form_data.admin_date(dt.date(2026, 2, 5)), "ngày 05 tháng 02 năm 2026")
        self.assertEqual(form_data.admin_date(dt.date(2026, 12, 17)), "ngày 17 tháng 12 năm 2026")
