from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

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
    # a recovered device goes to the CA from the body itself (NĐ 130/2018 Điều 71) or through
    # the focal unit (QĐ 29/2021 Điện Biên Điều 19.2)
    "return_ca": ({"received", "recovered", "returned_focal"}, "returned_ca", "returned"),
    # the CA restored a device locked by wrong PINs (TT 185/2019 Điều 11, Mẫu 11/12): the
    # custodian keeps it; only the result of a restoration request takes this step
    "restore": ({"locked"}, "assigned", "restored"),
    "relocate": (None, None, "location"),  # any state but the last; the state does not change
    "stocktake": (None, None, "stocktake"),  # seen present during a stocktake
    # change of the person in charge, with a Mẫu 14 record (QĐ 19/2020 Hà Tĩnh, Điều 11.3;
    # QĐ 09/2023 Bắc Ninh, Điều 16.1): written by cks.handover once both sides confirmed
    "handover": ({"assigned"}, "assigned", "handover"),
}
# Fields that only the transitions may change (each change is a custody event), and the
# device's own record of its history, which every event moves forward.
CUSTODY_FIELDS = ("state", "custodian_id", "body_id", "location")
HISTORY_FIELDS = ("history_length", "history_hash")


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
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "serial"
    _rec_name = "serial"
    _flow_fields = (*CUSTODY_FIELDS, *HISTORY_FIELDS, "classification")

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
    history_length = fields.Integer(
        "Events Recorded", readonly=True, copy=False, help="Number of custody events of this device, kept with it."
    )
    history_hash = fields.Char(
        "Hash of the Last Event",
        readonly=True,
        copy=False,
        help="Kept with the device: verification names a device whose history is missing or shorter than this.",
    )

    _serial_unique = models.Constraint("UNIQUE(serial)", "Another device already has this serial number.")

    def _compute_event_count(self):
        counts = dict(
            self.env["cks.custody.event"]._read_group([("token_id", "in", self.ids)], ["token_id"], ["__count"])
        )
        for token in self:
            token.event_count = counts.get(token, 0)

    @api.model_create_multi
    def create(self, vals_list):
        # a device is registered as received from the CA; the flow guard refuses any other
        # state, holder, custodian or location given here
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
        if "serial" in vals and not flow.is_open(self._name):
            raise UserError(
                self.env._("The serial number of a registered device is part of its custody history: it cannot change.")
            )
        if vals.get("active") is False and any(token.state != "returned_ca" for token in self):
            raise UserError(self.env._("Only a device returned to the CA can be archived."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if self.event_ids:
            raise UserError(self.env._("A device with a custody history cannot be deleted; archive it."))

    def _lock_rows(self):
        lock_rows_nowait(self, self.env._("Another user is changing this device right now; try again in a moment."))

    def _transition(self, move, body=None, custodian=None, location=None, reason=None, document_ref=None):
        """Move the devices and append one custody event each; checks access, state and input.

        Called by the flows (wizard, handover, loss record, stocktake) with the caller's rights,
        or with elevated rights once a flow has checked who the caller is (the receiver of a
        handover does not see the device before it is theirs)."""
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
        if custodian is not None:
            self.env["res.users"]._cks_check_device_holder(custodian)
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
            with flow.opened(self._name):
                token.write(vals)
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

    def _open_transition(self, move):
        """The wizard of one step, for these devices (the step is checked again when recorded)."""
        return {
            "type": "ir.actions.act_window",
            "name": dict(self.env["cks.token.transition"]._fields["move"]._description_selection(self.env))[move],
            "res_model": "cks.token.transition",
            "view_mode": "form",
            "target": "new",
            "context": {"default_token_ids": self.ids, "default_move": move},
        }

    def action_issue(self):
        return self._open_transition("issue")

    def action_assign(self):
        return self._open_transition("assign")

    def action_lock(self):
        return self._open_transition("lock")

    def action_report_lost(self):
        return self._open_transition("report_lost")

    def action_recover(self):
        return self._open_transition("recover")

    def action_return_focal(self):
        return self._open_transition("return_focal")

    def action_return_ca(self):
        return self._open_transition("return_ca")

    def action_relocate(self):
        return self._open_transition("relocate")

    @flow_action
    def action_verify_chain(self):
        return self.env["cks.custody.verification"].action_run()
