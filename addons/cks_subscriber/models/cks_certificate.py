import base64
import binascii
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import certificate as certlib
from ..lib import flow
from .cks_input_guard import flow_action

CERTIFICATE_STATES = [
    ("valid", "Valid"),
    ("suspended", "Suspended"),
    ("revoked", "Revoked"),
    ("expired", "Expired"),
]
# Allowed moves of the state; "expired" is set by the daily cron only.
TRANSITIONS = {
    "suspend": ({"valid"}, "suspended"),
    "resume": ({"suspended"}, "valid"),
    "revoke": ({"valid", "suspended"}, "revoked"),
    "expire": ({"valid", "suspended"}, "expired"),
}
ISSUE_TYPES = [("new", "New"), ("renewal", "Renewal")]
REMINDER_DAYS = (90, 60, 30)
# The names RFC 5280 gives the key usages, as some lists of the CA write them, and their codes.
KEY_USAGE_ALIASES = {
    "digitalSignature": "digital_signature",
    "nonRepudiation": "content_commitment",
    "contentCommitment": "content_commitment",
    "keyEncipherment": "key_encipherment",
    "dataEncipherment": "data_encipherment",
    "keyAgreement": "key_agreement",
    "keyCertSign": "key_cert_sign",
    "cRLSign": "crl_sign",
    "encipherOnly": "encipher_only",
    "decipherOnly": "decipher_only",
}
# Fields that come from the uploaded file and may not be edited beside it.
PARSED_FIELDS = (
    "serial",
    "subject",
    "issuer",
    "subject_cn",
    "issuer_cn",
    "valid_from",
    "valid_to",
    "key_usage",
    "fingerprint_sha256",
)


