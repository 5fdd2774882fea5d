from types import SimpleNamespace

import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import custody_chain as chain
from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestCustodyChain(TokenCase):
    def _event(self, token, sequence):
        return token.event_ids.filtered(lambda e: e.sequence == sequence)

    def test_orm_refuses_changes(self):
        event = self._event(self.token_a, 2)
        with self.assertRaises(UserError):
            event.write({"reason": "sửa"})
        with self.assertRaises(UserError):
            event.unlink()
        with self.assertRaises(UserError):
            self.env["cks.custody.event"].create({"token_id": self.token_a.id})

    def test_trigger_refuses_sql_update_and_delete(self):
        event = self._event(self.token_a, 2)
        for statement in (
            "UPDATE cks_custody_event SET reason = 'sửa' WHERE id = %s",
            "DELETE FROM cks_custody_event WHERE id = %s",
        ):
            with self.subTest(statement=statement.split()[0]):
                with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.Error) as caught, self.env.cr.savepoint():
                    self.env.cr.execute(statement, [event.id])
                self.assertIn("append-only", str(caught.exception))

    def _without_trigger(self, statement, params):
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE cks_custody_event DISABLE TRIGGER cks_custody_event_append_only")
        self.env.cr.execute(statement, params)
        self.env.cr.execute("ALTER TABLE cks_custody_event ENABLE TRIGGER cks_custody_event_append_only")
        self.env.invalidate_all()

    def test_tampering_names_the_exact_event(self):
        event = self._event(self.token_a, 2)
        self._without_trigger("UPDATE cks_custody_event SET reason = 'Cấp cho Sở khác' WHERE id = %s", [event.id])
        result = self.verify()
        self.assertFalse(result.intact)
        self.assertEqual(len(result.line_ids), 1, "one altered event is reported once")
        line = result.line_ids
        self.assertEqual((line.token_id, line.kind, line.sequence), (self.token_a, chain.ALTERED, 2))
        self.assertEqual(line.global_sequence, event.global_sequence)
        self.assertTrue(result.summary.endswith("1 breaks (1 × Event altered)."), result.summary)

    def test_deleting_a_whole_history_names_that_device(self):
        """Review finding 5: every event of one device deleted; the report named another device
        and never the one that lost its history."""
        self.token_a._transition("relocate", location="Két sắt", reason="after device B's history")
        self._without_trigger("DELETE FROM cks_custody_event WHERE token_id = %s", [self.token_b.id])
        result = self.verify()
        self.assertFalse(result.intact)
        missing = result.line_ids.filtered(lambda line: line.kind == chain.HISTORY_MISSING)
        self.assertEqual(missing.token_id, self.token_b, "the device whose history is gone is named")
        gaps = result.line_ids.filtered(lambda line: line.kind == chain.GLOBAL_SEQUENCE_GAP)
        self.assertEqual(gaps.token_id, self.token_a, "and the chain's gap where the next event follows it")

    def test_cutting_a_devices_newest_events_names_it(self):
        self.token_b._transition("relocate", location="Két sắt", reason="x")
        self.token_a._transition("relocate", location="Tủ", reason="after it")
        last_b = self.token_b.event_ids.sorted("sequence")[-1]
        cut_at = last_b.sequence
        self._without_trigger("DELETE FROM cks_custody_event WHERE id = %s", [last_b.id])
        result = self.verify()
        missing = result.line_ids.filtered(lambda line: line.kind == chain.HISTORY_MISSING)
        self.assertEqual(missing.token_id, self.token_b)
        self.assertIn(str(cut_at), missing.detail)

    def test_replaced_event_is_named_not_its_successors(self):
        """Review finding 5: an event edited and hashed anew made its two successors read
        "Event altered"; the event itself must be named, as replaced."""
        self.token_a._transition("relocate", location="Két sắt", reason="after device B's events")
        event = self._event(self.token_a, 3)  # its device successor is A's event 4, its global one B's first
        self.assertNotEqual(self._event(self.token_a, 4).global_sequence, event.global_sequence + 1)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT e.event_hash FROM cks_custody_event e WHERE e.global_sequence = %s", [event.global_sequence - 1]
        )
        previous_global = self.env.cr.fetchone()[0]
        previous_token = self._event(self.token_a, 2).event_hash
        forged = {name: event[name] for name in chain.EVENT_FIELDS}
        for name in ("token_id", "actor_id", "custodian_from_id", "custodian_to_id", "body_id"):
            forged[name] = forged[name].id or None
        for name in ("state_from", "state_to", "location", "reason", "document_ref"):
            forged[name] = forged[name] or None
        forged["reason"] = "Cấp cho Sở khác"
        new_hash = chain.compute_hash(previous_token, previous_global, forged)
        self._without_trigger(
            "UPDATE cks_custody_event SET reason = %s, event_hash = %s WHERE id = %s",
            [forged["reason"], new_hash, event.id],
        )
        result = self.verify()
        self.assertFalse(result.intact)
        self.assertEqual(
            [(line.kind, line.token_id, line.global_sequence) for line in result.line_ids],
            [(chain.REPLACED, self.token_a, event.global_sequence)],
        )

    def test_cutting_the_newest_events_is_detected(self):
        last = self.env["cks.custody.event"].search([], order="global_sequence desc", limit=1)
        self._without_trigger("DELETE FROM cks_custody_event WHERE id = %s", [last.id])
        result = self.verify()
        self.assertFalse(result.intact)
        self.assertIn(chain.HEAD_MISMATCH, result.line_ids.mapped("kind"))

    def test_clean_chain_and_daily_cron(self):
        result = self.env["cks.custody.verification"]._cron_verify()
        self.assertTrue(result.intact)
        self.assertRegex(result.summary, r"^\d+ custody events of \d+ devices verified: no break\.$")
        self.assertEqual(result.events_checked, self.env["cks.custody.event"].search_count([]))
        self.assertFalse(result.activity_ids)

    def test_broken_chain_cron_warns_auditors(self):
        event = self._event(self.token_b, 1)
        self._without_trigger("UPDATE cks_custody_event SET token_serial = 'VT-9999' WHERE id = %s", [event.id])
        result = self.env["cks.custody.verification"]._cron_verify()
        self.assertFalse(result.intact)
        self.assertIn(self.users["auditor"], result.activity_ids.user_id)

    def test_postgresql_prints_the_canonical_line(self):
        """The chain hashes the line COPY prints; the event is stored so that this line is the
        canonical form the hash was made of, whatever the text holds."""
        awkward = "Bàn giao\tlúc 8h\nphòng \\ Văn thư \\N" + "\u0065\u0323\u0302"  # "ệ" decomposed
        self.token_a._transition("relocate", location="Tủ\rsắt", reason=awkward, document_ref="14/BB-BG")
        event = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual(event.reason, "Bàn giao\tlúc 8h\nphòng \\ Văn thư \\Nệ", "stored in NFC")
        self.env.flush_all()
        lines = []
        self.env.cr.execute(chain.SESSION_SQL)
        self.env.cr.copy_expert(chain.copy_sql(), SimpleNamespace(write=lines.append))
        lines = [line for line in lines if line.split(b"\t")[1] == str(event.global_sequence).encode()]
        stored = {name: event[name] for name in chain.EVENT_FIELDS}
        for name in ("token_id", "actor_id", "custodian_from_id", "custodian_to_id", "body_id"):
            stored[name] = stored[name].id or None
        for name in ("state_from", "state_to", "location", "reason", "document_ref"):
            stored[name] = stored[name] or None
        self.assertEqual(lines, [chain.event_line(stored, event.event_hash)])
        self.assertTrue(self.verify().intact)
