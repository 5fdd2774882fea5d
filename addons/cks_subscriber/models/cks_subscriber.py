from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.cccd import CccdError, validate_cccd
from ..lib.codes import EMPLOYMENT_STATUSES, SUBSCRIBER_KINDS

# Statuses that oblige the revocation of the subscriber's certificates: retirement,
# leaving, death, and a transfer that makes the certificate's data wrong
# (QĐ 25/2020 Vĩnh Phúc, Điều 7.3; QĐ 29/2021 Điện Biên, Điều 18; TT 185/2019 Điều 9).
REVOCATION_STATUSES = ("transferred", "retired", "left", "deceased")


class CksSubscriber(models.Model):
    """A subscriber (thuê bao): a person, an organisation or a device holding certificates."""

    _name = "cks.subscriber"
    _description = "Subscriber"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "name, id"
    _scope_fields = ("body_id",)

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(SUBSCRIBER_KINDS, required=True, default="individual", tracking=True)
    body_id = fields.Many2one(
        "cks.body",
        "Managing Body",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        default=lambda self: self._default_body(),
        domain=[("has_legal_personality", "=", True), ("in_user_scope", "=", True)],
    )
    user_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        tracking=True,
        help="The user who logs in as this subscriber.",
    )
    # individuals (Bắc Ninh QĐ 09/2023 Điều 5.1.a; TT 185/2019 Mẫu 01)
    cccd = fields.Char("Personal ID Number (CCCD)", tracking=True, groups="base.group_user")
    position = fields.Char(tracking=True)
    department = fields.Char()
    email = fields.Char("Official E-mail", tracking=True)
    mobile = fields.Char(tracking=True)
    employment_status = fields.Selection(
        EMPLOYMENT_STATUSES, default="working", required=True, tracking=True, index=True
    )
    # organisations, devices, services, software
    tax_code = fields.Char()
    budget_code = fields.Char("Budget-Relation Code")
    address = fields.Char()
    responsible_user_id = fields.Many2one(
        "res.users",
        "Person in Charge",
        help="For an organisation or device certificate: the person assigned to manage it.",
    )
    certificate_ids = fields.One2many("cks.certificate", "subscriber_id", "Certificates")
    certificate_count = fields.Integer(compute="_compute_certificate_count")
    active = fields.Boolean(default=True, tracking=True)
    notes = fields.Html()

    _cccd_unique = models.UniqueIndex(
        "(cccd) WHERE cccd IS NOT NULL AND active",
        "Another active subscriber already has this personal ID number.",
    )

    @api.model
    def _default_body(self):
        """The user's own body, when they manage it and it may manage subscribers."""
        body = self.env.user.cks_body_id
        if body.has_legal_personality and body.in_user_scope:
            return body
        return self.env["cks.body"]

    def _compute_certificate_count(self):
        counts = dict(
            self.env["cks.certificate"]._read_group([("subscriber_id", "in", self.ids)], ["subscriber_id"], ["__count"])
        )
        for subscriber in self:
            subscriber.certificate_count = counts.get(subscriber, 0)

    @api.constrains("cccd")
    def _check_cccd(self):
        for subscriber in self.filtered("cccd"):
            try:
                validate_cccd(subscriber.cccd, today=fields.Date.context_today(subscriber))
            except CccdError as error:
                raise ValidationError(
                    self.env._(
                        "The personal ID number %(number)s of %(name)s is not valid: %(reason)s",
                        number=subscriber.cccd,
                        name=subscriber.name,
                        reason=self._cccd_reason(error),
                    )
                ) from None

    def _cccd_reason(self, error):
        reasons = {
            "length": self.env._("it must have exactly 12 digits"),
            "province": self.env._("its first three digits are not a province code"),
            "future_birth_year": self.env._("its birth year lies in the future"),
        }
        return reasons.get(getattr(error, "code", None), str(error))

    @api.constrains("body_id")
    def _check_body_can_manage(self):
        for subscriber in self:
            if not subscriber.body_id.has_legal_personality:
                raise ValidationError(
                    self.env._(
                        "%(body)s cannot manage subscribers: only a body with legal personality and its own "
                        "seal can (Circular 185/2019/TT-BQP, Art. 3).",
                        body=subscriber.body_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("cccd"):
                vals["cccd"] = "".join(vals["cccd"].split())
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("cccd"):
            vals["cccd"] = "".join(vals["cccd"].split())
        leaving = self.browse()
        if vals.get("employment_status") in REVOCATION_STATUSES:
            leaving = self.filtered(lambda s: s.employment_status != vals["employment_status"])
        result = super().write(vals)
        leaving._schedule_revocation_activity()
        return result

    def _schedule_revocation_activity(self):
        """Ask the body's officer to request revocation (the request itself comes with a higher module)."""
        activity_type = self.env.ref("cks_subscriber.mail_activity_type_revocation")
        for subscriber in self:
            if not subscriber.certificate_ids.filtered(lambda c: c.state in ("valid", "suspended")):
                continue
            officer = subscriber.body_id._responsible_user()
            summary = self.env._(
                "Request revocation: %(name)s is %(status)s",
                name=subscriber.name,
                status=dict(self._fields["employment_status"]._description_selection(self.env))[
                    subscriber.employment_status
                ],
            )
            subscriber.activity_schedule(
                activity_type_id=activity_type.id, summary=summary, user_id=officer.id or self.env.uid
            )

    def action_view_certificates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cks_subscriber.cks_certificate_action")
        action["domain"] = [("subscriber_id", "=", self.id)]
        action["context"] = {"default_subscriber_id": self.id}
        return action

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Subscribers"),
                "template": "/cks_subscriber/static/xls/cks_subscriber_import_template.xlsx",
            }
        ]
