from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_roles_tour(self):
        """The application opens from the home menu and lists the six roles (headless Chromium)."""
        self.start_tour("/odoo", "cks_roles_tour", login="admin")
