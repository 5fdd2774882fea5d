"""The register of printed forms (cks.print.reference): each reference a print carries is recorded
once, when it is printed, and kept as printed; the public check reads it."""

import datetime as dt

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.cks_token_asset.tests.token_common import TokenCase

from ..lib import form_data
from ..models.cks_form_reports import in_vietnamese

READERS = ("admin", "auditor")


@tagged("post_install", "-at_install")
class TestPrintReference(TokenCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ledger = cls.env["cks.print.reference"]
        cls.handover = cls.submitted_handover()

    def print_form(self, records, user="custodian"):
        """Print form 14 of ``records`` as ``user``; the references the prints carry."""
        report = self.env["ir.actions.report"].with_user(self.users[user])
        report._render_qweb_html("cks_report.action_report_form_14", records.ids)
        return [self.form(record)["reference"] for record in records]

    @staticmethod
    def form(record):
        """The form of ``record`` as printed (in Vietnamese when the database has it)."""
        return in_vietnamese(record)._cks_form()

    def entries(self, record):
        return self.Ledger.search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def test_a_print_records_its_reference(self):
        before = fields.Datetime.now().replace(microsecond=0)
        (reference,) = self.print_form(self.handover)
        entry = self.entries(self.handover)
        self.assertEqual(len(entry), 1)
        parts = form_data.parse_reference(reference)
        head = self.env.ref("cks_token_asset.custody_head_main")
        self.assertRecordValues(
            entry,
            [
                {
                    "reference": reference,
                    "res_model": "cks.handover",
                    "res_id": self.handover.id,
                    "digest": parts["digest"],
                    "anchor": f"{head.event_count}:{head.last_hash}",
                    "form_code": "14",
                    "form_title": self.env.ref("cks_report.form_tt185_14").name,
                    "printed_by_id": self.users["custodian"].id,
                }
            ],
        )
        self.assertGreaterEqual(entry.printed_at, before)
        self.assertLessEqual(entry.printed_at, fields.Datetime.now())
        # the auditor sees which document it is; the QR code leads to the check page
        self.assertEqual(entry.with_user(self.users["auditor"]).document_name, self.handover.display_name)
        self.assertEqual(
            entry.check_url,
            form_data.verify_url(self.env["ir.config_parameter"].get_param("web.base.url"), reference),
        )

    def test_the_qr_code_carries_the_address_of_the_check_page(self):
        form = self.handover._cks_form()
        base_url = self.env["ir.config_parameter"].get_param("web.base.url")
        url = form_data.verify_url(base_url, form["reference"])
        self.assertTrue(url.startswith(f"{base_url.rstrip('/')}/cks/verify?ref=CKS1%7Ccks.handover%7C"))
        self.assertEqual(form["qr"], form_data.qr_png_base64(url))

    def test_a_reprint_of_the_same_content_is_not_recorded_again(self):
        self.print_form(self.handover)
        first = self.entries(self.handover)
        self.print_form(self.handover, user="officer")
        self.form(self.handover)
        self.assertEqual(self.entries(self.handover), first, "the first print is kept, once")
        self.assertEqual(first.printed_by_id, self.users["custodian"])
        # other content, another reference
        handover = self.draft_handover(remarks="Kèm phong bì mã PIN")
        self.print_form(handover)
        handover.with_user(self.users["custodian"]).write({"remarks": "Không kèm phụ kiện"})
        self.print_form(handover)
        self.assertEqual(len(self.entries(handover)), 2)
        self.assertEqual(len(set(self.entries(handover).mapped("digest"))), 2)

    def test_several_forms_printed_at_once_are_each_recorded(self):
        handovers = (
            self.handover | self.draft_handover(remarks="Bản thứ hai") | self.draft_handover(remarks="Bản thứ ba")
        )
        references = self.print_form(handovers)
        self.assertEqual(
            sorted(self.Ledger.search([("reference", "in", references)]).mapped("reference")), sorted(references)
        )

    def test_kept_as_printed_whoever_asks(self):
        self.print_form(self.handover)
        entry = self.entries(self.handover)
        values = {"reference": "CKS1|cks.handover|1|" + "0" * 64 + "|-", "res_model": "cks.handover", "res_id": 1}
        values.update(digest="0" * 64, form_code="14", printed_at=fields.Datetime.now())
        for role, user in self.users.items():
            Ledger = self.Ledger.with_user(user)
            with self.subTest(role=role):
                if role in READERS:
                    self.assertEqual(Ledger.search([("id", "=", entry.id)]).digest, entry.digest)
                else:
                    with self.assertRaises(AccessError):
                        Ledger.search([("id", "=", entry.id)]).read(["digest"])
                with self.assertRaises(UserError):  # an AccessError is one
                    Ledger.create(values)
                with self.assertRaises(UserError):  # an AccessError is one
                    entry.with_user(user).write({"digest": "0" * 64})
                with self.assertRaises(UserError):  # an AccessError is one
                    entry.with_user(user).unlink()
        # nor the server's own code, with every right
        with self.assertRaises(UserError):
            self.Ledger.sudo().create(values)
        with self.assertRaises(UserError):
            entry.sudo().write({"digest": "0" * 64, "printed_at": fields.Datetime.now() - dt.timedelta(days=1)})
        with self.assertRaises(UserError):
            entry.sudo().unlink()
        self.assertEqual(self.entries(self.handover), entry)
        self.assertEqual(entry.digest, form_data.parse_reference(entry.reference)["digest"])

    # ------------------------------------------------------------------ what the check page is told
    def check(self, text):
        return self.Ledger.with_user(self.env.ref("base.public_user"))._public_check(text)

    def test_the_check_of_a_printed_reference(self):
        handover = self.draft_handover(remarks="Kèm phong bì mã PIN")
        (reference,) = self.print_form(handover)
        result = self.check(reference)
        self.assertEqual(result["state"], "issued")
        self.assertEqual((result["form_code"], result["form_title"]), ("14", "Biên bản bàn giao"))
        self.assertEqual(result["printed_on"], (self.entries(handover).printed_at + dt.timedelta(hours=7)).date())
        self.assertTrue(result["anchor"]["in_chain"])
        self.assertEqual(result["current"], "same")
        # the address the QR code carries reads the same
        base_url = self.env["ir.config_parameter"].get_param("web.base.url")
        self.assertEqual(self.check(form_data.verify_url(base_url, reference)), result)
        # the record changed since
        handover.with_user(self.users["custodian"]).write({"remarks": "Không kèm phụ kiện"})
        self.assertEqual(self.check(reference)["current"], "changed")
        # nothing was recorded by checking
        self.assertEqual(len(self.entries(handover)), 1)

    def test_the_check_of_what_was_not_printed_here(self):
        (reference,) = self.print_form(self.handover)
        parts = form_data.parse_reference(reference)
        forged = reference.replace(parts["digest"], "f" * 64)
        anchor_forged = reference[:-1] + ("0" if reference[-1] != "0" else "1")
        for text in (forged, anchor_forged, "CKS1|cks.handover|99999999999999999|" + "a" * 64 + "|-"):
            self.assertEqual(self.check(text), {"state": "unknown"})
        for text in ("hello", "CKS1|x|y|z|w", reference.upper(), reference + "|", "<b>CKS1</b>", "CKS1|a\x00|1|-"):
            self.assertEqual(self.check(text), {"state": "malformed"}, text)
        self.assertEqual(self.check("   "), {"state": "empty"})
        self.assertEqual(self.check("CKS1|" * 1000), {"state": "too_long"})

    def test_an_anchor_the_chain_does_not_hold_is_said(self):
        handover = self.draft_handover()
        form = self.form(handover)
        head = self.env.ref("cks_token_asset.custody_head_main")
        for anchor in (f"{head.event_count}:{'0' * 64}", f"{head.event_count + 1000}:{head.last_hash}"):
            reference = form_data.reference("cks.handover", handover.id, form["digest"], anchor)
            self.Ledger._record(handover, "14", "Biên bản bàn giao", {"reference": reference})
            result = self.check(reference)
            self.assertEqual(result["state"], "issued")
            self.assertFalse(result["anchor"]["in_chain"])
            self.assertEqual(result["current"], "same", "the content is that of the print")

    def test_a_form_that_cannot_be_rebuilt_is_said_so(self):
        handover = self.draft_handover()
        (reference,) = self.print_form(handover)
        # the form needs its devices: without them it no longer prints
        handover.with_user(self.users["custodian"]).write({"line_ids": [Command.clear()]})
        result = self.check(reference)
        self.assertEqual((result["state"], result["current"]), ("issued", None))
