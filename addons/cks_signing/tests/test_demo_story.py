"""The signing chapter of the demo province (only with demo data): a Mẫu 14 signed by both
parties, the Sở's letter signed by its head then by the Sở, every signature verifying."""

from cryptography import x509

from odoo.tests import TransactionCase, tagged

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin

from ..lib import pdf_validation
from ..models.cks_signing_service import PARAM_TRUST_ROOTS


@tagged("post_install", "-at_install")
class TestDemoStory(DemoMixin, TransactionCase):
    def signed(self, model, name):
        record = self.env[model].search([("name", "=", name)])
        signatures = self.env["cks.signature"].search([("res_model", "=", model), ("res_id", "=", record.id)])
        roots = x509.load_pem_x509_certificates(self.env["ir.config_parameter"].get_param(PARAM_TRUST_ROOTS).encode())
        reports = pdf_validation.validate_pdf(record.signed_file_id.raw, roots)
        return record, signatures, reports

    def test_the_province_signs_a_handover_and_a_letter(self):
        handover = set(self.env["cks.signature"].search([("res_model", "=", "cks.handover")]).mapped("res_id"))
        self.assertEqual(len(handover), 1)
        record, signatures, reports = self.signed("cks.handover", self.env["cks.handover"].browse(handover).name)
        self.assertEqual(record.state, "done")
        self.assertEqual(signatures.mapped("user_id.login"), ["vanthu.vp", "hieupv"])
        self.assertEqual([report.signer for report in reports], ["Bùi Thị Mai", "Phan Văn Hiếu"])
        self.assertTrue(all(report.ok for report in reports))
        event = self.env["cks.custody.event"].search([("document_ref", "like", f"{record.name} · SHA-256")])
        self.assertEqual(event.document_ref.split()[-1], signatures[-1].file_sha256)

        letter = set(self.env["cks.signature"].search([("res_model", "=", "cks.request.batch")]).mapped("res_id"))
        record, signatures, reports = self.signed(
            "cks.request.batch", self.env["cks.request.batch"].browse(letter).name
        )
        self.assertEqual(
            [(s.user_id.login, s.role, s.declaration or False) for s in signatures],
            [("thutruong", "head", False), ("vanthu", "organization", "personal_signature")],
        )
        self.assertEqual(reports[0].signer, "Phạm Minh Đức")
        self.assertTrue(all(report.ok for report in reports) and len(reports) == 2)
        self.assertEqual(record.signed_file_id.mimetype, "application/pdf")
