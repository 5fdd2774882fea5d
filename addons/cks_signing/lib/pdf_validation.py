"""Validation of the signatures of a PDF with pyHanko: one report per signature.

Plain Python, importable without Odoo. For each signature: who signed and when, whether the
signed bytes are intact and the signature is mathematically valid, whether the signer's
certificate chains to the configured trust roots, what changed in the file after it was signed,
and the revocation status: "good" or "revoked" when it could be checked, "unknown" said plainly
when it could not (offline, or the certificate names no CRL or OCSP responder).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

GOOD, REVOKED, UNKNOWN = "good", "revoked", "unknown"


class NotASignedPdf(ValueError):
    """The file is not a PDF, or is one without any signature."""


@dataclasses.dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str  # the certificate's common name
    signer_certificate_serial: str
    issuer: str
    signed_at: dt.datetime | None  # as the signer's computer reported it
    timestamp: dt.datetime | None  # from a timestamp authority (PAdES B-T), when there is one
    intact: bool  # the signed bytes are as they were signed
    valid: bool  # the signature matches them and the certificate
    trusted: bool  # the certificate chains to a configured trust root
    coverage: str  # "entire_file", "entire_revision" (later revisions follow) or "partial"
    modification: str  # after signing: "none", "form_filling", "annotations" or "other"
    revocation: str  # GOOD, REVOKED or UNKNOWN
    revoked_at: dt.datetime | None

    @property
    def ok(self):
        """Intact, valid, trusted, not revoked, nothing but signatures or form filling after it."""
        return (
            self.intact
            and self.valid
            and self.trusted
            and self.revocation != REVOKED
            and self.coverage != "partial"
            and self.modification in ("none", "form_filling")
        )


def _asn1(certificate):
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _common_name(name):
    return name.native.get("common_name", "") if name else ""


def _has_revocation_source(certificate):
    return bool(certificate.crl_distribution_points_value or certificate.ocsp_urls)


def validate_pdf(pdf, trust_roots, *, fetch=False, moment=None):
    """Reports on every signature of ``pdf`` (bytes), in signing order.

    ``trust_roots``: ``cryptography`` certificates of the CAs trusted. ``fetch``: whether CRLs and
    OCSP responders may be asked over the network. Raises ``NotASignedPdf``."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, IndexError) as error:
        raise NotASignedPdf(f"This file is not a PDF that can be read ({error}).") from None
    if not signatures:
        raise NotASignedPdf("This PDF carries no signature.")
    roots = [_asn1(root) for root in trust_roots]

    def context(mode):
        return ValidationContext(
            trust_roots=roots,
            allow_fetching=fetch,
            revocation_mode=mode,
            moment=moment,
        )

    reports = []
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, context("soft-fail"))
        except (SignatureValidationError, ValueError) as error:
            raise NotASignedPdf(f"Signature {signature.field_name!r} cannot be read ({error}).") from None
        except (KeyError, IndexError, TypeError, AttributeError, PdfReadError) as error:
            # a damaged file: pyHanko cannot even compare its revisions
            raise NotASignedPdf(
                f"This PDF is damaged: signature {signature.field_name!r} cannot be checked ({type(error).__name__})."
            ) from None
        certificate = status.signing_cert
        revoked_at = None
        if status.revocation_details is not None:
            revocation, revoked_at = REVOKED, status.revocation_details.revocation_date
        elif fetch and status.trusted and _has_revocation_source(certificate):
            # checked again, now requiring an answer from the CRL or OCSP responder
            strict = validate_pdf_signature(signature, context("hard-fail"))
            revocation = GOOD if strict.trusted else UNKNOWN
        else:
            revocation = UNKNOWN
        timestamp = status.timestamp_validity.timestamp if status.timestamp_validity else None
        level = status.modification_level
        reports.append(
            SignatureReport(
                field=signature.field_name,
                signer=_common_name(certificate.subject),
                signer_certificate_serial=format(certificate.serial_number, "X"),
                issuer=_common_name(certificate.issuer),
                signed_at=status.signer_reported_dt,
                timestamp=timestamp,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                coverage=status.coverage.name.lower() if status.coverage else "partial",
                modification=level.name.lower() if level is not None else "other",
                revocation=revocation,
                revoked_at=revoked_at,
            )
        )
    return reports


def signers_of(pdf):
    """The certificates (``asn1crypto``) of the signatures already on ``pdf``, in order, read
    without validating them (what the signing rules look at before adding a signature)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return [signature.signer_cert for signature in reader.embedded_signatures]
    except (PdfReadError, ValueError, KeyError, IndexError) as error:
        raise NotASignedPdf(f"This file is not a PDF that can be read ({error}).") from None
