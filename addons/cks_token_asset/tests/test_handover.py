from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestHandover(TokenCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.giver = cls.users["custodian"]  # holds VT-0001
        cls.receiver = cls.users["officer"]

    def _draft(self, giver=None, receiver=None, tokens=None):
        giver = giver or self.giver
        return (
            self.env["cks.handover"]
            .with_user(giver)
            .create(
                {
                    "place": "Phòng Văn thư, Sở Thông tin và Truyền thông",
                    "receiver_id": (receiver or self.receiver).id,
                    "witness_id": self.users["head"].id,
                    "line_ids": [Command.create({"token_id": token.id}) for token in (tokens or self.token_a)],
                }
            )
        )

    def _handover_events(self, token):
        return token.event_ids.filtered(lambda e: e.event_type == "handover")

    def test_both_sides_confirm_then_custody_changes(self):
        handover = self._draft()
        handover.action_submit()
        self.assertEqual(handover.state, "waiting")
        self.assertRegex(handover.name, r"^\d+/BB-BG$")
        self.assertEqual(self.token_a.custodian_id, self.giver, "nothing changes before the receiver confirms")
        self.assertFalse(self._handover_events(self.token_a))
        self.assertEqual(handover.activity_ids.user_id, self.receiver)
        # pending: visible to both sides and to the body's officer
        self.assertTrue(handover.with_user(self.giver).read(["state"]))
        self.assertTrue(handover.with_user(self.users["head"]).read(["state"]))
        handover.with_user(self.receiver).action_confirm_receipt()
        self.assertEqual(handover.state, "done")
        self.assertEqual(self.token_a.custodian_id, self.receiver)
        event = self._handover_events(self.token_a)
        self.assertEqual(len(event), 1)
        self.assertEqual((event.custodian_from_id, event.custodian_to_id), (self.giver, self.receiver))
        self.assertEqual(event.document_ref, handover.name)
        self.assertEqual(event.actor_id, self.receiver)
        self.assertFalse(handover.activity_ids)
        self.assertTrue(self.verify().intact)

    def test_custodian_receiver_who_cannot_see_the_device_yet(self):
        """Need-to-know: the receiver does not see the device before it is theirs, yet confirms it."""
        receiver = new_test_user(
            self.env, login="t_receiver", groups="cks_subscriber.group_cks_custodian", cks_body_id=self.dept_a.id
        )
        self.assertFalse(self.env["cks.token"].with_user(receiver).search([("serial", "=", "VT-0001")]))
        handover = self._draft(receiver=receiver)
        handover.action_submit()
        handover.with_user(receiver).action_confirm_receipt()
        self.assertEqual(self.token_a.custodian_id, receiver)
        self.assertEqual(self._handover_events(self.token_a).actor_id, receiver)
        self.assertTrue(self.env["cks.token"].with_user(receiver).search([("serial", "=", "VT-0001")]))

    def test_receiver_refuses_with_a_reason(self):
        handover = self._draft()
        handover.action_submit()
        action = handover.with_user(self.receiver).action_refuse()
        Refuse = self.env[action["res_model"]].with_user(self.receiver).with_context(**action["context"])
        with self.assertRaises(UserError):
            Refuse.create({"reason": "   "}).action_confirm()  # no reason given
        self.assertEqual(handover.state, "waiting")
        Refuse.create({"reason": "Thiết bị không có phong bì PIN"}).action_confirm()
        self.assertEqual((handover.state, handover.refusal_reason), ("refused", "Thiết bị không có phong bì PIN"))
        self.assertEqual(self.token_a.custodian_id, self.giver)
        self.assertFalse(self._handover_events(self.token_a))

    def test_third_user_cannot_confirm(self):
        handover = self._draft()
        handover.action_submit()
        with self.assertRaises(UserError) as caught:
            handover.with_user(self.users["head"]).action_confirm_receipt()
        self.assertIn(self.receiver.name, str(caught.exception))
        with self.assertRaises(AccessError):  # not a party: does not even see the record
            handover.with_user(self.users["subscriber"]).action_confirm_receipt()
        self.assertEqual(handover.state, "waiting")
        self.assertEqual(self.token_a.custodian_id, self.giver)

    def test_device_not_in_the_givers_custody(self):
        handover = self._draft(giver=self.users["head"], receiver=self.receiver)
        with self.assertRaises(UserError) as caught:
            handover.action_submit()
        self.assertIn("VT-0001", str(caught.exception))
        self.assertEqual(handover.state, "draft")

    def test_two_records_of_the_same_device_only_one_succeeds(self):
        first = self._draft()
        second = self._draft(receiver=self.users["head"])
        (first | second).action_submit()
        first.with_user(self.receiver).action_confirm_receipt()
        with self.assertRaises(UserError) as caught:
            second.with_user(self.users["head"]).action_confirm_receipt()
        self.assertIn("not in the custody", str(caught.exception))
        self.assertEqual(second.state, "waiting")
        self.assertEqual(len(self._handover_events(self.token_a)), 1)
        self.assertEqual(self.token_a.custodian_id, self.receiver)

    def test_confirming_twice_is_refused(self):
        handover = self._draft()
        handover.action_submit()
        handover.with_user(self.receiver).action_confirm_receipt()
        with self.assertRaises(UserError):
            handover.with_user(self.receiver).action_confirm_receipt()
        self.assertEqual(len(self._handover_events(self.token_a)), 1)
