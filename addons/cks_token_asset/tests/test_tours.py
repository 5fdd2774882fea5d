"""One browser tour per role over the demo province (headless Chromium, in Vietnamese).

Each tour walks the daily work of one demo user and checks what they must and must not see;
what the tour changed is then checked here on the records. Needs the demo data.
"""

import base64
import datetime as dt

from odoo.tests import HttpCase, tagged

from odoo.addons.cks_subscriber.lib import cert_factory
from odoo.addons.cks_subscriber.tests.cks_common import DemoMixin

SERIAL = "54010101%s"


@tagged("post_install", "-at_install")
class TestTours(DemoMixin, HttpCase):
    def _token(self, suffix):
        return self.env["cks.token"].with_context(active_test=False).search([("serial", "=", SERIAL % suffix)])

    def test_custodian_confirms_the_waiting_handover(self):
        """vanthu opens the record thangvv gave her and confirms it: the device is hers."""
        vanthu = self._user("vanthu")
        token = self._token("000023A6")
        handover = self.env["cks.handover"].search([("state", "=", "waiting"), ("receiver_id", "=", vanthu.id)])
        self.assertEqual(handover.line_ids.token_id, token)
        self.assertNotEqual(token.custodian_id, vanthu)
        self.start_tour("/odoo", "cks_custodian_tour", login="vanthu")
        self.assertEqual(handover.state, "done")
        self.assertEqual(token.custodian_id, vanthu)
        self.assertEqual(token.event_ids.sorted("sequence")[-1].actor_id, vanthu)
        self.assertFalse(handover.activity_ids)

    def test_auditor_verifies_the_chain_and_reads_a_history(self):
        """thanhtra runs a verification from the list of verifications and opens a device's history."""
        Verification = self.env["cks.custody.verification"]
        before = Verification.search([])
        self.start_tour("/odoo", "cks_auditor_tour", login="thanhtra")
        new = Verification.search([]) - before
        self.assertEqual(len(new), 1)
        self.assertEqual(new.create_uid, self._user("thanhtra"))
        self.assertTrue(new.intact)

    def test_officer_registers_a_subscriber_and_uploads_a_certificate(self):
        """canbo registers a subscriber of the Sở and uploads her certificate file."""
        canbo = self._user("canbo")
        now = dt.datetime.now(dt.UTC)
        pki = cert_factory.make_pki()
        cert = pki.issue(
            cert_factory.person_name("Đinh Thị Mai Phương"),
            serial=0x540300A1700000000042,
            not_before=now - dt.timedelta(days=1),
            not_after=now + dt.timedelta(days=2 * 365),
        )
        # the file the officer picks in the browser, left to him (the tour reads it as his own attachment)
        self.env["ir.attachment"].with_user(canbo).create(
            {
                "name": "cks_officer_tour_certificate.pem",
                "datas": base64.b64encode(cert.public_bytes(cert_factory.PEM)),
            }
        )
        self.start_tour("/odoo", "cks_officer_tour", login="canbo")
        subscriber = self.env["cks.subscriber"].search([("cccd", "=", "042195004321")])
        self.assertEqual(subscriber.name, "Đinh Thị Mai Phương")
        self.assertEqual(subscriber.body_id, canbo.cks_body_id)
        self.assertEqual(len(subscriber.certificate_ids), 1)
        certificate = subscriber.certificate_ids
        self.assertEqual(
            (certificate.serial, certificate.state, certificate.subject_cn),
            ("540300A1700000000042", "valid", "Đinh Thị Mai Phương"),
        )
        self.assertTrue(certificate.file)

    def test_subscriber_sees_only_his_own(self):
        """thuebao sees his certificate, his lost device and its record, and nothing of others."""
        others = self.env["cks.certificate"].search([("subscriber_id.user_id", "!=", self._user("thuebao").id)])
        self.assertTrue(others, "the demo has certificates of others, which he must not see")
        self.start_tour("/odoo", "cks_subscriber_tour", login="thuebao")
