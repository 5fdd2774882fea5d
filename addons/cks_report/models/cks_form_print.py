import contextlib
import contextvars
import logging

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError

from ..lib import form_data
from .cks_form_reports import in_vietnamese

_logger = logging.getLogger(__name__)

# Set while the check page recomputes a printed record's content: that build is not a print, and
# is not recorded. A variable of the running thread, which no client can set.
_RECOMPUTING = contextvars.ContextVar("cks_form_recomputing", default=False)


class CksFormPrint(models.AbstractModel):
    """What every printed form shares (Nghị định 30/2020/NĐ-CP, Phụ lục I): the issuing body and
    its parent, number, place and date, title and summary, the template's fixed sentences, the
    signers and the distribution; "MẬT" on records that carry it; a QR code with the address of the
    public check page of the print's reference (the record, the SHA-256 of what the form says and
    the custody chain's anchor), each reference recorded in ``cks.print.reference``."""

    _name = "cks.form.print"
    _description = "Printed Form"
    # the method giving the form of a record, per model, for the check page to recompute its
    # content; the registers are printed from a short-lived wizard, and cannot be
    _recomputable = {
        "cks.handover": "_cks_form",
        "cks.loss.report": "_cks_form",
        "cks.request": "_cks_form",
        "cks.request.batch": "_cks_form",
        "cks.periodic.report": "_report_data",
    }

    @api.model
    def _require(self, record, names):
        """Refuse to print, naming the fields, when the record lacks what the form needs."""
        self._refuse_missing(
            record, [record._fields[name]._description_string(self.env) for name in names if not record[name]]
        )

    @api.model
    def _refuse_missing(self, record, missing):
        """Refuse to print ``record``, naming the labels of what its form lacks (none: nothing)."""
        if missing:
            raise UserError(
                self.env._(
                    "%(record)s cannot be printed: the form needs %(fields)s.",
                    record=record.display_name,
                    fields=", ".join(missing),
                )
            )

    @api.model
    def _person(self, user):
        """Name, position and body of a person as the form prints them (from their subscriber record)."""
        user = user.sudo()  # sudo: the printed names of the parties of a record the reader may see
        subscriber = self.env["cks.subscriber"].sudo().search([("user_id", "=", user.id)], limit=1)
        return {
            "name": user.name or "",
            "position": subscriber.position or "",
            "body": (user.cks_body_id or subscriber.body_id).name or "",
        }

    @api.model
    def _anchor(self):
        head = self.env.ref("cks_token_asset.custody_head_main").sudo()  # sudo: the anchor, printed anyway
        return f"{head.event_count}:{head.last_hash}" if head.last_hash else None

    @api.model
    def _build(self, record, code, body, number, day, *, place="", classified=True, values=None, **content):
        """The form's content (a dict the QWeb layout prints) with its reference and QR code."""
        template = self.env["cks.form.template"]._for(code)
        values = {"date": form_data.admin_date(day), "place": place, "body": body.name or "", **(values or {})}
        province = self.env["cks.province.profile"]._get_current()
        form = {
            "code": code,
            "classified": classified,
            "issuer_parent": (body.parent_id.name or province.name or "").upper(),
            "issuer": (body.name or "").upper(),
            "number": number,
            "place_date": form_data.place_and_date(province.name or place, day),
            "title": template.name.upper(),
            "summary": form_data.fill(template.summary or "", values),
            "recipient": form_data.fill(template.recipient or "", values),
            "opening": [form_data.fill(line, values) for line in form_data.paragraphs(template.opening)],
            "closing": [form_data.fill(line, values) for line in form_data.paragraphs(template.closing)],
            "distribution": form_data.paragraphs(template.distribution),
            "legal_reference": template.legal_reference or "",
            "parties": [],
            "facts": [],
            "table": None,
            "signers": [],
            **content,
        }
        if form["table"]:
            table = form["table"]
            table["pages"] = form_data.pages(table["rows"])
            widths = table.get("widths") or [None] * len(table["headers"])
            table["header_styles"] = [
                "border: 1px solid #000; padding: 3px; text-align: center;" + (f" width: {width}%;" if width else "")
                for width in widths
            ]
        anchor = self._anchor()
        form["digest"] = form_data.digest(form)
        form["anchor"] = anchor
        form["reference"] = form_data.reference(record._name, record.id, form["digest"], anchor)
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")  # sudo: a setting
        form["qr"] = form_data.qr_png_base64(
            form_data.verify_url(base_url, form["reference"]) if base_url else form["reference"]
        )
        if not _RECOMPUTING.get():
            self.env["cks.print.reference"]._record(record, code, template.name, form)
        return form

    @api.model
    def _current_digest(self, model, res_id, printer):
        """The digest of the form of record ``res_id`` of ``model`` as it would print now, built by
        the code that printed it, as ``printer`` (the user who printed it) with every right; None
        when it cannot be recomputed (a register, a record gone, a form that no longer builds)."""
        method = self._recomputable.get(model)
        if not method or model not in self.env:
            return None
        context = {"lang": printer.lang or "en_US", "tz": printer.tz or "Asia/Ho_Chi_Minh"}
        env = self.env(user=printer.id or SUPERUSER_ID, su=True, context=context)
        record = env[model].browse(res_id).exists()
        if not record:
            return None
        token = _RECOMPUTING.set(True)
        try:
            # whatever the build might write is undone, and a failure leaves the transaction usable
            with contextlib.closing(self.env.cr.savepoint()):
                return getattr(in_vietnamese(record), method)()["digest"]
        except Exception as error:  # any failure means "cannot be recomputed", said as such
            _logger.info("the form of %s,%s cannot be recomputed: %s", model, res_id, error)
            return None
        finally:
            _RECOMPUTING.reset(token)

    @api.model
    def _local_date(self, moment):
        """The province's date of a UTC time (the calendar day printed on the form)."""
        return fields.Datetime.context_timestamp(self.with_context(tz="Asia/Ho_Chi_Minh"), moment).date()
