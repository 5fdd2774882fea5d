from odoo import fields, models

from ..lib import request_rules as rules


class CksProvinceRules(models.AbstractModel):
    """How the province sends each type of request on from the managing body: replaces the single
    yes/no of the subscriber module (presets in data/cks_province_route_data.xml cite the acts)."""

    _inherit = "cks.province.rules"

    route_new = fields.Selection(rules.ROUTES, "New Certificates Go", default="direct", required=True)
    route_renewal = fields.Selection(rules.ROUTES, "Renewals and Changes Go", default="direct", required=True)
    route_revocation = fields.Selection(rules.ROUTES, "Revocations Go", default="direct", required=True)
    route_restoration = fields.Selection(rules.ROUTES, "Device Restorations Go", default="direct", required=True)
