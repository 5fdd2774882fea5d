"""Anchors leave the database (review of issue 11, finding 6): a database owner who disables the
triggers can rewrite the chain, its head and the devices' records consistently, so that the
chain verifies; an anchor an auditor kept from before still names where it was rewritten."""

import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import custody_chain as chain
from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestChainAnchors(TokenCase):
    def _as_owner(self, statement, params=()):
        """A statement run as the database owner, with every trigger of ours disabled."""
        self.env.flush_all()
        cr = self.env.cr
        for table in ("cks_custody_event", "cks_custody_head"):
            cr.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cr.execute(statement, params)
        for table in ("cks_custody_event", "cks_custody_head"):
            cr.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        self.env.invalidate_all()

    def _rechain(self):
        """Hash every event anew from the first one, and set the devices' records and the head to
        match: what an owner does after editing or deleting events."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(f"SELECT id, {', '.join(chain.EVENT_FIELDS)} FROM cks_custody_event ORDER BY global_sequence")
        writer = chain.ChainWriter()
        updates = []
        for number, (event_id, *values) in enumerate(cr.fetchall(), start=1):
            event = dict(zip(chain.EVENT_FIELDS, values, strict=True))
            event["global_sequence"] = number
            event["sequence"] = writer.next_sequences(event["token_id"])[0]
            updates.append((event["sequence"], number, writer.append(event), event_id))
        statements = ["UPDATE cks_custody_event SET sequence = %s, global_sequence = %s, event_hash = %s WHERE id = %s"]
        self.env.flush_all()
        for table in ("cks_custody_event", "cks_custody_head"):
            cr.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cr.execute("UPDATE cks_custody_event SET global_sequence = -global_sequence, sequence = -sequence")
        for params in updates:
            cr.execute(statements[0], params)
        for token_id, (length, last_hash) in writer.tokens.items():
            cr.execute(
                "UPDATE cks_token SET history_length = %s, history_hash = %s WHERE id = %s",
                [length, last_hash, token_id],
            )
        cr.execute(
            "UPDATE cks_custody_head SET event_count = %s, last_hash = %s", [writer.head_count, writer.head_hash]
        )
        for table in ("cks_custody_event", "cks_custody_head"):
            cr.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        self.env.invalidate_all()

    def _check(self, *verifications, user=None):
        text = "\n".join(verification.anchor_text for verification in verifications)
        wizard = self.env["cks.custody.anchor.check"].with_user(user or self.users["auditor"]).create({"anchors": text})
        return self.env["cks.custody.verification"].browse(wizard.action_check()["res_id"])

    def test_head_moves_forward_only(self):
        head = self.env.ref("cks_token_asset.custody_head_main")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT event_hash FROM cks_custody_event WHERE global_sequence = %s", [head.event_count - 1]
        )
        previous_hash = self.env.cr.fetchone()[0]
        for statement, params in (
            ("DELETE FROM cks_custody_head", []),
            ("UPDATE cks_custody_head SET event_count = event_count - 1, last_hash = %s", [previous_hash]),
            ("UPDATE cks_custody_head SET last_hash = %s", ["0" * 64]),
            ("TRUNCATE cks_custody_head", []),
        ):
            with (
                self.subTest(statement=statement.split()[0]),
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.Error),
                self.env.cr.savepoint(),
            ):
                self.env.cr.execute(statement, params)
        self.token_a._transition("relocate", location="Két sắt", reason="the head still moves forward")
        self.assertTrue(self.verify().intact)

    def test_each_verification_takes_an_anchor_and_sends_it_to_the_auditors(self):
        result = self.env["cks.custody.verification"].browse(
            self.env["cks.custody.verification"].with_user(self.users["admin"]).action_run()["res_id"]
        )
        head = self.env.ref("cks_token_asset.custody_head_main")
        self.assertEqual((result.anchor_sequence, result.anchor_hash), (head.event_count, head.last_hash))
        self.assertEqual(
            chain.parse_anchors(result.anchor_text),
            [chain.Anchor(head.event_count, head.last_hash, result.anchor_taken_at)],
        )
        self.assertTrue(result.anchor_qr)
        message = result.message_ids.filtered(lambda m: result.anchor_text in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn(self.users["auditor"].partner_id, message.partner_ids)

    def test_a_rewritten_chain_verifies_but_the_anchor_names_the_rewrite(self):
        early = self.verify()  # anchor at the 5th event
        self.token_a._transition("relocate", location="Két sắt", reason="Chuyển két")
        later = self.verify()  # anchor at the 6th
        event = self.token_b.event_ids.filtered(lambda e: e.sequence == 2)  # the 5th event of the chain
        self._as_owner("UPDATE cks_custody_event SET reason = 'Cấp cho Sở khác' WHERE id = %s", [event.id])
        self._rechain()
        self.assertTrue(self.verify().intact, "inside the database the rewrite cannot be seen")
        result = self._check(early, later)
        self.assertFalse(result.intact)
        self.assertEqual(
            [(line.kind, line.global_sequence) for line in result.line_ids],
            [(chain.ANCHOR_MISMATCH, early.anchor_sequence), (chain.ANCHOR_MISMATCH, later.anchor_sequence)],
        )
        self.assertIn(early.anchor_text, result.anchors_checked)

    def test_cut_newest_events_and_head_moved_back_are_caught_by_an_anchor(self):
        self.token_a._transition("relocate", location="Két sắt", reason="x")
        kept = self.verify()
        last = self.env["cks.custody.event"].search([], order="global_sequence desc", limit=1)
        self._as_owner("DELETE FROM cks_custody_event WHERE id = %s", [last.id])
        self._rechain()
        self.assertTrue(self.verify().intact)
        result = self._check(kept)
        self.assertEqual(result.line_ids.mapped("kind"), [chain.ANCHOR_MISMATCH])
        self.assertEqual(result.line_ids.global_sequence, kept.anchor_sequence)

    def test_matching_anchor_keeps_the_chain_intact(self):
        kept = self.verify()
        self.token_a._transition("relocate", location="Két sắt", reason="after the anchor")
        result = self._check(kept)
        self.assertTrue(result.intact)
        self.assertFalse(result.line_ids)

    def test_anchor_input_is_checked(self):
        kept = self.verify()
        wizard = self.env["cks.custody.anchor.check"].with_user(self.users["auditor"])
        with self.assertRaises(UserError) as caught:
            wizard.create({"anchors": f"{kept.anchor_text}\nkhông phải mỏ neo"}).action_check()
        self.assertIn("2", str(caught.exception))
        with self.assertRaises(AccessError):
            self.env["cks.custody.anchor.check"].with_user(self.users["officer"]).create(
                {"anchors": kept.anchor_text}
            ).action_check()

    def test_stocktake_record_carries_the_anchor(self):
        officer = self.users["officer"]
        stocktake = self.env["cks.stocktake"].with_user(officer).create({"body_id": self.dept_a.id})
        stocktake.action_start()
        stocktake.scan_serial = "VT-0001"
        stocktake.action_record()
        stocktake.action_done()
        head = self.env.ref("cks_token_asset.custody_head_main")
        self.assertEqual((stocktake.anchor_sequence, stocktake.anchor_hash), (head.event_count, head.last_hash))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cks_token_asset.action_report_stocktake", stocktake.ids)[0]
            .decode()
        )
        self.assertIn(stocktake.anchor_text, html)
        self.assertIn("data:image/png;base64,", html)
        self.assertIn("VT-0001", html)
        self.assertTrue(self._check(stocktake).intact, "the printed anchor checks")
