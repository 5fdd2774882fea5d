"""The letter to the CA signed by the head of the body, then by the organisation (the clerk's
token), on the server's SoftHSM2 tokens: the organisation signs last and only on a document a
competent person signed, or on a declared scan or copy (Bắc Ninh Điều 16.3; Bắc Giang Điều 9)."""

import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib import pdf_validation, signing_agent
from ..models.cks_demo_story import demo_seal
from .signing_common import SigningCase


@tagged("post_install", "-at_install")
class TestBatchSigning(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Subscriber = cls.env["cks.subscriber"]
        head = cls.users["head"]
        cls.signers["head"] = cls.register_key(
            "stranger", Subscriber.create({"name": head.name, "body_id": cls.dept_a.id, "user_id": head.id}), head.name
        )
        organisation = Subscriber.create(
            {
                "name": cls.dept_a.name,
                "kind": "organization",
                "body_id": cls.dept_a.id,
                "responsible_user_id": cls.users["custodian"].id,
            }
        )
        cls.signers["seal"] = cls.register_key("seal", organisation, cls.dept_a.name)

    def letter(self):
        """A letter to the CA, not yet sent, of an approved revocation."""
        action = self.approved().action_create_batch()
        return self.env["cks.request.batch"].browse(action["res_id"])

    def sign_head(self, batch, token="stranger", pin=None):
        return batch.with_user(self.users["head"]).action_cks_sign_head(self.serials[token], pin or self.pins[token])

    def seal(self, batch, declaration="personal_signature", scan=None, user="custodian"):
        return batch.with_user(self.users[user]).action_cks_seal(
            self.serials["seal"], self.pins["seal"], declaration=declaration, scan=scan
        )

    def signatures(self, batch):
        return self.env["cks.signature"].search([("res_model", "=", "cks.request.batch"), ("res_id", "=", batch.id)])

    def test_the_head_signs_then_the_organisation_last(self):
        batch = self.letter()
        self.assertEqual(batch.state, "draft")
        self.sign_head(batch)
        self.assertEqual(batch.signature_state, "head")
        head_signed = batch.signed_file_id.raw
        printed = batch._cks_printed()
        self.assertTrue(head_signed.startswith(printed))
        self.assertNotIn(b"/Subtype /Image", head_signed[len(printed) :])  # the head has no signature image
        # the organisation's seal image, drawn in its signature's box (NĐ 30/2020)
        self.signers["seal"].subscriber_id.stamp_image = base64.b64encode(demo_seal(self.dept_a.name))
        self.seal(batch)
        self.assertEqual(batch.signature_state, "sealed")
        self.assertIn(b"/Subtype /Image", batch.signed_file_id.raw[len(head_signed) :])
        reports = pdf_validation.validate_pdf(batch.signed_file_id.raw, [self.ca.certificate])
        self.assertEqual([report.signer for report in reports], [self.users["head"].name, self.dept_a.name])
        self.assertTrue(all(report.ok for report in reports))
        signatures = self.signatures(batch)
        self.assertEqual(
            [(s.role, s.kind, s.declaration or False) for s in signatures],
            [("head", "individual", False), ("organization", "organization", "personal_signature")],
        )
        with self.assertRaisesRegex(UserError, "already signed"):
            self.seal(batch)

    def test_the_organisation_never_signs_without_a_competent_person(self):
        batch = self.letter()
        attachments = self.env["ir.attachment"].search_count([])
        with self.assertRaisesRegex(UserError, "carries no verified personal signature of the head"):
            self.seal(batch)
        with self.assertRaisesRegex(UserError, "say whether it carries their personal digital signature"):
            self.seal(batch, declaration=None)
        with self.assertRaisesRegex(UserError, "Attach the scan of the paper original"):
            self.seal(batch, declaration="scan_of_original")
        with self.assertRaisesRegex(UserError, "The scan must be a PDF file"):
            self.seal(batch, declaration="scan_of_original", scan=base64.b64encode(b"GIF89a a picture"))
        with self.assertRaisesRegex(UserError, "Only the clerk who keeps the organisation certificate"):
            self.seal(batch, declaration="copy_by_body", user="officer")
        with self.assertRaisesRegex(UserError, "The head of .* signs its letters"):
            batch.with_user(self.users["officer"]).action_cks_sign_head(self.serials["stranger"], self.pins["stranger"])
        self.assertFalse(self.signatures(batch))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)  # nothing printed or kept

    def test_a_declared_scan_or_copy_is_sealed_with_its_declaration(self):
        batch = self.letter()
        scan = batch._cks_printed()  # standing in for the scan of the signed paper letter
        self.seal(batch, declaration="scan_of_original", scan=base64.b64encode(scan))
        signature = self.signatures(batch)
        self.assertEqual((signature.role, signature.declaration), ("organization", "scan_of_original"))
        (report,) = pdf_validation.validate_pdf(batch.signed_file_id.raw, [self.ca.certificate])
        self.assertTrue(report.ok)
        with self.assertRaisesRegex(UserError, "already signed"):
            self.sign_head(batch)

    def test_through_the_signing_agent_the_same_rules_hold(self):
        """The head and the clerk sign on their own computers: the organisation's signature is
        refused without a declaration, then added after the head's, the declaration kept."""
        Service = self.env["cks.signing.service"]
        agent = signing_agent.SigningAgent(
            self.module, origin=Service._origin(), public_key=Service._agent_key().public_key(), out=lambda line: None
        )
        fingerprints = [
            cert["fingerprint"] for token in agent.certificates() for cert in token["certificates"]
        ]  # every token plugged in: Odoo picks the signer's own certificate

        def sign(batch, user, step, role, **args):
            prepared = batch.with_user(self.users[user]).action_cks_agent_prepare(step, fingerprints, **args)
            answer = agent.sign([{"request": prepared["request"], "data": prepared["data"]}], self.pins[role])
            request = self.env["cks.signing.request"].browse(prepared["request_id"]).with_user(self.users[user])
            return request.action_finish(answer["signatures"][0])

        batch = self.letter()
        with self.assertRaisesRegex(UserError, "say whether it carries their personal digital signature"):
            batch.with_user(self.users["custodian"]).action_cks_agent_prepare("action_cks_seal", fingerprints)
        with self.assertRaisesRegex(UserError, "carries no verified personal signature of the head"):
            sign(batch, "custodian", "action_cks_seal", "seal", declaration="personal_signature")
        sign(batch, "head", "action_cks_sign_head", "stranger")
        self.assertEqual(batch.signature_state, "head")
        sign(batch, "custodian", "action_cks_seal", "seal", declaration="personal_signature")
        self.assertEqual(batch.signature_state, "sealed")
        signatures = self.signatures(batch)
        self.assertEqual(signatures.mapped("where"), ["agent", "agent"])
        self.assertEqual(signatures[-1].declaration, "personal_signature")
        reports = pdf_validation.validate_pdf(batch.signed_file_id.raw, [self.ca.certificate])
        self.assertEqual([report.signer for report in reports], [self.users["head"].name, self.dept_a.name])
