"""Test certificates for CKS: a throwaway CA and leaf certificates, made in memory.

Used by the tests (pytest and Odoo's) and by the demo province, which needs the file of a
certificate "issued by the CA" for its new-certificate story (the requests module's demo chapter);
the keys live in memory only and are discarded, none is ever written to the repository or the
database. Vietnamese names are used on purpose, to check
that UTF-8 survives parsing and storage.
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

UTC = dt.UTC
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
DER = serialization.Encoding.DER
PEM = serialization.Encoding.PEM

CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ"),
        x509.NameAttribute(NameOID.COMMON_NAME, "CA phục vụ các cơ quan Nhà nước G2"),
    ]
)
LEAF_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Hà Tĩnh"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Thông tin và Truyền thông"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Nguyễn Văn An"),
        x509.NameAttribute(NameOID.USER_ID, "CCCD:042090001234"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "an.nv@hatinh.gov.vn"),
    ]
)
LEAF_SUBJECT = (
    "emailAddress=an.nv@hatinh.gov.vn,UID=CCCD:042090001234,CN=Nguyễn Văn An,"
    "O=Sở Thông tin và Truyền thông,L=Hà Tĩnh,C=VN"
)
LEAF_SERIAL = 0x5403_00A1_0000_0000_00BC_DE
SIGNING_KEY_USAGE = MappingProxyType({"digital_signature": True, "content_commitment": True})


@dataclasses.dataclass
class Pki:
    ca_key: rsa.RSAPrivateKey
    ca_cert: x509.Certificate
    leaf_key: rsa.RSAPrivateKey

    def issue(
        self,
        subject: x509.Name = LEAF_NAME,
        *,
        serial: int = LEAF_SERIAL,
        not_before: dt.datetime = NOW - dt.timedelta(days=30),
        not_after: dt.datetime = NOW + dt.timedelta(days=3 * 365),
        key_usage: Mapping[str, bool] | None = SIGNING_KEY_USAGE,
        eku: list[x509.ObjectIdentifier] | None = None,
        public_key=None,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca_cert.subject)
            .public_key(public_key or self.leaf_key.public_key())
            .serial_number(serial)
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )
        if key_usage is not None:
            flags = dict.fromkeys(
                (
                    "digital_signature",
                    "content_commitment",
                    "key_encipherment",
                    "data_encipherment",
                    "key_agreement",
                    "key_cert_sign",
                    "crl_sign",
                    "encipher_only",
                    "decipher_only",
                ),
                False,
            )
            flags.update(key_usage)
            builder = builder.add_extension(x509.KeyUsage(**flags), critical=True)
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
        return builder.sign(self.ca_key, hashes.SHA256())


def make_pki() -> Pki:
    """A test CA (RSA-2048, self-signed) and a leaf key, generated in memory."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(CA_NAME)
        .issuer_name(CA_NAME)
        .public_key(ca_key.public_key())
        .serial_number(0x01)
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(dt.datetime(2040, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Pki(ca_key=ca_key, ca_cert=ca_cert, leaf_key=leaf_key)


def person_name(common_name: str, organization: str = "Sở Thông tin và Truyền thông") -> x509.Name:
    """Subject of an individual's certificate as the Government CA writes it."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def private_key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
