import base64
import datetime as dt
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.fields import Domain

from ..lib import form_data
from ..lib import register_xlsx as rx
from ..lib.form_data import LEGAL_WORDS
from ..models.cks_form_reports import in_vietnamese

KINDS = [("devices", "Register of Key-Storage Devices"), ("subscribers", "List of Subscribers")]
OUTPUTS = [("xlsx", "Spreadsheet (XLSX)"), ("pdf", "PDF")]
FORM_CODE = {"devices": "register_devices", "subscribers": "register_subscribers"}
PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# rows of the register's table on the first printed page and on each later one (A4 landscape,
# 10 pt, rows of up to two lines): Debian's wkhtmltopdf does not repeat a table's header on a new
# page, so the table is cut into one table per page, each with its header
ROWS_FIRST_PAGE = 12
ROWS_PER_PAGE = 20


class CksRegisterExport(models.TransientModel):
    """The device register (sổ quản lý thiết bị lưu khóa bí mật, kept as a "Mật" document, QĐ 19/2020
    Hà Tĩnh Điều 2.3) or the subscriber list of a body and the bodies below it, as XLSX or PDF.

    What "the date" means:
    - devices: the register as it stood at the end of that day (province time): each device whose
      first custody event happened by then, with the holder body, custodian, location and state
      of its last custody event up to that day (the custody chain is the register's history);
      the body filter applies to the body that held the device then. The certificates column
      lists the device's certificates as they are now (their link has no history).
    - subscribers: the subscribers registered (created) by the end of that day, as they are now
      (position, status, certificates valid now): the subscriber record keeps no history.

    The data is read with the user's own rights: an officer exports his body's subtree only."""

    _name = "cks.register.export"
    _description = "Export a Register"

    kind = fields.Selection(KINDS, "Register", required=True, default="devices")
    body_id = fields.Many2one(
        "cks.body",
        "Managing Body",
        help="This body and the bodies below it. Empty: every body you may see.",
    )
    date = fields.Date(
        "As of",
        required=True,
        default=lambda self: self._default_date(),
        help="Devices: the register as it stood at the end of this day. Subscribers: those registered by then.",
    )
    output = fields.Selection(OUTPUTS, "Format", required=True, default="xlsx")

    @api.model
    def _default_date(self):
        return dt.datetime.now(PROVINCE_TZ).date()

    def unlink(self):
        # the files made for the export go with it (they hold a "Mật" register)
        self.env["ir.attachment"].sudo().search(  # sudo: the wizard's own files, whoever vacuums it
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        return super().unlink()

    # ----------------------------------------------------------------- data
    def _cutoff(self):
        """The first instant after the chosen day in the province, as naive UTC."""
        start = dt.datetime.combine(self.date + dt.timedelta(days=1), dt.time(), PROVINCE_TZ)
        return start.astimezone(dt.UTC).replace(tzinfo=None)

    def _body_domain(self, field_name):
        return Domain(field_name, "child_of", self.body_id.id) if self.body_id else Domain.TRUE

    def _labels(self, model, field_name):
        return dict(self.env[model]._fields[field_name]._description_selection(self.env))

    def _device_events(self):
        """The last custody event of each device up to the chosen day, in the body chosen."""
        Event = self.env["cks.custody.event"]
        cutoff = self._cutoff()
        last = Event._read_group([("occurred_at", "<", cutoff)], ["token_id"], ["global_sequence:max"])
        sequences = [sequence for _token, sequence in last]
        if not sequences:
            return Event
        domain = Domain("global_sequence", "in", sequences) & self._body_domain("body_id")
        return Event.search(domain).sorted(lambda event: (event.token_serial or "", event.id))

    def _device_table(self):
        events = self._device_events()
        types = self._labels("cks.token", "token_type")
        states = self._labels("cks.token", "state")
        Print = self.env["cks.form.print"]
        rows = []
        for index, event in enumerate(events, 1):
            token = event.token_id.with_context(active_test=False)
            rows.append(
                [
                    index,
                    event.token_serial,
                    types.get(token.token_type, ""),
                    token.make_model or "",
                    event.body_id.complete_name or "",
                    event.custodian_to_id.name or "",
                    event.location or "",
                    states.get(event.state_to, ""),
                    ", ".join(token.certificate_ids.mapped("serial")),
                    Print._local_date(event.occurred_at),
                ]
            )
        columns = [
            rx.Column(self.env._("No."), 5),
            rx.Column(self.env._("Serial Number"), 16),
            rx.Column(self.env._("Type"), 11),
            rx.Column(self.env._("Make and Model"), 14),
            rx.Column(self.env._("Holder Body"), 30),
            rx.Column(self.env._("Custodian"), 22),
            rx.Column(self.env._("Storage Location"), 18),
            rx.Column(self.env._("State"), 18),
            rx.Column(self.env._("Certificates"), 26),
            rx.Column(self.env._("Last Event"), 12),
        ]
        return columns, rows

    def _subscriber_table(self):
        Subscriber = self.env["cks.subscriber"]
        domain = Domain("create_date", "<", self._cutoff()) & self._body_domain("body_id")
        subscribers = Subscriber.search(domain, order="name, id")
        # the personal ID number only for who may read it (the field's groups)
        with_cccd = Subscriber._has_field_access(Subscriber._fields["cccd"], "read")
        valid = dict(
            self.env["cks.certificate"]._read_group(
                [("subscriber_id", "in", subscribers.ids), ("state", "=", "valid")], ["subscriber_id"], ["__count"]
            )
        )
        kinds = self._labels("cks.subscriber", "kind")
        statuses = self._labels("cks.subscriber", "employment_status")
        rows = []
        for index, subscriber in enumerate(subscribers, 1):
            row = [
                index,
                subscriber.name,
                kinds.get(subscriber.kind, ""),
                subscriber.body_id.complete_name or "",
                subscriber.position or "",
            ]
            if with_cccd:
                row.append(subscriber.cccd or "")
            row += [
                subscriber.email or "",
                subscriber.mobile or "",
                statuses.get(subscriber.employment_status, ""),
                valid.get(subscriber, 0),
            ]
            rows.append(row)
        columns = [
            rx.Column(self.env._("No."), 5),
            rx.Column(self.env._("Name"), 26),
            rx.Column(self.env._("Kind"), 14),
            rx.Column(self.env._("Managing Body"), 30),
            rx.Column(self.env._("Position"), 18),
            *([rx.Column(self.env._("Personal ID Number (CCCD)"), 15)] if with_cccd else []),
            rx.Column(self.env._("Official E-mail"), 24),
            rx.Column(self.env._("Mobile"), 14),
            rx.Column(self.env._("Employment Status"), 14),
            rx.Column(self.env._("Valid Certificates"), 11),
        ]
        return columns, rows

    def _register_data(self):
        """The register's wording, columns and rows, in Vietnamese (a register is an administrative
        document, whoever exports it): a dict with the form, the columns and the raw rows."""
        self.ensure_one()
        wizard = in_vietnamese(self)
        columns, rows = wizard._device_table() if self.kind == "devices" else wizard._subscriber_table()
        issuer = self.body_id or self.env.user.cks_body_id
        scope = self.body_id.complete_name or wizard.env._("All bodies")
        printed = [[_text(cell) for cell in row] for row in rows]
        # the print's reference names the issuing body (or the province), a lasting record: the
        # export wizard that prints it is gone within the hour
        subject = issuer or self.env["cks.province.profile"]._get_current()
        form = wizard.env["cks.form.print"]._build(
            subject,
            FORM_CODE[self.kind],
            issuer,
            "",
            self.date,
            classified=self.kind == "devices",
            values={"scope": scope, "count": len(rows), "day": self.date.strftime("%d/%m/%Y")},
            table=None,
            register={
                "headers": [column.header for column in columns],
                "widths": _widths(columns),
                "rows": printed,
                "pages": form_data.pages(printed, ROWS_FIRST_PAGE, ROWS_PER_PAGE),
            },
            signers=[{"title": wizard.env._("THE PREPARER"), "name": self.env.user.name}],
        )
        return {"form": form, "columns": columns, "rows": rows}

    # ----------------------------------------------------------------- output
    def _xlsx(self):
        register = self._register_data()
        form = register["form"]
        return rx.build(
            rx.Register(
                title=form["title"],
                columns=register["columns"],
                rows=register["rows"],
                classified=form["classified"],
                body=form["opening"][0] if form["opening"] else "",
                date_text=form["opening"][1] if len(form["opening"]) > 1 else "",
                sheet_name=form["title"][:31],
            )
        )

    def _file_name(self, extension):
        stem = {"devices": "So-thiet-bi", "subscribers": "Danh-sach-thue-bao"}[self.kind]
        return f"{stem}-{self.date.isoformat()}.{extension}"

    def action_export(self):
        self.ensure_one()
        if self.output == "pdf":
            return self.env.ref("cks_report.action_report_register").report_action(self)
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._file_name("xlsx"),
                "datas": base64.b64encode(self._xlsx()),
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }


def _widths(columns):
    """The columns' shares of the printed table's width, in percent (from their widths in the XLSX)."""
    total = sum(column.width for column in columns) or 1
    return [round(100 * column.width / total, 1) for column in columns]


def _text(value):
    """A cell as the printed register shows it."""
    if value is None or value is False:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class ReportRegister(models.AbstractModel):
    _name = "report.cks_report.report_register"
    _description = "Register of Devices or Subscribers"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["cks.register.export"].browse(docids)
        return {"docs": docs, "forms": {doc.id: doc._register_data()["form"] for doc in docs}, "words": LEGAL_WORDS}
