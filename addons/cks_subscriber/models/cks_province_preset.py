from odoo import fields, models


class CksProvincePreset(models.Model):
    """A province's values as its regulation states them (shipped as data)."""

    _name = "cks.province.preset"
    _inherit = ["cks.province.rules", "cks.input.guard"]
    _description = "Province Preset"
    _order = "name"

    active = fields.Boolean(default=True)
