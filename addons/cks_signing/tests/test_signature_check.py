"""Checking a signed PDF one received: a report line per signature, kept with the file; a file
that is not a signed PDF is refused and nothing changes; the result is the server's alone."""

import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from .signing_common import SigningCase


@tagged("post_install", "-at_install")
class TestSignatureCheck(SigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        handover = cls.submitted_handover()
        handover.with_user(cls.users["custodian"]).action_cks_sign(cls.serials["giver"], cls.pins["giver"])
        handover.with_user(cls.users["officer"]).action_cks_sign(cls.serials["receiver"], cls.pins["receiver"])
        cls.signed = handover.signed_file_id.raw

    def check(self, data, user="subscriber"):
        return (
            self.env["cks.signature.check"]
            .with_user(self.users[user])
            .create({"name": "Biên bản nhận được", "file": base64.b64encode(data), "file_name": "bb.pdf"})
        )

    def test_a_signed_pdf_gets_a_line_per_signature(self):
        check = self.check(self.signed)
        check.action_check()
        self.assertEqual((check.state, check.checked_by_id, check.all_ok), ("checked", self.users["subscriber"], True))
        self.assertEqual(check.line_ids.mapped("signer"), [self.users["custodian"].name, self.users["officer"].name])
        for line in check.line_ids:
            self.assertEqual((line.intact, line.valid, line.trusted, line.ok), (True, True, True, True))
            self.assertEqual(line.revocation, "unknown")  # offline: said plainly
        self.assertEqual(check.line_ids.mapped("modification"), ["form_filling", "none"])
        with self.assertRaisesRegex(UserError, "kept as it was checked"):
            check.write({"file": base64.b64encode(b"%PDF-1.7 other")})

    def test_tampered_unsigned_damaged_and_not_a_pdf(self):
        # one letter of the first revision changed (its producer's name, inside what both signed)
        at = self.signed.index(b"wkhtmltopdf")
        check = self.check(self.signed[:at] + b"W" + self.signed[at + 1 :])
        check.action_check()
        self.assertFalse(check.all_ok)
        self.assertFalse(check.line_ids[0].intact or check.line_ids[0].ok)
        unsigned = self.env["cks.handover"].search([], limit=1)._cks_printed()
        damaged = bytearray(self.signed)
        damaged[self.signed.index(b"/MediaBox") + 12] ^= 0x01  # the structure of the file broken
        cases = (
            (b"GIF89a not a pdf", "not a PDF that can be read"),
            (unsigned, "carries no signature"),
            (bytes(damaged), "damaged"),
        )
        for data, message in cases:
            bad = self.check(data)
            with self.assertRaisesRegex(UserError, message):
                bad.action_check()
            self.assertEqual((bad.state, bad.line_ids.ids, bad.checked_at), ("draft", [], False))

    def test_the_result_is_the_servers_and_checks_are_private(self):
        check = self.check(self.signed)
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            check.write({"all_ok": True, "state": "checked"})
        with self.assertRaises(UserError):
            self.env["cks.signature.check.line"].with_user(self.users["subscriber"]).create(
                {"check_id": check.id, "signer": "Giả mạo", "ok": True}
            )
        check.action_check()
        Check = self.env["cks.signature.check"]
        self.assertFalse(Check.with_user(self.users["officer"]).search([("id", "=", check.id)]))
        self.assertEqual(Check.with_user(self.users["auditor"]).search([("id", "=", check.id)]), check)
