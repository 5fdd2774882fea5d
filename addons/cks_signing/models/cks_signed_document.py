import base64
import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from ..lib import pdf_signing


class CksSignedDocument(models.AbstractModel):
    """What a document signed through CKS shares: the printed form it starts from, its signed
    file (the latest, with every signature so far), its signatures in the ledger, the signing
    dialog, and the step that adds one signature and keeps the result."""

    _name = "cks.signed.document"
    _description = "Digitally Signed Document"
    _cks_report = ""  # xmlid of the report whose print is signed
    _cks_file_prefix = ""  # the print's file name prefix, e.g. "Mau14"
    # the signing steps (public methods, on the server's tokens) and the method that plans each:
    # ``_cks_plan_x(declaration=None, scan=None)`` checks that it is the user's turn, locks the
    # record and returns (the record, the plan: pdf, role, kind, certificates, appearance, box,
    # file_suffix, field_name, declaration); the same plan serves the signing agent
    _cks_steps: dict[str, str] = {}

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
        """The signing dialog (static/src/sign_dialog) signing the records ``self``, one or many
        (then in one PIN session through the signing agent), with step ``method``."""
        params = {
            "model": self._name,
            "res_ids": self.ids,
            "documents": [[record.id, record.display_name] for record in self],
            "method": method,
            "title": title,
        }
        if declarations:
            params["declarations"] = declarations
        return {
            "type": "ir.actions.client",
            "tag": "cks_signing.sign_dialog",
            "name": self.env._("Sign %(name)s", name=self.display_name)
            if len(self) == 1
            else self.env._("Sign %(count)s documents", count=len(self)),
            "target": "new",
            "params": params,
        }

    def _cks_awaiting(self, flag):
        """``self`` when one record (its step refuses with a reason if it is not the user's
        turn); of several selected, those whose ``flag`` says the user's signature is awaited."""
        if len(self) <= 1:
            return self
        records = self.filtered(flag)
        if not records:
            raise UserError(self.env._("None of the selected documents awaits your signature."))
        return records

    def _cks_document_title(self):
        """What the signing agent shows the signer: the kind of document (its number apart)."""
        return self._description

    def _cks_personal_appearance(self, user):
        """What the visible signature of ``user`` shows: name, position, body and the time."""
        person = self.env["cks.form.print"]._person(user)
        subscriber = self.env["cks.subscriber"].sudo().search([("user_id", "=", user.id)], limit=1)  # sudo: own
        return pdf_signing.Appearance(
            kind=pdf_signing.INDIVIDUAL,
            name=person["name"],
            title=person["position"],
            body=person["body"],
            signed_at=dt.datetime.now(dt.UTC),
            image=base64.b64decode(subscriber.stamp_image) if subscriber.stamp_image else None,
        )

    def _cks_seal_appearance(self, certificate, body):
        """What the organisation's visible signature shows: its seal image, its name, the time."""
        seal = certificate.sudo().subscriber_id.stamp_image  # sudo: the organisation the clerk signs for
        return pdf_signing.Appearance(
            kind=pdf_signing.ORGANIZATION,
            name=body.name,
            signed_at=dt.datetime.now(dt.UTC),
            image=base64.b64decode(seal) if seal else None,
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
        return self._cks_keep(
            signed,
            role=role,
            kind=kind,
            certificate=certificate,
            file_suffix=file_suffix,
            declaration=declaration,
            where="server",
            token_serial=token_serial,
        )

    def _cks_keep(self, signed, *, file_suffix, **signature):
        """The verified signed file kept as the document's, its signature in the ledger."""
        signature = self.env["cks.signing.service"]._record(
            self, signed, file_name=self._cks_file_name(file_suffix), **signature
        )
        with flow.opened(self._name):
            self.write({"signed_file_id": signature.attachment_id.id})
        return signature

    def _cks_signed(self, signature):
        """After a signature is kept: the flow's next step, if the signature makes one (hook)."""

    def _cks_plan(self, step, declaration=None, scan=None):
        """(the record locked for its step, the plan of ``step``): the same on the server's token,
        when preparing for the signing agent and when the agent's signature comes back."""
        return getattr(self, self._cks_steps[step])(declaration=declaration, scan=scan)

    def _cks_sign_on_server(self, step, token_serial, pin, final_try_confirmed=False, declaration=None, scan=None):
        """The step ``step`` signed with the server's token ``token_serial``."""
        self.ensure_one()
        record, plan = self._cks_plan(step, declaration, scan)
        signature = record._cks_add_signature(
            **plan, token_serial=token_serial, pin=pin, final_try_confirmed=final_try_confirmed
        )
        del pin
        record._cks_signed(signature)
        return True

    # ------------------------------------------------------------------ the signing agent
    @flow_action
    def action_cks_agent_prepare(self, step, fingerprints, declaration=None, scan=None):
        """Prepare the signature of step ``step`` for the signing agent on the user's computer:
        the document with its signature placeholder (pyHanko's interrupted signing), for the key
        of one of the user's registered certificates among ``fingerprints`` (those the agent
        found on the plugged-in tokens). Returns what the page relays to the agent: the request
        token Odoo issued and the data to sign; ``cks.signing.request.action_finish`` embeds
        the signature. No PIN comes here."""
        self.ensure_one()
        if step not in self._cks_steps:
            raise UserError(self.env._("This document has no such signing step."))
        record, plan = self._cks_plan(step, declaration, scan)
        return self.env["cks.signing.request"]._prepare(record, step, plan, fingerprints, scan=scan)
