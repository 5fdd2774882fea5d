from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from .cks_token import CONDITIONS, TOKEN_TYPES, lock_rows_nowait

HANDOVER_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting for the Receiver"),
    ("done", "Confirmed"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]
# What the giver writes while the record is a draft; afterwards it is what both sides signed.
DRAFT_FIELDS = ("place", "receiver_id", "witness_id", "remarks", "line_ids")


class CksHandover(models.Model):
    """Biên bản bàn giao (Mẫu 14, TT 185/2019): a change of the person in charge of devices.

    QĐ 19/2020 Hà Tĩnh, Điều 11.3; QĐ 25/2020 Vĩnh Phúc; QĐ …/2020 Bắc Giang, Điều 16.1;
    QĐ 09/2023 Bắc Ninh, Điều 16.1: when the person in charge changes, the devices are handed
    over with a written record. The giver drafts and submits it; the receiver confirms it in
    their own session (or refuses it, saying why); only then is the custody of each device
    changed and its custody event written. The state, number, giver, body and times are set by
    these steps alone, never by a client's write.
    """

    _name = "cks.handover"
    _description = "Handover Record (Form 14)"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "id desc"
    _flow_fields = ("name", "state", "giver_id", "body_id", "handover_date", "confirmed_at", "refusal_reason")
    _text_limits = {"remarks": 2000}

    name = fields.Char("Number", default="/", readonly=True, copy=False, tracking=True)
    place = fields.Char(required=True)
    handover_date = fields.Datetime("Submitted On", readonly=True, copy=False)
    confirmed_at = fields.Datetime("Confirmed On", readonly=True, copy=False)
    giver_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, readonly=True, index=True
    )
    receiver_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        tracking=True,
        domain=lambda self: self.env["res.users"]._cks_holder_domain(exclude_current=True),
    )
    witness_id = fields.Many2one(
        "res.users",
        "Witness or Head",
        index="btree_not_null",
        domain=lambda self: self.env["res.users"]._cks_holder_domain(exclude_current=True),
    )
    body_id = fields.Many2one(
        "cks.body", "Managing Body", index=True, default=lambda self: self.env.user.cks_body_id, readonly=True
    )
    line_ids = fields.One2many("cks.handover.line", "handover_id", "Devices Handed Over", copy=True)
    remarks = fields.Text()
    refusal_reason = fields.Char(readonly=True, tracking=True)
    state = fields.Selection(HANDOVER_STATES, default="draft", required=True, readonly=True, tracking=True)
    is_receiver = fields.Boolean(compute="_compute_is_receiver")

    @api.depends("name")
    def _compute_display_name(self):
        for handover in self:
            handover.display_name = handover.name if handover.name != "/" else self.env._("New")

    @api.depends_context("uid")
    def _compute_is_receiver(self):
        for handover in self:
            handover.is_receiver = handover.receiver_id == self.env.user

    def write(self, vals):
        if not flow.is_open(self._name):
            self._check_draft_edit(set(vals) & set(DRAFT_FIELDS))
        return super().write(vals)

    def _check_draft_edit(self, names):
        """Only the giver changes a record, and only while it is a draft."""
        if not names:
            return
        for handover in self:
            if handover.state != "draft":
                raise UserError(
                    self.env._(
                        "Record %(name)s has been submitted: it is what both sides sign and cannot be changed.",
                        name=handover.name,
                    )
                )
            if handover.giver_id != self.env.user and not self.env.su:
                raise UserError(self.env._("Only the giver, %(name)s, edits this draft.", name=handover.giver_id.name))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(handover.state not in ("draft", "cancelled") for handover in self):
            raise UserError(self.env._("A submitted handover record is kept: cancel it instead of deleting it."))

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

    @flow_action
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
            self.env["res.users"]._cks_check_device_holder(handover.receiver_id)
            handover._check_custody()
            now = fields.Datetime.now()
            with flow.opened(self._name, "cks.handover.line"):
                handover.line_ids._take_snapshot()
                handover.write(
                    {
                        "state": "waiting",
                        "handover_date": now,
                        "name": self.env["ir.sequence"].next_by_code("cks.handover", now),
                    }
                )
            handover.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=handover.receiver_id.id,
                summary=self.env._("Confirm the receipt of the devices of record %(name)s", name=handover.name),
            )

    @flow_action
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
            document_ref=handover._custody_document_ref(),
        )
        with flow.opened(self._name):
            handover.write({"state": "done", "confirmed_at": fields.Datetime.now()})
        handover.activity_ids.action_feedback(feedback=self.env._("Received"))

    def _custody_document_ref(self):
        """What the custody events of the handover name as their supporting document."""
        return self.name

    @flow_action
    def action_refuse(self):
        """The receiver refuses: a small form asks why."""
        self._take_as_receiver()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse Record %(name)s", name=self.name),
            "res_model": "cks.handover.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_handover_id": self.id},
        }

    def _refuse(self, reason):
        handover = self._take_as_receiver()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the record is refused."))
        with flow.opened(self._name):
            handover.write({"state": "refused", "refusal_reason": reason})
        handover.activity_ids.action_feedback(feedback=self.env._("Refused: %(reason)s", reason=reason))

    @flow_action
    def action_cancel(self):
        for handover in self:
            if handover.state not in ("draft", "waiting") or handover.giver_id != self.env.user:
                raise UserError(self.env._("Only the giver can cancel a record not yet confirmed."))
        with flow.opened(self._name):
            self.write({"state": "cancelled"})
        self.activity_ids.unlink()


