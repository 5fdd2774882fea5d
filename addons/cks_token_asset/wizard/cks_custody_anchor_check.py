from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from ..lib import custody_chain as chain


class CksCustodyAnchorCheck(models.TransientModel):
    """Verify the chain against anchors an auditor kept outside the database (typed, pasted or
    scanned from the QR code of a print or a message)."""

    _name = "cks.custody.anchor.check"
    _description = "Verify Against Kept Anchors"

    anchors = fields.Text(required=True, help="One anchor per line, as printed or sent: CKS-ANCHOR …")

    @flow_action
    def action_check(self):
        self.ensure_one()
        verification = self.env["cks.custody.verification"]
        verification._check_may_verify()
        anchors = []
        for number, line in enumerate((self.anchors or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                anchors += chain.parse_anchors(line)
            except ValueError:
                raise UserError(
                    self.env._(
                        "Line %(number)s is not a chain anchor: %(line)s. An anchor reads like the one printed "
                        "under the QR code: CKS-ANCHOR, the event number, the hash and the time.",
                        number=number,
                        line=line.strip()[:80],
                    )
                ) from None
        if not anchors:
            raise UserError(self.env._("Type or scan at least one anchor."))
        return verification._run(anchors)._action_open()
