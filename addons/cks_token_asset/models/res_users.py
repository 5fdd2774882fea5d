from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import UserError


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _cks_holder_domain(self, exclude_current=False):
        """Who may hold a device, as a domain the web client evaluates: an active internal user
        with an operational CKS role (an auditor-only user, the system user OdooBot or a portal
        user may not); ``exclude_current``: not the user choosing (the giver of a handover)."""
        excluded = f"[{SUPERUSER_ID}, uid]" if exclude_current else f"[{SUPERUSER_ID}]"
        holders = self.env.ref("cks_subscriber.group_cks_subscriber").ids
        return f"[('share', '=', False), ('id', 'not in', {excluded}), ('all_group_ids', 'in', {holders})]"

    @api.model
    def _cks_check_device_holder(self, user):
        """Refuse a custodian, receiver or witness who may not hold devices."""
        holders = self.env.ref("cks_subscriber.group_cks_subscriber")
        user = user.sudo()  # sudo: the groups of another user, read only
        if not user or not user.active or user.share or user.id == SUPERUSER_ID or holders not in user.all_group_ids:
            raise UserError(
                self.env._(
                    "%(name)s cannot hold key-storage devices: choose an active user with a digital-signature role "
                    "(an auditor-only user cannot).",
                    name=user.name or "?",
                )
            )
