from odoo import api, models

from ..lib.form_data import LEGAL_WORDS
from .cks_form_reports import in_vietnamese


class ReportPeriodic(models.AbstractModel):
    """The periodic report as a PDF, always in Vietnamese (report/cks_periodic_report_templates.xml)."""

    _name = "report.cks_report.report_periodic"
    _description = "Periodic Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = in_vietnamese(self.env["cks.periodic.report"].browse(docids))
        return {"docs": docs, "contexts": {doc.id: doc._pdf_context() for doc in docs}, "legal_words": LEGAL_WORDS}