class CksHandoverLine(models.Model):
    _name = "cks.handover.line"
    _inherit = ["cks.input.guard"]
    _description = "Device in a Handover Record"
    # what was handed over, as it was at submission: the receiver reads it before the devices are theirs
    _flow_fields = ("serial", "token_type", "certificate_serials", "condition")

    handover_id = fields.Many2one("cks.handover", required=True, ondelete="cascade", index=True)
    token_id = fields.Many2one("cks.token", "Device", required=True, domain="[('custodian_id', '=', uid)]")
    serial = fields.Char("Serial Number", readonly=True)
    token_type = fields.Selection(TOKEN_TYPES, "Type", readonly=True)
    certificate_serials = fields.Char(readonly=True)
    condition = fields.Selection(CONDITIONS, readonly=True)
    accessories = fields.Char(
        default=lambda self: self.env._("Sealed PIN envelope"), help="e.g. the sealed PIN envelope, the case."
    )
    remarks = fields.Char()

    _token_once = models.Constraint("UNIQUE(handover_id, token_id)", "A device is listed once per record.")

    @api.depends("serial", "token_id")
    def _compute_display_name(self):
        """The device's serial as the record says it (as it was submitted), else the device's."""
        for line in self:
            line.display_name = line.serial or line.sudo().token_id.serial or ""  # sudo: its serial only

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not flow.is_open(self._name):
            lines.handover_id._check_draft_edit({"line_ids"})
        return lines

    def write(self, vals):
        if not flow.is_open(self._name):
            self.handover_id._check_draft_edit({"line_ids"})
            if "handover_id" in vals and any(line.handover_id.id != vals["handover_id"] for line in self):
                raise UserError(self.env._("A device listed on a record stays on it: remove it and list it again."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        if not flow.is_open(self._name):
            self.handover_id._check_draft_edit({"line_ids"})

    def _take_snapshot(self):
        """Copy what the record says of each device as it is handed over."""
        for line in self:
            token = line.token_id.sudo()  # sudo: the certificates on a device the giver holds, read only
            line.write(
                {
                    "serial": token.serial,
                    "token_type": token.token_type,
                    "certificate_serials": ", ".join(token.certificate_ids.mapped("serial")),
                    "condition": token.condition,
                }
            )
