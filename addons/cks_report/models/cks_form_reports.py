from odoo import api, models

from ..lib.form_data import LEGAL_WORDS


def in_vietnamese(records):
    """A form is a Vietnamese legal document: its labels in Vietnamese, whoever prints it."""
    if records.env["res.lang"]._lang_get("vi_VN"):
        return records.with_context(lang="vi_VN")
    return records


def form_report_values(env, model, docids):
    """What every form's QWeb template gets: the records, in Vietnamese, and each one's form."""
    docs = in_vietnamese(env[model].browse(docids))
    return {"docs": docs, "forms": {doc.id: doc._cks_form() for doc in docs}, "words": LEGAL_WORDS}


class ReportForm14(models.AbstractModel):
    _name = "report.cks_report.report_form_14"
    _description = "Form 14: Handover Record"

    @api.model
    def _get_report_values(self, docids, data=None):
        return form_report_values(self.env, "cks.handover", docids)


class ReportForm15(models.AbstractModel):
    _name = "report.cks_report.report_form_15"
    _description = "Form 15: Lost Device Record"

    @api.model
    def _get_report_values(self, docids, data=None):
        return form_report_values(self.env, "cks.loss.report", docids)


class ReportRequestForm(models.AbstractModel):
    _name = "report.cks_report.report_request_form"
    _description = "Request Forms (01, 03, 05, 07, 09, 11) and Hand-Back Record (13)"

    @api.model
    def _get_report_values(self, docids, data=None):
        return form_report_values(self.env, "cks.request", docids)


class ReportBatchLetter(models.AbstractModel):
    _name = "report.cks_report.report_batch_letter"
    _description = "Letters to the CA (Forms 02, 04, 06, 08, 10, 12)"

    @api.model
    def _get_report_values(self, docids, data=None):
        return form_report_values(self.env, "cks.request.batch", docids)
