from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestToken(TokenCase):
    def test_each_step_writes_one_chained_event(self):
        events = self.token_a.event_ids.sorted("sequence")
        self.assertEqual(events.mapped("event_type"), ["received", "issued", "assigned"])
        self.assertEqual(events.mapped("sequence"), [1, 2, 3])
        self.assertEqual(events[-1].custodian_to_id, self.users["custodian"])
        self.assertEqual(events[-1].document_ref, "1/BB-BG")
        self.assertEqual(events[-1].state_from, "issued")
        self.assertEqual(len(set(events.mapped("event_hash"))), 3)
        self.assertEqual(self.token_a.state, "assigned")
        self.assertEqual(self.token_a.custodian_id, self.users["custodian"])
        self.assertTrue(self.verify().intact)

    def test_recovery_clears_the_custodian(self):
        self.token_a._transition("report_lost", reason="Mất khi đi công tác")
        self.token_a._transition("recover", reason="Tìm thấy")
        self.assertEqual((self.token_a.state, self.token_a.custodian_id.id), ("recovered", False))
        last = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual(last.custodian_from_id, self.users["custodian"])
        self.assertTrue(self.verify().intact)

    def test_illegal_transition_refused_and_nothing_written(self):
        count = len(self.token_b.event_ids)
        with self.assertRaises(UserError) as caught:
            self.token_b._transition("return_ca", reason="x")
        self.assertIn("VT-0002", str(caught.exception))
        with self.assertRaises(UserError):
            self.token_b._transition("assign", reason="x")  # no custodian chosen
        self.assertEqual(self.token_b.state, "issued")
        self.assertEqual(len(self.token_b.event_ids), count)

    def test_custody_fields_change_only_through_actions(self):
        with self.assertRaises(UserError):
            self.token_a.custodian_id = self.users["officer"]
        with self.assertRaises(UserError):
            self.token_a.write({"state": "lost"})
        with self.assertRaises(UserError):
            self.env["cks.token"].create({"serial": "VT-0003", "custodian_id": self.users["officer"].id})
        self.assertEqual(self.token_a.custodian_id, self.users["custodian"])
        self.token_a.notes = "Niêm phong phong bì PIN"  # other fields stay editable

    def test_duplicate_serial_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["cks.token"].create({"serial": "VT-0001"})
            self.env.flush_all()

    def test_relocation_is_recorded(self):
        self.token_a._transition("relocate", location="Tủ sắt phòng Văn thư", reason="Chuyển tủ")
        last = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual(
            (last.event_type, last.location, last.state_to), ("location", "Tủ sắt phòng Văn thư", "assigned")
        )

    def test_device_with_history_cannot_be_deleted(self):
        with self.assertRaises(UserError):
            self.token_b.unlink()
