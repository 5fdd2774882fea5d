"""States, numbers, actors and server times are set by the flow alone (review of issue 11,
findings 1 to 4): every protected field of every model, written by the roles that may write
the record, with every context key the code ever read, is refused and changes nothing."""

import datetime as dt

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.cks_subscriber.tests.test_untrusted_input import CLIENT_CONTEXT

from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestFlowFields(TokenCase):
    def _refused(self, records, vals):
        before = records.sudo().read(list(vals))
        with self.assertRaises(UserError):  # AccessError is a UserError
            records.with_context(**CLIENT_CONTEXT).write(vals)
        self.assertEqual(records.sudo().read(list(vals)), before)

    def _events(self):
        return self.env["cks.custody.event"].search_count([])

    def test_device_custody_fields_with_any_context_key(self):
        events = self._events()
        other = self.users["head"]
        for user in (self.users["officer"], self.users["admin"]):
            as_user = self.token_a.with_user(user)
            for vals in (
                {"state": "lost"},
                {"custodian_id": other.id},
                {"location": "Nhà riêng"},
                {"body_id": self.dept_b.id},
                {"history_length": 1},
                {"history_hash": "0" * 64},
                {"classification": "Thường"},
                {"serial": "VT-9999"},
            ):
                with self.subTest(user=user.login, vals=vals):
                    self._refused(as_user, vals)
        self.assertEqual(self._events(), events, "no custody event was written")
        self.assertTrue(self.verify().intact)

    def test_device_registered_as_received_only(self):
        Token = self.env["cks.token"].with_user(self.users["admin"]).with_context(**CLIENT_CONTEXT)
        for vals in (
            {"custodian_id": self.users["custodian"].id},
            {"state": "assigned"},
            {"body_id": self.dept_a.id},
            {"history_length": 5},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                Token.create({"serial": "VT-0500", **vals})
        token = Token.with_context(default_state="assigned", default_custodian_id=self.users["custodian"].id).create(
            {"serial": "VT-0500"}
        )
        self.assertEqual((token.state, token.custodian_id.id, token.history_length), ("received", False, 1))

    def test_custody_event_written_by_the_flow_only(self):
        with self.assertRaises(UserError):
            self.env["cks.custody.event"].sudo().with_context(**CLIENT_CONTEXT).create(
                {"token_id": self.token_a.id, "sequence": 9, "global_sequence": 99}
            )

    def test_handover_giver_state_and_number(self):
        giver, receiver = self.users["custodian"], self.users["officer"]
        Handover = self.env["cks.handover"].with_user(giver).with_context(**CLIENT_CONTEXT)
        vals = {
            "place": "Văn thư",
            "receiver_id": receiver.id,
            "line_ids": [Command.create({"token_id": self.token_a.id})],
        }
        for forced in (
            {"giver_id": self.users["head"].id},
            {"state": "done"},
            {"name": "7/BB-BG"},
            {"body_id": self.dept_b.id},
        ):
            with self.subTest(forced=forced), self.assertRaises(UserError):
                Handover.create({**vals, **forced})
        handover = Handover.create(vals)
        self.assertEqual((handover.giver_id, handover.state, handover.name), (giver, "draft", "/"))
        for forced in (
            {"state": "done"},
            {"name": "7/BB-BG"},
            {"giver_id": receiver.id},
            {"handover_date": "2020-01-01"},
        ):
            with self.subTest(write=forced):
                self._refused(handover.with_user(giver), forced)
        handover.with_user(giver).action_submit()
        # submitted: what both sides sign cannot change, not even by the giver
        self._refused(handover.with_user(giver), {"receiver_id": self.users["head"].id})
        line = handover.line_ids
        with self.assertRaises(UserError):
            line.with_user(giver).write({"token_id": self.token_b.id})
        with self.assertRaises(UserError):
            self.env["cks.handover.line"].with_user(giver).create(
                {"handover_id": handover.id, "token_id": self.token_b.id}
            )
        # the receiver, who may write records they are party to, cannot confirm by writing
        self._refused(handover.with_user(receiver), {"state": "done"})
        self.assertEqual(self.token_a.custodian_id, giver)
        handover.with_user(receiver).action_confirm_receipt()
        self.assertEqual(self.token_a.custodian_id, receiver)
        with self.assertRaises(UserError):
            handover.with_user(self.users["admin"]).with_context(**CLIENT_CONTEXT).unlink()
        self.assertTrue(handover.exists())

    def test_loss_record_reporter_time_and_state(self):
        custodian = self.users["custodian"]
        Loss = self.env["cks.loss.report"].with_user(custodian).with_context(**CLIENT_CONTEXT)
        now = fields.Datetime.now()
        vals = {
            "token_id": self.token_a.id,
            "discovered_at": now - dt.timedelta(hours=30),
            "circumstances": "Để quên trên xe khách",
        }
        for forced in (
            {"reported_at": now - dt.timedelta(hours=29)},  # backdated, to clear the late flag
            {"reporter_id": self.users["head"].id},
            {"state": "confirmed"},
            {"name": "1/BB-XN"},
        ):
            with self.subTest(forced=forced), self.assertRaises(UserError):
                Loss.create({**vals, **forced})
        report = Loss.create(vals)
        self.assertEqual(report.reporter_id, custodian)
        self.assertGreaterEqual(report.reported_at, now.replace(microsecond=0))
        for forced in ({"state": "confirmed"}, {"reported_at": vals["discovered_at"]}, {"late": False}):
            with self.subTest(write=forced):
                self._refused(report.with_user(custodian), forced)
        self.assertEqual((self.token_a.state, report.state), ("assigned", "draft"))

    def test_loss_of_a_device_not_in_ones_custody(self):
        holder = self.users["subscriber"]
        with self.assertRaises(UserError) as caught:
            self.env["cks.loss.report"].with_user(holder).create(
                {"token_id": self.token_a.id, "discovered_at": fields.Datetime.now(), "circumstances": "Mất"}
            )
        self.assertNotIn("VT-0001", str(caught.exception), "the serial of a device one cannot see is not told")
        self.assertFalse(self.env["cks.loss.report"].search([("token_id", "=", self.token_a.id)]))

    def test_stocktake_lines_and_state(self):
        officer = self.users["officer"]
        stocktake = self.env["cks.stocktake"].with_user(officer).create({"body_id": self.dept_a.id})
        for forced in ({"state": "done"}, {"name": "1/KK"}, {"user_id": self.users["head"].id}, {"date": "2020-01-01"}):
            with self.subTest(forced=forced):
                self._refused(stocktake.with_user(officer), forced)
        stocktake.with_user(officer).with_context(default_found=True, default_expected=False).action_start()
        line = stocktake.line_ids
        self.assertEqual((line.serial, line.found, line.expected), ("VT-0001", False, True))
        self._refused(line.with_user(officer), {"found": True})
        with self.assertRaises(UserError):
            self.env["cks.stocktake.line"].with_user(officer).create(
                {"stocktake_id": stocktake.id, "serial": "VT-0001", "expected": True, "found": True}
            )
        with self.assertRaises(UserError):
            stocktake.with_user(officer).write({"line_ids": [Command.update(line.id, {"found": True})]})
        events = len(self.token_a.event_ids)
        stocktake.with_user(officer).action_done()
        self.assertEqual(len(self.token_a.event_ids), events, "a device never scanned gets no 'found' event")
        self.assertEqual(stocktake.missing_count, 1)

    def test_verification_results_written_by_the_verification_only(self):
        for role in ("admin", "auditor"):
            Verification = (
                self.env["cks.custody.verification"].with_user(self.users[role]).with_context(**CLIENT_CONTEXT)
            )
            with self.subTest(role=role), self.assertRaises(UserError):  # AccessError is a UserError
                Verification.create({"intact": True, "events_checked": 10**6})
        result = self.verify()
        with self.assertRaises(UserError):  # AccessError is a UserError
            result.with_user(self.users["admin"]).write({"intact": False})
        with self.assertRaises(UserError):
            result.sudo().write({"intact": False, "events_checked": 1})
        with self.assertRaises(UserError):
            result.line_ids.sudo().create({"verification_id": result.id, "kind": "altered"})
        self.assertTrue(result.intact)

    def test_head_written_by_the_chain_only(self):
        head = self.env.ref("cks_token_asset.custody_head_main")
        with self.assertRaises(UserError):
            head.with_context(**CLIENT_CONTEXT).write({"event_count": 1})
