"""A revocation through the browser, step by step as the demo users whose steps they are
(headless Chromium, in Vietnamese). Needs the demo data."""

from odoo.tests import HttpCase, tagged

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin

DEVICE = "54010101000025B1"


@tagged("post_install", "-at_install")
class TestRequestTours(DemoMixin, HttpCase):
    def setUp(self):
        super().setUp()
        # the officer records the retirement: the product drafts the revocation (the demo story
        # already did, and recording it again changes nothing)
        self.subscriber = self.env.ref("cks_subscriber.sub_ht_dang_thi_thu_huong")
        self.subscriber.with_user(self._user("canbo")).write({"employment_status": "retired"})
        self.request = self.env["cks.request"].search(
            [("subscriber_id", "=", self.subscriber.id), ("state", "not in", ("done", "refused", "cancelled"))]
        )
        self.token = self.env["cks.token"].search([("serial", "=", DEVICE)])
        self.certificate = self.request.certificate_id

    def test_revocation_after_retirement_from_draft_to_device_recovery(self):
        self.assertEqual(
            (self.request.request_type, self.request.state, self.request.grounds, self.request.auto_drafted),
            ("revocation", "draft", "retirement", True),
        )
        self.assertIn(self.certificate, self.token.certificate_ids)
        self.assertEqual((self.certificate.state, self.token.state), ("valid", "assigned"))

        self.start_tour("/odoo", "cks_request_officer_tour", login="canbo")
        self.env.invalidate_all()
        self.assertEqual(
            (self.request.state, self.request.submitted_by_id, self.request.verified_by_id),
            ("verified", self._user("canbo"), self._user("canbo")),
        )
        self.assertIn("1234/QĐ-UBND", self.request.comment)

        self.start_tour("/odoo", "cks_request_head_tour", login="thutruong")
        self.env.invalidate_all()
        self.assertEqual((self.request.state, self.request.approved_by_id), ("approved", self._user("thutruong")))

        self.start_tour("/odoo", "cks_request_admin_tour", login="quantri")
        self.env.invalidate_all()
        quantri = self._user("quantri")
        batch = self.request.batch_id
        self.assertEqual(
            (batch.reference, batch.channel, batch.state, batch.sent_by_id),
            ("131/STTTT-CNTT", "ca_portal", "closed", quantri),
        )
        self.assertEqual((self.request.state, self.request.result_by_id), ("done", quantri))
        self.assertEqual(self.certificate.state, "revoked")
        recovery = self.env["cks.request"].search([("origin_id", "=", self.request.id)])
        self.assertEqual(
            (recovery.request_type, recovery.state, recovery.token_id), ("recovery", "recovering", self.token)
        )
        self.assertTrue(recovery.deadline)
        self.assertEqual(self.token.recovery_deadline, recovery.deadline)
        steps = self.request.decision_ids.sorted("id").mapped(lambda d: (d.step, d.user_id.login))
        self.assertEqual(
            steps,
            [
                ("submit", "canbo"),
                ("verify", "canbo"),
                ("approve", "thutruong"),
                ("batch", "quantri"),
                ("send", "quantri"),
                ("result_done", "quantri"),
            ],
        )
        self.assertTrue(self.env["cks.custody.verification"]._run().intact)
