from odoo import api, fields, models
from odoo.exceptions import UserError

# Devices a body is expected to hold (in its custody, not handed back).
HELD_STATES = ("issued", "assigned", "locked", "damaged", "compromised", "recovered")


class CksStocktake(models.Model):
    """Kiểm kê: the devices found at a body against those it should hold.

    The officer starts the session (the expected devices of the body and its subtree are
    listed), types or scans each serial found, then closes it: every device found gets a
    custody event, and the missing and unexpected ones are listed.
    """

    _name = "cks.stocktake"
    _description = "Device Stocktake"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char("Number", default="/", readonly=True, copy=False)
    body_id = fields.Many2one(
        "cks.body", "Managing Body", required=True, index=True, default=lambda self: self.env.user.cks_body_id
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
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

    @api.depends("line_ids.found", "line_ids.expected")
    def _compute_counts(self):
        for stocktake in self:
            lines = stocktake.line_ids
            stocktake.found_count = len(lines.filtered("found"))
            stocktake.missing_count = len(lines.filtered(lambda line: line.expected and not line.found))
            stocktake.unexpected_count = len(lines.filtered(lambda line: not line.expected))

    def action_start(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("This stocktake has already started."))
        tokens = self.env["cks.token"].search([("body_id", "child_of", self.body_id.id), ("state", "in", HELD_STATES)])
        self.write(
            {
                "state": "counting",
                "name": self.env["ir.sequence"].next_by_code("cks.stocktake", self.date),
                "line_ids": [
                    fields.Command.create({"token_id": t.id, "serial": t.serial, "expected": True}) for t in tokens
                ],
            }
        )

    def action_record(self):
        """Record the serial typed or scanned in `scan_serial` as found."""
        self.ensure_one()
        if self.state != "counting":
            raise UserError(self.env._("Start the stocktake before recording devices."))
        serial = (self.scan_serial or "").strip()
        if not serial:
            raise UserError(self.env._("Type or scan a serial number first."))
        line = self.line_ids.filtered(lambda line: line.serial == serial)
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

    def action_done(self):
        self.ensure_one()
        if self.state != "counting":
            raise UserError(self.env._("Only a stocktake being counted can be closed."))
        found = self.line_ids.filtered(lambda line: line.found and line.expected).token_id
        if found:
            found._transition(
                "stocktake",
                reason=self.env._("Found at stocktake %(name)s", name=self.name),
                document_ref=self.name,
            )
        self.state = "done"


class CksStocktakeLine(models.Model):
    _name = "cks.stocktake.line"
    _description = "Device in a Stocktake"
    _order = "expected desc, serial"

    stocktake_id = fields.Many2one("cks.stocktake", required=True, ondelete="cascade", index=True)
    token_id = fields.Many2one("cks.token", "Device")
    serial = fields.Char(required=True)
    expected = fields.Boolean()
    found = fields.Boolean()
    result = fields.Selection(
        [("found", "Found"), ("missing", "Missing"), ("unexpected", "Unexpected")], compute="_compute_result"
    )

    @api.depends("expected", "found")
    def _compute_result(self):
        for line in self:
            line.result = "unexpected" if not line.expected else ("found" if line.found else "missing")
