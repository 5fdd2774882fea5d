from odoo.addons.cks_subscriber.tests.cks_common import CksCase


class TokenCase(CksCase):
    """CksCase plus two devices: one assigned in department A, one issued to department B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Token = cls.env["cks.token"]
        cls.token_a = Token.create({"serial": "VT-0001", "make_model": "ePass2003"})
        cls.token_a._transition("issue", body=cls.dept_a, reason="Cấp cho Sở")
        cls.token_a._transition(
            "assign", custodian=cls.users["custodian"], reason="Giao văn thư", document_ref="1/BB-BG"
        )
        cls.token_b = Token.create({"serial": "VT-0002"})
        cls.token_b._transition("issue", body=cls.dept_b, reason="Cấp cho Sở Tài chính")

    def verify(self):
        return self.env["cks.custody.verification"]._run()
