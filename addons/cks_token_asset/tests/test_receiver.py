"""The receiver of a handover record confirms or refuses it in their own session, whatever
their role (review of issue 11, finding 4), and the receiver picker offers only people who may
hold devices."""

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .token_common import TokenCase

# what the web client reads to show the handover form, lines included
FORM_SPEC = {
    "name": {},
    "state": {},
    "giver_id": {"fields": {"display_name": {}}},
    "receiver_id": {"fields": {"display_name": {}}},
    "is_receiver": {},
    "line_ids": {
        "fields": {
            "token_id": {"fields": {"display_name": {}}},
            "token_type": {},
            "certificate_serials": {},
            "condition": {},
            "accessories": {},
        }
    },
}


@tagged("post_install", "-at_install")
class TestReceiver(TokenCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.holder = new_test_user(
            cls.env, login="t_holder", groups="cks_subscriber.group_cks_subscriber", cks_body_id=cls.dept_a.id
        )

    def _submitted(self, receiver):
        handover = (
            self.env["cks.handover"]
            .with_user(self.users["custodian"])
            .create(
                {
                    "place": "Phòng Văn thư",
                    "receiver_id": receiver.id,
                    "line_ids": [Command.create({"token_id": self.token_a.id})],
                }
            )
        )
        handover.action_submit()
        return handover

    def test_subscriber_only_receiver_opens_and_confirms(self):
        handover = self._submitted(self.holder)
        [form] = handover.with_user(self.holder).web_read(FORM_SPEC)
        self.assertTrue(form["is_receiver"])
        [line] = form["line_ids"]
        self.assertEqual(line["token_id"]["display_name"], "VT-0001")
        self.assertEqual((line["token_type"], line["condition"]), ("usb", "good"))
        handover.with_user(self.holder).action_confirm_receipt()
        self.assertEqual((handover.state, self.token_a.custodian_id), ("done", self.holder))
        self.assertTrue(handover.confirmed_at)
        self.assertTrue(self.verify().intact)

    def test_subscriber_only_receiver_refuses(self):
        handover = self._submitted(self.holder)
        action = handover.with_user(self.holder).action_refuse()
        wizard = self.env[action["res_model"]].with_user(self.holder).with_context(**action["context"])
        wizard.create({"reason": "Thiếu phong bì PIN"}).action_confirm()
        self.assertEqual((handover.state, self.token_a.custodian_id), ("refused", self.users["custodian"]))

    def test_receiver_picker_offers_device_holders_only(self):
        auditor_only = self.users["auditor"]
        portal = new_test_user(self.env, login="t_portal", groups="base.group_portal")
        plain = new_test_user(self.env, login="t_plain", groups="base.group_user")
        giver = self.users["custodian"]
        Handover = self.env["cks.handover"].with_user(giver)
        domain = Handover.fields_get(["receiver_id"])["receiver_id"]["domain"]
        self.assertIsInstance(domain, str, "evaluated by the web client, for the user who picks")
        candidates = set(self.env["res.users"].with_user(giver).search(safe_eval(domain, {"uid": giver.id})).ids)
        self.assertIn(self.holder.id, candidates)
        self.assertIn(self.users["officer"].id, candidates)
        for user in (giver, auditor_only, portal, plain, self.env.ref("base.user_root")):
            self.assertNotIn(user.id, candidates, user.login)
        # and the server refuses one anyway
        handover = Handover.create(
            {"place": "x", "receiver_id": auditor_only.id, "line_ids": [Command.create({"token_id": self.token_a.id})]}
        )
        with self.assertRaisesRegex(Exception, "cannot hold key-storage devices"):
            handover.action_submit()
        self.assertEqual(handover.state, "draft")
