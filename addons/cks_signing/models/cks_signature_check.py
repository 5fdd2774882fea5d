import base64
import binascii

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from ..lib import pdf_validation

PARAM_FETCH = "cks_signing.fetch_revocation"  # "1": CRLs and OCSP responders may be asked online
REVOCATION = [("good", "Not Revoked"), ("revoked", "Revoked"), ("unknown", "Unknown (Not Checked)")]


class CksSignatureCheck(models.Model):
    """A signed PDF someone received, checked before anyone relies on it: one report line per
    signature (who, when, intact, valid, trusted, what changed after it, revocation), kept with
    the file. The result is the server's: the lines, the time and the checker are set by the
    check alone."""

    _name = "cks.signature.check"
    _inherit = ["cks.input.guard", "mail.thread"]
    _description = "Signature Check of a PDF"
    _order = "id desc"
    _flow_fields = ("state", "checked_at", "checked_by_id", "line_ids", "all_ok")

    name = fields.Char("Document", required=True)
    file = fields.Binary("Signed PDF", attachment=True, required=True, copy=False)
    file_name = fields.Char()
    state = fields.Selection([("draft", "To Check"), ("checked", "Checked")], default="draft", readonly=True)
    checked_at = fields.Datetime("Checked On", readonly=True)
    checked_by_id = fields.Many2one("res.users", readonly=True)
    all_ok = fields.Boolean("Every Signature Holds", readonly=True)
    line_ids = fields.One2many("cks.signature.check.line", "check_id", "Signatures", readonly=True)

    @flow_action
    def action_check(self):
        """Validate every signature of the file against the configured trust roots; a file that
        is not a signed PDF is refused with the reason, and nothing of the check changes."""
        roots = self.env["cks.signing.service"]._trust_roots()
        fetch = self.env["ir.config_parameter"].sudo().get_param(PARAM_FETCH) == "1"  # sudo: the set-up
        for check in self:
            check.check_access("write")
            try:
                pdf = base64.b64decode(check.with_context(bin_size=False).file or b"", validate=False)
            except (binascii.Error, ValueError):
                pdf = b""
            try:
                reports = pdf_validation.validate_pdf(pdf, roots, fetch=fetch)
            except pdf_validation.NotASignedPdf as error:
                raise UserError(
                    self.env._("%(file)s: %(error)s", file=check.file_name or check.name, error=str(error))
                ) from None
            lines = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "sequence": number,
                        "field_name": report.field,
                        "signer": report.signer,
                        "issuer": report.issuer,
                        "certificate_serial": report.signer_certificate_serial,
                        "signed_at": report.signed_at and report.signed_at.replace(tzinfo=None),
                        "timestamp": report.timestamp and report.timestamp.replace(tzinfo=None),
                        "intact": report.intact,
                        "valid": report.valid,
                        "trusted": report.trusted,
                        "coverage": report.coverage,
                        "modification": report.modification,
                        "revocation": report.revocation,
                        "ok": report.ok,
                    }
                )
                for number, report in enumerate(reports, 1)
            ]
            with flow.opened(self._name, "cks.signature.check.line"):
                check.sudo().write(  # sudo: the lines are the check's result, never the user's to write
                    {
                        "line_ids": lines,
                        "state": "checked",
                        "checked_at": fields.Datetime.now(),
                        "checked_by_id": self.env.uid,
                        "all_ok": all(report.ok for report in reports),
                    }
                )
        return True

    def write(self, vals):
        if "file" in vals and self.filtered(lambda check: check.state == "checked"):
            raise UserError(self.env._("A checked file is kept as it was checked: upload another file in a new check."))
        return super().write(vals)


class CksSignatureCheckLine(models.Model):
    _name = "cks.signature.check.line"
    _inherit = ["cks.input.guard"]
    _description = "Signature in a Checked PDF"
    _order = "check_id, sequence"
    _flow_fields = (
        "check_id",
        "sequence",
        "field_name",
        "signer",
        "issuer",
        "certificate_serial",
        "signed_at",
        "timestamp",
        "intact",
        "valid",
        "trusted",
        "coverage",
        "modification",
        "revocation",
        "ok",
    )

    check_id = fields.Many2one("cks.signature.check", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer("Order")
    field_name = fields.Char("Signature Field")
    signer = fields.Char()
    issuer = fields.Char("Issued By")
    certificate_serial = fields.Char()
    signed_at = fields.Datetime("Signed On (Signer's Clock)")
    timestamp = fields.Datetime("Timestamp (Authority)")
    intact = fields.Boolean("Document Intact")
    valid = fields.Boolean("Signature Valid")
    trusted = fields.Boolean("Chain Trusted")
    coverage = fields.Selection(
        [
            ("entire_file", "Whole File"),
            ("entire_revision", "Its Revision (More Was Added After)"),
            ("partial", "Part Only"),
        ]
    )
    modification = fields.Selection(
        [
            ("none", "None"),
            ("form_filling", "Signatures or Form Filling"),
            ("annotations", "Annotations"),
            ("other", "Other Changes"),
        ],
        "Changes After Signing",
    )
    revocation = fields.Selection(REVOCATION)
    ok = fields.Boolean("Holds")
