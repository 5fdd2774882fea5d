from odoo.tests import TransactionCase, tagged

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin


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
