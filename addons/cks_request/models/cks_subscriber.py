from odoo import models

from ..lib import request_rules as rules


class CksSubscriber(models.Model):
    _inherit = "cks.subscriber"

    def _schedule_revocation_activity(self):
        """Draft the revocation itself, beside the activity that asks for it."""
        result = super()._schedule_revocation_activity()
        Request = self.env["cks.request"]
        for subscriber in self:
            grounds = rules.STATUS_GROUNDS.get(subscriber.employment_status)
            if grounds:
                Request._draft_revocations(
                    subscriber.sudo().certificate_ids,
                    grounds,
                    note=self.env._("Drafted because the employment status changed."),
                )
        return result
