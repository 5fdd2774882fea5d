import base64
import binascii

from cryptography import x509

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_request.models.cks_request_batch import CksRequestBatch as BaseBatch
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action
from odoo.addons.cks_token_asset.models.cks_token import lock_rows_nowait

from ..lib import pdf_signing, pdf_validation
from .cks_signature import DECLARATIONS
from .cks_signing_service import fingerprint, takes_pin

# On the letter (A4, points from the bottom left), when its signature space cannot be found: the
# head's signature under "THỦ TRƯỞNG...", the organisation's over its left part (where the seal
# goes on paper).
BOXES = {"head": (360, 24, 585, 78), "organization": (300, 82, 480, 132)}


class CksRequestBatch(models.Model):
    """The body's letter to the CA (Mẫu 02, 04, 06, 08, 10, 12) signed as an administrative
    document: the head of the body signs it personally, then the clerk adds the organisation's
    signature last (Bắc Ninh Điều 16.3; Bắc Giang Điều 9.2). The organisation's signature is
    refused unless a personal signature of the competent person is on the document, or the
    clerk declares the document a scan of a paper original signed and sealed by that person
    (Bắc Giang Điều 9.1), or a copy made by the body; the declaration is kept with the signature."""

    _name = "cks.request.batch"
    _inherit = ["cks.request.batch", "cks.signed.document"]
    _flow_fields = (*BaseBatch._flow_fields, "signed_file_id")
    _cks_report = "cks_report.action_report_batch_letter"
    _cks_file_prefix = "CongVan"
    _cks_steps = {"action_cks_sign_head": "_cks_plan_head", "action_cks_seal": "_cks_plan_seal"}

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

    @api.depends("cks_signature_ids")
    def _compute_signatures(self):
        for batch in self:
            roles = set(batch.cks_signature_ids.mapped("role"))
            batch.signature_state = "sealed" if "organization" in roles else "head" if "head" in roles else "none"

    # ------------------------------------------------------------------ helpers
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

    # ------------------------------------------------------------------ dialogs
    def action_cks_sign_head_dialog(self):
        records = self._cks_awaiting("cks_can_sign_head")
        return records._cks_dialog(
            "action_cks_sign_head",
            self.env._("Letter %(name)s: the head's signature", name=records.display_name)
            if len(records) == 1
            else self.env._("Letters to the CA: the head's signature"),
        )

    def action_cks_seal_dialog(self):
        records = self._cks_awaiting("cks_can_seal")
        labels = dict(self.env["cks.signature"]._fields["declaration"]._description_selection(self.env))
        return records._cks_dialog(
            "action_cks_seal",
            self.env._("Letter %(name)s: the organisation's signature", name=records.display_name)
            if len(records) == 1
            else self.env._("Letters to the CA: the organisation's signature"),
            declarations=[[value, labels[value]] for value, _label in DECLARATIONS],
        )

    def _cks_document_title(self):
        return self.env._("Letter to the CA (%(form)s)", form=self.form or "")

    # ------------------------------------------------------------------ steps
    @takes_pin
    @flow_action
    def action_cks_sign_head(self, token_serial, pin, final_try_confirmed=False):
        """The head of the sending body signs the letter with his personal certificate."""
        return self._cks_sign_on_server("action_cks_sign_head", token_serial, pin, final_try_confirmed)

    @takes_pin
    @flow_action
    def action_cks_seal(self, token_serial, pin, declaration=None, scan=None, final_try_confirmed=False):
        """The clerk adds the organisation's signature last, saying what the document is:
        ``declaration`` one of DECLARATIONS; ``scan`` (base64 PDF) for a scan of a paper original."""
        return self._cks_sign_on_server(
            "action_cks_seal", token_serial, pin, final_try_confirmed, declaration=declaration, scan=scan
        )

    def _cks_plan_head(self, declaration=None, scan=None):
        batch = self._cks_take_for_signing()
        user = self.env.user
        if user != batch.body_id.head_user_id:
            raise UserError(
                self.env._("The head of %(body)s signs its letters to the CA.", body=batch.body_id.display_name)
            )
        if batch.signature_state != "none":
            raise UserError(self.env._("This letter is already signed."))
        pdf = batch._cks_printed()
        return batch, {
            "pdf": pdf,
            "role": "head",
            "kind": "individual",
            "certificates": self.env["cks.signing.service"]._certificates_of(user),
            "appearance": batch._cks_personal_appearance(user),
            "box": _box(pdf, "head"),
            "file_suffix": "ky-thu-truong",
            "field_name": "Signature1",
        }

    def _cks_plan_seal(self, declaration=None, scan=None):
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
            pdf = batch.signed_file_id.raw if batch.signed_file_id else batch._cks_printed()
        return batch, {
            "pdf": pdf,
            "role": "organization",
            "kind": "organization",
            "certificates": certificates,
            "appearance": batch._cks_seal_appearance(certificates[:1], batch.body_id),
            "box": _box(pdf, "organization"),
            "file_suffix": "ky-co-quan",
            "field_name": "SignatureOrganization",
            "declaration": declaration,
        }


def _box(pdf, role):
    """The head's signature in the right half of his signature space on the letter, the
    organisation's in the left half (on paper the seal overlaps the signature's left part)."""
    spaces = pdf_signing.signature_boxes(pdf)
    if not spaces:
        return BOXES[role]
    x1, y1, x2, y2 = spaces[-1]
    center = (x1 + x2) / 2
    return (center - 6, y1, center + 144, y2) if role == "head" else (center - 150, y1, center - 12, y2)


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
