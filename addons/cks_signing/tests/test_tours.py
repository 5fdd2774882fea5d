"""Signing a handover record in the browser (headless Chromium): the dialog, a wrong PIN, the
right one, with the token on the server (SoftHSM2)."""

from odoo.tests import HttpCase, tagged

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
