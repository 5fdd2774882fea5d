from odoo import api, models

from ..lib.form_data import LEGAL_WORDS


def in_vietnamese(records):
    """A form is a Vietnamese legal document: its labels in Vietnamese, whoever prints it."""
    if records.env["res.lang"]._lang_get("vi_VN"):
        return records.with_context(lang="vi_VN")
    return records


class ReportForm14(models.AbstractModel):
    _name = "report.cks_report.report_form_14"
    _description = "Form 14: Handover Record"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = in_vietnamese(self.env["cks.handover"].browse(docids))
        return {"docs": docs, "forms": {doc.id: doc._cks_form_14() for doc in docs}, "words": LEGAL_WORDS}


class ReportForm15(models.AbstractModel):
    _name = "report.cks_report.report_form_15"
    _description = "Form 15: Lost Device Record"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = in_vietnamese(self.env["cks.loss.report"].browse(docids))
        return {"docs": docs, "forms": {doc.id: doc._cks_form_15() for doc in docs}, "words": LEGAL_WORDS}


class ReportRequestForm(models.AbstractModel):
    _name = "report.cks_report.report_request_form"
    _description = "Request Forms (01, 03, 05, 07, 09, 11) and Hand-Back Record (13)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = in_vietnamese(self.env["cks.request"].browse(docids))
        return {"docs": docs, "forms": {doc.id: doc._cks_form() for doc in docs}, "words": LEGAL_WORDS}


class ReportBatchLetter(models.AbstractModel):
    _name = "report.cks_report.report_batch_letter"
    _description = "Letters to the CA (Forms 02, 04, 06, 08, 10, 12)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = in_vietnamese(self.env["cks.request.batch"].browse(docids))
        return {"docs": docs, "forms": {doc.id: doc._cks_form() for doc in docs}, "words": LEGAL_WORDS}
