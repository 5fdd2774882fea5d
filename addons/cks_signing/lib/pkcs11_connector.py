"""A PKCS#11 connector on PyKCS11: the tokens that hold the signers' keys, signing with them.

Plain Python, importable without Odoo (the signing agent on a signer's computer uses it too).

- ``Pkcs11Module(path)`` loads a PKCS#11 module (SoftHSM2 for the demo and the tests, a token
  vendor's module in production) once per process and lists its tokens with their flags.
- ``module.session(token, pin)`` opens a session and logs in; the PIN is handed to the token
  and forgotten: never kept on an object, never in a message or a log line.
- ``session.find_key(...)`` finds a private key and its certificate by ``CKA_ID`` or label, and
  falls back to matching the certificate's public key (RSA modulus, EC point) when the token's IDs
  and labels do not line up (vendor modules differ: PLATFORM.md, pyHanko issue #457).
- ``session.sign(key, data, mechanism)`` signs with RSA PKCS#1 v1.5 / SHA-256, RSA-PSS / SHA-256
  or ECDSA / SHA-256 (the signature returned as DER for ECDSA, as CMS wants it).

Errors are ``Pkcs11Error`` subclasses with a ``code`` the Odoo side translates, and a plain
English message. A token serves one session at a time in this process (another waits its
turn, ``TokenBusy`` after TOKEN_WAIT seconds); a session is used by one thread at a time (its own
lock); the module is loaded and initialised once per path (a process-wide lock).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import threading
from contextlib import contextmanager, suppress

import PyKCS11
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

_logger = logging.getLogger(__name__)

# Mechanisms, by the names the callers use
RSA_PKCS1V15_SHA256 = "rsa_pkcs1v15_sha256"
RSA_PSS_SHA256 = "rsa_pss_sha256"
ECDSA_SHA256 = "ecdsa_sha256"
MECHANISMS = (RSA_PKCS1V15_SHA256, RSA_PSS_SHA256, ECDSA_SHA256)

# DigestInfo of SHA-256 (RFC 8017, 9.2 note 1): for a token that signs only raw CKM_RSA_PKCS
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")

# What a token says when it is gone: unplugged, or its sessions closed under us
_REMOVED = {
    PyKCS11.CKR_DEVICE_REMOVED,
    PyKCS11.CKR_TOKEN_NOT_PRESENT,
    PyKCS11.CKR_SESSION_HANDLE_INVALID,
    PyKCS11.CKR_SESSION_CLOSED,
    PyKCS11.CKR_DEVICE_ERROR,
    PyKCS11.CKR_SLOT_ID_INVALID,
    PyKCS11.CKR_TOKEN_NOT_RECOGNIZED,
}


# ---------------------------------------------------------------------------------- errors
class Pkcs11Error(Exception):
    """A PKCS#11 failure the user can act on: ``code`` names it, the message says it."""

    code = "pkcs11"

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


class ModuleNotFound(Pkcs11Error):
    code = "module_not_found"


class NoToken(Pkcs11Error):
    code = "no_token"


class WrongPin(Pkcs11Error):
    """The PIN was refused; ``flags`` are the token's PIN flags read right after."""

    code = "wrong_pin"

    def __init__(self, message, flags):
        super().__init__(message, flags=flags)
        self.flags = flags


class FinalTry(Pkcs11Error):
    """The next wrong PIN locks the token: the caller must confirm before trying."""

    code = "final_try"


class PinLocked(Pkcs11Error):
    code = "pin_locked"


class KeyNotFound(Pkcs11Error):
    code = "key_not_found"


class CertificateNotFound(Pkcs11Error):
    code = "certificate_not_found"


class MechanismUnsupported(Pkcs11Error):
    code = "mechanism_unsupported"


class TokenRemoved(Pkcs11Error):
    code = "token_removed"


class TokenBusy(Pkcs11Error):
    code = "token_busy"


