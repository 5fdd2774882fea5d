"""The rules table of certification requests (no Odoo import).

Which request types exist, which pair of forms of Thông tư 185/2019/TT-BQP each uses (the odd
form from the subscriber, the even form from the managing body to the CA), the legal grounds of
a revocation, the routes a province may give a request type, how many working days each step
has, and the checks made when a request is submitted. Every rule names the article it comes
from; figures marked [inferred] are not in the texts we have and are the product's default.

Sources: TT 185/2019 Điều 3, 8-11 (through QĐ 19/2020 Hà Tĩnh Điều 6.2, QĐ 09/2023 Bắc Ninh
Điều 5.2, QĐ …/2020 Bắc Giang Điều 6-7, QĐ 29/2021 Điện Biên Điều 15-21); NĐ 130/2018 Điều 68,
71 (grounds of revocation, device hand-back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# code, English label (translated by the module's vi.po), odd/even form pair or None
REQUEST_TYPES = [
    ("new_individual", "New certificate for an individual"),
    ("new_organization", "New certificate for an organisation"),
    ("new_device", "New certificate for a device, service or software"),
    ("renewal", "Renewal"),
    ("change", "Change of certificate information"),
    ("revocation", "Certificate revocation"),
    ("restoration", "Device restoration"),
    ("recovery", "Device recovery"),
]
# TT 185/2019 Phụ lục (QĐ 19/2020 Hà Tĩnh Điều 6.2.a-d; QĐ 09/2023 Bắc Ninh Điều 5.2.a-d).
# A device recovery has no request form: it ends in the hand-back record to the CA (Mẫu 13,
# TT 185/2019 Điều 10.2; QĐ 29/2021 Điện Biên Điều 19.3).
FORM_PAIRS = {
    "new_individual": ("01", "02"),
    "new_organization": ("03", "04"),
    "new_device": ("05", "06"),
    "renewal": ("07", "08"),
    "change": ("07", "08"),
    "revocation": ("09", "10"),
    "restoration": ("11", "12"),
    "recovery": None,
}
NEW_TYPES = ("new_individual", "new_organization", "new_device")
# the subscriber kind (cks_subscriber.lib.codes.SUBSCRIBER_KINDS) each new-certificate form serves
NEW_TYPE_KIND = {"new_individual": "individual", "new_organization": "organization", "new_device": "device"}
CERTIFICATE_TYPES = ("renewal", "change", "revocation")
DEVICE_TYPES = ("restoration", "recovery")

# The grounds of a revocation (NĐ 130/2018 Điều 68; TT 185/2019 Điều 10.1; QĐ 29/2021 Điện Biên
# Điều 18; QĐ 25/2020 Vĩnh Phúc Điều 7.3).
GROUNDS = [
    ("job_change", "Job change that makes the certificate's information wrong"),
    ("retirement", "Retirement"),
    ("leaving", "Leaving the service"),
    ("death", "Death"),
    ("dissolved", "Organisation dissolved or merged"),
    ("key_exposed", "Private key exposed or suspected of exposure"),
    ("device_lost", "Device lost"),
    ("device_damaged", "Device damaged"),
    ("body_request", "Request of the managing body"),
    ("authority_request", "Request of a competent authority"),
]
# The grounds an employment status gives (cks_subscriber.lib.codes.EMPLOYMENT_STATUSES).
STATUS_GROUNDS = {"transferred": "job_change", "retired": "retirement", "left": "leaving", "deceased": "death"}

# How a province sends a request type on from the managing body.
ROUTES = [
    ("direct", "The body sends it to the CA"),
    ("notify", "The body sends it to the CA and notifies the focal unit"),
    ("focal", "Through the provincial focal unit"),
    ("escalate", "Up the managing bodies to the focal unit"),
]
# Which route field of the province profile governs a request type.
ROUTE_GROUP = {
    "new_individual": "new",
    "new_organization": "new",
    "new_device": "new",
    "renewal": "renewal",
    "change": "renewal",
    "revocation": "revocation",
    "restoration": "restoration",
}

# Working days each step has. The CA answers a renewal or a revocation within 3 working days
# (TT 185/2019 Điều 9.3, 10.1; DOMAIN §5); every other figure is [inferred]: the texts give none.
STEP_DAYS = {
    "draft": 2,  # [inferred] an automatic draft is checked and submitted by the officer
    "submitted": 2,  # [inferred] the officer verifies
    "verified": 2,  # [inferred] the head approves
    "approved": 3,  # [inferred] the body sends the even form
    "forwarded": 3,  # [inferred] the focal unit (or the next body up) sends it on
    "batched": 2,  # [inferred] the letter is signed and sent
}
CA_DAYS = {
    "renewal": 3,
    "change": 3,
    "revocation": 3,
    "new_individual": 5,  # [inferred]
    "new_organization": 5,  # [inferred]
    "new_device": 5,  # [inferred]
    "restoration": 3,  # [inferred]
}

RENEWAL_MIN_DAYS = 60  # the CA's public-service page; DOMAIN §3
MAX_RENEWAL_YEARS = 3  # QĐ 29/2021 Điện Biên, Điều 17.1


@dataclass(frozen=True)
class Problem:
    """One reason a request cannot be submitted: a code and its values (the model words it)."""

    code: str
    values: dict


@dataclass(frozen=True)
class RequestFacts:
    """What the checks read of a request, gathered by the model."""

    request_type: str
    subscriber_kind: str | None = None
    certificate_state: str | None = None
    certificate_valid_to: datetime | None = None
    renewal_count: int = 0
    token_state: str | None = None
    grounds: str | None = None
    has_confirmed_loss_record: bool = False
    change_details: str | None = None
    missing_subscriber_fields: tuple[str, ...] = ()
    has_open_duplicate: bool = False


def required_subscriber_fields(request_type: str) -> tuple[str, ...]:
    """Fields of the subscriber a new-certificate form needs (DOMAIN §4: name, CCCD, position,
    official e-mail, mobile for a person; name, address, tax code, e-mail for a body)."""
    if request_type == "new_individual":
        return ("cccd", "position", "email", "mobile")
    if request_type == "new_organization":
        return ("address", "tax_code", "email")
    if request_type == "new_device":
        return ("email",)
    return ()


def _check_new(facts: RequestFacts, now: datetime) -> list[Problem]:
    problems = []
    wanted = NEW_TYPE_KIND[facts.request_type]
    if facts.subscriber_kind != wanted:
        problems.append(Problem("kind_mismatch", {"wanted": wanted, "kind": facts.subscriber_kind}))
    if facts.missing_subscriber_fields:
        problems.append(Problem("subscriber_fields", {"fields": facts.missing_subscriber_fields}))
    return problems


def _check_certificate(facts: RequestFacts, now: datetime) -> list[Problem]:
    if facts.certificate_state is None:
        return [Problem("no_certificate", {})]
    if facts.certificate_state not in ("valid", "suspended"):
        return [Problem("certificate_state", {"state": facts.certificate_state})]
    return []


def _check_renewal(facts: RequestFacts, now: datetime) -> list[Problem]:
    problems = _check_certificate(facts, now)
    if facts.certificate_state is None:
        return problems
    if facts.renewal_count >= 1:
        problems.append(Problem("renewed_before", {}))
    valid_to = facts.certificate_valid_to
    if valid_to is not None and valid_to - now < timedelta(days=RENEWAL_MIN_DAYS):
        problems.append(Problem("renewal_too_late", {"days": max((valid_to - now).days, 0)}))
    return problems


def _check_change(facts: RequestFacts, now: datetime) -> list[Problem]:
    problems = _check_certificate(facts, now)
    if not (facts.change_details or "").strip():
        problems.append(Problem("no_change_details", {}))
    return problems


def _check_revocation(facts: RequestFacts, now: datetime) -> list[Problem]:
    problems = _check_certificate(facts, now)
    if not facts.grounds:
        problems.append(Problem("no_grounds", {}))
    elif facts.grounds == "device_lost" and not facts.has_confirmed_loss_record:
        problems.append(Problem("no_loss_record", {}))
    return problems


def _check_restoration(facts: RequestFacts, now: datetime) -> list[Problem]:
    if facts.token_state is None:
        return [Problem("no_device", {})]
    if facts.token_state != "locked":
        return [Problem("device_not_locked", {"state": facts.token_state})]
    return []


CHECKS = {
    "new_individual": _check_new,
    "new_organization": _check_new,
    "new_device": _check_new,
    "renewal": _check_renewal,
    "change": _check_change,
    "revocation": _check_revocation,
    "restoration": _check_restoration,
}


def check_submission(facts: RequestFacts, now: datetime) -> list[Problem]:
    """Every reason the request cannot be submitted as it is (empty: it can)."""
    check = CHECKS.get(facts.request_type)
    problems = check(facts, now) if check else []
    if facts.has_open_duplicate:
        problems.append(Problem("duplicate", {}))
    return problems


def renewal_end(valid_to: datetime, requested_end: datetime | None) -> datetime:
    """The validity end of a renewed certificate: as the CA granted it, at most 3 years beyond the
    current end (QĐ 29/2021 Điện Biên, Điều 17.1); ValueError when it is not later or too long."""
    limit = add_years(valid_to, MAX_RENEWAL_YEARS)
    end = requested_end or limit
    if end <= valid_to:
        raise ValueError("not_later")
    if end > limit:
        raise ValueError("too_long")
    return end


def add_years(moment: datetime, years: int) -> datetime:
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def ca_days(request_type: str) -> int:
    return CA_DAYS.get(request_type, 3)


def incident_draft_days(notice: str | None, hours: int) -> int:
    """Working days an automatically drafted revocation after a lost or compromised device has
    before it should be submitted: the same day when the province says "immediately" (QĐ 19/2020
    Hà Tĩnh Điều 10.4, QĐ 09/2023 Bắc Ninh Điều 15.4: "báo ngay"), one working day per started
    24 hours of its window (QĐ 29/2021 Điện Biên Điều 27.6: 24 hours, so one day), else the
    default of a draft when the act states no window."""
    if notice == "immediately":
        return 0
    if notice == "within_hours" and hours > 0:
        return max(1, -(-hours // 24))  # a 24-hour window is one working day
    return STEP_DAYS["draft"]
