from odoo import fields, models


class CksToken(models.Model):
    """The device shows the recovery it is waiting for and its deadline."""

    _inherit = "cks.token"

    recovery_id = fields.Many2one("cks.request", "Open Recovery", compute="_compute_recovery")
    recovery_deadline = fields.Date("Due Back By", compute="_compute_recovery")
    request_count = fields.Integer("Requests", compute="_compute_recovery")

    def _compute_recovery(self):
        Request = self.env["cks.request"]
        open_recoveries = {
            request.token_id: request
            for request in Request.search(
                [
                    ("token_id", "in", self.ids),
                    ("request_type", "=", "recovery"),
                    ("state", "in", ("recovering", "received")),
                ],
                order="id",
            )
        }
        counts = dict(Request._read_group([("token_id", "in", self.ids)], ["token_id"], ["__count"]))
        for token in self:
            recovery = open_recoveries.get(token, Request)
            token.recovery_id = recovery
            token.recovery_deadline = recovery.deadline
            token.request_count = counts.get(token, 0)

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cks_request.cks_request_action")
        action["domain"] = [("token_id", "=", self.id)]
        action["context"] = {}
        return action

    def _transition(self, move, body=None, custodian=None, location=None, reason=None, document_ref=None):
        result = super()._transition(
            move, body=body, custodian=custodian, location=location, reason=reason, document_ref=document_ref
        )
        grounds = {
            "report_lost": "device_lost",
            "report_damaged": "device_damaged",
            "report_compromised": "key_exposed",
        }
        if move in grounds:
            for token in self:
                self.env["cks.request"]._draft_revocations(
                    token.sudo().certificate_ids, grounds[move], token=token, note=reason
                )
        return result