def _split_list(text):
    """The items of a comma-separated list, stripped, without empty ones."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class CksCertificate(models.Model):
    """A certificate (chứng thư số) issued by the Government's specialised CA."""

    _name = "cks.certificate"
    _description = "Certificate"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "valid_to desc, id desc"
    _rec_names_search = ["name", "serial", "subject_cn"]
    # body_id and kind follow the subscriber (stored related fields: Odoo would store a client's value)
    _flow_fields = ("state", "state_reason", "reminder_stage", "body_id", "kind")
    _scope_fields = ("subscriber_id",)

    name = fields.Char(compute="_compute_name", store=True)
    subscriber_id = fields.Many2one("cks.subscriber", required=True, index=True, ondelete="restrict", tracking=True)
    body_id = fields.Many2one(related="subscriber_id.body_id", store=True, index=True, string="Managing Body")
    kind = fields.Selection(related="subscriber_id.kind", store=True, string="Kind")
    file = fields.Binary("Certificate File", attachment=True, copy=False)
    file_name = fields.Char()
    serial = fields.Char("Serial Number", required=True, tracking=True, index=True)
    subject = fields.Char()
    subject_cn = fields.Char("Subject Common Name")
    issuer = fields.Char(required=True)
    issuer_cn = fields.Char("Issuer Common Name")
    valid_from = fields.Datetime(required=True)
    valid_to = fields.Datetime("Valid Until", required=True, index=True, tracking=True)
    key_usage = fields.Char("Key Usage Codes")
    key_usage_label = fields.Char(
        "Key Usage",
        compute="_compute_key_usage_label",
        inverse="_inverse_key_usage_label",
    )
    fingerprint_sha256 = fields.Char("SHA-256 Fingerprint", index="btree_not_null")
    issue_type = fields.Selection(ISSUE_TYPES, "Issued As", default="new", required=True)
    renewal_count = fields.Integer("Times Renewed", default=0, tracking=True)
    state = fields.Selection(
        CERTIFICATE_STATES, default="valid", required=True, tracking=True, index=True, readonly=True
    )
    state_reason = fields.Char("Reason of the Last Change", readonly=True)
    reminder_stage = fields.Integer(
        "Last Expiry Reminder (days)",
        readonly=True,
        help="90, 60 or 30 once the reminder was sent; 0 before.",
    )
    exceeds_max_validity = fields.Boolean(
        "Longer than Allowed",
        compute="_compute_rule_flags",
        store=True,
        help="A new certificate is valid at most 5 years, a renewal at most 3 (QĐ 29/2021 Điện Biên, "
        "Art. 16.1 and 17.1).",
    )
    not_yet_valid = fields.Boolean(compute="_compute_timing")
    days_left = fields.Integer(compute="_compute_timing")
    renewal_allowed = fields.Boolean("Renewal Possible", compute="_compute_timing")
    renewal_note = fields.Char("Renewal", compute="_compute_timing")
    active = fields.Boolean(default=True)

    _serial_issuer_unique = models.Constraint(
        "UNIQUE(serial, issuer)",
        "A certificate with this serial number from this issuer is already registered.",
    )
    _dates = models.Constraint("CHECK(valid_from < valid_to)", "A certificate must start before it ends.")

    @api.depends("subject_cn", "serial")
    def _compute_name(self):
        for cert in self:
            cert.name = f"{cert.subject_cn or cert.subscriber_id.name or ''} [{cert.serial or ''}]".strip()

    def _key_usage_labels(self):
        """{code: label in the user's language} of the key usages (the codes ``lib/certificate.py``
        reads from a certificate and the register stores)."""
        return {
            "digital_signature": self.env._("Digital signature"),
            "content_commitment": self.env._("Non-repudiation (content commitment)"),
            "key_encipherment": self.env._("Key encipherment"),
            "data_encipherment": self.env._("Data encipherment"),
            "key_agreement": self.env._("Key agreement"),
            "key_cert_sign": self.env._("Certificate signing"),
            "crl_sign": self.env._("CRL signing"),
            "encipher_only": self.env._("Encipher only"),
            "decipher_only": self.env._("Decipher only"),
        }

    @api.depends("key_usage")
    @api.depends_context("lang")
    def _compute_key_usage_label(self):
        labels = self._key_usage_labels()
        for cert in self:
            codes = [KEY_USAGE_ALIASES.get(part, part) for part in _split_list(cert.key_usage)]
            cert.key_usage_label = ", ".join(labels.get(code, code) for code in codes) or False

    def _inverse_key_usage_label(self):
        """Typed on a certificate registered without a file: a label (in the user's language or
        English) or a code is stored as its code, anything else as typed."""
        labels = self._key_usage_labels()
        english = self.with_context(lang="en_US")._key_usage_labels()
        codes = {
            **{alias.casefold(): code for alias, code in KEY_USAGE_ALIASES.items()},
            **{code: code for code in labels},
            **{label.casefold(): code for code, label in english.items()},
            **{label.casefold(): code for code, label in labels.items()},
        }
        for cert in self.filtered(lambda cert: not cert.file):
            parts = _split_list(cert.key_usage_label)
            cert.key_usage = ", ".join(codes.get(part.casefold(), part) for part in parts) or False

    @api.depends("valid_from", "valid_to", "issue_type", "renewal_count")
    def _compute_rule_flags(self):
        for cert in self:
            # each renewal extends the validity by at most 3 years (Điện Biên, Art. 17.1)
            years = certlib.MAX_RENEWAL_YEARS if cert.issue_type == "renewal" else certlib.MAX_NEW_YEARS
            years += certlib.MAX_RENEWAL_YEARS * (cert.renewal_count or 0)
            cert.exceeds_max_validity = bool(
                cert.valid_from
                and cert.valid_to
                and certlib.exceeds_max_validity(cert.valid_from, cert.valid_to, years)
            )

    @api.depends("valid_from", "valid_to", "renewal_count", "state")
    def _compute_timing(self):
        now = fields.Datetime.now()
        notes = {
            certlib.RENEWAL_OK: self.env._("Possible: at least 60 days of validity left"),
            certlib.RENEWAL_ALREADY_RENEWED: self.env._("Not possible: already renewed once"),
            certlib.RENEWAL_TOO_LATE: self.env._("Not possible: fewer than 60 days of validity left"),
            certlib.RENEWAL_EXPIRED: self.env._("Not possible: the certificate has expired"),
        }
        for cert in self:
            if not cert.valid_to:
                cert.not_yet_valid = cert.renewal_allowed = False
                cert.days_left = 0
                cert.renewal_note = False
                continue
            cert.not_yet_valid = bool(cert.valid_from and cert.valid_from > now)
            cert.days_left = (cert.valid_to - now).days
            allowed, code = certlib.renewal_eligibility(cert.valid_to, now, cert.renewal_count)
            allowed = allowed and cert.state == "valid"
            cert.renewal_allowed = allowed
            cert.renewal_note = notes[code] if cert.state == "valid" else False

    # ------------------------------------------------------------------ upload
    @api.onchange("file")
    def _onchange_file(self):
        """Show what the uploaded file holds before saving (nothing is stored here)."""
        if self.file:
            vals = self._parse_upload({"file": self.file})
            for name in PARSED_FIELDS:
                self[name] = vals[name]

    def _parse_upload(self, vals):
        """Fill vals from the uploaded file; refuse what is not a certificate before anything is stored."""
        if vals.get("file") in (None, False):
            return vals
        if not vals["file"]:  # an empty file arrives as "" (its base64 form)
            raise UserError(self.env._("The uploaded file is empty: nothing was stored. Upload the certificate file."))
        try:
            data = base64.b64decode(vals["file"], validate=False)
        except (binascii.Error, ValueError, TypeError):
            data = b""
        try:
            info = certlib.parse_certificate(data)
        except certlib.PrivateKeyError:
            raise UserError(
                self.env._(
                    "This file contains a private key. A private key must never leave its token and is "
                    "never uploaded: the file was not stored. Upload the certificate alone (.cer, .crt or .pem)."
                )
            ) from None
        except certlib.NotACertificateError:
            raise UserError(
                self.env._("The file is not an X.509 certificate (DER or PEM): nothing was stored.")
            ) from None
        vals = dict(vals)
        vals.update(
            serial=info.serial_hex,
            subject=info.subject,
            subject_cn=info.subject_cn,
            issuer=info.issuer,
            issuer_cn=info.issuer_cn,
            valid_from=fields.Datetime.to_string(info.not_before.replace(tzinfo=None)),
            valid_to=fields.Datetime.to_string(info.not_after.replace(tzinfo=None)),
            key_usage=", ".join(info.key_usage),
            fingerprint_sha256=info.fingerprint_sha256,
        )
        return vals

    def _check_duplicate(self, vals_list):
        """A clear message for a serial already registered, in one query per batch
        (the SQL constraint stays the last guard)."""
        keys = [(vals["serial"], vals["issuer"]) for vals in vals_list if vals.get("serial") and vals.get("issuer")]
        if not keys:
            return
        candidates = (
            self.sudo()  # sudo: a serial registered in a body the caller may not see
            .with_context(active_test=False)
            .search_fetch(
                [("serial", "in", list({serial for serial, _issuer in keys})), ("id", "not in", self.ids)],
                ["serial", "issuer"],
            )
        )
        existing = {(cert.serial, cert.issuer): cert for cert in candidates}
        seen = set()
        for vals in vals_list:
            key = (vals.get("serial"), vals.get("issuer"))
            if key in existing or key in seen:
                raise ValidationError(
                    self.env._(
                        "The certificate %(serial)s from %(issuer)s is already registered.",
                        serial=key[0],
                        issuer=vals.get("issuer_cn") or key[1],
                    )
                )
            seen.add(key)

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._parse_upload(vals) for vals in vals_list]
        self._check_duplicate(vals_list)
        return super().create(vals_list)

    def _flow_initial_values(self, vals):
        """A certificate is registered valid; an expired one is accepted, and flagged by its status."""
        vals = super()._flow_initial_values(vals)
        valid_to = vals.get("valid_to")
        if vals["state"] == "valid" and valid_to and fields.Datetime.to_datetime(valid_to) < fields.Datetime.now():
            vals["state"] = "expired"
        return vals

    def write(self, vals):
        if "file" in vals and vals["file"] is not False:
            vals = self._parse_upload(vals)
            self._check_duplicate([vals])
        elif any(name in vals for name in PARSED_FIELDS) and self.filtered("file") and not flow.is_open(self._name):
            # (the CA's renewal result extends the validity inside the request's flow)
            raise UserError(self.env._("The data of an uploaded certificate come from its file and cannot be edited."))
        return super().write(vals)

    # ------------------------------------------------------------- transitions
    def _transition(self, move, reason=False):
        allowed_from, target = TRANSITIONS[move]
        labels = dict(self._fields["state"]._description_selection(self.env))
        for cert in self:
            if cert.state not in allowed_from:
                raise UserError(
                    self.env._(
                        "%(cert)s is %(state)s: it cannot become %(target)s.",
                        cert=cert.display_name,
                        state=labels[cert.state],
                        target=labels[target],
                    )
                )
        with flow.opened(self._name):
            self.write({"state": target, "state_reason": reason})

    @flow_action
    def action_suspend(self):
        self._transition("suspend")

    @flow_action
    def action_resume(self):
        self._transition("resume")

    @flow_action
    def action_revoke(self):
        self._transition("revoke")

    # -------------------------------------------------------------------- crons
    @api.model
    def _cron_expire(self, batch_size=5000):
        """Nightly: certificates past their end date become expired, in committed batches."""
        domain = [("state", "in", ("valid", "suspended")), ("valid_to", "<", fields.Datetime.now())]
        # set by Odoo's cron runner; it only decides whether each batch is committed, and this
        # private method is not reachable from a client
        in_cron = bool(self.env.context.get("cron_id"))
        # No chatter message per certificate (it cost 95 % of the run at 10,000 a
        # night, see bench/README.md): the status, its reason and the write date say it.
        quiet = self.with_context(tracking_disable=True)
        while batch := quiet.search(domain, limit=batch_size):
            batch._transition("expire", reason=self.env._("Validity period ended"))
            if in_cron:
                self.env["ir.cron"]._commit_progress(len(batch))
            if len(batch) < batch_size:
                break

    @api.model
    def _cron_expiry_reminders(self):
        """Activities for the body's officer 90, 60 and 30 days before expiry, once per threshold."""
        now = fields.Datetime.now()
        activity_type = self.env.ref("cks_subscriber.mail_activity_type_expiry")
        model_id = self.env["ir.model"]._get_id(self._name)
        admin = self.env.ref("base.user_admin")
        for days in sorted(REMINDER_DAYS):  # 30 first: a certificate gets only its nearest threshold
            certs = self.search(
                [
                    ("state", "=", "valid"),
                    ("valid_to", ">", now),
                    ("valid_to", "<=", now + timedelta(days=days)),
                    "|",
                    ("reminder_stage", "=", 0),
                    ("reminder_stage", ">", days),
                ]
            )
            responsible = {body: body._responsible_user() for body in certs.body_id}
            # one batch of activities, without an assignment e-mail for each
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": cert.id,
                        "activity_type_id": activity_type.id,
                        "date_deadline": cert.valid_to.date(),
                        "summary": self.env._(
                            "Certificate %(cert)s expires in %(days)s days",
                            cert=cert.display_name,
                            days=(cert.valid_to - now).days,
                        ),
                        "user_id": responsible.get(cert.body_id, admin).id or admin.id,
                    }
                    for cert in certs
                ]
            )
            with flow.opened(self._name):
                certs.write({"reminder_stage": days})
