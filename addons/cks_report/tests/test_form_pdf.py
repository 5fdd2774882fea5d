"""One real PDF through wkhtmltopdf, read back with pypdf: the Vietnamese text survives."""

import io

from pypdf import PdfReader

from odoo.tests import HttpCase, tagged

from odoo.addons.cks_token_asset.tests.token_common import TokenCase

from .printed_text import pdf_text_unspaced


@tagged("post_install", "-at_install")
class TestFormPdf(TokenCase, HttpCase):
    def test_form_14_as_a_real_pdf_keeps_its_diacritics(self):
        self.users["custodian"].name = "Trần Thị Bình"
        self.users["officer"].name = "Nguyễn Văn Đức"
        handover = self.submitted_handover()
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("cks_report.action_report_form_14", handover.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), 1, "a short form fits on one A4 page")
        # every precomposed Vietnamese letter (Ả, Ậ, Đ, ữ, ...) must come back as itself
        text = pdf_text_unspaced(pdf)
        for expected in ("BIÊN BẢN BÀN GIAO", "Độc lập - Tự do - Hạnh phúc", "Trần Thị Bình", "Nguyễn Văn Đức", "MẬT"):
            self.assertIn(expected.replace(" ", ""), text)
        kept = self.env["ir.attachment"].search([("res_model", "=", "cks.handover"), ("res_id", "=", handover.id)])
        self.assertEqual(kept.mapped("name"), [f"Mau14-{handover.name.replace('/', '-')}.pdf"])  # the print stays
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width) / float(box.height), 210 / 297, places=2)  # A4
