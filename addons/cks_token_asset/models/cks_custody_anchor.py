import base64
import io

import qrcode

from odoo import api, fields, models

from ..lib import custody_chain as chain


class CksCustodyAnchor(models.AbstractModel):
    """A chain anchor carried by a record: the global sequence number, the hash the chain had
    there, and when it was taken.

    Inside one database a database owner can rewrite the chain and its head together. An anchor
    printed on paper (stocktake records, reports) or sent to the auditors as a message leaves
    the database; an auditor types or scans it back (Verify Against Anchors) and verification
    checks that the chain still has that hash at that number.
    """

    _name = "cks.custody.anchor.mixin"
    _description = "Custody Chain Anchor"

    anchor_sequence = fields.Integer("Anchor: Event No.", readonly=True, copy=False)
    anchor_hash = fields.Char("Anchor: Hash", readonly=True, copy=False)
    anchor_taken_at = fields.Datetime("Anchor: Taken On", readonly=True, copy=False)
    anchor_text = fields.Char("Chain Anchor", compute="_compute_anchor_text", help="Keep it: it proves the history.")
    anchor_qr = fields.Binary("Anchor QR Code", compute="_compute_anchor_qr", attachment=False)

    @api.depends("anchor_sequence", "anchor_hash", "anchor_taken_at")
    def _compute_anchor_text(self):
        for record in self:
            record.anchor_text = record.anchor_hash and chain.format_anchor(
                chain.Anchor(record.anchor_sequence, record.anchor_hash, record.anchor_taken_at)
            )

    @api.depends("anchor_text")
    def _compute_anchor_qr(self):
        """The image only where it is shown or printed (the text alone goes into messages)."""
        for record in self:
            if not record.anchor_text:
                record.anchor_qr = False
                continue
            png = io.BytesIO()
            qrcode.make(record.anchor_text, border=2).save(png)
            record.anchor_qr = base64.b64encode(png.getvalue())

    @api.model
    def _anchor_of_head(self):
        """The anchor of the chain as it stands: values for the fields above."""
        head = self.env.ref("cks_token_asset.custody_head_main").sudo()  # sudo: read only
        return {
            "anchor_sequence": head.event_count,
            "anchor_hash": head.last_hash or False,
            "anchor_taken_at": fields.Datetime.now(),
        }
