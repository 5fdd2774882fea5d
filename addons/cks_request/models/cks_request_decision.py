from odoo import api, fields, models
from odoo.exceptions import UserError

from .cks_request import REQUEST_STATES

DECISION_STEPS = [
    ("submit", "Submitted"),
    ("verify", "Verified"),
    ("approve", "Approved"),
    ("refuse", "Refused, back to draft"),
    ("forward", "Forwarded"),
    ("cancel", "Cancelled"),
    ("batch", "Put in a letter to the CA"),
    ("unbatch", "Taken out of a cancelled letter"),
    ("send", "Sent to the CA"),
    ("result_done", "Done by the CA"),
    ("result_refused", "Refused by the CA"),
    ("open_recovery", "Device recovery opened"),
    ("device_received", "Device received"),
    ("hand_back", "Device handed back to the CA"),
]


class CksRequestDecision(models.Model):
    """One decision on a request: who, when, which step, with what comment. Append-only: written
    by the request's steps alone (no role may create, change or delete one)."""

    _name = "cks.request.decision"
    _description = "Request Decision"
    _order = "decided_at desc, id desc"

    request_id = fields.Many2one("cks.request", required=True, readonly=True, index=True, ondelete="cascade")
    step = fields.Selection(DECISION_STEPS, required=True, readonly=True)
    user_id = fields.Many2one("res.users", "By", required=True, readonly=True)
    decided_at = fields.Datetime("On", required=True, readonly=True)
    state_from = fields.Selection(REQUEST_STATES, "State Before", readonly=True)
    state_to = fields.Selection(REQUEST_STATES, "State After", readonly=True)
    comment = fields.Text(readonly=True)

    @api.model
    def _record(self, request, step, state_from, comment=None):
        """Append one decision (called by the request's steps, as superuser: nobody has create rights)."""
        decision = self.create(
            {
                "request_id": request.id,
                "step": step,
                "user_id": self.env.uid,
                "decided_at": fields.Datetime.now(),
                "state_from": state_from,
                "state_to": request.state,
                "comment": (comment or "").strip() or False,
            }
        )
        label = dict(self._fields["step"]._description_selection(request.env))[step]
        body = f"{label}: {decision.comment}" if decision.comment else label
        request.message_post(body=body, subtype_xmlid="mail.mt_note")
        return decision

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A decision on a request is kept as it was taken: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A decision on a request is kept as it was taken: it cannot be deleted."))
