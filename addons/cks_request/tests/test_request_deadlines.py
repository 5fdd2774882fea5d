import datetime as dt

from odoo.tests import tagged

from .request_common import RequestCase


@tagged("post_install", "-at_install")
class TestRequestDeadlines(RequestCase):
    def test_deadline_across_tet(self):
        """A letter sent on Friday 13/2/2026, before Tết (14-22/2 off): 3 working days end on 25/2."""
        request, _batch = self.sent()
        self.set_step_start(request, dt.date(2026, 2, 13))
        self.env["cks.request"]._recompute_deadlines()
        self.assertEqual(request.deadline, dt.date(2026, 2, 25))

    def test_nightly_job_flags_overdue_steps_once_for_the_next_actor(self):
        request = self.draft()
        request.action_submit()
        self.set_step_start(request, self.today() - dt.timedelta(days=20))
        self.env["cks.request"]._cron_deadlines()
        self.assertTrue(request.deadline < self.today())
        self.assertTrue(request.overdue)
        overdue_type = self.env.ref("cks_request.mail_activity_type_request_overdue")
        activities = request.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type)
        self.assertEqual(activities.user_id, self.users["officer"])  # a submitted request waits for the officer
        self.env["cks.request"]._cron_deadlines()
        self.assertEqual(len(request.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type)), 1)
        self.assertIn(request, self.env["cks.request"].search([("overdue", "=", True)]))
        request.action_verify()  # the step is taken: no longer overdue, its alarm gone
        self.assertFalse(request.overdue)
        self.assertFalse(request.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type))

    def test_verified_request_overdue_goes_to_the_head(self):
        request = self.draft()
        request.action_submit()
        request.action_verify()
        self.set_step_start(request, self.today() - dt.timedelta(days=20))
        self.env["cks.request"]._cron_deadlines()
        overdue_type = self.env.ref("cks_request.mail_activity_type_request_overdue")
        self.assertEqual(
            request.activity_ids.filtered(lambda a: a.activity_type_id == overdue_type).user_id, self.users["head"]
        )

    def test_holiday_edited_later_moves_open_deadlines(self):
        request = self.draft()
        request.action_submit()
        monday = self.today() + dt.timedelta(days=7 - self.today().weekday())
        self.set_step_start(request, monday)
        self.env["cks.request"]._recompute_deadlines()
        before = request.deadline
        calendar = self.env.ref("cks_request.resource_calendar_cks")
        # a day off decided later (local day, stored in UTC: 17:00 the day before)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Nghỉ bù",
                "calendar_id": calendar.id,
                "date_from": dt.datetime.combine(monday, dt.time(17)),
                "date_to": dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(16, 59, 59)),
            }
        )
        self.env["cks.request"]._recompute_deadlines()
        self.assertEqual(request.deadline, self.env["cks.province.profile"]._cks_working_days().add(monday, 2))
        self.assertGreater(request.deadline, before)


