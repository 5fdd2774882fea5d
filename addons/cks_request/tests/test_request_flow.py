import datetime as dt

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .request_common import RequestCase


@tagged("post_install", "-at_install")
class TestRequestFlow(RequestCase):
    def test_revocation_from_draft_to_device_handed_back(self):
        request = self.draft()
        self.assertRegex(request.name, r"^\d+/YC-CKS$")
        self.assertEqual(
            (request.state, request.holder_body_id, request.drafted_by_id),
            ("draft", self.dept_a, self.users["officer"]),
        )
        self.assertEqual(request.form_pair, "Form 09 / Form 10")
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.deadline, self.env["cks.province.profile"]._cks_working_days().add(self.today(), 2))
        request.action_verify("Thông tin chính xác")
        self.as_("head", request).action_approve("Đồng ý")
        self.assertEqual(
            (request.state, request.route, request.approved_by_id), ("approved", "direct", self.users["head"])
        )

        action = request.action_create_batch()
        batch = self.env["cks.request.batch"].browse(action["res_id"])
        self.assertEqual(
            (batch.state, batch.request_type, batch.body_id, batch.form),
            ("draft", "revocation", self.dept_a, "Form 10"),
        )
        self.assertEqual(request.state, "batched")
        self.as_("officer", batch).action_send("axis", None, "15/STTTT-CNTT")
        working_days = self.env["cks.province.profile"]._cks_working_days()
        # the CA answers a revocation within 3 working days
        self.assertEqual((request.state, request.deadline), ("sent", working_days.add(self.today(), 3)))
        self.assertEqual(batch.deadline, request.deadline)

        request.action_record_result("done")
        self.assertEqual((request.state, self.cert_a.state, batch.state), ("done", "revoked", "closed"))
        recovery = self.env["cks.request"].search([("origin_id", "=", request.id)])
        self.assertEqual(
            (recovery.request_type, recovery.state, recovery.token_id), ("recovery", "recovering", self.token_a)
        )
        # NĐ 130/2018 Điều 71: 5 working days, the province's default here
        self.assertEqual(recovery.deadline, working_days.add(self.today(), 5))
        self.assertEqual(self.token_a.recovery_deadline, recovery.deadline)

        recovery.action_device_received("Văn thư đã thu hồi")
        self.assertEqual(
            (recovery.state, self.token_a.state, recovery.deadline),
            ("received", "recovered", working_days.add(self.today(), 5)),
        )
        recovery.action_hand_back("3/BB-TH")
        self.assertEqual(
            (recovery.state, self.token_a.state, recovery.handed_back_ref), ("done", "returned_ca", "3/BB-TH")
        )
        self.assertFalse(self.token_a.recovery_id)
        steps = request.decision_ids.sorted("id").mapped(lambda d: (d.step, d.user_id.login))
        self.assertEqual(
            steps,
            [
                ("submit", "t_officer"),
                ("verify", "t_officer"),
                ("approve", "t_head"),
                ("batch", "t_officer"),
                ("send", "t_officer"),
                ("result_done", "t_officer"),
            ],
        )
        self.assertTrue(self.verify().intact)

    def test_two_step_hand_back_of_dien_bien(self):
        """QĐ 29/2021 Điện Biên, Điều 19: 3 working days to the Sở, then 2 to the CA."""
        self.profile.write({"handback_subscriber_days": 3, "handback_ca_days": 2})
        request, _batch = self.sent()
        request.action_record_result("done")
        recovery = self.env["cks.request"].search([("origin_id", "=", request.id)])
        working_days = self.env["cks.province.profile"]._cks_working_days()
        self.assertEqual(recovery.deadline, working_days.add(self.today(), 3))
        recovery.action_device_received()
        self.assertEqual(recovery.deadline, working_days.add(self.today(), 2))

    def test_a_result_is_applied_once(self):
        request, _batch = self.sent()
        request.action_record_result("done")
        with self.assertRaisesRegex(UserError, "only for a request sent to the CA"):
            request.action_record_result("done")
        self.assertEqual(self.env["cks.request"].search_count([("origin_id", "=", request.id)]), 1)
        self.assertEqual(len(request.decision_ids.filtered(lambda d: d.step == "result_done")), 1)

    def test_ca_refusal_needs_a_reason_and_changes_nothing_else(self):
        request, batch = self.sent()
        with self.assertRaisesRegex(UserError, "reason"):
            request.action_record_result("refused", reason="  ")
        request.action_record_result("refused", reason="Thông tin thuê bao không khớp với CSDL")
        self.assertEqual((request.state, self.cert_a.state, batch.state), ("refused", "valid", "closed"))
        self.assertEqual(request.result_reason, "Thông tin thuê bao không khớp với CSDL")

    def test_result_on_a_request_never_sent_is_refused(self):
        request = self.approved()
        with self.assertRaisesRegex(UserError, "only for a request sent to the CA"):
            request.action_record_result("done")
        self.assertEqual((request.state, self.cert_a.state), ("approved", "valid"))

    def test_refusal_returns_to_draft_with_its_reason(self):
        request = self.draft()
        request.action_submit()
        with self.assertRaisesRegex(UserError, "reason"):
            request.action_refuse("")
        request.action_refuse("Thiếu quyết định nghỉ hưu kèm theo")
        self.assertEqual((request.state, request.submitted_by_id.id), ("draft", False))
        self.assertIn("Thiếu quyết định nghỉ hưu kèm theo", request.message_ids[0].body)
        self.assertEqual(request.decision_ids[0].step, "refuse")
        request.write({"grounds": "leaving"})  # back in draft: the drafter corrects it
        request.action_submit()
        self.assertEqual(request.state, "submitted")

    def test_approval_never_by_the_drafter_or_the_verifier(self):
        drafted_by_head = self.draft(role="head")
        drafted_by_head.action_submit()
        self.as_("officer", drafted_by_head).action_verify()
        with self.assertRaisesRegex(UserError, "another person, the head of the body"):
            drafted_by_head.action_approve()
        verified_by_head = self.draft(certificate_id=self.make_certificate(self.sub_own, 0xA030).id)
        verified_by_head.action_submit()
        self.as_("head", verified_by_head).action_verify()
        with self.assertRaisesRegex(UserError, "another person, the head of the body"):
            self.as_("head", verified_by_head).action_approve()
        self.assertEqual((drafted_by_head.state, verified_by_head.state), ("verified", "verified"))
        with self.assertRaises(AccessError):
            self.as_("officer", verified_by_head).action_approve()
        self.assertFalse(verified_by_head.decision_ids.filtered(lambda d: d.step == "approve"))

    def test_second_approval_is_refused(self):
        request = self.approved()
        with self.assertRaisesRegex(UserError, "cannot be approved"):
            self.as_("head", request).action_approve()
        self.assertEqual(len(request.decision_ids.filtered(lambda d: d.step == "approve")), 1)

    def test_content_and_flow_fields_are_closed_after_submission(self):
        request = self.draft()
        request.action_submit()
        with self.assertRaisesRegex(UserError, "only while it is a draft"):
            request.write({"grounds": "death"})
        for vals in ({"state": "approved"}, {"deadline": "2030-01-01"}, {"approved_by_id": self.users["head"].id}):
            with self.assertRaisesRegex(UserError, "steps of the procedure"):
                request.with_user(self.users["officer"]).write(vals)
        with self.assertRaisesRegex(UserError, "steps of the procedure"):
            self.env["cks.request"].with_user(self.users["officer"]).create(
                {"request_type": "revocation", "subscriber_id": self.sub_own.id, "state": "sent"}
            )
        self.assertEqual((request.state, request.grounds), ("submitted", "retirement"))

    def test_an_open_request_cannot_be_archived(self):
        request = self.draft()
        request.action_submit()
        with self.assertRaisesRegex(UserError, "Only a finished request"):
            request.action_archive()
        self.assertTrue(request.active)

    def test_decisions_are_append_only(self):
        request = self.draft()
        request.action_submit()
        decision = request.decision_ids
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            decision.sudo().write({"comment": "sửa"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            decision.sudo().unlink()
        with self.assertRaises(AccessError):
            self.env["cks.request.decision"].with_user(self.users["officer"]).create(
                {
                    "request_id": request.id,
                    "step": "approve",
                    "user_id": self.users["head"].id,
                    "decided_at": "2026-01-01",
                }
            )

    def test_subscriber_outside_the_officer_scope_is_refused(self):
        with self.assertRaisesRegex(UserError, "outside your scope"):
            self.draft(subscriber_id=self.sub_other.id, certificate_id=self.cert_other.id)
        self.assertFalse(self.env["cks.request"].search([("subscriber_id", "=", self.sub_other.id)]))

    def test_subscriber_drafts_and_submits_their_own(self):
        request = self.draft(role="subscriber")
        request.action_submit()
        self.assertEqual((request.state, request.submitted_by_id), ("submitted", self.users["subscriber"]))
        with self.assertRaises(AccessError):
            request.action_verify()
        with self.assertRaisesRegex(UserError, "outside your scope"):
            self.draft(role="subscriber", subscriber_id=self.sub_unit.id, certificate_id=self.cert_unit.id)


@tagged("post_install", "-at_install")
class TestRequestRules(RequestCase):
    def test_renewal_with_30_days_left_and_second_renewal(self):
        short = self.make_certificate(self.sub_own, 0xA010, days_after=30)
        request = self.draft(request_type="renewal", certificate_id=short.id)
        with self.assertRaisesRegex(UserError, "at least 60 days"):
            request.action_submit()
        renewed = self.make_certificate(self.sub_own, 0xA011, days_after=300, renewal_count=1)
        again = self.draft(request_type="renewal", certificate_id=renewed.id)
        with self.assertRaisesRegex(UserError, "renewed only once"):
            again.action_submit()
        self.assertEqual((request.state, again.state), ("draft", "draft"))

    def test_renewal_result_extends_within_three_years(self):
        request, _batch = self.sent(request_type="renewal")
        old_end = self.cert_a.valid_to
        with self.assertRaisesRegex(UserError, "at most 3 years"):
            request.action_record_result("done", valid_to=old_end + dt.timedelta(days=3 * 366 + 2))
        self.assertEqual((request.state, self.cert_a.valid_to, self.cert_a.renewal_count), ("sent", old_end, 0))
        request.action_record_result("done", valid_to=old_end + dt.timedelta(days=3 * 365))
        self.assertEqual(self.cert_a.valid_to, old_end + dt.timedelta(days=3 * 365))
        self.assertEqual(self.cert_a.renewal_count, 1)
        self.assertFalse(self.cert_a.exceeds_max_validity)
        self.assertFalse(self.cert_a.renewal_allowed)

    def test_revocation_without_grounds_and_loss_without_form_15(self):
        request = self.draft(grounds=False)
        with self.assertRaisesRegex(UserError, "grounds of the revocation"):
            request.action_submit()
        request.write({"grounds": "device_lost", "token_id": self.token_a.id})
        with self.assertRaisesRegex(UserError, "Form 15"):
            request.action_submit()
        self.assertEqual(request.state, "draft")

    def test_change_needs_its_details(self):
        request = self.draft(request_type="change")
        with self.assertRaisesRegex(UserError, "which information"):
            request.action_submit()
        request.write({"change_details": "Chức vụ: Phó Giám đốc"})
        request.action_submit()
        self.assertEqual(request.state, "submitted")

    def test_new_certificate_names_the_missing_details_then_delivers_the_device(self):
        request = self.draft(request_type="new_individual")
        with self.assertRaises(UserError) as caught:
            request.action_submit()
        for label in ("Personal ID Number (CCCD)", "Position", "Official E-mail", "Mobile"):
            self.assertIn(label, str(caught.exception))
        self.sub_own.write(
            {"cccd": "042095000123", "position": "Chuyên viên", "email": "an@stttt.gov.vn", "mobile": "0912345678"}
        )
        organisation = self.draft(request_type="new_organization")
        with self.assertRaisesRegex(UserError, "for a subscriber of the kind Organisation"):
            organisation.action_submit()
        request, _batch = self.sent(request_type="new_individual")
        with self.assertRaisesRegex(UserError, "Upload the certificate"):
            request.action_record_result("done")
        der = self.issue("Nguyễn Văn An", serial=0xC0FFEE)
        request.action_record_result(
            "done", certificate_file=self.b64(der), certificate_file_name="an.cer", device_serial="VT-0100"
        )
        cert = request.certificate_id
        self.assertEqual((cert.subscriber_id, cert.serial.upper(), cert.state), (self.sub_own, "C0FFEE", "valid"))
        token = request.token_id
        self.assertEqual((token.serial, token.state, token.body_id), ("VT-0100", "assigned", self.dept_a))
        self.assertEqual(token.custodian_id, self.users["subscriber"])
        self.assertIn(cert, token.certificate_ids)
        self.assertTrue(self.verify().intact)

    def test_restoration_unlocks_the_device(self):
        restoration = self.draft(request_type="restoration", token_id=self.token_a.id)
        with self.assertRaisesRegex(UserError, "only a device locked"):
            restoration.action_submit()
        self.token_a._transition("lock", reason="Nhập sai PIN quá số lần")
        request, _batch = self.sent(request_type="restoration", token_id=self.token_a.id)
        self.assertEqual(request.form_pair, "Form 11 / Form 12")
        request.action_record_result("done")
        self.assertEqual((self.token_a.state, self.token_a.custodian_id), ("assigned", self.users["custodian"]))
        last = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual((last.event_type, last.document_ref), ("restored", request.name))
        self.assertTrue(self.verify().intact)

    def test_batch_mixes_neither_types_nor_bodies(self):
        revocation = self.approved()
        change = self.approved(
            request_type="change",
            change_details="Đổi chức vụ",
            certificate_id=self.make_certificate(self.sub_own, 0xA020).id,
        )
        with self.assertRaisesRegex(UserError, "one type"):
            (revocation | change).action_create_batch()
        self.env["cks.body"].browse(self.unit_a.id)  # the unit's request stays with the unit
        unit_request = self.approved(subscriber_id=self.sub_unit.id, certificate_id=self.cert_unit.id)
        self.assertEqual(unit_request.holder_body_id, self.unit_a)
        with self.assertRaisesRegex(UserError, "sent by one body"):
            (revocation | unit_request).action_create_batch()
        self.assertEqual((revocation.state, change.state, unit_request.state), ("approved", "approved", "approved"))
        self.assertFalse(self.env["cks.request.batch"].search([("request_ids", "in", revocation.ids)]))

    def test_sent_date_cannot_be_in_the_future(self):
        request = self.approved()
        batch = self.env["cks.request.batch"].browse(request.action_create_batch()["res_id"])
        with self.assertRaisesRegex(UserError, "future"):
            batch.action_send("post", self.today() + dt.timedelta(days=1), "1/CV")
        with self.assertRaisesRegex(UserError, "how the letter was sent"):
            batch.action_send("fax", None, "1/CV")
        self.assertEqual((batch.state, request.state), ("draft", "batched"))
        batch.action_cancel()
        self.assertEqual((batch.state, request.state, request.batch_id.id), ("cancelled", "approved", False))
