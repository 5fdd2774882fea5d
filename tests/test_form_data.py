"""The plain-Python core of the printed forms (addons/cks_report/lib/form_data.py)."""

import base64
import datetime as dt

import pytest
from cks_report_lib import form_data


def test_administrative_date_of_decree_30():
    assert form_data.admin_date(dt.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert form_data.admin_date(dt.date(2026, 1, 31)) == "ngày 31 tháng 01 năm 2026"
    assert form_data.admin_date(dt.date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert form_data.place_and_date("Hà Tĩnh", dt.date(2026, 12, 17)) == "Hà Tĩnh, ngày 17 tháng 12 năm 2026"


def test_digest_is_canonical():
    one = {"b": [1, "Đ"], "a": dt.date(2026, 1, 2)}
    two = {"a": dt.date(2026, 1, 2), "b": [1, "Đ"]}
    assert form_data.digest(one) == form_data.digest(two)
    assert form_data.digest(one) != form_data.digest({**one, "b": [1, "D"]})
    assert len(form_data.digest(one)) == 64


def test_reference_reads_back_and_refuses_what_is_not_one():
    digest = "a" * 64
    text = form_data.reference("cks.handover", 12, digest, "163:ab12")
    assert form_data.parse_reference(text) == {
        "model": "cks.handover",
        "res_id": 12,
        "digest": digest,
        "anchor": "163:ab12",
    }
    assert form_data.parse_reference(form_data.reference("cks.handover", 1, digest, None))["anchor"] is None
    for bad in ("", "CKS1|x|y|z|w", f"CKS2|cks.handover|1|{digest}|-", f"CKS1|cks.handover|1|{digest[:-1]}|-"):
        with pytest.raises(ValueError):
            form_data.parse_reference(bad)


def test_reference_parts_are_strict():
    digest = "0123456789abcdef" * 4
    anchor = "163:" + "f" * 64
    assert form_data.parse_reference(f"CKS1|cks.request.batch|7|{digest}|{anchor}")["anchor"] == anchor
    for bad in (
        f"CKS1|cks.handover|1|{digest.upper()}|-",  # the digest is lowercase hex
        f"CKS1|cks.handover|1|{'g' * 64}|-",
        f"CKS1|Cks.Handover|1|{digest}|-",  # a model name
        f"CKS1|cks handover|1|{digest}|-",
        f"CKS1|cks.handover|²|{digest}|-",  # ASCII digits only
        f"CKS1|cks.handover|1|{digest}|163",  # an anchor is "<event no.>:<hash>"
        f"CKS1|cks.handover|1|{digest}|-\n",
        f" CKS1|cks.handover|1|{digest}|-",
        None,
    ):
        with pytest.raises(ValueError):
            form_data.parse_reference(bad)


def test_the_qr_code_leads_to_the_check_page_and_reads_back():
    text = form_data.reference("cks.handover", 12, "a" * 64, "163:ab12")
    url = form_data.verify_url("https://cks.hatinh.gov.vn/", text)
    assert url == "https://cks.hatinh.gov.vn/cks/verify?ref=CKS1%7Ccks.handover%7C12%7C" + "a" * 64 + "%7C163%3Aab12"
    # what the page is given back: the address a QR reader opens, or the reference typed or pasted
    assert form_data.reference_in(url) == text
    assert form_data.reference_in(f"  {text}\n") == text
    assert form_data.reference_in("https://example.org/?q=1") == "https://example.org/?q=1"
    assert form_data.reference_in("http://[::1?ref=x") == "http://[::1?ref=x"
    assert form_data.reference_in(None) == ""


def test_wording_placeholders_are_filled_and_nothing_else_is_evaluated():
    assert form_data.fill("Hôm nay, {date}, tại {place}:", {"date": "ngày 01", "place": "Sở"}) == (
        "Hôm nay, ngày 01, tại Sở:"
    )
    assert form_data.fill("{unknown} {0.__class__} {place", {"place": "x"}) == "{unknown} {0.__class__} {place"
    assert form_data.paragraphs(" một \n\n  hai ") == ["một", "hai"]


def test_qr_code_is_a_png():
    png = base64.b64decode(form_data.qr_png_base64("CKS1|cks.handover|1|" + "0" * 64 + "|-"))
    assert png.startswith(b"\x89PNG")


def test_long_tables_are_cut_page_by_page():
    rows = list(range(30))
    parts = form_data.pages(rows, first=8, rest=10)
    assert [len(part) for part in parts] == [8, 10, 10, 2]
    assert [row for part in parts for row in part] == rows
    assert form_data.pages([], first=8, rest=10) == [[]]
    assert form_data.pages(list(range(8)), first=8, rest=10) == [list(range(8))]
