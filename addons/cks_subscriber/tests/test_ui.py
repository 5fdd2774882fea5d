from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_roles_tour(self):
        """The application opens from the home menu and lists the six roles (headless Chromium)."""
        self.start_tour("/odoo", "cks_roles_tour", login="admin")

    def test_officer_registers_a_subscriber(self):
        """An officer creates a subscriber in the browser; a malformed CCCD is refused, then saved."""
        body = self.env["cks.body"].create({"name": "Sở Kế hoạch và Đầu tư", "has_legal_personality": True})
        new_test_user(self.env, login="t_tour_officer", groups="cks_subscriber.group_cks_officer", cks_body_id=body.id)
        self.start_tour(
            "/odoo/action-cks_subscriber.cks_subscriber_action", "cks_register_tour", login="t_tour_officer"
        )
        subscriber = self.env["cks.subscriber"].search([("name", "=", "Phan Thị Thu Trang")])
        self.assertEqual((subscriber.cccd, subscriber.body_id), ("042190001234", body))
