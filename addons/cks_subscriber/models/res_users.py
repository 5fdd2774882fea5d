from odoo import api, fields, models

# The page a CKS user opens at log on: the certificates every role may read (the application's own
# first page).
HOME_ACTION = "cks_subscriber.cks_certificate_action"
ROLES_WITH_HOME = ("cks_subscriber.group_cks_subscriber", "cks_subscriber.group_cks_auditor")


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

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._cks_give_home_action()
        return users

    def write(self, vals):
        res = super().write(vals)
        if "group_ids" in vals:
            self._cks_give_home_action()
        return res

    @api.model
    def _cks_give_home_actions(self):
        """Called at install and update: every user holding a CKS role gets the home action."""
        self.search([("share", "=", False)])._cks_give_home_action()

    def _cks_give_home_action(self):
        """Users holding a CKS role and no home action of their own land on the application."""
        action = self.env.ref(HOME_ACTION, raise_if_not_found=False)
        roles = self.env["res.groups"]
        for xmlid in ROLES_WITH_HOME:
            roles |= self.env.ref(xmlid, raise_if_not_found=False) or roles
        if not action or not roles:
            return
        # sudo: the groups and home action of the users being created or given roles (by whoever may
        # do that), read and set to the application's own first page only
        users = self.sudo().filtered(lambda user: not user.action_id and not user.share and user.all_group_ids & roles)
        if users:
            users.action_id = action.id  # an ir.actions.actions, not the act_window record
