import datetime as dt

from odoo import api, fields, models

from odoo.addons.cks_subscriber.lib import flow

from ..lib import pdf_signing


class CksSignedDocument(models.AbstractModel):
    """What a document signed through CKS shares: the printed form it starts from, its signed
    file (the latest, with every signature so far), its signatures in the ledger, the signing
    dialog, and the step that adds one signature and keeps the result."""

    _name = "cks.signed.document"
    _description = "Digitally Signed Document"
    _cks_report = ""  # xmlid of the report whose print is signed
    _cks_file_prefix = ""  # the print's file name prefix, e.g. "Mau14"

    signed_file_id = fields.Many2one("ir.attachment", readonly=True, copy=False)
    cks_signature_ids = fields.One2many(
        "cks.signature", compute="_compute_cks_signature_ids", string="Digital Signatures"
    )

    @api.depends("signed_file_id")
    def _compute_cks_signature_ids(self):
        """The document's signatures, in order."""
        Signature = self.env["cks.signature"].sudo()  # sudo: of a document the reader may see
        for document in self:
            document.cks_signature_ids = Signature.search(
                [("res_model", "=", self._name), ("res_id", "=", document.id)]
            )

    def _cks_file_name(self, suffix=""):
        number = (self.name or "").replace("/", "-")
        return f"{self._cks_file_prefix}-{number}{'-' + suffix if suffix else ''}.pdf"

    def _cks_printed(self):
        """The printed form: its kept print, else a new one (kept too, by the report)."""
        self.ensure_one()
        kept = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", self._cks_file_name())], limit=1
        )
        if kept:
            return kept.raw
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)  # the PDF itself, also in a test
            ._render_qweb_pdf(self._cks_report, self.ids)
        )
        return pdf

    def _cks_dialog(self, method, title, declarations=None):
        """The signing dialog (static/src/sign_dialog) calling ``method`` with a token and its PIN."""
        self.ensure_one()
        params = {"model": self._name, "res_id": self.id, "method": method, "title": title}
        if declarations:
            params["declarations"] = declarations
        return {
            "type": "ir.actions.client",
            "tag": "cks_signing.sign_dialog",
            "name": self.env._("Sign %(name)s", name=self.display_name),
            "target": "new",
            "params": params,
        }

    def _cks_personal_appearance(self, user):
        """What the visible signature of ``user`` shows: name, position, body and the time."""
        person = self.env["cks.form.print"]._person(user)
        return pdf_signing.Appearance(
            kind=pdf_signing.INDIVIDUAL,
            name=person["name"],
            title=person["position"],
            body=person["body"],
            signed_at=dt.datetime.now(dt.UTC),
        )

    def _cks_add_signature(self, pdf, *, role, kind, certificates, appearance, box, file_suffix, **signing):
        """``pdf`` signed on the server's token (``signing``: token_serial, pin, field_name,
        final_try_confirmed, declaration), every signature verified, the result kept as the
        document's signed file and its signature in the ledger. Returns the signature."""
        Service = self.env["cks.signing.service"]
        declaration = signing.pop("declaration", False)
        token_serial = signing["token_serial"]
        signed, certificate = Service._sign(pdf, certificates=certificates, appearance=appearance, box=box, **signing)
        signing.clear()  # the PIN, dropped
        signature = Service._record(
            self,
            signed,
            role=role,
            kind=kind,
            certificate=certificate,
            file_name=self._cks_file_name(file_suffix),
            declaration=declaration,
            token_serial=token_serial,
        )
        with flow.opened(self._name):
            self.write({"signed_file_id": signature.attachment_id.id})
        return signature
