"""Reading and checking the certificates of the Government specialised CA (CKS chuyên dùng Chính phủ).

The subscriber register keeps a copy of every digital-signature certificate that the
Government Cipher Committee's CA issued to an official of the province.  Officials upload the
certificate file they received (``.cer``, ``.crt`` or ``.pem``); this module turns the file into
a :class:`CertificateInfo` and applies the validity rules of the provincial regulation.

Two safety rules come first:

* a **private key** must never reach the server.  Any file that contains one (a PEM key block,
  a DER PKCS#8/PKCS#1/SEC1 key, an encrypted PKCS#8 key, a PKCS#12 ``.p12``/``.pfx`` bundle) is
  refused with :class:`PrivateKeyError` *before* anything else is read, even when the same file
  also holds the certificate;
* anything that is not an X.509 certificate is refused with :class:`NotACertificateError`.

Vietnamese names are kept as real characters in :attr:`CertificateInfo.subject` and
:attr:`CertificateInfo.issuer` (the RFC 4514 strings are built here, escaping only the
characters RFC 4514 requires), so "CN=Nguyễn Văn An" is shown as such and not as hex escapes.

This module is pure Python on top of ``cryptography``: it does not import Odoo, performs no
network access and writes nothing to disk, so it can be unit-tested on its own.
"""

from __future__ import annotations

import binascii
import datetime as dt
import enum
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "MAX_NEW_YEARS",
    "MAX_RENEWAL_YEARS",
    "RENEWAL_ALREADY_RENEWED",
    "RENEWAL_EXPIRED",
    "RENEWAL_MIN_DAYS_LEFT",
    "RENEWAL_OK",
    "RENEWAL_TOO_LATE",
    "CertificateError",
    "CertificateInfo",
    "NotACertificateError",
    "PrivateKeyError",
    "RenewalCode",
    "add_years",
    "exceeds_max_validity",
    "parse_certificate",
    "renewal_eligibility",
]

# ---------------------------------------------------------------------------------------------
# Validity rules
#
# QĐ 29/2021 Điện Biên, Điều 16.1 (new: at most 5 years), Điều 17.1 (renewal: at most 3 years).
# Renewal eligibility comes from the CA's public-service page: a certificate may be renewed
# once only, and the request must be made while at least 60 days of validity remain.
# ---------------------------------------------------------------------------------------------
MAX_NEW_YEARS = 5
MAX_RENEWAL_YEARS = 3
RENEWAL_MIN_DAYS_LEFT = 60

#: Slack allowed on top of the maximum validity (CAs round notAfter to the end of a day, etc.).
VALIDITY_TOLERANCE = dt.timedelta(days=1)


class RenewalCode(enum.StrEnum):
    """Outcome of :func:`renewal_eligibility`; the Odoo layer maps each code to a translated text."""

    OK = "ok"  # The certificate can be renewed.
    ALREADY_RENEWED = "already_renewed"  # The certificate has already been renewed once.
    TOO_LATE = "too_late"  # Renewal must be requested at least 60 days before expiry.
    EXPIRED = "expired"  # The certificate has expired; a new certificate must be requested.


RENEWAL_OK = RenewalCode.OK
RENEWAL_ALREADY_RENEWED = RenewalCode.ALREADY_RENEWED
RENEWAL_TOO_LATE = RenewalCode.TOO_LATE
RENEWAL_EXPIRED = RenewalCode.EXPIRED


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
class CertificateError(ValueError):
    """Base class of every error raised while reading an uploaded certificate file."""


class PrivateKeyError(CertificateError):
    """The uploaded file contains a private key; it was refused and not stored."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "The file contains a private key. A private key must never be uploaded: "
            "the file was not stored. Upload only the certificate (.cer, .crt or .pem)."
        )


class NotACertificateError(CertificateError):
    """The uploaded file is not an X.509 certificate."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or "The file is not an X.509 certificate (DER or PEM).")


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------
def _as_utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as an aware UTC datetime; a naive value is taken to be UTC (as Odoo stores)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


