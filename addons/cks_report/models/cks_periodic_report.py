import base64
import datetime as dt
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from ..lib import form_data
from ..lib import report_xlsx as xlsx

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_KINDS = [("h1", "First Six Months"), ("year", "Year")]
# What the drafter types while the report is a draft.
CONTENT_FIELDS = (
    "period_kind",
    "year",
    "date_from",
    "date_to",
    "body_id",
    "deployment",
    "documents_signed",
    "documents_signed_note",
    "public_services",
    "public_services_note",
    "difficulties",
    "causes",
    "tasks",
    "proposals",
)
# Days before a due date of the province profile on which the administrators are reminded.
REMINDER_DAYS = (10, 3)


def local_midnight_utc(day):
    """00:00 of ``day`` in the province (Asia/Ho_Chi_Minh) as a naive UTC datetime (the ORM's)."""
    return dt.datetime.combine(day, dt.time.min, PROVINCE_TZ).astimezone(dt.UTC).replace(tzinfo=None)


class CksPeriodicReport(models.Model):
    """The periodic report "Tình hình quản lý và sử dụng chữ ký số, chứng thư số chuyên dùng
    Chính phủ", 06 months or 01 year, of one managing body (and the bodies below it) or of the
    whole province consolidated from its bodies.

    Outline: the appendices "Đề cương báo cáo" of QĐ …/2020 Bắc Giang (Điều 12) and QĐ 09/2023
    Bắc Ninh (Điều 14.8). The figures of item I.1 are counted from the records (``_count_figures``,
    the rules are there); items 2, 3, II and III are typed in. Validating numbers the report and
    freezes its figures."""

    _name = "cks.periodic.report"
    _description = "Periodic Report"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "date_to desc, id desc"
    _flow_fields = (
        "name",
        "state",
        "computed_at",
        "computed_by_id",
        "done_at",
        "done_by_id",
        "breakdown",
        # the figures (report_xlsx.FIGURE_KEYS), written out: the access matrix reads this tuple
        "new_org",
        "new_ind",
        "new_dev",
        "revoked_org",
        "revoked_ind",
        "revoked_dev",
        "changed_org",
        "changed_ind",
        "changed_dev",
        "renewed_org",
        "renewed_ind",
        "renewed_dev",
        "devices_recovered",
        "devices_returned",
        "incidents_lost",
        "incidents_damaged",
        "incidents_compromised",
    )
    _scope_fields = ("body_id",)

    name = fields.Char("Number", default="/", readonly=True, copy=False, tracking=True)
    period_kind = fields.Selection(PERIOD_KINDS, "Period", required=True, default="h1", tracking=True)
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year, tracking=True)
    date_from = fields.Date(
        "From", compute="_compute_dates", store=True, readonly=False, required=True, precompute=True, tracking=True
    )
    date_to = fields.Date(
        "To",
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        tracking=True,
        help="The last day counted: a province that closes its figures before its due date (Hà Tĩnh's six-month "
        "report is due on 17 June) sets it earlier.",
    )
    body_id = fields.Many2one(
        "cks.body",
        "Managing Body",
        index=True,
        tracking=True,
        default=lambda self: self.env.user.cks_body_id,
        help="The body reporting, with the bodies below it. Empty: the whole province, consolidated from its bodies.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Validated")], default="draft", required=True, readonly=True, tracking=True
    )
    computed_at = fields.Datetime("Figures Computed On", readonly=True)
    computed_by_id = fields.Many2one("res.users", "Figures Computed By", readonly=True)
    done_at = fields.Datetime("Validated On", readonly=True)
    done_by_id = fields.Many2one("res.users", "Validated By", readonly=True)
    breakdown = fields.Json("Figures by Body", readonly=True, copy=False)

    # I.1 — certificates, split organisation / individual (_dev: devices, services and software,
    # counted with the organisations: their certificates are requested by the body, TT 185 Mẫu 05-06)
    new_org = fields.Integer("New: Organisations", readonly=True)
    new_ind = fields.Integer("New: Individuals", readonly=True)
    new_dev = fields.Integer("New: of Which Devices, Services, Software", readonly=True)
    revoked_org = fields.Integer("Revocation Requested: Organisations", readonly=True)
    revoked_ind = fields.Integer("Revocation Requested: Individuals", readonly=True)
    revoked_dev = fields.Integer("Revocation Requested: of Which Devices, Services, Software", readonly=True)
    changed_org = fields.Integer("Information Changed: Organisations", readonly=True)
    changed_ind = fields.Integer("Information Changed: Individuals", readonly=True)
    changed_dev = fields.Integer("Information Changed: of Which Devices, Services, Software", readonly=True)
    renewed_org = fields.Integer("Renewal Requested: Organisations", readonly=True)
    renewed_ind = fields.Integer("Renewal Requested: Individuals", readonly=True)
    renewed_dev = fields.Integer("Renewal Requested: of Which Devices, Services, Software", readonly=True)
    devices_recovered = fields.Integer(readonly=True)
    devices_returned = fields.Integer("Devices Handed Back", readonly=True)
    incidents_lost = fields.Integer("Devices Lost", readonly=True)
    incidents_damaged = fields.Integer("Devices Damaged", readonly=True)
    incidents_compromised = fields.Integer("Keys Compromised", readonly=True)
    new_total = fields.Integer("New", compute="_compute_totals")
    revoked_total = fields.Integer("Revocation Requested", compute="_compute_totals")
    changed_total = fields.Integer("Information Changed", compute="_compute_totals")
    renewed_total = fields.Integer("Renewal Requested", compute="_compute_totals")
    incidents_total = fields.Integer("Incidents", compute="_compute_totals")
    no_data = fields.Boolean("Nothing in the Period", compute="_compute_totals")

    # I.2, I.3, II, III — typed in
    deployment = fields.Text("Use of Digital Signatures in the Body's Fields of Work")
    documents_signed = fields.Integer("Documents Issued with a Digital Signature")
    documents_signed_note = fields.Text("Documents Issued: Remarks")
    public_services = fields.Integer("Public Services Using Digital Signatures")
    public_services_note = fields.Text("Public Services: Remarks")
    difficulties = fields.Text("Main Difficulties")
    causes = fields.Text()
    tasks = fields.Text("Tasks and Solutions Ahead")
    proposals = fields.Text()

    @api.depends("period_kind", "year")
    def _compute_dates(self):
        for report in self:
            year = report.year or fields.Date.context_today(report).year
            report.date_from = dt.date(year, 1, 1)
            report.date_to = dt.date(year, 6, 30) if report.period_kind == "h1" else dt.date(year, 12, 31)

    @api.depends(*xlsx.FIGURE_KEYS)
    def _compute_totals(self):
        for report in self:
            for key, _label in xlsx.CERTIFICATE_ROWS:
                report[f"{key}_total"] = report[f"{key}_org"] + report[f"{key}_ind"]
            report.incidents_total = sum(report[key] for key, _label in xlsx.INCIDENT_ROWS)
            report.no_data = xlsx.is_empty({key: report[key] for key in xlsx.FIGURE_KEYS})

    @api.depends("name", "period_kind", "year", "body_id")
    def _compute_display_name(self):
        for report in self:
            scope = report.body_id.name or self.env._("Province")
            number = report.name if report.name and report.name != "/" else self.env._("Draft")
            report.display_name = f"{number} · {report._period_text()} · {scope}"

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for report in self:
            if report.date_from and report.date_to and report.date_from > report.date_to:
                raise UserError(self.env._("The period of a report ends after it starts."))

    # ------------------------------------------------------------------ create / write
    def write(self, vals):
        frozen = any(report.state != "draft" for report in self)
        if frozen and not flow.is_open(self._name) and set(vals) & set(CONTENT_FIELDS):
            raise UserError(self.env._("A validated report is kept as it was sent: it cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(report.state != "draft" for report in self):
            raise UserError(self.env._("A validated report is kept: it cannot be deleted."))

    # ------------------------------------------------------------------ counting
    @api.model
    def _count_figures(self, date_from, date_to, body=None):
        """The figures of item I.1 for the days ``date_from``..``date_to`` (the province's calendar
        days, Asia/Ho_Chi_Minh) of ``body`` and the bodies below it (all bodies when empty):
        ``{"totals": {key: count}, "by_body": {body_id: {key: count}}}``, keys of
        ``report_xlsx.FIGURE_KEYS``. Set-based: four grouped queries, whatever the number of records.

        What counts (the words of the appendices, Bắc Giang Phụ lục item I.1.1-1.4, Bắc Ninh Phụ lục
        table of item I.1):
        - "Số lượng cấp mới" (issued): certificates registered as issued new (not renewals) whose
          validity starts in the period — also those registered from the CA's list without a request;
        - "Số lượng đề nghị thu hồi" / "đề nghị gia hạn" (requested): revocation / renewal requests
          submitted in the period (their last submission), unless cancelled;
        - "Số lượng thay đổi thông tin" (changed): change requests the CA carried out, the result
          recorded in the period;
        - organisation / individual by the subscriber's kind; a device, service or software counts
          with the organisations and is told apart in the remarks (``*_dev``);
        - devices: custody events "recovered by the body" and "handed back" in the period;
          incidents: custody events "lost" (a confirmed Mẫu 15 records it), "damaged" and
          "compromised" in the period, of the body the device was with then."""
        start, end = local_midnight_utc(date_from), local_midnight_utc(date_to + dt.timedelta(days=1))
        body_domain = Domain.TRUE
        if body:
            Body = self.env["cks.body"].sudo().with_context(active_test=False)  # sudo: the scope's ids
            body_domain = Domain("body_id", "in", Body.search([("id", "child_of", body.ids)]).ids)
        totals = dict.fromkeys(xlsx.FIGURE_KEYS, 0)
        by_body = {}

        def add(body_id, key, count):
            totals[key] += count
            figures = by_body.setdefault(body_id or 0, dict.fromkeys(xlsx.FIGURE_KEYS, 0))
            figures[key] += count

        def add_kind(body_id, row, kind, count):
            add(body_id, f"{row}_{'ind' if kind == 'individual' else 'org'}", count)
            if kind == "device":
                add(body_id, f"{row}_dev", count)

        # sudo: the report counts every record of its scope, whoever computes it (the scope itself
        # is checked by the record rules of the report)
        Certificate = self.env["cks.certificate"].sudo().with_context(active_test=False)
        for body_rec, kind, count in Certificate._read_group(
            body_domain & Domain([("issue_type", "=", "new"), ("valid_from", ">=", start), ("valid_from", "<", end)]),
            ["body_id", "kind"],
            ["__count"],
        ):
            add_kind(body_rec.id, "new", kind, count)

        Request = self.env["cks.request"].sudo().with_context(active_test=False)
        requested = Domain(
            [
                ("request_type", "in", ("revocation", "renewal")),
                ("state", "!=", "cancelled"),
                ("submitted_at", ">=", start),
                ("submitted_at", "<", end),
            ]
        )
        changed = Domain(
            [
                ("request_type", "=", "change"),
                ("state", "=", "done"),
                ("result_at", ">=", start),
                ("result_at", "<", end),
            ]
        )
        rows = {"revocation": "revoked", "renewal": "renewed", "change": "changed"}
        for request_type, body_rec, kind, count in Request._read_group(
            body_domain & (requested | changed), ["request_type", "body_id", "subscriber_id.kind"], ["__count"]
        ):
            add_kind(body_rec.id, rows[request_type], kind, count)

        Event = self.env["cks.custody.event"].sudo()
        events = {
            "recovered": "devices_recovered",
            "returned": "devices_returned",
            "lost": "incidents_lost",
            "damaged": "incidents_damaged",
            "compromised": "incidents_compromised",
        }
        for event_type, body_rec, count in Event._read_group(
            body_domain
            & Domain([("event_type", "in", list(events)), ("occurred_at", ">=", start), ("occurred_at", "<", end)]),
            ["event_type", "body_id"],
            ["__count"],
        ):
            add(body_rec.id, events[event_type], count)
        return {"totals": totals, "by_body": by_body}

    def _typed_from_bodies(self):
        """For a province-wide report: the documents signed and public services the validated
        reports of the bodies give for the same period (the province consolidates them)."""
        self.ensure_one()
        groups = self.sudo()._read_group(  # sudo: the province's report sums the reports of every body
            [
                ("state", "=", "done"),
                ("body_id", "!=", False),
                ("period_kind", "=", self.period_kind),
                ("year", "=", self.year),
            ],
            [],
            ["documents_signed:sum", "public_services:sum"],
        )
        return groups[0] if groups else (0, 0)

    def _check_may_report(self):
        if not self.env.user.has_group("cks_subscriber.group_cks_officer"):
            raise AccessError(self.env._("A report is prepared by an officer of the body or the province."))
        self.check_access("write")

    @flow_action
    def action_compute(self):
        """Count the figures of the period from the records again (a draft only)."""
        self._check_may_report()
        for report in self:
            if report.state != "draft":
                raise UserError(self.env._("The figures of a validated report are frozen."))
            counted = self._count_figures(report.date_from, report.date_to, report.body_id)
            vals = {**counted["totals"], "computed_at": fields.Datetime.now(), "computed_by_id": self.env.uid}
            vals["breakdown"] = {str(body_id): figures for body_id, figures in counted["by_body"].items()}
            with flow.opened(self._name):
                report.write(vals)
            if not report.body_id and not report.documents_signed and not report.public_services:
                documents, services = report._typed_from_bodies()
                report.write({"documents_signed": documents or 0, "public_services": services or 0})
        return True

    @flow_action
    def action_validate(self):
        """Validate: the figures are counted a last time, the report is numbered and frozen."""
        self._check_may_report()
        for report in self:
            if report.state != "draft":
                raise UserError(self.env._("This report is already validated."))
        self.action_compute()
        for report in self:
            number = self.env["ir.sequence"].next_by_code("cks.periodic.report") or "/"
            with flow.opened(self._name):
                report.write(
                    {"name": number, "state": "done", "done_at": fields.Datetime.now(), "done_by_id": self.env.uid}
                )
        return True

    # ------------------------------------------------------------------ output
    def _period_text(self):
        """ "06 tháng đầu năm 2026" or "năm 2026" (the appendices' words)."""
        return f"06 tháng đầu năm {self.year}" if self.period_kind == "h1" else f"năm {self.year}"

    def _issuing_body(self):
        if self.body_id:
            return self.body_id
        # the province's focal unit consolidates; else the body at the top of the province
        Body = self.env["cks.body"].sudo()  # sudo: the issuer's name, printed
        focal = self.env["cks.province.profile"]._get_current().focal_body_id
        return focal or Body.search([("parent_id", "=", False), ("level", "=", "province")], limit=1)

    def _report_data(self):
        """What the PDF and the workbook print: a plain dict (``report_xlsx.sample()`` shows it)."""
        self.ensure_one()
        report = self.sudo()  # sudo: the names of the bodies in the breakdown, printed on the reader's report
        day = self.env["cks.form.print"]._local_date(report.done_at or fields.Datetime.now())
        body = report._issuing_body()
        form = self.env["cks.form.print"]._build(
            report,
            "report",
            body,
            report.name if report.name != "/" else "",
            day,
            classified=False,
            summary=f"{self.env['cks.form.template']._for('report').summary or ''} {report._period_text()}".strip(),
            signers=[{"title": "THỦ TRƯỞNG ĐƠN VỊ", "name": body.head_user_id.name or ""}],
            periodic=report._content(),
        )
        return form

    def _content(self):
        bodies = self.env["cks.body"].sudo().with_context(active_test=False)
        breakdown = self.breakdown or {}
        names = {body.id: body.complete_name for body in bodies.browse([int(key) for key in breakdown if int(key)])}
        by_body = sorted(
            ({"body": names.get(int(key), "—"), **figures} for key, figures in breakdown.items()),
            key=lambda row: row["body"],
        )
        figures = {key: self[key] for key in xlsx.FIGURE_KEYS}
        return {
            "period": "Từ ngày {} đến ngày {}".format(
                self.date_from.strftime("%d/%m/%Y"), self.date_to.strftime("%d/%m/%Y")
            ),
            "figures": figures,
            "by_body": by_body,
            "documents_signed": self.documents_signed,
            "public_services": self.public_services,
            **{key: self[key] or "" for key in xlsx.TEXT_KEYS},
        }

    def _pdf_context(self):
        """The content block of the QWeb report: rows ready to print."""
        form = self._report_data()
        content = form["periodic"]
        figures = content["figures"]
        return {
            "form": form,
            "content": content,
            "words": xlsx.WORDS,
            "empty": xlsx.EMPTY_SENTENCE if xlsx.is_empty(figures) else "",
            "certificate_rows": [
                (
                    index,
                    label,
                    figures[f"{key}_org"],
                    figures[f"{key}_ind"],
                    figures[f"{key}_org"] + figures[f"{key}_ind"],
                    xlsx.device_note(figures, key),
                )
                for index, (key, label) in enumerate(xlsx.CERTIFICATE_ROWS, 1)
            ],
            "device_rows": [
                (index, label, figures[key])
                for index, (key, label) in enumerate(xlsx.DEVICE_ROWS + xlsx.INCIDENT_ROWS, 1)
            ],
            "incidents_total": sum(figures[key] for key, _label in xlsx.INCIDENT_ROWS),
            "paragraphs": {key: form_data.paragraphs(content[key]) for key in xlsx.TEXT_KEYS},
        }

    def _xlsx_file_name(self):
        number = (self.name if self.name != "/" else "nhap").replace("/", "-")
        return f"BaoCao-CKS-{self.year}-{self.period_kind}-{number}.xlsx"

    def action_download_xlsx(self):
        """The workbook of the report, as an attachment of it, downloaded."""
        self.ensure_one()
        self.check_access("read")
        form = self._report_data()
        data = {**form["periodic"], "header": form}
        content = xlsx.write_xlsx(data)
        name = self._xlsx_file_name()
        Attachment = self.env["ir.attachment"].sudo()  # sudo: the report's own file, readable with the report
        attachment = Attachment.search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", name)], limit=1
        )
        values = {"datas": base64.b64encode(content), "mimetype": xlsx_mimetype()}
        if attachment:
            attachment.write(values)
        else:
            attachment = Attachment.create({"name": name, "res_model": self._name, "res_id": self.id, **values})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------ reminders
    @api.model
    def _due_dates(self, profile, today):
        """(kind, report year, due date) of the profile's due dates this year and next (0 = none)."""
        dues = []
        for kind, day, month in (
            ("h1", profile.report_h1_day, profile.report_h1_month),
            ("year", profile.report_year_day, profile.report_year_month),
        ):
            if not day or not month:
                continue
            for year in (today.year, today.year + 1):
                try:
                    dues.append((kind, year, dt.date(year, month, day)))
                except ValueError:  # 31 in a short month: its last day
                    dues.append((kind, year, dt.date(year, month + 1, 1) - dt.timedelta(days=1)))
        return dues

    @api.model
    def _cron_reminders(self, today=None):
        """An activity for each provincial administrator ``REMINDER_DAYS`` days before a due date of
        the province's reports: once per due date and threshold (the nearest one reached)."""
        profile = self.env["cks.province.profile"]._get_current()
        if not profile:
            return
        today = today or fields.Date.context_today(self)
        params = self.env["ir.config_parameter"].sudo()  # sudo: the cron's own marks
        admins = (
            self.env.ref("cks_subscriber.group_cks_admin")
            .sudo()
            .all_user_ids.filtered(lambda u: u.active and not u.share)
        )
        if not admins:
            return
        model_id = self.env["ir.model"]._get_id("cks.province.profile")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        kinds = dict(self._fields["period_kind"]._description_selection(self.env))
        for kind, year, due in self._due_dates(profile, today):
            left = (due - today).days
            reached = [days for days in REMINDER_DAYS if 0 <= left <= days]
            if not reached:
                continue
            marks = {days: f"cks_report.reminder.{kind}.{year}.{days}" for days in REMINDER_DAYS}
            if params.get_param(marks[min(reached)]):
                continue
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": profile.id,
                        "activity_type_id": activity_type.id,
                        "date_deadline": due,
                        "summary": self.env._(
                            "Periodic report (%(period)s) due on %(due)s: %(days)s days left",
                            period=kinds[kind],
                            due=due.strftime("%d/%m/%Y"),
                            days=left,
                        ),
                        "user_id": admin.id,
                    }
                    for admin in admins
                ]
            )
            for days in reached:
                params.set_param(marks[days], fields.Date.to_string(today))


def xlsx_mimetype():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
