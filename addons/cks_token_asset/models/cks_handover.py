from odoo import api, fields, models
from odoo.exceptions import UserError

from .cks_token import lock_rows_nowait

HANDOVER_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting for the Receiver"),
    ("done", "Confirmed"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]


class CksHandover(models.Model):
    """Biên bản bàn giao (Mẫu 14, TT 185/2019): a change of the person in charge of devices.

    QĐ 19/2020 Hà Tĩnh, Điều 11.3; QĐ 25/2020 Vĩnh Phúc; QĐ …/2020 Bắc Giang, Điều 16.1;
    QĐ 09/2023 Bắc Ninh, Điều 16.1: when the person in charge changes, the devices are handed
    over with a written record. The giver submits it; the receiver confirms it in their own
    session (or refuses it, saying why); only then is the custody of each device changed and
    its custody event written.
    """

    _name = "cks.handover"
    _description = "Handover Record (Form 14)"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char("Number", default="/", readonly=True, copy=False, tracking=True)
    place = fields.Char(required=True)
    handover_date = fields.Datetime("Date and Time", required=True, default=fields.Datetime.now)
    giver_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, readonly=True, index=True
    )
    receiver_id = fields.Many2one("res.users", required=True, index=True, tracking=True, domain=[("share", "=", False)])
    witness_id = fields.Many2one("res.users", "Witness or Head", index="btree_not_null", domain=[("share", "=", False)])
    body_id = fields.Many2one(
        "cks.body", "Managing Body", index=True, default=lambda self: self.env.user.cks_body_id, readonly=True
    )
    line_ids = fields.One2many("cks.handover.line", "handover_id", "Devices Handed Over", copy=True)
    remarks = fields.Text()
    refusal_reason = fields.Char(tracking=True)
    state = fields.Selection(HANDOVER_STATES, default="draft", required=True, readonly=True, tracking=True)
    is_receiver = fields.Boolean(compute="_compute_is_receiver")

    @api.depends_context("uid")
    def _compute_is_receiver(self):
        for handover in self:
            handover.is_receiver = handover.receiver_id == self.env.user

    def _take_as_receiver(self):
        """Checks that the current user is the receiver, locks the record and returns it with
        elevated rights (the receiver may not see the devices before they are theirs)."""
        self.ensure_one()
        if self.receiver_id != self.env.user:
            raise UserError(
                self.env._(
                    "Only the receiver, %(name)s, can confirm or refuse this record.", name=self.receiver_id.name
                )
            )
        handover = self.sudo()
        lock_rows_nowait(handover, self.env._("This record is being confirmed by someone else right now."))
        if handover.state != "waiting":
            raise UserError(self.env._("Record %(name)s is not waiting for confirmation.", name=handover.name))
        return handover

    def _check_custody(self):
        for handover in self:
            for line in handover.line_ids:
                if line.token_id.custodian_id != handover.giver_id or line.token_id.state != "assigned":
                    raise UserError(
                        self.env._(
                            "Device %(serial)s is not in the custody of %(giver)s: it cannot be handed over by them.",
                            serial=line.token_id.serial,
                            giver=handover.giver_id.name,
                        )
                    )

    def action_submit(self):
        for handover in self:
            if handover.state != "draft":
                raise UserError(self.env._("Only a draft record can be submitted."))
            if handover.giver_id != self.env.user:
                raise UserError(self.env._("Only the giver submits the record."))
            if not handover.line_ids:
                raise UserError(self.env._("List the devices handed over."))
            if handover.receiver_id == handover.giver_id:
                raise UserError(self.env._("The receiver must be another person."))
            handover._check_custody()
            handover.write(
                {
                    "state": "waiting",
                    "name": self.env["ir.sequence"].next_by_code("cks.handover", handover.handover_date),
                }
            )
            handover.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=handover.receiver_id.id,
                summary=self.env._("Confirm the receipt of the devices of record %(name)s", name=handover.name),
            )

    def action_confirm_receipt(self):
        """The receiver confirms: custody changes and one event per device is chained.

        The receiver may not see the devices before they are theirs (need-to-know), so once
        their identity is checked the record is processed with elevated rights; the events
        still name the receiver as the one who recorded them.
        """
        handover = self._take_as_receiver()
        tokens = handover.line_ids.token_id
        tokens._lock_rows()
        handover._check_custody()
        tokens._transition(
            "handover",
            custodian=handover.receiver_id,
            reason=self.env._("Handover record %(name)s", name=handover.name),
            document_ref=handover.name,
        )
        handover.write({"state": "done"})
        handover.activity_ids.action_feedback(feedback=self.env._("Received"))

    def action_refuse(self):
        handover = self._take_as_receiver()
        if not handover.refusal_reason:
            raise UserError(self.env._("Say why the record is refused."))
        handover.write({"state": "refused"})
        handover.activity_ids.action_feedback(
            feedback=self.env._("Refused: %(reason)s", reason=handover.refusal_reason)
        )

    def action_cancel(self):
        for handover in self:
            if handover.state not in ("draft", "waiting") or handover.giver_id != self.env.user:
                raise UserError(self.env._("Only the giver can cancel a record not yet confirmed."))
        self.write({"state": "cancelled"})
        self.activity_ids.unlink()


class CksHandoverLine(models.Model):
    _name = "cks.handover.line"
    _description = "Device in a Handover Record"

    handover_id = fields.Many2one("cks.handover", required=True, ondelete="cascade", index=True)
    token_id = fields.Many2one("cks.token", "Device", required=True, domain="[('custodian_id', '=', uid)]")
    token_type = fields.Selection(related="token_id.token_type")
    certificate_serials = fields.Char(compute="_compute_certificate_serials")
    condition = fields.Selection(related="token_id.condition")
    accessories = fields.Char(
        default=lambda self: self.env._("Sealed PIN envelope"), help="e.g. the sealed PIN envelope, the case."
    )
    remarks = fields.Char()

    _token_once = models.Constraint("UNIQUE(handover_id, token_id)", "A device is listed once per record.")

    @api.depends("token_id.certificate_ids.serial")
    def _compute_certificate_serials(self):
        for line in self:
            line.certificate_serials = ", ".join(line.token_id.certificate_ids.mapped("serial"))
