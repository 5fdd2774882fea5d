from odoo import api, fields, models
from odoo.exceptions import UserError

STEPS = [
    ("verify", "Verify"),
    ("approve", "Approve"),
    ("refuse", "Refuse (back to draft)"),
    ("forward", "Forward to the next body up"),
    ("device_received", "Device received"),
    ("hand_back", "Handed back to the CA"),
]


class CksRequestStep(models.TransientModel):
    """A decision on requests with its comment: the request's own step checks who may take it."""

    _name = "cks.request.step"
    _description = "Decision on a Request"

    request_ids = fields.Many2many("cks.request", string="Requests", required=True)
    step = fields.Selection(STEPS, required=True)
    comment = fields.Text()
    reference = fields.Char("Hand-Back Record Number")
    comment_required = fields.Boolean(compute="_compute_comment_required")

    @api.depends("step")
    def _compute_comment_required(self):
        for wizard in self:
            wizard.comment_required = wizard.step == "refuse"

    def action_confirm(self):
        requests = self.request_ids
        if self.step == "verify":
            requests.action_verify(self.comment)
        elif self.step == "approve":
            requests.action_approve(self.comment)
        elif self.step == "refuse":
            requests.action_refuse(self.comment)
        elif self.step == "forward":
            requests.action_forward(self.comment)
        elif self.step == "device_received":
            requests.action_device_received(self.comment)
        elif self.step == "hand_back":
            requests.action_hand_back(self.reference)
        else:
            raise UserError(self.env._("Choose a step."))
        return {"type": "ir.actions.act_window_close"}
