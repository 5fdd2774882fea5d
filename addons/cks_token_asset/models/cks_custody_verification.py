from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from ..lib import custody_chain as chain

BREAK_KINDS = [
    (chain.ALTERED, "Event altered"),
    (chain.REPLACED, "Event replaced by one hashed anew"),
    (chain.SEQUENCE_GAP, "Events of the device missing"),
    (chain.GLOBAL_SEQUENCE_GAP, "Events of the chain missing"),
    (chain.UNREADABLE, "Unreadable event row"),
    (chain.HISTORY_MISSING, "Device history missing or cut short"),
    (chain.DEVICE_MISMATCH, "Device record does not match its history"),
    (chain.HEAD_MISMATCH, "Chain head does not match"),
    (chain.ANCHOR_MISMATCH, "Differs from a kept anchor"),
]
# Every field of a verification is written by the verification itself (never by a client).
RESULT_FIELDS = (
    "intact",
    "events_checked",
    "tokens_checked",
    "seconds",
    "events_per_second",
    "summary",
    "anchors_checked",
    "line_ids",
    "anchor_sequence",
    "anchor_hash",
    "anchor_taken_at",
)


class CksCustodyVerification(models.Model):
    """One verification of the whole custody chain, kept for the auditors.

    Written only by the verification itself (``_run``): its result, the breaks it found and the
    anchor it took, which is also sent to the auditors as a message so that it leaves the
    database.
    """

    _name = "cks.custody.verification"
    _description = "Custody Chain Verification"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.custody.anchor.mixin", "cks.input.guard"]
    _order = "id desc"
    _flow_fields = RESULT_FIELDS

    create_date = fields.Datetime("Verified On", readonly=True)
    create_uid = fields.Many2one("res.users", "Verified By", readonly=True)
    intact = fields.Boolean(readonly=True)
    events_checked = fields.Integer(readonly=True)
    tokens_checked = fields.Integer("Devices Checked", readonly=True)
    seconds = fields.Float(readonly=True, digits=(16, 3))
    events_per_second = fields.Integer(readonly=True)
    summary = fields.Text(readonly=True)
    anchors_checked = fields.Text(
        readonly=True, help="The anchors kept outside the database that this verification checked."
    )
    line_ids = fields.One2many("cks.custody.verification.line", "verification_id", "Broken Links", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not flow.is_open(self._name):
            raise UserError(self.env._("A verification result is written by the verification itself."))
        return super().create(vals_list)

    @api.depends("create_date")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        """e.g. "Verification of 30/11/2026 10:15:42", in the user's language and time zone."""
        for verification in self:
            verification.display_name = self.env._(
                "Verification of %(when)s",
                when=format_datetime(self.env, verification.create_date or fields.Datetime.now()),
            )

    @api.model
    def _check_may_verify(self):
        if not (
            self.env.su
            or self.env.user.has_group("cks_subscriber.group_cks_admin")
            or self.env.user.has_group("cks_subscriber.group_cks_auditor")
        ):
            raise AccessError(self.env._("The custody chain is verified by the province and the auditors."))

    @api.model
    def _run(self, anchors=()):
        """Verify the chain (against ``anchors``, a list of chain.Anchor), keep the result, take
        the chain's anchor and send it to the auditors."""
        report = self.env["cks.custody.event"]._verify_chain(anchors)
        first = report.first_break_by_token()
        # sudo: the devices named by the report, archived ones included, whoever verifies
        tokens = self.env["cks.token"].sudo().with_context(active_test=False)
        known = set(tokens.browse([tid for tid in first if isinstance(tid, int)]).exists().ids)
        breaks = [brk for brk in report.breaks if brk.kind == chain.ANCHOR_MISMATCH or first.get(brk.token_id) is brk]
        with flow.opened(self._name, "cks.custody.verification.line"):
            # sudo: nobody may create a result; the caller was checked by action_run or is the cron
            verification = self.sudo().create(
                {
                    "intact": report.ok,
                    "events_checked": report.events_checked,
                    "tokens_checked": report.tokens_checked,
                    "seconds": report.elapsed_seconds,
                    "events_per_second": int(report.events_per_second),
                    "summary": self._summary(report),
                    "anchors_checked": "\n".join(chain.format_anchor(anchor) for anchor in anchors) or False,
                    "anchor_sequence": report.last_global_sequence,
                    "anchor_hash": report.last_global_hash or False,
                    "anchor_taken_at": fields.Datetime.now(),
                    "line_ids": [
                        fields.Command.create(
                            {
                                "token_id": brk.token_id if brk.token_id in known else False,
                                "token_ref": str(brk.token_id) if brk.token_id is not None else False,
                                "kind": brk.kind,
                                "sequence": brk.sequence or 0,
                                "global_sequence": brk.global_sequence or 0,
                                "detail": brk.detail,
                            }
                        )
                        for brk in breaks
                    ],
                }
            )
        verification._send_anchor_to_auditors()
        return verification.with_env(self.env)

    def _summary(self, report):
        """The report's counts in the user's language (the chain core's summary is for logs)."""
        if report.ok:
            return self.env._(
                "%(events)s custody events of %(devices)s devices verified: no break.",
                events=report.events_checked,
                devices=report.tokens_checked,
            )
        labels = dict(self.env["cks.custody.verification.line"]._fields["kind"]._description_selection(self.env))
        kinds = [brk.kind for brk in report.breaks]
        return self.env._(
            "%(events)s custody events of %(devices)s devices verified: %(count)s breaks (%(kinds)s).",
            events=report.events_checked,
            devices=report.tokens_checked,
            count=len(kinds),
            kinds=", ".join(f"{kinds.count(kind)} × {labels[kind]}" for kind in dict.fromkeys(kinds)),
        )

    def _send_anchor_to_auditors(self):
        """The anchor leaves the database: a message in each auditor's inbox."""
        # sudo: the members of the auditors' group, whom the caller may not list
        auditors = (
            self.env.ref("cks_subscriber.group_cks_auditor")
            .sudo()
            .all_user_ids.filtered(lambda user: user.active and not user.share)
        )
        for verification in self.sudo():  # sudo: posted by the verification, on a record nobody writes
            if not verification.anchor_text:
                continue
            verification.message_post(
                body=self.env._(
                    "Custody chain %(verdict)s at event %(number)s. Keep this anchor outside the system: %(anchor)s",
                    verdict=self.env._("intact") if verification.intact else self.env._("BROKEN"),
                    number=verification.anchor_sequence,
                    anchor=verification.anchor_text,
                ),
                partner_ids=auditors.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    @api.model
    @flow_action
    def action_run(self):
        self._check_may_verify()
        return self._run()._action_open()

    @flow_action
    def action_verify_now(self):
        """The "Verify Now" button of the list of verifications (the rows selected do not matter)."""
        return self.env[self._name].action_run()

    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _cron_verify(self):
        verification = self._run()
        if not verification.intact:
            watchers = (
                self.env.ref("cks_subscriber.group_cks_admin").all_user_ids
                | self.env.ref("cks_subscriber.group_cks_auditor").all_user_ids
            ).filtered(lambda user: not user.share and user.active)
            for user in watchers:
                verification.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._("The custody chain is broken: see the verification"),
                )
        return verification


class CksCustodyVerificationLine(models.Model):
    _name = "cks.custody.verification.line"
    _description = "Broken Link of the Custody Chain"
    _order = "global_sequence"

    verification_id = fields.Many2one("cks.custody.verification", required=True, ondelete="cascade", index=True)
    token_id = fields.Many2one("cks.token", "Device", readonly=True)
    token_ref = fields.Char("Device ID", readonly=True, help="Shown even when the device record itself is gone.")
    kind = fields.Selection(BREAK_KINDS, readonly=True)
    sequence = fields.Integer("Event No. of the Device", readonly=True)
    global_sequence = fields.Integer("Global Event No.", readonly=True)
    detail = fields.Char(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not flow.is_open(self._name):
            raise UserError(self.env._("A verification result is written by the verification itself."))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A verification result cannot be changed."))
        return super().write(vals)
