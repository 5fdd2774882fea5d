"""Tests of addons/cks_subscriber/lib/cccd.py (pure Python, no Odoo)."""

import datetime as dt

import pytest
from cks_subscriber_lib.cccd import PROVINCE_CODES, CccdError, birth_year, sex, validate_cccd

TODAY = dt.date(2025, 6, 1)


def test_valid_number() -> None:
    assert validate_cccd("042090001234", today=TODAY) == "042090001234"
    assert PROVINCE_CODES["042"] == "Hà Tĩnh"
    assert birth_year("042090001234") == 1990
    assert sex("042090001234") == "male"


def test_spaces_are_stripped() -> None:
    assert validate_cccd("  042 090 001 234\t", today=TODAY) == "042090001234"


def test_default_today_is_used() -> None:
    assert validate_cccd("001190000001") == "001190000001"


@pytest.mark.parametrize(
    "value",
    [
        "04209000123",
        "0420900012345",
        "",
        "   ",
        "04209000123A",
        "O42090001234",
        "042-090-001234",
        "０４２０９０００１２３４",
    ],
)
def test_must_have_exactly_12_digits(value: str) -> None:
    with pytest.raises(CccdError, match="must have exactly 12 digits") as excinfo:
        validate_cccd(value, today=TODAY)
    assert excinfo.value.code == CccdError.LENGTH


def test_non_string_is_refused() -> None:
    with pytest.raises(CccdError, match="must have exactly 12 digits"):
        validate_cccd(42090001234, today=TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["003090001234", "000090001234", "097090001234", "100090001234"])
def test_unknown_province_code(value: str) -> None:
    with pytest.raises(CccdError, match="unknown province code") as excinfo:
        validate_cccd(value, today=TODAY)
    assert excinfo.value.code == CccdError.PROVINCE


def test_province_codes_table() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["011"] == "Điện Biên"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)


def test_birth_year_in_the_future() -> None:
    with pytest.raises(CccdError, match="birth year in the future") as excinfo:
        validate_cccd("001226000001", today=TODAY)  # born 2026
    assert excinfo.value.code == CccdError.FUTURE_BIRTH_YEAR
    assert validate_cccd("001225000001", today=TODAY) == "001225000001"  # born this year
    with pytest.raises(CccdError, match="birth year in the future"):
        validate_cccd("001400000001", today=TODAY)  # born 2100


@pytest.mark.parametrize(
    ("value", "year", "expected_sex"),
    [
        ("042090001234", 1990, "male"),
        ("042190001234", 1990, "female"),
        ("001205000001", 2005, "male"),
        ("001305000001", 2005, "female"),
        ("001400000001", 2100, "male"),
        ("001599000001", 2199, "female"),
        ("001601000001", 2201, "male"),
        ("001701000001", 2201, "female"),
        ("001802000001", 2302, "male"),
        ("001999000001", 2399, "female"),
        ("001000000001", 1900, "male"),
    ],
)
def test_century_and_sex_code(value: str, year: int, expected_sex: str) -> None:
    assert birth_year(value) == year
    assert sex(value) == expected_sex


def test_helpers_accept_spaces_and_reject_bad_input() -> None:
    assert birth_year("042 190 001 234") == 1990
    with pytest.raises(CccdError):
        sex("12345")
