from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    cks_body_id = fields.Many2one(
        "cks.body",
        "Managing Body",
        index="btree_not_null",
        help="The body this user works for: officers and heads see its subscribers and those of every body below it.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "cks_body_id"]
