import base64
import functools
import hashlib
import inspect
import json
import logging
import os
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.cks_subscriber.lib import certificate as certlib
from odoo.addons.cks_subscriber.lib import flow

from ..lib import agent_token, pdf_signing, pdf_validation, signing_agent
from ..lib import pkcs11_connector as pk

# System parameters, set by the system administrator (Settings → CKS: signing)
PARAM_MODULE = "cks_signing.pkcs11_module"  # path of the PKCS#11 module of the server's tokens
PARAM_SOFTHSM_CONF = "cks_signing.softhsm2_conf"  # SoftHSM2's configuration (demo and tests)
PARAM_TRUST_ROOTS = "cks_signing.trust_roots"  # PEM certificates of the CAs trusted
PARAM_TSA_URL = "cks_signing.tsa_url"  # an RFC 3161 timestamp authority: PAdES B-T
PARAM_AGENT_URL = "cks_signing.agent_url"  # where the page finds the signing agent (loopback)
PARAM_AGENT_KEY = "cks_signing.agent_key"  # Ed25519 private key (PEM) of the request tokens, made once
DEFAULT_AGENT_URL = f"http://127.0.0.1:{signing_agent.DEFAULT_PORT}"


def takes_pin(method):
    """Mark a public method that receives a PIN (argument ``pin``): Odoo's RPC layer logs every
    call with its arguments at debug level (``odoo.service.model``); the PIN of such a call is
    written there as asterisks (RedactPins)."""
    position = list(inspect.signature(method).parameters).index("pin") - 1  # without self

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        return method(self, *args, **kwargs)

    call._cks_pin_position = position
    return call


class RedactPins(logging.Filter):
    """The PIN of a call to a ``takes_pin`` method, masked in Odoo's debug log of RPC calls."""

    MESSAGE = "call %s.%s(%s)"  # odoo/service/model.py, call_kw

    def filter(self, record):
        if record.msg == self.MESSAGE and isinstance(record.args, tuple) and len(record.args) == 3:
            records, name, params = record.args
            position = getattr(getattr(type(records), name, None), "_cks_pin_position", None)
            if position is not None:
                args, kwargs = list(params.args), dict(params.kwargs)
                if "pin" in kwargs:
                    kwargs["pin"] = "******"
                elif len(args) > position:
                    args[position] = "******"
                record.args = (records, name, type(params)(args, kwargs))
        return True


logging.getLogger("odoo.service.model").addFilter(RedactPins())


def fingerprint(certificate):
    """A certificate's SHA-256 fingerprint as cks.certificate keeps it (AA:BB:...)."""
    return ":".join(f"{byte:02X}" for byte in certificate.fingerprint(hashes.SHA256()))