@tagged("post_install", "-at_install")
class TestAutomaticDrafts(RequestCase):
    def test_retirement_drafts_the_revocation_for_the_officer(self):
        self.sub_own.with_user(self.users["officer"]).write({"employment_status": "retired"})
        draft = self.env["cks.request"].search([("certificate_id", "=", self.cert_a.id)])
        self.assertEqual(
            (draft.request_type, draft.state, draft.grounds, draft.auto_drafted),
            ("revocation", "draft", "retirement", True),
        )
        self.assertEqual(draft.activity_ids.user_id, self.users["officer"])
        # once only: a second change of status drafts nothing more
        self.sub_own.with_user(self.users["officer"]).write({"employment_status": "deceased"})
        self.assertEqual(self.env["cks.request"].search_count([("certificate_id", "=", self.cert_a.id)]), 1)

    def test_lost_device_drafts_the_revocation_with_its_form_15(self):
        report = (
            self.env["cks.loss.report"]
            .with_user(self.users["custodian"])
            .create(
                {
                    "token_id": self.token_a.id,
                    "discovered_at": dt.datetime.now() - dt.timedelta(hours=1),
                    "circumstances": "Để quên trên xe khách",
                }
            )
        )
        report.with_user(self.users["officer"]).action_confirm()
        draft = self.env["cks.request"].search([("certificate_id", "=", self.cert_a.id)])
        self.assertEqual((draft.grounds, draft.loss_report_id, draft.token_id), ("device_lost", report, self.token_a))
        # "báo ngay": the same day
        self.assertEqual(draft.deadline, self.env["cks.province.profile"]._cks_today())
        draft.with_user(self.users["officer"]).action_submit()
        self.assertEqual(draft.state, "submitted")

    def test_incident_window_not_stated_gives_the_default(self):
        self.profile.write({"incident_notice": "not_stated"})
        self.token_a._transition("report_damaged", reason="Rơi vỡ")
        draft = self.env["cks.request"].search([("certificate_id", "=", self.cert_a.id)])
        self.assertEqual(draft.grounds, "device_damaged")
        self.assertEqual(draft.deadline, self.env["cks.province.profile"]._cks_working_days().add(draft.step_start, 2))


@tagged("post_install", "-at_install")
class TestRouting(RequestCase):
    def test_focal_unit_route_sends_the_request_up(self):
        """QĐ …/2020 Bắc Giang, Điều 7.2: restorations go to Sở TTTT (here: the province body)."""
        self.profile.write({"route_restoration": "focal", "focal_body_id": self.province.id})
        self.token_a._transition("lock", reason="Khóa PIN")
        request = self.approved(request_type="restoration", token_id=self.token_a.id)
        self.assertEqual((request.state, request.holder_body_id, request.route), ("forwarded", self.province, "focal"))
        with self.assertRaisesRegex(Exception, "is with"):
            request.action_create_batch()  # the officer of the Sở: it is with the focal unit now
        batch = self.env["cks.request.batch"].browse(self.as_("admin", request).action_create_batch()["res_id"])
        self.assertEqual(batch.body_id, self.province)

    def test_escalation_climbs_body_by_body(self):
        """QĐ 25/2020 Vĩnh Phúc, Điều 3.2, 7.2: commune → district → Sở."""
        self.profile.write({"route_revocation": "escalate", "focal_body_id": self.province.id})
        request = self.approved(subscriber_id=self.sub_unit.id, certificate_id=self.cert_unit.id)
        self.assertEqual((request.state, request.holder_body_id), ("forwarded", self.dept_a))
        with self.assertRaisesRegex(Exception, "forward it"):
            request.action_create_batch()
        request.action_forward("Chuyển Sở TTTT")
        self.assertEqual(request.holder_body_id, self.province)
        with self.assertRaisesRegex(Exception, "reached the body"):
            self.as_("admin", request).action_forward()
        batch = self.env["cks.request.batch"].browse(self.as_("admin", request).action_create_batch()["res_id"])
        self.assertEqual(batch.body_id, self.province)

    def test_route_without_focal_body_is_explained(self):
        self.profile.write({"route_revocation": "focal"})
        request = self.draft()
        request.action_submit()
        request.action_verify()
        with self.assertRaisesRegex(Exception, "no focal unit body is set"):
            self.as_("head", request).action_approve()
        self.assertEqual(request.state, "verified")

    def test_notify_route_tells_the_focal_unit(self):
        """QĐ 09/2023 Bắc Ninh, Điều 5.3: a notice of every request to the centre."""
        self.profile.write({"route_revocation": "notify"})
        request = self.approved()
        self.assertEqual((request.state, request.holder_body_id), ("approved", self.dept_a))
        notices = self.env["mail.message"].search(
            [
                ("model", "=", "cks.request"),
                ("res_id", "=", request.id),
                ("partner_ids", "in", self.users["admin"].partner_id.ids),
            ]
        )
        self.assertTrue(notices)
