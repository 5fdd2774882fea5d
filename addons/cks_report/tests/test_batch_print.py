from odoo.tests import HttpCase, tagged

from .printed_text import pdf_pages
from .test_request_forms import FormCase


@tagged("post_install", "-at_install")
class TestBatchPrint(FormCase, HttpCase):
    def test_several_forms_print_as_one_pdf_each_kept_on_its_request(self):
        """Several request forms at once: one PDF, one page each, and each print kept on its own
        request (Debian's wkhtmltopdf takes one document: models/ir_actions_report.py joins them)."""
        first = self.draft(grounds="retirement")
        second = self.draft(subscriber_id=self.sub_unit.id, certificate_id=self.cert_unit.id, grounds="leaving")
        requests = first | second
        requests.action_submit()
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("cks_report.action_report_request_form", requests.ids)
        )
        pages = pdf_pages(pdf)
        self.assertEqual(len(pages), 2)
        self.assertIn(first.name, pages[0])
        self.assertIn(second.name, pages[1])
        for request in requests:
            attachment = self.env["ir.attachment"].search(
                [("res_model", "=", "cks.request"), ("res_id", "=", request.id)]
            )
            self.assertEqual(len(attachment), 1)
            self.assertIn(request.name, " ".join(pdf_pages(attachment.raw)))
