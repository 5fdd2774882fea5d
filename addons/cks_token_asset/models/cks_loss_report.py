from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

# What the reporter states while the record is a draft.
DRAFT_FIELDS = ("token_id", "lost_at", "discovered_at", "place", "circumstances", "stolen")
LOSS_STATES = [("draft", "Draft"), ("confirmed", "Confirmed"), ("cancelled", "Cancelled")]


class CksLossReport(models.Model):
    """Biên bản xác nhận thiết bị bị thất lạc (Mẫu 15, TT 185/2019).

    Any subscriber reports the loss of a device in their custody (QĐ 25/2020 Vĩnh Phúc,
    Điều 7.3: subscribers report loss so the certificate can be revoked in time).

    QĐ 19/2020 Hà Tĩnh, Điều 6.2.c; QĐ 09/2023 Bắc Ninh, Điều 5.2.c: the record confirming a
    lost device goes with the revocation request. QĐ 29/2021 Điện Biên, Điều 27.6: a lost or
    stolen key is reported within 24 hours; the province profile holds that window and a record
    filed later is flagged.
    """

    _name = "cks.loss.report"
    _description = "Lost Device Record (Form 15)"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "id desc"
    # set by the steps and the server clock: a backdated "reported on" would clear the late flag
    _flow_fields = ("name", "state", "reporter_id", "reported_at", "late", "body_id")
    _text_limits = {"circumstances": 2000}
    _scope_fields = ("token_id",)

    name = fields.Char("Number", default="/", readonly=True, copy=False, tracking=True)
    token_id = fields.Many2one("cks.token", "Device", required=True, index=True, tracking=True)
    body_id = fields.Many2one(related="token_id.body_id", store=True, index=True)
    reporter_id = fields.Many2one(
        "res.users", "Reported By", required=True, default=lambda self: self.env.user, readonly=True
    )
    lost_at = fields.Datetime("Probably Lost On")
    discovered_at = fields.Datetime("Loss Discovered On", required=True, tracking=True)
    reported_at = fields.Datetime("Reported On", required=True, default=fields.Datetime.now, readonly=True)
    place = fields.Char("Where")
    circumstances = fields.Text(required=True)
    stolen = fields.Boolean(tracking=True)
    late = fields.Boolean(
        "Reported Late",
        compute="_compute_late",
        store=True,
        help="Reported later than the province's incident window after the loss was discovered.",
    )
    state = fields.Selection(LOSS_STATES, default="draft", required=True, readonly=True, tracking=True)

    @api.depends("name")
    def _compute_display_name(self):
        for report in self:
            report.display_name = report.name if report.name != "/" else self.env._("New")

    @api.depends("discovered_at", "reported_at")
    def _compute_late(self):
        profile = self.env["cks.province.profile"]._get_current()
        # only a window of hours makes a report late; "immediately" and "not stated" name no time
        hours = profile.incident_hours if profile.incident_notice == "within_hours" else 0
        for report in self:
            report.late = bool(
                hours
                and report.discovered_at
                and report.reported_at
                and report.reported_at - report.discovered_at > timedelta(hours=hours)
            )

    @api.constrains("discovered_at", "reported_at", "lost_at")
    def _check_dates(self):
        for report in self:
            if report.discovered_at and report.reported_at and report.discovered_at > report.reported_at:
                raise UserError(self.env._("The loss cannot be discovered after it is reported."))
            if report.lost_at and report.discovered_at and report.lost_at > report.discovered_at:
                raise UserError(self.env._("The device cannot be lost after the loss was discovered."))

    @api.constrains("token_id", "reporter_id")
    def _check_reporter_holds_the_device(self):
        """A subscriber reports the loss of a device in their own custody (QĐ 25/2020 Vĩnh Phúc,
        Điều 7.3); an officer may file it for a device of their body's subtree."""
        for report in self:
            # sudo: the custodian of a device the reporter may not see (then refused below)
            if report.state != "draft" or report.token_id.sudo().custodian_id == report.reporter_id:
                continue
            if not report.token_id.with_user(report.reporter_id).has_access("write"):
                raise UserError(
                    self.env._(
                        "This device is not in your custody: report the loss of a device you hold, or ask the "
                        "officer of its body."
                    )
                )

    def write(self, vals):
        if not flow.is_open(self._name) and set(vals) & set(DRAFT_FIELDS):
            for report in self:
                if report.state != "draft":
                    raise UserError(
                        self.env._("Record %(name)s is no longer a draft: it cannot be changed.", name=report.name)
                    )
                if report.reporter_id != self.env.user and not self.env.user.has_group(
                    "cks_subscriber.group_cks_officer"
                ):
                    raise UserError(self.env._("Only the person who reported the loss edits the draft."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(report.state == "confirmed" for report in self):
            raise UserError(self.env._("A confirmed lost-device record is kept: it cannot be deleted."))

    @flow_action
    def action_confirm(self):
        """The body's officer confirms: the device becomes lost and revocation is to be requested."""
        if not self.env.user.has_group("cks_subscriber.group_cks_officer"):
            raise AccessError(self.env._("The record is confirmed by an officer or the head of the managing body."))
        for report in self:
            if report.state != "draft":
                raise UserError(self.env._("Only a draft record can be confirmed."))
            name = self.env["ir.sequence"].next_by_code("cks.loss.report", report.reported_at)
            report.token_id._transition(
                "report_compromised" if report.token_id.state == "lost" else "report_lost",
                reason=self.env._("Lost device record %(name)s", name=name),
                document_ref=name,
            )
            with flow.opened(self._name):
                report.write({"name": name, "state": "confirmed"})
            officer = report.token_id.body_id._responsible_user() if report.token_id.body_id else self.env.user
            report.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(officer or self.env.user).id,
                summary=self.env._(
                    "Request revocation of the certificates on device %(serial)s (Form 09/10) with record %(name)s",
                    serial=report.token_id.serial,
                    name=report.name,
                ),
            )

    @flow_action
    def action_cancel(self):
        if any(report.state != "draft" for report in self):
            raise UserError(self.env._("A confirmed record cannot be cancelled."))
        self.check_access("write")
        with flow.opened(self._name):
            self.write({"state": "cancelled"})
