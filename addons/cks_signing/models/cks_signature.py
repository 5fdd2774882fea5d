from odoo import api, fields, models
from odoo.exceptions import UserError

ROLES = [
    ("giver", "Giver"),
    ("receiver", "Receiver"),
    ("head", "Head of the Body"),
    ("organization", "Organisation"),
]
KINDS = [("individual", "Personal Signature"), ("organization", "Organisation Signature")]
# Bắc Ninh Điều 16.3; Bắc Giang Điều 9.1 (scan, then seal) and 9.2 (personal, then organisation)
DECLARATIONS = [
    ("personal_signature", "A personal signature of a competent person is on the document"),
    ("scan_of_original", "Scan of a paper original signed and sealed by a competent person"),
    ("copy_by_body", "Copy made by the body"),
]
WHERE = [("server", "On the server"), ("agent", "On the signer's computer")]
# the documents signed through CKS: a signature is read by whoever may read its document
SIGNED_MODELS = ("cks.handover", "cks.request.batch")


class CksSignature(models.Model):
    """One digital signature added through CKS to a document: who, with which certificate, when
    (the server's time), in which role, and the SHA-256 of the signed file it produced.

    Append-only: written by the signing step alone, never changed or deleted. Users read a
    document's signatures on the document (its ``cks_signature_ids``, computed with the rights
    the document grants); auditors and administrators read them all."""

    _name = "cks.signature"
    _inherit = ["cks.input.guard"]
    _description = "Digital Signature"
    _order = "res_model, res_id, sequence, id"
    _flow_fields = (
        "res_model",
        "res_id",
        "document_name",
        "sequence",
        "role",
        "kind",
        "user_id",
        "signed_at",
        "certificate_subject",
        "certificate_serial",
        "certificate_issuer",
        "certificate_id",
        "file_sha256",
        "attachment_id",
        "declaration",
        "where",
        "token_serial",
    )

    res_model = fields.Char("Document Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference("Document ID", model_field="res_model", required=True, readonly=True, index=True)
    document_name = fields.Char("Document", readonly=True)
    sequence = fields.Integer("Order", readonly=True, help="1 for the first signature on the document, then 2...")
    role = fields.Selection(ROLES, required=True, readonly=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    user_id = fields.Many2one("res.users", "Signed By", required=True, readonly=True, index=True)
    signed_at = fields.Datetime("Signed On", required=True, readonly=True)
    certificate_subject = fields.Char("Certificate Holder", readonly=True)
    certificate_serial = fields.Char(readonly=True)
    certificate_issuer = fields.Char("Issued By", readonly=True)
    certificate_id = fields.Many2one("cks.certificate", readonly=True)
    file_sha256 = fields.Char("SHA-256 of the Signed File", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", "Signed File", readonly=True)
    declaration = fields.Selection(DECLARATIONS, readonly=True, help="What the clerk declared before sealing.")
    where = fields.Selection(WHERE, "Where the Token Was", readonly=True)
    token_serial = fields.Char(readonly=True)
    document_visible = fields.Boolean(
        "Of a Document I May Read", compute="_compute_document_visible", search="_search_document_visible"
    )

    def _compute_document_visible(self):
        for signature in self:
            document = self.env[signature.res_model].browse(signature.res_id)
            signature.document_visible = signature.res_model in SIGNED_MODELS and document.has_access("read")

    def _search_document_visible(self, operator, value):
        """The signatures of the documents the user may read (their own record rules decide)."""
        if operator != "in":
            return NotImplemented
        # record rules evaluate this as superuser: the documents are searched as the user himself
        user_env = self.env(user=self.env.uid, su=False)
        readable = [model for model in SIGNED_MODELS if user_env[model].has_access("read")]
        if not readable:
            return [("id", "in", [])]
        domain = ["|"] * (len(readable) - 1)
        for model in readable:
            domain += ["&", ("res_model", "=", model), ("res_id", "in", user_env[model]._search([]))]
        return domain

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A signature is kept as it was made: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _never_deleted(self):
        raise UserError(self.env._("A signature is kept as it was made: it cannot be deleted."))
