from odoo import api, fields, models

from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

MOVES = [
    ("issue", "Issue to a Managing Body"),
    ("assign", "Assign to a Custodian"),
    ("lock", "Record Lock-Out (wrong PINs)"),
    ("report_lost", "Report Lost"),
    ("report_damaged", "Report Damaged"),
    ("report_compromised", "Report Key Compromise"),
    ("recover", "Recover into the Body"),
    ("return_focal", "Return to the Focal Unit"),
    ("return_ca", "Return to the CA"),
    ("relocate", "Change Storage Location"),
]


class CksTokenTransition(models.TransientModel):
    """One step in the life of devices, with what the custody event must say."""

    _name = "cks.token.transition"
    _description = "Move a Key-Storage Device"

    token_ids = fields.Many2many("cks.token", string="Devices", required=True)
    move = fields.Selection(MOVES, required=True)
    body_id = fields.Many2one("cks.body", "Managing Body")
    custodian_id = fields.Many2one("res.users", domain=lambda self: self.env["res.users"]._cks_holder_domain())
    location = fields.Char("Storage Location")
    reason = fields.Char("Why", required=True)
    document_ref = fields.Char("Supporting Document", help="e.g. the number of the decision or record.")
    needs_body = fields.Boolean(compute="_compute_needs")
    needs_custodian = fields.Boolean(compute="_compute_needs")

    @api.depends("move")
    def _compute_needs(self):
        for wizard in self:
            wizard.needs_body = wizard.move == "issue"
            wizard.needs_custodian = wizard.move == "assign"

    @flow_action
    def action_confirm(self):
        self.ensure_one()
        self.token_ids._transition(
            self.move,
            body=self.body_id if self.move == "issue" else None,
            custodian=self.custodian_id if self.move == "assign" else None,
            location=self.location or None,
            reason=self.reason,
            document_ref=self.document_ref,
        )
        return {"type": "ir.actions.act_window_close"}