# ---------------------------------------------------------------------------------- values
@dataclasses.dataclass(frozen=True)
class PinFlags:
    """The token's PIN state (PKCS#11 CK_TOKEN_INFO flags)."""

    count_low: bool = False  # CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered since the last right one
    final_try: bool = False  # CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the token
    locked: bool = False  # CKF_USER_PIN_LOCKED

    @classmethod
    def from_flags(cls, flags):
        return cls(
            count_low=bool(flags & PyKCS11.CKF_USER_PIN_COUNT_LOW),
            final_try=bool(flags & PyKCS11.CKF_USER_PIN_FINAL_TRY),
            locked=bool(flags & PyKCS11.CKF_USER_PIN_LOCKED),
        )


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    slot: int
    label: str
    serial: str
    model: str
    manufacturer: str
    pin: PinFlags
    login_required: bool
    protected_auth_path: bool  # a PIN pad on the reader: the PIN is typed there, not sent

    def public(self):
        """What a signing dialog shows of the token: label, serial, model and its PIN flags."""
        return {
            "label": self.label,
            "serial": self.serial,
            "model": self.model,
            "count_low": self.pin.count_low,
            "final_try": self.pin.final_try,
            "locked": self.pin.locked,
            "protected_auth_path": self.protected_auth_path,
        }


