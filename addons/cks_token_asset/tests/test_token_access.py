from odoo.exceptions import AccessError
from odoo.tests import tagged

from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestTokenAccess(TokenCase):
    def _visible(self, role):
        user = self.users[role]
        tokens = self.env["cks.token"].with_user(user).search([("serial", "in", ["VT-0001", "VT-0002"])])
        events = (
            self.env["cks.custody.event"]
            .with_user(user)
            .search([("token_id", "in", (self.token_a | self.token_b).ids)])
        )
        return set(tokens.mapped("serial")), set(events.token_id.ids)

    def test_need_to_know_per_role(self):
        both = {"VT-0001", "VT-0002"}
        expected = {
            "subscriber": set(),  # holds no device
            "custodian": {"VT-0001"},  # its own custody
            "officer": {"VT-0001"},  # the subtree of department A
            "head": {"VT-0001"},
            "admin": both,
            "auditor": both,
        }
        for role, serials in expected.items():
            with self.subTest(role=role):
                tokens, event_tokens = self._visible(role)
                self.assertEqual(tokens, serials)
                expected_ids = set(self.env["cks.token"].search([("serial", "in", list(serials))]).ids)
                self.assertEqual(event_tokens, expected_ids, "custody events follow their device")

    def test_other_body_device_by_url(self):
        with self.assertRaises(AccessError):
            self.token_b.with_user(self.users["officer"]).read(["serial"])

    def test_who_may_move_a_device(self):
        for role in ("subscriber", "custodian", "auditor"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.token_a.with_user(self.users[role])._transition("relocate", location="X", reason="x")
        with self.assertRaises(AccessError):
            self.token_b.with_user(self.users["officer"])._transition("relocate", location="X", reason="x")
        self.token_a.with_user(self.users["officer"])._transition("relocate", location="Két sắt", reason="x")
        self.assertEqual(self.token_a.location, "Két sắt")
        for role in ("officer", "head", "subscriber", "auditor"):
            with self.subTest(create=role), self.assertRaises(AccessError):
                self.env["cks.token"].with_user(self.users[role]).create({"serial": f"NEW-{role}"})

    def test_auditor_runs_the_verification(self):
        result = self.env["cks.custody.verification"].with_user(self.users["auditor"]).action_run()
        verification = self.env["cks.custody.verification"].browse(result["res_id"])
        self.assertTrue(verification.intact)
        with self.assertRaises(AccessError):
            self.env["cks.custody.verification"].with_user(self.users["officer"]).action_run()
