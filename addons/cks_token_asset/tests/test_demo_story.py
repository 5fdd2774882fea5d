from datetime import timedelta

from odoo.tests import TransactionCase, tagged

from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin

from ..models.cks_token import TOKEN_STATES

DEMO_LOGINS = (
    "thuebao", "vanthu", "canbo", "thutruong", "quantri", "thanhtra",
    "vanthu.vp", "hieupv", "thangvv", "huongdtt", "longtd", "hoant", "vanthu.snv", "vanthu.cx", "tuanvd",
)  # fmt: skip


@tagged("post_install", "-at_install")
class TestDemoStory(DemoMixin, TransactionCase):
    """The demo province tells its story through the models' own steps (only with demo data)."""

    def test_devices_in_every_state_with_years_of_history(self):
        tokens = self.env["cks.token"].with_context(active_test=False).search([("serial", "=like", "54010101%")])
        self.assertGreaterEqual(len(tokens), 40)
        self.assertEqual(set(tokens.mapped("state")), {state for state, _label in TOKEN_STATES})
        events = tokens.event_ids
        self.assertLess(min(events.mapped("occurred_at")), max(events.mapped("recorded_at")) - timedelta(days=2 * 365))
        register = events.filtered("from_register")
        self.assertGreaterEqual(len(register), 100)
        self.assertEqual(register.actor_id, self.env.ref("cks_subscriber.user_demo_quantri"))
        self.assertTrue(self.env["cks.custody.verification"]._run().intact)

    def test_handovers_loss_and_stocktakes(self):
        handovers = self.env["cks.handover"].search([], order="id", limit=3)  # this chapter's three records
        vanthu = self.env.ref("cks_subscriber.user_demo_vanthu")
        waiting = handovers.filtered(lambda record: record.state == "waiting")
        self.assertEqual(waiting.receiver_id, vanthu)
        self.assertEqual(waiting.activity_ids.user_id, vanthu)
        self.assertEqual(len(handovers.filtered(lambda record: record.state == "done")), 1)
        refused = handovers.filtered(lambda record: record.state == "refused")
        self.assertIn("phong bì", refused.refusal_reason)
        loss = self.env["cks.loss.report"].search([("state", "=", "confirmed")])
        self.assertEqual(len(loss), 1)
        self.assertEqual(loss.token_id.state, "lost")
        self.assertEqual(loss.activity_ids.user_id, self.env.ref("cks_subscriber.user_demo_canbo"))
        self.assertIn(loss.token_id.serial, loss.activity_ids.summary)  # "request revocation of the certificates on …"
        stocktakes = self.env["cks.stocktake"].search([])
        done = stocktakes.filtered(lambda record: record.state == "done")
        self.assertEqual(len(done.line_ids.filtered(lambda line: line.result == "missing")), 1)
        self.assertTrue(done.anchor_hash)
        self.assertEqual(stocktakes.filtered(lambda record: record.state == "counting").mapped("state"), ["counting"])
        verification = self.env["cks.custody.verification"].search([], order="id", limit=1)
        self.assertTrue(verification.intact)
        self.assertTrue(verification.anchor_hash)

    def test_every_demo_user_has_a_subscriber_record_and_a_body(self):
        users = self.env["res.users"].search([("login", "in", DEMO_LOGINS)])
        self.assertEqual(len(users), len(DEMO_LOGINS))
        linked = self.env["cks.subscriber"].search([("user_id", "in", users.ids)]).user_id
        self.assertEqual(linked, users)
        self.assertTrue(all(users.mapped("cks_body_id")))
        profile = self.env["cks.province.profile"]._get_current()
        self.assertTrue(profile)
        self.assertIn("Hà Tĩnh", profile.name)