@dataclass(frozen=True)
class CertificateInfo:
    """What the register needs to know about one certificate (the leaf of the uploaded file)."""

    serial_hex: str
    serial_int: int
    subject: str
    issuer: str
    subject_cn: str
    issuer_cn: str
    subject_attrs: tuple[tuple[str, str], ...]
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint_sha256: str
    key_usage: tuple[str, ...]
    extended_key_usage: tuple[str, ...]
    public_key_algorithm: str
    public_key_bits: int
    is_ca: bool
    der: bytes
    chain_count: int = 1

    @property
    def validity_days(self) -> int:
        """Whole days between notBefore and notAfter."""
        return (self.not_after - self.not_before).days

    def is_expired(self, at: dt.datetime) -> bool:
        """True when ``at`` is after notAfter (naive datetimes are taken as UTC)."""
        return _as_utc(at) > self.not_after

    def is_not_yet_valid(self, at: dt.datetime) -> bool:
        """True when ``at`` is before notBefore (naive datetimes are taken as UTC)."""
        return _as_utc(at) < self.not_before

    def days_left(self, at: dt.datetime) -> int:
        """Whole days of validity left at ``at``; negative once the certificate has expired."""
        return (self.not_after - _as_utc(at)).days


# ---------------------------------------------------------------------------------------------
# Private-key detection
# ---------------------------------------------------------------------------------------------
_PEM_BLOCK_RE = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----[ \t]*\r?\n(.*?)-----END \1-----",
    re.DOTALL,
)
# Any "BEGIN ... PRIVATE KEY" marker: PRIVATE KEY, RSA/EC/DSA/ENCRYPTED/OPENSSH/ANY PRIVATE KEY...
_PEM_PRIVATE_KEY_RE = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
_PUTTY_KEY_MARKER = b"PuTTY-User-Key-File-"
_CERTIFICATE_LABELS = (b"CERTIFICATE", b"X509 CERTIFICATE")

# DER encodings of the OIDs a PKCS#12 authSafe ContentInfo starts with (pkcs7-data, signedData).
_OID_PKCS7_DATA = bytes.fromhex("06092a864886f70d010701")
_OID_PKCS7_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")


def _der_header(data: bytes, pos: int) -> tuple[int, int | None, int] | None:
    """Read one BER/DER tag-length header at ``pos``.

    Returns ``(tag, length, content_offset)``; ``length`` is None for the indefinite form.
    Only single-byte tags are supported (enough for the universal types used here).
    """
    if pos + 2 > len(data):
        return None
    tag = data[pos]
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        return tag, first, pos
    if first == 0x80:
        return tag, None, pos
    count = first & 0x7F
    if count > 8 or pos + count > len(data):
        return None
    length = int.from_bytes(data[pos : pos + count], "big")
    return tag, length, pos + count


def _looks_like_pkcs12(data: bytes) -> bool:
    """Structural check for a PFX: SEQUENCE { INTEGER 3, ContentInfo { data|signedData ... } ...}.

    Works without the password and tolerates the BER indefinite-length form some tools emit.
    """
    outer = _der_header(data, 0)
    if outer is None or outer[0] != 0x30:
        return False
    version = _der_header(data, outer[2])
    if version is None or version[0] != 0x02 or version[1] != 1:
        return False
    version_end = version[2] + 1
    if data[version[2] : version_end] != b"\x03":
        return False
    auth_safe = _der_header(data, version_end)
    if auth_safe is None or auth_safe[0] != 0x30:
        return False
    oid = data[auth_safe[2] : auth_safe[2] + len(_OID_PKCS7_DATA)]
    return oid in (_OID_PKCS7_DATA, _OID_PKCS7_SIGNED_DATA)


def _der_is_private_key(data: bytes) -> bool:
    """True when ``data`` is a DER private key (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, DSA) or a PFX."""
    if not data:
        return False
    if _looks_like_pkcs12(data):
        return True
    try:
        serialization.load_der_private_key(data, password=None)
    except TypeError:
        # "Password was not given but private key is encrypted": an encrypted key is still a key.
        return True
    except (ValueError, UnsupportedAlgorithm):
        return False
    return True


