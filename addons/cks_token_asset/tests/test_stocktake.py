from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestStocktake(TokenCase):
    def _start(self, body=None, user=None):
        stocktake = (
            self.env["cks.stocktake"]
            .with_user(user or self.users["officer"])
            .create({"body_id": (body or self.dept_a).id})
        )
        stocktake.action_start()
        return stocktake

    def _record(self, stocktake, serial):
        stocktake.scan_serial = serial
        stocktake.action_record()

    def test_found_missing_unexpected_and_one_event_per_device_found(self):
        spare = self.env["cks.token"].create({"serial": "VT-0009"})
        spare._transition("issue", body=self.unit_a, reason="x")  # expected too: a unit under the department
        stocktake = self._start()
        self.assertRegex(stocktake.name, r"^\d+/KK$")
        self.assertEqual(set(stocktake.line_ids.mapped("serial")), {"VT-0001", "VT-0009"})
        self._record(stocktake, " VT-0001 ")
        self._record(stocktake, "VT-0002")  # another body's device
        self._record(stocktake, "KHONG-RO")  # unknown serial
        # found counts the expected devices found; the two serials not expected are unexpected only
        self.assertEqual((stocktake.found_count, stocktake.missing_count, stocktake.unexpected_count), (1, 1, 2))
        unexpected = stocktake.line_ids.filtered(lambda line: line.result == "unexpected")
        self.assertFalse(unexpected.token_id, "another body's device is not revealed to the officer")
        before = {t: len(t.event_ids) for t in (self.token_a, spare, self.token_b)}
        stocktake.action_done()
        self.assertEqual(stocktake.state, "done")
        event = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual((event.event_type, event.document_ref), ("stocktake", stocktake.name))
        self.assertEqual(len(self.token_a.event_ids), before[self.token_a] + 1)
        self.assertEqual(len(spare.event_ids), before[spare], "a missing device gets no event")
        self.assertEqual(len(self.token_b.event_ids), before[self.token_b])
        self.assertTrue(self.verify().intact)

    def test_an_unknown_serial_is_not_counted_as_found(self):
        """One expected device and one unknown serial scanned: 1 found, 1 unexpected (not 2 found)."""
        stocktake = self._start()
        self._record(stocktake, "VT-0001")
        self._record(stocktake, "KHONG-RO")
        self.assertEqual((stocktake.found_count, stocktake.missing_count, stocktake.unexpected_count), (1, 0, 1))

    def test_recording_requires_a_started_count(self):
        stocktake = self.env["cks.stocktake"].with_user(self.users["officer"]).create({"body_id": self.dept_a.id})
        self.assertEqual((stocktake.name, stocktake.display_name), ("/", "New"), "no number yet: titled New")
        with self.assertRaises(UserError):
            self._record(stocktake, "VT-0001")
        stocktake.action_start()
        self.assertEqual(stocktake.display_name, stocktake.name)
        with self.assertRaises(UserError):
            self._record(stocktake, "   ")
        with self.assertRaises(UserError):
            stocktake.action_start()

    def test_officer_counts_only_own_subtree(self):
        with self.assertRaisesRegex(UserError, "Sở Tài chính is outside your scope"):
            self._start(body=self.dept_b)
        with self.assertRaises(AccessError):
            self.env["cks.stocktake"].with_user(self.users["custodian"]).create({"body_id": self.dept_a.id})
