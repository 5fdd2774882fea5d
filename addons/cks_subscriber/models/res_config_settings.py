from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cks_province_profile_id = fields.Many2one(
        "cks.province.profile", "Province Profile", compute="_compute_cks_province_profile"
    )
    cks_province_name = fields.Char(related="cks_province_profile_id.name", string="Province")
    cks_province_legal_act = fields.Char(related="cks_province_profile_id.legal_act", string="Legal Act")

    def _compute_cks_province_profile(self):
        profile = self.env["cks.province.profile"]._get_current()
        for settings in self:
            settings.cks_province_profile_id = profile

    def action_cks_open_province_profile(self):
        return self.env["cks.province.profile"]._get_current().action_open()

    def action_cks_apply_preset(self):
        return self.env["ir.actions.act_window"]._for_xml_id("cks_subscriber.cks_province_preset_apply_action")
