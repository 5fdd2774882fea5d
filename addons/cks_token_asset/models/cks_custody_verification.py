from odoo import api, fields, models


class CksCustodyVerification(models.Model):
    """One verification of the whole custody chain, kept for the auditors."""

    _name = "cks.custody.verification"
    _description = "Custody Chain Verification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    create_date = fields.Datetime("Verified On", readonly=True)
    create_uid = fields.Many2one("res.users", "Verified By", readonly=True)
    intact = fields.Boolean(readonly=True)
    events_checked = fields.Integer(readonly=True)
    tokens_checked = fields.Integer(readonly=True)
    seconds = fields.Float(readonly=True, digits=(16, 3))
    events_per_second = fields.Integer(readonly=True)
    processes = fields.Integer(readonly=True, help="Processes that verified slices of the chain at the same time.")
    problems = fields.Text(readonly=True)
    line_ids = fields.One2many("cks.custody.verification.line", "verification_id", "Broken Links", readonly=True)

    @api.model
    def _run(self):
        report, head_problems, seconds = self.env["cks.custody.event"]._verify_chain()
        first = report.first_break_by_token()
        tokens = (
            self.env["cks.token"]
            .sudo()
            .with_context(active_test=False)
            .browse([tid for tid in first if isinstance(tid, int)])
            .exists()
        )
        known = set(tokens.ids)
        return self.sudo().create(
            {
                "intact": report.ok and not head_problems,
                "events_checked": report.events_checked,
                "tokens_checked": report.tokens_checked,
                "seconds": seconds,
                "events_per_second": int(report.events_checked / seconds) if seconds else 0,
                "processes": report.slices,
                "problems": "\n".join(head_problems + [str(brk) for brk in report.global_breaks[:20]]) or False,
                "line_ids": [
                    fields.Command.create(
                        {
                            "token_id": brk.token_id if brk.token_id in known else False,
                            "token_ref": str(brk.token_id),
                            "kind": brk.kind,
                            "sequence": brk.sequence or 0,
                            "global_sequence": brk.global_sequence or 0,
                            "detail": brk.detail,
                        }
                    )
                    for brk in first.values()
                ],
            }
        )

    @api.model
    def action_run(self):
        self.check_access("create")  # the province and the auditors
        verification = self._run()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": verification.id,
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
    kind = fields.Selection(
        [
            ("token_hash_mismatch", "Event altered"),
            ("sequence_gap", "Event missing"),
            ("global_hash_mismatch", "Global chain altered"),
            ("global_sequence_gap", "Global chain cut"),
        ],
        readonly=True,
    )
    sequence = fields.Integer("Event No. of the Device", readonly=True)
    global_sequence = fields.Integer("Global Event No.", readonly=True)
    detail = fields.Char(readonly=True)
