"""Mẫu 14 signed through the signing agent (the agent's logic on the real SoftHSM2 tokens, called
directly as the page relays to it): Odoo prepares each signature and issues a request token, the
agent signs in one PIN session, Odoo embeds, verifies and keeps it, once. No PIN reaches Odoo;
a used, foreign, expired or wrong signature, a changed document, a token without the signer's
certificate: refused with a reason, nothing stored."""

import base64
import datetime as dt

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.cks_subscriber.lib import flow

from ..lib import agent_token, pdf_validation, signing_agent
from .signing_common import SigningCase


@tagged("post_install", "-at_install")
class TestAgentSigning(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Service = cls.env["cks.signing.service"]
        cls.agent = signing_agent.SigningAgent(
            cls.module,
            origin=Service._origin(),
            public_key=Service._agent_key().public_key(),
            rate=1000,
            out=lambda line: None,
        )

    def user(self, role):
        return self.users["custodian" if role == "giver" else "officer"]

    def fingerprints(self, role):
        """What the page learns from the agent's listing: the certificates on the role's token."""
        label = self.tokens[role][0]
        return [
            cert["fingerprint"]
            for token in self.agent.certificates()
            if token["label"] == label
            for cert in token["certificates"]
        ]

    def prepare(self, handover, role, token=None):
        return handover.with_user(self.user(role)).action_cks_agent_prepare(
            "action_cks_sign", self.fingerprints(token or role)
        )

    def agent_signs(self, prepared, role):
        answer = self.agent.sign(
            [{"request": item["request"], "data": item["data"]} for item in prepared], self.pins[role]
        )
        return answer["signatures"]

    def finish(self, prepared, signature, role):
        request = self.env["cks.signing.request"].browse(prepared["request_id"])
        return request.with_user(self.user(role)).action_finish(signature)

    def sign(self, handover, role):
        prepared = self.prepare(handover, role)
        (signature,) = self.agent_signs([prepared], role)
        self.finish(prepared, signature, role)
        return prepared

    def test_both_parties_sign_through_their_agents_and_the_handover_completes(self):
        # the page may list the agent's certificates with the token Odoo gives it, and only with it
        settings = self.env["cks.signing.service"].with_user(self.user("giver")).agent_settings()
        self.agent.check_listing(settings["request"])
        with self.assertRaises(signing_agent.AgentError):
            self.agent.check_listing(agent_token.issue_listing(agent_token.new_key(), origin=self.agent.origin))
        handover = self.submitted_handover()
        prepared = self.prepare(handover, "giver")
        self.assertEqual(set(prepared), {"request_id", "request", "data", "title", "number"})
        self.assertEqual((prepared["title"], prepared["number"]), ("Handover record (Form 14)", handover.name))
        claims = agent_token.verify(
            self.env["cks.signing.service"]._agent_key().public_key(), prepared["request"], origin=self.agent.origin
        )
        self.assertEqual(claims["certificate"], self.signers["giver"].fingerprint_sha256.replace(":", "").lower())
        self.assertEqual(handover.signature_state, "none")  # prepared, nothing signed yet
        (signature,) = self.agent_signs([prepared], "giver")
        self.finish(prepared, signature, "giver")
        self.assertEqual((handover.state, handover.signature_state), ("waiting", "giver"))
        self.sign(handover, "receiver")
        self.assertEqual((handover.state, handover.signature_state), ("done", "both"))
        reports = pdf_validation.validate_pdf(handover.signed_file_id.raw, [self.ca.certificate])
        self.assertEqual([r.signer for r in reports], [self.users["custodian"].name, self.users["officer"].name])
        self.assertTrue(all(report.ok for report in reports))
        signatures = handover.cks_signature_ids
        self.assertEqual(signatures.mapped("where"), ["agent", "agent"])
        self.assertEqual(signatures.mapped("token_serial"), [False, False])  # the agent's token is not the server's
        event = self.token_a.event_ids.sorted("sequence")[-1]
        self.assertEqual(event.document_ref, f"{handover.name} · SHA-256 {signatures[-1].file_sha256}")
        requests = self.env["cks.signing.request"].search(
            [("res_model", "=", "cks.handover"), ("res_id", "=", handover.id)]
        )
        self.assertEqual(requests.mapped("state"), ["signed", "signed"])
        self.assertEqual(requests.mapped("signature_id"), signatures.sorted("id", reverse=True))

    def test_a_signature_is_stored_once_by_its_signer_before_it_expires(self):
        handover = self.submitted_handover()
        prepared = self.prepare(handover, "giver")
        (signature,) = self.agent_signs([prepared], "giver")
        with self.assertRaisesRegex(UserError, "No signature of yours was prepared"):
            self.finish(prepared, signature, "receiver")
        with self.assertRaisesRegex(UserError, "No signature of yours was prepared"):  # none at all: the same
            self.finish({**prepared, "request_id": prepared["request_id"] + 10**6}, signature, "receiver")
        with self.assertRaisesRegex(UserError, "returned no signature"):
            self.finish(prepared, "not base64!", "giver")
        with self.assertRaisesRegex(UserError, "does not verify"):
            self.finish(prepared, base64.b64encode(bytes(256)).decode(), "giver")
        self.assertEqual(handover.signature_state, "none")
        self.finish(prepared, signature, "giver")
        with self.assertRaisesRegex(UserError, "already been stored"):
            self.finish(prepared, signature, "giver")
        # the receiver's signature, prepared, then expired before it came back
        prepared = self.prepare(handover, "receiver")
        (signature,) = self.agent_signs([prepared], "receiver")
        request = self.env["cks.signing.request"].browse(prepared["request_id"])
        with flow.opened("cks.signing.request"):
            request.write({"expires_at": fields.Datetime.now() - dt.timedelta(seconds=1)})
        with self.assertRaisesRegex(UserError, "has expired"):
            self.finish(prepared, signature, "receiver")
        self.assertEqual((handover.state, handover.signature_state), ("waiting", "giver"))

    def test_a_document_changed_since_it_was_prepared_is_not_signed(self):
        handover = self.submitted_handover()
        first = self.prepare(handover, "giver")
        second = self.prepare(handover, "giver")  # two dialogs open on the same record
        signatures = self.agent_signs([first, second], "giver")  # one PIN session, two documents
        self.finish(first, signatures[0], "giver")
        with self.assertRaisesRegex(UserError, "already signed"):
            self.finish(second, signatures[1], "giver")
        self.assertEqual(len(handover.cks_signature_ids), 1)

    def test_the_token_must_hold_a_certificate_of_the_signer_and_the_flow_decides_the_turn(self):
        handover = self.submitted_handover()
        with self.assertRaisesRegex(UserError, "hold none of the certificates registered for you"):
            self.prepare(handover, "giver", token="receiver")
        with self.assertRaisesRegex(UserError, "The giver signs the record first"):
            self.prepare(handover, "receiver")
        with self.assertRaisesRegex(UserError, "no such signing step"):
            handover.with_user(self.user("giver")).action_cks_agent_prepare("action_confirm_receipt", [])
        self.assertFalse(
            self.env["cks.signing.request"].search([("res_model", "=", "cks.handover"), ("res_id", "=", handover.id)])
        )

    def test_a_request_is_read_by_its_signer_and_written_by_no_client(self):
        handover = self.submitted_handover()
        prepared = self.prepare(handover, "giver")
        Request = self.env["cks.signing.request"]
        self.assertEqual(Request.with_user(self.user("giver")).search([]).ids, [prepared["request_id"]])
        self.assertFalse(Request.with_user(self.user("receiver")).search([]))
        request = Request.browse(prepared["request_id"]).with_user(self.user("giver"))
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            request.write({"state": "signed"})
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            request.sudo().write({"base_sha256": "0" * 64})

    def test_several_documents_in_one_pin_session(self):
        handovers = [self.submitted_handover()]
        for number in (2, 3):
            token = self.env["cks.token"].create({"serial": f"VT-900{number}"})
            token._transition("issue", body=self.dept_a, reason="Cấp cho Sở")
            token._transition(
                "assign", custodian=self.users["custodian"], reason="Giao văn thư", document_ref="2/BB-BG"
            )
            handovers.append(self.submitted_handover(line={"token_id": token.id}))
        prepared = [self.prepare(handover, "giver") for handover in handovers]
        signatures = self.agent_signs(prepared, "giver")
        for item, signature in zip(prepared, signatures, strict=True):
            self.finish(item, signature, "giver")
        self.assertEqual([h.signature_state for h in handovers], ["giver"] * 3)
