from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action
from odoo.addons.cks_token_asset.models.cks_token import lock_rows_nowait

from ..lib import request_rules as rules

BATCH_STATES = [
    ("draft", "Being Prepared"),
    ("sent", "Sent to the CA"),
    ("closed", "Answered"),
    ("cancelled", "Cancelled"),
]
# QĐ 09/2023 Bắc Ninh, Điều 6.1: the CA's online system (ca.gov.vn) or the document-exchange axis,
# else paper; TT 185/2019 Điều 5; devices travel in person, through cơ yếu or by public post (Điều 6.2).
CHANNELS = [
    ("ca_portal", "The CA's online system (ca.gov.vn)"),
    ("axis", "National document-exchange axis"),
    ("post", "Public post"),
    ("in_person", "In person"),
]


class CksRequestBatch(models.Model):
    """The managing body's letter to the CA (the even form: Mẫu 02, 04, 06, 08, 10 or 12) with the
    table of its approved requests of one type."""

    _name = "cks.request.batch"
    _description = "Letter to the CA"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "id desc"
    _flow_fields = (
        "name",
        "state",
        "request_type",
        "body_id",
        "sent_by_id",
        "sent_at",
        "deadline",
        "channel",
        "sent_date",
        "reference",
    )
    _scope_fields = ("body_id",)

    name = fields.Char("Number", default="/", readonly=True, copy=False)
    request_type = fields.Selection(rules.REQUEST_TYPES, "Request", required=True, readonly=True)
    form = fields.Char(compute="_compute_form")
    body_id = fields.Many2one("cks.body", "Sending Body", required=True, readonly=True, index=True)
    request_ids = fields.One2many("cks.request", "batch_id", "Requests", readonly=True)
    request_count = fields.Integer("Number of Requests", compute="_compute_counts")
    done_count = fields.Integer("Done", compute="_compute_counts")
    refused_count = fields.Integer("Refused", compute="_compute_counts")
    state = fields.Selection(BATCH_STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    channel = fields.Selection(CHANNELS, readonly=True, tracking=True)
    sent_date = fields.Date("Sent On", readonly=True, tracking=True)
    reference = fields.Char("Number and Symbol of the Letter", readonly=True, tracking=True)
    sent_by_id = fields.Many2one("res.users", readonly=True)
    sent_at = fields.Datetime("Recorded On", readonly=True)
    deadline = fields.Date("CA's Answer Due", readonly=True, tracking=True)
    notes = fields.Text()

    @api.depends("request_type")
    def _compute_form(self):
        for batch in self:
            pair = rules.FORM_PAIRS.get(batch.request_type)
            batch.form = self.env._("Form %(even)s", even=pair[1]) if pair else False

    @api.depends("request_ids.state")
    def _compute_counts(self):
        for batch in self:
            states = batch.request_ids.mapped("state")
            batch.request_count = len(states)
            batch.done_count = states.count("done")
            batch.refused_count = states.count("refused")

    @api.depends("name", "request_type")
    def _compute_display_name(self):
        for batch in self:
            batch.display_name = batch.name if batch.name != "/" else self.env._("New letter")

    def _lock(self):
        lock_rows_nowait(self, self.env._("Another user is changing this letter right now; try again in a moment."))

    @api.model
    def _create_from_requests(self, requests):
        """One letter for approved requests of one type that are with one body."""
        if not self.env.user.has_group("cks_subscriber.group_cks_officer"):
            raise AccessError(self.env._("The officer of the managing body prepares its letters to the CA."))
        if not requests:
            raise UserError(self.env._("Select the approved requests to put in the letter."))
        requests.check_access("write")
        requests._lock()
        requests._expect(("approved", "forwarded"), self.env._("put in a letter to the CA"))
        types = set(requests.mapped("request_type"))
        if len(types) > 1:
            raise UserError(self.env._("A letter to the CA carries requests of one type: the selection mixes several."))
        holders = requests.mapped("holder_body_id")
        if len(holders) > 1:
            raise UserError(
                self.env._(
                    "A letter to the CA is sent by one body: the selection has requests with %(bodies)s.",
                    bodies=", ".join(holders.mapped("display_name")),
                )
            )
        requests._require_holder()
        focal = self.env["cks.province.profile"]._get_current().focal_body_id
        for request in requests:
            if request.route == "escalate" and request.holder_body_id != focal and request.state == "forwarded":
                raise UserError(
                    self.env._(
                        "Request %(name)s goes up to the focal unit before the CA: forward it.",
                        name=request.display_name,
                    )
                )
        with flow.opened(self._name):
            batch = self.create(
                {
                    "request_type": types.pop(),
                    "body_id": holders.id,
                    "name": self.env["ir.sequence"].next_by_code("cks.request.batch") or "/",
                }
            )
        for request in requests:
            state_from = request.state
            request._move("batched", rules.STEP_DAYS["batched"], {"batch_id": batch.id})
            request._log("batch", state_from, batch.name)
            request._close_step_activity()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": batch.id,
            "view_mode": "form",
            "target": "current",
        }

    def _require_sender(self):
        if not self.env.user.has_group("cks_subscriber.group_cks_officer"):
            raise AccessError(self.env._("The officer of the sending body sends its letters to the CA."))
        self.check_access("write")

    @flow_action
    def action_send(self, channel=None, sent_date=None, reference=None):
        """Record that the letter went to the CA: channel, date and reference."""
        self.ensure_one()
        self._require_sender()
        self._lock()
        if self.state != "draft":
            raise UserError(self.env._("Letter %(name)s was already sent.", name=self.display_name))
        if channel not in dict(CHANNELS):
            raise UserError(self.env._("Choose how the letter was sent to the CA."))
        if not (reference or "").strip():
            raise UserError(self.env._("Give the number and symbol of the letter."))
        today = self.env["cks.province.profile"]._cks_today()
        day = fields.Date.to_date(sent_date) if sent_date else today
        if day > today:
            raise UserError(self.env._("A letter cannot be sent on a future date."))
        if day < self.create_date.date():
            raise UserError(self.env._("A letter cannot be sent before it was prepared."))
        days = max(rules.ca_days(self.request_type), 0)
        deadline = self.env["cks.province.profile"]._cks_working_days().add(day, days)
        with flow.opened(self._name):
            self.write(
                {
                    "state": "sent",
                    "channel": channel,
                    "sent_date": day,
                    "reference": reference.strip(),
                    "sent_by_id": self.env.uid,
                    "sent_at": fields.Datetime.now(),
                    "deadline": deadline,
                }
            )
        requests = self.request_ids
        requests._lock()
        for request in requests:
            request._move("sent", extra={"step_start": day, "step_days": days, "deadline": deadline})
            request._log("send", "batched", self.reference)
            request._schedule_step_activity()
        return True

    @flow_action
    def action_cancel(self):
        """A letter not sent yet is dropped; its requests wait for another one."""
        self._require_sender()
        self._lock()
        for batch in self:
            if batch.state != "draft":
                raise UserError(self.env._("A letter sent to the CA cannot be cancelled; record the CA's answers."))
            for request in batch.request_ids:
                state = "approved" if request.holder_body_id == request.body_id else "forwarded"
                request._move(state, rules.STEP_DAYS[state], {"batch_id": False})
                request._log("unbatch", "batched", batch.name)
                request._schedule_step_activity()
            with flow.opened(self._name):
                batch.write({"state": "cancelled"})
        return True

    def _close_when_answered(self):
        for batch in self.filtered(lambda b: b.state == "sent"):
            if all(request.state in ("done", "refused") for request in batch.request_ids):
                with flow.opened(self._name):
                    batch.write({"state": "closed"})

    def action_open_send(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send the Letter to the CA"),
            "res_model": "cks.request.batch.send",
            "view_mode": "form",
            "target": "new",
            "context": {"default_batch_id": self.id},
        }
