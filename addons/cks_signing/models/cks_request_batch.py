import base64
import binascii
import datetime as dt

from cryptography import x509

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_request.models.cks_request_batch import CksRequestBatch as BaseBatch
from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action
from odoo.addons.cks_token_asset.models.cks_token import lock_rows_nowait

from ..lib import pdf_signing, pdf_validation
from .cks_signature import DECLARATIONS
from .cks_signing_service import fingerprint

# On the letter (A4, points from the bottom left): the head's signature under "THỦ TRƯỞNG...",
# the organisation's signature over its left part, where the seal goes on paper.
BOXES = {"head": (360, 24, 585, 78), "organization": (300, 82, 480, 132)}


class CksRequestBatch(models.Model):
    """The body's letter to the CA (Mẫu 02, 04, 06, 08, 10, 12) signed as an administrative
    document: the head of the body signs it personally, then the clerk adds the organisation's
    signature last (Bắc Ninh Điều 16.3; Bắc Giang Điều 9.2). The organisation's signature is
    refused unless a personal signature of the competent person is on the document, or the
    clerk declares the document a scan of a paper original signed and sealed by that person
    (Bắc Giang Điều 9.1), or a copy made by the body; the declaration is kept with the signature."""

    _inherit = "cks.request.batch"
    _flow_fields = (*BaseBatch._flow_fields, "signed_file_id")

    signed_file_id = fields.Many2one("ir.attachment", "Signed Letter", readonly=True, copy=False)
    cks_signature_ids = fields.One2many("cks.signature", compute="_compute_signatures", string="Digital Signatures")
    signature_state = fields.Selection(
        [("none", "Not Signed"), ("head", "Signed by the Head"), ("sealed", "Signed by the Organisation")],
        compute="_compute_signatures",
        string="Digital Signatures State",
    )

    cks_can_sign_head = fields.Boolean("Your Signature as Head Is Awaited", compute="_compute_cks_can_sign")
    cks_can_seal = fields.Boolean("Your Organisation Signature Is Awaited", compute="_compute_cks_can_sign")

    @api.depends("state", "signed_file_id", "body_id")
    @api.depends_context("uid")
    def _compute_cks_can_sign(self):
        Service = self.env["cks.signing.service"]
        for batch in self:
            open_letter = batch.state == "draft"
            batch.cks_can_sign_head = (
                open_letter and batch.signature_state == "none" and batch.body_id.head_user_id == self.env.user
            )
            batch.cks_can_seal = (
                open_letter
                and batch.signature_state != "sealed"
                and bool(Service._certificates_of(self.env.user, "organization", batch.body_id))
            )

    @api.depends("signed_file_id")
    def _compute_signatures(self):
        Signature = self.env["cks.signature"].sudo()  # sudo: the signatures of a letter the reader may see
        for batch in self:
            signatures = Signature.search([("res_model", "=", self._name), ("res_id", "=", batch.id)])
            batch.cks_signature_ids = signatures
            roles = set(signatures.mapped("role"))
            batch.signature_state = "sealed" if "organization" in roles else "head" if "head" in roles else "none"

    # ------------------------------------------------------------------ helpers
    def _cks_printed_letter(self):
        """The printed letter: its kept print, else a new one (kept too)."""
        self.ensure_one()
        name = f"CongVan-{(self.name or '').replace('/', '-')}.pdf"
        kept = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", name)], limit=1
        )
        if kept:
            return kept.raw
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)  # the PDF itself, also in a test
            ._render_qweb_pdf("cks_report.action_report_batch_letter", self.ids)
        )
        return pdf

    def _cks_take_for_signing(self):
        self.ensure_one()
        batch = self.sudo()  # sudo: the letter of the signer's body, locked for their step
        lock_rows_nowait(batch, self.env._("This letter is being signed by someone else right now."))
        if batch.state != "draft":
            raise UserError(self.env._("Only a letter not yet sent is signed."))
        return batch

    def _cks_head_signed(self, pdf):
        """Whether ``pdf`` carries a personal signature, verified, of a certificate registered
        for the head of the sending body (the competent person)."""
        head = self.body_id.head_user_id
        if not head:
            return False
        Service = self.env["cks.signing.service"]
        registered = {cert.fingerprint_sha256 for cert in Service._certificates_of(head)}
        reports = Service._verify(pdf)
        signers = pdf_validation.signers_of(pdf)
        return any(
            report.ok and fingerprint(_cryptography(cert)) in registered
            for report, cert in zip(reports, signers, strict=True)
        )

    def _cks_file_name(self, suffix):
        return f"CongVan-{(self.name or '').replace('/', '-')}-{suffix}.pdf"

    # ------------------------------------------------------------------ dialogs
    def _cks_dialog(self, method, title, declarations=None):
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

    def action_cks_sign_head_dialog(self):
        return self._cks_dialog(
            "action_cks_sign_head", self.env._("Letter %(name)s: the head's signature", name=self.display_name)
        )

    def action_cks_seal_dialog(self):
        labels = dict(self.env["cks.signature"]._fields["declaration"]._description_selection(self.env))
        return self._cks_dialog(
            "action_cks_seal",
            self.env._("Letter %(name)s: the organisation's signature", name=self.display_name),
            declarations=[[value, labels[value]] for value, _label in DECLARATIONS],
        )

    # ------------------------------------------------------------------ steps
    @flow_action
    def action_cks_sign_head(self, token_serial, pin, final_try_confirmed=False):
        """The head of the sending body signs the letter with his personal certificate."""
        batch = self._cks_take_for_signing()
        user = self.env.user
        if user != batch.body_id.head_user_id:
            raise UserError(
                self.env._("The head of %(body)s signs its letters to the CA.", body=batch.body_id.display_name)
            )
        if batch.signature_state != "none":
            raise UserError(self.env._("This letter is already signed."))
        Service = self.env["cks.signing.service"]
        person = self.env["cks.form.print"]._person(user)
        signed, certificate = Service._sign(
            batch._cks_printed_letter(),
            token_serial=token_serial,
            pin=pin,
            certificates=Service._certificates_of(user),
            appearance=pdf_signing.Appearance(
                kind=pdf_signing.INDIVIDUAL,
                name=person["name"],
                title=person["position"],
                body=person["body"],
                signed_at=dt.datetime.now(dt.UTC),
            ),
            field_name="Signature1",
            box=BOXES["head"],
            final_try_confirmed=final_try_confirmed,
        )
        del pin
        signature = Service._record(
            batch,
            signed,
            role="head",
            kind="individual",
            certificate=certificate,
            file_name=batch._cks_file_name("ky-thu-truong"),
            token_serial=token_serial,
        )
        with flow.opened(self._name):
            batch.write({"signed_file_id": signature.attachment_id.id})
        return True

    @flow_action
    def action_cks_seal(self, token_serial, pin, declaration=None, scan=None, final_try_confirmed=False):
        """The clerk adds the organisation's signature last, saying what the document is:
        ``declaration`` one of DECLARATIONS; ``scan`` (base64 PDF) for a scan of a paper original."""
        batch = self._cks_take_for_signing()
        user = self.env.user
        Service = self.env["cks.signing.service"]
        certificates = Service._certificates_of(user, "organization", batch.body_id)
        if not certificates:
            raise UserError(
                self.env._(
                    "Only the clerk who keeps the organisation certificate of %(body)s adds its signature.",
                    body=batch.body_id.display_name,
                )
            )
        if batch.signature_state == "sealed":
            raise UserError(self.env._("The organisation has already signed this letter."))
        if declaration not in dict(DECLARATIONS):
            raise UserError(
                self.env._(
                    "The organisation's signature goes on a document a competent person signed: say "
                    "whether it carries their personal digital signature, is a scan of a paper original "
                    "they signed and sealed, or is a copy made by the body."
                )
            )
        if declaration == "personal_signature":
            pdf = batch.signed_file_id.raw if batch.signature_state == "head" else None
            if not pdf or not batch._cks_head_signed(pdf):
                raise UserError(
                    self.env._(
                        "The letter carries no verified personal signature of the head of %(body)s: the "
                        "organisation's signature is added after it.",
                        body=batch.body_id.display_name,
                    )
                )
        elif declaration == "scan_of_original":
            pdf = _pdf_from_upload(self.env, scan)
        else:  # a copy made by the body: of the letter as it stands
            pdf = batch.signed_file_id.raw if batch.signed_file_id else batch._cks_printed_letter()
        signed, certificate = Service._sign(
            pdf,
            token_serial=token_serial,
            pin=pin,
            certificates=certificates,
            appearance=pdf_signing.Appearance(
                kind=pdf_signing.ORGANIZATION, name=batch.body_id.name, signed_at=dt.datetime.now(dt.UTC)
            ),
            field_name="SignatureOrganization",
            box=BOXES["organization"],
            final_try_confirmed=final_try_confirmed,
        )
        del pin
        signature = Service._record(
            batch,
            signed,
            role="organization",
            kind="organization",
            certificate=certificate,
            file_name=batch._cks_file_name("ky-co-quan"),
            declaration=declaration,
            token_serial=token_serial,
        )
        with flow.opened(self._name):
            batch.write({"signed_file_id": signature.attachment_id.id})
        return True


def _pdf_from_upload(env, scan):
    """The uploaded scan (base64) as PDF bytes, or a UserError saying what is wrong with it."""
    if not scan:
        raise UserError(env._("Attach the scan of the paper original (a PDF) to seal it."))
    try:
        data = base64.b64decode(scan, validate=False)
    except (binascii.Error, ValueError, TypeError):
        data = b""
    if not data.startswith(b"%PDF"):
        raise UserError(env._("The scan must be a PDF file: nothing was signed."))
    return data


def _cryptography(certificate):
    """An asn1crypto certificate as a ``cryptography`` one."""
    return x509.load_der_x509_certificate(certificate.dump())
