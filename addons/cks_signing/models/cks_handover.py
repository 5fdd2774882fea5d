from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action
from odoo.addons.cks_token_asset.models.cks_handover import CksHandover as BaseHandover
from odoo.addons.cks_token_asset.models.cks_token import lock_rows_nowait

from ..lib import pdf_signing
from .cks_signing_service import takes_pin

# Where each party's signature goes on the printed Mẫu 14 when its signature spaces cannot be
# found (points from the page's bottom left, A4): under "BÊN GIAO" (left) and "BÊN NHẬN" (right).
BOXES = {"giver": (300, 24, 440, 78), "receiver": (445, 24, 585, 78)}


class CksHandover(models.Model):
    """Mẫu 14 signed by both parties (QĐ 19/2020 Hà Tĩnh Điều 2.3; TT 185/2019 Điều 11.3): the giver
    signs the printed record once it is submitted, then the receiver; the receiver's signature
    completes the handover, only when both signatures verify, and the custody events name the
    signed file by its SHA-256."""

    _name = "cks.handover"
    _inherit = ["cks.handover", "cks.signed.document"]
    _flow_fields = (*BaseHandover._flow_fields, "signed_file_id")
    _cks_report = "cks_report.action_report_form_14"
    _cks_file_prefix = "Mau14"
    _cks_steps = {"action_cks_sign": "_cks_plan_sign"}

    signed_sha256 = fields.Char("SHA-256 of the Signed Record", compute="_compute_signatures")
    signature_state = fields.Selection(
        [("none", "Not Signed"), ("giver", "Signed by the Giver"), ("both", "Signed by Both")],
        compute="_compute_signatures",
        string="Digital Signatures State",
    )
    cks_can_sign = fields.Boolean("Your Signature Is Awaited", compute="_compute_cks_can_sign")
    cks_signed_digitally = fields.Boolean(
        "Signed Digitally by Rule", compute="_compute_cks_signed_digitally", help="The province's rule."
    )

    def _compute_cks_signed_digitally(self):
        rule = self.env["cks.province.profile"]._get_current().handover_signed_digitally
        for handover in self:
            handover.cks_signed_digitally = rule

    @api.depends("state", "signed_file_id")
    @api.depends_context("uid")
    def _compute_cks_can_sign(self):
        for handover in self:
            awaited = {"none": handover.giver_id, "giver": handover.sudo().receiver_id}.get(handover.signature_state)
            handover.cks_can_sign = handover.state == "waiting" and awaited == self.env.user

    @api.depends("cks_signature_ids")
    def _compute_signatures(self):
        for handover in self:
            signatures = handover.cks_signature_ids
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
        if not flow.is_open("cks.handover.signing"):
            if self.sudo().signature_state == "giver":
                raise UserError(self.env._("The giver signed this record digitally: sign it to confirm the receipt."))
            if self.env["cks.province.profile"].sudo()._get_current().handover_signed_digitally:
                raise UserError(
                    self.env._(
                        "In this province both parties sign the handover record digitally: the giver signs "
                        "it first, then your signature confirms the receipt."
                    )
                )
        return super().action_confirm_receipt()

    def action_cks_sign_dialog(self):
        """The dialog that asks for the token and its PIN (static/src/sign_dialog): for this
        record, or for those of the selected records that await the user's signature."""
        records = self._cks_awaiting("cks_can_sign")
        if len(records) == 1:
            return records._cks_dialog(
                "action_cks_sign", self.env._("Handover record %(name)s (Form 14)", name=records.name)
            )
        return records._cks_dialog("action_cks_sign", self.env._("Handover records (Form 14)"))

    def _cks_document_title(self):
        return self.env._("Handover record (Form 14)")

    @takes_pin
    @flow_action
    def action_cks_sign(self, token_serial, pin, final_try_confirmed=False):
        """Sign the record with the token ``token_serial`` on the server: the giver first, once the
        record is submitted; then the receiver, whose signature completes the handover."""
        return self._cks_sign_on_server("action_cks_sign", token_serial, pin, final_try_confirmed)

    def _cks_plan_sign(self, declaration=None, scan=None):
        """The giver's signature once the record is submitted, then the receiver's."""
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
        if role == "giver":
            if handover.signed_file_id:
                raise UserError(self.env._("The giver has already signed this record."))
            pdf = handover._cks_printed()
        else:
            if handover.signature_state != "giver":
                raise UserError(self.env._("The giver signs the record first."))
            pdf = handover.signed_file_id.raw
        return handover, {
            "pdf": pdf,
            "role": role,
            "kind": "individual",
            "certificates": self.env["cks.signing.service"]._certificates_of(user),
            "appearance": handover._cks_personal_appearance(user),
            "box": _box(pdf, role),
            "file_suffix": "ky-2-ben" if role == "receiver" else "ky-ben-giao",
            "field_name": f"Signature{2 if role == 'receiver' else 1}",
        }

    def _cks_signed(self, signature):
        """The receiver's signature completes the handover: both signatures verified (every one
        is checked after signing), the receipt is confirmed, its custody events naming the
        signed file by its SHA-256."""
        if signature.role == "receiver":
            with flow.opened("cks.handover.signing"):
                self.with_user(signature.user_id).action_confirm_receipt()


def _box(pdf, role):
    """The party's signature space on the printed record: the giver's column, then the receiver's."""
    spaces = pdf_signing.signature_boxes(pdf)
    return spaces[0 if role == "giver" else 1] if len(spaces) == 2 else BOXES[role]
