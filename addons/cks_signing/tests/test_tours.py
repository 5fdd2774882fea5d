"""Signing a handover record in the browser (headless Chromium): the dialog, a wrong PIN, the
right one, with the token on the server, then on the signer's computer through the signing
agent (SoftHSM2 both)."""

import threading
from unittest.mock import patch

from odoo.http import JsonRPCDispatcher
from odoo.tests import HttpCase, tagged

from ..lib import signing_agent
from ..models.cks_signing_service import PARAM_AGENT_URL
from .signing_common import SigningCase


@tagged("post_install", "-at_install")
class TestSigningTours(SigningCase, HttpCase):
    def test_the_giver_signs_in_the_dialog(self):
        handover = self.submitted_handover()
        # printed beforehand: while the test server prints, it answers no other browser request
        handover.sudo()._cks_printed()
        self.start_tour(f"/odoo/cks.handover/{handover.id}", "cks_signing_handover_tour", login="t_custodian")
        self.assertEqual(handover.signature_state, "giver")
        signature = self.env["cks.signature"].search([("res_model", "=", "cks.handover"), ("res_id", "=", handover.id)])
        self.assertEqual((signature.role, signature.user_id), ("giver", self.users["custodian"]))

    def start_agent(self):
        """The signing agent on loopback, on the tests' SoftHSM2 tokens; its console lines."""
        Service = self.env["cks.signing.service"]
        console = []
        agent = signing_agent.SigningAgent(
            self.module, origin=Service._origin(), public_key=Service._agent_key().public_key(), out=console.append
        )
        server = signing_agent.serve(agent, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.env["ir.config_parameter"].sudo().set_param(
            PARAM_AGENT_URL, f"http://127.0.0.1:{server.server_address[1]}"
        )
        return console

    def test_the_giver_signs_through_the_signing_agent(self):
        """Chromium, Odoo and the agent on loopback (SoftHSM2): the PIN reaches the agent only."""
        console = self.start_agent()
        handover = self.submitted_handover()
        handover.sudo()._cks_printed()
        received = []
        dispatch = JsonRPCDispatcher.dispatch

        def recording(dispatcher, endpoint, args):
            received.append(dispatcher.request.httprequest.get_data(as_text=True))  # the raw body
            return dispatch(dispatcher, endpoint, args)

        with patch.object(JsonRPCDispatcher, "dispatch", recording):
            self.start_tour(f"/odoo/cks.handover/{handover.id}", "cks_signing_agent_tour", login="t_custodian")
        self.assertEqual(handover.signature_state, "giver")
        signature = handover.cks_signature_ids
        self.assertEqual((signature.role, signature.where), ("giver", "agent"))
        self.assertIn(f"  - Handover record (Form 14) ({handover.name})", console)  # shown by the agent
        self.assertTrue(any("action_cks_agent_prepare" in body for body in received))
        self.assertTrue(any("action_finish" in body for body in received))
        self.assertFalse([body for body in received if "123456" in body or "000000" in body])  # no PIN

    def test_the_giver_signs_several_records_at_once_through_the_agent(self):
        console = self.start_agent()
        handovers = self.submitted_handover()
        token = self.env["cks.token"].create({"serial": "VT-9101"})
        token._transition("issue", body=self.dept_a, reason="Cấp cho Sở")
        token._transition("assign", custodian=self.users["custodian"], reason="Giao văn thư", document_ref="3/BB-BG")
        handovers |= self.submitted_handover(line={"token_id": token.id})
        for handover in handovers:
            handover.sudo()._cks_printed()
        self.start_tour(
            "/odoo/action-cks_token_asset.cks_handover_action", "cks_signing_agent_batch_tour", login="t_custodian"
        )
        self.assertEqual(handovers.mapped("signature_state"), ["giver", "giver"])
        self.assertEqual(set(handovers.cks_signature_ids.mapped("where")), {"agent"})
        self.assertEqual(console.count("CKS signing agent: 2 document(s) signed."), 1)  # one PIN session
