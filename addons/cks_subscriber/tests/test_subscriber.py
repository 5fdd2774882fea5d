from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .cks_common import CksCase


@tagged("post_install", "-at_install")
class TestSubscriber(CksCase):
    def test_valid_cccd_normalised(self):
        self.sub_own.cccd = " 042 090 001 234 "
        self.assertEqual(self.sub_own.cccd, "042090001234")

    def test_malformed_cccd_refused_with_reason(self):
        cases = {
            "04209000123": "exactly 12 digits",
            "04209000123A": "exactly 12 digits",
            "003090001234": "not a province code",
            "042290001234": "birth year lies in the future",  # 2090
        }
        for number, reason in cases.items():
            with self.subTest(number=number):
                with self.assertRaises(ValidationError) as caught:
                    self.env["cks.subscriber"].create({"name": "Sai Số", "body_id": self.dept_a.id, "cccd": number})
                self.assertIn(reason, str(caught.exception))
        self.assertFalse(self.env["cks.subscriber"].search([("name", "=", "Sai Số")]))

    def test_duplicate_cccd_refused(self):
        self.sub_own.cccd = "042090001234"
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.sub_unit.cccd = "042090001234"
            self.env.flush_all()

    def test_body_without_legal_personality_cannot_manage(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["cks.subscriber"].create({"name": "Phạm Minh Đức", "body_id": self.no_seal.id})
        self.assertIn("legal personality", str(caught.exception))

    def test_leaving_opens_one_revocation_activity_for_the_officer(self):
        self.make_certificate(self.sub_unit, 0xA1)
        activity_type = self.env.ref("cks_subscriber.mail_activity_type_revocation")
        self.sub_unit.employment_status = "retired"
        activities = self.sub_unit.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.users["officer"])
        self.assertIn("Trần Thị Bình", activities.summary)
        self.sub_unit.employment_status = "retired"  # same status again: no second activity
        self.sub_unit.write({"position": "Chuyên viên"})
        self.assertEqual(len(self.sub_unit.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)), 1)

    def test_no_activity_without_live_certificate_or_when_working(self):
        self.sub_other.employment_status = "left"
        self.assertFalse(self.sub_other.activity_ids)
        self.make_certificate(self.sub_own, 0xA2)
        self.sub_own.position = "Phó Giám đốc"
        self.assertFalse(self.sub_own.activity_ids)


@tagged("post_install", "-at_install")
class TestSubscriberScope(CksCase):
    """An officer's new subscriber: their own body by default, only the bodies they manage on
    offer, and a body outside their scope refused by name (not with Odoo's generic error)."""

    def test_new_subscriber_gets_the_officers_own_body(self):
        Subscriber = self.env["cks.subscriber"].with_user(self.users["officer"])
        self.assertEqual(Subscriber.default_get(["body_id"])["body_id"], self.dept_a.id)
        self.assertEqual(Subscriber.create({"name": "Hồ Văn Nam"}).body_id, self.dept_a)
        # a user with no body of their own gets no default
        self.users["admin"].cks_body_id = False
        self.assertFalse(
            self.env["cks.subscriber"].with_user(self.users["admin"]).default_get(["body_id"]).get("body_id")
        )

    def test_body_choices_are_the_bodies_the_user_manages(self):
        domain = self.env["cks.subscriber"]._fields["body_id"].domain
        Body = self.env["cks.body"]
        offered = Body.with_user(self.users["officer"]).search(domain)
        self.assertEqual(offered, self.dept_a | self.unit_a)
        self.assertNotIn(self.no_seal, offered, "a body without legal personality manages no subscriber")
        everything = self.dept_a | self.unit_a | self.dept_b | self.province
        self.assertLessEqual(everything, Body.with_user(self.users["admin"]).search(domain))
        self.assertFalse(Body.with_user(self.users["auditor"]).search(domain), "an auditor manages no body")
        self.assertEqual(
            (self.dept_a | self.dept_b).with_user(self.users["officer"]).mapped("in_user_scope"), [True, False]
        )

    def test_body_outside_the_scope_is_refused_by_name(self):
        officer = self.users["officer"]
        Subscriber = self.env["cks.subscriber"].with_user(officer)
        with self.assertRaisesRegex(UserError, r"Sở Tài chính is outside your scope: you manage .*Sở Thông tin"):
            Subscriber.create({"name": "Ngoài Phạm Vi", "body_id": self.dept_b.id})
        with self.assertRaisesRegex(UserError, "Sở Tài chính is outside your scope"):
            self.sub_unit.with_user(officer).write({"body_id": self.dept_b.id})
        self.assertFalse(self.env["cks.subscriber"].search([("name", "=", "Ngoài Phạm Vi")]))
        self.assertEqual(self.sub_unit.body_id, self.unit_a)
        # within the scope: fine
        self.assertEqual(Subscriber.create({"name": "Trong Phạm Vi", "body_id": self.unit_a.id}).body_id, self.unit_a)
        # a user who may not create subscribers at all still gets Odoo's own refusal
        with self.assertRaises(AccessError):
            self.env["cks.subscriber"].with_user(self.users["custodian"]).create(
                {"name": "Không Được", "body_id": self.dept_b.id}
            )
