import lxml.html

from odoo import models

from odoo.addons.base.models.ir_actions_report import _wkhtml

# What a page of Odoo's report layout asks the server for: the report asset bundles (Bootstrap,
# the report stylesheet, the page-number script of the header and footer).
SERVER_ASSETS = "//link[@rel='stylesheet'] | //script[@src]"


def join_documents(bodies):
    """The HTML documents of several records as one, each record starting a new page."""
    document = lxml.html.document_fromstring(bodies[0])
    for body in bodies[1:]:
        document.body.append(lxml.html.fragment_fromstring('<div style="page-break-before: always;"></div>'))
        document.body.extend(lxml.html.document_fromstring(body).body)
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def self_contained(body):
    """The HTML document without what it would fetch from the server. The forms carry their whole
    style inline, so they print the same without it, and wkhtmltopdf never waits on the server:
    no HTTP round trip per print, and printing works where no server answers (the install of the
    demo, a cron job, a test transaction that holds the registry)."""
    document = lxml.html.document_fromstring(body)
    for node in document.xpath(SERVER_ASSETS):
        node.drop_tree()
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _cks_is_form(self):
        """Whether this is one of this addon's printed forms (self-contained, without script)."""
        return len(self) == 1 and (self.report_name or "").startswith("cks_report.")

    def _build_wkhtmltopdf_args(
        self, paperformat_id, landscape, specific_paperformat_args=None, set_viewport_size=False
    ):
        """A form has no script to wait for: no JavaScript, and so none of Odoo's delay for it
        (``report.print_delay``, 1 s by default, most of the time of a one-page print)."""
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if self._cks_is_form() and "--javascript-delay" in args:
            at = args.index("--javascript-delay")
            args[at : at + 2] = ["--disable-javascript"]
        return args

    def _run_wkhtmltopdf(self, bodies, report_ref=False, header=None, footer=None, **kwargs):
        """This addon's forms, printed self-contained (see ``self_contained``), without Odoo's
        header and footer (they have none: the layout of Nghị định 30/2020 is in the body).

        Several forms printed at once, with Debian's wkhtmltopdf: Odoo gives wkhtmltopdf one
        HTML document per record, which a wkhtmltopdf built on an unpatched Qt refuses ("Tried to
        convert multiple documents in wkhtmltopdf using unpatched QT"). The documents of this
        addon's forms are joined into one instead: one run for the whole batch. A form of one page
        each (the request forms): Odoo splits the PDF page by page into each record's attachment;
        else the PDF is printed whole, without the attachments."""
        report = (self._get_report(report_ref) if report_ref else self).with_env(self.env)
        if not report._cks_is_form():
            return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, header=header, footer=footer, **kwargs)
        if len(bodies) > 1 and not _wkhtml().is_patched_qt:
            bodies = [join_documents(bodies)]
        bodies = [self_contained(body) for body in bodies]
        # run on the report itself, so that its arguments are the form's (_build_wkhtmltopdf_args)
        return super(IrActionsReport, report)._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
