from odoo import fields, models

from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action


class CksHandoverRefuse(models.TransientModel):
    """The receiver of a handover record refuses it, saying why."""

    _name = "cks.handover.refuse"
    _description = "Refuse a Handover Record"

    handover_id = fields.Many2one("cks.handover", required=True, readonly=True, ondelete="cascade")
    reason = fields.Char("Why", required=True, help="e.g. the sealed PIN envelope is missing.")

    @flow_action
    def action_confirm(self):
        self.ensure_one()
        self.handover_id._refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
