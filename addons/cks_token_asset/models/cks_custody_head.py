from odoo import fields, models


def guard_table(cr, table, function, body):
    """Create the PL/pgSQL trigger function ``function`` with ``body`` and run it before every
    UPDATE or DELETE of a row of ``table`` and before a TRUNCATE of it (names are constants of
    the caller, never input). The uninstall hook drops the functions, and the triggers with them."""
    # DDL names cannot be query parameters; every one here is a constant of this module
    cr.execute(  # pylint: disable=sql-injection
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            {body}
        END
        $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS {function} ON {table};
        CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
        DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {function}();
        """
    )


class CksCustodyHead(models.Model):
    """The head of the global custody chain: its last hash and length.

    One row. Appending an event locks it (so events are chained one after the other), and
    verification compares it with the chain read back, which detects the newest events being
    cut off. A PostgreSQL trigger refuses to delete it and lets an UPDATE move it forward only,
    onto the hash the chain holds at its new length; the flow guard refuses a client's write.
    A database owner can still disable triggers: anchors kept outside the database
    (``cks.custody.anchor.mixin``) detect that.
    """

    _name = "cks.custody.head"
    _inherit = ["cks.input.guard"]
    _description = "Custody Chain Head"
    _flow_fields = ("last_hash", "event_count")

    last_hash = fields.Char(readonly=True)
    event_count = fields.Integer(readonly=True)

    def init(self):
        guard_table(
            self.env.cr,
            self._table,
            "cks_custody_head_forward_only",
            """
            IF TG_OP <> 'UPDATE' THEN
                RAISE EXCEPTION 'cks_custody_head is kept by the custody chain: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF NEW.event_count < OLD.event_count OR NEW.last_hash IS DISTINCT FROM (
                SELECT event_hash FROM cks_custody_event WHERE global_sequence = NEW.event_count
            ) THEN
                RAISE EXCEPTION 'cks_custody_head moves forward only, onto the last event of the chain: '
                    'UPDATE refused' USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
            """,
        )

    def _get_locked(self):
        head = self.env.ref("cks_token_asset.custody_head_main").sudo()  # sudo: the chain's own row
        self.env.cr.execute("SELECT id FROM cks_custody_head WHERE id = %s FOR UPDATE", [head.id])
        head.invalidate_recordset()
        return head
