import logging
import os
import time

from odoo import api, fields, models, sql_db
from odoo.exceptions import UserError

from ..lib import chain_worker
from ..lib import custody_chain as chain

_logger = logging.getLogger(__name__)
# Below this many events one process verifies the whole chain (starting a worker costs ~0.1 s).
_PARALLEL_FROM = 100_000


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
    _description = "Custody Event"
    _order = "global_sequence desc"
    _rec_name = "global_sequence"

    global_sequence = fields.Integer(required=True, readonly=True)
    sequence = fields.Integer(required=True, readonly=True)
    token_id = fields.Many2one("cks.token", required=True, readonly=True, index=True, ondelete="restrict")
    token_serial = fields.Char(required=True, readonly=True)
    event_type = fields.Char(required=True, readonly=True)
    state_from = fields.Char(readonly=True)
    state_to = fields.Char(readonly=True)
    actor_id = fields.Many2one("res.users", "Recorded By", required=True, readonly=True)
    custodian_from_id = fields.Many2one("res.users", "From", readonly=True)
    custodian_to_id = fields.Many2one("res.users", "To", readonly=True)
    body_id = fields.Many2one("cks.body", "Managing Body", readonly=True, index=True)
    location = fields.Char(readonly=True)
    occurred_at = fields.Datetime("When", required=True, readonly=True)
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

    def init(self):
        self.env.cr.execute(
            """
            CREATE OR REPLACE FUNCTION cks_custody_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'cks_custody_event is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS cks_custody_event_append_only ON cks_custody_event;
            CREATE TRIGGER cks_custody_event_append_only BEFORE UPDATE OR DELETE ON cks_custody_event
                FOR EACH ROW EXECUTE FUNCTION cks_custody_event_append_only();
            DROP TRIGGER IF EXISTS cks_custody_event_no_truncate ON cks_custody_event;
            CREATE TRIGGER cks_custody_event_no_truncate BEFORE TRUNCATE ON cks_custody_event
                FOR EACH STATEMENT EXECUTE FUNCTION cks_custody_event_append_only();
            """
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("cks_custody_append"):
            raise UserError(self.env._("Custody events are written by the token's actions only."))
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
            "SELECT sequence, event_hash FROM cks_custody_event WHERE token_id = %s ORDER BY sequence DESC LIMIT 1",
            [token.id],
        )
        last = self.env.cr.fetchone()
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
            # Odoo stores datetimes to the second: hash what is stored
            "occurred_at": fields.Datetime.now().replace(microsecond=0),
            "reason": extra.get("reason") or None,
            "document_ref": extra.get("document_ref") or None,
        }
        # store exactly what is hashed: text in NFC, the instant as a naive UTC datetime
        event = chain.normalise_event(event)
        event_hash = chain.compute_hash(last[1] if last else None, head.last_hash or None, event)
        record = self.sudo().with_context(cks_custody_append=True).create({**event, "event_hash": event_hash})
        head.write({"last_hash": event_hash, "event_count": event["global_sequence"]})
        return record

    @api.model
    def _verify_slice(self, first, last):
        """Stream the events of ``first..last`` (global sequence) through the chain core."""
        return chain.verify_cursor(self.env.cr, first, last, self._table)

    def _verification_processes(self, count):
        """How many processes verify ``count`` events: more than one only for a large chain,
        on a machine with the cores, and in a transaction that has not written events or the head
        (a worker sees the committed rows of this transaction's snapshot, not its changes)."""
        wanted = int(self.env["ir.config_parameter"].sudo().get_param("cks_token_asset.verify_processes", 0)) or min(
            2, os.cpu_count() or 1
        )
        threshold = int(
            self.env["ir.config_parameter"].sudo().get_param("cks_token_asset.verify_parallel_from", _PARALLEL_FROM)
        )
        if wanted < 2 or count < max(threshold, wanted):
            return 1
        # INSERT/UPDATE/DELETE hold ROW EXCLUSIVE on the table until the transaction ends
        self.env.cr.execute(
            """SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'RowExclusiveLock'
                AND relation IN (%s::regclass, 'cks_custody_head'::regclass)""",
            [self._table],
        )
        return 1 if self.env.cr.fetchone()[0] else wanted

    @api.model
    def _verify_chain(self):
        """Recompute the chains from the stored rows; returns (report, head problems, seconds).

        Large chains are cut into slices of global sequence verified at the same time by worker
        processes on this transaction's snapshot (``pg_export_snapshot``), this process taking
        the last slice (its recorded first lines of devices, the bulk of a slice's result, then
        need no pickling); the links between slices are checked by ``merge()``.  A worker that
        fails is replaced by this process verifying its slice.
        """
        self.env.flush_all()
        start = time.perf_counter()
        head = self.env.ref("cks_token_asset.custody_head_main").sudo()
        head_hash, head_count = head.last_hash or None, head.event_count
        bounds = chain.slice_bounds(head_count, self._verification_processes(head_count))
        workers = []
        if len(bounds) > 1:
            self.env.cr.execute("SELECT pg_export_snapshot()")
            snapshot = self.env.cr.fetchone()[0]
            _dbname, connect = sql_db.connection_info_for(self.env.cr.dbname)
            workers = [chain_worker.start(connect, snapshot, first, last) for first, last in bounds[:-1]]
        try:
            own = self._verify_slice(*bounds[-1])
        except BaseException:
            for worker in workers:
                chain_worker.stop(worker)
            raise
        results = []
        for (first, last), worker in zip(bounds[:-1], workers, strict=True):
            plain, error = chain_worker.collect(worker)
            if plain is None:
                _logger.warning("custody chain worker failed, verifying its slice here: %s", error)
                results.append(self._verify_slice(first, last))
            else:
                results.append(chain.SliceResult.from_plain(plain))
        results.append(own)
        report = chain.merge(results)
        report.slices = len(bounds)
        problems = chain.check_head(report, head_hash, head_count)
        return report, problems, time.perf_counter() - start
