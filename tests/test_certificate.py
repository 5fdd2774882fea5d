"""Tests of addons/cks_subscriber/lib/certificate.py (pure Python, no Odoo).

Every key and certificate is generated here in memory; the only files written go to tmp_path.
"""

import dataclasses
import datetime as dt
import random
from pathlib import Path

import pytest
from cks_subscriber_lib.cert_factory import LEAF_NAME, LEAF_SERIAL, LEAF_SUBJECT, Pki, make_pki
from cks_subscriber_lib.certificate import (
    MAX_NEW_YEARS,
    MAX_RENEWAL_YEARS,
    RENEWAL_ALREADY_RENEWED,
    RENEWAL_EXPIRED,
    RENEWAL_MIN_DAYS_LEFT,
    RENEWAL_OK,
    RENEWAL_TOO_LATE,
    CertificateError,
    CertificateInfo,
    NotACertificateError,
    PrivateKeyError,
    RenewalCode,
    add_years,
    exceeds_max_validity,
    parse_certificate,
    renewal_eligibility,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
DER = serialization.Encoding.DER
PEM = serialization.Encoding.PEM
PKCS8 = serialization.PrivateFormat.PKCS8
TRADITIONAL = serialization.PrivateFormat.TraditionalOpenSSL
NO_ENCRYPTION = serialization.NoEncryption()
PASSWORD = serialization.BestAvailableEncryption(b"s3cret-pin")


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def leaf(pki: Pki) -> x509.Certificate:
    return pki.issue(eku=[ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION])


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------
def test_der_and_pem_give_the_same_info(leaf: x509.Certificate) -> None:
    from_der = parse_certificate(leaf.public_bytes(DER))
    from_pem = parse_certificate(leaf.public_bytes(PEM))
    assert isinstance(from_der, CertificateInfo)
    assert from_der == from_pem
    assert from_der.der == leaf.public_bytes(DER)
    assert from_der.chain_count == 1


def test_files_read_back_from_disk(tmp_path: Path, leaf: x509.Certificate) -> None:
    cer = tmp_path / "an.cer"
    cer.write_bytes(leaf.public_bytes(DER))
    crt = tmp_path / "an.crt"
    crt.write_bytes(leaf.public_bytes(PEM).replace(b"\n", b"\r\n"))  # Windows line endings
    assert parse_certificate(cer.read_bytes()) == parse_certificate(crt.read_bytes())


def test_vietnamese_subject_is_kept_as_real_characters(leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    assert info.subject == LEAF_SUBJECT
    assert info.subject_cn == "Nguyễn Văn An"
    assert "Sở Thông tin và Truyền thông" in info.subject
    assert "\\" not in info.subject


def test_subject_attrs_include_uid_and_email(leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    assert info.subject_attrs == (
        ("emailAddress", "an.nv@hatinh.gov.vn"),
        ("UID", "CCCD:042090001234"),
        ("CN", "Nguyễn Văn An"),
        ("O", "Sở Thông tin và Truyền thông"),
        ("L", "Hà Tĩnh"),
        ("C", "VN"),
    )


def test_issuer(leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    assert info.issuer == "CN=CA phục vụ các cơ quan Nhà nước G2,O=Ban Cơ yếu Chính phủ,C=VN"
    assert info.issuer_cn == "CA phục vụ các cơ quan Nhà nước G2"


def test_rfc4514_special_characters_are_escaped(pki: Pki) -> None:
    name = x509.Name(
        [
            x509.RelativeDistinguishedName(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Hà Tĩnh"),
                    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Văn phòng"),
                ]
            ),
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, '#Trần, Thị "Bình"+1 ')]),
        ]
    )
    info = parse_certificate(pki.issue(name).public_bytes(DER))
    # members of a multi-valued RDN come back in DER (SET OF) order
    assert info.subject == 'CN=\\#Trần\\, Thị \\"Bình\\"\\+1\\ ,OU=Văn phòng+O=UBND tỉnh Hà Tĩnh'
    assert info.subject_cn == '#Trần, Thị "Bình"+1 '


