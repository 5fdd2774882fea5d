from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .cks_common import CksCase


@tagged("post_install", "-at_install")
class TestBody(CksCase):
    def test_tree_names_and_subtree(self):
        self.assertEqual(
            self.unit_a.complete_name, "UBND tỉnh Thử nghiệm / Sở Thông tin và Truyền thông / Trường Cao đẳng Kỹ thuật"
        )
        subtree = self.env["cks.body"].search([("id", "child_of", self.dept_a.id)])
        self.assertEqual(subtree, self.dept_a | self.unit_a | self.no_seal)
        self.assertTrue(self.dept_a.partner_id, "a body is backed by a partner")
        self.assertEqual(self.dept_a.partner_id.name, "Sở Thông tin và Truyền thông")
        self.assertTrue(self.dept_a.partner_id.is_company)

    def test_officer_edits_the_contact_of_own_body_only(self):
        officer = self.users["officer"]
        self.dept_a.with_user(officer).write({"street": "10 Trần Phú", "email": "stttt@hatinh.gov.vn"})
        self.assertEqual(self.dept_a.partner_id.street, "10 Trần Phú")
        with self.assertRaises(AccessError):
            self.dept_b.with_user(officer).write({"street": "Hack"})
        self.assertFalse(self.dept_b.street)
        unit = self.env["cks.body"].with_user(officer).create({"name": "Đơn vị mới", "parent_id": self.dept_a.id})
        self.assertEqual(unit.partner_id.name, "Đơn vị mới")
        with self.assertRaisesRegex(UserError, "Sở Tài chính is outside your scope"):
            self.env["cks.body"].with_user(officer).create({"name": "Đơn vị khác", "parent_id": self.dept_b.id})

    def test_subscribers_under_a_body_count_the_subtree(self):
        self.assertEqual(self.dept_a.subscriber_count, 2)  # own + unit's
        self.assertEqual(self.unit_a.subscriber_count, 1)
        self.assertEqual(self.province.subscriber_count, 3)
        self.assertEqual(self.dept_a.child_count, 2)
        action = self.dept_a.action_view_subscribers()
        self.assertEqual(self.env["cks.subscriber"].search(action["domain"]), self.sub_own | self.sub_unit)

    def test_cycle_refused(self):
        with self.assertRaises(UserError):
            self.province.parent_id = self.unit_a

    def test_duplicate_document_exchange_code_refused(self):
        self.dept_a.edoc_code = "000.00.12.H23"
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.dept_b.edoc_code = "000.00.12.H23"
            self.env.flush_all()

    def test_activities_go_to_the_officer_else_up_the_tree(self):
        self.assertEqual(self.unit_a._responsible_user(), self.users["officer"])
        self.assertEqual(self.dept_b._responsible_user(), self.env["res.users"])
        self.province.head_user_id = self.users["admin"]
        self.assertEqual(self.dept_b._responsible_user(), self.users["admin"])
