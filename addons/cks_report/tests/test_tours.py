"""The periodic report and the dashboard through the browser (headless Chromium, in Vietnamese),
as the demo's provincial administrator. Needs the demo data."""

from odoo.tests import HttpCase, tagged

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin


@tagged("post_install", "-at_install")
class TestReportTours(DemoMixin, HttpCase):
    def test_the_administrator_makes_and_validates_the_annual_report(self):
        Report = self.env["cks.periodic.report"]
        year = self.env["cks.province.profile"]._cks_today().year
        self.assertFalse(Report.search([("period_kind", "=", "year"), ("year", "=", year), ("body_id", "=", False)]))
        self.start_tour("/odoo", "cks_report_annual_tour", login="quantri")
        report = Report.search([("period_kind", "=", "year"), ("year", "=", year), ("body_id", "=", False)])
        self.assertEqual(len(report), 1)
        self.assertEqual(
            (report.state, report.done_by_id, report.documents_signed), ("done", self._user("quantri"), 95120)
        )
        self.assertRegex(report.name, r"^\d+/BC-CKS$")
        # the figures on the validated report are the year's counts from the records
        figures = Report._count_figures(report.date_from, report.date_to, report.body_id)["totals"]
        self.assertTrue(any(figures.values()))
        for name, value in figures.items():
            self.assertEqual(report[name], value, name)
