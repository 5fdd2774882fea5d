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

    def test_verification_menu_lists_past_results_and_verify_now_runs_one(self):
        """The menu opens the past verifications (most recent first) and runs nothing; the list's
        Verify Now button runs one, for the province and the auditors only, and opens it under a
        readable name."""
        Verification = self.env["cks.custody.verification"]
        menu = self.env.ref("cks_token_asset.menu_cks_custody_verifications")
        self.assertEqual(menu.action, self.env.ref("cks_token_asset.cks_custody_verification_action"))
        self.assertEqual(menu.action.type, "ir.actions.act_window", "opening the menu verifies nothing")
        menus = self.env["ir.ui.menu"].search([("parent_id", "=", menu.parent_id.id)])
        self.assertFalse(menus.filtered(lambda m: m.action and m.action.type == "ir.actions.server"))
        arch = Verification.with_user(self.users["auditor"]).get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="action_verify_now"', arch)
        older = Verification._run()
        before = Verification.search_count([])
        result = Verification.with_user(self.users["auditor"]).browse().action_verify_now()
        self.assertEqual(Verification.search_count([]), before + 1)
        latest = Verification.browse(result["res_id"])
        self.assertEqual(Verification.search([], limit=2), latest | older, "the most recent first")
        self.assertRegex(latest.display_name, r"^Verification of \d")
        self.assertEqual(result["name"], latest.display_name)
        with self.assertRaises(AccessError):
            Verification.with_user(self.users["officer"]).browse().action_verify_now()
        self.assertEqual(Verification.search_count([]), before + 1)
