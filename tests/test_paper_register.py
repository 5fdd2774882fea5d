"""The reader of paper registers (cks_token_asset/lib/paper_register.py): what it accepts, and
every problem it names, line by line, before anything is imported."""

import datetime as dt
from pathlib import Path

import pytest
from cks_token_asset_lib.paper_register import PROBLEMS, STEPS, RegisterError, parse, parse_date

TODAY = dt.date(2026, 11, 30)
DEMO = Path(__file__).resolve().parent.parent / "addons/cks_token_asset/demo/so_quan_ly_thiet_bi_ha_tinh.csv"
HEADER = "serial,date,step,body,custodian,location,document,reason,type,model,certificate\n"


def problems(text, today=TODAY):
    with pytest.raises(RegisterError) as caught:
        parse(text, today)
    return [(problem.number, problem.code) for problem in caught.value.problems]


def test_a_register_reads_in_file_order_with_its_values() -> None:
    lines = parse(
        HEADER + "T1,02/03/2023,received,,,,07/BB-BCY,Nhận từ CA,usb,ePass2003,\n"
        "T1,2023-03-06,issue,STTTT,,,03/PX,,,,\n"
        "T1,8/3/2023,assign,,vanthu,,,,,,ab12\n",
        TODAY,
    )
    assert [(line.number, line.step, line.date) for line in lines] == [
        (2, "received", dt.date(2023, 3, 2)),
        (3, "issue", dt.date(2023, 3, 6)),
        (4, "assign", dt.date(2023, 3, 8)),
    ]
    assert (lines[0].document, lines[0].reason, lines[0].model) == ("07/BB-BCY", "Nhận từ CA", "ePass2003")
    assert (lines[1].body, lines[2].custodian, lines[2].certificate) == ("STTTT", "vanthu", "AB12")


def test_vietnamese_columns_semicolons_and_a_byte_order_mark() -> None:
    text = "\ufeffSố seri;Ngày;Bước\n".replace("Số seri", "so_seri").replace("Ngày", "ngay").replace("Bước", "buoc")
    lines = parse((text + "T1;02/03/2023;received\n\nT1;03/03/2023;lock\n").encode("utf-8-sig"), TODAY)
    assert [line.step for line in lines] == ["received", "lock"]


def test_dates_as_written_in_vietnam() -> None:
    assert parse_date("02/03/2023") == dt.date(2023, 3, 2)  # day first
    assert parse_date("2/3/2023") == dt.date(2023, 3, 2)
    assert parse_date("2023-03-02") == dt.date(2023, 3, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"\xff\xfeT\x00", [(0, "not_utf8")]),
        ("  \n", [(0, "empty")]),
        (HEADER, [(0, "no_lines")]),
        ("serial,date,step,colour\n", [(1, "unknown_column")]),
        ("serial,date,step,ngay\n", [(1, "duplicate_column")]),
        ("serial,step\n", [(1, "missing_columns")]),
    ],
)
def test_what_is_wrong_with_a_whole_file(text, expected) -> None:
    assert problems(text) == expected


def test_every_faulty_line_is_named_and_nothing_is_read() -> None:
    text = HEADER + "\n".join(
        [
            "A,02/03/2023,received,,,,,,,,",  # 2: good
            "A,01/03/2023,lock,,,,,,,,",  # 3: before its line 2
            "B,02/03/2023,issue,STTTT,,,,,,,",  # 4: a first line that is not "received"
            "A,02/03/2023,received,,,,,,,,",  # 5: received twice
            ",02/03/2023,received,,,,,,,,",  # 6: no serial
            "C,31/02/2023,received,,,,,,,,",  # 7: no such day
            "D,01/12/2026,received,,,,,,,,",  # 8: tomorrow
            "E,01/01/1999,received,,,,,,,,",  # 9: too old
            "F,02/03/2023,received,,,,,,usb,,",  # 10: good
            "G,02/03/2023,received,,,,,,disk,,",  # 11: unknown type
            "F,03/03/2023,fly,,,,,,,,",  # 12: unknown step
            "F,03/03/2023,issue,,,,,,,,",  # 13: issue without a body
            "F,03/03/2023,handover,,,,,,,,",  # 14: handover without a custodian
            "F,03/03/2023,relocate,,,,,,,,",  # 15: relocate without a place
        ]
    )
    assert problems(text) == [
        (3, "out_of_order"),
        (4, "first_not_received"),
        (5, "received_twice"),
        (6, "missing_value"),
        (7, "bad_date"),
        (8, "future"),
        (9, "too_old"),
        (11, "unknown_type"),
        (12, "unknown_step"),
        (13, "needs_body"),
        (14, "needs_custodian"),
        (15, "needs_location"),
    ]


def test_problems_are_worded_with_their_values() -> None:
    with pytest.raises(RegisterError, match=r"line 3: device A: 01/03/2023 is before its line 2"):
        parse(HEADER + "A,02/03/2023,received\nA,01/03/2023,lock\n", TODAY)
    assert all(code in PROBLEMS for code in ("out_of_order", "future", "needs_body"))


def test_the_demo_register_tells_more_than_two_years_of_about_forty_devices() -> None:
    lines = parse(DEMO.read_bytes(), TODAY)
    serials = {line.serial for line in lines}
    assert 40 <= len(serials) <= 45
    assert min(line.date for line in lines) < TODAY - dt.timedelta(days=2 * 365)
    assert {line.step for line in lines} >= set(STEPS) - {"stocktake"}
