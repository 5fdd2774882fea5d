from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval, time

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin

from .printed_text import pdf_text_unspaced


@tagged("post_install", "-at_install")
class TestDemoStory(DemoMixin, TransactionCase):
    """The reports chapter of the demo province (only with demo data)."""

    def test_the_province_has_a_validated_half_yearly_report(self):
        report = self.env["cks.periodic.report"].search([("period_kind", "=", "h1"), ("body_id", "=", False)])
        self.assertEqual(len(report), 1)
        self.assertEqual((report.state, report.done_by_id), ("done", self._user("quantri")))
        self.assertRegex(report.name, r"^\d+/BC-CKS$")
        self.assertEqual(report.documents_signed, 48216)
        html, _type = self.env["ir.actions.report"]._render_qweb_html("cks_report.action_report_periodic", report.ids)
        self.assertIn("48216", html.decode().replace(".", "").replace(",", ""))

    def test_the_demo_records_carry_their_printed_forms(self):
        expected = {
            "cks.handover": (self.env["cks.handover"].search([("state", "=", "done")]), "form_14"),
            "cks.loss.report": (self.env["cks.loss.report"].search([("state", "=", "confirmed")]), "form_15"),
            "cks.request.batch": (
                self.env["cks.request.batch"].search([("state", "in", ("sent", "closed"))]),
                "batch_letter",
            ),
            "cks.periodic.report": (self.env["cks.periodic.report"].search([("state", "=", "done")]), "periodic"),
            "cks.request": (
                self.env["cks.request"].search(
                    [("state", "not in", ("draft", "cancelled")), ("request_type", "!=", "recovery")]
                ),
                "request_form",
            ),
        }
        for model, (records, report_name) in expected.items():
            self.assertTrue(records, model)
            report = self.env.ref(f"cks_report.action_report_{report_name}")
            for record in records:
                # the print kept under the name the report gives it (a record may keep other files)
                name = safe_eval(report.attachment, {"object": record, "time": time})
                kept = self.env["ir.attachment"].search(
                    [("res_model", "=", model), ("res_id", "=", record.id), ("name", "=", name)]
                )
                self.assertEqual(len(kept), 1, f"{model} {record.display_name}")
                self.assertTrue(kept.name.endswith(".pdf"), kept.name)
                self.assertEqual(kept.mimetype, "application/pdf")
                text = pdf_text_unspaced(kept.raw)  # a real PDF, whose text names the record
                number = record.reference if model == "cks.request.batch" else record.name  # a letter's own number
                self.assertIn(number.replace(" ", ""), text, f"{model} {record.display_name}")
        # the hand-back record (Mẫu 13) of the device received back, and none of one still awaited
        recoveries = self.env["cks.request"].search([("request_type", "=", "recovery")])
        for recovery in recoveries:
            kept = self.env["ir.attachment"].search_count(
                [("res_model", "=", "cks.request"), ("res_id", "=", recovery.id)]
            )
            self.assertEqual(kept, 1 if recovery.device_received_at else 0, recovery.display_name)