def test_serial_number(pki: Pki, leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    assert info.serial_int == LEAF_SERIAL
    assert info.serial_hex == "540300A10000000000BCDE"
    small = parse_certificate(pki.issue(serial=0x0F).public_bytes(DER))
    assert small.serial_hex == "F"


def test_sha256_fingerprint(leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(PEM))
    expected = ":".join(f"{b:02X}" for b in leaf.fingerprint(hashes.SHA256()))
    assert info.fingerprint_sha256 == expected
    assert len(info.fingerprint_sha256) == 32 * 3 - 1


def test_key_usage_and_extended_key_usage(pki: Pki, leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    assert info.key_usage == ("digital_signature", "content_commitment")
    assert info.extended_key_usage == ("client_auth", "email_protection")

    custom_eku = x509.ObjectIdentifier("1.3.6.1.4.1.99999.1")
    other = pki.issue(
        key_usage={"key_encipherment": True, "key_agreement": True, "data_encipherment": True},
        eku=[custom_eku],
    )
    info = parse_certificate(other.public_bytes(DER))
    assert info.key_usage == ("key_encipherment", "data_encipherment", "key_agreement")
    assert info.extended_key_usage == ("1.3.6.1.4.1.99999.1",)


def test_no_key_usage_extension(pki: Pki) -> None:
    info = parse_certificate(pki.issue(key_usage=None).public_bytes(DER))
    assert info.key_usage == ()
    assert info.extended_key_usage == ()


def test_public_key_and_basic_constraints(pki: Pki, leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    assert (info.public_key_algorithm, info.public_key_bits, info.is_ca) == ("RSA", 2048, False)

    ca_info = parse_certificate(pki.ca_cert.public_bytes(DER))
    assert ca_info.is_ca is True
    assert ca_info.key_usage == ("key_cert_sign", "crl_sign")
    assert ca_info.subject == ca_info.issuer

    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_info = parse_certificate(pki.issue(public_key=ec_key.public_key()).public_bytes(DER))
    assert (ec_info.public_key_algorithm, ec_info.public_key_bits) == ("EC", 256)


def test_pem_chain_picks_the_leaf(pki: Pki, leaf: x509.Certificate) -> None:
    data = leaf.public_bytes(PEM) + pki.ca_cert.public_bytes(PEM)
    info = parse_certificate(data)
    assert info.chain_count == 2
    assert info.subject_cn == "Nguyễn Văn An"
    assert info.der == leaf.public_bytes(DER)


def test_pem_with_text_around_the_blocks(leaf: x509.Certificate) -> None:
    data = (
        b"Bag Attributes\n    friendlyName: Nguyen Van An\nsubject=/C=VN/CN=Nguyen Van An\n"
        + leaf.public_bytes(PEM)
        + b"\ntrailing notes\n"
    )
    assert parse_certificate(data).der == leaf.public_bytes(DER)


def test_certificate_info_is_frozen(leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.serial_hex = "00"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Private keys are refused before anything else
# --------------------------------------------------------------------------------------------
def _private_key_files(pki: Pki, leaf: x509.Certificate) -> dict[str, bytes]:
    key = pki.leaf_key
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    return {
        "pem_pkcs8": key.private_bytes(PEM, PKCS8, NO_ENCRYPTION),
        "pem_pkcs1_rsa": key.private_bytes(PEM, TRADITIONAL, NO_ENCRYPTION),
        "pem_pkcs1_rsa_encrypted": key.private_bytes(PEM, TRADITIONAL, PASSWORD),
        "pem_ec": ec_key.private_bytes(PEM, TRADITIONAL, NO_ENCRYPTION),
        "pem_pkcs8_encrypted": key.private_bytes(PEM, PKCS8, PASSWORD),
        "openssh": ed_key.private_bytes(PEM, serialization.PrivateFormat.OpenSSH, NO_ENCRYPTION),
        "der_pkcs8": key.private_bytes(DER, PKCS8, NO_ENCRYPTION),
        "der_pkcs1_rsa": key.private_bytes(DER, TRADITIONAL, NO_ENCRYPTION),
        "der_ec": ec_key.private_bytes(DER, TRADITIONAL, NO_ENCRYPTION),
        "der_pkcs8_encrypted": key.private_bytes(DER, PKCS8, PASSWORD),
        "p12_with_password": pkcs12.serialize_key_and_certificates(b"an", key, leaf, [pki.ca_cert], PASSWORD),
        "p12_without_password": pkcs12.serialize_key_and_certificates(b"an", key, leaf, None, NO_ENCRYPTION),
        "pem_cert_then_key": leaf.public_bytes(PEM) + key.private_bytes(PEM, PKCS8, NO_ENCRYPTION),
        "pem_key_then_cert": key.private_bytes(PEM, TRADITIONAL, NO_ENCRYPTION) + leaf.public_bytes(PEM),
    }


PRIVATE_KEY_CASES = [
    "pem_pkcs8",
    "pem_pkcs1_rsa",
    "pem_pkcs1_rsa_encrypted",
    "pem_ec",
    "pem_pkcs8_encrypted",
    "openssh",
    "der_pkcs8",
    "der_pkcs1_rsa",
    "der_ec",
    "der_pkcs8_encrypted",
    "p12_with_password",
    "p12_without_password",
    "pem_cert_then_key",
    "pem_key_then_cert",
]


@pytest.mark.parametrize("case", PRIVATE_KEY_CASES)
def test_private_keys_are_refused(pki: Pki, leaf: x509.Certificate, case: str) -> None:
    data = _private_key_files(pki, leaf)[case]
    with pytest.raises(PrivateKeyError) as excinfo:
        parse_certificate(data)
    message = str(excinfo.value)
    assert "private key must never be uploaded" in message
    assert "not stored" in message
    assert isinstance(excinfo.value, CertificateError)
    assert not isinstance(excinfo.value, NotACertificateError)


def test_private_key_under_an_unusual_pem_label_is_refused(pki: Pki) -> None:
    import base64  # noqa: PLC0415

    der = pki.leaf_key.private_bytes(DER, PKCS8, NO_ENCRYPTION)
    body = base64.encodebytes(der)
    data = b"-----BEGIN KEY MATERIAL-----\n" + body + b"-----END KEY MATERIAL-----\n"
    with pytest.raises(PrivateKeyError):
        parse_certificate(data)


# --------------------------------------------------------------------------------------------
# Not a certificate
# --------------------------------------------------------------------------------------------
def _csr(pki: Pki) -> bytes:
    csr = x509.CertificateSigningRequestBuilder().subject_name(LEAF_NAME).sign(pki.leaf_key, hashes.SHA256())
    return csr.public_bytes(PEM)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda pki, leaf: b"", id="empty"),
        pytest.param(lambda pki, leaf: b"  \n\t", id="whitespace"),
        pytest.param(lambda pki, leaf: random.Random(1).randbytes(1500), id="garbage"),
        pytest.param(lambda pki, leaf: b"\x30\x82\x05\x00" + bytes(100), id="der-like-garbage"),
        pytest.param(lambda pki, leaf: "Chứng thư số của tôi".encode(), id="text"),
        pytest.param(lambda pki, leaf: _csr(pki), id="csr-pem"),
        pytest.param(
            lambda pki, leaf: pki.leaf_key.public_key().public_bytes(
                PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            id="public-key-pem",
        ),
        pytest.param(
            lambda pki, leaf: pki.leaf_key.public_key().public_bytes(
                DER, serialization.PublicFormat.SubjectPublicKeyInfo
            ),
            id="public-key-der",
        ),
        pytest.param(lambda pki, leaf: leaf.public_bytes(DER)[:-20], id="truncated-der"),
        pytest.param(
            lambda pki, leaf: b"-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n",
            id="broken-pem",
        ),
    ],
)
def test_not_a_certificate(pki: Pki, leaf: x509.Certificate, make) -> None:
    with pytest.raises(NotACertificateError, match=r"not an X\.509 certificate \(DER or PEM\)"):
        parse_certificate(make(pki, leaf))


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_are_never_a_private_key(seed: int) -> None:
    data = random.Random(seed).randbytes(64 + seed * 37)
    with pytest.raises(NotACertificateError):
        parse_certificate(data)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------
def test_expired_certificate_parses_and_says_so(pki: Pki) -> None:
    not_before = dt.datetime(2019, 3, 1, tzinfo=UTC)
    not_after = dt.datetime(2022, 3, 1, tzinfo=UTC)
    info = parse_certificate(pki.issue(not_before=not_before, not_after=not_after).public_bytes(DER))
    assert info.not_before == not_before
    assert info.not_after == not_after
    assert info.not_after.tzinfo is not None
    assert info.is_expired(NOW) is True
    assert info.is_not_yet_valid(NOW) is False
    assert info.days_left(NOW) < 0
    assert info.days_left(dt.datetime(2022, 3, 11, tzinfo=UTC)) == -10
    assert info.validity_days == 1096  # 2020 is a leap year


def test_not_yet_valid_certificate_parses_and_says_so(pki: Pki) -> None:
    not_before = NOW + dt.timedelta(days=10)
    info = parse_certificate(
        pki.issue(not_before=not_before, not_after=not_before + dt.timedelta(days=365)).public_bytes(DER)
    )
    assert info.is_not_yet_valid(NOW) is True
    assert info.is_expired(NOW) is False
    assert info.is_not_yet_valid(not_before) is False
    assert info.days_left(NOW) == 375
    assert info.validity_days == 365


def test_naive_datetimes_are_taken_as_utc(leaf: x509.Certificate) -> None:
    info = parse_certificate(leaf.public_bytes(DER))
    naive = NOW.replace(tzinfo=None)
    assert info.days_left(naive) == info.days_left(NOW)
    assert info.is_expired(info.not_after.replace(tzinfo=None) + dt.timedelta(seconds=1))
    assert not info.is_expired(info.not_after.replace(tzinfo=None))


# --------------------------------------------------------------------------------------------
# Regulation rules
# --------------------------------------------------------------------------------------------
def test_rule_constants() -> None:
    assert (MAX_NEW_YEARS, MAX_RENEWAL_YEARS, RENEWAL_MIN_DAYS_LEFT) == (5, 3, 60)


def test_add_years_on_29_february() -> None:
    leap = dt.datetime(2024, 2, 29, 8, 30, tzinfo=UTC)
    assert add_years(leap, 5) == dt.datetime(2029, 2, 28, 8, 30, tzinfo=UTC)
    assert add_years(leap, 4) == dt.datetime(2028, 2, 29, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("not_before", "not_after", "years", "expected"),
    [
        # 29 February start: 5 years later is 28 February 2029
        (dt.datetime(2024, 2, 29), dt.datetime(2029, 2, 28), 5, False),
        (dt.datetime(2024, 2, 29), dt.datetime(2029, 3, 1), 5, False),  # within the 1-day tolerance
        (dt.datetime(2024, 2, 29), dt.datetime(2029, 3, 2), 5, True),  # 5 years + 2 days
        (dt.datetime(2024, 2, 29), dt.datetime(2029, 3, 1, 0, 0, 1), 5, True),
        # ordinary start
        (dt.datetime(2025, 6, 1), dt.datetime(2030, 6, 1), 5, False),
        (dt.datetime(2025, 6, 1), dt.datetime(2030, 6, 3), 5, True),
        (dt.datetime(2025, 6, 1), dt.datetime(2028, 6, 1, 23, 59, 59), 3, False),
        (dt.datetime(2025, 6, 1), dt.datetime(2030, 6, 1), 3, True),
    ],
)
def test_exceeds_max_validity(not_before: dt.datetime, not_after: dt.datetime, years: int, expected: bool) -> None:
    aware = (not_before.replace(tzinfo=UTC), not_after.replace(tzinfo=UTC))
    assert exceeds_max_validity(*aware, years) is expected
    assert exceeds_max_validity(not_before, not_after, years) is expected  # naive = UTC


def test_exceeds_max_validity_on_a_parsed_certificate(pki: Pki) -> None:
    start = dt.datetime(2024, 2, 29, tzinfo=UTC)
    too_long = parse_certificate(
        pki.issue(not_before=start, not_after=dt.datetime(2029, 3, 2, tzinfo=UTC)).public_bytes(DER)
    )
    assert exceeds_max_validity(too_long.not_before, too_long.not_after, MAX_NEW_YEARS)
    exact = parse_certificate(
        pki.issue(not_before=start, not_after=dt.datetime(2029, 2, 28, tzinfo=UTC)).public_bytes(DER)
    )
    assert not exceeds_max_validity(exact.not_before, exact.not_after, MAX_NEW_YEARS)


@pytest.mark.parametrize(
    ("days_left", "renewals_done", "expected"),
    [
        (61, 0, (True, RENEWAL_OK)),
        (60, 0, (True, RENEWAL_OK)),
        (59, 0, (False, RENEWAL_TOO_LATE)),
        (1, 0, (False, RENEWAL_TOO_LATE)),
        (-1, 0, (False, RENEWAL_EXPIRED)),
        (200, 1, (False, RENEWAL_ALREADY_RENEWED)),
        (-5, 2, (False, RENEWAL_ALREADY_RENEWED)),
    ],
)
def test_renewal_eligibility(days_left: int, renewals_done: int, expected: tuple[bool, str]) -> None:
    not_after = dt.datetime(2026, 1, 31, 16, 59, 59, tzinfo=UTC)
    at = not_after - dt.timedelta(days=days_left)
    assert renewal_eligibility(not_after, at, renewals_done) == expected


def test_renewal_just_under_60_days_is_too_late() -> None:
    not_after = dt.datetime(2026, 1, 31, tzinfo=UTC)
    at = not_after - dt.timedelta(days=60) + dt.timedelta(seconds=1)
    assert renewal_eligibility(not_after, at, 0) == (False, RENEWAL_TOO_LATE)


def test_renewal_codes_are_plain_strings() -> None:
    assert {code.value for code in RenewalCode} == {"ok", "already_renewed", "too_late", "expired"}
    assert RENEWAL_OK == "ok"
    assert isinstance(RENEWAL_TOO_LATE, str)
