from odoo import api, fields, models


class ResGroups(models.Model):
    _inherit = "res.groups"

    # The people holding a role, as the roles page lists them: active internal users only, never
    # OdooBot (the superuser, inactive), the public user or portal users.
    cks_member_ids = fields.Many2many("res.users", string="Members", compute="_compute_cks_member_ids")

    @api.depends("all_user_ids")
    def _compute_cks_member_ids(self):
        for group in self:
            group.cks_member_ids = group.all_user_ids.filtered(
                lambda user: user.active and not user.share and not user._is_superuser()
            )
