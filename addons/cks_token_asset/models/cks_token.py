from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import UserError

TOKEN_TYPES = [("usb", "USB Token"), ("sim", "SIM PKI"), ("other", "Other")]
TOKEN_STATES = [
    ("received", "Received from the CA"),
    ("issued", "Issued to a Body"),
    ("assigned", "Assigned to a Custodian"),
    ("locked", "Locked"),
    ("lost", "Lost"),
    ("damaged", "Damaged"),
    ("compromised", "Compromised"),
    ("recovered", "Recovered by the Body"),
    ("returned_focal", "Returned to the Focal Unit"),
    ("returned_ca", "Returned to the CA"),
]
CONDITIONS = [("good", "Good"), ("worn", "Worn"), ("damaged", "Damaged")]
# move: (states it may start from, state it leads to, event type in the chain)
# The path of a device: TT 185/2019 Điều 6 (delivery), Điều 10 (recovery after
# revocation or expiry, NĐ 130/2018 Điều 71), QĐ 19/2020 Hà Tĩnh Điều 11.3 (custodian).
TRANSITIONS = {
    "issue": ({"received"}, "issued", "issued"),
    "assign": ({"issued", "recovered"}, "assigned", "assigned"),
    "lock": ({"assigned"}, "locked", "locked"),
    "report_lost": ({"issued", "assigned", "locked"}, "lost", "lost"),
    "report_damaged": ({"issued", "assigned", "locked"}, "damaged", "damaged"),
    "report_compromised": ({"issued", "assigned", "locked", "lost"}, "compromised", "compromised"),
    "recover": ({"assigned", "locked", "lost", "damaged", "compromised"}, "recovered", "recovered"),
    "return_focal": ({"issued", "recovered"}, "returned_focal", "returned"),
    "return_ca": ({"received", "returned_focal"}, "returned_ca", "returned"),
    "relocate": (None, None, "location"),  # any state but the last; the state does not change
    "stocktake": (None, None, "stocktake"),  # seen present during a stocktake
    # change of the person in charge, with a Mẫu 14 record (QĐ 19/2020 Hà Tĩnh, Điều 11.3;
    # QĐ 09/2023 Bắc Ninh, Điều 16.1): written by cks.handover once both sides confirmed
    "handover": ({"assigned"}, "assigned", "handover"),
}
# Fields that only the transitions may change (each change is a custody event).
CUSTODY_FIELDS = ("state", "custodian_id", "body_id", "location")


def lock_rows_nowait(records, message):
    """Take the records' rows for this transaction, or raise `message` at once if another
    transaction holds them (two people confirming the same device never wait on each other)."""
    try:
        with records.env.cr.savepoint(flush=False):
            # the table name is the model's own, never user input
            records.env.cr.execute(
                f"SELECT id FROM {records._table} WHERE id IN %s FOR UPDATE NOWAIT", [tuple(records.ids)]
            )
    except LockNotAvailable:
        raise UserError(message) from None
    records.invalidate_recordset()


class CksToken(models.Model):
    """A key-storage device (thiết bị lưu khóa bí mật), managed as a "Mật" State secret."""

    _name = "cks.token"
    _description = "Key-Storage Device"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "serial"
    _rec_name = "serial"

    serial = fields.Char("Serial Number", required=True, tracking=True, index=True)
    token_type = fields.Selection(TOKEN_TYPES, "Type", required=True, default="usb", tracking=True)
    make_model = fields.Char("Make and Model")
    classification = fields.Char(default="Mật", readonly=True, help="Security classification of the device.")
    body_id = fields.Many2one("cks.body", "Holder Body", index=True, readonly=True, tracking=True)
    custodian_id = fields.Many2one("res.users", index="btree_not_null", readonly=True, tracking=True)
    location = fields.Char("Storage Location", readonly=True, tracking=True)
    certificate_ids = fields.Many2many("cks.certificate", string="Certificates")
    condition = fields.Selection(CONDITIONS, default="good", required=True, tracking=True)
    state = fields.Selection(TOKEN_STATES, default="received", required=True, readonly=True, tracking=True, index=True)
    event_ids = fields.One2many("cks.custody.event", "token_id", "Custody History")
    event_count = fields.Integer(compute="_compute_event_count")
    notes = fields.Text()
    active = fields.Boolean(default=True)

    _serial_unique = models.Constraint("UNIQUE(serial)", "Another device already has this serial number.")

    def _compute_event_count(self):
        counts = dict(
            self.env["cks.custody.event"]._read_group([("token_id", "in", self.ids)], ["token_id"], ["__count"])
        )
        for token in self:
            token.event_count = counts.get(token, 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if any(vals.get(name) for name in CUSTODY_FIELDS if name != "location") and not self.env.context.get(
                "cks_token_transition"
            ):
                raise UserError(self.env._("A device is registered as received from the CA; move it with its actions."))
        tokens = super().create(vals_list)
        for token in tokens:
            token._lock_rows()
            self.env["cks.custody.event"]._append(
                token,
                "received",
                None,
                token.state,
                self.env["res.users"],
                self.env["res.users"],
                location=token.location,
                reason=self.env._("Registered"),
            )
        return tokens

    def write(self, vals):
        if any(name in vals for name in CUSTODY_FIELDS) and not self.env.context.get("cks_token_transition"):
            raise UserError(
                self.env._("The holder, custodian, location and status of a device change only through its actions.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if self.event_ids:
            raise UserError(self.env._("A device with a custody history cannot be deleted; archive it."))

    def _lock_rows(self):
        lock_rows_nowait(self, self.env._("Another user is changing this device right now; try again in a moment."))

    def _transition(self, move, body=None, custodian=None, location=None, reason=None, document_ref=None):
        """Move the devices and append one custody event each; checks access, state and input."""
        self.check_access("write")
        allowed_from, target, event_type = TRANSITIONS[move]
        self._lock_rows()
        labels = dict(self._fields["state"]._description_selection(self.env))
        for token in self:
            if (allowed_from is None and token.state == "returned_ca") or (
                allowed_from is not None and token.state not in allowed_from
            ):
                raise UserError(
                    self.env._(
                        "Device %(serial)s is %(state)s: this step is not possible from there.",
                        serial=token.serial,
                        state=labels[token.state],
                    )
                )
        if move == "issue" and not body:
            raise UserError(self.env._("Choose the managing body the device is issued to."))
        if move in ("assign", "handover") and not custodian:
            raise UserError(self.env._("Choose the custodian the device is assigned to."))
        if move == "relocate" and not location:
            raise UserError(self.env._("Give the new storage location."))
        for token in self:
            vals = {}
            if target:
                vals["state"] = target
            if body is not None:
                vals["body_id"] = body.id
            if custodian is not None:
                vals["custodian_id"] = custodian.id
            elif target in ("recovered", "returned_focal", "returned_ca"):
                vals["custodian_id"] = False
            if location:
                vals["location"] = location
            state_from, custodian_from = token.state, token.custodian_id
            token.sudo().with_context(cks_token_transition=True).write(vals)
            self.env["cks.custody.event"]._append(
                token,
                event_type,
                state_from,
                token.state,
                custodian_from,
                token.custodian_id,
                location=token.location,
                reason=reason,
                document_ref=document_ref,
            )

    def action_open_transition(self):
        move = self.env.context.get("cks_move")
        return {
            "type": "ir.actions.act_window",
            "res_model": "cks.token.transition",
            "view_mode": "form",
            "target": "new",
            "context": {"default_token_ids": self.ids, "default_move": move},
        }

    def action_verify_chain(self):
        return self.env["cks.custody.verification"].action_run()
