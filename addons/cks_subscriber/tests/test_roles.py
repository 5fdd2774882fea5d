from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

ROLES = ["subscriber", "custodian", "officer", "head", "admin", "auditor"]


@tagged("post_install", "-at_install")
class TestRoles(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group = {r: cls.env.ref(f"cks_subscriber.group_cks_{r}") for r in ROLES}
        cls.user = {r: new_test_user(cls.env, login=f"cks_{r}", groups=f"cks_subscriber.group_cks_{r}") for r in ROLES}
        cls.outsider = new_test_user(cls.env, login="cks_outsider", groups="base.group_user")
        cls.root_menu = cls.env.ref("cks_subscriber.menu_cks_root")
        cls.roles_menu = cls.env.ref("cks_subscriber.menu_cks_roles")

    def _has(self, role, other):
        return self.group[other] in self.group[role].all_implied_ids

    def test_operational_roles_form_a_chain(self):
        self.assertTrue(self._has("custodian", "subscriber"))
        self.assertTrue(self._has("officer", "custodian"))
        self.assertTrue(self._has("head", "officer"))
        self.assertTrue(self._has("admin", "officer"))
        self.assertFalse(self._has("subscriber", "custodian"))
        self.assertFalse(self._has("officer", "head"), "an officer must not approve as a head")
        self.assertFalse(self._has("admin", "head"), "the province does not approve for a body")

    def test_auditor_brings_no_operational_role(self):
        for role in ("subscriber", "custodian", "officer", "head", "admin"):
            self.assertFalse(self._has("auditor", role), role)
            self.assertFalse(self._has(role, "auditor"), role)

    def test_administrator_is_provincial_administrator(self):
        self.assertIn(self.env.ref("base.user_admin"), self.group["admin"].all_user_ids)

    def test_application_menu_per_role(self):
        Menu = self.env["ir.ui.menu"]
        for role, user in self.user.items():
            visible = Menu.with_user(user)._visible_menu_ids()
            self.assertIn(self.root_menu.id, visible, role)
            self.assertEqual(self.roles_menu.id in visible, role == "admin", "roles page: administrators only")
        self.assertNotIn(self.root_menu.id, Menu.with_user(self.outsider)._visible_menu_ids())

    def test_menus_per_role(self):
        Menu = self.env["ir.ui.menu"]
        menus = {
            name: self.env.ref(f"cks_subscriber.{name}")
            for name in (
                "menu_cks_certificates",
                "menu_cks_subscribers",
                "menu_cks_bodies",
                "menu_cks_province_presets",
            )
        }
        expected = {  # role: menus it sees among those four
            "subscriber": {"menu_cks_certificates", "menu_cks_subscribers"},
            "custodian": {"menu_cks_certificates", "menu_cks_subscribers"},
            "officer": {"menu_cks_certificates", "menu_cks_subscribers", "menu_cks_bodies"},
            "head": {"menu_cks_certificates", "menu_cks_subscribers", "menu_cks_bodies"},
            "admin": set(menus),
            "auditor": {"menu_cks_certificates", "menu_cks_subscribers", "menu_cks_bodies"},
        }
        for role, user in self.user.items():
            visible = Menu.with_user(user)._visible_menu_ids()
            self.assertEqual({name for name, menu in menus.items() if menu.id in visible}, expected[role], role)

    def test_roles_are_listed_and_read_only_for_cks_users(self):
        domain = safe_eval(self.env.ref("cks_subscriber.cks_role_action").domain)
        for role in ("subscriber", "head", "auditor"):
            groups = self.env["res.groups"].with_user(self.user[role]).search(domain)
            self.assertEqual(set(groups.ids), {g.id for g in self.group.values()}, role)
            with self.assertRaises(AccessError):
                groups[0].write({"name": "Renamed"})
