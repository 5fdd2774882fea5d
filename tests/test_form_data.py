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
