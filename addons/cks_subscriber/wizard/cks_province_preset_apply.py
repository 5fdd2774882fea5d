from odoo import fields, models


class CksProvincePresetApply(models.TransientModel):
    """Copies a province preset into the province profile (creating the profile if needed)."""

    _name = "cks.province.preset.apply"
    _description = "Apply a Province Preset"

    preset_id = fields.Many2one("cks.province.preset", required=True)
    profile_id = fields.Many2one(
        "cks.province.profile",
        default=lambda self: self.env["cks.province.profile"]._get_current(),
        readonly=True,
    )
    legal_act = fields.Char(related="preset_id.legal_act")
    notes = fields.Text(related="preset_id.notes")

    def action_apply(self):
        self.ensure_one()
        profile = self.profile_id or self.env["cks.province.profile"].create({"name": self.preset_id.name})
        profile._apply_preset(self.preset_id)
        return profile.action_open()
