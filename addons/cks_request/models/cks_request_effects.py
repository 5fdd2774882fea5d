import base64
import binascii
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from ..lib import request_rules as rules
from .cks_request import CLOSED_STATES, OPEN_STATES

_logger = logging.getLogger(__name__)

# A device in these states goes back after its certificate is revoked (a lost one cannot).
RECOVERABLE_TOKEN_STATES = ("issued", "assigned", "locked", "damaged", "compromised")
OUTCOMES = ("done", "refused")


class CksRequestEffects(models.Model):
    """The CA's result of a request and what it changes, each applied once; the device recovery
    a revocation opens; the nightly deadlines."""

    _inherit = "cks.request"

    # ------------------------------------------------------------ CA's result
    @flow_action
    def action_record_result(
        self,
        outcome,
        reason=None,
        certificate_file=None,
        certificate_file_name=None,
        device_serial=None,
        device_type="usb",
        valid_to=None,
    ):
        """Record the CA's answer to a request that was sent: done (its effect is applied) or
        refused with a reason. Called by the result wizard; every argument is checked here."""
        self.ensure_one()
        self._require_actor()
        self._lock()
        if outcome not in OUTCOMES:
            raise UserError(self.env._("The CA's result is either done or refused."))
        if self.state != "sent":
            raise UserError(
                self.env._(
                    "Request %(name)s is %(state)s: a result of the CA is recorded only for a request sent to the CA.",
                    name=self.display_name,
                    state=self._state_label(),
                )
            )
        if outcome == "refused" and not (reason or "").strip():
            raise UserError(self.env._("Give the reason the CA gave for its refusal."))
        state_from = self.state
        now = fields.Datetime.now()
        if outcome == "done":
            self._apply_effect(certificate_file, certificate_file_name, device_serial, device_type, valid_to)
        self._move(
            outcome,
            extra={"result_at": now, "result_by_id": self.env.uid, "result_reason": reason or False},
        )
        self._log("result_done" if outcome == "done" else "result_refused", state_from, reason)
        self._close_step_activity()
        self.batch_id._close_when_answered()
        return True

    def _require_actor(self):
        """The officer of the body the request is with, or the province."""
        if not self.env.user.has_group("cks_subscriber.group_cks_officer"):
            raise AccessError(self.env._("The officer of the body the request is with records this step."))
        self.check_access("write")
        self._require_holder()

    def _apply_effect(self, certificate_file, certificate_file_name, device_serial, device_type, valid_to):
        """What a done request changes, once (``effect_applied`` is read under the row lock)."""
        self.ensure_one()
        if self.effect_applied:
            raise UserError(self.env._("The result of request %(name)s was already applied.", name=self.display_name))
        kind = self.request_type
        if kind in rules.NEW_TYPES:
            self._effect_new_certificate(certificate_file, certificate_file_name, device_serial, device_type)
        elif kind == "renewal":
            self._effect_renewal(valid_to)
        elif kind == "revocation":
            self._effect_revocation()
        elif kind == "restoration":
            self.token_id.sudo()._transition(  # sudo: the flow checked who records the result
                "restore", reason=self.env._("Restored by the CA (%(name)s)", name=self.name), document_ref=self.name
            )
        with flow.opened(self._name):
            self.write({"effect_applied": True})

    def _effect_new_certificate(self, certificate_file, certificate_file_name, device_serial, device_type):
        if not certificate_file:
            raise UserError(self.env._("Upload the certificate the CA issued: it is registered with the result."))
        try:
            base64.b64decode(certificate_file, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise UserError(
                self.env._("The file is not an X.509 certificate (DER or PEM): nothing was stored.")
            ) from None
        # sudo: the flow checked who records the result; the certificate belongs to the subscriber's body
        cert = (
            self.env["cks.certificate"]
            .sudo()
            .create(
                {
                    "subscriber_id": self.subscriber_id.id,
                    "file": certificate_file,
                    "file_name": certificate_file_name or "certificate.cer",
                }
            )
        )
        with flow.opened(self._name):
            self.write({"certificate_id": cert.id})
        if device_serial:
            self._deliver_device(cert, device_serial.strip(), device_type)
        cert.message_post(body=self.env._("Registered from the CA's result of request %(name)s.", name=self.name))

    def _deliver_device(self, cert, serial, device_type):
        """The device holding the new key goes to the subscriber through the device flow (TT 185/2019
        Điều 6: delivered in person, through a cơ yếu organisation or by post)."""
        Token = self.env["cks.token"].sudo()  # sudo: only the province registers devices; the flow checked the caller
        token = Token.search([("serial", "=", serial)], limit=1)
        if token and token.state != "received":
            raise UserError(
                self.env._(
                    "Device %(serial)s is already in use: give the serial of the device the CA delivered.",
                    serial=serial,
                )
            )
        if not token:
            if device_type not in dict(Token._fields["token_type"].selection):
                raise UserError(self.env._("Choose the type of the device."))
            token = Token.create({"serial": serial, "token_type": device_type})
        token.write({"certificate_ids": [fields.Command.link(cert.id)]})
        token._transition("issue", body=self.body_id, reason=self.env._("Delivered with %(name)s", name=self.name))
        holder = self.subscriber_id.user_id
        if self.subscriber_id.kind == "individual" and holder:
            try:
                token._transition(
                    "assign", custodian=holder, reason=self.env._("Delivered with %(name)s", name=self.name)
                )
            except UserError:
                _logger.info("device %s issued to the body; its holder cannot hold devices yet", serial)
        with flow.opened(self._name):
            self.write({"token_id": token.id})

    def _effect_renewal(self, valid_to):
        cert = self.certificate_id.sudo()  # sudo: the flow checked who records the result
        try:
            end = rules.renewal_end(cert.valid_to, fields.Datetime.to_datetime(valid_to) if valid_to else None)
        except ValueError as error:
            raise UserError(
                self.env._("The new end of validity must be later than the current one (%(end)s).", end=cert.valid_to)
                if str(error) == "not_later"
                else self.env._(
                    "A renewal extends the validity by at most 3 years (Decision 29/2021 Điện Biên, Art. 17.1): "
                    "the end can be %(limit)s at the latest.",
                    limit=rules.add_years(cert.valid_to, rules.MAX_RENEWAL_YEARS),
                )
            ) from None
        old_end = cert.valid_to
        with flow.opened("cks.certificate"):
            cert.write({"valid_to": end, "renewal_count": cert.renewal_count + 1, "reminder_stage": 0})
        cert.message_post(
            body=self.env._(
                "Renewed by the CA (%(name)s): valid until %(end)s instead of %(old)s.",
                name=self.name,
                end=end,
                old=old_end,
            )
        )

    def _effect_revocation(self):
        cert = self.certificate_id.sudo()  # sudo: the flow checked who records the result
        cert._transition("revoke", reason=self.env._("Revoked by the CA (%(name)s)", name=self.name))
        tokens = self.env["cks.token"].sudo().search([("certificate_ids", "in", cert.ids)])
        lost = tokens.filtered(lambda token: token.state == "lost")
        if lost:
            self.message_post(
                body=self.env._(
                    "Nothing to recover from lost devices: %(serials)s (their Form 15 went with the request).",
                    serials=", ".join(lost.mapped("serial")),
                )
            )
        for token in tokens.filtered(lambda token: token.state in RECOVERABLE_TOKEN_STATES):
            self._open_recovery(token)

    def _open_recovery(self, token):
        """The device goes back after the revocation: within 5 working days by default (NĐ 130/2018
        Điều 71), or the province's figures (QĐ 29/2021 Điện Biên Điều 19: 3 to the Sở, then 2)."""
        profile = self.env["cks.province.profile"]._get_current()
        days = profile.handback_subscriber_days or profile.handback_ca_days or 5
        with flow.opened(self._name):
            recovery = self.sudo().create(  # sudo: opened by the flow for the device's body
                {
                    "request_type": "recovery",
                    "subscriber_id": self.subscriber_id.id,
                    "certificate_id": self.certificate_id.id,
                    "token_id": token.id,
                    "grounds": self.grounds,
                    "origin_id": self.id,
                    "state": "recovering",
                }
            )
            recovery._move("recovering", days, {"approved_by_id": self.approved_by_id.id, "route": "direct"})
        recovery._log("open_recovery", "draft")
        recovery._schedule_step_activity()
        self.message_post(
            body=self.env._(
                "Device %(serial)s is to be recovered by %(deadline)s: %(recovery)s.",
                serial=token.serial,
                deadline=recovery.deadline,
                recovery=recovery.display_name,
            )
        )
        return recovery

    # ---------------------------------------------------------- device recovery
    @flow_action
    def action_device_received(self, comment=None):
        """The body (or the Sở) has the device back from its holder."""
        self._require_actor()
        self._lock()
        self._expect(("recovering",), self.env._("marked as received"))
        profile = self.env["cks.province.profile"]._get_current()
        for request in self:
            token = request.token_id.sudo()  # sudo: the flow checked the caller acts for the body
            if token.state not in ("recovered", "returned_focal"):
                token._transition("recover", reason=self.env._("Recovered (%(name)s)", name=request.name))
            second_leg = profile.handback_ca_days if profile.handback_subscriber_days else None
            request._move("received", second_leg, {"device_received_at": fields.Datetime.now()})
            request._log("device_received", "recovering", comment)
            request._schedule_step_activity()
        return True

    @flow_action
    def action_hand_back(self, reference=None):
        """The device is handed back to the CA with its record (TT 185/2019 Điều 10.2)."""
        self._require_actor()
        if not (reference or "").strip():
            raise UserError(self.env._("Give the number of the hand-back record signed with the CA."))
        self._lock()
        self._expect(("received",), self.env._("handed back"))
        for request in self:
            request.token_id.sudo()._transition(  # sudo: the flow checked the caller
                "return_ca",
                reason=self.env._("Handed back to the CA (%(name)s)", name=request.name),
                document_ref=reference,
            )
            request._move(
                "done",
                extra={
                    "handed_back_ref": reference.strip(),
                    "result_at": fields.Datetime.now(),
                    "result_by_id": self.env.uid,
                },
            )
            request._log("hand_back", "received", reference)
            request._close_step_activity()
        return True

    # ------------------------------------------------------------ automatic drafts
    # Revocations drafted by the product itself, for the officer to check and submit: when a
    # subscriber retires, leaves, dies or changes job (QĐ 25/2020 Vĩnh Phúc Điều 7.3; QĐ 29/2021
    # Điện Biên Điều 18) and when a device is lost, damaged or its key exposed (QĐ 19/2020 Hà Tĩnh
    # Điều 6.2.c, 10.4).
    @api.model
    def _draft_revocations(self, certificates, grounds, token=None, loss_report=None, note=None):
        """One draft revocation per certificate that is still valid or suspended and has no open
        revocation; returns the drafts. Its first step's deadline follows the province's incident
        window for a device ("immediately": the same day)."""
        certificates = certificates.sudo().filtered(lambda cert: cert.state in ("valid", "suspended"))
        if not certificates:
            return self.browse()
        busy = self.sudo().search(
            [
                ("request_type", "=", "revocation"),
                ("certificate_id", "in", certificates.ids),
                ("state", "not in", CLOSED_STATES),
            ]
        )
        certificates -= busy.certificate_id
        profile = self.env["cks.province.profile"]._get_current()
        days = (
            rules.incident_draft_days(profile.incident_notice, profile.incident_hours)
            if grounds in ("device_lost", "device_damaged", "key_exposed")
            else rules.STEP_DAYS["draft"]
        )
        drafts = self.browse()
        with flow.opened(self._name):
            for cert in certificates:
                # sudo: drafted by the product for the body's officer, whoever took the step that caused it
                draft = self.sudo().create(
                    {
                        "request_type": "revocation",
                        "subscriber_id": cert.subscriber_id.id,
                        "certificate_id": cert.id,
                        "token_id": token.id if token else False,
                        "grounds": grounds,
                        "loss_report_id": loss_report.id if loss_report else False,
                        "comment": note or False,
                        "auto_drafted": True,
                    }
                )
                draft._move("draft", days)
                draft._schedule_step_activity()
                drafts |= draft
        return drafts

    # ---------------------------------------------------------------- nightly
    @api.model
    def _cron_deadlines(self):
        """Nightly: every open step's deadline again from the working calendar (holidays may have
        been edited), then an activity for each step newly overdue, for the role that acts next."""
        self._recompute_deadlines()
        self._flag_overdue()

    @api.model
    def _recompute_deadlines(self):
        working_days = self._working_days()
        requests = self.search_fetch(
            [("state", "in", OPEN_STATES), ("step_start", "!=", False)], ["step_start", "step_days", "deadline"]
        )
        changed = defaultdict(list)
        for request in requests:
            deadline = working_days.add(request.step_start, request.step_days)
            if deadline != request.deadline:
                changed[deadline].append(request.id)
        with flow.opened(self._name):
            for deadline, ids in changed.items():
                self.browse(ids).with_context(tracking_disable=True).write({"deadline": deadline})
        return sum(len(ids) for ids in changed.values())

    @api.model
    def _flag_overdue(self):
        today = self.env["cks.province.profile"]._cks_today()
        late = self.search_fetch(
            [("state", "in", OPEN_STATES), ("deadline", "<", today), ("overdue", "=", False)],
            ["state", "deadline", "holder_body_id", "body_id", "name", "request_type", "drafted_by_id", "auto_drafted"],
        )
        if not late:
            return late
        activity_type = self.env.ref("cks_request.mail_activity_type_request_overdue")
        model_id = self.env["ir.model"]._get_id(self._name)
        responsible = {}
        values = []
        for request in late:
            key = (
                request.state,
                request.holder_body_id or request.body_id,
                request.drafted_by_id,
                request.auto_drafted,
            )
            if key not in responsible:
                responsible[key] = request._responsible_for_step()
            user = responsible[key]
            # in the language of the person who acts, not of the cron's own user
            summary = self.with_context(lang=user.lang or self.env.lang).env._(
                "Overdue since %(deadline)s: %(name)s",
                deadline=request.deadline.strftime("%d/%m/%Y"),
                name=request.name,
            )
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": request.id,
                    "activity_type_id": activity_type.id,
                    "date_deadline": request.deadline,
                    "summary": summary,
                    "user_id": user.id,
                }
            )
        # one batch of activities, without an assignment e-mail each
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(values)
        with flow.opened(self._name):
            late.with_context(tracking_disable=True).write({"overdue": True})
        return late
