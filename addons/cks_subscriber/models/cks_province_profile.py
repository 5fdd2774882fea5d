from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import flow


class CksProvinceProfile(models.Model):
    """The province this database serves: one active profile per database."""

    _name = "cks.province.profile"
    _inherit = ["cks.province.rules", "mail.thread", "cks.input.guard"]
    _description = "Province Profile"
    _flow_fields = ("preset_id",)

    active = fields.Boolean(default=True, tracking=True)
    preset_id = fields.Many2one("cks.province.preset", "Applied Preset", readonly=True, tracking=True)

    _one_active = models.UniqueIndex(
        "(active) WHERE active",
        "Only one province profile can be active in a database: archive the other one first.",
    )

    @api.model
    def _get_current(self):
        """The active profile, or an empty recordset when the province is not configured."""
        return self.sudo().search([], limit=1)  # sudo: the province's rules, read by every role

    @api.model
    def _get_current_or_raise(self):
        profile = self._get_current()
        if not profile:
            raise UserError(self.env._("The province is not configured: set its profile in Settings first."))
        return profile

    def action_open(self):
        """The profile's form (an empty one when the province is not configured yet)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name or self.env._("Province Profile"),
            "res_model": "cks.province.profile",
            "view_mode": "form",
            "res_id": self.id,
            "target": "current",
        }

    def _apply_preset(self, preset):
        self.ensure_one()
        vals = {name: preset[name] for name in self._rule_fields()}
        vals["preset_id"] = preset.id
        with flow.opened(self._name):
            self.write(vals)
        self.message_post(body=self.env._("Preset %(preset)s applied.", preset=preset.display_name))
