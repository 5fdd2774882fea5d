"""Mẫu 14 signed by both parties on the server's tokens (SoftHSM2), as the giver and the receiver
would over RPC: the handover completes only when both signatures verify, and the custody events
name the signed file by its SHA-256. Wrong PIN, wrong token, wrong person, wrong order: nothing
is stored."""

import hashlib

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import pdf_validation
from .signing_common import SigningCase


@tagged("post_install", "-at_install")
class TestHandoverSigning(SigningCase):
    def sign(self, handover, role, token=None, pin=None):
        user = self.users["custodian" if role == "giver" else "officer"]
        token = token or role
        return handover.with_user(user).action_cks_sign(self.serials[token], pin or self.pins[token])

    def signatures(self, handover):
        return self.env["cks.signature"].search([("res_model", "=", "cks.handover"), ("res_id", "=", handover.id)])

    def test_both_parties_sign_and_the_custody_names_the_signed_file(self):
        handover = self.submitted_handover()
        self.sign(handover, "giver")
        self.assertEqual((handover.state, handover.signature_state), ("waiting", "giver"))
        self.sign(handover, "receiver")
        self.assertEqual((handover.state, handover.signature_state), ("done", "both"))
        signed = handover.signed_file_id.raw
        self.assertEqual(handover.signed_file_id.name, f"Mau14-{handover.name.replace('/', '-')}-ky-2-ben.pdf")
        reports = pdf_validation.validate_pdf(signed, [self.ca.certificate])
        self.assertEqual(
            [report.signer for report in reports], [self.users["custodian"].name, self.users["officer"].name]
        )
        self.assertTrue(all(report.ok for report in reports))
        signatures = self.signatures(handover)
        self.assertEqual(signatures.mapped("role"), ["giver", "receiver"])
        self.assertEqual(signatures.mapped("user_id"), self.users["custodian"] | self.users["officer"])
        self.assertEqual(signatures.mapped("certificate_id"), self.signers["giver"] | self.signers["receiver"])
        sha = hashlib.sha256(signed).hexdigest()
        self.assertEqual(signatures[-1].file_sha256, sha)
        event = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual((event.event_type, event.custodian_to_id), ("handover", self.users["officer"]))
        self.assertEqual(event.document_ref, f"{handover.name} · SHA-256 {sha}")
        self.assertTrue(self.verify().intact)  # the chain, with the new events, verifies

    def test_wrong_pin_wrong_token_wrong_person_and_wrong_order_store_nothing(self):
        handover = self.submitted_handover()
        attachments = self.env["ir.attachment"].search_count([])
        with self.assertRaisesRegex(UserError, "The giver signs the record first"):
            self.sign(handover, "receiver")
        with self.assertRaisesRegex(UserError, "Wrong PIN: nothing was signed"):
            self.sign(handover, "giver", pin="000000")
        with self.assertRaisesRegex(UserError, "holds no key of a certificate registered for this signer"):
            self.sign(handover, "giver", token="receiver", pin=self.pins["receiver"])
        with self.assertRaisesRegex(UserError, "Only the giver and the receiver sign"):
            handover.with_user(self.users["head"]).action_cks_sign(self.serials["giver"], self.pins["giver"])
        self.assertFalse(self.signatures(handover))
        self.assertEqual((handover.state, handover.signature_state), ("waiting", "none"))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments + 1)  # the print of Mẫu 14 only
        self.sign(handover, "giver")
        with self.assertRaisesRegex(UserError, "already signed"):
            self.sign(handover, "giver")
        with self.assertRaisesRegex(UserError, "sign it to confirm the receipt"):
            handover.with_user(self.users["officer"]).action_confirm_receipt()
        self.assertEqual(handover.state, "waiting")

    def test_the_ledger_and_the_signed_file_cannot_be_changed(self):
        handover = self.submitted_handover()
        self.sign(handover, "giver")
        signature = self.signatures(handover)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            signature.write({"role": "receiver"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            signature.unlink()
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            handover.with_user(self.users["custodian"]).write({"signed_file_id": False})

    def test_a_signature_is_read_by_who_may_read_its_record(self):
        handover = self.submitted_handover()
        self.sign(handover, "giver")
        Signature = self.env["cks.signature"]
        domain = [("res_model", "=", "cks.handover"), ("res_id", "=", handover.id)]
        for role in ("custodian", "officer", "admin", "auditor"):
            self.assertEqual(len(Signature.with_user(self.users[role]).search(domain)), 1, role)
        # a subscriber of the body sees neither the record nor its signature
        self.assertFalse(
            self.env["cks.handover"].with_user(self.users["subscriber"]).search([("id", "=", handover.id)])
        )
        self.assertFalse(Signature.with_user(self.users["subscriber"]).search(domain))
        with self.assertRaises(UserError):  # refused (AccessError is a UserError too)
            Signature.with_user(self.users["custodian"]).create(
                {"res_model": "cks.handover", "res_id": handover.id, "role": "giver", "kind": "individual"}
            )

    def test_a_province_that_signs_digitally_refuses_a_receipt_without_the_signatures(self):
        profile = self.env["cks.province.profile"]._get_current_or_raise()
        profile.handover_signed_digitally = True
        handover = self.submitted_handover()
        self.assertTrue(handover.cks_signed_digitally)
        with self.assertRaisesRegex(UserError, "both parties sign the handover record digitally"):
            handover.with_user(self.users["officer"]).action_confirm_receipt()
        self.assertEqual(handover.state, "waiting")
        self.sign(handover, "giver")
        self.sign(handover, "receiver")  # the receiver's signature confirms the receipt
        self.assertEqual((handover.state, handover.signature_state), ("done", "both"))
        # without the rule a record signed on paper is confirmed with the button: cks_token_asset's tests
