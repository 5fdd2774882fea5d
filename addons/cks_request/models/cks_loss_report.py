from odoo import models

from odoo.addons.cks_subscriber.lib import flow


class CksLossReport(models.Model):
    _inherit = "cks.loss.report"

    def action_confirm(self):
        """The confirmed Form 15 goes with the revocation drafted for the device."""
        result = super().action_confirm()
        for report in self:
            drafts = (
                self.env["cks.request"]
                .sudo()
                .search(
                    [
                        ("token_id", "=", report.token_id.id),
                        ("request_type", "=", "revocation"),
                        ("state", "=", "draft"),
                        ("loss_report_id", "=", False),
                    ]
                )
            )
            with flow.opened("cks.request"):
                drafts.write({"loss_report_id": report.id, "grounds": "device_lost"})
        return result