@dataclasses.dataclass(frozen=True)
class KeyPair:
    """A private key on the token and the certificate that goes with it."""

    handle: object = dataclasses.field(repr=False, compare=False)
    key_id: bytes
    label: str
    key_type: str  # "rsa" or "ec"
    certificate: x509.Certificate | None = dataclasses.field(repr=False)

    @property
    def size(self):
        """Bytes of a signature (RSA) or of a DER ECDSA signature at most."""
        public = self.certificate.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            return (public.key_size + 7) // 8
        return 2 * ((public.curve.key_size + 7) // 8) + 9


# ---------------------------------------------------------------------------------- module
_modules = {}  # path: (PyKCS11Lib, RLock)
_modules_lock = threading.Lock()


def is_loaded(path):
    """Whether the PKCS#11 module at ``path`` is already loaded in this process (SoftHSM2 then
    keeps the configuration and the tokens it saw when it was loaded)."""
    return path in _modules


# One signing session per token at a time in this process: PKCS#11 logs in per application, not
# per session (a second session would find the token logged in without giving its PIN, and one
# session's logout ends the others' login). Sessions on different tokens run side by side.
_token_locks = {}
TOKEN_WAIT = 120  # seconds a session waits for the token's other session to finish


def _text(value):
    return (value or "").strip() if isinstance(value, str) else bytes(value).decode(errors="replace").strip()


class Pkcs11Module:
    """A PKCS#11 module (shared library), loaded and initialised once per path in this process."""

    def __init__(self, path):
        self.path = path
        with _modules_lock:
            if path not in _modules:
                if not path or not os.path.isfile(path):
                    raise ModuleNotFound(f"PKCS#11 module not found: {path or '(no path configured)'}", path=path)
                lib = PyKCS11.PyKCS11Lib()
                try:
                    lib.load(path)
                except PyKCS11.PyKCS11Error as error:
                    raise ModuleNotFound(f"PKCS#11 module could not be loaded: {path} ({error})", path=path) from None
                _modules[path] = (lib, threading.RLock())
        # the library and its lock for slot listing and session opening, shared by every
        # Pkcs11Module of this path in the process
        self.lib, self.lock = _modules[path]

    # -------------------------------------------------------------- tokens
    def _pin_flags(self, slot):
        """The token's PIN flags, read now (the one place they come from)."""
        return PinFlags.from_flags(self.lib.getTokenInfo(slot).flags)

    def tokens(self):
        """The tokens present, with their label, serial, model and PIN flags."""
        with self.lock:
            try:
                slots = self.lib.getSlotList(tokenPresent=True)
                found = []
                for slot in slots:
                    info = self.lib.getTokenInfo(slot)
                    if not info.flags & PyKCS11.CKF_TOKEN_INITIALIZED:
                        continue  # an empty slot of SoftHSM2, or a blank token: nothing to sign with
                    found.append(
                        TokenInfo(
                            slot=slot,
                            label=_text(info.label),
                            serial=_text(info.serialNumber),
                            model=_text(info.model),
                            manufacturer=_text(info.manufacturerID),
                            pin=self._pin_flags(slot),
                            login_required=bool(info.flags & PyKCS11.CKF_LOGIN_REQUIRED),
                            protected_auth_path=bool(info.flags & PyKCS11.CKF_PROTECTED_AUTHENTICATION_PATH),
                        )
                    )
                return found
            except PyKCS11.PyKCS11Error as error:
                raise _translate(error, "listing the tokens") from None

    def find_token(self, label=None, serial=None):
        """The one token with this label (labels come back space-padded) and/or serial."""
        tokens = [
            token
            for token in self.tokens()
            if (label is None or token.label == label.strip()) and (serial is None or token.serial == serial.strip())
        ]
        if not tokens:
            wanted = " ".join(part for part in (label and f"label {label!r}", serial and f"serial {serial!r}") if part)
            raise NoToken(f"No token {wanted or ''} is present.".replace("  ", " "), label=label, serial=serial)
        if len(tokens) > 1:
            raise NoToken(f"{len(tokens)} tokens match label {label!r}: name the serial too.", label=label)
        return tokens[0]

    def _open(self, token):
        """A new session on ``token``, not logged in."""
        with self.lock:
            try:
                handle = self.lib.openSession(token.slot, PyKCS11.CKF_SERIAL_SESSION)
            except PyKCS11.PyKCS11Error as error:
                raise _translate(error, "opening a session") from None
        return SigningSession(self, token, handle)

    def certificates(self, token):
        """The certificates on ``token`` (a TokenInfo) readable without its PIN (public objects,
        as tokens keep certificates): (CKA_ID, label, certificate), for a signer to choose one."""
        session = self._open(token)
        try:
            return session._certificates()
        finally:
            session._close()

    @contextmanager
    def session(self, token, pin, *, final_try_confirmed=False):
        """A logged-in session on ``token`` (a TokenInfo), closed on exit whatever happens.

        Refuses a locked token, and a token on its final try unless the caller confirmed it (the
        user was warned that one more wrong PIN locks the token). ``pin`` goes to C_Login only."""
        flags = self._pin_flags(token.slot)
        if flags.locked:
            raise PinLocked(f"The PIN of token {token.label!r} is locked: unblock it first.", token=token.label)
        if flags.final_try and not final_try_confirmed:
            raise FinalTry(
                f"Token {token.label!r}: one more wrong PIN locks it. Confirm before trying again.",
                token=token.label,
            )
        with _modules_lock:
            token_lock = _token_locks.setdefault((self.path, token.slot), threading.Lock())
        if not token_lock.acquire(timeout=TOKEN_WAIT):
            raise TokenBusy(f"Token {token.label!r} is busy with another signing: try again shortly.")
        try:
            session = self._open(token)
            try:
                session._login(pin)
                del pin
                yield session
            finally:
                session._close()
        finally:
            token_lock.release()


# ---------------------------------------------------------------------------------- session
class SigningSession:
    """A logged-in PKCS#11 session on one token; one thread signs with it at a time."""

    def __init__(self, module, token, handle):
        self.module = module
        self.token = token
        self._handle = handle
        self._lock = threading.RLock()
        self._logged_in = False
        self._mechanisms = None

    def __repr__(self):
        return f"<SigningSession token={self.token.label!r} logged_in={self._logged_in}>"

    def _login(self, pin):
        with self._lock:
            try:
                if self.token.protected_auth_path and not pin:
                    self._handle.login(None)  # the reader's PIN pad asks for it
                else:
                    self._handle.login(pin)
            except PyKCS11.PyKCS11Error as error:
                if error.value in (PyKCS11.CKR_PIN_INCORRECT, PyKCS11.CKR_PIN_LEN_RANGE):
                    flags = self.module._pin_flags(self.token.slot)
                    if flags.locked:
                        raise PinLocked(
                            f"Wrong PIN: token {self.token.label!r} is now locked.", token=self.token.label
                        ) from None
                    warning = " One more wrong PIN locks it." if flags.final_try else ""
                    raise WrongPin(f"Wrong PIN for token {self.token.label!r}.{warning}", flags) from None
                if error.value == PyKCS11.CKR_PIN_LOCKED:
                    raise PinLocked(
                        f"The PIN of token {self.token.label!r} is locked.", token=self.token.label
                    ) from None
                raise _translate(error, "logging in") from None
            self._logged_in = True

    def _close(self):
        with self._lock:
            # the token may be gone: then there is nothing to log out of or to close
            if self._logged_in:
                with suppress(PyKCS11.PyKCS11Error):
                    self._handle.logout()
            self._logged_in = False
            with suppress(PyKCS11.PyKCS11Error):
                self._handle.closeSession()

    # -------------------------------------------------------------- objects
    def _find(self, template):
        with self._lock:
            try:
                return self._handle.findObjects(template)
            except PyKCS11.PyKCS11Error as error:
                raise _translate(error, "searching the token") from None

    def _attributes(self, handle, names):
        with self._lock:
            try:
                return self._handle.getAttributeValue(handle, names)
            except PyKCS11.PyKCS11Error as error:
                raise _translate(error, "reading the token") from None

    def _certificates(self):
        """(CKA_ID, label, certificate) of each X.509 certificate on the token."""
        found = []
        for handle in self._find([(PyKCS11.CKA_CLASS, PyKCS11.CKO_CERTIFICATE)]):
            key_id, label, value = self._attributes(handle, [PyKCS11.CKA_ID, PyKCS11.CKA_LABEL, PyKCS11.CKA_VALUE])
            if not value:
                continue
            try:
                certificate = x509.load_der_x509_certificate(bytes(value))
            except ValueError:
                continue  # not an X.509 certificate we can read
            found.append((bytes(key_id or b""), _text(label or ""), certificate))
        return found

    def _private_keys(self):
        """(handle, CKA_ID, label, key type, public numbers) of each private key."""
        found = []
        for handle in self._find([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY)]):
            key_id, label, key_type = self._attributes(
                handle, [PyKCS11.CKA_ID, PyKCS11.CKA_LABEL, PyKCS11.CKA_KEY_TYPE]
            )
            kind = "rsa" if key_type == PyKCS11.CKK_RSA else "ec" if key_type == PyKCS11.CKK_EC else None
            if kind:
                found.append((handle, bytes(key_id or b""), _text(label or ""), kind))
        return found

    def _public_fingerprint(self, key_id, kind):
        """What identifies the public half of the pair with this ID: the RSA modulus or the EC
        point, read from the token's public key object (CKA_MODULUS is public on most tokens;
        sensitive attributes read as None, never raise)."""
        template = [(PyKCS11.CKA_CLASS, PyKCS11.CKO_PUBLIC_KEY)]
        if key_id:
            template.append((PyKCS11.CKA_ID, key_id))
        for handle in self._find(template):
            name = PyKCS11.CKA_MODULUS if kind == "rsa" else PyKCS11.CKA_EC_POINT
            (value,) = self._attributes(handle, [name])
            if value:
                return bytes(value)
        return None

    def key_pairs(self):
        """Every private key that has its certificate on the token."""
        certificates = self._certificates()
        pairs = []
        for handle, key_id, label, kind in self._private_keys():
            certificate = next((cert for cid, _label, cert in certificates if key_id and cid == key_id), None)
            if certificate is None:
                certificate = self._match_by_public_key(key_id, kind, certificates)
            if certificate is not None:
                pairs.append(KeyPair(handle=handle, key_id=key_id, label=label, key_type=kind, certificate=certificate))
        return pairs

    def _match_by_public_key(self, key_id, kind, certificates):
        fingerprint = self._public_fingerprint(key_id, kind)
        if not fingerprint:
            return None
        for _cid, _label, certificate in certificates:
            if _public_key_fingerprint(certificate, kind) in (fingerprint, _strip_octet_string(fingerprint)):
                return certificate
        return None

    def find_key(self, key_id=None, label=None, certificate=None):
        """The key pair with this CKA_ID, label, or certificate (else the only one on the token)."""
        pairs = self.key_pairs()
        if certificate is not None:
            wanted = certificate.fingerprint(hashes.SHA256())
            pairs = [pair for pair in pairs if pair.certificate.fingerprint(hashes.SHA256()) == wanted]
        if key_id is not None:
            pairs = [pair for pair in pairs if pair.key_id == key_id]
        if label is not None:
            pairs = [pair for pair in pairs if pair.label == label]
        if len(pairs) == 1:
            return pairs[0]
        if not pairs:
            if not self._private_keys():
                raise KeyNotFound(f"Token {self.token.label!r} holds no private key.", token=self.token.label)
            if not self._certificates():
                raise CertificateNotFound(
                    f"Token {self.token.label!r} holds no certificate for its keys.", token=self.token.label
                )
            raise KeyNotFound(
                f"No key with its certificate matches on token {self.token.label!r}.", token=self.token.label
            )
        raise KeyNotFound(
            f"Token {self.token.label!r} holds {len(pairs)} keys: name the one to use (ID or label).",
            token=self.token.label,
        )

    # -------------------------------------------------------------- signing
    def mechanisms(self):
        if self._mechanisms is None:
            with self._lock:
                try:
                    self._mechanisms = set(self.module.lib.getMechanismList(self.token.slot))
                except PyKCS11.PyKCS11Error as error:
                    raise _translate(error, "reading the token's mechanisms") from None
        return self._mechanisms

    def sign(self, key, data, mechanism=RSA_PKCS1V15_SHA256):
        """The signature of ``data`` (the bytes to be signed, not their digest) with ``key``."""
        available = self.mechanisms()
        if mechanism == RSA_PKCS1V15_SHA256 and key.key_type == "rsa":
            if "CKM_SHA256_RSA_PKCS" in available:
                return self._sign(key, data, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS, None))
            if "CKM_RSA_PKCS" in available:  # the token pads only: give it the DigestInfo
                digest_info = SHA256_DIGEST_INFO + hashlib.sha256(data).digest()
                return self._sign(key, digest_info, PyKCS11.Mechanism(PyKCS11.CKM_RSA_PKCS, None))
        elif mechanism == RSA_PSS_SHA256 and key.key_type == "rsa":
            if "CKM_SHA256_RSA_PKCS_PSS" in available:
                pss = PyKCS11.RSA_PSS_Mechanism(
                    PyKCS11.CKM_SHA256_RSA_PKCS_PSS, PyKCS11.CKM_SHA256, PyKCS11.CKG_MGF1_SHA256, 32
                )
                return self._sign(key, data, pss)
        elif mechanism == ECDSA_SHA256 and key.key_type == "ec":
            if "CKM_ECDSA_SHA256" in available:
                raw = self._sign(key, data, PyKCS11.Mechanism(PyKCS11.CKM_ECDSA_SHA256, None))
            elif "CKM_ECDSA" in available:
                raw = self._sign(key, hashlib.sha256(data).digest(), PyKCS11.Mechanism(PyKCS11.CKM_ECDSA, None))
            else:
                raw = None
            if raw is not None:
                half = len(raw) // 2
                return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
        raise MechanismUnsupported(
            f"Token {self.token.label!r} cannot sign with {mechanism} using its {key.key_type.upper()} key.",
            mechanism=mechanism,
        )

    def _sign(self, key, data, mechanism):
        with self._lock:
            try:
                return bytes(self._handle.sign(key.handle, data, mechanism))
            except PyKCS11.PyKCS11Error as error:
                if error.value == PyKCS11.CKR_MECHANISM_INVALID:
                    raise MechanismUnsupported(f"Token {self.token.label!r} refused the mechanism.") from None
                raise _translate(error, "signing") from None


