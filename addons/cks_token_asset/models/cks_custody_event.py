import contextlib
import contextvars
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow

from ..lib import custody_chain as chain
from .cks_custody_head import guard_table
from .cks_token import TOKEN_STATES

EVENT_TYPES = [
    ("received", "Registered (received from the CA)"),
    ("issued", "Issued to a body"),
    ("assigned", "Assigned to a custodian"),
    ("handover", "Handed over (Form 14)"),
    ("locked", "Locked out"),
    ("restored", "Restored after lock-out"),
    ("lost", "Reported lost"),
    ("damaged", "Reported damaged"),
    ("compromised", "Key compromise reported"),
    ("recovered", "Recovered by the body"),
    ("returned", "Handed back"),
    ("location", "Storage location changed"),
    ("stocktake", "Seen at a stocktake"),
]

# The line of a paper register being carried over: when its event happened (earlier than now),
# and what the register says. Set only by the register's import
# (wizard/cks_custody_register_import.py), never from anything a client sends.
_PAPER_LINE = contextvars.ContextVar("cks_custody_paper_line", default=None)


@contextlib.contextmanager
def from_paper_register(when, reason=None, document_ref=None):
    """Chain the events appended inside with ``when`` (naive UTC) as the time they happened and
    the register's reason and document; the time they are recorded stays the server's."""
    token = _PAPER_LINE.set((when, reason, document_ref))
    try:
        yield
    finally:
        _PAPER_LINE.reset(token)


