from odoo import api, fields, models

from odoo.addons.cks_token_asset.models.cks_token import TOKEN_TYPES

from ..lib import request_rules as rules


class CksRequestResult(models.TransientModel):
    """The CA's answer to one request, and what the answer brings (certificate, device, new end)."""

    _name = "cks.request.result"
    _description = "Result of the CA"

    request_id = fields.Many2one("cks.request", required=True)
    request_type = fields.Selection(related="request_id.request_type", string="Type of Request")
    outcome = fields.Selection(
        [("done", "Done by the CA"), ("refused", "Refused by the CA")], required=True, default="done"
    )
    reason = fields.Text("Reason Given by the CA")
    certificate_file = fields.Binary("Certificate Issued")
    certificate_file_name = fields.Char()
    device_serial = fields.Char("Serial of the Device Delivered")
    device_type = fields.Selection(TOKEN_TYPES, "Type of Device", default="usb")
    valid_to = fields.Datetime("New End of Validity", help="As the CA renewed it: at most 3 years more.")
    is_new = fields.Boolean(compute="_compute_is_new")

    @api.depends("request_type")
    def _compute_is_new(self):
        for wizard in self:
            wizard.is_new = wizard.request_type in rules.NEW_TYPES

    def action_confirm(self):
        self.request_id.action_record_result(
            self.outcome,
            reason=self.reason,
            certificate_file=self.certificate_file,
            certificate_file_name=self.certificate_file_name,
            device_serial=self.device_serial,
            device_type=self.device_type,
            valid_to=self.valid_to,
        )
        return {"type": "ir.actions.act_window_close"}
