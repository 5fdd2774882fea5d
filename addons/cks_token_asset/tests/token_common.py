from odoo import Command

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

    @classmethod
    def draft_handover(cls, place="Phòng Văn thư", line=None, **vals):
        """A handover record of device A from the custodian to the officer, in draft."""
        return (
            cls.env["cks.handover"]
            .with_user(cls.users["custodian"])
            .create(
                {
                    "place": place,
                    "receiver_id": cls.users["officer"].id,
                    "line_ids": [Command.create({"token_id": cls.token_a.id, **(line or {})})],
                    **vals,
                }
            )
        )

    @classmethod
    def submitted_handover(cls, place="Phòng Văn thư", line=None, **vals):
        """A handover record of device A from the custodian to the officer, submitted."""
        handover = cls.draft_handover(place, line, **vals)
        handover.action_submit()
        return handover

    def verify(self):
        return self.env["cks.custody.verification"]._run()
