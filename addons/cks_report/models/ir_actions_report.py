import lxml.html

from odoo import models

from odoo.addons.base.models.ir_actions_report import _wkhtml


def join_documents(bodies):
    """The HTML documents of several records as one, each record starting a new page."""
    document = lxml.html.document_fromstring(bodies[0])
    for body in bodies[1:]:
        document.body.append(lxml.html.fragment_fromstring('<div style="page-break-before: always;"></div>'))
        document.body.extend(lxml.html.document_fromstring(body).body)
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        """Several forms printed at once, with Debian's wkhtmltopdf: Odoo gives wkhtmltopdf one
        HTML document per record, which a wkhtmltopdf built on an unpatched Qt refuses ("Tried to
        convert multiple documents in wkhtmltopdf using unpatched QT"). The documents of this
        addon's forms are joined into one instead: one run for the whole batch. A form of one page
        each (the request forms): Odoo splits the PDF page by page into each record's attachment;
        else the PDF is printed whole, without the attachments."""
        report = self._get_report(report_ref) if report_ref else self
        if len(bodies) > 1 and not _wkhtml().is_patched_qt and (report.report_name or "").startswith("cks_report."):
            bodies = [join_documents(bodies)]
        return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
