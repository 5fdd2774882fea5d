import base64
import io

from PIL import Image

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

ROLES = ("subscriber", "custodian", "officer", "head", "admin", "auditor")


@tagged("post_install", "-at_install")
class TestBranding(TransactionCase):
    """Who sees Apps and the roles page, who is listed as a role's member, where users land."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = {r: new_test_user(cls.env, login=f"b_{r}", groups=f"cks_subscriber.group_cks_{r}") for r in ROLES}
        cls.home = cls.env.ref("cks_subscriber.cks_certificate_action")
        cls.apps_menu = cls.env.ref("base.menu_management")
        cls.roles_menu = cls.env.ref("cks_subscriber.menu_cks_roles")

    def _menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_only_system_administrators_see_apps(self):
        for role, user in self.user.items():
            self.assertNotIn(self.apps_menu.id, self._menus(user), role)
            loaded = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
            self.assertNotIn(self.apps_menu.id, loaded, role)
        self.assertIn(self.apps_menu.id, self._menus(self.env.ref("base.user_admin")))

    def test_roles_page_only_for_administrators(self):
        for role, user in self.user.items():
            self.assertEqual(self.roles_menu.id in self._menus(user), role == "admin", role)
        self.assertIn(self.roles_menu.id, self._menus(self.env.ref("base.user_admin")))

    def test_role_members_are_people(self):
        admins = self.env.ref("cks_subscriber.group_cks_admin")
        subscribers = self.env.ref("cks_subscriber.group_cks_subscriber")
        former = new_test_user(self.env, login="b_former", groups="cks_subscriber.group_cks_admin")
        former.active = False
        root = self.env.ref("base.user_root")
        # the roles page reads with active_test=False (its action's context), where Odoo's own
        # list of a group's users includes OdooBot and former users
        admins, subscribers = (g.with_context(active_test=False) for g in (admins, subscribers))
        self.assertIn(root, admins.all_user_ids, "OdooBot holds the role in Odoo's eyes")
        self.assertIn(former, admins.all_user_ids)
        for group in (admins, subscribers):
            members = group.cks_member_ids
            self.assertNotIn(root, members, group.name)
            self.assertNotIn(former, members, group.name)
            self.assertIn(self.user["admin"], members, group.name)
            self.assertIn(self.env.ref("base.user_admin"), members, group.name)
            self.assertFalse(members.filtered(lambda u: u.share or not u.active), group.name)
        self.assertNotIn(self.user["auditor"], subscribers.cks_member_ids)

    def test_users_with_a_role_land_on_the_application(self):
        for role, user in self.user.items():
            self.assertEqual(user.action_id.id, self.home.id, role)
        self.assertEqual(self.env.ref("base.user_admin").action_id.id, self.home.id)
        outsider = new_test_user(self.env, login="b_outsider", groups="base.group_user")
        self.assertFalse(outsider.action_id, "a user without a CKS role keeps Odoo's default")
        outsider.group_ids = [Command.link(self.env.ref("cks_subscriber.group_cks_custodian").id)]
        self.assertEqual(outsider.action_id.id, self.home.id, "given a role later")
        own = self.env.ref("cks_subscriber.cks_subscriber_action")
        chosen = new_test_user(self.env, login="b_chosen", groups="cks_subscriber.group_cks_officer", action_id=own.id)
        self.assertEqual(chosen.action_id.id, own.id, "a home action chosen on purpose is kept")
        self.assertFalse(self.env.ref("base.user_root").action_id, "OdooBot never logs in")

    def test_demo_province(self):
        if not self.env.ref("cks_subscriber.user_demo_thuebao", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        admin = self.env.ref("base.user_admin")
        company = self.env.ref("base.main_company")
        self.assertEqual((admin.login, admin.name), ("admin", "Quản trị hệ thống"))
        self.assertEqual(company.name, "Ủy ban nhân dân tỉnh Hà Tĩnh")
        self.assertEqual(company.currency_id, self.env.ref("base.VND"))
        self.assertEqual(Image.open(io.BytesIO(base64.b64decode(company.logo))).size, (512, 512), "the CKS logo")
        Partner = self.env["res.partner"].with_context(active_test=False)
        for name in ("Mitchell", "YourCompany", "My Company"):
            self.assertFalse(Partner.search(["|", ("name", "ilike", name), ("company_name", "ilike", name)]), name)
        self.assertNotIn("Mitchell", str(admin.signature))
        logins = ["thuebao", "vanthu", "canbo", "thutruong", "quantri", "thanhtra"]
        users = self.env["res.users"].search([("login", "in", logins)])
        self.assertEqual(len(users), len(logins))
        self.assertEqual(users.action_id.ids, [self.home.id])
