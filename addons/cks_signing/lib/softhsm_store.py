"""A SoftHSM2 token store and a small CA, for the demo and the tests (never for production keys).

SoftHSM2 is a real PKCS#11 module that keeps its tokens in files: ``SoftHsmStore(directory)``
writes its configuration there, makes tokens with ``softhsm2-util``, generates key pairs **on**
a token (non-extractable private keys) and stores the certificates beside them, under the same
``CKA_ID``. ``TestCa`` is a certification authority made with ``cryptography`` that issues those
certificates. Plain Python, importable without Odoo.

SoftHSM2 reads ``SOFTHSM2_CONF`` when the library is initialised, once per process, and sees a
token made by ``softhsm2-util`` only in a process that loads the library afterwards
(PLATFORM.md): make the tokens first, then ``use()`` the store, then load the module.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import PyKCS11
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .pkcs11_connector import Pkcs11Module

MODULE_PATHS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
SO_PIN = "1234567890"  # the security officer's PIN of the store's tokens (demo and tests only)
P256_PARAMS = bytes.fromhex("06082a8648ce3d030107")  # DER OID of the curve P-256


def softhsm_module():
    """The path of SoftHSM2's PKCS#11 module on this machine, or None."""
    return next((path for path in MODULE_PATHS if os.path.isfile(path)), None)


class SoftHsmStore:
    """SoftHSM2 tokens kept in ``directory`` (its softhsm2.conf and tokens/)."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.conf = self.directory / "softhsm2.conf"
        self.tokens = self.directory / "tokens"
        self.tokens.mkdir(parents=True, exist_ok=True)
        if not self.conf.exists():
            self.conf.write_text(
                f"directories.tokendir = {self.tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
                "slots.removable = false\n"
            )

    def env(self):
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}

    def use(self):
        """Point this process's SoftHSM2 at the store (before the module is first loaded)."""
        os.environ["SOFTHSM2_CONF"] = str(self.conf)

    def init_token(self, label, pin):
        """A new token labelled ``label`` with user PIN ``pin`` (softhsm2-util, a new process)."""
        tool = shutil.which("softhsm2-util")
        if not tool:
            raise RuntimeError("softhsm2-util is not installed (Debian package softhsm2)")
        subprocess.run(
            [tool, "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", pin],
            env=self.env(),
            check=True,
            capture_output=True,
        )

    def delete_token(self, label):
        subprocess.run(
            [shutil.which("softhsm2-util"), "--delete-token", "--token", label],
            env=self.env(),
            check=True,
            capture_output=True,
        )


def generate_key(module: Pkcs11Module, token_label, pin, key_id, label, kind="rsa", bits=2048):
    """A key pair generated on the token (private half sensitive, never extractable); returns
    its public key as a ``cryptography`` object, to certify."""
    token = module.find_token(label=token_label)
    session = module.lib.openSession(token.slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    try:
        session.login(pin)
        common = [(PyKCS11.CKA_TOKEN, True), (PyKCS11.CKA_ID, key_id), (PyKCS11.CKA_LABEL, label)]
        private = [
            *common,
            (PyKCS11.CKA_PRIVATE, True),
            (PyKCS11.CKA_SENSITIVE, True),
            (PyKCS11.CKA_EXTRACTABLE, False),
            (PyKCS11.CKA_SIGN, True),
        ]
        if kind == "rsa":
            public = [
                *common,
                (PyKCS11.CKA_VERIFY, True),
                (PyKCS11.CKA_MODULUS_BITS, bits),
                (PyKCS11.CKA_PUBLIC_EXPONENT, (0x01, 0x00, 0x01)),
            ]
            pub, _priv = session.generateKeyPair(public, private, mecha=PyKCS11.MechanismRSAGENERATEKEYPAIR)
            modulus, exponent = session.getAttributeValue(pub, [PyKCS11.CKA_MODULUS, PyKCS11.CKA_PUBLIC_EXPONENT])
            return rsa.RSAPublicNumbers(
                int.from_bytes(bytes(exponent), "big"), int.from_bytes(bytes(modulus), "big")
            ).public_key()
        public = [*common, (PyKCS11.CKA_VERIFY, True), (PyKCS11.CKA_EC_PARAMS, P256_PARAMS)]
        pub, _priv = session.generateKeyPair(public, private, mecha=PyKCS11.MechanismECGENERATEKEYPAIR)
        (point,) = session.getAttributeValue(pub, [PyKCS11.CKA_EC_POINT])
        point = bytes(point)
        if point[0] == 0x04 and point[1] == len(point) - 2:  # DER OCTET STRING around the point
            point = point[2:]
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    finally:
        session.logout()
        session.closeSession()


def store_certificate(module: Pkcs11Module, token_label, pin, key_id, label, certificate):
    """The certificate stored on the token beside its key (same CKA_ID)."""
    token = module.find_token(label=token_label)
    session = module.lib.openSession(token.slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    try:
        session.login(pin)
        session.createObject(
            [
                (PyKCS11.CKA_CLASS, PyKCS11.CKO_CERTIFICATE),
                (PyKCS11.CKA_CERTIFICATE_TYPE, PyKCS11.CKC_X_509),
                (PyKCS11.CKA_TOKEN, True),
                (PyKCS11.CKA_ID, key_id),
                (PyKCS11.CKA_LABEL, label),
                (PyKCS11.CKA_SUBJECT, certificate.subject.public_bytes()),
                (PyKCS11.CKA_VALUE, certificate.public_bytes(serialization.Encoding.DER)),
            ]
        )
    finally:
        session.logout()
        session.closeSession()


class TestCa:
    """A root CA (in memory) that issues signing certificates, as a Vietnamese CA's would read."""

    __test__ = False  # not a pytest test class

    def __init__(self, name="CKS Demo CA", *, now=None):
        self.now = now or dt.datetime.now(dt.UTC)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CKS demo (not a real CA)"),
                x509.NameAttribute(NameOID.COMMON_NAME, name),
            ]
        )
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(days=1))
            .not_valid_after(self.now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    def issue(self, public_key, common_name, *, organization="", title="", email="", days=1095):
        """A signing certificate for ``public_key`` (an individual's or an organisation's)."""
        names = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
        if organization:
            names.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
        if title:
            names.append(x509.NameAttribute(NameOID.TITLE, title))
        names.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name(names))
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(hours=1))
            .not_valid_after(self.now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )
        if email:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        return builder.sign(self.key, hashes.SHA256())

    def issue_timestamping(self, public_key):
        """The certificate of a timestamp authority (RFC 3161: extended key usage timeStamping only, critical)."""
        return (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CKS Demo TSA")]))
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(hours=1))
            .not_valid_after(self.now + dt.timedelta(days=1095))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
