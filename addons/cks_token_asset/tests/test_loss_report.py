import datetime as dt

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestLossReport(TokenCase):
    def _report(self, hours_ago=2, user=None, token=None):
        return (
            self.env["cks.loss.report"]
            .with_user(user or self.users["custodian"])
            .create(
                {
                    "token_id": (token or self.token_a).id,
                    "discovered_at": fields.Datetime.now() - dt.timedelta(hours=hours_ago),
                    "circumstances": "Để quên trong cặp tài liệu trên xe khách",
                    "place": "Bến xe Hà Tĩnh",
                }
            )
        )

    def _profile(self, hours):
        profile = self.env["cks.province.profile"]._get_current() or self.env["cks.province.profile"].create(
            {"name": "Điện Biên"}
        )
        profile.write({"incident_notice": "within_hours" if hours else "not_stated", "incident_hours": hours})
        reports = self.env["cks.loss.report"].search([])
        self.env.add_to_compute(reports._fields["late"], reports)

    def test_confirmed_record_marks_the_device_lost_and_asks_for_revocation(self):
        report = self._report()
        report.with_user(self.users["officer"]).action_confirm()
        self.assertEqual(report.state, "confirmed")
        self.assertRegex(report.name, r"^\d+/BB-XN$")
        self.assertEqual(self.token_a.state, "lost")
        event = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual((event.event_type, event.document_ref), ("lost", report.name))
        activity = report.activity_ids
        self.assertEqual(activity.user_id, self.users["officer"])
        self.assertIn("revocation", activity.summary)
        self.assertTrue(self.verify().intact)

    def test_late_report_flagged_against_the_province_window(self):
        self._profile(24)  # QĐ 29/2021 Điện Biên, Điều 27.6
        self.assertTrue(self._report(hours_ago=30).late)
        self.assertFalse(self._report(hours_ago=2, token=self.token_b, user=self.env.user).late)
        self._profile(0)  # the province sets no window: never late
        self.assertFalse(self._report(hours_ago=300, token=self.token_b, user=self.env.user).late)

    def test_only_an_officer_confirms(self):
        report = self._report()
        with self.assertRaises(AccessError):
            report.action_confirm()  # as the custodian who reported it
        self.assertEqual((report.state, self.token_a.state), ("draft", "assigned"))

    def test_device_that_cannot_be_lost(self):
        self.token_b._transition("return_focal", reason="x")
        report = self._report(token=self.token_b, user=self.env.user)
        with self.assertRaises(UserError):
            report.action_confirm()
        self.assertEqual(report.state, "draft")

    def test_discovery_after_the_report_refused(self):
        with self.assertRaises(UserError):
            self._report(hours_ago=-5)

    def test_a_subscriber_reports_the_loss_of_a_personal_token(self):
        holder = self.users["subscriber"]
        token = self.env["cks.token"].create({"serial": "VT-0100"})
        token._transition("issue", body=self.dept_a, reason="x")
        token._transition("assign", custodian=holder, reason="Token cá nhân")
        report = self._report(user=holder, token=token)
        self.assertEqual(report.reporter_id, holder)
        self.assertEqual(self.env["cks.loss.report"].with_user(holder).search([]), report)

    def test_reports_follow_need_to_know(self):
        report = self._report()
        self.assertTrue(report.with_user(self.users["head"]).read(["name"]))
        self.assertFalse(self.env["cks.loss.report"].with_user(self.users["subscriber"]).search([]))
        other = self._report(token=self.token_b, user=self.env.user)
        with self.assertRaises(AccessError):
            other.with_user(self.users["officer"]).read(["name"])
