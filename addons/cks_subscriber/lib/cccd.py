"""Checking the Vietnamese 12-digit personal identification number (số định danh cá nhân / CCCD).

The number printed on the citizen identity card (CCCD) is the personal identification number.
Its structure is set by Thông tư 07/2016/TT-BCA (Phụ lục: province/city codes), as
amended by Thông tư 59/2021/TT-BCA:

* digits 1–3: code of the province or city where the citizen's birth was registered
  (:data:`PROVINCE_CODES`);
* digit 4: century of birth and sex — 0/1: 20th century (1900–1999) male/female, 2/3: 21st
  century, 4/5: 22nd, 6/7: 23rd, 8/9: 24th (even = male, odd = female);
* digits 5–6: last two digits of the year of birth;
* digits 7–12: random number.

There is no check digit, so only the structure can be verified.  Pure Python, no Odoo import.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["PROVINCE_CODES", "CccdError", "birth_year", "normalize_cccd", "sex", "validate_cccd"]

#: Province/city codes, Thông tư 07/2016/TT-BCA, Phụ lục (as amended by Thông tư 59/2021/TT-BCA).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

_TWELVE_DIGITS_RE = re.compile(r"[0-9]{12}")


class CccdError(ValueError):
    """An invalid personal identification number; ``code`` names the rule that failed."""

    LENGTH = "length"
    PROVINCE = "province"
    FUTURE_BIRTH_YEAR = "future_birth_year"

    MESSAGES = {
        LENGTH: "must have exactly 12 digits",
        PROVINCE: "unknown province code",
        FUTURE_BIRTH_YEAR: "birth year in the future",
    }

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(self.MESSAGES[code])


def normalize_cccd(value: str) -> str:
    """Remove whitespace and check the value is exactly 12 ASCII digits; return it."""
    if not isinstance(value, str):
        raise CccdError(CccdError.LENGTH)
    normalized = "".join(value.split())
    if not _TWELVE_DIGITS_RE.fullmatch(normalized):
        raise CccdError(CccdError.LENGTH)
    return normalized


def birth_year(value: str) -> int:
    """Year of birth encoded in digits 4–6 (century code and last two digits of the year)."""
    normalized = normalize_cccd(value)
    century = 1900 + 100 * (int(normalized[3]) // 2)
    return century + int(normalized[4:6])


def sex(value: str) -> str:
    """``'male'`` (even century code) or ``'female'`` (odd century code)."""
    normalized = normalize_cccd(value)
    return "female" if int(normalized[3]) % 2 else "male"


def validate_cccd(value: str, today: dt.date | None = None) -> str:
    """Return the normalised 12-digit number or raise :class:`CccdError`.

    Checks, in order: exactly 12 digits (spaces removed), a known province code, and a year of
    birth that is not after ``today``'s year (default: the current date).
    """
    normalized = normalize_cccd(value)
    if normalized[:3] not in PROVINCE_CODES:
        raise CccdError(CccdError.PROVINCE)
    today = today or dt.date.today()
    if birth_year(normalized) > today.year:
        raise CccdError(CccdError.FUTURE_BIRTH_YEAR)
    return normalized