def _pem_blocks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Return the ``(label, der)`` pairs of the PEM blocks whose base64 body decodes."""
    blocks: list[tuple[bytes, bytes]] = []
    for match in _PEM_BLOCK_RE.finditer(data):
        body = match.group(2)
        # RFC 1421 encapsulated headers (e.g. "Proc-Type:"), if any, end with an empty line.
        if b":" in body.split(b"\n", 1)[0]:
            parts = re.split(rb"\r?\n\r?\n", body, maxsplit=1)
            body = parts[1] if len(parts) == 2 else b""
        try:
            der = binascii.a2b_base64(b"".join(body.split()))
        except (binascii.Error, ValueError):
            continue
        blocks.append((match.group(1), der))
    return blocks


def _is_pem(data: bytes) -> bool:
    return b"-----BEGIN " in data


def _contains_private_key(data: bytes) -> bool:
    if _PEM_PRIVATE_KEY_RE.search(data) or _PUTTY_KEY_MARKER in data:
        return True
    if _is_pem(data):
        # A key hidden under another label (e.g. "PKCS12") is still a key.
        return any(_der_is_private_key(der) for _label, der in _pem_blocks(data))
    return _der_is_private_key(data)


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------
_NAME_SHORT = {
    NameOID.COMMON_NAME: "CN",
    NameOID.SURNAME: "SN",
    NameOID.GIVEN_NAME: "GN",
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.COUNTRY_NAME: "C",
    NameOID.LOCALITY_NAME: "L",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.STREET_ADDRESS: "STREET",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.TITLE: "title",
    NameOID.INITIALS: "initials",
    NameOID.GENERATION_QUALIFIER: "generationQualifier",
    NameOID.DN_QUALIFIER: "dnQualifier",
    NameOID.PSEUDONYM: "pseudonym",
    NameOID.DOMAIN_COMPONENT: "DC",
    NameOID.USER_ID: "UID",  # 0.9.2342.19200300.100.1.1: "CMND:..." / "CCCD:..." at Vietnamese CAs
    NameOID.EMAIL_ADDRESS: "emailAddress",
    NameOID.POSTAL_CODE: "postalCode",
    NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
}

_RFC4514_SPECIAL = frozenset(',+"\\<>;')


def _escape_rfc4514(value: str) -> str:
    """Escape per RFC 4514 §2.4, leaving non-ASCII letters (Vietnamese) as they are."""
    out = []
    last = len(value) - 1
    for index, char in enumerate(value):
        if char in _RFC4514_SPECIAL or (index == 0 and char in "# ") or (index == last and char == " "):
            out.append("\\" + char)
        elif char == "\x00":
            out.append("\\00")
        else:
            out.append(char)
    return "".join(out)


def _attr_value(attribute: x509.NameAttribute) -> str:
    value = attribute.value
    if isinstance(value, bytes):  # e.g. x500UniqueIdentifier (BIT STRING)
        return "#" + value.hex().upper()
    return value


def _name_parts(name: x509.Name) -> tuple[str, tuple[tuple[str, str], ...]]:
    """RFC 4514 string (most specific RDN first) and the matching ``(short name, value)`` pairs."""
    rdn_strings = []
    pairs: list[tuple[str, str]] = []
    for rdn in reversed(name.rdns):
        members = []
        for attribute in rdn:
            short = _NAME_SHORT.get(attribute.oid, attribute.oid.dotted_string)
            value = _attr_value(attribute)
            pairs.append((short, value))
            members.append(f"{short}={_escape_rfc4514(value)}")
        rdn_strings.append("+".join(members))
    return ",".join(rdn_strings), tuple(pairs)


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    # The last CN in DER order is the most specific one.
    return _attr_value(values[-1]) if values else ""


# ---------------------------------------------------------------------------------------------
# Extensions and key
# ---------------------------------------------------------------------------------------------
_KEY_USAGE_NAMES = (
    "digital_signature",
    "content_commitment",  # a.k.a. non-repudiation
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)

_EKU_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH: "server_auth",
    ExtendedKeyUsageOID.CLIENT_AUTH: "client_auth",
    ExtendedKeyUsageOID.CODE_SIGNING: "code_signing",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "email_protection",
    ExtendedKeyUsageOID.TIME_STAMPING: "time_stamping",
    ExtendedKeyUsageOID.OCSP_SIGNING: "ocsp_signing",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE: "any_extended_key_usage",
    ExtendedKeyUsageOID.SMARTCARD_LOGON: "smartcard_logon",
}


def _key_usage(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(name for name in _KEY_USAGE_NAMES if getattr(usage, name))


def _extended_key_usage(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(_EKU_NAMES.get(oid, oid.dotted_string) for oid in usages)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


_KEY_TYPES: tuple[tuple[type, str, int | None], ...] = (
    # (public key class, name, fixed size in bits or None to read key_size)
    (rsa.RSAPublicKey, "RSA", None),
    (ec.EllipticCurvePublicKey, "EC", None),
    (dsa.DSAPublicKey, "DSA", None),
    (ed25519.Ed25519PublicKey, "Ed25519", 256),
    (ed448.Ed448PublicKey, "Ed448", 456),
    (x25519.X25519PublicKey, "X25519", 256),
    (x448.X448PublicKey, "X448", 448),
)


def _public_key(cert: x509.Certificate) -> tuple[str, int]:
    """Algorithm name and size in bits; an algorithm ``cryptography`` cannot load gives (OID, 0)."""
    try:
        key = cert.public_key()
    except (UnsupportedAlgorithm, ValueError):
        return cert.public_key_algorithm_oid.dotted_string, 0
    for key_class, name, bits in _KEY_TYPES:
        if isinstance(key, key_class):
            return name, bits if bits is not None else key.key_size
    return type(key).__name__, 0


def _fingerprint(cert: x509.Certificate) -> str:
    return ":".join(f"{byte:02X}" for byte in cert.fingerprint(hashes.SHA256()))


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------
def _load_leaf(data: bytes) -> tuple[x509.Certificate, int]:
    if _is_pem(data):
        ders = [der for label, der in _pem_blocks(data) if label in _CERTIFICATE_LABELS]
        if not ders:
            raise NotACertificateError()
        leaf_der, chain_count = ders[0], len(ders)
    else:
        leaf_der, chain_count = data, 1
    try:
        return x509.load_der_x509_certificate(leaf_der), chain_count
    except ValueError as exc:
        raise NotACertificateError() from exc


def load_certificate(data: bytes) -> x509.Certificate:
    """The leaf certificate of a DER or PEM file (a registered certificate's, already checked by
    ``parse_certificate`` when it was uploaded)."""
    return _load_leaf(bytes(data))[0]


def parse_certificate(data: bytes) -> CertificateInfo:
    """Read an uploaded ``.cer``/``.crt``/``.pem`` file (DER or PEM) and describe its leaf certificate.

    :raises PrivateKeyError: the file contains a private key (checked first, always).
    :raises NotACertificateError: the file is not an X.509 certificate.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise NotACertificateError()
    data = bytes(data)
    if _contains_private_key(data):
        raise PrivateKeyError()
    if not data.strip():
        raise NotACertificateError()
    cert, chain_count = _load_leaf(data)
    try:
        subject, subject_attrs = _name_parts(cert.subject)
        issuer, _issuer_attrs = _name_parts(cert.issuer)
        algorithm, bits = _public_key(cert)
        return CertificateInfo(
            serial_hex=format(cert.serial_number, "X"),
            serial_int=cert.serial_number,
            subject=subject,
            issuer=issuer,
            subject_cn=_common_name(cert.subject),
            issuer_cn=_common_name(cert.issuer),
            subject_attrs=subject_attrs,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            fingerprint_sha256=_fingerprint(cert),
            key_usage=_key_usage(cert),
            extended_key_usage=_extended_key_usage(cert),
            public_key_algorithm=algorithm,
            public_key_bits=bits,
            is_ca=_is_ca(cert),
            der=cert.public_bytes(serialization.Encoding.DER),
            chain_count=chain_count,
        )
    except ValueError as exc:  # malformed name or extension inside an otherwise readable DER
        raise NotACertificateError() from exc


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
def add_years(moment: dt.datetime, years: int) -> dt.datetime:
    """Same day and month ``years`` later; 29 February becomes 28 February in a non-leap year."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def exceeds_max_validity(not_before: dt.datetime, not_after: dt.datetime, years: int) -> bool:
    """True when ``not_after`` is later than ``not_before`` + ``years`` calendar years + 1 day.

    Use ``years=MAX_NEW_YEARS`` for a new certificate, ``MAX_RENEWAL_YEARS`` for a renewal.
    """
    limit = add_years(_as_utc(not_before), years) + VALIDITY_TOLERANCE
    return _as_utc(not_after) > limit


def renewal_eligibility(not_after: dt.datetime, at: dt.datetime, renewals_done: int) -> tuple[bool, RenewalCode]:
    """May the certificate expiring at ``not_after`` be renewed at ``at``?

    Renewal is allowed once only, and only while at least ``RENEWAL_MIN_DAYS_LEFT`` days of
    validity remain.  Returns ``(eligible, code)`` with a :class:`RenewalCode`.
    """
    if renewals_done >= 1:
        return False, RENEWAL_ALREADY_RENEWED
    remaining = _as_utc(not_after) - _as_utc(at)
    if remaining < dt.timedelta(0):
        return False, RENEWAL_EXPIRED
    if remaining < dt.timedelta(days=RENEWAL_MIN_DAYS_LEFT):
        return False, RENEWAL_TOO_LATE
    return True, RENEWAL_OK
