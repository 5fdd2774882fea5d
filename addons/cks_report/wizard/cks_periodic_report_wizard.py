from odoo import fields, models

from ..models.cks_periodic_report import PERIOD_KINDS


class CksPeriodicReportWizard(models.TransientModel):
    """Pick the period and the scope of a periodic report: the report is created as a draft with
    its figures counted, to be completed with what the records cannot tell."""

    _name = "cks.periodic.report.wizard"
    _description = "New Periodic Report"

    period_kind = fields.Selection(PERIOD_KINDS, "Period", required=True, default="h1")
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    body_id = fields.Many2one(
        "cks.body",
        "Managing Body",
        default=lambda self: self._default_body(),
        help="The body reporting, with the bodies below it. Empty: the whole province (provincial administrators).",
    )

    def _default_body(self):
        """A provincial administrator reports for the whole province; anyone else for his body."""
        if self.env.user.has_group("cks_subscriber.group_cks_admin"):
            return self.env["cks.body"]
        return self.env.user.cks_body_id

    def action_create(self):
        self.ensure_one()
        report = self.env["cks.periodic.report"].create(
            {"period_kind": self.period_kind, "year": self.year, "body_id": self.body_id.id}
        )
        report.action_compute()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cks.periodic.report",
            "res_id": report.id,
            "view_mode": "form",
            "target": "current",
        }
