from odoo import fields, models

from ..models.cks_request_batch import CHANNELS


class CksRequestBatchSend(models.TransientModel):
    """How and when the letter went to the CA."""

    _name = "cks.request.batch.send"
    _description = "Send a Letter to the CA"

    batch_id = fields.Many2one("cks.request.batch", "Letter to the CA", required=True)
    channel = fields.Selection(CHANNELS, required=True, default="ca_portal")
    sent_date = fields.Date("Sent On", required=True, default=fields.Date.context_today)
    reference = fields.Char("Number and Symbol of the Letter", required=True)

    def action_confirm(self):
        self.batch_id.action_send(self.channel, self.sent_date, self.reference)
        return {"type": "ir.actions.act_window_close"}
