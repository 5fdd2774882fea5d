"""The demo logins: each one's password is its login, hashed again at full strength at first use."""

from odoo.exceptions import AccessDenied
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoLogins(TransactionCase):
    def _stored_hash(self, user):
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [user.id])
        return self.env.cr.fetchone()[0]

    def _rounds(self, user):
        # pbkdf2-sha512 hashes read "$pbkdf2-sha512$<rounds>$<salt>$<checksum>"
        return int(self._stored_hash(user).split("$")[2])

    def test_every_demo_login_signs_in_with_its_login_and_gets_a_full_strength_hash(self):
        Users = self.env["res.users"]
        demo = Users.browse(
            self.env["ir.model.data"]
            .search([("module", "=", "cks_subscriber"), ("model", "=", "res.users"), ("name", "=like", "user_demo_%")])
            .mapped("res_id")
        )
        self.assertGreaterEqual(len(demo), 15)
        for user in demo:
            self.assertEqual(self._rounds(user), 6000, user.login)  # the install's quick hash
        user = self.env.ref("cks_subscriber.user_demo_hieupv")
        crypt = Users._crypt_context()  # Odoo's own strength (the test framework lowers it for speed)
        self.assertTrue(crypt.needs_update(self._stored_hash(user)))
        with self.assertRaises(AccessDenied):
            Users.authenticate({"type": "password", "login": "hieupv", "password": "wrong"}, {"interactive": False})
        info = Users.authenticate({"type": "password", "login": "hieupv", "password": "hieupv"}, {"interactive": False})
        self.assertEqual(info["uid"], user.id)
        # Odoo replaced the quick hash by one at its own strength at that first login
        self.assertFalse(crypt.needs_update(self._stored_hash(user)))
        self.assertNotEqual(self._rounds(user), 6000)
        info = Users.authenticate({"type": "password", "login": "hieupv", "password": "hieupv"}, {"interactive": False})
        self.assertEqual(info["uid"], user.id)
