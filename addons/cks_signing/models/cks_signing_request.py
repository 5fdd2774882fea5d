import base64
import binascii
import datetime as dt
import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action
from odoo.addons.cks_token_asset.models.cks_token import lock_rows_nowait

from ..lib import agent_token, pdf_signing
from .cks_signature import SIGNED_MODELS
from .cks_signing_service import PARAM_TSA_URL

STATES = [("pending", "Awaiting the Agent's Signature"), ("signed", "Signed")]


class CksSigningRequest(models.Model):
    """A signature prepared on the server for the signing agent on the signer's computer
    (pyHanko's interrupted signing): the document with its placeholder, the signed attributes
    the token signs, the request token Odoo issued for it (by its id), until the signature comes
    back and is embedded, verified and kept, once. The PIN and the key stay on the signer's
    computer: nothing here holds either."""

    _name = "cks.signing.request"
    _inherit = ["cks.input.guard"]
    _description = "Signature Prepared for a Signing Agent"
    _order = "id desc"
    _flow_fields = (
        "res_model",
        "res_id",
        "document_name",
        "step",
        "declaration",
        "scan",
        "user_id",
        "certificate_id",
        "base_sha256",
        "prepared_pdf",
        "document_digest",
        "reserved_start",
        "reserved_end",
        "signed_attributes",
        "token_id",
        "expires_at",
        "state",
        "signature_id",
    )

    res_model = fields.Char("Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Document ID", model_field="res_model", required=True, readonly=True)
    document_name = fields.Char("Document", readonly=True)
    step = fields.Char(required=True, readonly=True)
    declaration = fields.Char(readonly=True)
    scan = fields.Binary("Scan of the Original", attachment=True, readonly=True)
    user_id = fields.Many2one("res.users", "Signer", required=True, readonly=True, index=True)
    certificate_id = fields.Many2one("cks.certificate", required=True, readonly=True)
    base_sha256 = fields.Char("SHA-256 of the Document Prepared", readonly=True)
    prepared_pdf = fields.Binary("Prepared Document", attachment=True, readonly=True)
    document_digest = fields.Char(readonly=True)
    reserved_start = fields.Integer(readonly=True)
    reserved_end = fields.Integer(readonly=True)
    signed_attributes = fields.Binary(attachment=False, readonly=True)
    token_id = fields.Char("Request Token ID", required=True, readonly=True)
    expires_at = fields.Datetime("Expires On", required=True, readonly=True)
    state = fields.Selection(STATES, default="pending", required=True, readonly=True)
    signature_id = fields.Many2one("cks.signature", readonly=True)

    _token_id_unique = models.Constraint("UNIQUE(token_id)", "A request token is issued once.")

    # ------------------------------------------------------------------ prepare
    @api.model
    def _prepare(self, record, step, plan, fingerprints, scan=None):
        """The signature of ``plan`` on ``record`` prepared for the agent's key of one of the
        signer's registered certificates whose fingerprint the agent found (``fingerprints``,
        hex). Returns what the page relays to the agent."""
        found = {_hex(value) for value in (fingerprints or []) if isinstance(value, str)}
        certificates = [cert for cert in plan["certificates"] if _hex(cert.fingerprint_sha256 or "") in found]
        if not certificates:
            raise UserError(
                self.env._(
                    "The tokens plugged into your computer hold none of the certificates registered for you: "
                    "plug in your own token, or register its certificate first."
                )
            )
        certificate = certificates[0]
        Service = self.env["cks.signing.service"]
        prepared = pdf_signing.prepare_signature(
            plan["pdf"],
            Service._x509(certificate),
            chain=Service._trust_roots(),
            field_name=plan["field_name"],
            appearance=plan["appearance"],
            box=plan["box"],
        )
        token, claims = agent_token.issue(
            Service._agent_key(),
            origin=Service._origin(),
            title=record._cks_document_title(),
            number=record.name or "",
            sha256=prepared.data_sha256,
            certificate=_hex(certificate.fingerprint_sha256),
        )
        with flow.opened(self._name):
            request = self.sudo().create(  # sudo: the step's record, written by the flow alone
                {
                    "res_model": record._name,
                    "res_id": record.id,
                    "document_name": record.display_name,
                    "step": step,
                    "declaration": plan.get("declaration") or False,
                    "scan": scan if plan.get("declaration") == "scan_of_original" else False,
                    "user_id": self.env.uid,
                    "certificate_id": certificate.id,
                    "base_sha256": hashlib.sha256(plan["pdf"]).hexdigest(),
                    "prepared_pdf": base64.b64encode(prepared.pdf),
                    "document_digest": prepared.document_digest.hex(),
                    "reserved_start": prepared.reserved_start,
                    "reserved_end": prepared.reserved_end,
                    "signed_attributes": base64.b64encode(prepared.signed_attributes),
                    "token_id": claims["jti"],
                    "expires_at": dt.datetime.fromtimestamp(claims["exp"], dt.UTC).replace(tzinfo=None),
                }
            )
        return {
            "request_id": request.id,
            "request": token,
            "data": base64.b64encode(prepared.signed_attributes).decode(),
            "title": claims["title"],
            "number": claims["number"],
        }

    # ------------------------------------------------------------------ finish
    @flow_action
    def action_finish(self, signature):
        """Embed ``signature`` (base64: the agent's raw signature of the signed attributes) in
        the prepared document, verify every signature, keep the signed file and its signature
        in the ledger, and take the flow's next step. Once per request, by its signer, before
        it expires, and only if the document is still what was prepared."""
        self.ensure_one()
        request = self.sudo().exists()  # sudo: the signer's own request, checked below
        if not request or request.user_id != self.env.user:
            # the same answer whether the request is someone else's or does not exist: no oracle
            raise UserError(self.env._("No signature of yours was prepared under this request."))
        lock_rows_nowait(request, self.env._("This signature is being stored right now."))
        if request.state != "pending":
            raise UserError(self.env._("This signature has already been stored: the request is used up."))
        if request.expires_at < fields.Datetime.now():
            raise UserError(self.env._("The signing request has expired: sign the document again."))
        try:
            value = base64.b64decode(signature or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            value = b""
        if not value:
            raise UserError(self.env._("The signing agent returned no signature: nothing was stored."))
        if request.res_model not in SIGNED_MODELS:
            raise UserError(self.env._("This document has no such signing step."))
        document = self.env[request.res_model].browse(request.res_id)
        record, plan = document._cks_plan(request.step, declaration=request.declaration or None, scan=request.scan)
        if hashlib.sha256(plan["pdf"]).hexdigest() != request.base_sha256:
            raise UserError(self.env._("The document changed since it was prepared: sign it again."))
        Service = self.env["cks.signing.service"]
        roots = Service._trust_roots()
        certificate = request.certificate_id
        prepared = pdf_signing.PreparedSignature(
            pdf=base64.b64decode(request.prepared_pdf),
            document_digest=bytes.fromhex(request.document_digest),
            reserved_start=request.reserved_start,
            reserved_end=request.reserved_end,
            signed_attributes=base64.b64decode(request.signed_attributes),
        )
        try:
            signed = pdf_signing.finish_signature(
                prepared,
                value,
                Service._x509(certificate),
                chain=roots,
                timestamp_url=Service._param(PARAM_TSA_URL) or None,
            )
        except ValueError:
            raise UserError(
                self.env._("The signing agent's signature cannot be embedded: nothing was stored.")
            ) from None
        Service._verify(signed, roots)
        kept = record._cks_keep(
            signed,
            role=plan["role"],
            kind=plan["kind"],
            certificate=certificate,
            file_suffix=plan["file_suffix"],
            declaration=plan.get("declaration") or False,
            where="agent",
        )
        with flow.opened(self._name):
            request.write({"state": "signed", "signature_id": kept.id, "prepared_pdf": False, "scan": False})
        record._cks_signed(kept)
        return True

    @api.autovacuum
    def _gc_unused(self):
        """Requests never finished, a day after they expired."""
        limit = fields.Datetime.now() - dt.timedelta(days=1)
        self.sudo().search([("state", "=", "pending"), ("expires_at", "<", limit)]).unlink()


def _hex(fingerprint):
    """A SHA-256 fingerprint as the agent and its request tokens write it (cks.certificate keeps
    "AA:BB:..."): lowercase hex without colons."""
    return fingerprint.replace(":", "").lower()
