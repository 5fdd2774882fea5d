import base64
import datetime as dt

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.cks_custody_event import from_paper_register
from .token_common import TokenCase


@tagged("post_install", "-at_install")
class TestPaperRegister(TokenCase):
    """A paper register is carried over with the dates it gives; both dates are sealed, and
    nothing else can date an event in the past."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dept_a.code = "STTTT-T"
        cls.users["admin"].tz = "Asia/Ho_Chi_Minh"
        cls.cert = cls.make_certificate(cls.sub_own, 0xA1B2C3D4)

    def register(self, *lines):
        header = "so_seri,ngay,buoc,co_quan,nguoi_giu,noi_cat_giu,so_van_ban,ly_do,chung_thu\n"
        return base64.b64encode(("\n".join([header.strip(), *lines]) + "\n").encode())

    def import_as(self, role, data):
        wizard = self.env["cks.custody.register.import"].with_user(self.users[role]).create({"file": data})
        return wizard.action_import()

    def counts(self):
        return self.env["cks.token"].search_count([]), self.env["cks.custody.event"].search_count([])

    def test_the_register_keeps_its_dates_and_is_stamped_when_entered(self):
        custodian = self.users["custodian"].login
        action = self.import_as(
            "admin",
            self.register(
                "P-1,02/03/2023,received,,,,07/BB-BCY,Nhận từ CA,",
                "P-1,06/03/2023,issue,STTTT-T,,,03/PX,,",
                f"P-1,08/03/2023,assign,,{custodian},,,,a1b2c3d4",
                "P-1,16/09/2024,lock,,,,,Nhập sai PIN,",
            ),
        )
        token = self.env["cks.token"].search([("serial", "=", "P-1")])
        self.assertEqual(action["domain"], [("id", "in", token.ids)])
        self.assertEqual(
            (token.state, token.body_id, token.custodian_id), ("locked", self.dept_a, self.users["custodian"])
        )
        self.assertEqual(token.certificate_ids, self.cert)
        events = token.event_ids.sorted("sequence")
        # midnight in Vietnam of the day the register gives, as UTC
        self.assertEqual(
            events.mapped("occurred_at"),
            [
                dt.datetime(2023, 3, 1, 17),
                dt.datetime(2023, 3, 5, 17),
                dt.datetime(2023, 3, 7, 17),
                dt.datetime(2024, 9, 15, 17),
            ],
        )
        self.assertEqual(events.mapped("event_type"), ["received", "issued", "assigned", "locked"])
        self.assertEqual(events[0].document_ref, "07/BB-BCY")
        self.assertEqual(events[0].reason, "Nhận từ CA")
        self.assertEqual(events[1].reason, "From the paper register")
        self.assertTrue(all(events.mapped("from_register")))
        self.assertTrue(all(event.recorded_at >= fields.Datetime.now() - dt.timedelta(minutes=5) for event in events))
        self.assertEqual(events.actor_id, self.users["admin"])
        self.assertTrue(self.verify().intact)
        # after it, the device lives in the system: its events are dated when they are recorded
        token.with_user(self.users["officer"])._transition("recover", reason="Thu hồi")
        last = token.event_ids.sorted("sequence")[-1]
        self.assertEqual(last.occurred_at, last.recorded_at)
        self.assertFalse(last.from_register)

    def test_only_the_provincial_administrator_imports(self):
        before = self.counts()
        for role in ("officer", "head", "custodian"):
            with self.assertRaises(AccessError):
                self.import_as(role, self.register("P-2,02/03/2023,received,,,,,,"))
        self.assertEqual(self.counts(), before)

    def test_a_faulty_register_changes_nothing_and_names_its_lines(self):
        before = self.counts()
        cases = [
            (
                ("P-3,02/03/2023,received,,,,,,", "P-3,03/03/2023,issue,NO-SUCH,,,,,"),
                "Line 3: no managing body has the code NO-SUCH",
            ),
            (
                ("P-3,02/03/2023,received,,,,,,", "P-3,03/03/2023,assign,,nobody,,,,"),
                "Line 3: no user has the login nobody",
            ),
            (("P-3,02/03/2023,received,,,,,,FFFF",), "Line 2: no certificate has the serial number FFFF"),
            (("VT-0001,02/03/2023,received,,,,,,",), "device VT-0001 is already in the system"),
            (
                ("P-3,02/03/2023,received,,,,,,", "P-3,01/03/2023,lock,,,,,,"),
                "Line 3: device P-3: 01/03/2023 is before its line 2",
            ),
            # a step the device's state does not allow: found while chaining, rolled back whole
            (("P-3,02/03/2023,received,,,,,,", "P-3,03/03/2023,lock,,,,,,"), "Line 3: Device P-3 is"),
            # an auditor-only user cannot hold a device
            (
                (
                    "P-3,02/03/2023,received,,,,,,",
                    "P-3,03/03/2023,issue,STTTT-T,,,,,",
                    f"P-3,04/03/2023,assign,,{self.users['auditor'].login},,,,",
                ),
                "cannot hold key-storage devices",
            ),
        ]
        for lines, message in cases:
            with self.subTest(message=message), self.assertRaises(UserError) as caught:
                self.import_as("admin", self.register(*lines))
            self.assertIn("nothing changed", caught.exception.args[0])
            self.assertIn(message, caught.exception.args[0])
        self.assertEqual(self.counts(), before)
        self.assertTrue(self.verify().intact)

    def test_nothing_else_can_date_an_event_in_the_past(self):
        """A device already living in the system takes no paper event; a paper event cannot be
        in the future; outside an import every event is dated when it is recorded."""
        past = dt.datetime(2023, 1, 1)
        with self.assertRaisesRegex(UserError, "already has events recorded in the system"), from_paper_register(past):
            self.token_b._transition("relocate", location="Kho")
        with (
            self.assertRaisesRegex(UserError, "cannot be dated in the future"),
            from_paper_register(fields.Datetime.now() + dt.timedelta(days=1)),
        ):
            self.env["cks.token"].create({"serial": "P-4"})
        # a client's context names no date
        token = (
            self.env["cks.token"]
            .with_context(occurred_at="2023-01-01 00:00:00", default_occurred_at="2023-01-01")
            .create({"serial": "P-5"})
        )
        self.assertEqual(token.event_ids.occurred_at, token.event_ids.recorded_at)
        self.assertTrue(self.verify().intact)
