from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

# Devices a body is expected to hold (in its custody, not handed back).
HELD_STATES = ("issued", "assigned", "locked", "damaged", "compromised", "recovered")


class CksStocktake(models.Model):
    """Kiểm kê: the devices found at a body against those it should hold.

    The officer starts the session (the expected devices of the body and its subtree are
    listed), types or scans each serial found, then closes it: every device found gets a
    custody event, and the missing and unexpected ones are listed. The closed record carries
    the chain's anchor of that moment, printed with its QR code on the stocktake record.
    """

    _name = "cks.stocktake"
    _description = "Device Stocktake"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.custody.anchor.mixin", "cks.input.guard"]
    _order = "id desc"
    _scope_fields = ("body_id",)
    _flow_fields = (
        "name",
        "state",
        "user_id",
        "date",
        "closed_at",
        "line_ids",
        "anchor_sequence",
        "anchor_hash",
        "anchor_taken_at",
    )

    name = fields.Char("Number", default="/", readonly=True, copy=False)
    body_id = fields.Many2one(
        "cks.body",
        "Managing Body",
        required=True,
        index=True,
        default=lambda self: self.env.user.cks_body_id.filtered("in_user_scope"),
        domain=[("in_user_scope", "=", True)],
    )
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    closed_at = fields.Datetime("Closed On", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", "Counted By", required=True, default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("counting", "Counting"), ("done", "Done")], default="draft", required=True, readonly=True
    )
    line_ids = fields.One2many("cks.stocktake.line", "stocktake_id", "Devices", readonly=True)
    scan_serial = fields.Char("Serial Found", help="Type or scan the serial number of a device found, then Record.")
    found_count = fields.Integer(compute="_compute_counts")
    missing_count = fields.Integer(compute="_compute_counts")
    unexpected_count = fields.Integer(compute="_compute_counts")

    @api.depends("name")
    def _compute_display_name(self):
        for stocktake in self:
            stocktake.display_name = stocktake.name if stocktake.name != "/" else self.env._("New")

    @api.depends("line_ids.found", "line_ids.expected")
    def _compute_counts(self):
        for stocktake in self:
            lines = stocktake.line_ids
            # the expected devices found; a device found but not expected is counted as unexpected
            stocktake.found_count = len(lines.filtered(lambda line: line.expected and line.found))
            stocktake.missing_count = len(lines.filtered(lambda line: line.expected and not line.found))
            stocktake.unexpected_count = len(lines.filtered(lambda line: not line.expected))

    def write(self, vals):
        if not flow.is_open(self._name):
            if "body_id" in vals and any(stocktake.state != "draft" for stocktake in self):
                raise UserError(self.env._("The body of a stocktake cannot change once counting has started."))
            if "scan_serial" in vals and vals["scan_serial"] and any(s.state != "counting" for s in self):
                raise UserError(self.env._("Start the stocktake before recording devices."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(stocktake.state != "draft" for stocktake in self):
            raise UserError(self.env._("A stocktake that has started is kept: it cannot be deleted."))

    @flow_action
    def action_start(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("This stocktake has already started."))
        self.check_access("write")
        tokens = self.env["cks.token"].search([("body_id", "child_of", self.body_id.id), ("state", "in", HELD_STATES)])
        today = fields.Date.context_today(self)
        with flow.opened(self._name, "cks.stocktake.line"):
            self.write(
                {
                    "state": "counting",
                    "date": today,
                    "name": self.env["ir.sequence"].next_by_code("cks.stocktake", today),
                    "line_ids": [
                        fields.Command.create({"token_id": t.id, "serial": t.serial, "expected": True}) for t in tokens
                    ],
                }
            )

    @flow_action
    def action_record(self):
        """Record the serial typed or scanned in `scan_serial` as found."""
        self.ensure_one()
        if self.state != "counting":
            raise UserError(self.env._("Start the stocktake before recording devices."))
        self.check_access("write")
        serial = (self.scan_serial or "").strip()
        if not serial:
            raise UserError(self.env._("Type or scan a serial number first."))
        line = self.line_ids.filtered(lambda line: line.serial == serial)
        with flow.opened(self._name, "cks.stocktake.line"):
            if line:
                line.found = True
            else:
                # linked only when the counter may see the device (need-to-know); the serial says the rest
                token = self.env["cks.token"].search([("serial", "=", serial)], limit=1)
                self.write(
                    {
                        "line_ids": [
                            fields.Command.create(
                                {"token_id": token.id, "serial": serial, "found": True, "expected": False}
                            )
                        ]
                    }
                )
        self.scan_serial = False

    @flow_action
    def action_done(self):
        self.ensure_one()
        if self.state != "counting":
            raise UserError(self.env._("Only a stocktake being counted can be closed."))
        self.check_access("write")
        found = self.line_ids.filtered(lambda line: line.found and line.expected).token_id
        if found:
            found._transition(
                "stocktake",
                reason=self.env._("Found at stocktake %(name)s", name=self.name),
                document_ref=self.name,
            )
        with flow.opened(self._name):
            # the anchor of the chain with this stocktake's events, printed on its record
            self.write({"state": "done", "closed_at": fields.Datetime.now(), **self._anchor_of_head()})


class CksStocktakeLine(models.Model):
    _name = "cks.stocktake.line"
    _inherit = ["cks.input.guard"]
    _description = "Device in a Stocktake"
    _rec_name = "serial"
    _order = "expected desc, serial"
    _flow_fields = ("stocktake_id", "token_id", "serial", "expected", "found")

    stocktake_id = fields.Many2one("cks.stocktake", required=True, ondelete="cascade", index=True)
    token_id = fields.Many2one("cks.token", "Device")
    serial = fields.Char(required=True)
    expected = fields.Boolean()
    found = fields.Boolean()
    result = fields.Selection(
        [("found", "Found"), ("missing", "Missing"), ("unexpected", "Unexpected")], compute="_compute_result"
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not flow.is_open(self._name):
            raise UserError(self.env._("The devices of a stocktake are listed and recorded by its steps only."))
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_flow(self):
        if not flow.is_open(self._name):
            raise UserError(self.env._("The devices of a stocktake are listed and recorded by its steps only."))

    @api.depends("expected", "found")
    def _compute_result(self):
        for line in self:
            line.result = "unexpected" if not line.expected else ("found" if line.found else "missing")
