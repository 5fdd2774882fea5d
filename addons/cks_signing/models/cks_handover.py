import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action
from odoo.addons.cks_token_asset.models.cks_handover import CksHandover as BaseHandover
from odoo.addons.cks_token_asset.models.cks_token import lock_rows_nowait

from ..lib import pdf_signing

# Where each party's signature goes on the printed Mẫu 14 (points from the page's bottom left,
# A4): under "BÊN GIAO" (left) and "BÊN NHẬN" (right), above the bottom margin.
BOXES = {"giver": (300, 24, 440, 78), "receiver": (445, 24, 585, 78)}


class CksHandover(models.Model):
    """Mẫu 14 signed by both parties (QĐ 19/2020 Hà Tĩnh Điều 2.3; TT 185/2019 Điều 11.3): the giver
    signs the printed record once it is submitted, then the receiver; the receiver's signature
    completes the handover, only when both signatures verify, and the custody events name the
    signed file by its SHA-256."""

    _inherit = "cks.handover"
    _flow_fields = (*BaseHandover._flow_fields, "signed_file_id")

    signed_file_id = fields.Many2one("ir.attachment", "Signed Record", readonly=True, copy=False)
    signed_sha256 = fields.Char("SHA-256 of the Signed Record", compute="_compute_signatures")
    cks_signature_ids = fields.One2many("cks.signature", compute="_compute_signatures", string="Digital Signatures")
    signature_state = fields.Selection(
        [("none", "Not Signed"), ("giver", "Signed by the Giver"), ("both", "Signed by Both")],
        compute="_compute_signatures",
        string="Digital Signatures State",
    )
    cks_can_sign = fields.Boolean("Your Signature Is Awaited", compute="_compute_cks_can_sign")

    @api.depends("state", "signed_file_id")
    @api.depends_context("uid")
    def _compute_cks_can_sign(self):
        for handover in self:
            awaited = {"none": handover.giver_id, "giver": handover.sudo().receiver_id}.get(handover.signature_state)
            handover.cks_can_sign = handover.state == "waiting" and awaited == self.env.user

    @api.depends("signed_file_id", "state")
    def _compute_signatures(self):
        Signature = self.env["cks.signature"].sudo()  # sudo: the signatures of a record the reader may see
        for handover in self:
            signatures = Signature.search([("res_model", "=", self._name), ("res_id", "=", handover.id)])
            handover.cks_signature_ids = signatures
            handover.signed_sha256 = signatures[-1:].file_sha256 or False
            roles = set(signatures.mapped("role"))
            handover.signature_state = (
                "both" if {"giver", "receiver"} <= roles else "giver" if "giver" in roles else "none"
            )

    def _custody_document_ref(self):
        ref = super()._custody_document_ref()
        sha = self.sudo().signed_sha256  # sudo: the receiver's step, on a record they may not read yet
        return f"{ref} · SHA-256 {sha}" if sha else ref

    @flow_action
    def action_confirm_receipt(self):
        """A record the giver signed digitally is confirmed by the receiver's signature."""
        if self.sudo().signature_state == "giver" and not flow.is_open("cks.handover.signing"):
            raise UserError(self.env._("The giver signed this record digitally: sign it to confirm the receipt."))
        return super().action_confirm_receipt()

    def _cks_printed_form(self):
        """The printed Mẫu 14 of the submitted record: its kept print, else a new one (kept too)."""
        self.ensure_one()
        name = f"Mau14-{(self.name or '').replace('/', '-')}.pdf"
        kept = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", name)], limit=1
        )
        if kept:
            return kept.raw
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)  # the PDF itself, also in a test
            ._render_qweb_pdf("cks_report.action_report_form_14", self.ids)
        )
        return pdf

    def action_cks_sign_dialog(self):
        """The dialog that asks for the token and its PIN (static/src/sign_dialog)."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "cks_signing.sign_dialog",
            "name": self.env._("Sign %(name)s", name=self.display_name),
            "target": "new",
            "params": {
                "model": self._name,
                "res_id": self.id,
                "method": "action_cks_sign",
                "title": self.env._("Handover record %(name)s (Form 14)", name=self.name),
            },
        }

    @flow_action
    def action_cks_sign(self, token_serial, pin, final_try_confirmed=False):
        """Sign the record with the token ``token_serial`` on the server: the giver first, once the
        record is submitted; then the receiver, whose signature completes the handover."""
        self.ensure_one()
        user = self.env.user
        if user == self.sudo().receiver_id:
            handover = self._take_as_receiver()
            role = "receiver"
        elif user == self.giver_id:
            handover = self.sudo()  # sudo: the giver's own record, locked for their step
            lock_rows_nowait(handover, self.env._("This record is being signed by someone else right now."))
            role = "giver"
            if handover.state != "waiting":
                raise UserError(self.env._("Submit the record before signing it."))
        else:
            raise UserError(self.env._("Only the giver and the receiver sign the handover record."))
        Service = self.env["cks.signing.service"]
        if role == "giver":
            if handover.signed_file_id:
                raise UserError(self.env._("The giver has already signed this record."))
            pdf = handover._cks_printed_form()
        else:
            if handover.signature_state != "giver":
                raise UserError(self.env._("The giver signs the record first."))
            pdf = handover.signed_file_id.raw
        signer = self.env["cks.form.print"]._person(user)
        appearance = pdf_signing.Appearance(
            kind=pdf_signing.INDIVIDUAL,
            name=signer["name"],
            title=signer["position"],
            body=signer["body"],
            signed_at=dt.datetime.now(dt.UTC),
        )
        signed, certificate = Service._sign(
            pdf,
            token_serial=token_serial,
            pin=pin,
            certificates=Service._certificates_of(user),
            appearance=appearance,
            field_name=f"Signature{2 if role == 'receiver' else 1}",
            box=BOXES[role],
            final_try_confirmed=final_try_confirmed,
        )
        del pin
        number = (handover.name or "").replace("/", "-")
        signature = Service._record(
            handover,
            signed,
            role=role,
            kind="individual",
            certificate=certificate,
            file_name=f"Mau14-{number}-{'ky-2-ben' if role == 'receiver' else 'ky-ben-giao'}.pdf",
            token_serial=token_serial,
        )
        with flow.opened(self._name):
            handover.write({"signed_file_id": signature.attachment_id.id})
        if role == "receiver":
            # both signatures verified (the service checks every one after signing): the receipt
            # is confirmed, its custody events naming the signed file by its SHA-256
            with flow.opened("cks.handover.signing"):
                handover.with_user(user).action_confirm_receipt()
        return True