class CksSigningService(models.AbstractModel):
    """Signing on the server, with a token or HSM attached to it (an organisation seal kept in
    the server room; SoftHSM2 in the demo and the tests): the PKCS#11 connector, the signer's
    registered certificates, pyHanko, and the verification of every signature after signing.

    The PIN is an argument, handed to the token and dropped: never a field, never logged."""

    _name = "cks.signing.service"
    _description = "Signing Service"

    # ------------------------------------------------------------------ configuration
    @api.model
    def _param(self, name):
        return self.env["ir.config_parameter"].sudo().get_param(name) or ""  # sudo: the signing set-up

    @api.model
    def _pkcs11(self):
        path = self._param(PARAM_MODULE)
        conf = self._param(PARAM_SOFTHSM_CONF)
        if conf and not os.environ.get("SOFTHSM2_CONF"):
            os.environ["SOFTHSM2_CONF"] = conf  # read by SoftHSM2 when it is first loaded
        try:
            return pk.Pkcs11Module(path)
        except pk.Pkcs11Error as error:
            raise UserError(self._message(error)) from None

    @api.model
    def _trust_roots(self):
        pem = self._param(PARAM_TRUST_ROOTS).encode()
        try:
            return x509.load_pem_x509_certificates(pem) if pem.strip() else []
        except ValueError:
            raise UserError(
                self.env._(
                    "The trusted CA certificates of the signing settings are not valid PEM: ask the administrator."
                )
            ) from None

    @api.model
    def _x509(self, certificate):
        """The ``cryptography`` certificate of a cks.certificate (its registered file)."""
        return certlib.load_certificate(
            base64.b64decode(certificate.sudo().file or b"")  # sudo: the signer's own registered certificate
        )

    # ------------------------------------------------------------------ the signing agent
    @api.model
    def _origin(self):
        """This Odoo's origin (scheme://host[:port]) as browsers send it: what the agent accepts."""
        url = urlsplit(self._param("web.base.url") or "")
        return f"{url.scheme}://{url.netloc}"

    @api.model
    def _agent_key(self):
        """The Ed25519 key that signs the agent's request tokens: made once, kept in the system
        parameters (readable by the administrator alone)."""
        ICP = self.env["ir.config_parameter"].sudo()  # sudo: the key is the server's
        pem = ICP.get_param(PARAM_AGENT_KEY)
        if not pem:
            pem = agent_token.private_pem(agent_token.new_key())
            ICP.set_param(PARAM_AGENT_KEY, pem)
        return agent_token.load_private(pem)

    @api.model
    def agent_settings(self):
        """Where the signing dialog finds the agent on the user's computer, and the token that lets
        it list the certificates there (the agent answers no request Odoo did not issue)."""
        return {
            "url": self._param(PARAM_AGENT_URL) or DEFAULT_AGENT_URL,
            "request": agent_token.issue_listing(self._agent_key(), origin=self._origin()),
        }

    @api.model
    def _agent_config(self):
        """The agent's configuration file for the signers' computers: Odoo's origin and the
        public half of the request-token key (nothing secret)."""
        port = urlsplit(self._param(PARAM_AGENT_URL) or DEFAULT_AGENT_URL).port or signing_agent.DEFAULT_PORT
        return json.dumps(
            {"origin": self._origin(), "public_key": agent_token.public_pem(self._agent_key()), "port": port},
            indent=2,
        )

    @api.model
    def server_tokens(self):
        """The tokens attached to the server, for the signing dialog: label, serial, model and
        whether the next wrong PIN locks them."""
        return [token.public() for token in self._tokens()]

    @api.model
    def _tokens(self):
        try:
            return self._pkcs11().tokens()
        except pk.Pkcs11Error as error:
            raise UserError(self._message(error)) from None

    # ------------------------------------------------------------------ messages
    @api.model
    def _message(self, error):
        """What a connector error tells the user, in their language."""
        token = error.details.get("token") or ""
        messages = {
            "module_not_found": self.env._(
                "The signing module of the server's tokens is not installed or not configured (%(path)s): "
                "ask the administrator.",
                path=error.details.get("path") or "-",
            ),
            "no_token": self.env._("The token is not plugged into the server: plug it in and try again."),
            "wrong_pin": self.env._("Wrong PIN: nothing was signed. One more wrong PIN locks the token.")
            if getattr(error, "flags", None) and error.flags.final_try
            else self.env._("Wrong PIN: nothing was signed."),
            "final_try": self.env._(
                "Token %(token)s: one more wrong PIN locks it. Confirm that you want to try again.", token=token
            ),
            "pin_locked": self.env._(
                "The PIN of token %(token)s is locked: it must be unblocked before it signs again.", token=token
            ),
            "key_not_found": self.env._("The token holds no key for this signature: nothing was signed."),
            "certificate_not_found": self.env._(
                "The token holds a key without its certificate: nothing was signed. Ask the administrator."
            ),
            "mechanism_unsupported": self.env._("The token cannot make this kind of signature: nothing was signed."),
            "token_removed": self.env._(
                "The token was removed while signing: nothing was stored. Plug it in and sign again."
            ),
            "token_busy": self.env._("The token is signing for someone else right now: try again in a moment."),
        }
        return messages.get(error.code) or self.env._("The token refused to sign: %(error)s", error=str(error))

    # ------------------------------------------------------------------ signing
    @api.model
    def _sign(self, pdf, *, token_serial, pin, certificates, appearance, field_name, box, final_try_confirmed=False):
        """``pdf`` with one more signature made on the server's token ``token_serial``, with the
        key of one of ``certificates`` (cks.certificate records the signer may use); every
        signature of the result is then verified. Returns (signed pdf, the cks.certificate used).
        Nothing is stored here: the caller stores the result once all went well."""
        registered = {cert.fingerprint_sha256: cert for cert in certificates if cert.fingerprint_sha256}
        if not registered:
            raise UserError(
                self.env._(
                    "No valid certificate with its file is registered for this signer: register the "
                    "certificate (its .cer file) on the subscriber first."
                )
            )
        roots = self._trust_roots()
        module = self._pkcs11()
        try:
            token = module.find_token(serial=token_serial)
            with module.session(token, pin, final_try_confirmed=final_try_confirmed) as session:
                pairs = [pair for pair in session.key_pairs() if fingerprint(pair.certificate) in registered]
                if not pairs:
                    raise UserError(
                        self.env._(
                            "Token %(token)s holds no key of a certificate registered for this signer: "
                            "sign with your own token.",
                            token=token.label,
                        )
                    )
                key = pairs[0]
                signer = pdf_signing.TokenSigner(session, key, chain=roots)
                signed = pdf_signing.sign_pdf(
                    pdf,
                    signer,
                    field_name=field_name,
                    appearance=appearance,
                    box=box,
                    timestamp_url=self._param(PARAM_TSA_URL) or None,
                )
        except pk.Pkcs11Error as error:
            raise UserError(self._message(error)) from None
        finally:
            del pin
        self._verify(signed, roots)
        return signed, registered[fingerprint(key.certificate)]

    @api.model
    def _verify(self, pdf, roots=None):
        """Every signature of ``pdf`` intact, valid and trusted, or a UserError saying which is not."""
        try:
            reports = pdf_validation.validate_pdf(pdf, self._trust_roots() if roots is None else roots)
        except pdf_validation.NotASignedPdf as error:
            raise UserError(self.env._("The signed file cannot be verified: %(error)s", error=str(error))) from None
        for report in reports:
            if not report.ok:
                raise UserError(
                    self.env._(
                        "The signature of %(signer)s does not verify (intact: %(intact)s, trusted: %(trusted)s): "
                        "nothing was stored.",
                        signer=report.signer,
                        intact=report.intact,
                        trusted=report.trusted,
                    )
                )
        return reports

    @api.model
    def _record(
        self, record, signed, *, role, kind, certificate, file_name, declaration=False, token_serial="", where="server"
    ):
        """The signed file kept on ``record`` and its signature in the ledger (the flow's step)."""
        attachment = (
            self.env["ir.attachment"]
            .sudo()  # sudo: the signed form is kept on the record whose step this is
            .create(
                {
                    "name": file_name,
                    "raw": signed,
                    "mimetype": "application/pdf",
                    "res_model": record._name,
                    "res_id": record.id,
                }
            )
        )
        Signature = self.env["cks.signature"].sudo()  # sudo: the ledger is written by the step alone
        sequence = Signature.search_count([("res_model", "=", record._name), ("res_id", "=", record.id)]) + 1
        with flow.opened("cks.signature"):
            return Signature.create(
                {
                    "res_model": record._name,
                    "res_id": record.id,
                    "document_name": record.display_name,
                    "sequence": sequence,
                    "role": role,
                    "kind": kind,
                    "user_id": self.env.uid,
                    "signed_at": fields.Datetime.now(),
                    "certificate_subject": certificate.subject_cn,
                    "certificate_serial": certificate.serial,
                    "certificate_issuer": certificate.issuer_cn,
                    "certificate_id": certificate.id,
                    "file_sha256": hashlib.sha256(signed).hexdigest(),
                    "attachment_id": attachment.id,
                    "declaration": declaration or False,
                    "where": where,
                    "token_serial": token_serial or False,
                }
            )

    @api.model
    def _certificates_of(self, user, kind="individual", body=None):
        """The valid registered certificates ``user`` may sign with: their own (an individual
        subscriber linked to them), or their body's organisation certificate they are responsible for."""
        Certificate = self.env["cks.certificate"].sudo()  # sudo: the signer's own certificates
        if kind == "organization":
            domain = [("subscriber_id.responsible_user_id", "=", user.id), ("kind", "=", "organization")]
            if body:
                domain.append(("subscriber_id.body_id", "=", body.id))
        else:
            domain = [("subscriber_id.user_id", "=", user.id), ("kind", "=", "individual")]
        return Certificate.search([*domain, ("state", "=", "valid")])