class CksCustodyEvent(models.Model):
    """One link of a token's custody history: append-only and hash-chained.

    QĐ 19/2020 Hà Tĩnh, Điều 2.3: key-storage devices are managed as State
    secrets of the "Mật" level; every change of the person in charge is recorded
    (Điều 11.3, Mẫu 14). Each event carries one SHA-256 over its canonical form,
    the hash of the previous event of the same token (token chain) and the hash
    of the previous event of the database (global chain), so that any edit,
    deletion or reordering, even of a whole token's history, is detected. The ORM
    refuses write and unlink; a PostgreSQL trigger refuses UPDATE, DELETE and
    TRUNCATE.
    """

    _name = "cks.custody.event"
    _inherit = ["cks.input.guard"]
    _description = "Custody Event"
    _order = "global_sequence desc"
    _rec_name = "global_sequence"

    global_sequence = fields.Integer(required=True, readonly=True)
    sequence = fields.Integer(required=True, readonly=True)
    token_id = fields.Many2one("cks.token", required=True, readonly=True, index=True, ondelete="restrict")
    token_serial = fields.Char(required=True, readonly=True)
    event_type = fields.Selection(EVENT_TYPES, "Event", required=True, readonly=True)
    state_from = fields.Selection(TOKEN_STATES, "State Before", readonly=True)
    state_to = fields.Selection(TOKEN_STATES, "State After", readonly=True)
    actor_id = fields.Many2one("res.users", "Recorded By", required=True, readonly=True)
    custodian_from_id = fields.Many2one("res.users", "From", readonly=True)
    custodian_to_id = fields.Many2one("res.users", "To", readonly=True)
    body_id = fields.Many2one("cks.body", "Managing Body", readonly=True, index=True)
    location = fields.Char(readonly=True)
    occurred_at = fields.Datetime("Occurred On", required=True, readonly=True)
    recorded_at = fields.Datetime(
        "Recorded On",
        readonly=True,
        help="When the system chained the event. Earlier than this only for events carried over from a paper "
        "register; empty for events chained before this field existed (recorded when they occurred).",
    )
    from_register = fields.Boolean(
        "From a Paper Register", compute="_compute_from_register", help="Carried over from a paper register."
    )
    reason = fields.Char("Why", readonly=True)
    document_ref = fields.Char("Supporting Document", readonly=True)
    event_hash = fields.Char(
        "Hash",
        required=True,
        readonly=True,
        help="SHA-256 of the event, of the device's previous event and of the previous event of the database.",
    )

    _global_sequence_unique = models.Constraint("UNIQUE(global_sequence)", "The global chain cannot fork.")
    _token_sequence_unique = models.Constraint("UNIQUE(token_id, sequence)", "A token's chain cannot fork.")

    @api.depends("occurred_at", "recorded_at")
    def _compute_from_register(self):
        for event in self:
            event.from_register = bool(event.recorded_at and event.occurred_at < event.recorded_at)

    def init(self):
        guard_table(
            self.env.cr,
            self._table,
            "cks_custody_event_append_only",
            """
            RAISE EXCEPTION 'cks_custody_event is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
            """,
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not flow.is_open(self._name):
            raise UserError(self.env._("Custody events are written by the device's actions only."))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("Custody history is append-only: an event cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Custody history is append-only: an event cannot be deleted."))

    @api.model
    def _append(self, token, event_type, state_from, state_to, custodian_from, custodian_to, **extra):
        """Chain one event for ``token`` (the caller holds the token's row lock)."""
        head = self.env["cks.custody.head"]._get_locked()
        self.env.cr.execute(
            "SELECT sequence, event_hash, occurred_at, recorded_at FROM cks_custody_event"
            " WHERE token_id = %s ORDER BY sequence DESC LIMIT 1",
            [token.id],
        )
        last = self.env.cr.fetchone()
        # Odoo stores datetimes to the second: hash what is stored
        recorded_at = occurred_at = fields.Datetime.now().replace(microsecond=0)
        paper = _PAPER_LINE.get()
        if paper:  # when it happened, and what the paper register says of it
            when, reason, document_ref = paper
            occurred_at = self._paper_date(token, when, recorded_at, last and last[2:])
            extra = {**extra, "reason": reason or extra.get("reason"), "document_ref": document_ref}
        event = {
            "sequence": (last[0] + 1) if last else 1,
            "global_sequence": head.event_count + 1,
            "token_id": token.id,
            "token_serial": token.serial,
            "event_type": event_type,
            "state_from": state_from or None,
            "state_to": state_to or None,
            "actor_id": self.env.uid,
            "custodian_from_id": custodian_from.id or None,
            "custodian_to_id": custodian_to.id or None,
            "body_id": token.body_id.id or None,
            "location": extra.get("location") or None,
            "occurred_at": occurred_at,
            "reason": extra.get("reason") or None,
            "document_ref": extra.get("document_ref") or None,
            "recorded_at": recorded_at,
        }
        # store exactly what is hashed: text in NFC, the instant as a naive UTC datetime
        event = chain.normalise_event(event)
        event_hash = chain.compute_hash(last[1] if last else None, head.last_hash or None, event)
        with flow.opened(self._name, "cks.token", "cks.custody.head"):
            # sudo: no role creates events or writes a device's record of its history; the flow
            # does, for a caller whose rights on the device it checked
            record = self.sudo().create({**event, "event_hash": event_hash})
            # the device keeps the length and end of its own history, the head those of the whole
            # chain: verification names a device whose history is missing or cut short
            token.sudo().write({"history_length": event["sequence"], "history_hash": event_hash})
            head.write({"last_hash": event_hash, "event_count": event["global_sequence"]})
            # written now, not at the next flush: a rollback to a savepoint taken before must not
            # leave the head's new values waiting in the cache, for the trigger to refuse later
            head.flush_recordset()
        return record

    @api.model
    def _paper_date(self, token, when, recorded_at, last):
        """``when`` (the date of a paper register being imported) checked as the time the event
        about to be chained for ``token`` happened: a register's events go before any event
        recorded live, in date order, and never after now. ``last``: (occurred_at, recorded_at)
        of the device's last event, or None."""
        when = fields.Datetime.to_datetime(when).replace(microsecond=0, tzinfo=None)
        if when > recorded_at:
            raise UserError(self.env._("An event of a paper register cannot be dated in the future."))
        if last and not (last[1] and last[0] < last[1]):
            raise UserError(
                self.env._(
                    "Device %(serial)s already has events recorded in the system: a paper register can only bring in "
                    "the history of a device before it.",
                    serial=token.serial,
                )
            )
        if last and when < last[0]:
            raise UserError(
                self.env._(
                    "The paper register's events of device %(serial)s must be in date order.", serial=token.serial
                )
            )
        return when

    @api.model
    def _verify_chain(self, anchors=()):
        """Recompute the chain from the stored rows in one pass, against what each device row
        and the head record of it, and against the ``anchors`` an auditor kept; returns the
        chain core's report (see ``lib/custody_chain.py``)."""
        self.env.flush_all()
        start = time.perf_counter()
        cr = self.env.cr
        head = self.env.ref("cks_token_asset.custody_head_main").sudo()  # sudo: read only, for the report
        cr.execute("SELECT id, history_length, history_hash FROM cks_token")
        devices = {token_id: (length or 0, last_hash or None) for token_id, length, last_hash in cr.fetchall()}
        report = chain.verify_cursor(
            cr, devices=devices, head=(head.event_count, head.last_hash or None), table=self._table
        )
        if anchors:
            cr.execute(
                "SELECT global_sequence, event_hash FROM cks_custody_event WHERE global_sequence IN %s",
                [tuple({anchor.global_sequence for anchor in anchors})],
            )
            report.breaks.extend(chain.check_anchors(anchors, dict(cr.fetchall())))
        report.elapsed_seconds = time.perf_counter() - start
        return report