# ---------------------------------------------------------------------------------- helpers
def _public_key_fingerprint(certificate, kind):
    public = certificate.public_key()
    if kind == "rsa" and isinstance(public, rsa.RSAPublicKey):
        modulus = public.public_numbers().n
        return modulus.to_bytes((modulus.bit_length() + 7) // 8, "big")
    if kind == "ec" and isinstance(public, ec.EllipticCurvePublicKey):
        return public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return None


def _strip_octet_string(value):
    """CKA_EC_POINT is the point wrapped in a DER OCTET STRING on most tokens."""
    if len(value) > 2 and value[0] == 0x04 and value[1] == len(value) - 2:
        return value[2:]
    if len(value) > 3 and value[0] == 0x04 and value[1] == 0x81 and value[2] == len(value) - 3:
        return value[3:]
    return value


def _translate(error, doing):
    """The Pkcs11Error for a PyKCS11 failure while ``doing`` something."""
    if error.value in _REMOVED:
        return TokenRemoved(f"The token was removed or stopped answering while {doing}.", ckr=error.value)
    if error.value == PyKCS11.CKR_MECHANISM_INVALID:
        return MechanismUnsupported(f"The token does not support the mechanism asked for while {doing}.")
    return Pkcs11Error(f"PKCS#11 error while {doing}: {PyKCS11.CKR.get(error.value, error)}")
