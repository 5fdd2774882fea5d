from odoo.tests import TransactionCase, tagged

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin

from ..lib import request_rules as rules
from ..models.cks_request import REQUEST_STATES

SERIAL = "54010101%s"
# Hà Tĩnh sends every request straight to the CA (QĐ 19/2020 Điều 9.3): none is ever forwarded
EXPECTED_STATES = {state for state, _label in REQUEST_STATES} - {"forwarded"}
BODY_LOGINS = {"thuebao", "vanthu", "canbo", "thutruong"}


@tagged("post_install", "-at_install")
class TestDemoStory(DemoMixin, TransactionCase):
    """The requests chapter of the demo province (only with demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.requests = cls.env["cks.request"].with_context(active_test=False).search([])
        cls.canbo = cls.env.ref("cks_subscriber.user_demo_canbo")
        cls.thutruong = cls.env.ref("cks_subscriber.user_demo_thutruong")

    def _token(self, suffix):
        return self.env["cks.token"].with_context(active_test=False).search([("serial", "=", SERIAL % suffix)])

    def test_every_type_in_every_state(self):
        self.assertEqual(set(self.requests.mapped("request_type")), {code for code, _label in rules.REQUEST_TYPES})
        self.assertEqual(set(self.requests.mapped("state")), EXPECTED_STATES)
        self.assertEqual(set(self.requests.mapped("route")) - {False}, {"direct"})

    def test_each_step_taken_by_the_demo_user_whose_role_it_is(self):
        decisions = self.requests.decision_ids
        self.assertEqual(set(decisions.user_id.mapped("login")), BODY_LOGINS)
        self.assertEqual(decisions.filtered(lambda d: d.step == "approve").user_id, self.thutruong)
        self.assertEqual(
            decisions.filtered(lambda d: d.step in ("verify", "batch", "send", "result_done")).user_id, self.canbo
        )
        for request in self.requests.filtered("approved_by_id").filtered(lambda r: r.request_type != "recovery"):
            self.assertNotIn(request.approved_by_id, request.drafted_by_id | request.verified_by_id)
        # the decisions and what the steps wrote speak Vietnamese
        self.assertIn("Đồng ý", " ".join(decisions.filtered(lambda d: d.step == "approve").mapped("comment")))

    def test_letter_of_revocations_with_one_refusal(self):
        batch = self.env["cks.request.batch"].search([("reference", "=", "125/STTTT-CNTT")])
        self.assertEqual(
            (batch.request_type, batch.channel, batch.state, batch.body_id),
            ("revocation", "ca_portal", "sent", self.env.ref("cks_subscriber.body_ht_stttt")),
        )
        self.assertEqual(batch.refused_count, 1)
        self.assertGreaterEqual(batch.done_count, 1)
        refused = batch.request_ids.filtered(lambda r: r.state == "refused")
        self.assertIn("không khớp", refused.result_reason)
        self.assertEqual(refused.certificate_id.state, "suspended")  # a refusal changes nothing
        for done in batch.request_ids.filtered(lambda r: r.state == "done"):
            self.assertEqual(done.certificate_id.state, "revoked")
            recovery = self.requests.filtered(lambda r, done=done: r.origin_id == done)
            self.assertEqual(recovery.request_type, "recovery")
            self.assertIn(recovery.state, ("recovering", "received"))
        # the lost device: its revocation carries the Form 15 the officer confirmed, and waits for the CA
        lost = batch.request_ids.filtered(lambda r: r.token_id == self._token("000023A1"))
        self.assertEqual((lost.grounds, lost.state, lost.drafted_by_id.login), ("device_lost", "sent", "thuebao"))
        self.assertEqual((lost.loss_report_id.state, lost.loss_report_id.token_id), ("confirmed", lost.token_id))
        self.assertEqual(lost.certificate_id.state, "valid")

    def test_overdue_recovery_flagged_with_its_activity(self):
        today = self.env["cks.province.profile"]._cks_today()
        overdue = self.requests.filtered("overdue")
        self.assertEqual(len(overdue), 1)
        self.assertEqual((overdue.request_type, overdue.state), ("recovery", "recovering"))
        self.assertLess(overdue.deadline, today)
        self.assertEqual(overdue.deadline, overdue._working_days().add(overdue.step_start, overdue.step_days))
        activity = overdue.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("cks_request.mail_activity_type_request_overdue")
        )
        self.assertEqual(activity.user_id, self.canbo)
        self.assertIn(overdue.name, activity.summary)
        self.assertEqual(overdue.token_id.recovery_deadline, overdue.deadline)
        self.assertEqual(overdue.token_id.state, "assigned")  # not back yet
        # the other recovery: the device is at the body, to be handed back to the CA
        received = self.requests.filtered(lambda r: r.state == "received")
        self.assertEqual(
            (received.request_type, received.token_id.state, received.overdue), ("recovery", "recovered", False)
        )

    def test_automatic_draft_of_a_retirement_waits_for_the_officer(self):
        drafts = self.requests.filtered(lambda r: r.auto_drafted and r.state == "draft")
        self.assertEqual(len(drafts), 1)
        self.assertEqual(
            (drafts.request_type, drafts.grounds, drafts.subscriber_id.employment_status),
            ("revocation", "retirement", "retired"),
        )
        self.assertEqual(drafts.certificate_id.state, "valid")
        self.assertEqual(drafts.activity_ids.user_id, self.canbo)
        # the other drafts the product made went on their way: a transfer and an exposed key
        self.assertEqual(
            set(self.requests.filtered(lambda r: r.auto_drafted and r.state == "done").mapped("grounds")),
            {"job_change", "key_exposed"},
        )

    def test_results_of_the_ca_applied(self):
        new = self.requests.filtered(lambda r: r.request_type == "new_individual" and r.state == "done")
        self.assertTrue(new.certificate_id.file)
        self.assertEqual(
            (new.certificate_id.subscriber_id, new.certificate_id.state, new.certificate_id.subject_cn),
            (new.subscriber_id, "valid", new.subscriber_id.name),
        )
        self.assertEqual(
            (new.token_id.serial, new.token_id.state, new.token_id.body_id),
            ("54010101000025C1", "issued", new.body_id),
        )
        self.assertIn(new.certificate_id, new.token_id.certificate_ids)
        renewal = self.requests.filtered(lambda r: r.request_type == "renewal")
        self.assertEqual((renewal.state, renewal.certificate_id.renewal_count), ("done", 1))
        self.assertFalse(renewal.certificate_id.exceeds_max_validity)
        restoration = self.requests.filtered(lambda r: r.request_type == "restoration")
        self.assertEqual((restoration.state, restoration.token_id.state), ("sent", "locked"))
        self.assertEqual(restoration.batch_id.channel, "in_person")

    def test_custody_chain_still_verifies(self):
        self.assertTrue(self.env["cks.custody.verification"]._run().intact)
