from odoo import fields, models


class CksCustodyHead(models.Model):
    """The head of the global custody chain: its last hash and length.

    One row. Appending an event locks it (so events are chained one after the
    other), and verification compares it with the chain read back, which detects
    the newest events being cut off.
    """

    _name = "cks.custody.head"
    _description = "Custody Chain Head"

    last_hash = fields.Char(readonly=True)
    event_count = fields.Integer(readonly=True)

    def _get_locked(self):
        head = self.env.ref("cks_token_asset.custody_head_main").sudo()
        self.env.cr.execute("SELECT id FROM cks_custody_head WHERE id = %s FOR UPDATE", [head.id])
        head.invalidate_recordset()
        return head
